"""Held-out measurement of the gazetteer (used by benchmarks/gazetteer.py and tests/places).

Two honest set-ups, both building the gazetteer WITHOUT the names they test:

- schools: a random share of the DBE schools is held out; the gazetteer is built from the rest; each
  held-out school's village or suburb name is resolved and compared with the municipality the
  locator finds at the school's coordinates. A name can still be known from other schools (as a
  real list's village names mostly are); `unseen` counts the queries whose name the build never saw.
- ems: the DoH EMS station names ("Bizana EMS Station" -> Bizana), an official list from another
  department, held out entirely; truth = the locator's municipality at the station.
- census: a random share of Stats SA's Census 2011 main places (with their sub places) is held out;
  each held-out main place's name is resolved and compared with the municipality at its centroid.

A query counts as resolved when the resolver names one best place (not ambiguous, not nothing),
and as correct when that place's municipality is the truth. Queries are distinct (name, municipality).

diagnose() is the protocol for changing the resolver: names are split in two halves by a hash of the
name (half 0 to tune rules on, half 1 to report), each outcome gets a cause (see cause()) and the
shares are given per province; it adds the in-sample measurement (random DBE village, suburb and town
names with their province, as an official would submit them, against the packaged gazetteer).
Truth from a school's point is noisy: a school just over a boundary from the village or town it names
(or its postal town) makes a right answer count as wrong, so "right" understates the resolver.
"""

import random
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ddm.places.gazetteer import Gazetteer, Resolution, build_from_db, normalise, read_gazetteer
from ddm.places.gazetteer_build import build, census_names, clean_name, health_place_name, read_census, read_facilities
from ddm.places.locator import Locator


@dataclass
class Query:
    name: str
    province: str
    municipality: str  # the truth


@dataclass
class Score:
    label: str
    queries: int = 0
    resolved: int = 0
    correct: int = 0
    fuzzy: int = 0
    ambiguous: int = 0
    unseen: int = 0
    wrong: list[tuple[str, str, str | None, str]] = field(default_factory=list)
    causes: Counter[str] = field(default_factory=Counter)
    by_province: dict[str, list[int]] = field(default_factory=dict)  # province -> [queries, resolved, correct]

    @property
    def resolved_share(self) -> float:
        return self.resolved / self.queries if self.queries else 0.0

    @property
    def correct_share(self) -> float:
        return self.correct / self.resolved if self.resolved else 0.0

    def line(self) -> str:
        return (f"{self.label}: {self.queries} names, resolved {self.resolved} ({self.resolved_share:.1%}), "
                f"right municipality {self.correct} ({self.correct_share:.1%} of resolved); "
                f"{self.ambiguous} ambiguous, {self.fuzzy} by spelling guess, {self.unseen} names unseen in the build")

    def province_line(self) -> str:
        return "; ".join(f"{code} {n}: {resolved / n:.0%} / {correct / max(resolved, 1):.0%}"
                         for code, (n, resolved, correct) in sorted(self.by_province.items()))

    def causes_line(self) -> str:
        return ", ".join(f"{cause} {count}" for cause, count in sorted(self.causes.items()))


def _truth(rows: Sequence[Mapping[str, str]], locator: Locator) -> list[tuple[Mapping[str, str], str]]:
    codes = locator.locate_many([float(r["lat"]) for r in rows], [float(r["lon"]) for r in rows])
    return [(row, code) for row, code in zip(rows, codes, strict=True) if code is not None]


def school_split(facilities: Iterable[Mapping[str, str]], fraction: float = 0.2, seed: int = 11) -> set[tuple[str, str]]:
    schools = sorted((r["source"], r["ref"]) for r in facilities if r["kind"] == "school" and r["lat"])
    return set(random.Random(seed).sample(schools, int(len(schools) * fraction)))


def school_queries(facilities: Iterable[Mapping[str, str]], held: set[tuple[str, str]], locator: Locator,
                   fields: tuple[str, ...] = ("village", "suburb")) -> list[Query]:
    rows = [r for r in facilities if (r["source"], r["ref"]) in held]
    queries: dict[tuple[str, str], Query] = {}
    for row, code in _truth(rows, locator):
        for name in {clean_name(row[f]) for f in fields} - {""}:
            queries.setdefault((normalise(name), code), Query(name, locator.place_codes(code)[1], code))
    return list(queries.values())


