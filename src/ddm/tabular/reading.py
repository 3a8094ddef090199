"""Opening CSV and spreadsheet files safely and reading their rows lazily."""

import codecs
import contextlib
import csv
import io
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import weakref
import zipfile
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings

from ddm.tabular import sandbox
from ddm.tabular.sandbox import Cell, Limits

# A row as the file holds it: (1-based row number, its cells); CSV cells are all text.
RawRow = tuple[int, Sequence[Cell]]
# A row after clean_cell: empty cells None, text stripped.
Row = tuple[int, list[Cell]]
# (first row, first column, last row, last column) of a range merged down several rows.
MergedRange = tuple[int, int, int, int]

FORMULA_PREFIXES = ("'=", "'+", "'-", "'@")
# Refuse archives that would expand beyond these before handing them to the reader.
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
MAX_MEMBER_RATIO = 200  # uncompressed / compressed of one member (sheet XML is ~5-30x)
SNIFF_BYTES = 64 * 1024


class TableError(ValueError):
    """A file that cannot be read as a table; the message names the file and says why."""


@dataclass
class Table:
    """One sheet of a file (a CSV is one table whose sheet is "")."""

    filename: str
    sheet: str
    _iter_raw: Callable[["Table"], Iterable[RawRow]] = field(repr=False)  # the reader of the file's rows
    total_rows: int | None = None  # known (approximately, for CSV) once rows() has started
    hidden: bool = False  # a hidden (or very hidden) sheet of a workbook

    # Workbooks only: ranges merged down several rows, (first row, first column, last row, last column) with
    # row numbers as in the file and 0-based columns; known once rows() has started.
    merged: list[MergedRange] = field(default_factory=list)
    delimiter: str = ""  # CSV only: the separator found (, ; or tab)
    encoding: str = ""  # CSV only: how the bytes were decoded, e.g. "UTF-8 with BOM"

    def raw_rows(self) -> Iterator[RawRow]:
        """(row_number, values) as in the file: no stripping, empty cells stay "" (CSV); bounded like rows()."""
        yield from self._bounded()

    def rows(self) -> Iterator[Row]:
        """The rows, bounded: more rows, columns or cells than read_limits() allows, or more time spent
        reading (not in the caller's work between rows), is a TableError naming the limit; workbooks are
        also bounded before and while reading, in a limited process (see ddm.tabular.sandbox)."""
        for number, values in self._bounded():
            yield number, [clean_cell(v) for v in values]

    def _bounded(self) -> Iterator[RawRow]:
        limits = read_limits()
        where = f"{self.filename}" + (f": sheet {self.sheet!r}" if self.sheet else "")
        raw = iter(self._iter_raw(self))
        spent, count, cells = 0.0, 0, 0
        while True:
            started = time.monotonic()
            try:
                number, values = next(raw)
            except StopIteration:
                return
            spent += time.monotonic() - started
            count += 1
            cells += len(values)
            if count > limits["rows"]:
                raise TableError(f"{where}: more than {limits['rows']:,} rows (the limit); split the file")
            if len(values) > limits["columns"]:
                raise TableError(f"{where}: row {number} has {len(values):,} columns, more than the limit of "
                                 f"{limits['columns']:,}")
            if cells > limits["cells"]:
                raise TableError(f"{where}: more than {limits['cells']:,} cells by row {number} (the limit "
                                 "DDM_READ_MAX_CELLS); split the file")
            if spent > limits["seconds"]:
                raise TableError(f"{where}: reading stopped after {limits['seconds']} s (the time limit "
                                 "DDM_READ_SECONDS); split the file")
            yield number, values


def fill_merged_down(rows: Iterable[Row], merged: Iterable[MergedRange], below: int,
                     skip: Container[int] = ()) -> Iterator[Row]:
    """The rows with each cell merged down several rows (below the row ``below``) given its top cell's
    value, as a reader sees a merged cell; columns in ``skip`` (amounts: one amount merged over several
    rows is one amount) stay blank."""
    waiting = sorted((span for span in merged if span[0] > below), reverse=True)  # next to start last
    if not waiting:
        yield from rows
        return
    active: list[tuple[int, range, list[Cell]]] = []  # (last row, columns, the top cells' values)
    for number, values in rows:
        active = [span for span in active if span[0] >= number]
        while waiting and waiting[-1][0] <= number:
            top, left, bottom, right = waiting.pop()
            if top == number:
                active.append((bottom, range(left, right + 1), values[left:right + 1]))
        for _bottom, columns, tops in active:
            for column, value in zip(columns, tops, strict=False):
                if column not in skip and column < len(values) and values[column] is None:
                    values[column] = value
        yield number, values


