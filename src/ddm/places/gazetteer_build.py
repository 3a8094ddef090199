"""Dev-time: build the packaged settlement gazetteer (data/gazetteer.csv.gz) from packaged inputs.

    python tools/build_gazetteer.py           # from the packaged inputs (sets Django up first)
    python tools/refresh_geonames.py DATA_DIR  # dev-time, before it: refresh data/geonames_ZA.csv

Inputs (all in the package, so the build is reproducible from the repository):
- data/geonames_ZA.csv: GeoNames populated places (population >= 500) and postal-code places;
- data/census2011_places.csv.gz: the 14,030 main places and 22,196 sub places of Stats SA's Census
  2011 (villages, townships, suburbs) at their centroids (refreshed by tools/refresh_census_places.py);
- ddm/facilities/data/facilities.csv.gz: the village, suburb and town names of 25,542 DBE 2024
  schools and the place names in the health facility names ("Maluti CHC" -> Maluti);
- data/towns.csv (read at run time as before) and alignment/data/place_aliases.csv (former names).

Every observation (a name at a point) is placed by the locator, so a name gets its municipality from
where its schools and clinics are, never from the (often stale) municipality names in the lists.
Observations of one name are grouped into places: points within LINK_KM of each other chain into
one place (a village's schools; a town's suburbs); places of one name far apart stay apart. Each
place gets the municipality most of its observations lie in, a confidence (that share) and a weight
(how much evidence: schools + health facilities + GeoNames), which the resolver uses to tell a real
ambiguity (two villages of one name) from noise (one school that gives a distant postal town).
"""

import csv
import gzip
import io
import re
import string
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ddm.places.gazetteer import normalise, strip_descriptors
from ddm.places.locator import Locator

DATA = Path(__file__).resolve().parent / "data"
GEONAMES_FILE = DATA / "geonames_ZA.csv"
CENSUS_FILE = DATA / "census2011_places.csv.gz"
CROSSWALK_FILE = DATA / "mdb_crosswalk.csv"
OUT = DATA / "gazetteer.csv.gz"
FACILITIES_FILE = Path(__file__).resolve().parents[1] / "facilities" / "data" / "facilities.csv.gz"
ALIASES_FILE = Path(__file__).resolve().parents[1] / "alignment" / "data" / "place_aliases.csv"
COLUMNS = ["name", "province", "municipality", "lat", "lon", "weight", "confidence", "kinds", "sources", "aliases"]

LINK_KM = 15.0  # observations of one name closer than this (chained) are one place
# A chained place with at least this share of its observations in a second municipality is a place there
# too (group_places). Measured on held-out school names (tuning half): answers that a quarter or more of
# the evidence contradicted were right about half the time.
SPLIT_SHARE = 0.25
# A Census main or sub place is an official, bounded settlement: more than one school's say-so, less than
# a GeoNames populated place (population of at least 500). Measured on held-out names (two splits):
# 2 resolves slightly more than 3 or 5 at the same share right.
WEIGHTS = {"geonames": 5, "census": 2, "postal": 2, "school": 1, "health": 1}
# Values in the name columns that are not place names.
GENERIC = {"farm", "farms", "rural", "village", "township", "location", "plot", "plots", "smallholding",
           "smallholdings", "unknown", "none", "na", "nil", "other", "various", "informal settlement", "cbd",
           "town", "city", "central", "centre", "center", "north", "south", "east", "west", "extension", "ext",
           "industrial", "suburb", "trust", "reserve", "mission", "outside a town", "not applicable", "clinic",
           "school", "church", "hospital", "police station", "post office"}
# Address fragments and directions in the name columns ("1 Russell Street", "15km to Ngubevu").
ADDRESS = re.compile(r"\d|\b(street|str|road|rd|drive|avenue|ave|floor|km|opp|turn off|next to|near|behind|"
                     r"erf|stand no|p\.?o\.? box|box|private bag|building|complex|mall|shop|unit|along|between)\b", re.I)
SUFFIX = re.compile(r"\s+(village|location|loc|township|trust|ext\.?\s*\d*|extension\s*\d*)$", re.I)
HEALTH_SUFFIX = re.compile(
    r"\s+(chc|cdc|ems station|ems base|ems|community health cent(re|er)|community day cent(re|er)|clinic"
    r"|(district |provincial |regional |tertiary |tb |specialised )?hospital)$", re.I)
# Qualifiers after the place in DoH names: "Frankfort Private EMS Station", "Brixton LA EMS Station".
HEALTH_QUALIFIER = re.compile(r"\s+(private|la|base|satellite|sub[- ]?station|main|mobile|new|old)$", re.I)
HEALTH_KINDS = {"community_health_centre", "community_day_centre", "ems_station", "hospital"}
# Stats SA's markers in Census place names: "Bolana SP" (the sub place of main place Bolana, "SP2" the
# second), "Glen Donald AH" (agricultural holdings), "SH" (smallholdings), "Nqutu A" (part A of Nqutu).
CENSUS_MARKER = re.compile(r"\s+(SP\d*|AH|SH|[A-H])$")
# "Matzikama NU": the non-urban remainder of a municipality, not a settlement.
CENSUS_NON_URBAN = re.compile(r"\bNU$")


