"""Benchmark: the production server under concurrent users, on a national-size register.

Fills a PostgreSQL database (LOAD_DATABASE_URL, default ddm_load on 127.0.0.1, created if missing)
once with the reference and demo data and a national-size register: benchmarks/quantum.py's
generator (BENCH_PROJECTS, default 500,000 projects over the 52 zones, realistic spread) topped up
to LOAD_LINES budget lines (default 2,000,000: actual expenditure beside budgets). Then starts
`ddm serve --production` on 127.0.0.1:LOAD_PORT (gunicorn, DDM_WEB_WORKERS x DDM_WEB_THREADS, the
job worker, Redis cache on DB 3) and measures:

  - cold: the first zone investment page and, separately, the first API quantum of eThekwini after a
    change every zone's pages depend on (the data version is bumped before each, so nothing cached is
    used), target < 1 s; and the page after an import into eThekwini itself (its zone version bumped:
    the worst case of an import, before the job worker has rendered the page again) and into another
    zone (the page stays cached); each LOAD_COLD_RUNS times (default 3), median;
  - warm: locust, headless, LOAD_SECONDS (default 45) each at 20 and 100 concurrent users, public
    readers (home, zone, zone investment, profile, API quantum) and signed-in officials (upload
    preview, One Plan page): p50/p95/p99 and requests/s per page; target p95 < 300 ms at 20 users
    for the zone investment page and the API quantum, and no error at 100 users;
  - the floor: the bare SQL of the same figures, timed in psql.

Everything is bounded (timeouts on every wait and run) and listens on loopback only. The server is
stopped (SIGTERM, then checked) whatever happens.
"""

import csv
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ddm_load")
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DDM_VAR_DIR", "/tmp/ddm-load-var")
os.environ.setdefault("DDM_CACHE_URL", "redis://127.0.0.1:6379/3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddm.settings")
PORT = int(os.environ.get("LOAD_PORT", "8145"))
HOST = f"http://127.0.0.1:{PORT}"
LINES = int(os.environ.get("LOAD_LINES", "2000000"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "45"))
USERS = [int(u) for u in os.environ.get("LOAD_USERS", "20,100").split(",")]
PASSWORD = "load-test-password-4242"
TARGET_PAGES = ("zone investment", "API quantum")
sys.path.insert(0, str(ROOT / "benchmarks"))

import quantum as register  # noqa: E402  (benchmarks/quantum.py: its generator; sets up Django)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from ddm.investment import quantum  # noqa: E402
from ddm.investment.models import BudgetLine  # noqa: E402
from ddm.places.models import Place  # noqa: E402


def fill():
    """Reference + demo data, then the national register (generated once; later runs reuse it), and
    the zone summary the pages read."""
    from django.contrib.auth import get_user_model

    from ddm.accounts.services import create_admin
    from ddm.bootstrap import run_setup

    call_command("migrate", interactive=False, verbosity=0)  # a fresh database has no tables yet
    if not get_user_model().objects.filter(username="load").exists():  # not filled by an earlier run
        run_setup(lambda message: None, demo=True)
        register.generate()
        missing = LINES - BudgetLine.objects.count()
        if missing > 0:  # actual expenditure beside the budget of the generated projects' single years
            columns = [f.column for f in BudgetLine._meta.concrete_fields if f.column != "id"]
            chosen = {"kind": "'actual'", "amount": "round(amount * 0.8, 2)"}
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO investment_budgetline ({', '.join(columns)}) "
                    f"SELECT {', '.join(chosen.get(c, c) for c in columns)} FROM investment_budgetline "
                    "WHERE kind = 'budget' AND fy_first IS NOT NULL AND fy_first = fy_last ORDER BY id LIMIT %s",
                    [missing])
                cursor.execute("VACUUM ANALYZE")
            refresh_summary()  # the lines above were written in SQL: the generator's zone summary lacks them
        create_admin("load", "", PASSWORD)
    summarise()


def refresh_summary():
    from ddm.investment import summary

    started = time.perf_counter()
    summary.refresh_all()
    print(f"zone summary: every zone added up again and stored in {time.perf_counter() - started:.0f} s")


