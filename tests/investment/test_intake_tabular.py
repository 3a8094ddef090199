"""ddm.tabular: opening files safely, finding the header, issues, rejected-rows round trip."""

import io
import zipfile

import openpyxl
import pytest
import xlsxwriter

from ddm.tabular import (
    HeaderError,
    Issue,
    TableError,
    column_letter,
    detect_header,
    header_unit,
    normalise_header,
    open_table,
    rejected_rows_xlsx,
)

SYNONYMS = {"title": ["Project name", "Project", "Name of project"], "amount": ["Budget", "Allocation"],
            "municipality": ["Local municipality", "LM"]}


def xlsx(rows, sheet="Data"):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = book.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
    book.close()
    buffer.seek(0)
    return buffer


def test_csv_delimiters_and_encodings():
    for delimiter in (",", ";", "\t"):
        amount = "1 234.50" if delimiter == "," else "1 234,50"
        text = f"Title line\n\nProject name{delimiter}Budget\nKwaDukuza pipeline{delimiter}{amount}\n"
        for encoding in ("utf-8", "utf-8-sig", "cp1252"):
            data = (text.replace("Kwa", "Kwa\u00e9") if encoding == "cp1252" else text).encode(encoding)
            (table,) = open_table(io.BytesIO(data), "p.csv")
            rows = list(table.rows())
            assert rows[2] == (3, ["Project name", "Budget"])
            assert rows[3][1][1] == amount
            assert rows[3][1][0].startswith("Kwa")


def test_xlsx_every_sheet_or_a_chosen_one():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("One").write(0, 0, "a")
    book.add_worksheet("Two").write(2, 1, "b")  # starts at B3: row/column numbers must be Excel's
    book.close()
    tables = open_table(io.BytesIO(buffer.getvalue()), "book.xlsx")
    assert [t.sheet for t in tables] == ["One", "Two"]
    (two,) = open_table(io.BytesIO(buffer.getvalue()), "book.xlsx", sheet="Two")
    assert list(two.rows())[-1] == (3, [None, "b"])
    with pytest.raises(TableError, match=r"no sheet named 'Three'.*One, Two"):
        open_table(io.BytesIO(buffer.getvalue()), "book.xlsx", sheet="Three")


def test_refuses_large_files_non_spreadsheets_and_zip_bombs():
    with pytest.raises(TableError, match=r"big.csv.*larger than the limit"):
        open_table(io.BytesIO(b"a,b\n" * 1000), "big.csv", max_bytes=100)
    with pytest.raises(TableError, match=r"scan.pdf: not a spreadsheet.*PDF"):
        open_table(io.BytesIO(b"%PDF-1.4\x00\x01binary"), "scan.pdf")
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(TableError, match="a zip archive, not a spreadsheet"):
        open_table(io.BytesIO(plain.getvalue()), "x.xlsx")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    with pytest.raises(TableError, match=r"bomb.xlsx: refused.*zip bomb"):
        open_table(io.BytesIO(bomb.getvalue()), "bomb.xlsx")


def test_header_found_under_a_title_block_with_synonyms_in_any_order():
    (table,) = open_table(xlsx([
        ["Department of Water and Sanitation"], ["Projects 2019/20 MTEF"], [],
        ["LM", "Allocation (R'000)", "Name of project", "Contractor"],
        ["EC153", 1200, "Ngqeleni water", "Acme"],
    ]), "dws.xlsx")
    header, rows = detect_header(table, SYNONYMS, required=["title"])
    assert header.row == 4
    assert header.fields["title"].label == "C (Name of project)"
    assert header.fields["amount"].unit == 1000
    assert [c.text for c in header.extra] == ["Contractor"]
    assert list(rows) == [(5, ["EC153", 1200.0, "Ngqeleni water", "Acme"])]


