"""`ddm locate --csv`: add municipality, zone and province columns to every row of a CSV file.

A row is placed by its coordinates when it has both, else by its place name (with the row's
province, if the file has a province column). A row that cannot be placed keeps all its data and
gets the reason in `locate_error`; nothing is dropped. Row numbers are file line numbers as a
spreadsheet shows them (the header is row 1).
"""

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO, TypedDict

import numpy as np

from ddm.exports import neutralise
from ddm.places.locator import get_locator
from ddm.places.lookups import (
    NOT_IN_SOUTH_AFRICA,
    candidate_label,
    names,
    outside_sa_hint,
    parse_coordinate,
    resolve,
)
from ddm.tabular import TableError, normalise_header, open_table
from ddm.tabular.sandbox import Cell

OUTPUT_COLUMNS = ["municipality_code", "municipality_name", "zone_code", "zone_name", "province_code",
                  "precision", "locate_error"]
LAT_NAMES = ("lat", "latitude", "y")
LON_NAMES = ("lon", "lng", "long", "longitude", "x")
NAME_NAMES = ("place", "town", "name", "municipality", "location", "place_name", "place name")
PROVINCE_NAMES = ("province", "province_code")


class CsvError(ValueError):
    """The file as a whole cannot be processed (unreadable, no usable columns)."""


# The added cells of one row, keyed by OUTPUT_COLUMNS (a failed row: locate_error, the others blank).
Result = dict[str, str]
# (latitude, longitude, place name, province) column indexes; None where the file has no such column.
Columns = tuple[int | None, int | None, int | None, int | None]


class FailedRow(TypedDict):
    row: int
    error: str


class SummaryDict(TypedDict):
    """Summary.as_dict(): what `ddm locate --csv --json` prints (with "out")."""

    rows: int
    placed: int
    failed_count: int
    mode: str
    failed: list[FailedRow]


@dataclass
class Summary:
    rows: int = 0
    placed: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)  # [(row number, reason)]
    mode: str = ""

    def as_dict(self) -> SummaryDict:
        return {"rows": self.rows, "placed": self.placed, "failed_count": len(self.failed), "mode": self.mode,
                "failed": [{"row": row, "error": reason} for row, reason in self.failed]}


def read_table(path: str | Path) -> tuple[str, list[str], list[list[str]]]:
    """(delimiter, header, rows) of a CSV (or spreadsheet) file, cells as written.

    Read through ddm.tabular: UTF-8 with or without BOM, cp1252 (also after a BOM), separators
    , ; or tab, any quoting; bounded by the upload size limit."""
    try:
        tables = open_table(path, filename=str(path))
        rows = [[_cell_text(v) for v in values] for _number, values in tables[0].raw_rows()]
    except OSError as exc:
        raise CsvError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except TableError as exc:
        raise CsvError(str(exc)) from None
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
    if not rows:
        raise CsvError(f"{path}: the file is empty")
    return tables[0].delimiter or ",", rows[0], rows[1:]


def _cell_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


def _find(header: Sequence[str], wanted: Sequence[str], explicit: str | None, path: str | Path,
          what: str) -> int | None:
    lowered = [h.strip().lower() for h in header]
    if explicit:
        if explicit.strip().lower() not in lowered:
            raise CsvError(f"{path}: no {what} column {explicit!r} (columns: {', '.join(header)})")
        return lowered.index(explicit.strip().lower())
    for name in wanted:
        if name in lowered:
            return lowered.index(name)
    return _find_by_words(header, what)


# Headers such as "GIS_Latitude", "GPS Lat (Y)", "Latitude (decimal)" (the Department of Basic
# Education's school master list writes GIS_Long / GIS_Lat): a word of the header names the axis.
_AXIS_WORDS = {"latitude": {"latitude"}, "longitude": {"longitude"}}


def _find_by_words(header: Sequence[str], what: str) -> int | None:
    words = _AXIS_WORDS.get(what)
    if not words:
        return None
    for index, text in enumerate(header):
        if words & set(normalise_header(text).split()):
            return index
    return None


def detect_columns(header: Sequence[str], path: str | Path, lat_column: str | None = None,
                   lon_column: str | None = None, name_column: str | None = None) -> Columns:
    """(lat index, lon index, name index, province index); CsvError if nothing usable."""
    lat = _find(header, LAT_NAMES, lat_column, path, "latitude")
    lon = _find(header, LON_NAMES, lon_column, path, "longitude")
    name = _find(header, NAME_NAMES, name_column, path, "place-name")
    province = _find(header, PROVINCE_NAMES, None, path, "province")
    if (lat is None) != (lon is None):
        missing = "longitude" if lon is None else "latitude"
        raise CsvError(f"{path}: has a {'latitude' if lon is None else 'longitude'} column but no {missing} column")
    if lat is None and name is None:
        raise CsvError(
            f"{path}: no latitude/longitude columns ({'/'.join(LAT_NAMES)}, {'/'.join(LON_NAMES)}) and no "
            f"place-name column ({'/'.join(NAME_NAMES[:5])}); name them with --lat-column/--lon-column "
            f"or --name-column")
    return lat, lon, name, province