def summarise():
    """Every zone's summary, stored once (the register was written in bulk, or before the summary existed)."""
    from ddm.investment import summary

    if len(summary.built_zones()) < Place.objects.zones().count():
        started = time.perf_counter()
        summary.refresh_all()
        print(f"zone summary: every zone added up and stored in {time.perf_counter() - started:.0f} s")


def same_answer():
    """The pages' figures (the zone summary) equal the direct computation from the register: eThekwini's
    quantum rows and the national ranking. Returns the in-process timings (ms) of both ways."""
    timings = {}
    for label, direct in (("summary", False), ("direct", True)):
        started = time.perf_counter()
        rows = sorted(repr(row) for row in quantum.zone_quantum("ETH", direct=direct).rows)
        middle = time.perf_counter()
        ranking = quantum.national_ranking(direct=direct)
        timings[label] = ((middle - started) * 1000, (time.perf_counter() - middle) * 1000, rows, ranking)
    assert timings["summary"][2] == timings["direct"][2], "zone summary and direct quantum differ"
    assert timings["summary"][3] == timings["direct"][3], "zone summary and direct ranking differ"
    return {label: value[:2] for label, value in timings.items()}


def get(path):
    started = time.perf_counter()
    with urllib.request.urlopen(HOST + path, timeout=120) as response:
        response.read()
        assert response.status == 200, (path, response.status)
    return (time.perf_counter() - started) * 1000