def ems_queries(facilities: Iterable[Mapping[str, str]], locator: Locator) -> list[Query]:
    rows = [r for r in facilities if r["source"] == "doh_ems" and r["lat"]]
    queries: dict[tuple[str, str], Query] = {}
    for row, code in _truth(rows, locator):
        name = health_place_name(row["name"])
        if name:
            queries.setdefault((normalise(name), code), Query(name, locator.place_codes(code)[1], code))
    return list(queries.values())


def census_split(rows: Iterable[Mapping[str, str]], fraction: float = 0.2, seed: int = 11) -> set[str]:
    """Codes of a random share of the Census main places (a sub place goes with its main place)."""
    mains = sorted(r["code"] for r in rows if r["level"] == "main")
    return set(random.Random(seed).sample(mains, int(len(mains) * fraction)))


def census_queries(rows: Iterable[Mapping[str, str]], held: set[str], locator: Locator) -> list[Query]:
    rows = [r for r in rows if r["level"] == "main" and r["code"] in held]
    queries: dict[tuple[str, str], Query] = {}
    for row, code in _truth(rows, locator):
        for name in census_names(row["name"]):
            queries.setdefault((normalise(name), code), Query(name, locator.place_codes(code)[1], code))
    return list(queries.values())


LOCATIVE = re.compile(r"^(ga|kwa|ha|em|en|e|ka)[-\s]?[a-z]", re.I)
LIST_WORDS = re.compile(r"\b(village|trust|farm|location|loc|area|section|settlement|ext|extension|township|"
                        r"a/a|t/a|tribal|traditional|mission|park)\b", re.I)


def cause(query: Query, answer: Resolution, known_keys: set[str]) -> str:
    """Why a query came out as it did: right; wrong (namesake: the truth was among the candidates; guess:
    by a spelling guess; elsewhere: the name is known only in another municipality); ambiguous (truth
    among the candidates or not); none (in another province only, or absent from every source, told
    apart by the name's shape: locative prefix or hyphen, list words, several words, plain)."""
    best, key = answer.best, normalise(query.name)
    if best is not None:
        if best.municipality == query.municipality:
            return "right"
        if any(c.municipality == query.municipality for c in answer.candidates):
            return "wrong:namesake"
        return "wrong:guess" if best.match == "fuzzy" else "wrong:elsewhere"
    if answer.ambiguous:
        return "ambiguous:truth-listed" if any(c.municipality == query.municipality for c in answer.candidates) \
            else "ambiguous:truth-not-listed"
    if key in known_keys:
        return "none:other-province-only"
    if "-" in query.name or LOCATIVE.match(query.name):
        return "none:absent-prefixed"
    if LIST_WORDS.search(query.name):
        return "none:absent-with-list-words"
    return "none:absent-several-words" if len(query.name.split()) > 1 else "none:absent"


def half_of(name: str) -> int:
    """0 (tune) or 1 (report): a stable split by name, so one name's queries are all on one side."""
    return zlib.crc32(normalise(name).encode()) % 2


def score(gazetteer: Gazetteer, queries: Sequence[Query], label: str, known_keys: set[str],
          with_province: bool = False) -> Score:
    result = Score(label, queries=len(queries))
    for query in queries:
        answer = gazetteer.resolve(query.name, query.province if with_province else None)
        result.unseen += normalise(query.name) not in known_keys
        result.causes[cause(query, answer, known_keys)] += 1
        tally = result.by_province.setdefault(query.province, [0, 0, 0])
        tally[0] += 1
        tally[1] += answer.best is not None
        tally[2] += answer.best is not None and answer.best.municipality == query.municipality
        if answer.ambiguous:
            result.ambiguous += 1
        if answer.best is None:
            continue
        result.resolved += 1
        result.fuzzy += answer.best.match == "fuzzy"
        if answer.best.municipality == query.municipality:
            result.correct += 1
        else:
            result.wrong.append((query.name, query.municipality, answer.best.municipality, answer.best.name))
    return result