def clean_cell(value: Cell) -> Cell:
    """Empty cells become None; text is stripped, and the apostrophe Excel (and our exports) put
    before = + - @ to keep text from being a formula is removed, so exports re-import as-is."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        if value.startswith(FORMULA_PREFIXES):
            return value[1:]
        return value
    return value


def open_table(source: str | os.PathLike[str] | IO[bytes], filename: str | None = None, sheet: str | None = None,
               max_bytes: int | None = None) -> list[Table]:
    """The tables (sheets) of a file; see the package docstring."""
    max_bytes = settings.DDM_MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    data, filename = _read_bytes(source, filename, max_bytes)
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        _check_zip(data, filename)
        _check_extension(filename)
        return _workbook_tables(data, filename, sheet)
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2 compound file: legacy .xls (or an encrypted workbook)
        raise TableError(f"{filename}: an Excel 97-2003 (.xls) or password-protected workbook is not accepted; "
                         "save it as 'Excel Workbook (.xlsx)' without a password, or as CSV")
    if _utf16(data) is not None or _looks_like_text(data[:SNIFF_BYTES]):
        if sheet not in (None, ""):
            raise TableError(f"{filename}: a CSV file has no sheets (asked for sheet {sheet!r})")
        _check_extension(filename)
        return [_csv_table(data, filename)]
    raise TableError(
        f"{filename}: not a spreadsheet (expected CSV, XLSX, XLS or ODS; the file content is "
        f"{_describe(head)})"
    )


ACCEPTED_EXTENSIONS = (".xlsx", ".csv")


def _check_extension(filename: str) -> None:
    """Data files are .xlsx or .csv (a name without an extension is judged by its content alone)."""
    found = re.search(r"\.[A-Za-z0-9]{1,6}$", filename.strip())  # "file.csv (DC36)" is a label: no extension
    extension = found.group(0).lower() if found else ""
    if extension and extension not in ACCEPTED_EXTENSIONS:
        raise TableError(f"{filename}: {extension} files are not accepted for data; save the file as "
                         "'Excel Workbook (.xlsx)' or as CSV (.csv)")


def _read_bytes(source: str | os.PathLike[str] | IO[bytes], filename: str | None, max_bytes: int) -> tuple[bytes, str]:
    if isinstance(source, (str, os.PathLike)):
        filename = filename or os.path.basename(source)
        size = os.path.getsize(source)
        if size > max_bytes:
            raise TableError(_too_large(filename, size, max_bytes))
        with open(source, "rb") as handle:
            return handle.read(), filename
    filename = filename or getattr(source, "name", "") or "upload"
    stated = getattr(source, "size", None)  # an UploadedFile knows its size before it is read
    if stated is not None and stated > max_bytes:
        raise TableError(_too_large(filename, stated, max_bytes))
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TableError(_too_large(filename, len(data), max_bytes))
    return data, os.path.basename(filename)


def _too_large(filename: str, size: int, max_bytes: int) -> str:
    return (f"{filename}: the file is {size / 1048576:.1f} MB, larger than the limit of "
            f"{max_bytes / 1048576:.0f} MB (DDM_MAX_UPLOAD_MB); split it into several files")


def _describe(head: bytes) -> str:
    known = {b"%PDF": "a PDF document", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
             b"GIF8": "a GIF image", b"\x1f\x8b": "a gzip archive", b"Rar!": "a RAR archive",
             b"7z\xbc\xaf": "a 7-Zip archive", b"MZ": "a Windows program", b"\x7fELF": "a program"}
    for magic, name in known.items():
        if head.startswith(magic):
            return name
    return "binary data"


def _looks_like_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    if sample.startswith(codecs.BOM_UTF8):
        sample = sample[len(codecs.BOM_UTF8):]
    for encoding in ("utf-8", "cp1252"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample)  # final=False tolerates a cut char
            return True
        except UnicodeDecodeError:
            continue
    # Latin-1 text: printable bytes only (control characters other than tab/CR/LF mean binary data).
    return not any(byte < 32 and byte not in (9, 10, 13) for byte in sample)


def _check_zip(data: bytes, filename: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise TableError(f"{filename}: a damaged or incomplete spreadsheet file ({exc})") from exc
    names = {m.filename for m in members}
    if "mimetype" in names and "[Content_Types].xml" not in names:
        raise TableError(f"{filename}: an OpenDocument spreadsheet (.ods) is not accepted; save it as .xlsx or .csv")
    if "[Content_Types].xml" not in names:
        raise TableError(f"{filename}: a zip archive, not a spreadsheet (expected .xlsx or .csv)")
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > MAX_MEMBER_RATIO:
            raise TableError(f"{filename}: refused: part {member.filename} expands {ratio:.0f} times "
                             f"(limit {MAX_MEMBER_RATIO}); this looks like a zip bomb")
    if total > MAX_UNZIPPED_BYTES:
        raise TableError(f"{filename}: refused: the spreadsheet expands to {total / 1048576:.0f} MB "
                         f"(limit {MAX_UNZIPPED_BYTES / 1048576:.0f} MB); this looks like a zip bomb")


def _workbook_tables(data: bytes, filename: str, sheet: str | None) -> list[Table]:
    """The sheets of an XLSX, each read by a limited child process (ddm.tabular.sandbox)."""
    reader = WorkbookReader(data, filename)
    listed = reader.sheets()
    names = [name for name, _visible in listed]
    if sheet not in (None, ""):
        if sheet not in names:
            raise TableError(f"{filename}: no sheet named {sheet!r} (sheets: {', '.join(names)})")
        listed = [(name, visible) for name, visible in listed if name == sheet]
    return [Table(filename, name, reader.iterator(name), hidden=visible != "visible") for name, visible in listed]


def read_limits() -> Limits:
    """What reading one file may cost; settings DDM_READ_* override (tests use small ones)."""
    mb = 1024 * 1024
    return {
        "rows": getattr(settings, "DDM_READ_MAX_ROWS", 1_048_576),
        "columns": getattr(settings, "DDM_READ_MAX_COLUMNS", 16_384),
        "cells": getattr(settings, "DDM_READ_MAX_CELLS", 5_000_000),
        "area": getattr(settings, "DDM_READ_MAX_AREA", 2 * getattr(settings, "DDM_READ_MAX_CELLS", 5_000_000)),
        "xml_bytes": getattr(settings, "DDM_READ_MAX_XML_MB", 400) * mb,
        "members": 2000,
        "memory_bytes": getattr(settings, "DDM_READ_MEMORY_MB", 1536) * mb,
        "seconds": getattr(settings, "DDM_READ_SECONDS", 300),
    }


class WorkbookReader:
    """Runs ddm.tabular.sandbox as a child process for the sheet list and for each sheet's rows."""

    def __init__(self, data: bytes, filename: str) -> None:
        self.filename = filename
        self.limits = read_limits()
        self.directory = tempfile.TemporaryDirectory(prefix="ddm-read-")
        weakref.finalize(self, self.directory.cleanup)
        self.path = os.path.join(self.directory.name, "workbook.xlsx")
        with open(self.path, "wb") as handle:
            handle.write(data)

    def sheets(self) -> list[tuple[str, str]]:
        """(name, visibility: "visible", "hidden" or "veryhidden") of each sheet, in workbook order."""
        with self._run(None) as lines:
            return [(name, visible) for name, visible in json.loads(next(lines))["sheets"]]

    def iterator(self, name: str) -> Callable[[Table], Iterator[Row]]:
        def iterate(table: Table) -> Iterator[Row]:
            with self._run(name) as lines:
                head = json.loads(next(lines))
                table.total_rows = head["rows"]
                table.merged = [tuple(r) for r in head.get("merged", [])]
                for line in lines:
                    number, values = json.loads(line)
                    yield number, [sandbox.decode(v) for v in values]

        return iterate

    @contextlib.contextmanager
    def _run(self, sheet: str | None) -> Iterator[Iterator[str]]:
        where = f"{self.filename}" + (f": sheet {sheet!r}" if sheet is not None else "")
        out = os.path.join(self.directory.name, "rows.jsonl")
        request = os.path.join(self.directory.name, "request.json")
        with open(request, "w") as handle:
            json.dump({"path": self.path, "sheet": sheet, "out": out, "limits": self.limits}, handle)
        try:
            done = subprocess.run([sys.executable, "-I", sandbox.__file__, request], capture_output=True,
                                  timeout=self.limits["seconds"], check=False)
        except subprocess.TimeoutExpired as exc:
            raise TableError(f"{where}: reading stopped after {self.limits['seconds']} s (the time limit "
                             "DDM_READ_SECONDS); split the file") from exc
        if done.returncode != 0:
            raise TableError(self._death(where, done))
        with open(out, encoding="utf-8") as lines:
            first = lines.readline()
            head = json.loads(first) if first else {"error": "the reader wrote nothing"}
            if "error" in head:
                if head.get("memory"):
                    raise TableError(self._memory(where))
                raise TableError(f"{self.filename}: {head['error']}")
            yield itertools.chain([first], lines)

    def _death(self, where: str, done: subprocess.CompletedProcess[bytes]) -> str:
        if done.returncode in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV) or b"memory" in done.stderr:
            return self._memory(where)
        if done.returncode in (-signal.SIGXCPU,):
            return (f"{where}: reading stopped after {self.limits['seconds']} s of processor time (the limit "
                    "DDM_READ_SECONDS); split the file")
        return f"{where}: the spreadsheet reader failed (exit status {done.returncode}); the file may be damaged"

    def _memory(self, where: str) -> str:
        return (f"{where}: reading stopped: the spreadsheet needs more than {self.limits['memory_bytes'] // 1048576:,} MB "
                "of memory (the limit DDM_READ_MEMORY_MB); check for stray content far below or right of the data, "
                "or split the file")