def wait_ready(seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if get("/readyz") is not None:
                return
        except OSError:
            time.sleep(1)
    raise SystemExit("load: the server did not become ready")


COLD_RUNS = int(os.environ.get("LOAD_COLD_RUNS", "3"))


def cold_after_import():
    """First requests after new data (the server's processes have served pages before: this is the
    cost of new data, not of a process starting), median of COLD_RUNS. Each page is measured after
    its own bump, alone: the page and the API share the zone's quantum, so a second request after one
    bump would find it already computed by the first. "every zone": a bumped data version, so nothing
    cached applies (any change but an import); "import here": the zone's own version bumped, as an
    import into eThekwini does; "import elsewhere": Cape Town's, as an import into Cape Town does."""
    from ddm import caching

    cases = (("zone investment", "/investment/zones/ETH/", caching.bump),
             ("API quantum", "/api/zones/ETH/quantum", caching.bump),
             ("zone investment, import here", "/investment/zones/ETH/", lambda: caching.bump_zones(["ETH"])),
             ("zone investment, import elsewhere", "/investment/zones/ETH/", lambda: caching.bump_zones(["CPT"])))
    cold = {}
    for name, path, bump in cases:
        times = []
        for _ in range(COLD_RUNS):
            get(path)  # cached before the change, as on a live server
            bump()
            times.append(get(path))
        cold[name] = (statistics.median(times), times, load_average())
    return cold


def warm():
    """One request to every public page of every zone the users visit: the 'warm' runs measure the
    shared cache, not the first visitor of each page (the cold case is measured above)."""
    zones = os.environ.get("LOAD_ZONES", "ETH,DC36,CPT,DC15").split(",")
    started = time.perf_counter()
    for zone in zones:
        for path in (f"/zones/{zone}/", f"/investment/zones/{zone}/", f"/profiles/zones/{zone}/",
                     f"/api/zones/{zone}/quantum"):
            get(path)
    get("/")
    return (time.perf_counter() - started) * 1000


def run_locust(users, out):
    from ddm.accounts.models import Organisation

    env = dict(os.environ, LOAD_PASSWORD=PASSWORD,
               LOAD_ORGANISATION_PK=str(Organisation.objects.get(code="LIM367").pk))
    subprocess.run([str(ROOT / ".venv" / "bin" / "locust"), "-f", str(ROOT / "benchmarks" / "load" / "locustfile.py"),
                    "--headless", "--host", HOST, "-u", str(users), "-r", str(max(1, users // 5)),
                    "-t", f"{SECONDS}s", "--csv", str(out), "--only-summary", "--loglevel", "WARNING",
                    "--stop-timeout", "10"], env=env, check=False, timeout=SECONDS + 120,
                   stdout=subprocess.DEVNULL)
    with open(f"{out}_stats.csv", newline="") as handle:
        return [row for row in csv.DictReader(handle)]


def psql_ms(sql):
    """The bare SQL in psql (\\timing), best of three runs: the floor under the page."""
    times = []
    for _ in range(3):
        output = subprocess.run(["psql", URL, "-q", "-c", "\\timing on", "-c", sql], capture_output=True,
                                text=True, timeout=120, check=True).stdout
        times += [float(t) for t in re.findall(r"Time: ([\d.]+) ms", output)]
    return min(times)


def floors():
    eth = "(SELECT id FROM places_place WHERE code = 'ETH' AND level = 'zone')"
    quantum_sql = f"""SELECT o.sphere, b.kind, b.fy_first, b.fy_last, SUM(b.amount)
        FROM investment_location l JOIN investment_project p ON p.id = l.project_id
        JOIN accounts_organisation o ON o.id = p.organisation_id JOIN investment_budgetline b ON b.project_id = p.id
        WHERE l.zone_id = {eth} AND p.duplicate_of_id IS NULL GROUP BY o.sphere, b.kind, b.fy_first, b.fy_last"""
    return {"zone investment": psql_ms(quantum_sql), "API quantum": psql_ms(quantum_sql),
            "profile": psql_ms("SELECT i.code, v.year, v.value FROM profiles_indicatorvalue v JOIN "
                               "profiles_indicatordefinition i ON i.id = v.indicator_id WHERE v.place_id = " + eth),
            "home": psql_ms("SELECT code, name FROM places_place WHERE level = 'zone' ORDER BY code")}


def load_average():
    """The machine's load average (1, 5, 15 min): shared machines make every figure depend on it."""
    return "load average " + " ".join(f"{value:.1f}" for value in os.getloadavg())


def report(users, rows, floor):
    print(f"\n{users} concurrent users, {SECONDS} s (ms; the floor is the bare SQL in psql), {load_average()} at the end")
    print(f"{'page':<22}{'requests':>9}{'errors':>7}{'p50':>7}{'p95':>7}{'p99':>7}{'req/s':>8}{'floor':>8}")
    ok = True
    for row in rows:
        name = row["Name"]
        p95 = float(row["95%"] or 0)
        label = f"{row['Type']} {name}".strip()
        print(f"{label:<22}{row['Request Count']:>9}{row['Failure Count']:>7}{row['50%']:>7}{row['95%']:>7}"
              f"{row['99%']:>7}{float(row['Requests/s']):>8.1f}{floor.get(name, float('nan')):>8.1f}")
        if name in TARGET_PAGES and users == 20 and p95 >= 300:
            ok = False
        if name == "Aggregated" and users == 100 and int(row["Failure Count"]):
            ok = False
    return ok


def main():
    register.ensure_database()
    started = time.perf_counter()
    fill()
    print(f"register: {BudgetLine.objects.values('project_id').distinct().count():,} projects with lines, "
          f"{BudgetLine.objects.count():,} budget lines ({time.perf_counter() - started:.0f} s to fill or check)")
    for label, (zone_ms, ranking_ms) in same_answer().items():
        print(f"in process, {label}: ETH quantum {zone_ms:.0f} ms, national ranking {ranking_ms:.0f} ms")
    print("the zone summary and the direct computation give the same ETH rows and national ranking")
    connection.close()
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "ddm"), "serve", "--production", "--addr",
                               f"127.0.0.1:{PORT}"], env=dict(os.environ, DDM_ACCESS_LOG="0"),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ok = True
    try:
        wait_ready()
        print(f"server processes warmed (every public page of the visited zones once): {warm():.0f} ms in all")
        cold = cold_after_import()
        print(f"cold, first request after new data (target < 1000 ms; median of {COLD_RUNS}):")
        for name, (ms, times, load) in cold.items():
            print(f"  {name:<36}{ms:>7.0f} ms  ({', '.join(f'{t:.0f}' for t in times)}; {load})")
        ok = all(ms < 1000 for ms, _times, _load in cold.values())
        print(f"warm-up: every public page of the visited zones once, {warm():.0f} ms in all")
        floor = floors()
        with tempfile.TemporaryDirectory(prefix="ddm-load-") as tmp:
            for users in USERS:
                ok = report(users, run_locust(users, Path(tmp) / f"u{users}"), floor) and ok
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=90)
    print(f"\ntargets: {'OK' if ok else 'MISSED'} (p95 < 300 ms at 20 users for {', '.join(TARGET_PAGES)}; "
          "cold < 1 s; no error at 100 users)")


if __name__ == "__main__":
    main()
