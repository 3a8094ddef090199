from decimal import Decimal

import pytest
from _register import locate, org, project

from ddm.investment import quantum
from ddm.investment.models import Project
from ddm.places.models import Place

pytestmark = pytest.mark.django_db
D = Decimal


def test_government_and_private_are_kept_apart():
    p = project(org("t-nat"), "N1", [("100.00", 2019, 2019)])
    locate(p, zone="ETH")
    s = project(org("t-mine", sphere="private", kind="company"), "S1", [("40.00", 2019, 2019)])
    locate(s, zone="ETH")
    q = quantum.zone_quantum("ETH")
    assert q.government("budget") == D("100.00")
    assert q.private("budget") == D("40.00")
    totals = q.totals()
    assert totals["government"] == {"budget": D("100.00")} and totals["private"] == {"budget": D("40.00")}
    assert "NOT included" in totals["includes"]["government"]
    assert quantum.zone_quantum("ETH", include_private=False).total() == D("100.00")


def test_confirmed_duplicates_are_not_counted():
    original = project(org("t-nat"), "A", [("100.00", 2019, 2019)])
    locate(original, zone="DC15")
    copy = project(org("t-nat2"), "B", [("100.00", 2019, 2019)])
    locate(copy, zone="DC15")
    assert quantum.zone_quantum("DC15").total() == D("200.00")
    Project.objects.filter(pk=copy.pk).update(duplicate_of=original)
    assert quantum.zone_quantum("DC15").total() == D("100.00")


@pytest.mark.parametrize("amount", ["100.01", "0.01", "333333.33", "17100000000.00"])
def test_project_in_two_zones_is_split_never_counted_twice(amount):
    p = project(org("t-nat"), "TWO", [(amount, 2019, 2019)])
    locate(p, zone="ETH")
    locate(p, zone="DC36")
    eth, dc36 = quantum.zone_quantum("ETH").total(), quantum.zone_quantum("DC36").total()
    assert eth + dc36 == D(amount)
    assert abs(eth - dc36) <= D("0.01")


def test_explicit_location_shares():
    p = project(org("t-nat"), "SHARE", [("1000.00", 2019, 2019)])
    locate(p, zone="ETH", share=D("0.25"))
    locate(p, municipality="LIM367", share=D("0.75"))
    assert quantum.zone_quantum("ETH").total() == D("250.00")
    dc36 = quantum.zone_quantum("DC36")
    assert dc36.total() == D("750.00")
    assert dc36.by("municipality") == {"LIM367": D("750.00")}


def test_multi_year_line_is_apportioned_in_annual_view_and_whole_in_stated_view():
    p = project(org("t-nat"), "MY", [("300.00", 2019, 2021)])
    locate(p, zone="DC15")
    annual = quantum.zone_quantum("DC15")
    assert [(r.financial_year, r.amount, r.apportioned) for r in annual.rows] == [
        ("2019/20", D("100.00"), True), ("2020/21", D("100.00"), True), ("2021/22", D("100.00"), True)]
    stated = quantum.zone_quantum("DC15", view="stated")
    assert [(r.financial_year, r.amount, r.apportioned) for r in stated.rows] == [("2019/20-2021/22", D("300.00"), False)]


def test_municipal_line_shown_in_the_april_calendar_is_converted_by_month_overlap():
    muni = org("t-muni", sphere="local", fy_start_month=7, kind="municipality")
    p = project(muni, "M", [("1200.00", 2019, 2019)])
    locate(p, municipality="EC157")
    july = quantum.zone_quantum("DC15", calendar="july")
    assert [(r.financial_year, r.amount, r.apportioned, r.stated_calendar) for r in july.rows] == [
        ("2019/20", D("1200.00"), False, "july")]
    april = quantum.zone_quantum("DC15", calendar="april")
    assert april.by("financial_year") == {"2019/20": D("900.00"), "2020/21": D("300.00")}
    assert all(r.apportioned for r in april.rows)


def test_lines_without_years_have_no_financial_year():
    p = project(org("t-para", sphere="parastatal", kind="public_entity"), "P", [("56.00", None, None)])
    locate(p, zone="ETH")
    (row,) = quantum.zone_quantum("ETH").rows
    assert row.financial_year is None and row.apportioned is False
    assert quantum.zone_quantum("ETH").total(years=[None]) == D("56.00")
    assert quantum.zone_quantum("ETH").total(years=["2019/20"]) == D("0.00")