def _csv_table(data: bytes, filename: str) -> Table:
    text, encoding = decode_text(data)
    delimiter = _sniff_delimiter(text[:SNIFF_BYTES])

    def iterate(table: Table) -> Iterator[tuple[int, list[str]]]:
        table.total_rows = text.count("\n") + (0 if text.endswith("\n") else 1)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True,
                            skipinitialspace=False, strict=False)
        try:
            yield from enumerate(reader, start=1)
        except csv.Error as exc:
            raise TableError(f"{filename}: line {reader.line_num}: unreadable CSV ({exc})") from exc

    table = Table(filename, "", iterate)
    table.delimiter, table.encoding = delimiter, encoding
    return table


def _utf16(data: bytes) -> str | None:
    """The text of a UTF-16 file with its BOM (Excel's "Unicode text"), else None."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    return None


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a CSV file's bytes: UTF-8 (with or without BOM), else cp1252 (what
    Excel on Windows writes for "CSV" in South Africa), also after a UTF-8 BOM (editors that add a
    BOM to a cp1252 file); bytes cp1252 leaves undefined are read as Latin-1, never dropped."""
    text = _utf16(data)
    if text is not None:
        return text, "UTF-16"
    body = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    bom = " with BOM" if body is not data else ""
    try:
        return body.decode("utf-8"), "UTF-8" + bom
    except UnicodeDecodeError:
        pass
    try:
        return body.decode("cp1252"), "Windows-1252" + bom
    except UnicodeDecodeError:
        return body.decode("latin-1"), "Latin-1" + bom


def _sniff_delimiter(sample: str) -> str:

    """The delimiter giving the most lines with the same (>1) number of fields: robust to title
    lines above the header and to decimal commas inside quoted or ;-separated amounts."""
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in (",", ";", "\t"):
        counts: dict[int, int] = {}
        try:
            for fields in csv.reader(lines, delimiter=delimiter, strict=False):
                if len(fields) > 1:
                    counts[len(fields)] = counts.get(len(fields), 0) + 1
        except csv.Error:  # e.g. a field over the size limit: this delimiter does not fit
            continue
        if counts:
            width, lines_with_width = max(counts.items(), key=lambda item: (item[1], item[0]))
            if (lines_with_width, width) > best_score:
                best, best_score = delimiter, (lines_with_width, width)
    return best
