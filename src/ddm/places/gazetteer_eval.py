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
"""

import random
from dataclasses import dataclass, field

from ddm.places.gazetteer import build_from_db, normalise
from ddm.places.gazetteer_build import build, census_names, clean_name, health_place_name, read_census, read_facilities


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


def census_split(rows, fraction=0.2, seed=11):
    """Codes of a random share of the Census main places (a sub place goes with its main place)."""
    mains = sorted(r["code"] for r in rows if r["level"] == "main")
    return set(random.Random(seed).sample(mains, int(len(mains) * fraction)))


def census_queries(rows, held, locator):
    rows = [r for r in rows if r["level"] == "main" and r["code"] in held]
    queries = {}
    for row, code in _truth(rows, locator):
        for name in census_names(row["name"]):
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
