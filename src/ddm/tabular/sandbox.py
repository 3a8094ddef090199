"""Reading a workbook in a separate, limited process, so that no spreadsheet can harm the server.

A workbook's compressed size says little about what reading it costs: two cells, A1 and XFD1048576,
make python-calamine allocate the 17 billion cells between them (549 GB) and the process dies.
So every XLSX is read by a child process (this file run as a script: it imports neither Django nor
ddm) that

1. checks the zip (member count, inflated size) and streams each worksheet's XML once, in chunks,
   counting its cells and rows and finding the used area (the declared ``<dimension>`` and the
   cells' own references) — refused with a named error before anything is allocated for it;
2. only then reads the sheet with python-calamine, under ``resource.setrlimit`` limits on memory
   (address space) and CPU time, and writes the rows as JSON lines to a file;
3. exits. The parent waits at most ``seconds`` (wall time) and kills it after that.

The parent then streams the rows from that file. A breach of any limit, a crash or a kill of the
child is a ``TableError`` naming the file, the sheet and the limit; the server process is untouched.

Protocol: ``python sandbox.py REQUEST.json``; the request holds ``path``, ``sheet`` (or null to
list sheets), ``out`` and ``limits``. The output file's first line is a JSON object: ``{"error":
message}``, ``{"sheets": [[name, visible], ...]}``, or ``{"rows": total}`` followed by one
``[row_number, values]`` line per row (dates as ``{"$dt": iso}``, ``{"$d": iso}``, ``{"$t": iso}``,
durations as ``{"$td": seconds}``).
"""

import datetime
import json
import re
import resource
import sys
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any, TypedDict

# Stdlib imports only: this file runs as a script in an isolated (-I) interpreter.

