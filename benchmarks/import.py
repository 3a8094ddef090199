"""Project import: the full pipeline vs the bare floor, at 25k, 50k and 100k rows.

Run: DATABASE_URL=sqlite:////tmp/bench.sqlite3 DDM_VAR_DIR=/tmp/bench-var .venv/bin/python benchmarks/import.py
     [SIZES...] [--heap] [--repeat N]   (default 25000 50000 100000; migrates and loads places/organisations if
     needed; --heap adds a tracemalloc run per size)

Each size runs in its own subprocess so that peak memory is per run:
- a realistic wide-form XLSX is generated with xlsxwriter (title block, 3 financial-year columns in
  R'000 with mixed number formats: numbers, "1 234,56", "R1.2m", "-"; names; coordinates as
  decimals, DMS text or a "lat, lon" cell; some rows named by municipality instead; a total row);
- "pipeline": ddm.investment.intake.pipeline.run_import (dry_run=False): header detection, parsing,
  batch locating, grouping, bulk writes *with history rows* (Project, BudgetLine, Location);
- "floor": what a user's bare script would do: python-calamine read + bulk_create of the parsed rows
  (a project, its three budget lines, its point) with no validation, no locating and no history.
Prints rows/s for both, the ratio (target <= 2x) and peak memory (tracemalloc: Python heap; and
the process's maximum resident set size) to show whether memory stays flat as the file grows.

Both must write the same data, or the ratio means nothing: after each run the child dumps what it
wrote for its organisation (per project: reference, title, budget lines as kind/years/amount, and
locations as precision/point/municipality) and the parent compares the two dumps and stops with the
first differences if they disagree. Each mode runs ``--repeat`` times, floor and pipeline in turn (best
kept), so that a busy machine slows both. A ratio below 1 is possible: the floor does a subset of the
pipeline's work but through the ORM's bulk_create, which costs more per row than the pipeline's direct
inserts (on SQLite, at 100k rows, the pipeline measured 0.95x of it, repeatably).
"""

import json
import os
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddm.settings")
django.setup()

MUNICIPALITIES = [("EC157", -31.59, 28.78), ("ETH", -29.82, 30.88), ("LIM367", -24.0, 28.9), ("EC153", -31.37, 29.55),
                  ("KZN225", -29.6, 30.38), ("NW372", -25.65, 27.25), ("MP313", -25.77, 29.46), ("CPT", -33.97, 18.62)]
WORDS = ["bulk water", "reservoir", "clinic", "school", "access road", "bridge", "hall", "sewer", "housing",
         "substation", "library", "taxi rank"]


def ensure_reference():
    from django.core.management import call_command

    from ddm.accounts import setup as accounts_setup
    from ddm.places import registry
    from ddm.places import setup as places_setup

    call_command("migrate", interactive=False, verbosity=0)
    if not registry.is_loaded():
        places_setup.load_reference(print)
        accounts_setup.load_reference(print)


def dms(value, positive, negative):
    letter = positive if value >= 0 else negative
    tenths = round(abs(value) * 36000)  # tenths of a second, so rounding never gives 60.0"
    degrees, rest = divmod(tenths, 36000)
    minutes, tenths = divmod(rest, 600)
    return f"{degrees}°{minutes:02d}'{tenths / 10:04.1f}\"{letter}"


def amount_cell(rng, value):
    style = rng.random()
    if style < 0.55:
        return value  # a number cell
    if style < 0.75:
        whole, cents = f"{value:,.2f}".split(".")
        return f"{whole.replace(',', ' ')},{cents}"
    if style < 0.9:
        return f"R{value / 1000:.1f}m"  # in R million while the column is R'000: the cell unit wins
    return "-" if style < 0.95 else f"{value:,.0f}"


