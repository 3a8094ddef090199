"""Benchmark: the quantum of one zone with 500,000 projects in the database (target < 100 ms on PostgreSQL).

Uses DATABASE_URL (default: a PostgreSQL database on 127.0.0.1, created if missing:
ddm_bench_quantum_<profile>). Generates, once, BENCH_PROJECTS projects (default 500,000) spread over
the 52 zones with bulk_create: 95 % with one location, 5 % split across two zones; two or three
budget lines each (single-year, multi-year, undated). BENCH_PROFILE:
  realistic (default): organisations as in a register: 40 national departments, 12 departments per
      province working only in their province, a municipality per zone working only there, 10
      parastatals, 20 companies; each organisation has a main sector (85 % of its projects);
  uniform: worst case, 100 organisations and 7 sectors drawn independently for every project, so
      nearly every budget line is its own row of the quantum.
Then times zone_quantum() for one zone (median of repeated runs) against
  - the naive ORM loop a developer would write (iterate the zone's budget lines, apportion in Python);
  - a plain SQL GROUP BY of the same rows (the floor: no apportionment, no splitting).
"""

import os
import random
import statistics
import sys
import time
from decimal import Decimal

PROFILE = os.environ.get("BENCH_PROFILE", "realistic")
DEFAULT_URL = f"postgres://postgres@127.0.0.1:5432/ddm_bench_quantum_{PROFILE}"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddm.settings")
os.environ.setdefault("DDM_VAR_DIR", "/tmp/ddm-bench-var")
N_PROJECTS = int(os.environ.get("BENCH_PROJECTS", "500000"))
ZONE = os.environ.get("BENCH_ZONE", "DC36")


