"""Held-out measurement of the gazetteer (used by benchmarks/gazetteer.py and tests/places).

Two honest set-ups, both building the gazetteer WITHOUT the names they test:

- schools: a random share of the DBE schools is held out; the gazetteer is built from the rest; each
  held-out school's village or suburb name is resolved and compared with the municipality the
  locator finds at the school's coordinates. A name can still be known from other schools (as a
  real list's village names mostly are); `unseen` counts the queries whose name the build never saw.
- ems: the DoH EMS station names ("Bizana EMS Station" -> Bizana), an official list from another
  department, held out entirely; truth = the locator's municipality at the station.

A query counts as resolved when the resolver names one best place (not ambiguous, not nothing),
and as correct when that place's municipality is the truth. Queries are distinct (name, municipality).
"""

import random
from dataclasses import dataclass, field

from ddm.places.gazetteer import build_from_db, normalise
from ddm.places.gazetteer_build import build, clean_name, health_place_name, read_facilities


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
    wrong: list = field(default_factory=list)

    @property
    def resolved_share(self):
        return self.resolved / self.queries if self.queries else 0.0

    @property
    def correct_share(self):
        return self.correct / self.resolved if self.resolved else 0.0

    def line(self):
        return (f"{self.label}: {self.queries} names, resolved {self.resolved} ({self.resolved_share:.1%}), "
                f"right municipality {self.correct} ({self.correct_share:.1%} of resolved); "
                f"{self.ambiguous} ambiguous, {self.fuzzy} by spelling guess, {self.unseen} names unseen in the build")


def _truth(rows, locator):
    codes = locator.locate_many([float(r["lat"]) for r in rows], [float(r["lon"]) for r in rows])
    return [(row, code) for row, code in zip(rows, codes, strict=True) if code is not None]


def school_split(facilities, fraction=0.2, seed=11):
    schools = sorted((r["source"], r["ref"]) for r in facilities if r["kind"] == "school" and r["lat"])
    return set(random.Random(seed).sample(schools, int(len(schools) * fraction)))


def school_queries(facilities, held, locator, fields=("village", "suburb")):
    rows = [r for r in facilities if (r["source"], r["ref"]) in held]
    queries = {}
    for row, code in _truth(rows, locator):
        for name in {clean_name(row[f]) for f in fields} - {""}:
            queries.setdefault((normalise(name), code), Query(name, locator.place_codes(code)[1], code))
    return list(queries.values())


def ems_queries(facilities, locator):
    rows = [r for r in facilities if r["source"] == "doh_ems" and r["lat"]]
    queries = {}
    for row, code in _truth(rows, locator):
        name = health_place_name(row["name"])
        if name:
            queries.setdefault((normalise(name), code), Query(name, locator.place_codes(code)[1], code))
    return list(queries.values())


def score(gazetteer, queries, label, known_keys, with_province=False):
    result = Score(label, queries=len(queries))
    for query in queries:
        answer = gazetteer.resolve(query.name, query.province if with_province else None)
        result.unseen += normalise(query.name) not in known_keys
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


def evaluate(locator, sample=None, seed=11, fraction=0.2):
    """[Score]: school village/suburb names and EMS names (each without, then with the province), then
    the held-out schools' Town_City names (the issue's own test: "town names from the DBE list")."""
    facilities = read_facilities()
    held = school_split(facilities, fraction, seed)
    ems = {(r["source"], r["ref"]) for r in facilities if r["source"] == "doh_ems"}
    places = [p.as_row() for p in build(locator, facilities, exclude=held | ems)]
    gazetteer = build_from_db(places=places)
    known = {normalise(p["name"]) for p in places} | {normalise(a) for p in places for a in p["aliases"].split(";")}
    schools, stations = school_queries(facilities, held, locator), ems_queries(facilities, locator)
    if sample:
        rng = random.Random(seed)
        schools = rng.sample(schools, min(sample, len(schools)))
        stations = rng.sample(stations, min(sample, len(stations)))
    towns = school_queries(facilities, held, locator, ("town",))
    if sample:
        towns = random.Random(seed).sample(towns, min(sample, len(towns)))
    return [
        score(gazetteer, schools, "held-out school village/suburb names", known),
        score(gazetteer, schools, "the same, with the province given", known, with_province=True),
        score(gazetteer, stations, "DoH EMS station place names (list not used to build)", known),
        score(gazetteer, stations, "the same, with the province given", known, with_province=True),
        score(gazetteer, towns, "held-out school Town_City names (often a postal town away from the school: "
                                "truth is noisy)", known),
    ]