def evaluate(locator: Locator, sample: int | None = None, seed: int = 11, fraction: float = 0.2) -> list[Score]:
    """[Score]: school village/suburb names and EMS names (each without, then with the province), then
    the held-out schools' Town_City names (the issue's own test: "town names from the DBE list"), then the
    held-out Census main place names (without, then with the province)."""
    facilities, census = read_facilities(), read_census()
    held = school_split(facilities, fraction, seed)
    held_census = census_split(census, fraction, seed)
    ems = {(r["source"], r["ref"]) for r in facilities if r["source"] == "doh_ems"}
    kept_census = [r for r in census if r["code"][:6] not in held_census]
    places = [p.as_row() for p in build(locator, facilities, exclude=held | ems, census=kept_census)]
    gazetteer = build_from_db(places=places)
    known = {normalise(p["name"]) for p in places} | {normalise(a) for p in places for a in p["aliases"].split(";")}
    schools, stations = school_queries(facilities, held, locator), ems_queries(facilities, locator)
    towns = school_queries(facilities, held, locator, ("town",))
    villages = census_queries(census, held_census, locator)
    if sample:
        rng = random.Random(seed)
        schools = rng.sample(schools, min(sample, len(schools)))
        stations = rng.sample(stations, min(sample, len(stations)))
        towns = random.Random(seed).sample(towns, min(sample, len(towns)))
        villages = random.Random(seed).sample(villages, min(sample, len(villages)))
    return [
        score(gazetteer, schools, "held-out school village/suburb names", known),
        score(gazetteer, schools, "the same, with the province given", known, with_province=True),
        score(gazetteer, stations, "DoH EMS station place names (list not used to build)", known),
        score(gazetteer, stations, "the same, with the province given", known, with_province=True),
        score(gazetteer, towns, "held-out school Town_City names (often a postal town away from the school: "
                                "truth is noisy)", known),
        score(gazetteer, villages, "held-out Stats SA Census 2011 main place names", known),
        score(gazetteer, villages, "the same, with the province given", known, with_province=True),
    ]


def in_sample_queries(facilities: Sequence[Mapping[str, str]], locator: Locator, sample: int = 3000,
                      seed: int = 5) -> list[Query]:
    """Random village, suburb and town names of the DBE schools with their province (truth: the
    municipality at the school), as an official would submit them; the packaged gazetteer saw them."""
    schools = {(r["source"], r["ref"]) for r in facilities if r["kind"] == "school" and r["lat"] and r["lon"]}
    queries = sorted(school_queries(facilities, schools, locator, ("village", "suburb", "town")),
                     key=lambda q: (normalise(q.name), q.municipality))
    return random.Random(seed).sample(queries, min(sample, len(queries)))


def diagnose(locator: Locator, half: int = 1, seed: int = 11, fraction: float = 0.2) -> list[Score]:
    """[Score] on one half of the names (0 tune, 1 report), with causes and provinces: held-out school
    village/suburb names with and without the province, EMS names with the province, and the in-sample
    DBE names with the province against the packaged gazetteer."""
    facilities = read_facilities()
    held = school_split(facilities, fraction, seed)
    ems = {(r["source"], r["ref"]) for r in facilities if r["source"] == "doh_ems"}
    places = [p.as_row() for p in build(locator, facilities, exclude=held | ems)]
    gazetteer = build_from_db(places=places)
    known = {normalise(p["name"]) for p in places} | {normalise(a) for p in places for a in p["aliases"].split(";")}
    schools = [q for q in school_queries(facilities, held, locator) if half_of(q.name) == half]
    stations = [q for q in ems_queries(facilities, locator) if half_of(q.name) == half]
    packaged = build_from_db()
    packaged_keys = {normalise(row["name"]) for row in read_gazetteer()}
    in_sample = [q for q in in_sample_queries(facilities, locator) if half_of(q.name) == half]
    return [
        score(gazetteer, schools, f"held-out school village/suburb names, half {half}, province given", known, True),
        score(gazetteer, schools, f"the same without the province, half {half}", known),
        score(gazetteer, stations, f"DoH EMS place names, half {half}, province given", known, True),
        score(packaged, in_sample, f"in-sample DBE village/suburb/town names, half {half}, province given, "
                                   "packaged gazetteer", packaged_keys, True),
    ]