CHUNK = 1 << 20
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|dimension)\b([^>]*)>")
# The fast path: one pass of C-level regex per chunk (per-cell Python calls cost ~10 s per million cells).
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_CELL_COLUMN = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br\s*=\s*["']\$?([A-Za-z]{1,3})\$?\d""")
_ROW_NUMBER = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*?\br\s*=\s*["'](\d{1,7})["']""")
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b([^>]*)>")
_REF = re.compile(rb"""\br\s*=\s*["']\$?([A-Za-z]{0,3})\$?(\d{0,7})["']""")
_DIM = re.compile(rb"""\bref\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d{1,7})(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?["']""")
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_ATTR = re.compile(rb"""([\w:]+)\s*=\s*["']([^"']*)["']""")
_RELATION = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")


class Limits(TypedDict):
    """What reading one file may cost (ddm.tabular.reading.read_limits)."""

    rows: int
    columns: int
    cells: int
    area: int
    xml_bytes: int
    members: int
    memory_bytes: int
    seconds: float


class Request(TypedDict):
    """The request file the parent writes: the workbook, the sheet (None: list the sheets), the output file."""

    path: str
    sheet: str | None
    out: str
    limits: Limits


# A cell as python-calamine reads it (None: an empty cell, as the parent's decode gives it).
Cell = str | int | float | bool | datetime.datetime | datetime.date | datetime.time | datetime.timedelta | None
# A cell as a JSON line carries it: dates, times and durations as {"$dt" | "$d" | "$t" | "$td": value}.
EncodedCell = str | int | float | bool | dict[str, str | float] | None


class Breach(Exception):
    """A limit was exceeded or the file is not what it claims; the message says which, in words."""


def column_letters(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


class Extent:
    """The used area of one worksheet, gathered while its XML streams past."""

    def __init__(self) -> None:
        self.cells = self.rows = 0
        self.min_row: int | None = None
        self.min_col: int | None = None
        self.max_row = self.max_col = 0
        self.far_cell: str | None = None  # the cell that set the largest row or column (to name a stray cell)
        self.declared: str | None = None
        self._row = 0
        self._col = 0

    def tag(self, name: bytes, attrs: bytes, limits: Limits, sheet: str) -> None:
        if name == b"dimension":
            found = _DIM.search(attrs)
            if found:
                self.declared = found.group(0).split(b"=", 1)[1].strip(b"\"' ").decode()
            return
        ref = _REF.search(attrs)
        if name == b"row":
            self.rows += 1
            self._row = int(ref.group(2)) if ref and ref.group(2) else self._row + 1
            self._col = 0
            if self.rows > limits["rows"]:
                raise Breach(f"sheet {sheet!r} has more than {limits['rows']:,} rows (the limit); split the file")
            return
        self.cells += 1
        if self.cells > limits["cells"]:
            raise Breach(f"sheet {sheet!r} has more than {limits['cells']:,} cells (the limit); split the file")
        if ref and ref.group(1):
            self._col = _column_number(ref.group(1).decode())
            if ref.group(2):
                self._row = int(ref.group(2))
        else:
            self._col += 1
        row, col = max(self._row, 1), max(self._col, 1)
        if row > self.max_row or col > self.max_col:
            self.far_cell = f"{column_letters(col)}{row}"
        self.max_row, self.max_col = max(self.max_row, row), max(self.max_col, col)
        self.min_row = row if self.min_row is None else min(self.min_row, row)
        self.min_col = col if self.min_col is None else min(self.min_col, col)

    def chunk(self, data: bytes, limits: Limits, sheet: str) -> None:
        """Account for a run of whole tags: fast when every cell and row states its reference (as Excel,
        LibreOffice and the usual libraries write them), tag by tag otherwise."""
        cells = len(_CELL.findall(data))
        columns = _CELL_COLUMN.findall(data)
        row_numbers = _ROW_NUMBER.findall(data)
        rows = len(_ROW.findall(data))
        if len(columns) != cells or len(row_numbers) != rows or (cells and not rows and not self._row):
            for match in _TAG.finditer(data):
                self.tag(match.group(1), match.group(2), limits, sheet)
            return
        if self.declared is None:
            found = _DIMENSION.search(data)
            if found:
                self.tag(b"dimension", found.group(1), limits, sheet)
        self.cells += cells
        self.rows += rows
        if self.rows > limits["rows"]:
            raise Breach(f"sheet {sheet!r} has more than {limits['rows']:,} rows (the limit); split the file")
        if self.cells > limits["cells"]:
            raise Breach(f"sheet {sheet!r} has more than {limits['cells']:,} cells (the limit); split the file")
        if not cells and not rows:
            return
        numbers = [int(n) for n in row_numbers] or [self._row]
        if row_numbers:
            self._row = numbers[-1]
        letters = {c.upper() for c in set(columns)}
        col_numbers = [_column_number(c.decode()) for c in letters] or [self._col]
        high_row, high_col = max(numbers), max(col_numbers)
        if cells:
            if high_row > self.max_row or high_col > self.max_col:
                self.far_cell = f"column {column_letters(max(high_col, self.max_col))} or row {max(high_row, self.max_row)}"
            self.max_row, self.max_col = max(self.max_row, high_row), max(self.max_col, high_col)
            low_row, low_col = min(numbers), min(col_numbers)
            self.min_row = low_row if self.min_row is None else min(self.min_row, low_row)
            self.min_col = low_col if self.min_col is None else min(self.min_col, low_col)

    def check_area(self, limits: Limits, sheet: str) -> None:
        if self.min_row is None or self.min_col is None:  # set together, by the first cell
            return
        rows = self.max_row - self.min_row + 1
        cols = self.max_col - self.min_col + 1
        area = rows * cols
        if area > limits["area"]:
            first = f"{column_letters(self.min_col)}{self.min_row}"
            last = f"{column_letters(self.max_col)}{self.max_row}"
            raise Breach(
                f"sheet {sheet!r}: the used area runs from {first} to {last} ({rows:,} rows x {cols:,} columns = "
                f"{area:,} cells), more than the limit of {limits['area']:,} cells; delete the stray content at "
                f"{self.far_cell} (or copy the data to a new sheet) and save again"
            )
        if self.declared:
            self._check_declared(self.declared, limits, sheet)

    def _check_declared(self, declared: str, limits: Limits, sheet: str) -> None:
        found = _DIM.search(b'ref="' + declared.encode() + b'"')
        if not found or not found.group(3):
            return
        rows = int(found.group(4)) - int(found.group(2)) + 1
        cols = _column_number(found.group(3).decode()) - _column_number(found.group(1).decode()) + 1
        if rows * cols > limits["area"]:
            raise Breach(f"sheet {sheet!r}: the sheet declares its used area as {declared} ({rows * cols:,} "
                         f"cells), more than the limit of {limits['area']:,} cells; delete the empty rows and "
                         "columns below and right of the data (or copy the data to a new sheet) and save again")


def _attrs(raw: bytes) -> dict[str, str]:
    return {key.split(b":")[-1].decode(): value.decode() for key, value in _ATTR.findall(raw)}


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str | None]:
    """{sheet name: worksheet part name} from the workbook and its relationships."""
    names = set(archive.namelist())
    workbook = next((n for n in ("xl/workbook.xml", "xl/workbook2.xml") if n in names), None)
    if workbook is None:
        raise Breach("not an Excel workbook (.xlsx): it has no xl/workbook.xml (ODS, XLS and other formats are "
                     "not accepted; save it as .xlsx or .csv)")
    rels: dict[str | None, str] = {}
    rels_name = "xl/_rels/" + workbook.rsplit("/", 1)[1] + ".rels"
    if rels_name in names:
        for raw in _RELATION.findall(_read_small(archive, rels_name)):
            attrs = _attrs(raw)
            target = attrs.get("Target", "").lstrip("/")
            rels[attrs.get("Id")] = target if target.startswith("xl/") else "xl/" + target
    parts: dict[str, str | None] = {}
    for raw in _SHEET.findall(_read_small(archive, workbook)):
        attrs = _attrs(raw)
        parts[attrs.get("name", "")] = rels.get(attrs.get("id"))
    return parts


def _read_small(archive: zipfile.ZipFile, name: str, limit: int = 16 * CHUNK) -> bytes:
    with archive.open(name) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise Breach(f"part {name} is larger than {limit // CHUNK} MB")
    return data


def check_archive(path: str, limits: Limits) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Breach(f"a damaged or incomplete spreadsheet file ({exc})") from exc
    if len(members) > limits["members"]:
        raise Breach(f"the workbook has {len(members):,} parts, more than the limit of {limits['members']:,}")
    names = {m.filename for m in members}
    if "xl/vbaProject.bin" in names or b"macroEnabled" in _read_small(archive, "[Content_Types].xml"):
        raise Breach("a macro-enabled workbook (.xlsm) is not accepted: save it as 'Excel Workbook (.xlsx)'")
    return archive


def scan_sheet(archive: zipfile.ZipFile, part: str | None, sheet: str, limits: Limits) -> Extent:
    """Stream one worksheet's XML once: count and bound it before any reader allocates for it."""
    extent = Extent()
    if part is None or part not in archive.namelist():
        return extent
    inflated = 0
    tail = b""
    with archive.open(part) as handle:
        while True:
            chunk = handle.read(CHUNK)
            if not chunk:
                break
            inflated += len(chunk)
            if inflated > limits["xml_bytes"]:
                raise Breach(f"sheet {sheet!r} expands to more than {limits['xml_bytes'] // CHUNK:,} MB of XML "
                             "(the limit); split the file")
            data = tail + chunk
            cut = data.rfind(b"<")
            cut = len(data) if cut == -1 else cut
            if data.find(b">", cut) != -1:
                cut = len(data)
            extent.chunk(data[:cut], limits, sheet)
            tail = data[cut:]
            if len(tail) > CHUNK:
                raise Breach(f"sheet {sheet!r}: an XML tag longer than 1 MB")
    extent.check_area(limits, sheet)
    return extent


def _encode(value: Cell) -> EncodedCell:
    if isinstance(value, datetime.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$d": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"$t": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"$td": value.total_seconds()}
    return value


def decode(value: EncodedCell) -> Cell:
    """The parent's inverse of _encode."""
    if isinstance(value, dict):
        # str() and float() only tell the checker what _encode wrote under each marker.
        if "$dt" in value:
            return datetime.datetime.fromisoformat(str(value["$dt"]))
        if "$d" in value:
            return datetime.date.fromisoformat(str(value["$d"]))
        if "$t" in value:
            return datetime.time.fromisoformat(str(value["$t"]))
        if "$td" in value:
            return datetime.timedelta(seconds=float(value["$td"]))
        raise ValueError(f"not a cell the reader wrote: {value!r}")  # _encode writes no other object
    return value


def _limit_resources(limits: Limits) -> None:
    memory = limits["memory_bytes"]
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(limits["seconds"]) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def child(request: Request) -> Iterable[dict[str, Any] | list[Any]]:
    """The output file's lines: the sheet list, or the sheet's size and merged ranges then its rows."""
    limits = request["limits"]
    _limit_resources(limits)
    archive = check_archive(request["path"], limits)
    parts = sheet_parts(archive)
    # Only the child reads with calamine, and only after the checks and limits above: the parent
    # imports this module for decode() and never loads the library.
    from python_calamine import CalamineWorkbook

    with open(request["path"], "rb") as handle:
        workbook = CalamineWorkbook.from_filelike(handle)
    if request["sheet"] is None:
        visible = {m.name: str(m.visible).rsplit(".", 1)[-1].lower() for m in workbook.sheets_metadata}
        return [{"sheets": [[name, visible.get(name, "visible")] for name in workbook.sheet_names]}]
    name = request["sheet"]
    scan_sheet(archive, parts.get(name), name, limits)
    sheet = workbook.get_sheet_by_name(name)
    first_row, first_col = sheet.start or (0, 0)
    pad = [None] * first_col

    # Cells merged down several rows (a project's name beside its years): the parent fills them in.
    merged = [[top + 1, left, bottom + 1, right] for (top, left), (bottom, right) in sheet.merged_cell_ranges or []
              if bottom > top][:MAX_MERGED]  # calamine gives None only for formats other than xlsx/xls

    def lines() -> Iterator[dict[str, Any] | list[Any]]:
        yield {"rows": first_row + sheet.height, "merged": merged}
        for offset, values in enumerate(sheet.iter_rows()):
            yield [offset + 1, [_encode(v) for v in (pad + list(values) if first_col else values)]]

    return lines()


MAX_MERGED = 100_000  # merged ranges reported for one sheet (more are read as Excel shows them: blank)

# zlib reports running out of memory (Z_MEM_ERROR, -4) as an ordinary error, not MemoryError.
ZLIB_OUT_OF_MEMORY = "Error -4 while decompressing"


def main(argv: list[str]) -> int:

    with open(argv[1]) as handle:
        request = json.load(handle)
    out = open(request["out"], "w", encoding="utf-8")
    try:
        for line in child(request):
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    except Breach as exc:
        out.seek(0)
        out.truncate()
        out.write(json.dumps({"error": str(exc)}) + "\n")
    except MemoryError:
        out.seek(0)
        out.truncate()
        out.write(json.dumps({"error": "memory", "memory": True}) + "\n")
    except Exception as exc:  # noqa: BLE001 - calamine raises several error types for damaged files
        out.seek(0)
        out.truncate()
        if ZLIB_OUT_OF_MEMORY in str(exc):  # zlib's Z_MEM_ERROR: the memory limit, met while inflating
            out.write(json.dumps({"error": "memory", "memory": True}) + "\n")
        else:
            out.write(json.dumps({"error": f"cannot read the spreadsheet ({type(exc).__name__}: {exc})"}) + "\n")
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
