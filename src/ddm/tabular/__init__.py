"""ddm.tabular: the common pieces of every spreadsheet import (projects, indicators, skills audits).

API (stable; other apps import from ``ddm.tabular``):

``open_table(source, filename, sheet=None, max_bytes=settings.DDM_MAX_UPLOAD_BYTES) -> list[Table]``
    ``source`` is a path or a binary file object (e.g. an ``UploadedFile``). CSV (delimiter ; , or
    tab sniffed; UTF-8, UTF-8 with BOM or cp1252) and XLSX/XLSM/XLS/ODS (python-calamine). One
    ``Table`` per sheet (or only ``sheet``; a CSV is one table with sheet ""). Refuses, with a
    ``TableError`` naming the file: files over ``max_bytes``, zip bombs (member sizes/ratios are
    checked before reading), files that are not spreadsheets (magic bytes), unknown sheet names.

``Table``: ``.filename``, ``.sheet``, ``.rows()`` yields ``(row_number, values)`` lazily, row
    numbers 1-based as Excel shows them; values are str (stripped; Excel's text-prefix apostrophe
    before = + - @ removed, so a rejected-rows file re-imports as-is), float/int, bool,
    datetime/date, or None for an empty cell.

``detect_header(table_or_rows, synonyms, required=(), patterns=(), search_rows=20) -> (Header, rows)``
    Finds the header row in the first ``search_rows`` rows (title blocks above are skipped), given
    ``synonyms = {canonical_field: [synonym, ...]}`` (matched after ``normalise_header``: case,
    punctuation, spaces and units such as "(R'000)" ignored) and optional
    ``patterns = [(field, predicate(normalised_text) -> bool)]`` for families of columns such as
    "2019/20" or "Budget 2020/21". Returns the ``Header`` and an iterator over the data rows after it.
    Raises ``HeaderError`` (a ``TableError``) when no row matches or a required field is missing.
    ``Header.columns`` is a list of ``Column(index, letter, text, field, unit)``; ``Header.fields``
    maps canonical field -> first Column; ``Header.extra`` are the unrecognised columns (kept by
    importers as extra attributes and reported as a warning). ``header_unit(text)`` gives the
    multiplier a header states ("R'000" -> 1000, "R million"/"Rm" -> 1e6, "R billion"/"bn" -> 1e9).

``Issue(level, message, file="", sheet="", row=None, column="", value=None)``: one error or
    warning; ``column`` is "C (Project name)"; ``as_dict()``; ``str()`` is
    "file:sheet:row:column: value — message". ``IssueLog``: ``.error(...)``, ``.warning(...)``,
    ``.errors``, ``.warnings``, ``.blocking`` (any error), ``as_dicts()``.

``rejected_rows_xlsx(header_texts, rows, sheet_title="rejected") -> bytes``
    ``rows`` = [(values, [messages])]: the original columns plus an "errors" column, written through
    ``ddm.exports`` (formula-injection safe) and re-importable as-is after fixing (an existing
    "errors" column is replaced, not duplicated). ``rejected_sheets_xlsx([(title, header_texts,
    rows)])`` does the same for several sheets in one file.

``Table.total_rows``: the number of rows (approximate for CSV), set once ``rows()`` has started;
    for progress displays.
"""

from ddm.tabular.header import (
    Column,
    Header,
    HeaderError,
    Required,
    column_letter,
    detect_header,
    header_unit,
    normalise_header,
)
from ddm.tabular.issues import Issue, IssueLog
from ddm.tabular.reading import Table, TableError, fill_merged_down, open_table
from ddm.tabular.rejected import ERRORS_COLUMN, rejected_rows_xlsx, rejected_sheets_xlsx

__all__ = [
    "ERRORS_COLUMN",
    "Column",
    "Header",
    "HeaderError",
    "Issue",
    "IssueLog",
    "Required",
    "Table",
    "TableError",
    "column_letter",
    "detect_header",
    "fill_merged_down",
    "header_unit",
    "normalise_header",
    "open_table",
    "rejected_rows_xlsx",
    "rejected_sheets_xlsx",
]
