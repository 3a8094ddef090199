"""Finding the header row under a title block and mapping its columns to canonical fields."""

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Self

from ddm.tabular.reading import Row, Table, TableError
from ddm.tabular.sandbox import Cell

# A family of columns: (canonical field, predicate on the normalised header text), e.g. "2019/20".
Pattern = tuple[str, Callable[[str], bool]]
# A required field, or a tuple of fields any one of which will do (see Required).
Requirement = str | tuple[str, ...]

# Units stated in a header, e.g. "Budget 2020/21 (R'000)"; longest first.
_UNIT_PATTERNS = [
    (re.compile(r"r\s*['’]?\s*000\b|\br\s*thousands?\b|\bthousands?\b|\br\s*k\b"), Decimal(1000)),
    (re.compile(r"\br\s*['’]?\s*(?:m|mil|mill|million|millions|mn)\b|\bmillions?\b"), Decimal(10) ** 6),
    (re.compile(r"\br\s*['’]?\s*(?:bn|b|billion|billions)\b|\bbillions?\b|\bbn\b"), Decimal(10) ** 9),
    # Plain Rand stated by a column ("Budget 2019/20 (R)", "Amount in rands") beats a title-block unit.
    (re.compile(r"\(\s*(?:r|rands?|zar)\s*\)|\brands?\b|\bzar\b"), Decimal(1)),
]
_UNIT_STRIP = re.compile(
    r"\(\s*(?:r\s*['’]?\s*000|r\s*thousands?|thousands?|r\s*m|r\s*mil+(?:ion)?s?|millions?|r\s*bn|r\s*billions?|"
    r"billions?|rands?|zar|r)\s*\)"
)


class HeaderError(TableError):
    """No header row found, or a required column is missing."""


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (as Excel names columns)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def header_unit(text: object) -> Decimal | None:
    """The multiplier a header (or a cell) states as its unit, or None."""
    lowered = _fold(str(text or "")).replace("_", " ")
    for pattern, multiplier in _UNIT_PATTERNS:
        if pattern.search(lowered):
            return multiplier
    return None


def unit_only(text: object) -> bool:
    """True for a cell that states only a unit ("R thousand", "(R'000)", "Amounts in R million")."""
    lowered = _fold(str(text or ""))
    for pattern, _multiplier in _UNIT_PATTERNS:
        lowered = pattern.sub(" ", lowered)
    words = re.sub(r"[^a-z]+", " ", lowered).split()
    return not [w for w in words if w not in {"r", "rand", "rands", "zar", "amounts", "amount", "in", "all", "figures",
                                              "values", "are", "stated"}]


def _fold(text: str) -> str:
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.lower()


# Abbreviations officials use in headers ("Proj No", "Dept", "Amt", "Project #"), written out so
# that one synonym list covers them; applied to synonyms and headers alike.
_HEADER_ABBREVIATIONS = {
    "proj": "project", "prj": "project", "dept": "department", "depts": "department",
    "nr": "no", "num": "no", "number": "no", "ref": "reference", "refs": "reference",
    "amt": "amount", "desc": "description", "descr": "description", "mun": "municipality",
    "muni": "municipality", "munic": "municipality", "dist": "district", "yr": "year",
    "fin": "financial", "lat": "latitude", "long": "longitude", "lon": "longitude", "lng": "longitude",
}


def normalise_header(text: object) -> str:
    """Lower case, units in brackets removed, punctuation to spaces, abbreviations written out."""
    text = _fold(str(text or "")).replace("&", " and ").replace("#", " no ")
    text = _UNIT_STRIP.sub(" ", text)
    text = re.sub(r"[^a-z0-9/]+", " ", text)
    return " ".join(_HEADER_ABBREVIATIONS.get(word, word) for word in text.split())


@dataclass
class Column:
    index: int
    text: str
    field: str | None = None
    unit: Decimal | None = None

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def label(self) -> str:
        """How issues name the column: "C (Project name)"."""
        return f"{self.letter} ({self.text})" if self.text else self.letter


@dataclass
class Header:
    row: int  # 1-based row number of the header
    columns: list[Column] = field(default_factory=list)
    title_rows: list[tuple[int, str]] = field(default_factory=list)  # [(row number, text)] of the title block above
    rows_merged: tuple[int, ...] = ()  # row numbers of a header written over two rows ("Budget Year +1" / "2020/21")

    def table_unit(self) -> tuple[Decimal | None, str]:
        """(multiplier, where) of a unit the title block or a unit-only header cell states for the
        whole table ("R thousand" above or in the header's first cell), or (None, "")."""
        for column in self.columns:
            if column.text and column.unit and column.field is None and unit_only(column.text):
                return column.unit, f"row {self.row}, column {column.letter}: {column.text!r}"
        for number, text in reversed(self.title_rows):
            unit = header_unit(text)
            if unit:
                return unit, f"title block, row {number}: {text[:80]!r}"
        return None, ""

    @property
    def title_text(self) -> str:
        return " ".join(text for _number, text in self.title_rows)

    @property
    def fields(self) -> dict[str, Column]:
        found: dict[str, Column] = {}
        for column in self.columns:
            if column.field and column.field not in found:
                found[column.field] = column
        return found

    def all(self, field_name: str) -> list[Column]:
        return [c for c in self.columns if c.field == field_name]

    @property
    def extra(self) -> list[Column]:
        return [c for c in self.columns if c.field is None and c.text]

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.columns]