@dataclass
class Observation:
    name: str  # as spelt in the source
    kind: str  # village | suburb | town | place (GeoNames) | facility (from a health facility's name)
    source: str  # geonames | postal | school | health
    lat: float
    lon: float
    municipality: str | None = None
    province: str | None = None
    # The source's own municipality (today's code), used only when the point lies outside every
    # municipality (a coastal centroid just off the simplified boundary).
    stated_municipality: str | None = None


@dataclass
class PlaceRow:
    name: str
    province: str
    municipality: str
    lat: float
    lon: float
    weight: int
    confidence: float
    kinds: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)

    def as_row(self) -> dict[str, Any]:
        return {"name": self.name, "province": self.province, "municipality": self.municipality,
                "lat": f"{self.lat:.4f}", "lon": f"{self.lon:.4f}", "weight": self.weight,
                "confidence": f"{self.confidence:.2f}", "kinds": ";".join(sorted(self.kinds)),
                "sources": ";".join(sorted(self.sources)), "aliases": ";".join(sorted(self.aliases))}


# -- observations ------------------------------------------------------------------------------

def clean_name(text: object) -> str:
    """A settlement name from a list's name column, or "" if it is not one ("99", "FARM", "12")."""
    text = re.sub(r"\s+", " ", str(text or "")).strip(" ,;.-")
    text = SUFFIX.sub("", text).strip()
    key = normalise(text)
    if (len(key) < 3 or text.lower() in GENERIC or not re.search(r"[A-Za-z]{3}", text)
            or ADDRESS.search(text) or len(text.split()) > 4):
        return ""
    return text


def settlement_name(text: object) -> str:
    """clean_name, then without the list's words around the name ("MTHAMBALALA AREA" -> "MTHAMBALALA"),
    so that the gazetteer holds the name itself."""
    name = clean_name(text)
    return strip_descriptors(name) if name else ""


def health_place_name(name: str | None) -> str:
    """"Maluti CHC" -> "Maluti", "Bizana EMS Station" -> "Bizana"; "" when the name is not <place> <type>."""
    stripped = HEALTH_SUFFIX.sub("", name or "").strip()
    if stripped == (name or "").strip():
        return ""
    for _ in range(3):
        stripped = HEALTH_QUALIFIER.sub("", stripped).strip()
    return clean_name(stripped) if len(stripped.split()) <= 3 else ""


def read_geonames(path: Path = GEONAMES_FILE) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def geonames_observations(rows: Iterable[Mapping[str, str]]) -> Iterator[Observation]:
    for row in rows:
        yield Observation(row["name"], "place", row["source"], float(row["lat"]), float(row["lon"]))


def facility_observations(rows: Iterable[Mapping[str, str]],
                          exclude: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset()) -> Iterator[Observation]:
    """Names of schools (village, suburb, town) and health facilities; rows whose (source, ref) is in
    exclude are left out (held-out evaluation)."""
    for row in rows:
        if not (row["lat"] and row["lon"]) or (row["source"], row["ref"]) in exclude:
            continue
        lat, lon = float(row["lat"]), float(row["lon"])
        if row["kind"] == "school":
            for kind in ("village", "suburb", "town"):
                name = settlement_name(row[kind])
                if name:
                    yield Observation(name, kind, "school", lat, lon)
        elif row["kind"] in HEALTH_KINDS and row["sector"] != "private":
            name = health_place_name(row["name"])
            if name:
                yield Observation(name, "facility", "health", lat, lon)


def read_census(path: Path = CENSUS_FILE) -> list[dict[str, str]]:
    with gzip.open(path, "rb") as handle:
        return list(csv.DictReader(io.TextIOWrapper(handle, encoding="utf-8", newline="")))


