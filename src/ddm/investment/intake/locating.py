"""Turning what a row says about where a project is into Locations: points through the places
locator (in batches), names and codes through the place registry and the gazetteer.

Codes (EC153, DC15, ETH, KZN, 8-digit ward codes) resolve directly. Names resolve through
``ddm.places.gazetteer.resolve_name`` (current and old names, towns; case, punctuation and words
such as "Local Municipality" ignored). An unknown or ambiguous name raises PlaceError naming the
candidates; nothing is guessed.
"""

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
from rapidfuzz import process

from ddm.investment.models import Precision
from ddm.places import gazetteer
from ddm.places.gazetteer import Candidate, Resolution
from ddm.places.locator import get_locator
from ddm.places.models import Level, Place

_SUFFIXES = re.compile(
    r"\b(local|district|metropolitan|metro|municipality|municipal|lm|dm|mm|of|the|city|province)\b")
CODE = re.compile(r"^(?:[A-Z]{2,3}\d{2,3}|DC\d{1,2}|[A-Z]{3}|\d{8})$")


# The place levels a name or code in a column of each kind may denote (rows.PLACE_FIELDS; "district"
# is the header detector's name for district/metro/zone columns). Wards are resolved separately.
LEVELS_FOR_KIND = {
    "municipality": [Level.MUNICIPALITY, Level.ZONE],
    "district": [Level.ZONE, Level.MUNICIPALITY],
    "zone": [Level.ZONE, Level.MUNICIPALITY],
    "province": [Level.PROVINCE],
    "town": [Level.MUNICIPALITY, Level.ZONE],
}


class PlaceError(LookupError):
    """A place name or code that does not resolve, or resolves to several places."""


@dataclass(frozen=True)
class Spot:
    """A resolved location (Location fields without the project)."""

    precision: str
    name: str = ""
    latitude: float | None = None
    longitude: float | None = None
    place_id: int | None = None
    municipality_id: int | None = None
    zone_id: int | None = None
    province_id: int | None = None

    @property
    def key(self) -> tuple[str, float | None, float | None, int | None, int | None, int | None, int | None]:
        lat = None if self.latitude is None else round(self.latitude, 6)
        lon = None if self.longitude is None else round(self.longitude, 6)
        return (self.precision, lat, lon, self.place_id, self.municipality_id, self.zone_id, self.province_id)


def _norm(text: object) -> str:
    text = re.sub(r"[^a-z0-9 ]+", " ", str(text).lower().replace("&", " and "))
    return " ".join(_SUFFIXES.sub(" ", text).split())


CROSSWALK_FILE = Path(__file__).resolve().parents[2] / "places" / "data" / "mdb_crosswalk.csv"
# Provincial prefixes of MDB codes before 2011 (Northern Province, KwaZulu-Natal's short form).
_OLD_PREFIXES = [(re.compile(r"^NP(?=\d{3}$)"), "LIM"), (re.compile(r"^LP(?=\d{3}$)"), "LIM"),
                 (re.compile(r"^KZ(?=\d{3}$)"), "KZN"), (re.compile(r"^GP(?=\d{3}$)"), "GT")]


@dataclass(frozen=True)
class Former:
    """A former MDB code or name and what became of it (places/data/mdb_crosswalk.csv)."""

    code: str
    name: str
    change: str  # merged | split | metro | renamed | prefix
    year: str
    successors: tuple[str, ...]
    note: str