def test_missing_required_column_and_no_header_are_clear_errors():
    (table,) = open_table(xlsx([["LM", "Budget"], ["EC153", 5]]), "x.xlsx")
    with pytest.raises(HeaderError, match=r"required column.*title"):
        detect_header(table, SYNONYMS, required=["title"])
    (table,) = open_table(xlsx([["foo", "bar"]]), "y.xlsx")
    with pytest.raises(HeaderError, match="no header row found"):
        detect_header(table, SYNONYMS)


def test_units_and_normalisation():
    assert normalise_header(" Budget  2020/21 (R'000) ") == "budget 2020/21"
    assert normalise_header("Water & Sanitation") == "water and sanitation"
    assert header_unit("Amount (R million)") == 10 ** 6
    assert header_unit("Amount Rm") == 10 ** 6
    assert header_unit("Total (R billion)") == 10 ** 9
    assert header_unit("R thousand") == 1000
    assert header_unit("Budget") is None
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_issue_text_names_where_and_why():
    issue = Issue("error", "negative amount", file="f.xlsx", sheet="Data", row=7, column="C (Budget)", value="-5")
    assert str(issue) == "f.xlsx:Data:7:C (Budget): -5 — negative amount"
    assert issue.as_dict()["row"] == 7


def test_rejected_rows_file_reopens_with_the_same_values_and_an_errors_column():
    data = rejected_rows_xlsx(["Project name", "Budget"], [(["=cmd()", "-1 234"], ["negative amount"])])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == ["Project name", "Budget", "errors"]
    assert sheet["A2"].data_type == "s"  # never a formula
    (table,) = open_table(io.BytesIO(data), "rejected.xlsx")
    rows = list(table.rows())
    assert rows[1] == (2, ["=cmd()", "-1 234", "negative amount"])  # Excel's text apostrophe removed


def test_header_abbreviations_officials_use_match_the_written_out_synonyms():
    synonyms = {"reference": ["Project number", "Reference"], "title": ["Project name"],
                "amount": ["Amount"], "department": ["Department"]}
    (table,) = open_table(xlsx([
        ["Proj No", "Proj. Name", "Amt (R'000)", "Dept", "Notes"],
        ["P1", "Giyani water", 5, "DWS", ""],
    ]), "abbreviated.xlsx")
    header, _rows = detect_header(table, synonyms, required=["title"])
    assert {name: column.letter for name, column in header.fields.items()} == {
        "reference": "A", "title": "B", "amount": "C", "department": "D"}
    assert header.fields["amount"].unit == 1000
    assert normalise_header("Project #") == normalise_header("Project number") == "project no"
    assert normalise_header("Ref. No.") == normalise_header("Reference no")


@pytest.mark.parametrize(("limit", "value", "message"), [
    ("DDM_READ_MAX_ROWS", 100, "more than 100 rows"),
    ("DDM_READ_MAX_COLUMNS", 3, "row 1 has 4 columns, more than the limit of 3"),
    ("DDM_READ_MAX_CELLS", 200, "more than 200 cells by row 51"),
])
def test_raw_rows_are_bounded_like_rows(settings, limit, value, message):
    """`ddm locate --csv` reads raw rows (places.batch): the same row, column and cell limits apply."""
    setattr(settings, limit, value)
    text = "a,b,c,d\n" + "1,2,3,4\n" * 150
    for read in ("rows", "raw_rows"):
        table = open_table(io.BytesIO(text.encode()), "big.csv")[0]
        with pytest.raises(TableError, match=message):
            list(getattr(table, read)())


def test_raw_rows_time_limit(settings, monkeypatch):
    from ddm.tabular import reading

    settings.DDM_READ_SECONDS = 5
    clock = iter(range(0, 1000, 3))  # every read of a row "takes" 3 s
    monkeypatch.setattr(reading.time, "monotonic", lambda: next(clock))
    table = open_table(io.BytesIO(b"a,b\n1,2\n3,4\n5,6\n"), "slow.csv")[0]
    with pytest.raises(TableError, match="reading stopped after 5 s"):
        list(table.raw_rows())
