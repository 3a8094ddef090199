"""The rejected rows of an import as an XLSX a user can fix in Excel and re-import as-is."""

from collections.abc import Iterable, Sequence

from ddm.exports import xlsx_bytes
from ddm.tabular.sandbox import Cell

# A rejected row: its original cells and the messages saying why it was rejected.
RejectedRow = tuple[Sequence[Cell], Sequence[str]]

ERRORS_COLUMN = "errors"


def rejected_sheets_xlsx(sheets: Iterable[tuple[str, Sequence[str], Iterable[RejectedRow]]]) -> bytes:
    """Several sheets of rejected rows: [(sheet title, header_texts, rows)] -> one XLSX."""
    return xlsx_bytes([_sheet(title, header_texts, rows) for title, header_texts, rows in sheets])


def _sheet(title: str, header_texts: Sequence[str], rows: Iterable[RejectedRow]) -> tuple[str, list[str], list[list[Cell]]]:
    header = [text or f"column {i + 1}" for i, text in enumerate(header_texts)]
    if ERRORS_COLUMN in header:  # a re-imported rejected-rows file: replace the old errors column
        cut = header.index(ERRORS_COLUMN)
        header_texts, header = header_texts[:cut], header[:cut]
    width = len(header_texts)
    body: list[list[Cell]] = []
    for values, messages in rows:
        kept: list[Cell] = list(values)[:width] + [None] * (width - len(values))
        body.append(kept + ["; ".join(messages)])
    return (title or "rejected", header + [ERRORS_COLUMN], body)


def rejected_rows_xlsx(header_texts: Sequence[str], rows: Iterable[RejectedRow], sheet_title: str = "rejected") -> bytes:

    """rows: [(values, [messages])]. Original columns in their order, then an "errors" column.

    Importers ignore a column named "errors", so the fixed file goes back in unchanged.
    """
    return xlsx_bytes([_sheet(sheet_title, header_texts, rows)])