@lru_cache(maxsize=1)
def crosswalk() -> dict[str, Former]:
    """{normalised former code or name: Former}."""
    table: dict[str, Former] = {}
    with open(CROSSWALK_FILE, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            former = Former(row["old_code"], row["old_name"], row["change"], row["year"],
                            tuple(row["successors"].split()), row["note"])
            if former.code:
                table[former.code.upper()] = former
            if former.name:
                table.setdefault(_norm(former.name), former)
    return table


def former_place(raw: object) -> Former | None:
    """The Former a code or name denotes (pre-2011 prefixes rewritten by rule), or None."""
    code = str(raw).strip().upper().replace(" ", "")
    for pattern, prefix in _OLD_PREFIXES:
        if pattern.match(code):
            rewritten = pattern.sub(prefix, code)
            return crosswalk().get(rewritten) or Former(code, "", "prefix", "2011", (rewritten,),
                                                        f"pre-2011 code, now written {rewritten}")
    return crosswalk().get(code) or crosswalk().get(_norm(raw))


class Resolver:
    """Per-import cache of places; one instance per run (names repeat across rows)."""

    def __init__(self) -> None:
        places = Place.objects.current().without_geometry().exclude(level=Level.WARD)
        self.by_level_code: dict[tuple[str, str], Place] = {}
        self.by_name: dict[str, list[Place]] = {}
        for place in places.select_related(None):
            self.by_level_code[(place.level, place.code)] = place
            if place.level in (Level.PROVINCE, Level.ZONE, Level.MUNICIPALITY):
                for name in {place.name, place.short_name} - {""}:
                    self.by_name.setdefault(_norm(name), []).append(place)
        # Looked up by nullable foreign keys (parent_id, province_id): None finds nothing.
        self.by_id: dict[int | None, Place] = {p.pk: p for p in self.by_level_code.values()}
        self._names: dict[tuple[object, str, str | None], Spot | PlaceError] = {}
        # By ward code, or by (municipality id, ward number); None: no such ward.
        self._wards: dict[str | tuple[int | None, int], Place | None] = {}
        self.home_province: str | None = None  # the submitter's province: prefers same-named places there
        self.home_codes: dict[str, str] = {}  # {"municipality": code, "zone": code} of the submitter, to break name ties
        self.notes: dict[str, str] = {}  # text as given -> a warning to attach to rows using it (a former code or name)
        self.gazetteer = gazetteer

    # -- containers ----------------------------------------------------------------------------

    def _containers(self, place: Place) -> tuple[Place | None, Place | None, int | None]:
        """(municipality, zone, province) of a place at or below province level."""
        municipality = zone = None
        if place.level == Level.WARD:
            parent = self.by_id.get(place.parent_id) or place.parent
            assert parent is not None  # a ward lies in a municipality
            place = parent
        if place.level == Level.MUNICIPALITY:
            municipality = place
            zone = self.by_id.get(place.parent_id)
        elif place.level == Level.ZONE:
            zone = place
        province_id = place.province_id if place.level != Level.PROVINCE else place.pk
        return municipality, zone, province_id

    def spot_for_place(self, place: Place, precision: str, name: str) -> Spot:
        municipality, zone, province_id = self._containers(place)
        return Spot(precision, name[:200], None, None, place.pk, municipality.pk if municipality else None,
                    zone.pk if zone else None, province_id)

    def spot_for_municipality_code(self, code: str, lat: float, lon: float) -> Spot:
        municipality = self.by_level_code[(Level.MUNICIPALITY, code)]
        _m, zone, province_id = self._containers(municipality)
        return Spot(Precision.POINT, "", lat, lon, None, municipality.pk, zone.pk if zone else None, province_id)

    # -- points --------------------------------------------------------------------------------

    def locate_many(self, lats: Sequence[float], lons: Sequence[float]) -> npt.NDArray[np.object_]:
        """Municipality code of each point (None outside South Africa)."""
        return get_locator().locate_many(np.asarray(lats, dtype=float), np.asarray(lons, dtype=float))

    def describe_point(self, lat: float, lon: float) -> str | None:
        """The name of the municipality a point lies in, or None (for hints)."""
        code = self.locate_many([lat], [lon])[0]
        if code is None:
            return None
        place = self.by_level_code.get((Level.MUNICIPALITY, code))
        return f"{place.display_name}, {code}" if place else code

    # -- names and codes -----------------------------------------------------------------------

    def resolve(self, text: object, kind: str, province_code: str | None = None) -> Spot:
        """A Spot for a name or code given in a column of ``kind`` (ward, municipality, zone,
        province, town). Raises PlaceError."""
        key = (text, kind, province_code)
        if key not in self._names:
            try:
                self._names[key] = self._resolve(text, kind, province_code)
            except PlaceError as exc:
                self._names[key] = exc
        found = self._names[key]
        if isinstance(found, PlaceError):
            raise found
        return found

    def _resolve(self, text: object, kind: str, province_code: str | None) -> Spot:
        raw = str(text).strip()
        code = raw.upper().replace(" ", "")
        if kind == "ward":
            return self._ward(raw)
        levels = LEVELS_FOR_KIND.get(kind)
        if levels is None:  # a column kind this resolver does not know: say so, never a KeyError
            raise PlaceError(f"{raw!r}: a {kind} column cannot be used to locate a project")
        for level in levels:
            place = self.by_level_code.get((level, code))
            if place is not None:
                return self.spot_for_place(place, _precision(place), raw)
        if kind == "province":
            place = self._province_by_name(raw)
            return self.spot_for_place(place, Precision.PROVINCE, raw)
        candidates = [p for p in self.by_name.get(_norm(raw), []) if p.level in levels]
        preferred = province_code or self.home_province
        if preferred:
            candidates = [p for p in candidates if self._province_code(p) == preferred] or candidates
        candidates = _prefer_municipality(candidates, kind)
        if len(candidates) == 1:
            return self.spot_for_place(candidates[0], _precision(candidates[0]), raw)
        if len(candidates) > 1:
            raise PlaceError(f"{raw!r} is ambiguous: {self._list(candidates)}; give the MDB code")
        former = former_place(raw)
        if former is not None:
            return self._former(raw, former, levels)
        return self._gazetteer(raw, kind, province_code)

    def _former(self, raw: str, former: Former, levels: list[Level]) -> Spot:
        """A former code or name: its successor with a note naming today's code; a split one is an error."""
        found = [self.by_level_code.get((level, code)) for code in former.successors
                 for level in (*levels, Level.MUNICIPALITY, Level.ZONE)]
        places = list({p.code: p for p in found if p is not None}.values())
        label = " ".join(part for part in (former.code, former.name) if part) or raw
        if former.change == "split" or len(places) != 1:
            options = "; ".join(f"{p.code} {p.display_name}" for p in places) or ", ".join(former.successors)
            raise PlaceError(f"{raw!r} is the former {label}, {former.note} ({former.year}): it is now in several "
                             f"municipalities ({options}); give today's code")
        place = places[0]
        spot = self.spot_for_place(place, _precision(place), raw)
        self.notes[raw.strip()] = (f"{raw!r} is the former {label} ({former.note}, {former.year}): located to "
                                   f"today's {place.code} {place.display_name}")
        return spot

    def _province_code(self, place: Place) -> str | None:
        province = self.by_id.get(place.province_id)
        return province.code if province else None

    def _province_by_name(self, raw: str) -> Place:
        for place in self.by_level_code.values():
            if place.level == Level.PROVINCE and _norm(raw) in (_norm(place.name), place.code.lower()):
                return place
        raise PlaceError(f"{raw!r} is not a province (use EC, FS, GT, KZN, LIM, MP, NC, NW or WC)")

    def _ward(self, raw: str) -> Spot:
        code = re.sub(r"\D", "", raw)
        if len(code) != 8:
            raise PlaceError(f"{raw!r} is not a ward code (8 digits, e.g. 52102005)")
        if code not in self._wards:
            self._wards[code] = Place.objects.wards().without_geometry().filter(code=code).first()
        ward = self._wards[code]
        if ward is None:
            raise PlaceError(f"no ward {code} in the 2020 demarcation")
        return self.spot_for_place(ward, Precision.WARD, raw)

    def ward_in(self, municipality_spot: Spot, number: int, raw: str) -> Spot:
        """Ward ``number`` of the municipality a Spot names (for "Ward: 5" beside a municipality)."""
        key = (municipality_spot.municipality_id, number)
        if key not in self._wards:
            self._wards[key] = Place.objects.wards().without_geometry().filter(
                parent_id=municipality_spot.municipality_id, name=f"Ward {number}").first()
        ward = self._wards[key]
        if ward is None:
            municipality = self.by_id.get(municipality_spot.municipality_id)
            raise PlaceError(f"{municipality.code if municipality else 'the municipality'} has no ward {number}")
        return self.spot_for_place(ward, Precision.WARD, raw)

    def _gazetteer(self, raw: str, kind: str, province_code: str | None) -> Spot:
        suggestions = self._close(raw)
        try:
            result = self.gazetteer.resolve_name(raw, province_code or self.home_province)
            if not result.candidates and not province_code and self.home_province:
                result = self.gazetteer.resolve_name(raw, None)  # not in the submitter's province
            else:
                province_code = province_code or self.home_province
        except ValueError as exc:  # e.g. a name with no letters or digits
            raise PlaceError(f"{raw!r}: {exc}") from None
        best, others = result.best, _other_places(result)
        if result.ambiguous:
            best = self._in_home_area(result.candidates)
            if best is None:
                names = "; ".join(_candidate_label(c) for c in result.candidates[:6])
                if result.zone:  # every place of the name is in one zone: the zone is known, only the municipality is not
                    return self._on_the_zone(raw, result.zone, names)
                raise PlaceError(f"{raw!r} is ambiguous: {names}; give the municipality code or a province")
            others = [c for c in others if c is not best]
            why = "the one in the submitter's own area"
        else:
            why = f"the one in {province_code}" if province_code else "the best match"
        if best is not None and best.match != "fuzzy":
            if province_code:  # the province chose: say which others the name also names
                others = _other_places(self.gazetteer.resolve_name(raw, None))
            others = [c for c in others if not (best.contains(c) or c.contains(best))]
            if others:
                self.notes[raw.strip()] = (f"{raw!r} names several places: chose {_candidate_label(best)}, "
                                           f"{why} (also: {'; '.join(_candidate_label(c) for c in others[:4])})")
            return self._spot_from_candidate(best, raw)
        if result.ambiguous:
            raise PlaceError(f"{raw!r} is ambiguous; give the municipality code")
        if result.best is not None:  # a spelling guess is offered, never applied
            raise PlaceError(f"{raw!r} is not a known {kind} name; did you mean {result.best.name} "
                             f"({result.best.municipality or result.best.code})?")
        suggestions = [f"{c.name} ({c.municipality})" for c in result.candidates[:5]] or suggestions
        hint = f" (close: {', '.join(suggestions)})" if suggestions else ""
        raise PlaceError(f"{raw!r} is not a known {kind} name or code{hint}")

    def _on_the_zone(self, raw: str, zone_code: str, names: str) -> Spot:
        """A name of places in several municipalities of one zone is placed on that zone (as a project on a whole
        district), with a warning naming the places; the municipality code places it on one of them."""
        zone = self.by_level_code.get((Level.ZONE, zone_code))
        if zone is None:
            raise PlaceError(f"{raw!r} is ambiguous: {names}; give the municipality code or a province")
        self.notes[raw.strip()] = (f"{raw!r} names places in several municipalities of {zone.code} "
                                   f"{zone.display_name} ({names}): placed on the whole zone; give the municipality "
                                   "code to place it on one")
        return self.spot_for_place(zone, Precision.ZONE, raw)

    def _in_home_area(self, candidates: list[Candidate]) -> Candidate | None:
        """The one candidate inside the submitter's own municipality or zone, else None."""
        home = self.home_codes
        for level in ("municipality", "zone"):
            code = home.get(level)
            inside = [c for c in candidates if code and getattr(c, level) == code and c.match != "fuzzy"]
            if len({(c.municipality, c.code) for c in inside}) == 1:
                return inside[0]
        return None

    def _spot_from_candidate(self, candidate: Candidate, raw: str) -> Spot:
        for level, code in ((Level.MUNICIPALITY, candidate.municipality), (Level.ZONE, candidate.zone),
                            (Level.PROVINCE, candidate.province)):
            place = self.by_level_code.get((level, code)) if code else None
            if place is not None:
                return self.spot_for_place(place, _precision(place), raw)
        raise PlaceError(f"{raw!r} could not be placed in a municipality")

    def _close(self, raw: str) -> list[str]:
        matches = process.extract(_norm(raw), list(self.by_name), limit=4, score_cutoff=75)
        return [self.by_name[name][0].display_name for name, _score, _i in matches]

    def _list(self, places: list[Place]) -> str:
        return "; ".join(f"{p.code} {p.display_name} ({self._province_code(p)})" for p in places[:6])


def _candidate_label(candidate: Candidate) -> str:
    where = ", ".join(part for part in (candidate.municipality, candidate.province) if part)
    return f"{candidate.name} ({where})" if where else candidate.name


def _other_places(result: Resolution) -> list[Candidate]:
    """The candidates of a name resolution that are other places than its best one."""
    return [c for c in result.candidates if c.match != "fuzzy" and c is not result.best]


def _precision(place: Place) -> str:
    precisions: dict[str, str] = {Level.MUNICIPALITY: Precision.MUNICIPALITY, Level.ZONE: Precision.ZONE,
                                  Level.PROVINCE: Precision.PROVINCE, Level.WARD: Precision.WARD}
    return precisions.get(place.level, Precision.NATIONAL)


def _prefer_municipality(candidates: list[Place], kind: str) -> list[Place]:
    """A metro is both zone and municipality: one place, not an ambiguity."""
    codes = {p.code for p in candidates}
    if len(codes) == 1 and candidates:
        wanted = Level.ZONE if kind in ("zone", "district") else Level.MUNICIPALITY
        return [next((p for p in candidates if p.level == wanted), candidates[0])]
    return candidates


_WARD_LIST = re.compile(r"^(?:wards?\s*(?:no\.?|nos\.?|numbers?)?\s*)?(\d{1,3}(?:\s*(?:,|;|&|/|and|\+)\s*\d{1,3})*)$",
                        re.IGNORECASE)


def ward_numbers(text: object) -> list[int] | None:
    """"Ward 12", "Wards 3, 4 and 7", "12", "12.0" -> [12] / [3, 4, 7]; None if not ward numbers."""
    cleaned = re.sub(r"(?<=\d)\.0\b", "", str(text).strip())
    match = _WARD_LIST.match(cleaned)
    if not match:
        return None
    numbers = [int(n) for n in re.findall(r"\d+", match.group(1))]
    return list(dict.fromkeys(numbers)) if all(n > 0 for n in numbers) else None


def names_no_ward(text: object) -> str | None:
    """Why a Ward Location cell names no ward, or None: a region or an office ("Coastal", "Administrative
    or Head Office"; no digit in it), or a list the source cut short ("3, 4, ...", "Coastal,Inland,...": the
    Local Government Database lists only the first few). Such a cell still places the project in the
    submitting municipality, whose own file it is."""
    cleaned = str(text).strip()
    if re.search(r"(?:\.\.\.|\u2026)\s*$", cleaned):
        return "a list cut short"
    if not re.search(r"\d", cleaned):
        return "no ward number"
    return None


def split_places(text: object) -> list[str]:
    """"EC153; EC154" -> two places. Commas split only a list of codes (names may hold commas)."""
    parts = [p.strip() for p in re.split(r"[;\n|]+", str(text)) if p.strip()]
    expanded: list[str] = []
    for part in parts:
        pieces = [p.strip() for p in re.split(r"[,/]| and ", part) if p.strip()]
        if len(pieces) > 1 and all(CODE.match(p.upper().replace(" ", "")) for p in pieces):
            expanded.extend(pieces)
        else:
            expanded.append(part)
    return expanded