def locate_rows(header: Sequence[str], rows: Sequence[Sequence[str]], lat: int | None, lon: int | None,
                name: int | None, province: int | None) -> list[Result]:
    """Result columns for every row: list of dicts with OUTPUT_COLUMNS keys."""
    results = [dict.fromkeys(OUTPUT_COLUMNS, "") for _ in rows]
    by_point: list[int] = []
    coordinates: list[tuple[float, float]] = []
    for index, row in enumerate(rows):
        def cell(i: int | None, row: Sequence[str] = row) -> str:
            return row[i].strip() if i is not None and i < len(row) else ""

        if lat is not None and (cell(lat) or cell(lon)):
            try:
                coordinates.append((parse_coordinate(cell(lat), "lat"), parse_coordinate(cell(lon), "lon")))
                by_point.append(index)
            except ValueError as exc:
                results[index]["locate_error"] = str(exc)
        elif name is not None and cell(name):
            results[index].update(_by_name(cell(name), cell(province)))
        else:
            results[index]["locate_error"] = "no coordinates and no place name" if name is not None else (
                "no coordinates")
    if by_point:
        points = np.array(coordinates)
        codes = get_locator().locate_many(points[:, 0], points[:, 1])
        for index, code, (point_lat, point_lon) in zip(by_point, codes, coordinates, strict=True):
            results[index].update(_by_code(code))
            if code is None:  # name the swapped or sign-corrected point that would lie inside, if any
                hint = outside_sa_hint(point_lat, point_lon, _municipality_name_at)
                results[index]["locate_error"] = f"{NOT_IN_SOUTH_AFRICA}; {hint}" if hint else NOT_IN_SOUTH_AFRICA
    return results


def _municipality_name_at(lat: float, lon: float) -> str | None:
    located = get_locator().locate(lat, lon)
    return names().municipality[located.municipality]["name"] if located else None


def _by_code(code: str | None) -> Result:
    if code is None:
        return {"locate_error": NOT_IN_SOUTH_AFRICA}
    zone, province = get_locator().place_codes(code)
    known = names()
    return {"municipality_code": code, "municipality_name": known.municipality[code]["name"],
            "zone_code": zone, "zone_name": known.zone[zone]["name"], "province_code": province,
            "precision": "point"}


_resolved: dict[tuple[str, str], Result] = {}  # (name, province) -> its result, for one file


def _by_name(text: str, province: str) -> Result:
    key = (text.lower(), province.lower())
    if key not in _resolved:
        _resolved[key] = _resolve_uncached(text, province)
    return _resolved[key]


def _resolve_uncached(text: str, province: str) -> Result:
    try:
        answer = resolve(text, province or None)
    except ValueError as exc:
        return {"locate_error": str(exc)}
    if answer["ambiguous"]:
        options = "; ".join(candidate_label(c) for c in answer["candidates"][:4])
        return {"locate_error": f"{text!r} is ambiguous ({options}): add a province column"}
    best = answer["best"]
    if best is None:
        return {"locate_error": f"no place matches {text!r}"}
    return {"municipality_code": best["municipality"] or "", "municipality_name": best["municipality_name"] or "",
            "zone_code": best["zone"] or "", "zone_name": best["zone_name"] or "",
            "province_code": best["province"] or "", "precision": best["precision"]}


def locate_csv(in_path: str | Path, out_handle: TextIO, lat_column: str | None = None, lon_column: str | None = None,
               name_column: str | None = None) -> Summary:

    """Write in_path with the OUTPUT_COLUMNS added to out_handle; returns a Summary."""
    _resolved.clear()
    delimiter, header, rows = read_table(in_path)
    lat, lon, name, province = detect_columns(header, in_path, lat_column, lon_column, name_column)
    results = locate_rows(header, rows, lat, lon, name, province)
    added = [c for c in OUTPUT_COLUMNS if c not in header]
    # Always standard quoting (a quote in a cell is doubled), whatever the input's quoting was.
    writer = csv.writer(out_handle, delimiter=delimiter, quotechar='"', doublequote=True,
                        quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header + added)
    summary = Summary(rows=len(rows), mode="coordinates" if lat is not None else "names")
    if lat is not None and name is not None:
        summary.mode = "coordinates, else names"
    for number, (row, result) in enumerate(zip(rows, results, strict=True), start=2):
        row = row + [""] * (len(header) - len(row))
        for column, value in result.items():
            if column in header:  # the file already had this column: replace its value
                row[header.index(column)] = value
        # The user's own cells are written back untouched (neutralising would turn "-29.8" into
        # text); the added cells are ours and go through the shared formula-injection guard.
        writer.writerow(row + [neutralise(result[c]) for c in added])
        if result["locate_error"]:
            summary.failed.append((number, result["locate_error"]))
        else:
            summary.placed += 1
    return summary