def generate(path, rows, seed=7):
    import xlsxwriter

    rng = random.Random(seed)
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet("MTEF projects")
    sheet.write_row(0, 0, ["Department of Benchmarks: infrastructure projects"])
    sheet.write_row(1, 0, ["MTEF 2019/20 - 2021/22, R thousand"])
    header = ["Project No", "Name of project", "Sector", "Local municipality", "GPS", "Latitude", "Longitude",
              "Budget 2019/20 (R'000)", "MTEF 2020/21 (R'000)", "2021/22 (R'000)", "Contractor"]
    sheet.write_row(3, 0, header)
    for i in range(rows):
        code, lat, lon = rng.choice(MUNICIPALITIES)
        lat, lon = lat + rng.uniform(-0.02, 0.02), lon + rng.uniform(-0.02, 0.02)
        style = i % 4
        gps, la, lo, muni = None, None, None, None
        if style == 0:
            la, lo = round(lat, 6), round(lon, 6)
        elif style == 1:
            la, lo = dms(lat, "N", "S"), dms(lon, "E", "W")
        elif style == 2:
            gps = f"{lat:.5f}, {lon:.5f}"
        else:
            muni = code
        values = [f"BM-{i:06d}", f"{rng.choice(WORDS).title()} {i}", rng.choice(["Water", "Roads", "Health", "Education"]),
                  muni, gps, la, lo] + [amount_cell(rng, round(rng.uniform(100, 90000), 2)) for _ in range(3)] + [
                  f"Contractor {i % 97}"]
        for column, value in enumerate(values):
            if value is not None:
                sheet.write(4 + i, column, value)
    sheet.write_row(4 + rows, 0, ["Total"])
    book.close()


def run_pipeline(path, org):
    from ddm.investment.intake.pipeline import run_import

    submission = run_import(path, org, None, "cli")
    assert submission.status == "committed", (submission.status, submission.errors[:3])
    return submission.projects_created


def run_floor(path, org):
    """The bare floor: read with calamine, bulk insert projects, lines and points (no checks)."""
    from python_calamine import CalamineWorkbook

    from ddm.investment.models import BudgetLine, Location, Project

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("MTEF projects")
    created = 0
    batch = []
    for index, row in enumerate(sheet.iter_rows()):
        if index < 4 or not row[1]:
            continue
        batch.append(row)
        if len(batch) == 2000:
            created += _floor_insert(batch, org, Project, BudgetLine, Location)
            batch = []
    if batch:
        created += _floor_insert(batch, org, Project, BudgetLine, Location)
    return created


def _number(value):
    """The floor's amount parser, just enough for the generated cells: R'000 numbers, "1 234,56",
    "R1.2m" (the cell's unit: million) and "12,345" (thousands separators)."""
    if isinstance(value, float):
        return (Decimal(repr(value)) * 1000).quantize(Decimal("0.01"))
    text = str(value).replace(" ", "")
    scale = Decimal(1000)
    if text.startswith("R") and text.endswith("m"):
        text, scale = text[1:-1], Decimal(10) ** 6
    elif text.count(",") == 1 and len(text.split(",")[1]) == 2:
        text = text.replace(",", ".")
    else:
        text = text.replace(",", "")
    try:
        return (Decimal(text) * scale).quantize(Decimal("0.01"))
    except Exception:
        return None


def _dms(text):
    import re

    degrees, minutes, seconds, letter = re.match(r"(\d+)°(\d+)'([\d.]+)\"([NSEW])", text).groups()
    value = int(degrees) + int(minutes) / 60 + float(seconds) / 3600
    return -value if letter in "SW" else value


def _floor_point(row):
    if isinstance(row[5], float):
        return row[5], row[6]
    if row[5]:
        return _dms(row[5]), _dms(row[6])
    if row[4]:
        lat, lon = row[4].split(",")
        return float(lat), float(lon)
    return None


MUNICIPALITY_IDS = {}


