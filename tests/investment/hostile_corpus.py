"""The hostile-file corpus of issue #15: files an attacker or a clumsy official would send, each with
its expected outcome. Generated here (no committed binaries, builders in tests/hostile_files.py);
``PYTHONPATH=tests python hostile_corpus.py DIR`` writes them out for manual probing (the CLI, the web upload).

A case is ``Case(name, filename, make, expect, accept_valid=False, settings={})``: ``make()`` returns the
file's bytes; ``expect`` is an ``Expect`` (status, an error/warning regex that must match some issue,
the references that must exist afterwards). ``settings`` lowers a limit so a limit's breach is cheap.
"""

import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from hostile_files import book, cell, csv, letters, ods, plain_zip, raw_xlsx, sheet_xml, zip_bomb

HEADER = ["Project ID", "Project", "Financial year", "Amount"]
TODAY = timezone.localdate()
THIS_FY = TODAY.year if TODAY.month >= 4 else TODAY.year - 1


@dataclass
class Expect:
    status: str  # rejected / committed / partial / any (any clear outcome but "failed")
    error: str = ""  # a regex some error must match
    warning: str = ""  # a regex some warning must match
    references: tuple = ()  # exactly these project references exist afterwards (for committed/partial)


@dataclass
class Case:
    name: str
    filename: str
    make: object
    expect: Expect
    accept_valid: bool = False
    settings: dict = field(default_factory=dict)

    def __str__(self):
        return self.name


# -- builders ------------------------------------------------------------------------------------

def fy(start):
    return f"{start}/{(start + 1) % 100:02d}"


def good_rows(n=1):
    return [[f"P{i}", f"Road {i}", fy(2020), 100 + i] for i in range(1, n + 1)]


def header_row_xml():
    return '<row r="1">' + "".join(cell(f"{c}1", t) for c, t in zip("ABCD", HEADER, strict=True)) + "</row>"


def data_row_xml(r, ref="P1", amount="100"):
    return (f'<row r="{r}">{cell(f"A{r}", ref)}{cell(f"B{r}", "Road")}{cell(f"C{r}", fy(2020))}'
            f'<c r="D{r}"><v>{amount}</v></c></row>')


def far_cell():
    return raw_xlsx(sheet_xml(header_row_xml() + '<row r="1048576">' + cell("XFD1048576", "x") + "</row>"))


def many_cells(n_rows, n_cols=4):
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{letters(c)}{r}"><v>1</v></c>' for c in range(1, n_cols + 1))
                   + "</row>" for r in range(2, n_rows + 2))
    return raw_xlsx(sheet_xml(header_row_xml() + rows))


def xxe():
    doctype = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    xml = sheet_xml(header_row_xml() + '<row r="2">' + cell("A2", "P1") + cell("B2", "&e;") + cell("C2", fy(2020))
                    + '<c r="D2"><v>5</v></c></row>').replace('<?xml version="1.0"?>', '<?xml version="1.0"?>' + doctype)
    return raw_xlsx(xml)


def laughs():
    entities = '<!ENTITY a "ha">' + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
                                              for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    xml = sheet_xml(header_row_xml() + '<row r="2">' + cell("A2", "P1") + cell("B2", "&i;") + cell("C2", fy(2020))
                    + '<c r="D2"><v>5</v></c></row>').replace('<?xml version="1.0"?>',
                                                                f'<?xml version="1.0"?><!DOCTYPE x [{entities}]>')
    return raw_xlsx(xml)


def rejected(error):
    return Expect("rejected", error=error)


def committed(*references, warning=""):
    return Expect("committed", warning=warning, references=references)


LONG = "x" * 100_000
REF_A = "R" * 120 + "-A"
REF_B = "R" * 120 + "-B"

