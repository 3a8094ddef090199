import io
from decimal import Decimal

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from ddm.exports import csv_bytes, neutralise, xlsx_bytes


def test_formula_like_text_is_neutralised_and_numbers_kept():
    assert neutralise("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("-12 (text)") == "'-12 (text)"
    assert neutralise(Decimal("-12.50")) == Decimal("-12.50")
    assert neutralise("Giyani bulk water") == "Giyani bulk water"


@given(st.text())
def test_no_neutralised_text_starts_with_a_trigger(text):
    assert not str(neutralise(text)).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_xlsx_cells_are_never_formulas():
    data = xlsx_bytes([("t", ["a", "b"], [["=1+1", Decimal("5.25")]], ["note"])])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].value == "'=1+1" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 5.25
    assert sheet["A4"].value == "note"


def test_csv_has_header_and_rows():
    text = csv_bytes(["x"], [["+27"]]).decode("utf-8-sig")
    assert text.splitlines() == ["x", "'+27"]
