"""The zone summary gives the same figures as the direct computation, on a small register whose
figures are worked out by hand; it is used only while current, and an import refreshes it."""

from decimal import Decimal

import pytest
from _intake_files import csv_file

from ddm.accounts.models import Organisation
from ddm.investment import pilots, quantum, summary
from ddm.investment.intake.pipeline import run_import
from ddm.investment.models import BudgetLine, Location, Project, PublishedTotal, ZoneSummary
from ddm.places.models import Place

pytestmark = pytest.mark.django_db
D = Decimal


def _org(code, sphere, month=4):
    return Organisation.objects.create(code=code, name=f"Summary {code}", sphere=sphere, kind="department",
                                       fy_start_month=month)


def _project(org, reference, zones, lines, duplicate_of=None):
    project = Project.objects.create(organisation=org, reference=reference, title=reference, sector="water",
                                     duplicate_of=duplicate_of)
    for zone in zones:
        Location.objects.create(project=project, precision="zone", place=zone, zone=zone,
                                province_id=zone.province_id)
    for kind, amount, first, last, month in lines:
        BudgetLine.objects.create(project=project, kind=kind, amount=D(amount), fy_first=first, fy_last=last,
                                  fy_start_month=month)
    return project


@pytest.fixture
def register():
    """ETH and DC36:
    P1 national, ETH: budget 2019/20 R100.00, budget 2019/20-2020/21 R300.01 (R150.00 + R150.01),
       actual 2019/20 R50.00;
    P2 national, ETH and DC36 (equal shares): budget 2020/21 R100.01 (ETH R50.00, DC36, the last, R50.01);
    P3 private, ETH: budget 2019/20 R1,000.00;
    P4 local (July-June), DC36: budget 2019/20 (July) R120.00 = April years 2019/20 R90.00 (9 months)
       + 2020/21 R30.00 (3 months);
    P5 a confirmed duplicate of P1, ETH: budget 2019/20 R999.00, never counted."""
    eth, dc36 = Place.objects.zones().get(code="ETH"), Place.objects.zones().get(code="DC36")
    national, private, local = _org("sum-nat", "national"), _org("sum-co", "private"), _org("sum-loc", "local", 7)
    p1 = _project(national, "P1", [eth], [("budget", "100.00", 2019, 2019, 4), ("budget", "300.01", 2019, 2020, 4),
                                          ("actual", "50.00", 2019, 2019, 4)])
    _project(national, "P2", [eth, dc36], [("budget", "100.01", 2020, 2020, 4)])
    _project(private, "P3", [eth], [("budget", "1000.00", 2019, 2019, 4)])
    _project(local, "P4", [dc36], [("budget", "120.00", 2019, 2019, 7)])
    _project(national, "P5", [eth], [("budget", "999.00", 2019, 2019, 4)], duplicate_of=p1)
    return eth, dc36


def _hand_computed(eth_quantum, dc36_quantum, ranking):
    assert eth_quantum.by("financial_year", spheres=quantum.GOVERNMENT, kinds="budget") == {
        "2019/20": D("250.00"), "2020/21": D("200.01")}
    assert eth_quantum.government("budget") == D("450.01")
    assert eth_quantum.government("actual") == D("50.00")
    assert eth_quantum.private("budget") == D("1000.00")
    assert dc36_quantum.by("financial_year", spheres=quantum.GOVERNMENT, kinds="budget") == {
        "2019/20": D("90.00"), "2020/21": D("80.01")}
    by_zone = {r["zone"]: r for r in ranking}
    assert (by_zone["ETH"]["government"], by_zone["ETH"]["private"]) == (D("450.01"), D("1000.00"))
    assert by_zone["DC36"]["government"] == D("170.01")


def _figures():
    return (quantum.zone_quantum("ETH"), quantum.zone_quantum("DC36"), quantum.national_ranking())


def _rows(q):
    return sorted((r.as_dict() for r in q.rows), key=repr)


def test_summary_figures_equal_the_direct_computation_and_the_hand_computed_ones(register):
    _hand_computed(*_figures())  # nothing stored yet: added up directly
    direct = {(code, calendar, view): _rows(quantum.zone_quantum(code, calendar, view, direct=True))
              for code in ("ETH", "DC36") for calendar in ("april", "july") for view in ("annual", "stated")}
    national = (quantum.national_ranking(), quantum.national_ranking(year="2020/21"),
                quantum.national_ranking("july", "actual"), quantum.spend_by_zone_and_sector(),
                quantum.spend_by_zone_and_sector(years=["2019/20"], include_private=True),
                quantum.located_and_unmapped())
    assert summary.refresh_all() > 50
    assert {z.code for z in register} <= set(Place.objects.filter(pk__in=summary.built_zones())
                                               .values_list("code", flat=True))
    assert ZoneSummary.objects.filter(zone=register[0]).count() == 5  # P1 x3 groups, P2, P3; never P5
    _hand_computed(*_figures())
    for (code, calendar, view), rows in direct.items():
        assert _rows(quantum.zone_quantum(code, calendar, view)) == rows, (code, calendar, view)
    assert (quantum.national_ranking(), quantum.national_ranking(year="2020/21"),
            quantum.national_ranking("july", "actual"), quantum.spend_by_zone_and_sector(),
            quantum.spend_by_zone_and_sector(years=["2019/20"], include_private=True),
            quantum.located_and_unmapped()) == national
    by_zone = {r["zone"]: r for r in national[1]}
    assert by_zone["ETH"]["government"] == D("200.01") and by_zone["DC36"]["government"] == D("80.01")


