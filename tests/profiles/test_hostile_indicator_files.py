"""Issue #15: hostile indicator files (`ddm import indicators`, profiles/importer.py), each with its
expected outcome: a clear error naming the file (and row, column, value where there is one) and nothing
written, or the values written exactly; never an exception, never an expanded entity. SQLite and
PostgreSQL (DATABASE_URL)."""

import re
from dataclasses import dataclass, field

import pytest
from django.test import override_settings

from ddm.profiles.importer import import_indicators
from ddm.profiles.models import Category, IndicatorDefinition, IndicatorValue, Kind, Unit
from hostile_files import (
    LAUGHS,
    OLE2,
    PDF,
    XXE,
    book,
    csv,
    dimension_xlsx,
    entity_xlsx,
    far_cell_xlsx,
    macro_xlsx,
    many_cells_xlsx,
    ods,
    plain_zip,
    truncated_zip,
    zip_bomb,
)

pytestmark = pytest.mark.django_db

CODE = "hostile.clinics"
HEADER = ["Place code", "Indicator", "Year", "Value", "Source"]
GOOD = ["EC157", CODE, 2022, 12, "DoH list 2022"]


@dataclass
class Case:
    name: str
    filename: str
    make: object
    written: int | None  # values written; None: refused (an error, nothing written); -1: either
    error: str = ""  # a regex some error's message must match
    settings: dict = field(default_factory=dict)

    def __str__(self):
        return self.name


def row(**changes):
    values = dict(zip(HEADER, GOOD, strict=True)) | changes
    return list(values.values())


