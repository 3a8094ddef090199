"""The rejected rows of an import as an XLSX a user can fix in Excel and re-import as-is."""

from ddm.exports import xlsx_bytes

ERRORS_COLUMN = "errors"


def rejected_rows_xlsx(header_texts, rows, sheet_title="rejected"):
    """rows: [(values, [messages])]. Original columns in their order, then an "errors" column.

    Importers ignore a column named "errors", so the fixed file goes back in unchanged.
    """
    header = [text or f"column {i + 1}" for i, text in enumerate(header_texts)] + [ERRORS_COLUMN]
    width = len(header_texts)
    body = []
    for values, messages in rows:
        values = list(values)[:width] + [None] * (width - len(values))
        body.append(values + ["; ".join(messages)])
    return xlsx_bytes([(sheet_title, header, body)])