def test_published_totals_reconcile_the_same_from_the_summary(register):
    eth, _dc36 = register
    published = PublishedTotal.objects.create(key="sum-test", zone=eth, amount=D("1000.00"), stated_as="R1,000",
                                              label="private investment", source="test", breakdown_published=True)
    published.components.set([Project.objects.get(reference="P3")])
    direct = pilots.reconcile(published)
    assert [(g["organisation"], g["kind"], g["amount"], g["count"], g["financial_years"])
            for g in direct["other_lines"]] == [
        ("Summary sum-nat", "actual", D("50.00"), 1, "2019/20"),
        ("Summary sum-nat", "budget", D("100.00"), 1, "2019/20"),
        ("Summary sum-nat", "budget", D("300.01"), 1, "2019/20-2020/21"),
        ("Summary sum-nat", "budget", D("100.01"), 1, "2020/21")]  # P2 whole (as stated), P5 never
    summary.refresh([eth.pk])
    assert pilots.reconcile(published) == direct


def test_a_change_makes_the_zone_stale_until_refreshed(register):
    eth, _dc36 = register
    summary.refresh([z.pk for z in register])
    line = BudgetLine.objects.get(project__reference="P3")
    line.amount = D("1500.00")
    line.save()  # a signal: ETH's stored groups may no longer be used
    assert eth.pk not in summary.built_zones()
    assert quantum.zone_quantum("ETH").private("budget") == D("1500.00")
    summary.refresh([eth.pk])
    assert eth.pk in summary.built_zones()
    assert quantum.zone_quantum("ETH").private("budget") == D("1500.00")
    Location.objects.filter(project__reference="P3").get().delete()
    assert quantum.zone_quantum("ETH").private("budget") == D("0.00")


def test_an_import_refreshes_the_zones_it_touched(organisation):
    eth = Place.objects.zones().get(code="ETH")
    summary.refresh([eth.pk])
    text = "Project,District,Budget 2019/20\nPipes,eThekwini,1234.56\n"
    submission = run_import(csv_file(text), organisation("nat-water-and-sanitation"), None, "cli")
    assert submission.status == "committed", submission.errors
    assert eth.pk in summary.built_zones()  # stored again within the import's transaction
    assert quantum.zone_quantum("ETH").government("budget") == D("1234.56")
    assert _rows(quantum.zone_quantum("ETH")) == _rows(quantum.zone_quantum("ETH", direct=True))


def test_an_import_giving_a_project_a_second_place_refreshes_the_zone_it_had(organisation):
    """The project is split over both places from then on: the zone it already had holds half, and its
    summary must be stored again within the import (it was left as before, marked current)."""
    org = organisation("nat-water-and-sanitation")
    first = run_import(csv_file("Project ID,Project,District,Budget 2019/20\nW1,Pipes,eThekwini,1000\n"), org, None, "cli")
    assert first.status == "committed", first.errors
    summary.refresh_all()
    second = run_import(csv_file("Project ID,Project,District,Budget 2019/20\nW1,Pipes,eThekwini; uMgungundlovu,1000\n"),
                        org, None, "cli")
    assert second.status == "committed", second.errors
    assert quantum.zone_quantum("ETH").government("budget") == D("500.00")
    assert _rows(quantum.zone_quantum("ETH")) == _rows(quantum.zone_quantum("ETH", direct=True))


def test_the_zone_footprint_from_the_pages_quantum_equals_the_one_from_the_summary(register):
    """The zone page hands its quantum to the footprint (no second read of the summary): the same
    organisations, counts and amounts, to the cent, whether the zone is summarised or not."""
    from ddm.investment import footprint

    for refreshed in (False, True):
        if refreshed:
            summary.refresh_all()
        for zone in register:
            q = quantum.zone_quantum(zone.code)
            for kind in ("budget", "actual"):
                assert footprint.zone_footprint(zone, kind, quantum=q) == footprint.zone_footprint(zone, kind)
    eth = footprint.zone_footprint(register[0], quantum=quantum.zone_quantum("ETH"))
    assert {r["organisation"].code: r["amount"] for r in eth["present"]} == {
        "sum-co": D("1000.00"), "sum-nat": D("450.01")}  # P1 R400.01 + P2's half R50.00; P5 a duplicate
