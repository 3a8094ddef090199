"""Table exports (CSV, XLSX) shared by every app: safe against spreadsheet formula injection.

A cell starting with = + - @ (or a tab/CR that Excel skips) could run as a formula when a user
opens the export; such text cells are prefixed with an apostrophe. Numbers stay numbers.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.http import HttpResponse
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ddm.numbers import xlsx_format

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> int | float | Decimal | str:
    """The value as safe to write to a spreadsheet cell (numbers untouched)."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(sheets: Iterable[Sequence[Any]]) -> bytes:
    """sheets: list of (title, header, rows[, notes]) -> XLSX bytes. Notes are lines under the table."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = workbook.add_format({"bold": True})
    formats: dict[str, Format] = {}  # number format -> xlsxwriter Format, made once per workbook
    for sheet in sheets:
        title, header, rows = sheet[:3]
        notes = sheet[3] if len(sheet) > 3 else ()
        worksheet = workbook.add_worksheet(title[:31])
        worksheet.write_row(0, 0, [neutralise(h) for h in header], bold)
        count = 0
        for count, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                _write_cell(worksheet, count, column, value, formats, workbook)
        for offset, note in enumerate(notes, start=count + 2):
            worksheet.write_string(offset, 0, str(neutralise(note)))
        worksheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def _write_cell(worksheet: Worksheet, row: int, column: int, value: object, formats: dict[str, Format],
                workbook: Workbook) -> None:
    """Decimals (money, rates) as numbers with a grouped number format (ddm.numbers), never "General";
    the exact Decimal is in the CSV/JSON exports."""
    number_format = xlsx_format(value)
    if number_format is None or not isinstance(value, Decimal):  # xlsx_format formats Decimals only
        worksheet.write(row, column, neutralise(value))
        return
    if number_format not in formats:
        formats[number_format] = workbook.add_format({"num_format": number_format})
    worksheet.write_number(row, column, float(value), formats[number_format])


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(filename: str, sheets: Iterable[Sequence[Any]]) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
