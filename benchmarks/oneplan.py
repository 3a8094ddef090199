"""Benchmark: One Plan pages at national scale (target: zone page < 500 ms, dashboard < 2 s).

Uses DATABASE_URL (default: a scratch SQLite database under /tmp, set up on first run). Builds a
full One Plan for every one of the 52 zones (6 focal areas x 4 strategies x 4 actions = 96 actions,
2 commitments each with a register project and two budget lines, 8 indicators x 8 reported actuals),
then times through Django's test client:
- the national dashboard (/oneplan/): one page for all 52 plans;
- every zone plan page (/oneplan/zones/<code>/), and the API JSON of a plan;
- the PDF (typst) and XLSX exports of one plan.
Query counts are printed beside the times. The alternative a user would pick for the national
picture is opening the 52 zone plan pages one by one: the ratio to the dashboard is printed.
"""

import datetime
import os
import statistics
import sys
import time
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddm.settings")
os.environ.setdefault("DDM_VAR_DIR", "/tmp/ddm-bench-oneplan")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/ddm-bench-oneplan.sqlite3")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from ddm.accounts.models import Organisation  # noqa: E402
from ddm.bootstrap import run_setup  # noqa: E402
from ddm.investment.models import BudgetLine, Location, Precision, Project  # noqa: E402
from ddm.oneplan import exports, workflow  # noqa: E402
from ddm.oneplan.models import (  # noqa: E402
    Action, Commitment, IndicatorActual, OnePlan, PhaseKind, PlanIndicator, Strategy,
)
from ddm.places.models import Place  # noqa: E402

STRATEGIES, ACTIONS, COMMITMENTS, INDICATORS, ACTUALS = 4, 4, 2, 8, 8


def ensure_setup():
    if "places_place" not in connection.introspection.table_names() or not Place.objects.zones().exists():
        print("setting up the scratch database (reference data, no demo) ...", file=sys.stderr)
        run_setup(lambda m: print(m, file=sys.stderr), demo=False)


def build_plan(zone, organisation):
    plan = workflow.start_plan(zone, None, check=False)
    version = plan.current
    version.vision, version.current_phase = f"Benchmark vision of {zone.code}", PhaseKind.IMPLEMENTATION_PLANNING
    version.save()
    strategies = Strategy.objects.bulk_create([
        Strategy(focal_area=area, title=f"Strategy {i} of {area.code}", order=i)
        for area in version.focal_areas.all() for i in range(STRATEGIES)])
    actions = Action.objects.bulk_create([
        Action(strategy=s, title=f"Action {j} of {s.title}", order=j) for s in strategies for j in range(ACTIONS)])
    commitments = Commitment.objects.bulk_create([
        Commitment(action=a, organisation=organisation) for a in actions for _ in range(COMMITMENTS)])
    projects = Project.objects.bulk_create([
        Project(organisation=organisation, reference=f"BENCH-{zone.code}-{c.pk}", title=f"Project {c.pk}")
        for c in commitments])
    Location.objects.bulk_create([Location(project=p, precision=Precision.ZONE, place=zone, zone=zone,
                                           province_id=zone.province_id) for p in projects])
    lines = BudgetLine.objects.bulk_create([
        BudgetLine(project=p, kind=kind, amount=Decimal("1000000.00") * (k + 1), fy_first=2024)
        for p in projects for k, kind in enumerate(("budget", "planned"))])
    by_project = {}
    for line in lines:
        by_project.setdefault(line.project_id, []).append(line)
    through_p, through_l = Commitment.projects.through, Commitment.budget_lines.through
    # Every other commitment stays unfunded (no linked line), so both states are rendered.
    through_p.objects.bulk_create([through_p(commitment=c, project=p) for c, p in zip(commitments, projects)])
    through_l.objects.bulk_create([through_l(commitment=c, budgetline=line) for i, (c, p) in
                                   enumerate(zip(commitments, projects)) if i % 2 == 0 for line in by_project[p.pk]])
    indicators = PlanIndicator.objects.bulk_create([
        PlanIndicator(version=version, code=f"ind{i}", name=f"Indicator {i}", source="benchmark",
                      baseline_value=Decimal(10 + i), baseline_year=2016, target_value=Decimal(60), target_year=2030)
        for i in range(INDICATORS)])
    IndicatorActual.objects.bulk_create([
        IndicatorActual(indicator=ind, period=str(2017 + k), period_end=datetime.date(2017 + k, 12, 31),
                        value=Decimal(12 + 3 * k), evidence="benchmark") for ind in indicators for k in range(ACTUALS)])


def ensure_plans():
    organisation = Organisation.objects.get(code="nat-health")
    missing = Place.objects.zones().without_geometry().exclude(pk__in=OnePlan.objects.values("zone_id"))
    if missing.exists():
        print(f"building {missing.count()} benchmark One Plans ...", file=sys.stderr)
    for zone in missing.select_related("province"):
        build_plan(zone, organisation)


def measure(client, url):
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(queries), response


def main():
    ensure_setup()
    ensure_plans()
    setup_test_environment()
    client = Client()
    codes = list(Place.objects.zones().order_by("code").values_list("code", flat=True))
    measure(client, "/oneplan/zones/ETH/")  # warm-up: URL conf, templates
    dash_ms, dash_q, _ = measure(client, "/oneplan/")
    pages = [measure(client, f"/oneplan/zones/{code}/") for code in codes]
    times = [p[0] for p in pages]
    api_ms, api_q, _ = measure(client, "/api/zones/ETH/oneplan")
    version = OnePlan.objects.get(zone__code="ETH").current
    start = time.perf_counter()
    pdf = exports.pdf_bytes(version)
    pdf_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    xlsx = exports.xlsx_bytes(version)
    xlsx_ms = (time.perf_counter() - start) * 1000
    actions = ACTIONS * STRATEGIES * 6
    print(f"One Plan benchmark: 52 plans x {actions} actions, {actions * COMMITMENTS} commitments, "
          f"{INDICATORS} indicators x {ACTUALS} actuals ({connection.vendor})")
    print(f"national dashboard /oneplan/: {dash_ms:.0f} ms, {dash_q} queries")
    print(f"zone plan page: median {statistics.median(times):.0f} ms, max {max(times):.0f} ms, "
          f"{statistics.median([p[1] for p in pages]):.0f} queries (median); all 52: {sum(times):.0f} ms")
    print(f"API /api/zones/ETH/oneplan: {api_ms:.0f} ms, {api_q} queries")
    print(f"exports of one plan: PDF {pdf_ms:.0f} ms ({len(pdf):,} bytes), XLSX {xlsx_ms:.0f} ms ({len(xlsx):,} bytes)")
    print(f"ratio: opening the 52 zone pages / one dashboard = {sum(times) / dash_ms:.1f}x")


if __name__ == "__main__":
    main()