def ensure_database():
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        print("note: not PostgreSQL; the 100 ms target is for PostgreSQL", file=sys.stderr)
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    base = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(base, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


ensure_database()
import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from ddm.accounts.models import Organisation  # noqa: E402
from ddm.investment import calendar as fy  # noqa: E402
from ddm.investment.models import BudgetLine, Location, Project  # noqa: E402
from ddm.investment.quantum import national_ranking, zone_quantum  # noqa: E402
from ddm.places.models import Place  # noqa: E402

SPHERES = ["national", "provincial", "local", "parastatal", "private"]
SECTORS = ["water", "sanitation", "energy", "transport", "human_settlements", "education", "health"]


def setup_reference():
    call_command("migrate", interactive=False, verbosity=0)
    if not Place.objects.zones().exists():
        from ddm.accounts import registry
        from ddm.places.registry import load_places

        load_places(include_wards=False)
        registry.load_organisations()


def _org(code, sphere, sector, province_id=None):
    org, _ = Organisation.objects.get_or_create(code=code, defaults=dict(
        name=f"Bench {code}", sphere=sphere, kind="department", province_id=province_id,
        fy_start_month=7 if sphere == "local" else 4))
    org.bench_sector = sector
    return org


def organisations(rng, zones):
    """{"national": [...], "provincial": {province_id: [...]}, "local": {zone_id: org}, ...}"""
    if PROFILE == "uniform":
        return [_org(f"bench-{i:03d}", SPHERES[i % 5], None) for i in range(100)]
    orgs = {"national": [_org(f"bench-nat-{i}", "national", rng.choice(SECTORS)) for i in range(40)],
            "parastatal": [_org(f"bench-para-{i}", "parastatal", rng.choice(SECTORS)) for i in range(10)],
            "private": [_org(f"bench-co-{i}", "private", rng.choice(SECTORS)) for i in range(20)],
            "provincial": {}, "local": {}}
    for province_id in {p for _z, p in zones}:
        orgs["provincial"][province_id] = [_org(f"bench-prov-{province_id}-{i}", "provincial", rng.choice(SECTORS),
                                                province_id) for i in range(12)]
    for zone_id, _p in zones:
        orgs["local"][zone_id] = _org(f"bench-local-{zone_id}", "local", rng.choice(SECTORS[:3]))
    return orgs


def pick(rng, orgs, zone_id, province_id):
    """An organisation and sector for a project in this zone."""
    if PROFILE == "uniform":
        return rng.choice(orgs), rng.choice(SECTORS)
    draw = rng.random()
    if draw < 0.40:
        org = rng.choice(orgs["national"])
    elif draw < 0.70:
        org = rng.choice(orgs["provincial"][province_id])
    elif draw < 0.90:
        org = orgs["local"][zone_id]
    elif draw < 0.95:
        org = rng.choice(orgs["parastatal"])
    else:
        org = rng.choice(orgs["private"])
    return org, org.bench_sector if rng.random() < 0.85 else rng.choice(SECTORS)


def generate():
    have = Project.objects.filter(organisation__code__startswith="bench-").count()
    if have >= N_PROJECTS:
        return have
    rng = random.Random(42)
    zones = list(Place.objects.zones().values_list("pk", "province_id"))
    orgs = organisations(rng, zones)
    munis = {}
    for pk, parent in Place.objects.municipalities().values_list("pk", "parent_id"):
        munis.setdefault(parent, []).append(pk)
    started = time.perf_counter()
    batch = 10000
    for start in range(have, N_PROJECTS, batch):
        count = min(batch, N_PROJECTS - start)
        places = [rng.sample(zones, 2 if rng.random() < 0.05 else 1) for _ in range(count)]
        picks = [pick(rng, orgs, *where[0]) for where in places]
        projects = Project.objects.bulk_create([
            Project(organisation=org, reference=f"B{start + i}", title=f"Bench project {start + i}", sector=sector)
            for i, (org, sector) in enumerate(picks)])
        locations, lines = [], []
        for project, where in zip(projects, places):
            for zone_id, province_id in where:
                precise = rng.random() < 0.7 and munis.get(zone_id)
                locations.append(Location(
                    project=project, zone_id=zone_id, province_id=province_id,
                    municipality_id=rng.choice(munis[zone_id]) if precise else None,
                    precision="point" if precise else "zone"))
            for year in rng.sample(range(2017, 2024), 2):
                lines.append(BudgetLine(project=project, kind="budget", fy_first=year, fy_last=year,
                                        amount=Decimal(rng.randrange(10_000, 500_000_000)) / 100))
            if rng.random() < 0.3:
                lines.append(BudgetLine(project=project, kind=rng.choice(["budget", "planned"]),
                                        fy_first=2019 if rng.random() < 0.8 else None,
                                        fy_last=2023 if rng.random() < 0.8 else None,
                                        amount=Decimal(rng.randrange(10_000, 900_000_000)) / 100))
        for line in lines:
            if line.fy_first is None:
                line.fy_last = None
        Location.objects.bulk_create(locations, batch_size=5000)
        BudgetLine.objects.bulk_create(lines, batch_size=5000)
        print(f"\r  generated {start + count:,} projects ({time.perf_counter() - started:.0f}s)", end="",
              file=sys.stderr, flush=True)
    print(file=sys.stderr)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
    return N_PROJECTS


def timed(function, runs=7):
    function()  # warm caches and connection
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    timed.best = min(times)
    return statistics.median(times), result


def naive(zone_code):
    """What one would write first: loop over the zone's lines and locations with the ORM."""
    zone = Place.objects.zones().get(code=zone_code)
    totals = {}
    lines = BudgetLine.objects.filter(project__locations__zone=zone, project__duplicate_of__isnull=True).select_related(
        "project__organisation")
    for line in lines:
        locations = list(line.project.locations.all())
        parts = fy.split_locations(line.amount, [loc.share for loc in locations])
        for location, part in zip(locations, parts):
            if location.zone_id != zone.pk:
                continue
            for share in fy.to_calendar(part, line.fy_first, line.fy_last, line.fy_start_month, 4):
                key = (line.project.organisation.sphere, share.year, line.kind)
                totals[key] = totals.get(key, Decimal(0)) + share.amount
    return totals


def plain_group_by(zone_code):
    sql = """
        SELECT o.sphere, b.kind, b.fy_first, b.fy_last, SUM(b.amount)
        FROM investment_location l JOIN investment_project p ON p.id = l.project_id
        JOIN accounts_organisation o ON o.id = p.organisation_id
        JOIN investment_budgetline b ON b.project_id = p.id
        WHERE l.zone_id = %s AND p.duplicate_of_id IS NULL
        GROUP BY o.sphere, b.kind, b.fy_first, b.fy_last"""
    zone_id = Place.objects.zones().get(code=zone_code).pk
    with connection.cursor() as cursor:
        cursor.execute(sql, [zone_id])
        return cursor.fetchall()


def main():
    setup_reference()
    total = generate()
    zone_id = Place.objects.zones().get(code=ZONE).pk
    in_zone = Location.objects.filter(zone_id=zone_id).count()
    lines = BudgetLine.objects.filter(project__locations__zone_id=zone_id).count()
    print(f"profile {PROFILE}; database: {connection.vendor}, {total:,} projects, {Location.objects.count():,} locations, "
          f"{BudgetLine.objects.count():,} budget lines")
    print(f"zone {ZONE}: {in_zone:,} locations, {lines:,} budget lines")
    ours, quantum = timed(lambda: zone_quantum(ZONE), runs=15)
    best = timed.best
    floor, _ = timed(lambda: plain_group_by(ZONE), runs=15)
    slow, naive_totals = timed(lambda: naive(ZONE), runs=1)
    check = sum(naive_totals.values(), Decimal(0))
    assert quantum.total() == check, (quantum.total(), check)
    print(f"zone_quantum({ZONE!r}): {ours:.1f} ms median ({len(quantum.rows):,} rows; total R{quantum.total():,} "
          f"= naive loop's total), best {best:.1f} ms; target < 100 ms: {'OK' if ours < 100 else 'MISSED'}")
    print(f"plain SQL GROUP BY (no apportionment, multi-location projects counted twice): {floor:.1f} ms "
          f"-> zone_quantum is {ours / floor:.2f}x the floor")
    print(f"naive ORM loop: {slow:.0f} ms -> zone_quantum is {slow / ours:.0f}x faster")
    started = time.perf_counter()
    ranking = national_ranking()
    print(f"national_ranking() over all 52 zones (the /investment/ page): "
          f"{(time.perf_counter() - started) * 1000:.0f} ms, {len(ranking)} zones")


if __name__ == "__main__":
    main()
