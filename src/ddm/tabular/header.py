"""Finding the header row under a title block and mapping its columns to canonical fields."""

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from ddm.tabular.reading import TableError

# Units stated in a header, e.g. "Budget 2020/21 (R'000)"; longest first.
_UNIT_PATTERNS = [
    (re.compile(r"r\s*['’]?\s*000\b|\br\s*thousands?\b|\bthousands?\b|\br\s*k\b"), Decimal(1000)),
    (re.compile(r"\br\s*['’]?\s*(?:m|mil|mill|million|millions|mn)\b|\bmillions?\b"), Decimal(10) ** 6),
    (re.compile(r"\br\s*['’]?\s*(?:bn|b|billion|billions)\b|\bbillions?\b|\bbn\b"), Decimal(10) ** 9),
]
_UNIT_STRIP = re.compile(
    r"\(\s*(?:r\s*['’]?\s*000|r\s*thousands?|thousands?|r\s*m|r\s*mil+(?:ion)?s?|millions?|r\s*bn|r\s*billions?|"
    r"billions?|rands?|zar|r)\s*\)"
)


class HeaderError(TableError):
    """No header row found, or a required column is missing."""


def column_letter(index):
    """0 -> A, 25 -> Z, 26 -> AA (as Excel names columns)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def header_unit(text):
    """The multiplier a header (or a cell) states as its unit, or None."""
    lowered = _fold(str(text or ""))
    for pattern, multiplier in _UNIT_PATTERNS:
        if pattern.search(lowered):
            return multiplier
    return None


def _fold(text):
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


def normalise_header(text):
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
    def letter(self):
        return column_letter(self.index)

    @property
    def label(self):
        """How issues name the column: "C (Project name)"."""
        return f"{self.letter} ({self.text})" if self.text else self.letter


@dataclass
class Header:
    row: int  # 1-based row number of the header
    columns: list = field(default_factory=list)

    @property
    def fields(self):
        found = {}
        for column in self.columns:
            if column.field and column.field not in found:
                found[column.field] = column
        return found

    def all(self, field_name):
        return [c for c in self.columns if c.field == field_name]

    @property
    def extra(self):
        return [c for c in self.columns if c.field is None and c.text]

    @property
    def texts(self):
        return [c.text for c in self.columns]


def _lookup(synonyms):
    table = {}
    for canonical, names in synonyms.items():
        for name in [canonical, *names]:
            table.setdefault(normalise_header(name), canonical)
    return table


def _match_row(values, lookup, patterns):
    columns, used = [], set()
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


def detect_header(rows, synonyms, required=(), patterns=(), search_rows=20, filename="", sheet=""):
    """(Header, remaining data rows); ``rows`` is a Table or an iterator of (row_number, values)."""
    iterator = iter(rows.rows() if hasattr(rows, "rows") else rows)
    head = list(itertools.islice(iterator, search_rows))
    lookup = _lookup(synonyms)
    best = None
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
    _score, position, number, columns = best
    header = Header(number, columns)
    missing = [" or ".join(name) if isinstance(name, tuple) else name for name in required if not _has(header, name)]
    if missing:
        raise HeaderError(f"{where}: row {number}: required column(s) missing: {', '.join(missing)} "
                          f"(the header row has: {', '.join(c.text for c in columns if c.text)})")
    return header, itertools.chain(head[position + 1:], iterator)


def _has(header, requirement):
    """A requirement is a field name or a tuple meaning "any of these"."""
    options = requirement if isinstance(requirement, tuple) else (requirement,)
    return any(header.all(option) for option in options)