def _floor_insert(rows, org, Project, BudgetLine, Location):
    if not MUNICIPALITY_IDS:
        from ddm.places.models import Place

        MUNICIPALITY_IDS.update(Place.objects.municipalities().values_list("code", "pk"))
    projects = Project.objects.bulk_create([Project(organisation=org, reference=r[0], title=r[1]) for r in rows])
    lines, points = [], []
    for project, row in zip(projects, rows):
        for year, value in zip((2019, 2020, 2021), row[7:10]):
            amount = _number(value) if value not in ("", "-") else None
            if amount is not None:
                lines.append(BudgetLine(project=project, amount=amount, fy_first=year, fy_last=year))
        point = _floor_point(row)
        if point is not None:
            points.append(Location(project=project, precision="point", latitude=point[0], longitude=point[1]))
        elif row[3]:
            points.append(Location(project=project, precision="municipality", municipality_id=MUNICIPALITY_IDS[row[3]]))
    BudgetLine.objects.bulk_create(lines, batch_size=2000)
    Location.objects.bulk_create(points, batch_size=2000)
    return len(projects)


def one(size, mode, heap=False):
    """Child process: generate (cached), run one mode, print JSON. With heap, tracemalloc is on
    (it slows allocation-heavy code, so timings are taken in runs without it)."""
    from ddm.accounts.models import Organisation

    path = Path(os.environ.get("DDM_VAR_DIR", "/tmp")) / f"bench-import-{size}.xlsx"
    if not path.exists():
        generate(str(path), size)
    code = f"bench-{mode}-{size}-{int(time.time())}"
    org = Organisation.objects.create(code=code, name=code, sphere="national", kind="department")
    from ddm.places.locator import get_locator

    get_locator()  # built once per process (about 2 s), not part of either import's cost
    vacuum()
    if heap:
        tracemalloc.start()
    started = time.perf_counter()
    created = (run_pipeline if mode == "pipeline" else run_floor)(path, org)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if heap else 0
    tracemalloc.stop()
    dump = Path(os.environ.get("DDM_VAR_DIR", "/tmp")) / f"bench-import-{size}-{mode}.json"
    dump.write_text(json.dumps(written(org)))
    remove(org)
    print(json.dumps({"size": size, "mode": mode, "seconds": elapsed, "created": created, "dump": str(dump),
                      "tracemalloc_peak_mb": peak / 1048576,
                      "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "file_mb": path.stat().st_size / 1048576}))


def written(org):
    """What an import wrote for ``org``, comparable between floor and pipeline: sorted rows of
    [reference, title, [[kind, first, last, amount]], [[precision, lat, lon, municipality]]]."""
    from ddm.investment.models import BudgetLine, Location, Project

    projects = dict(Project.objects.filter(organisation=org).values_list("pk", "reference"))
    titles = dict(Project.objects.filter(organisation=org).values_list("pk", "title"))
    lines, places = {}, {}
    for pid, kind, first, last, amount in BudgetLine.objects.filter(project__organisation=org).values_list(
            "project_id", "kind", "fy_first", "fy_last", "amount"):
        lines.setdefault(pid, []).append([kind, first, last, str(amount)])
    for pid, precision, lat, lon, code in Location.objects.filter(project__organisation=org).values_list(
            "project_id", "precision", "latitude", "longitude", "municipality__code"):
        point = precision == "point"
        places.setdefault(pid, []).append([precision, round(lat, 5) if point else None,
                                           round(lon, 5) if point else None, None if point else code])
    return sorted([ref, titles[pid], sorted(lines.get(pid, [])), sorted(places.get(pid, []))]
                  for pid, ref in projects.items())


def remove(org):
    """Delete what the run wrote (raw SQL, untimed), so that every run starts from the same register: the
    pipeline's zone-summary refresh adds up every project of the zones it touched, so runs that piled up
    100k-project organisations in the same municipalities made each later pipeline run slower."""
    from django.db import transaction

    from ddm.investment.models import BudgetLine, Location, Project

    projects = Project.objects.filter(organisation=org).values("pk")
    with transaction.atomic():
        for model in (BudgetLine, Location):
            for queryset in (model.history.filter(project_id__in=projects), model.objects.filter(project_id__in=projects)):
                queryset._raw_delete(queryset.db)
        for queryset in (Project.history.filter(organisation_id=org.pk), Project.objects.filter(organisation=org)):
            queryset._raw_delete(queryset.db)


def vacuum():
    """PostgreSQL: vacuum and analyse the tables an import writes, untimed, before each run. Earlier runs
    leave dead rows (their removal, the pipeline's published staging rows) that autovacuum, when it is on,
    would clear; without this, each run would scan more of them than the one before."""
    from django.db import connection

    from ddm.investment.intake.staging import STAGED_MODELS
    from ddm.investment.models import BudgetLine, Location, Project

    if connection.vendor != "postgresql":
        return
    models = [*STAGED_MODELS, *(m for model in (Project, BudgetLine, Location) for m in (model, model.history.model))]
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(connection.ops.quote_name(t) for t in tables)}")


def same_data(floor, pipeline):
    """Stop the benchmark when the two runs did not write the same data."""
    a, b = json.loads(Path(floor["dump"]).read_text()), json.loads(Path(pipeline["dump"]).read_text())
    if a == b:
        return
    differences = [(x, y) for x, y in zip(a, b) if x != y][:3]
    sys.exit(f"floor and pipeline wrote different data ({len(a)} vs {len(b)} projects); first differences:\n"
             + "\n".join(f"  floor:    {x}\n  pipeline: {y}" for x, y in differences))


def main(sizes, heap, repeat=1):
    ensure_reference()
    from django.db import connection

    print(f"database: {connection.vendor}; each run in its own process")
    print(f"{'rows':>8} {'file MB':>8} {'pipeline s':>11} {'rows/s':>8} {'floor s':>8} {'rows/s':>8} {'ratio':>6} "
          f"{'heap peak MB':>13} {'max RSS MB':>11}")
    for size in sizes:
        results = {}
        modes = ("floor", "pipeline") * repeat + (("heap",) if heap else ())
        for mode in modes:
            args = [str(size), "pipeline", "heap"] if mode == "heap" else [str(size), mode]
            out = subprocess.run([sys.executable, __file__, "--one", *args], capture_output=True, text=True,
                                 env=dict(os.environ))
            if out.returncode:
                sys.exit(out.stderr)
            result = json.loads(out.stdout.strip().splitlines()[-1])
            if mode not in results or result["seconds"] < results[mode]["seconds"]:
                results[mode] = result
        p, f = results["pipeline"], results["floor"]
        same_data(f, p)
        p["tracemalloc_peak_mb"] = results.get("heap", {}).get("tracemalloc_peak_mb", float("nan"))
        print(f"{size:>8} {p['file_mb']:>8.1f} {p['seconds']:>11.1f} {size / p['seconds']:>8.0f} {f['seconds']:>8.1f} "
              f"{size / f['seconds']:>8.0f} {p['seconds'] / f['seconds']:>6.2f} {p['tracemalloc_peak_mb']:>13.1f} "
              f"{p['maxrss_mb']:>11.0f}   (floor max RSS {f['maxrss_mb']:.0f} MB; same data written: yes)")
        if p["seconds"] < f["seconds"]:
            print("  a ratio below 1: the floor's ORM bulk_create costs more per row than the pipeline's direct "
                  "inserts, or the machine was busy during the floor run (run with --repeat 3 to tell)")
    print("ratio = pipeline time / floor time (target <= 2). Heap = tracemalloc peak during the pipeline "
          "import (Python objects; separate run, --heap); max RSS includes python-calamine's native sheet "
          "buffer and the locator's index.")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        one(int(sys.argv[2]), sys.argv[3], heap=len(sys.argv) > 4)
    else:
        args = sys.argv[1:]
        repeat = int(args[args.index("--repeat") + 1]) if "--repeat" in args else 1
        if "--repeat" in args:
            del args[args.index("--repeat"):args.index("--repeat") + 2]
        flags = [a for a in args if a.startswith("--")]
        main([int(a) for a in args if not a.startswith("--")] or [25000, 50000, 100000], "--heap" in flags, repeat)
