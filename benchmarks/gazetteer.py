"""Gazetteer resolution measured on names it was not built from, against the towns-only gazetteer.

Run: .venv/bin/python benchmarks/gazetteer.py   (needs `ddm setup` done). Builds the gazetteer from
the packaged inputs WITHOUT a random 20% of the schools and WITHOUT the DoH EMS station list, then
resolves (see ddm/places/gazetteer_eval.py):
- the held-out schools' village and suburb names (truth: the municipality at the school's point);
- the EMS stations' place names, an official list of another department (truth: the station's point);
- a held-out 20% of Stats SA's Census 2011 main places (truth: the municipality at the centroid), also
  against the gazetteer built without any Census place (what it knew before the Census was added).
Each with and without the province. The alternative is the gazetteer before this build (provinces,
zones, municipalities and the 260 curated towns of towns.csv); both are asked the same queries.
Then, on the reporting half of the names only (gazetteer_eval.diagnose), the held-out school names,
the EMS names and an in-sample draw of DBE village/suburb/town names with their province, each per
province and with its outcomes by cause.
Target (issue #11): >= 80% of real names resolve, >= 95% of those to the right municipality.
"""

import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddm.settings")
django.setup()

from ddm.places import gazetteer_eval  # noqa: E402
from ddm.places.gazetteer import build_from_db  # noqa: E402
from ddm.places.locator import build_from_package  # noqa: E402


def main():
    locator = build_from_package()
    started = time.perf_counter()
    scores = gazetteer_eval.evaluate(locator)
    print(f"gazetteer built without the held-out names and evaluated in {time.perf_counter() - started:.1f} s")
    towns_only = build_from_db(places=[])
    facilities = gazetteer_eval.read_facilities()
    held = gazetteer_eval.school_split(facilities)
    queries = [gazetteer_eval.school_queries(facilities, held, locator), gazetteer_eval.ems_queries(facilities, locator)]
    for index, score in enumerate(scores[:4]):
        before = gazetteer_eval.score(towns_only, queries[index // 2], score.label, set(), with_province=index % 2 == 1)
        print(score.line())
        print(f"    towns-only gazetteer: resolved {before.resolved_share:.1%}, right {before.correct_share:.1%}; "
              f"ratio of names resolved rightly: {score.correct / max(before.correct, 1):.1f}x")
        assert score.queries == before.queries  # the same questions to both
    print(scores[4].line())
    census = gazetteer_eval.read_census()
    held_census = gazetteer_eval.census_split(census)
    ems_held = {(r["source"], r["ref"]) for r in facilities if r["source"] == "doh_ems"}
    without_census = build_from_db(places=[p.as_row() for p in gazetteer_eval.build(
        locator, facilities, exclude=held | ems_held, census=[])])
    villages = gazetteer_eval.census_queries(census, held_census, locator)
    for index, score in enumerate(scores[5:]):
        before = gazetteer_eval.score(without_census, villages, score.label, set(), with_province=index == 1)
        print(score.line())
        print(f"    gazetteer without any Census place (as before): resolved {before.resolved_share:.1%}, "
              f"right {before.correct_share:.1%}")
    ems = scores[2]
    print(f"EMS list: resolved {ems.resolved_share:.1%} (target 80%), right {ems.correct_share:.1%} (target 95%)")
    print("\nReporting half of the names (rules are tuned on the other: gazetteer_eval.diagnose(locator, 0)):")
    for score in gazetteer_eval.diagnose(locator, half=1):
        print(score.line())
        print(f"    by province (resolved / right of resolved): {score.province_line()}")
        print(f"    outcomes by cause: {score.causes_line()}")


if __name__ == "__main__":
    main()