CASES = [
    Case("far-cell-A1-XFD1048576", "bomb.xlsx", lambda: far_cell_xlsx(HEADER), None, r"A1 to XFD1048576"),
    Case("declared-dimension-huge", "dim.xlsx", lambda: dimension_xlsx(HEADER), None, r"A1:XFD1048576"),
    Case("too-many-cells", "cells.xlsx", lambda: many_cells_xlsx(HEADER, 2000), None, r"more than 5,000 cells",
         settings={"DDM_READ_MAX_CELLS": 5000}),
    Case("too-many-rows-xlsx", "rows.xlsx", lambda: many_cells_xlsx(HEADER, 1500), None, r"more than 1,000 rows",
         settings={"DDM_READ_MAX_ROWS": 1000}),
    Case("too-many-rows-csv", "rows.csv", lambda: csv([HEADER] + [GOOD] * 1200, sep=","), None,
         r"more than 1,000 rows", settings={"DDM_READ_MAX_ROWS": 1000}),
    Case("zip-bomb", "zipbomb.xlsx", zip_bomb, None, r"zip bomb"),
    Case("xxe-external-entity", "xxe.xlsx", lambda: entity_xlsx(HEADER, GOOD[:4], XXE, "&e;"), -1),
    Case("billion-laughs", "laughs.xlsx", lambda: entity_xlsx(HEADER, GOOD[:4], LAUGHS, "&i;"), -1),
    Case("damaged-truncated-zip", "cut.xlsx", lambda: truncated_zip(book([("Values", [HEADER, GOOD])])), None,
         r"damaged or incomplete"),
    Case("zip-not-a-workbook", "archive.xlsx", plain_zip, None, r"zip archive, not a spreadsheet"),
    Case("vba-project", "macro.xlsx", lambda: macro_xlsx(HEADER), None, r"macro-enabled workbook"),
    Case("ods", "values.ods", ods, None, r"OpenDocument"),
    Case("xls-ole2", "old.xls", lambda: OLE2, None, r"Excel 97-2003"),
    Case("pdf-named-xlsx", "scan.xlsx", lambda: PDF, None, r"PDF"),
    Case("empty-file", "empty.csv", lambda: b"", None, r"."),
    Case("too-large", "big.csv", lambda: csv([HEADER] + [GOOD] * 100, sep=","), None, r"larger than the limit",
         settings={"DDM_MAX_UPLOAD_BYTES": 2000}),
    Case("nul-bytes", "nul.csv", lambda: csv([HEADER], sep=",") + b"EC1\x0057,hostile.clinics,2022,1,x\r\n", None,
         r"not a spreadsheet"),
    Case("no-header", "noheader.csv", lambda: csv([["a", "b"], [1, 2]], sep=","), None, r"."),
    Case("header-only", "header.xlsx", lambda: book([("Values", [HEADER])]), None, r"no data rows"),
    Case("value-1e300", "e300.xlsx", lambda: book([("Values", [HEADER, row(Value=1e300)])]), None, r"too large"),
    Case("value-NaN", "nan.csv", lambda: csv([HEADER, row(Value="NaN")], sep=","), None, r"not a number"),
    Case("value-Infinity", "inf.csv", lambda: csv([HEADER, row(Value="Infinity")], sep=","), None, r"not a number"),
    Case("value-boolean", "bool.xlsx", lambda: book([("Values", [HEADER, row(Value=True)])]), None, r"not a number"),
    Case("year-99999", "year.csv", lambda: csv([HEADER, row(Year=99999)], sep=","), None, r"not a year"),
    Case("year-2022.5", "halfyear.csv", lambda: csv([HEADER, row(Year="2022.5")], sep=","), None, r"not a year"),
    Case("unknown-place", "place.csv", lambda: csv([HEADER, row(**{"Place code": "XX999"})], sep=","), None,
         r"unknown place code"),
    Case("unknown-indicator", "indicator.csv", lambda: csv([HEADER, row(Indicator="nope")], sep=","), None,
         r"unknown indicator"),
    Case("duplicate-rows", "dup.csv", lambda: csv([HEADER, GOOD, row(Value=13)], sep=","), None,
         r"duplicate of row 2"),
    Case("vintage-121-characters", "vintage.csv", lambda: csv([[*HEADER, "Vintage"], [*GOOD, "v" * 121]], sep=","),
         None, r"longer than 120"),
    Case("released-not-a-date", "released.csv", lambda: csv([[*HEADER, "Released"], [*GOOD, "soon"]], sep=","),
         None, r"not a date"),
    Case("formula-kept-as-text", "formula.csv", lambda: csv([HEADER, row(Source='=HYPERLINK("http://x")')], sep=","),
         1),
    Case("html-in-source", "html.xlsx", lambda: book([("Values", [HEADER, row(Source="<script>x</script>")])]), 1),
    Case("good-file-control", "good.csv", lambda: csv([HEADER, GOOD, row(**{"Place code": "EC154"})], sep=","), 2),
]


@pytest.fixture(autouse=True)
def definition(db):
    return IndicatorDefinition.objects.create(
        code=CODE, name="Clinics", unit=Unit.COUNT, universe="clinics", category=Category.SERVICES, kind=Kind.IMPORTED,
        source="Hostile corpus", year=2022)


def test_the_indicator_corpus_is_named_uniquely():
    assert len(CASES) >= 25 and len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_hostile_indicator_file(case, tmp_path):
    path = tmp_path / case.filename
    path.write_bytes(case.make())
    with override_settings(**case.settings):
        result = import_indicators(str(path))
    report = result.as_dict()
    summary = f"written {result.written}: {report['errors'][:3]}"
    stored = IndicatorValue.objects.filter(indicator__code=CODE)
    if case.written is None:
        assert not report["ok"] and report["errors"], summary
        assert all(e["file"] == case.filename for e in report["errors"]), summary
        assert not stored.exists(), "a refused file wrote nothing"
    elif case.written >= 0:
        assert report["ok"] and result.written == stored.count() == case.written, summary
    if case.error:
        assert any(re.search(case.error, e["message"]) for e in report["errors"]), summary
    assert not stored.filter(source_note__contains="root:").exists()  # no external entity was expanded
