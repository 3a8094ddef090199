"""Skills audit import and zone skills-gap report at scale.

Run: .venv/bin/python benchmarks/skills_gap.py [ROWS_PER_MUNICIPALITY]   (default 2000; needs `ddm setup`
done on the database in DATABASE_URL; writes synthetic audits for DC36's six municipalities, then
deletes them). Prints:
- import speed of a CSV audit through ddm.tabular (rows/second);
- the zone report (services.zone_skills: one pass over each audit's entries) against the approach a
  developer would write first (one COUNT(DISTINCT person) query per municipality x skill x measure),
  with their ratio and a check that both give the same available/below-management counts.
"""

import io
import os
import random
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddm.settings")
django.setup()

from django.db.models import Count  # noqa: E402

from ddm.capacity.models import COUNTS_FROM_LEVEL, AuditEntry, Skill, SkillsAudit  # noqa: E402
from ddm.capacity.profile_weights import ProfileWeights  # noqa: E402
from ddm.capacity.services import current_audits, municipal_bodies, zone_skills  # noqa: E402
from ddm.capacity.skills_import import TEMPLATE_HEADER, import_skills  # noqa: E402
from ddm.places.models import Place  # noqa: E402

LEVELS = ["basic", "intermediate", "advanced", "professional"]


def synthetic_csv(code, rows, skills, seed):
    rng = random.Random(seed)
    lines = [",".join(TEMPLATE_HEADER)]
    for n in range(rows):
        person = "" if rng.random() < 0.05 else f"Person {code}-{n // 2}"
        lines.append(f"{code},Post {n},{person},Professionals,{rng.choice(['yes', 'no'])},"
                     f"{rng.choice(skills)},{rng.choice(LEVELS)}")
    return ("\n".join(lines) + "\n").encode()


def naive_availability(bodies):
    """One query per municipality, skill and measure: what a first implementation would do."""
    audits = current_audits(bodies)
    result = {}
    for body in bodies:
        audit = audits.get(body.pk)
        for skill in Skill.objects.all():
            base = AuditEntry.objects.filter(audit=audit, skill=skill, level__gte=COUNTS_FROM_LEVEL).exclude(person_name="")
            available = base.aggregate(n=Count("person_name", distinct=True))["n"]
            below = base.filter(is_management=False).aggregate(n=Count("person_name", distinct=True))["n"]
            result[(body.code, skill.code)] = (available, below)
    return result


def main(rows):
    zone = Place.objects.zones().get(code="DC36")
    bodies = municipal_bodies(zone)
    skills = list(Skill.objects.values_list("code", flat=True))
    created = []
    try:
        started = time.perf_counter()
        total = 0
        for seed, body in enumerate(bodies):
            result = import_skills(io.BytesIO(synthetic_csv(body.code, rows, skills, seed)), f"bench-{body.code}.csv", body)
            assert result.audit is not None, result.as_dict()["errors"][:3]
            created.append(result.audit.pk)
            total += result.rows_read
        elapsed = time.perf_counter() - started
        print(f"import: {total} rows in {elapsed:.2f} s = {total / elapsed:,.0f} rows/s "
              f"({len(bodies)} files of {rows} rows)")

        weights = ProfileWeights()
        zone_skills(zone, weights)  # warm the profile cache the way a page view would once
        started = time.perf_counter()
        report = zone_skills(zone, ProfileWeights())
        fast = time.perf_counter() - started
        started = time.perf_counter()
        naive = naive_availability(bodies)
        slow = time.perf_counter() - started
        for body in report.bodies:
            for code, line in body.lines.items():
                assert naive[(body.place.code, code)] == (line.available, line.below_management), (body.place.code, code)
        print(f"zone report (DC36, {len(bodies)} municipalities x {len(skills)} skills, {total} entries): "
              f"{fast * 1000:.0f} ms; per-skill queries: {slow * 1000:.0f} ms; ratio {slow / fast:.1f}x; counts identical")
    finally:
        SkillsAudit.objects.filter(pk__in=created).delete()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