def _lookup(synonyms: Mapping[str, Iterable[str]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, names in synonyms.items():
        for name in [canonical, *names]:
            table.setdefault(normalise_header(name), canonical)
    return table


def _match_row(values: Sequence[Cell], lookup: Mapping[str, str], patterns: Iterable[Pattern]) -> list[Column]:
    columns: list[Column] = []
    used: set[str] = set()
    for index, value in enumerate(values):
        text = "" if value is None else str(value).strip()
        norm = normalise_header(text)
        name = lookup.get(norm)
        if name is None:
            for pattern_field, predicate in patterns:
                if norm and predicate(norm):
                    name = pattern_field
                    break
        elif name in used:
            name = None  # a second "Project name" column is kept as extra, not silently merged
        if name is not None:
            used.add(name)
        columns.append(Column(index, text, name, header_unit(text) if text else None))
    return columns


def detect_header(rows: Table | Iterable[Row], synonyms: Mapping[str, Iterable[str]],
                  required: Iterable[Requirement] = (), patterns: Sequence[Pattern] = (), search_rows: int = 20,
                  filename: str = "", sheet: str = "", two_rows: bool = False) -> tuple[Header, Iterator[Row]]:
    """(Header, remaining data rows); ``rows`` is a Table or an iterator of (row_number, values).

    With ``two_rows``, a header written over two rows (a group title such as "Audited Outcome" or
    "2019/20 Medium Term Revenue & Expenditure Framework" over "2017/18" / "Budget Year +1") is read
    as one: the row below the best header row is joined to it when it holds no numbers and the
    joined texts recognise more columns."""
    iterator: Iterator[Row] = iter(rows.rows() if isinstance(rows, Table) else rows)
    head = list(itertools.islice(iterator, search_rows))
    lookup = _lookup(synonyms)
    best: tuple[int, int, int, list[Column]] | None = None
    for position, (number, values) in enumerate(head):
        columns = _match_row(values, lookup, patterns)
        score = sum(1 for c in columns if c.field)
        if score and (best is None or score > best[0]):
            best = (score, position, number, columns)
    where = f"{filename}" + (f":{sheet}" if sheet else "")
    if best is None or best[0] < min(2, len(synonyms)):
        names = ", ".join(sorted(synonyms)[:8])
        raise HeaderError(f"{where}: no header row found in the first {search_rows} rows "
                          f"(looked for column names such as {names})")
    score, position, number, columns = best
    merged: tuple[int, ...] = ()
    if two_rows:
        for upper in (position - 1, position):  # a group-title row above, or a second row below
            if upper < 0 or upper + 1 >= len(head):
                continue
            joined = _join_rows(head[upper][1], head[upper + 1][1], lookup, patterns)
            if joined is not None and sum(1 for c in joined if c.field) > score:
                score = sum(1 for c in joined if c.field)
                columns, merged = joined, (head[upper][0], head[upper + 1][0])
                number, position = head[upper][0], upper + 1
    titles = [(n, " ".join(str(v).strip() for v in values if v not in (None, ""))) for n, values in head
              if n < number]
    header = Header(number, columns, [(n, t) for n, t in titles if t], merged)
    missing = [getattr(name, "help", None) or (" or ".join(name) if isinstance(name, tuple) else name)
               for name in required if not _has(header, name)]
    if missing:
        raise HeaderError(f"{where}: row {number}: required column(s) missing: {', '.join(missing)} "
                          f"(the header row has: {', '.join(c.text for c in columns if c.text)})")
    return header, itertools.chain(head[position + 1:], iterator)


def _join_rows(top: Sequence[Cell], bottom: Sequence[Cell], lookup: Mapping[str, str],
               patterns: Iterable[Pattern]) -> list[Column] | None:
    """Columns of a two-row header, or None when ``bottom`` looks like data (holds numbers).

    A group title spans the empty cells to its right (merged cells read as one value then blanks)
    as long as the row below has text there."""
    if any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in bottom):
        return None
    width = max(len(top), len(bottom))
    top = list(top) + [None] * (width - len(top))
    bottom = list(bottom) + [None] * (width - len(bottom))
    texts: list[str] = []
    group: str | None = None
    for upper, lower in zip(top, bottom, strict=True):
        upper = None if upper in (None, "") else str(upper).strip()
        lower = None if lower in (None, "") else str(lower).strip()
        if upper is not None:
            group = upper
        elif lower is None:
            group = None
        above = upper if upper is not None else group
        texts.append(" ".join(part for part in (above, lower) if part))
    joined = _match_row(texts, lookup, patterns)
    # Where the joined text means nothing but one half alone is a known column, keep that half.
    alone_top = _match_row(top, lookup, patterns)
    alone_bottom = _match_row(bottom, lookup, patterns)
    for index, column in enumerate(joined):
        if column.field is None:
            for alone in (alone_top[index], alone_bottom[index]):
                if alone.field and alone.field not in {c.field for c in joined}:
                    joined[index] = Column(index, alone.text, alone.field, alone.unit)
                    break
    return joined


class Required(tuple[str, ...]):
    """A requirement of any of several fields, with the words telling a user what column to add."""

    help: str

    def __new__(cls, fields: Iterable[str], help_text: str) -> Self:
        made = super().__new__(cls, fields)
        made.help = help_text
        return made


def _has(header: Header, requirement: Requirement) -> bool:

    """A requirement is a field name or a tuple meaning "any of these"."""
    options = requirement if isinstance(requirement, tuple) else (requirement,)
    return any(header.all(option) for option in options)
