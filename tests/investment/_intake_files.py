"""Spreadsheets that look like officials' real ones, built in memory for the intake tests."""

import io

import xlsxwriter


def xlsx(rows, sheet="Projects", title_rows=(), merge_title=True, name="projects.xlsx", extra_sheets=()):
    """An XLSX file object: optional merged title rows, then ``rows`` (header first)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    for sheet_name, sheet_rows, sheet_titles in [(sheet, rows, title_rows), *extra_sheets]:
        ws = book.add_worksheet(sheet_name)
        width = max((len(r) for r in sheet_rows), default=1)
        for r, text in enumerate(sheet_titles):
            if merge_title and width > 1:
                ws.merge_range(r, 0, r, width - 1, text, bold)
            else:
                ws.write(r, 0, text, bold)
        offset = len(sheet_titles) + (1 if sheet_titles else 0)  # a blank row under the title
        for r, row in enumerate(sheet_rows):
            for c, value in enumerate(row):
                if value is not None:
                    ws.write(offset + r, c, value)
    book.close()
    buffer.seek(0)
    buffer.name = name
    return buffer


def csv_file(text, name="projects.csv", encoding="utf-8"):
    buffer = io.BytesIO(text.encode(encoding))
    buffer.name = name
    return buffer
