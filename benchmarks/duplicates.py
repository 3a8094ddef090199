"""Duplicate detection at national scale: 100,000 synthetic projects over the 52 zones.

Run: .venv/bin/python benchmarks/duplicates.py [N] [--full-naive]

- Projects: N (default 100,000) spread over the 52 zones in proportion to their population
  (Stats SA CS 2016; eThekwini gets ~6,600, a small district ~300), realistic title templates
  (water, sanitation, roads, schools, clinics, housing, electrification, ...), synthetic village
  and school names per zone, points near the villages, years, amounts; 5% are a second report of
  an earlier project (abbreviations, word order, phase notation, typos, another organisation).
- Blocked run: what `ddm duplicates` does per zone (normalise, block, rapidfuzz cdist, score,
  cluster), for all 52 zones: wall time and peak memory (RSS). Target < 60 s on 2 cores.
  Records are built in memory: loading 100,000 projects from the database is not included.
- Naive: every pair of a 5,000-project subset scored with the same scorer (no blocking).
  12.5 million pairs take minutes, so by default a random sample of 300,000 of them is timed and
  the time per pair multiplied out (--full-naive scores them all). The naive time is then
  extrapolated to N projects by n^2 scaling; the ratio to the blocked run is printed.
- Blocking loss: on the subset, exhaustive scoring of every within-zone pair vs the blocked run:
  how many pairs above the threshold blocking misses.
"""

import csv
import json
import os
import random
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddm.settings")
django.setup()

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "alignment"))

import evalset  # noqa: E402

from ddm.alignment.duplicates import DEFAULT_THRESHOLD, Record, clusters_of, find_duplicates, score_pair  # noqa: E402

PREFIXES = ["", "", "", "Kwa", "Ga-", "Ema", "Ntsha", "Ezi", "Mo", "Ka"]
SYLLABLES = ["ba", "bo", "ku", "la", "le", "lo", "ma", "me", "mo", "na", "ne", "ngo", "nya", "pha", "qa", "sa", "se",
             "si", "tha", "thi", "tsa", "wa", "xa", "za", "zi", "dla", "hla", "mbe", "ndu", "nqa", "gu", "khu", "vu"]
ORGS = ["nat-water-and-sanitation", "nat-health", "nat-basic-education", "nat-transport", "prov-health",
        "prov-education", "prov-human-settlements", "prov-transport", "eskom", "sanral", "municipality", "district"]