def test_kinds_are_filtered_and_never_added_in_totals():
    p = project(org("t-nat"), "K", [("10.00", 2019, 2019, "budget"), ("7.00", 2019, 2019, "actual")])
    locate(p, zone="ETH")
    q = quantum.zone_quantum("ETH")
    assert q.totals()["government"] == {"budget": D("10.00"), "actual": D("7.00")}
    assert quantum.zone_quantum("ETH", kinds=["actual"]).total() == D("7.00")


def test_rows_carry_sector_municipality_precision_and_aggregate_has_no_sector():
    p = project(org("t-nat"), "W", [("10.00", 2019, 2019)], sector="water")
    locate(p, municipality="EC157", point=(-31.5889, 28.7844))
    agg = project(org("t-nat"), "AGG", [("5.00", 2019, 2019)], is_aggregate=True)
    locate(agg, zone="DC15")
    rows = {r.organisation + r.precision: r for r in quantum.zone_quantum("DC15").rows}
    water = rows["t-natpoint"]
    assert (water.sector, water.municipality, water.sphere, water.organisation_name) == (
        "water", "EC157", "national", "Test t-nat")
    assert rows["t-natzone"].sector is None and rows["t-natzone"].is_aggregate


def test_unmapped_projects_belong_to_no_zone_and_are_listed_nationally():
    located = project(org("t-nat"), "L", [("75.00", 2019, 2019)])
    locate(located, zone="ETH")
    project(org("t-nat"), "U", [("25.00", 2019, 2019)])  # no location
    province_only = project(org("t-nat"), "PR", [("100.00", 2019, 2019)])
    locate(province_only, precision="province")
    refs = {p.reference for p in quantum.unmapped_projects()}
    assert refs == {"U", "PR"}
    quality = quantum.located_and_unmapped()
    assert quality["total"]["budget"]["unmapped"] == D("125.00")
    assert quality["total"]["budget"]["unmapped_share"] == D("62.5")
    assert sum(quantum.zone_quantum(z.code).total() for z in Place.objects.zones()) == D("75.00")


def test_national_ranking_and_spend_by_sector():
    eth = project(org("t-nat"), "E", [("300.00", 2019, 2019)], sector="water")
    locate(eth, zone="ETH")
    dc15 = project(org("t-nat"), "D", [("100.00", 2019, 2020)], sector="health")
    locate(dc15, zone="DC15")
    mine = project(org("t-mine", sphere="private", kind="company"), "M", [("999.00", 2019, 2019)], sector="water")
    locate(mine, zone="DC15")
    ranking = quantum.national_ranking()
    assert [r["zone"] for r in ranking[:2]] == ["ETH", "DC15"]
    assert len(ranking) == 52
    eth_row = ranking[0]
    # The newest population: Stats SA Census 2022, eThekwini 4,239,901 people (person-indicators-district.csv).
    assert eth_row["population"] == 4239901
    assert eth_row["government_per_capita"] == (D("300.00") / 4239901).quantize(D("0.01"))
    assert ranking[1]["private"] == D("999.00")
    one_year = {r["zone"]: r["government"] for r in quantum.national_ranking(year="2020/21")}
    assert one_year["DC15"] == D("50.00") and one_year["ETH"] == D("0.00")
    spend = quantum.spend_by_zone_and_sector()
    assert spend == {("ETH", "water"): D("300.00"), ("DC15", "health"): D("100.00")}
    assert quantum.spend_by_zone_and_sector(include_private=True)[("DC15", "water")] == D("999.00")


def test_bad_arguments():
    with pytest.raises(ValueError):
        quantum.zone_quantum("ETH", calendar="march")
    with pytest.raises(ValueError):
        quantum.zone_quantum("ETH", view="monthly")
    with pytest.raises(Place.DoesNotExist):
        quantum.zone_quantum("XX99")


def test_zone_quantum_query_count_does_not_grow_with_projects(django_assert_max_num_queries):
    for i in range(30):
        p = project(org("t-nat"), f"Q{i}", [("1.00", 2019, 2021), ("2.00", 2020, 2020)])
        locate(p, zone="ETH")
        if i % 3 == 0:
            locate(p, zone="DC36")
    with django_assert_max_num_queries(10):  # PostgreSQL adds a savepoint and two SET LOCALs
        q = quantum.zone_quantum("ETH")
    assert q.total() + quantum.zone_quantum("DC36").total() == D("90.00")  # 30 projects x (1 + 2)