def read_crosswalk(path: Path = CROSSWALK_FILE) -> dict[str, str]:
    """Former MDB code -> its one successor today (codes split between several successors are left out)."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {row["old_code"]: row["successors"] for row in rows if row["old_code"] and " " not in row["successors"]}


def census_names(raw: str) -> list[str]:
    """The settlement names in a Census place name: "Mapheleni (Emapheleni) SP" -> Mapheleni, Emapheleni;
    "Harare/Holimisa" -> Harare, Holimisa; "Matzikama NU" -> none."""
    text = CENSUS_MARKER.sub("", re.sub(r"\s+", " ", raw).strip())
    if CENSUS_NON_URBAN.search(text):
        return []
    outside = re.sub(r"\(.*?\)", " ", text)
    inside = re.findall(r"\((.*?)\)", text)
    names: list[str] = []
    for part in [p for chunk in [outside, *inside] for p in chunk.split("/")]:
        name = settlement_name(CENSUS_MARKER.sub("", part.strip()))
        if name and normalise(name) not in {normalise(n) for n in names}:
            names.append(name)
    return names


def census_observations(rows: Sequence[Mapping[str, str]], successors: Mapping[str, str]) -> Iterator[Observation]:
    """Census 2011 main places, and the sub places whose names their main place does not already give
    ("Thornhill" main place: its sub places "Thornhill SP" add nothing, "Thornhill Phase 3" is dropped
    as a number, "Mandela Park" in main place Balfour is a name of its own)."""
    main_names = {row["code"]: {normalise(n) for n in census_names(row["name"])} for row in rows
                  if row["level"] == "main"}
    for row in rows:
        names = census_names(row["name"])
        if row["level"] == "sub":
            names = [n for n in names if normalise(n) not in main_names.get(row["code"][:6], set())]
        stated = successors.get(row["municipality_2011"], row["municipality_2011"])
        for name in names:
            yield Observation(name, f"{row['level']}place", "census", float(row["lat"]), float(row["lon"]),
                              stated_municipality=stated)


def locate_all(observations: Sequence[Observation], locator: Locator) -> list[Observation]:
    lats = np.array([o.lat for o in observations], dtype=float)
    lons = np.array([o.lon for o in observations], dtype=float)
    codes = locator.locate_many(lats, lons)
    known = set(locator.codes)
    placed = []
    for observation, code in zip(observations, codes, strict=True):
        if code is None and observation.stated_municipality in known:
            code = observation.stated_municipality
        if code is not None:
            observation.municipality = code
            observation.province = locator.place_codes(code)[1]
            placed.append(observation)
    return placed


# -- grouping into places ----------------------------------------------------------------------

def _components(lats: Sequence[float], lons: Sequence[float], link_km: float = LINK_KM) -> list[int]:
    """Connected components of points within link_km of each other (single linkage), as labels."""
    n = len(lats)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    lat, lon = np.radians(lats), np.radians(lons)
    for start in range(0, n, 512):  # bounded memory: 512 x n distances at a time
        block = slice(start, min(n, start + 512))
        x = (lon[block, None] - lon[None, :]) * np.cos((lat[block, None] + lat[None, :]) / 2)
        y = lat[block, None] - lat[None, :]
        close = np.argwhere(6371.0 * np.hypot(x, y) <= link_km)
        for i, j in close:
            a, b = find(start + int(i)), find(int(j))
            if a != b:
                parent[a] = b
    return [find(i) for i in range(n)]


def _display_name(observations: Iterable[Observation]) -> str:
    """The spelling to show: GeoNames' if it has one, else the commonest, in title case if all caps."""
    spellings = Counter(o.name for o in observations if o.source in ("geonames", "postal", "census")) or Counter(
        o.name for o in observations)
    name = spellings.most_common(1)[0][0]
    return string.capwords(name.lower()) if name.isupper() else name


def _clusters(group: Sequence[Observation]) -> list[list[Observation]]:
    labels = _components([o.lat for o in group], [o.lon for o in group])
    clusters: defaultdict[int, list[Observation]] = defaultdict(list)
    for label, observation in zip(labels, group, strict=True):
        clusters[label].append(observation)
    return list(clusters.values())


def _corroborated(clusters: list[list[Observation]]) -> list[list[Observation]]:
    """Drop clusters known only as schools' Town_City when the name has a corroborated place.

    Town_City is often the postal town: rural schools 40 km from Makhado give "Makhado". A cluster is
    corroborated when something else puts the name there (a school's village or suburb, a clinic's
    name, GeoNames); when none is, every cluster is kept (the name is known only as a town field)."""
    corroborated = [c for c in clusters if any(o.kind != "town" for o in c)]
    return corroborated or clusters


def group_places(observations: Iterable[Observation]) -> list[PlaceRow]:
    """PlaceRows from located observations: one per (name, municipality) after chaining nearby points.

    A chained group with a real share of its points (SPLIT_SHARE) in a second municipality (a village
    on a boundary, a name used on both sides of it) gives a place in each, weighed by its own points: the
    resolver then calls the name ambiguous and lists both unless one holds most of the evidence
    (MINOR_SHARE), rather than guessing. Smaller shares (a town's schools a few km over the line) count
    towards the main place."""
    by_key: defaultdict[str, list[Observation]] = defaultdict(list)
    for observation in observations:
        by_key[normalise(observation.name)].append(observation)
    places: dict[tuple[str, str], PlaceRow] = {}
    for key, group in by_key.items():
        for members in _corroborated(_clusters(group)):
            for municipality, inside, counted in _pieces(members):
                _add_place(places, key, municipality, inside, counted, len(inside) / len(members), _display_name(group))
    return list(places.values())


