"""Benchmark: zone profile pages (target < 300 ms server time) and the indicator load of `ddm setup`,
on a national-size register, on PostgreSQL and on SQLite side by side.

Without DATABASE_URL it runs itself once per database in PROFILE_DATABASES (default: PostgreSQL
ddm_load on 127.0.0.1, the database benchmarks/load.py fills, and a scratch SQLite file under /tmp),
each holding benchmarks/quantum.py's national register (BENCH_PROJECTS, default 500,000 projects;
generated once, then reused), since the profile page's section 6 reads the zone's projects. Times,
over all 52 zones, the page through Django's test client with the profile cache cold (built from the
indicator store) and warm (cached dict), and compares building the profile with the per-value ORM
lookups a developer would first write (one place_value() call per indicator and column).
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

DATABASES = os.environ.get("PROFILE_DATABASES", "postgres://postgres@127.0.0.1:5432/ddm_load,"
                           "sqlite:////tmp/ddm-bench-national.sqlite3").split(",")
if "DATABASE_URL" not in os.environ:  # the parent: one child per database, side by side
    for url in DATABASES:
        subprocess.run([sys.executable, __file__], env=dict(os.environ, DATABASE_URL=url), check=True,
                       timeout=int(os.environ.get("PROFILE_TIMEOUT", "3600")))
    sys.exit(0)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddm.settings")
os.environ.setdefault("DDM_VAR_DIR", "/tmp/ddm-bench-profiles")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import quantum as register  # noqa: E402  (benchmarks/quantum.py: the national register; sets up Django)

import django  # noqa: E402

from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402

from ddm.bootstrap import run_setup  # noqa: E402
from ddm.places.models import Place  # noqa: E402
from ddm.profiles import loader, sections, services  # noqa: E402


def timed(function):
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def naive_profile(zone):
    """Every figure fetched on its own, as with place_value() in a loop."""
    columns = sections.columns_for(zone)
    codes = [c for s in sections.SECTIONS for c in s.indicators]
    return [[services.place_value(place, code) for place in columns] for code in codes]


def main():
    run_setup(lambda message: None, demo=False)
    projects = register.generate()
    load_ms = timed(lambda: loader.load(force=True))
    client = Client()
    client.get("/profiles/zones/DC15/")  # import and template warm-up
    zones = list(Place.objects.zones().without_geometry())
    cold, warm = [], []
    for zone in zones:
        cache.clear()
        cold.append(timed(lambda: client.get(f"/profiles/zones/{zone.code}/")))
        warm.append(timed(lambda: client.get(f"/profiles/zones/{zone.code}/")))
    dc15 = Place.objects.zones().get(code="DC15")
    cache.clear()
    built = statistics.median(timed(lambda: sections.build_profile(dc15)) for _ in range(5))
    naive = statistics.median(timed(lambda: naive_profile(dc15)) for _ in range(5))
    engine = django.db.connection.vendor
    print(f"database: {engine}, {projects:,} projects in the register")
    print(f"reference indicator load (forced): {load_ms:.0f} ms")
    print(f"zone page, cold cache: median {statistics.median(cold):.0f} ms, max {max(cold):.0f} ms (52 zones)")
    print(f"zone page, warm cache: median {statistics.median(warm):.0f} ms, max {max(warm):.0f} ms")
    print(f"DC15 profile dict: built {built:.0f} ms vs naive per-value lookups {naive:.0f} ms "
          f"(tables only, no charts/map): {naive / built:.1f}x")
    if max(cold) > 300:
        print("WARNING: a cold page exceeded 300 ms", file=sys.stderr)


if __name__ == "__main__":
    main()
