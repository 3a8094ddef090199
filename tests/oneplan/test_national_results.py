"""National M&E results on a small register, every figure worked out by hand in the comments."""

import datetime
import io
from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook

from ddm.accounts.models import Organisation
from ddm.investment.models import BudgetLine, Location, Precision, ProgressReport, Project
from ddm.oneplan import results
from ddm.oneplan.models import IndicatorActual, PlanIndicator
from ddm.places.models import Place

pytestmark = pytest.mark.django_db
D = datetime.date


def _project(reference, zone_code, sector, budget_lines, progress, spent, demo=False):
    organisation, _ = Organisation.objects.get_or_create(code="t-res", defaults={
        "name": "Test results", "sphere": "provincial", "kind": "department"})
    item = Project.objects.create(organisation=organisation, reference=reference, title=reference, sector=sector,
                                  is_demo=demo)
    for amount, year in budget_lines:
        BudgetLine.objects.create(project=item, amount=Decimal(amount), fy_first=year, fy_last=year)
    BudgetLine.objects.create(project=item, kind="actual", amount=Decimal("999.00"), fy_first=2019, fy_last=2019)
    zone = Place.objects.zones().get(code=zone_code)
    Location.objects.create(project=item, precision=Precision.ZONE, place=zone, zone=zone, province_id=zone.province_id)
    if progress is not None:
        ProgressReport.objects.create(project=item, quarter_end=D(2025, 3, 31), progress=Decimal("1"),
                                      expenditure_to_date=Decimal("1.00"))  # an earlier quarter: not used
        ProgressReport.objects.create(project=item, quarter_end=D(2025, 6, 30), progress=Decimal(progress),
                                      expenditure_to_date=Decimal(spent))
    return item


@pytest.fixture
def register(db):
    # DC15 water: P1 budget R6m + R4m = R10m, 10 % done, R6m spent; P2 budget R2m, 50 % done, R0.5m spent.
    _project("P1", "DC15", "water", [("6000000.00", 2024), ("4000000.00", 2025)], "10", "6000000.00")
    _project("P2", "DC15", "water", [("2000000.00", 2025)], "50", "500000.00")
    # DC15 health: P3 budget R1m, 80 % done, R0.9m spent (moving).
    _project("P3", "DC15", "health", [("1000000.00", 2025)], "80", "900000.00")
    # No report: P4 is not in the figures. Demo P5 in DC36: apart.
    _project("P4", "DC15", "water", [("5000000.00", 2025)], None, None)
    _project("P5", "DC36", "water", [("1000000.00", 2025)], "0", "900000.00", demo=True)


def test_spending_against_progress(register):
    rows = {(r.zone, r.sector, r.demo): r for r in results.spending_rows()}
    water = rows[("DC15", "water", False)]
    # Budget 10m + 2m = 12m; spent 6m + 0.5m = 6.5m -> 54.2 %; progress (10 x 10m + 50 x 2m) / 12m = 16.7 %.
    assert (water.projects, water.budget, water.spent) == (2, Decimal("12000000.00"), Decimal("6500000.00"))
    assert (water.spent_share, water.progress, water.stuck) == (Decimal("54.2"), Decimal("16.7"), True)
    assert water.latest_quarter == D(2025, 6, 30)  # the newest quarter its figures come from
    health = rows[("DC15", "health", False)]
    # 0.9m of 1m = 90.0 % spent, 80.0 % done: moving.
    assert (health.spent_share, health.progress, health.stuck) == (Decimal("90.0"), Decimal("80.0"), False)
    demo = rows[("DC36", "water", True)]
    assert demo.stuck and demo.spent_share == Decimal("90.0")  # listed, labelled demo, in no real row
    data = results.results()
    assert [(r.zone, r.sector, r.demo) for r in data["stuck"]] == [("DC15", "water", False), ("DC36", "water", True)]


def test_indicator_rows_and_trend(register, plan, version):
    rising = PlanIndicator.objects.create(version=version, code="water", profile_code="pct_water", name="Water",
                                          unit="%", source="t", baseline_value=Decimal("40"), baseline_year=2016,
                                          target_value=Decimal("60"), target_year=2030)
    IndicatorActual.objects.create(indicator=rising, period="2023/24", period_end=D(2024, 3, 31),
                                   value=Decimal("45"), evidence="t")
    IndicatorActual.objects.create(indicator=rising, period="2024/25", period_end=D(2025, 3, 31),
                                   value=Decimal("43"), evidence="t")
    falling = PlanIndicator.objects.create(version=version, code="unemployment", name="Unemployment", unit="%",
                                           source="t", baseline_value=Decimal("30"), baseline_year=2011,
                                           target_value=Decimal("20"), target_year=2030)
    IndicatorActual.objects.create(indicator=falling, period="2022", period_end=D(2022, 12, 31),
                                   value=Decimal("28"), evidence="t")
    rows = {r["kind"]: r for r in results.indicator_rows()}
    # Water: 45 then 43 while the target is above the baseline: worsening.
    assert (rows["pct_water"]["zone"], rows["pct_water"]["latest"], rows["pct_water"]["trend"]) == (
        "DC15", Decimal("43"), results.WORSENING)
    # Unemployment: only one actual (28) against the baseline 30, target 20: improving.
    assert rows["unemployment"]["trend"] == results.IMPROVING and rows["unemployment"]["baseline"] == Decimal("30")


def test_page_exports_and_api(register, client):
    page = client.get("/oneplan/results/").content.decode()
    assert 'id="stuck-list"' in page and "54.2%" in page and "16.7%" in page
    csv_text = client.get("/oneplan/results/?format=csv&table=spending").content.decode("utf-8-sig")
    assert "DC15,Water,2,12000000.00,6500000.00,54.2,16.7,yes,2025-06-30," in csv_text
    assert "30 Jun 2025" in page
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(client.get("/oneplan/results/?format=xlsx").content))
    assert workbook.sheet_names == ["Indicators", "Spending vs progress"]
    body = client.get("/api/oneplan/results").json()
    water = next(r for r in body["spending"] if r["zone"] == "DC15" and r["sector"] == "water")
    assert (water["spent_share"], water["progress"], water["stuck"], water["demo"]) == ("54.2", "16.7", True, False)
    assert water["latest_quarter_end"] == "2025-06-30"