def _pieces(members: Sequence[Observation]) -> list[tuple[str, list[Observation], list[Observation]]]:
    """(municipality, its observations, the observations its weight counts) for each piece of a cluster:
    the main municipality counts the observations of the pieces too small to stand alone."""
    by_municipality: defaultdict[str, list[Observation]] = defaultdict(list)
    for observation in members:
        assert observation.municipality is not None  # only located observations are grouped (locate_all)
        by_municipality[observation.municipality].append(observation)
    ranked = sorted(by_municipality.items(), key=lambda item: -len(item[1]))
    # Only evidence of the place itself counts towards a split: a school's Town_City is often the postal
    # town across the boundary (schools of Emalahleni EC136 give "Queenstown").
    corroborating = _corroborating(members)
    alone = [(m, inside) for m, inside in ranked[1:]
             if _corroborating(inside) >= max(1, SPLIT_SHARE * corroborating)]
    main_municipality, main_inside = ranked[0]
    rest = [o for m, inside in ranked[1:] if (m, inside) not in alone for o in inside]
    return [(main_municipality, main_inside, main_inside + rest)] + [(m, inside, inside) for m, inside in alone]


def _corroborating(observations: Iterable[Observation]) -> int:
    return sum(o.kind != "town" for o in observations)


def _add_place(places: dict[tuple[str, str], PlaceRow], key: str, municipality: str, inside: list[Observation],
               counted: list[Observation], share: float, name: str) -> None:
    """Add a place (its observations inside the municipality, those its weight counts, the share of its
    cluster inside) or, for a second cluster of the name in the same municipality, add to it."""
    weight = sum(WEIGHTS[o.source] for o in counted)
    place = places.get((key, municipality))
    if place is None:
        province = inside[0].province
        assert province is not None  # set with the municipality by locate_all
        places[(key, municipality)] = PlaceRow(
            name, province, municipality, float(np.median([o.lat for o in inside])),
            float(np.median([o.lon for o in inside])), weight, share, {o.kind for o in counted},
            {o.source for o in counted})
        return
    # a second cluster of the name in the same municipality: the same answer, more evidence
    total = place.weight + weight
    place.confidence = (place.confidence * place.weight + share * weight) / total
    place.weight = total
    place.kinds |= {o.kind for o in counted}
    place.sources |= {o.source for o in counted}


def read_aliases(path: Path = ALIASES_FILE) -> dict[str, set[str]]:
    """Pairs of names of one place (old and current, in either direction)."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    pairs: defaultdict[str, set[str]] = defaultdict(set)
    for row in rows:
        old, new = row["old_name"].strip(), row["current_name"].strip()
        pairs[normalise(old)].add(new)
        pairs[normalise(new)].add(old)
    return pairs


def add_aliases(places: list[PlaceRow], pairs: Mapping[str, set[str]]) -> list[PlaceRow]:
    for place in places:
        place.aliases = {name for name in pairs.get(normalise(place.name), ()) if normalise(name) != normalise(
            place.name)}
    return places


# -- build -------------------------------------------------------------------------------------

def read_facilities(path: Path = FACILITIES_FILE) -> list[dict[str, str]]:
    with gzip.open(path, "rb") as handle:
        return list(csv.DictReader(io.TextIOWrapper(handle, encoding="utf-8", newline="")))


def build(locator: Locator, facilities: list[dict[str, str]] | None = None, geonames: list[dict[str, str]] | None = None,
          exclude: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset(),
          aliases: Mapping[str, set[str]] | None = None, census: list[dict[str, str]] | None = None) -> list[PlaceRow]:
    """Gazetteer PlaceRows, sorted by name and municipality."""
    facilities = read_facilities() if facilities is None else facilities
    geonames = read_geonames() if geonames is None else geonames
    census = read_census() if census is None else census
    observations = (list(geonames_observations(geonames)) + list(census_observations(census, read_crosswalk()))
                    + list(facility_observations(facilities, exclude)))
    places = group_places(locate_all(observations, locator))
    places = add_aliases(places, read_aliases() if aliases is None else aliases)
    return sorted(places, key=lambda p: (normalise(p.name), p.municipality))


def write(places: Iterable[PlaceRow], path: Path = OUT) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(p.as_row() for p in places)
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as handle:
        handle.write(buffer.getvalue().encode("utf-8"))


def build_and_write(locator: Locator) -> str:
    """Build the gazetteer from the packaged inputs and write data/gazetteer.csv.gz (tools/build_gazetteer.py)."""
    places = build(locator)
    write(places)
    return f"wrote {len(places)} places ({len({normalise(p.name) for p in places})} names) to {OUT}"