def zone_centres_and_weights():
    from shapely.geometry import shape

    with open(ROOT / "src/ddm/places/data/za_districts_metros_2020.geojson", encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    centres = {}
    for feature in features:
        point = shape(feature["geometry"]).representative_point()
        centres[feature["properties"]["code"]] = (point.y, point.x)
    with open(ROOT / "src/ddm/profiles/data/profile_districts_metros.csv", encoding="utf-8") as handle:
        weights = {r["code"]: int(r["population_cs2016"]) for r in csv.DictReader(handle) if r["code"] in centres}
    return centres, weights


def village_names(r, count):
    names = set()
    while len(names) < count:
        body = "".join(r.choice(SYLLABLES) for _ in range(r.randint(2, 4)))
        names.add((r.choice(PREFIXES) + body).capitalize() if not r.random() < 0.1 else body.capitalize() + " " + r.choice(["Top", "East", "Drift"]))
    return sorted(names)


def synthetic(n, seed=2020):
    """N Records over the 52 zones (5% planted second reports) -> {zone: [Record]}."""
    r = random.Random(seed)
    gen = evalset.Gen(seed)
    gen.r = r
    centres, weights = zone_centres_and_weights()
    total = sum(weights.values())
    counts = {z: max(1, round(n * w / total)) for z, w in weights.items()}
    by_zone, next_id = {}, 1
    for zone, count in counts.items():
        villages = village_names(r, max(40, count // 4))
        schools = village_names(r, max(40, count // 4))
        points = {v: (centres[zone][0] + r.uniform(-0.4, 0.4), centres[zone][1] + r.uniform(-0.4, 0.4)) for v in villages}
        records, originals = [], []
        for _ in range(count):
            if originals and r.random() < 0.05:
                records.append(_second_report(gen, r, r.choice(originals), next_id))
            else:
                originals.append(_project(r, zone, villages, schools, points, next_id))
                records.append(originals[-1])
            next_id += 1
        by_zone[zone] = records
    return by_zone


def _project(r, zone, villages, schools, points, pid):
    sector, title_t, desc_t = r.choice(evalset.TEMPLATES)
    place = r.choice(villages)
    slots = dict(place=place, place2=r.choice(villages), n=r.randint(1, 4), school=r.choice(schools),
                 letter=r.choice("ABCD"), hh=r.choice([120, 250, 340, 480, 600]), ml=r.choice([5, 10, 20]),
                 km=r.randint(4, 30), road=r.choice(evalset.ROADS))
    lat, lon = points[place]
    first = r.randint(2017, 2022)
    record = Record(
        id=pid, organisation=r.choice(ORGS), reference=f"P{pid}", title=title_t.format(**slots),
        description=desc_t.format(**slots), sector=sector,
        points=((lat + r.uniform(-0.01, 0.01), lon + r.uniform(-0.01, 0.01)),),
        municipalities=frozenset([f"{zone}-{villages.index(place) % 5}"]),
        years=frozenset(range(first, first + r.randint(1, 3))),
        amount=Decimal(r.choice([2, 5, 8, 12, 25, 40, 90, 150]) * 1_000_000 + r.randint(0, 999) * 1000), zone=zone,
    )
    record.extra["slots"] = slots
    return record


def _second_report(gen, r, original, pid):
    slots = original.extra["slots"]
    lat, lon = original.points[0]
    return Record(
        id=pid, organisation=r.choice(ORGS), reference=f"P{pid}", title=gen.reword(original.title, slots),
        description=r.choice(["", original.description]), sector=original.sector,
        points=((lat + r.uniform(-0.004, 0.004), lon + r.uniform(-0.004, 0.004)),) if r.random() < 0.6 else (),
        municipalities=original.municipalities, years=original.years,
        amount=(original.amount * Decimal(str(round(r.uniform(0.6, 1.1), 2)))).quantize(Decimal("1")),
        zone=original.zone, extra={"slots": slots, "planted_of": original.id},
    )


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def blocked_run(by_zone):
    pairs = []
    for records in by_zone.values():
        found = find_duplicates(records)
        clusters_of(found)
        pairs.extend(found)
    return pairs


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 100_000
    full_naive = "--full-naive" in sys.argv
    started = time.perf_counter()
    by_zone = synthetic(n)
    records = [rec for group in by_zone.values() for rec in group]
    print(f"generated {len(records):,} synthetic projects over {len(by_zone)} zones in "
          f"{time.perf_counter() - started:.1f} s (largest zone {max(len(v) for v in by_zone.values()):,})")
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    pairs = blocked_run(by_zone)
    blocked_seconds = time.perf_counter() - started
    planted = {(min(r.id, r.extra["planted_of"]), max(r.id, r.extra["planted_of"]))
               for r in records if "planted_of" in r.extra}
    found = {(p.a.id, p.b.id) for p in pairs}
    print(f"blocked: {blocked_seconds:.1f} s for {len(records):,} projects (target < 60 s); "
          f"peak RSS {peak_rss_mb():.0f} MB (before run {rss_before:.0f} MB); {len(pairs):,} pairs >= {DEFAULT_THRESHOLD}; "
          f"planted second reports found: {len(found & planted):,} of {len(planted):,}")

    subset = _subset(by_zone, 5000)
    naive_seconds, sampled = _naive(subset, full_naive)
    naive_100k = naive_seconds * (len(records) / len(subset)) ** 2
    label = "all pairs" if full_naive else f"timed on a random sample of {sampled:,} pairs, multiplied out"
    print(f"naive all-pairs on {len(subset):,} projects: {naive_seconds:.0f} s ({label}); "
          f"extrapolated by n^2 to {len(records):,}: {naive_100k / 3600:.1f} h")
    subset_by_zone = {}
    for rec in subset:
        subset_by_zone.setdefault(rec.zone, []).append(rec)
    started = time.perf_counter()
    subset_pairs = blocked_run(subset_by_zone)
    subset_seconds = time.perf_counter() - started
    print(f"blocked on the same {len(subset):,} projects: {subset_seconds:.2f} s -> naive/blocked "
          f"{naive_seconds / subset_seconds:,.0f}x; at {len(records):,}: {naive_100k / blocked_seconds:,.0f}x")
    _blocking_loss(subset_by_zone, subset_pairs)


def _subset(by_zone, size):
    r = random.Random(5)
    records = [rec for group in by_zone.values() for rec in group]
    return sorted(r.sample(records, size), key=lambda rec: rec.id)


def _naive(subset, full):
    total = len(subset) * (len(subset) - 1) // 2
    if full:
        started = time.perf_counter()
        for i, a in enumerate(subset):
            for b in subset[i + 1:]:
                score_pair(a, b)
        return time.perf_counter() - started, total
    r = random.Random(7)
    sample = [tuple(r.sample(subset, 2)) for _ in range(300_000)]
    started = time.perf_counter()
    for a, b in sample:
        score_pair(a, b)
    return (time.perf_counter() - started) * total / len(sample), len(sample)


def _blocking_loss(subset_by_zone, blocked_pairs):
    exhaustive = set()
    started = time.perf_counter()
    for records in subset_by_zone.values():
        for i, a in enumerate(records):
            for b in records[i + 1:]:
                if score_pair(a, b).score >= DEFAULT_THRESHOLD:
                    exhaustive.add((min(a.id, b.id), max(a.id, b.id)))
    blocked = {(p.a.id, p.b.id) for p in blocked_pairs}
    print(f"blocking loss on the subset: exhaustive within-zone scoring ({time.perf_counter() - started:.0f} s) finds "
          f"{len(exhaustive)} pairs >= {DEFAULT_THRESHOLD}; blocked finds {len(blocked & exhaustive)} of them "
          f"(+{len(blocked - exhaustive)} not in exhaustive)")


if __name__ == "__main__":
    main()