CASES = [
    # -- workbooks built to exhaust the reader --------------------------------------------------------
    Case("far-cell-A1-XFD1048576", "bomb.xlsx", far_cell, rejected(r"used area runs from A1 to XFD1048576")),
    Case("declared-dimension-huge", "dim.xlsx", lambda: raw_xlsx(sheet_xml(header_row_xml() + data_row_xml(2),
         dimension="A1:XFD1048576")), rejected(r"declares its used area as A1:XFD1048576")),
    Case("declared-dimension-lies-small", "dimsmall.xlsx", lambda: raw_xlsx(sheet_xml(
         header_row_xml() + '<row r="900000">' + cell("ZZ900000", "x") + "</row>", dimension="A1:B2")),
         rejected(r"used area runs from A1 to ZZ900000")),
    Case("too-many-cells", "cells.xlsx", lambda: many_cells(3000), rejected(r"more than 5,000 cells"),
         settings={"DDM_READ_MAX_CELLS": 5000}),
    Case("too-many-rows", "rows.xlsx", lambda: many_cells(1500, 1), rejected(r"more than 1,000 rows"),
         settings={"DDM_READ_MAX_ROWS": 1000}),
    Case("xml-too-large-after-inflation", "xml.xlsx", lambda: raw_xlsx(sheet_xml(
         header_row_xml() + "".join(
         f"<!--{random.Random(i).randbytes(500).hex()}-->" for i in range(3000)))), rejected(r"expands to more than 2 MB of XML"),
         settings={"DDM_READ_MAX_XML_MB": 2}),
    Case("area-within-cells-but-wide", "wide.xlsx", lambda: raw_xlsx(sheet_xml(
         header_row_xml() + '<row r="5000">' + cell("XFD5000", "x") + "</row>")), rejected(r"more than the limit of")),
    Case("cells-without-references-far", "noref.xlsx", lambda: raw_xlsx(sheet_xml(
         header_row_xml() + '<row r="2">' + '<c t="inlineStr"><is><t>x</t></is></c>' * 16384 + "</row>"
         + '<row r="1048576"><c t="inlineStr"><is><t>y</t></is></c></row>')), rejected(r"more than the limit of")),
    Case("memory-limit-kills-the-reader", "mem.xlsx", lambda: many_cells(2000, 10),
         rejected(r"needs more than 1 MB of memory|more than the limit"),
         settings={"DDM_READ_MEMORY_MB": 1}),
    Case("zip-bomb-member-ratio", "zipbomb.xlsx", zip_bomb, rejected(r"zip bomb")),
    Case("xxe-external-entity", "xxe.xlsx", xxe, Expect("any")),
    Case("billion-laughs", "laughs.xlsx", laughs, Expect("any")),
    Case("damaged-truncated-zip", "cut.xlsx", lambda: book([("Data", [HEADER, *good_rows()])])[:300],
         rejected(r"damaged or incomplete")),
    Case("zip-not-a-workbook", "archive.xlsx", plain_zip, rejected(r"zip archive, not a spreadsheet")),
    Case("xlsx-without-workbook-part", "noworkbook.xlsx", lambda: raw_xlsx(sheet_xml(header_row_xml()),
         drop=("xl/workbook.xml",)), rejected(r"not an Excel workbook|cannot read")),
    Case("garbage-sheet-xml", "garbage.xlsx", lambda: raw_xlsx("<worksheet><sheetData><row><c>"),
         Expect("rejected")),
    # -- formats that are not accepted ----------------------------------------------------------------
    Case("xlsm-with-vba-project", "macro.xlsx", lambda: raw_xlsx(sheet_xml(header_row_xml() + data_row_xml(2)),
         members=[("xl/vbaProject.bin", b"\x00" * 100)]), rejected(r"macro-enabled workbook")),
    Case("xlsm-content-type", "macro2.xlsx", lambda: raw_xlsx(sheet_xml(header_row_xml() + data_row_xml(2)),
         content_types_extra='<Override PartName="/x" ContentType="application/vnd.ms-excel.sheet.macroEnabled.'
         'main+xml"/>'), rejected(r"macro-enabled workbook")),
    Case("xlsm-extension", "data.xlsm", lambda: book([("Data", [HEADER, *good_rows()])]),
         rejected(r"\.xlsm files are not accepted")),
    Case("ods", "data.ods", ods, rejected(r"OpenDocument")),
    Case("xls-ole2", "old.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
         rejected(r"Excel 97-2003")),
    Case("pdf-named-xlsx", "scan.xlsx", lambda: b"%PDF-1.4\n" + b"\x00\x01" * 50, rejected(r"not a spreadsheet.*PDF")),
    Case("png-named-csv", "photo.csv", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, rejected(r"PNG")),
    Case("html-named-txt", "page.txt", lambda: b"<html><script>alert(1)</script></html>",
         rejected(r"\.txt files are not accepted")),
    Case("empty-file", "empty.csv", lambda: b"", rejected(r"")),
    Case("too-large", "big.csv", lambda: csv([HEADER, *good_rows(200)]), rejected(r"larger than the limit"),
         settings={"DDM_MAX_UPLOAD_BYTES": 2000}),
    # -- sheets that hide or lack data ------------------------------------------------------------------
    Case("hidden-sheet", "hidden.xlsx", lambda: book([("Visible", [HEADER, *good_rows(1)]),
         ("Secret", [HEADER, ["S1", "Hidden road", fy(2020), 9]])], hidden=("Secret",)),
         committed("P1", "S1", warning=r"hidden in the workbook")),
    Case("header-only-xlsx", "header.xlsx", lambda: book([("Data", [HEADER])]),
         committed(warning=r"no data rows")),
    Case("header-only-csv", "header.csv", lambda: csv([HEADER]), committed(warning=r"no data rows")),
    Case("no-header", "noheader.csv", lambda: csv([["a", "b"], [1, 2]]), rejected(r"")),
    Case("blank-lines", "blank.csv", lambda: csv([HEADER]) + b"\r\n" * 50_000, committed(warning=r"no data rows")),
    # -- amounts -------------------------------------------------------------------------------------
    Case("amount-1e18-csv", "huge.csv", lambda: csv([HEADER, ["P1", "Road", fy(2020), "1000000000000000000"]]),
         rejected(r"more than the largest amount")),
    Case("amount-1e18-accept-valid", "huge2.csv", lambda: csv([HEADER, ["P1", "Road", fy(2020), "1e18"],
         *good_rows(3)[1:]]), Expect("partial", error=r"largest amount|not an amount", references=("P2", "P3")),
         accept_valid=True),
    Case("amount-1e300-xlsx", "e300.xlsx", lambda: book([("Data", [HEADER, ["P1", "Road", fy(2020), 1e300]])]),
         rejected(r"more than the largest amount")),
    Case("amount-1e18-xlsx", "e18.xlsx", lambda: book([("Data", [HEADER, ["P1", "Road", fy(2020), 1e18]])]),
         rejected(r"more than the largest amount")),
    Case("amount-R-trillions-text", "tn.csv", lambda: csv([HEADER, ["P1", "Road", fy(2020), "R5000 billion"]]),
         rejected(r"more than the largest amount")),
    Case("amount-large-warned", "large.csv", lambda: csv([HEADER, ["P1", "Road", fy(2020), "R25 billion"]]),
         committed("P1", warning=r"unusually large|implausible")),
    Case("amount-nan-text", "nan.csv", lambda: csv([HEADER, ["P1", "Road", fy(2020), "NaN"]]), rejected(r"")),
    Case("amount-infinity-text", "inf.csv", lambda: csv([HEADER, ["P1", "Road", fy(2020), "Infinity"]]),
         rejected(r"")),
    Case("amount-negative", "neg.csv", lambda: csv([HEADER, ["P1", "Road", fy(2020), "-5"]]), rejected(r"negative")),
    Case("amount-boolean-xlsx", "bool.xlsx", lambda: book([("Data", [HEADER, ["P1", "Road", fy(2020), True]])]),
         rejected(r"yes/no")),
    Case("amount-a-date-xlsx", "date.xlsx", lambda: book([("Data", [HEADER, ["P1", "Road", fy(2020), "2020-01-01"]])]),
         rejected(r"")),
    # -- text lengths -----------------------------------------------------------------------------------
    Case("title-100000-characters", "longtitle.csv", lambda: csv([HEADER, ["P1", LONG, fy(2020), 1]]),
         rejected(r"title is 100,000 characters long")),
    Case("reference-121-characters", "longref.csv", lambda: csv([HEADER, ["R" * 121, "Road", fy(2020), 1]]),
         rejected(r"reference is 121 characters")),
    Case("references-differing-after-120", "tworefs.csv", lambda: csv([HEADER, [REF_A, "Road A", fy(2020), 1],
         [REF_B, "Road B", fy(2020), 2]]), rejected(r"reference is 122 characters")),
    Case("description-too-long", "longdesc.csv", lambda: csv([[*HEADER, "Description"],
         ["P1", "Road", fy(2020), 1, "d" * 20_000]]), rejected(r"description is 20,000 characters")),
    Case("extra-column-too-long", "longextra.csv", lambda: csv([[*HEADER, "Remarks"], ["P1", "Road", fy(2020), 1,
         "e" * 20_000]]), rejected(r"20,000 characters")),
    Case("status-too-long", "longstatus.csv", lambda: csv([[*HEADER, "Status"], ["P1", "Road", fy(2020), 1,
         "s" * 81]]), rejected(r"status is 81 characters")),
    Case("csv-field-over-csv-limit", "field.csv", lambda: csv([HEADER]) + b'"P1";"' + b"q" * 200_000 + b'";"2020/21";1\r\n',
         rejected(r"unreadable CSV|characters")),
    Case("csv-too-many-columns", "cols.csv", lambda: csv([HEADER, ["P1", "Road", fy(2020), 1] + [""] * 20_000]),
         rejected(r"columns, more than the limit")),
    Case("csv-too-many-rows", "rows.csv", lambda: csv([HEADER, *good_rows(1200)]), rejected(r"more than 1,000 rows"),
         settings={"DDM_READ_MAX_ROWS": 1000}),
    # -- one reference, conflicting rows ----------------------------------------------------------------
    Case("conflicting-amounts", "conflict.csv", lambda: csv([HEADER, ["P1", "Road", fy(2020), 100],
         ["P1", "Road", fy(2020), 200]]), rejected(r"R100\.00 on row 2 and R200\.00 here")),
    Case("conflicting-amounts-accept-valid", "conflict2.csv", lambda: csv([HEADER, ["P1", "Road", fy(2020), 100],
         ["P1", "Road", fy(2020), 200], ["P2", "Bridge", fy(2020), 5]]), rejected(r"nothing was written"),
         accept_valid=True),
    # -- financial years --------------------------------------------------------------------------------
    Case("fy-2099", "fy2099.csv", lambda: csv([HEADER, ["P1", "Road", "2099/00", 1]]), rejected(r"years ahead")),
    Case("fy-before-1994", "fy1980.csv", lambda: csv([HEADER, ["P1", "Road", "1980/81", 1]]), rejected(r"before 1994")),
    Case("fy-80-year-span", "span.csv", lambda: csv([HEADER, ["P1", "Road", "2000/01-2079/80", 1]]),
         rejected(r"spans 80 years")),
    Case("fy-budget-beyond-mtef", "mtef.csv", lambda: csv([HEADER, ["P1", "Road", fy(THIS_FY + 5), 1]]),
         committed("P1", warning=r"beyond the medium-term")),
    Case("fy-actual-in-the-future", "actual.csv", lambda: csv([[*HEADER, "Amount type"],
         ["P1", "Road", fy(THIS_FY + 1), 1, "Actual expenditure"]]), rejected(r"has not started")),
    # -- encodings and odd text -------------------------------------------------------------------------
    Case("bom-then-cp1252", "bom.csv", lambda: b"\xef\xbb\xbf" + csv([HEADER, ["P1", "Caf\xe9 road", fy(2020), 1]],
         encoding="cp1252"), committed("P1")),
    Case("utf16-text", "u16.csv", lambda: "\ufeff".encode("utf-16-le") + "\t".join(HEADER).encode("utf-16-le")
         + "\r\nP1\tRoad\t2020/21\t1\r\n".encode("utf-16-le"), committed("P1")),
    Case("nul-bytes", "nul.csv", lambda: csv([HEADER]) + b"P1;Ro\x00ad;2020/21;1\r\n", rejected(r"not a spreadsheet")),
    Case("formula-injection-kept-as-text", "formula.csv", lambda: csv([HEADER, ["P1", "=HYPERLINK(\"http://x\")",
         fy(2020), 1]]), committed("P1")),
    Case("bidi-and-zero-width", "bidi.csv", lambda: csv([HEADER, ["P\u200b1", "Road \u202etxt.exe", fy(2020), 1]]),
         Expect("committed")),
    Case("html-in-title", "html.csv", lambda: csv([HEADER, ["P1", "<script>alert(1)</script>", fy(2020), 1]]),
         committed("P1")),
]


def main(directory):
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        (out / f"{case.name}--{case.filename}").write_bytes(case.make())
    print(f"{len(CASES)} files written to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "hostile-files")
