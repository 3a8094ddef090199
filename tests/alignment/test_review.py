"""Duplicate candidates from the register, review decisions, their effect on the quantum, surfaces."""

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from ddm.accounts.models import RoleKind
from ddm.alignment import review
from ddm.alignment.models import DuplicateReview
from ddm.investment.models import BudgetLine, Project
from ddm.investment.quantum import zone_quantum

MQANDULI = (-31.8156, 28.7530)


@pytest.fixture
def pair(make_project):
    """Two reports of one clinic upgrade (provincial health and the municipality), a Phase 2 look-alike."""
    a = make_project("ec-health", "EC-H-001", "Mqanduli Clinic Upgrade Phase 1", point=MQANDULI, amount="12000000.00")
    b = make_project("EC157", "KSD-77", "Upgr. of Mqanduli clinic Ph I", point=(MQANDULI[0] + 0.003, MQANDULI[1]),
                     amount="11500000.00")
    c = make_project("ec-health", "EC-H-002", "Mqanduli Clinic Upgrade Phase 2", point=MQANDULI, amount="9000000.00",
                     years=(2022, 2022))
    return a, b, c


def _pairs(zone, min_score=None):
    candidates = review.zone_candidates(zone("DC15"), min_score if min_score is not None else 70)
    return {(p.a.id, p.b.id): p for p in candidates.pairs}


def test_duplicate_listed_and_phase_look_alike_not(zone, pair):
    a, b, _c = pair
    pairs = _pairs(zone)
    assert set(pairs) == {(a.pk, b.pk)}
    reasons = "; ".join(pairs[(a.pk, b.pk)].reasons)
    assert "0.3 km apart" in reasons  # 0.003 degree of latitude = 0.33 km
    assert "both 2020/21" in reasons
    assert "both phase 1" in reasons


def test_distinct_decision_is_remembered_until_a_project_changes(zone, pair):
    a, b, _c = pair
    review.record_decision(zone("DC15"), a.pk, b.pk, "distinct", note="two clinics on one site")
    assert _pairs(zone) == {}
    assert review.zone_candidates(zone("DC15")).reviewed_hidden == 1
    # A change to a budget line changes the fingerprint: the pair comes back, with the old decision.
    BudgetLine.objects.filter(project=b).update(amount=Decimal("11600000.00"))
    again = _pairs(zone)
    assert set(again) == {(a.pk, b.pk)}
    assert "changed since marked distinct" in again[(a.pk, b.pk)].reasons[-1]


def test_unrelated_save_does_not_reflag(zone, pair):
    a, b, _c = pair
    review.record_decision(zone("DC15"), a.pk, b.pk, "related")
    Project.objects.filter(pk=a.pk).update(status="under construction")  # not part of the fingerprint
    assert _pairs(zone) == {}


def test_duplicate_decision_counts_the_project_once_and_undo_restores(zone, pair):
    a, b, _c = pair
    before = zone_quantum("DC15").government("budget")
    assert before == Decimal("12000000.00") + Decimal("11500000.00") + Decimal("9000000.00")
    found = review.record_decision(zone("DC15"), a.pk, b.pk, "duplicate", standing_id=a.pk, note="same clinic")
    b.refresh_from_db()
    assert b.duplicate_of_id == a.pk
    assert zone_quantum("DC15").government("budget") == before - Decimal("11500000.00")
    # Recording the same decision again does not subtract twice.
    review.record_decision(zone("DC15"), a.pk, b.pk, "duplicate", standing_id=a.pk)
    assert zone_quantum("DC15").government("budget") == before - Decimal("11500000.00")
    # Changing which record stands moves the exclusion, still once.
    review.record_decision(zone("DC15"), b.pk, a.pk, "duplicate", standing_id=b.pk)
    assert zone_quantum("DC15").government("budget") == before - Decimal("12000000.00")
    review.undo_decision(DuplicateReview.objects.get(pk=found.pk))
    assert zone_quantum("DC15").government("budget") == before
    assert Project.objects.filter(duplicate_of__isnull=False).count() == 0
    assert DuplicateReview.history.filter(history_type="-").count() == 1


def test_inconsistent_decisions_are_refused(zone, pair, make_project):
    a, b, c = pair
    with pytest.raises(review.DecisionError, match="which of the two records stands"):
        review.record_decision(zone("DC15"), a.pk, b.pk, "duplicate")
    other_zone = make_project("nat-health", "X-1", "Mqanduli Clinic Upgrade", zone="DC44", muni="EC441")
    with pytest.raises(review.DecisionError, match="not located in DC15"):
        review.record_decision(zone("DC15"), a.pk, other_zone.pk, "distinct")
    review.record_decision(zone("DC15"), a.pk, b.pk, "duplicate", standing_id=a.pk)
    with pytest.raises(review.DecisionError, match="already marked as a duplicate"):
        review.record_decision(zone("DC15"), b.pk, c.pk, "duplicate", standing_id=c.pk)
    # b counts as a duplicate of a, c of b; c cannot then be made to stand over a (nothing would count).
    review.record_decision(zone("DC15"), b.pk, c.pk, "duplicate", standing_id=b.pk)
    with pytest.raises(review.DecisionError, match="choose it to stand"):
        review.record_decision(zone("DC15"), a.pk, c.pk, "duplicate", standing_id=c.pk)


def test_cli_json_names_projects_by_organisation_and_reference(zone, pair):
    from ddm.cli import cli

    a, b, _c = pair
    result = CliRunner().invoke(cli, ["duplicates", "--zone", "dc15", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["zone"]["code"] == "DC15" and data["threshold"] == 70
    assert len(data["pairs"]) == 1
    first = data["pairs"][0]
    assert {first["a"]["organisation"], first["b"]["organisation"]} == {"ec-health", "EC157"}
    assert {first["a"]["reference"], first["b"]["reference"]} == {"EC-H-001", "KSD-77"}
    assert first["cluster"] == 1 and data["clusters"][0]["projects"] == sorted([a.pk, b.pk])
    low = json.loads(CliRunner().invoke(cli, ["duplicates", "--zone", "DC15", "--json", "--min-score", "0"]).output)
    assert len(low["pairs"]) == 3  # the phase look-alikes appear when the reviewer asks for everything


def test_cli_csv_text_and_errors(pair):
    from ddm.cli import cli

    runner = CliRunner()
    csv_out = runner.invoke(cli, ["duplicates", "--zone", "DC15", "--csv"])
    assert csv_out.exit_code == 0
    assert csv_out.output.splitlines()[0].startswith("score,cluster,a_organisation")
    assert "KSD-77" in runner.invoke(cli, ["duplicates", "--zone", "DC15"]).output
    missing = runner.invoke(cli, ["duplicates", "--zone", "XX9"])
    assert missing.exit_code == 1 and "no zone" in missing.output and "Traceback" not in missing.output
    assert runner.invoke(cli, ["duplicates"]).exit_code == 2
    assert runner.invoke(cli, ["duplicates", "--zone", "DC15", "--min-score", "101"]).exit_code == 2


def test_api_get_matches_cli(client, pair):
    from ddm.cli import cli

    response = client.get("/api/zones/DC15/duplicates")
    assert response.status_code == 200
    cli_data = json.loads(CliRunner().invoke(cli, ["duplicates", "--zone", "DC15", "--json"]).output)
    assert response.json()["pairs"] == cli_data["pairs"]
    assert client.get("/api/zones/NOPE/duplicates").status_code == 404


@pytest.mark.parametrize("role, scope, allowed", [
    (RoleKind.HUB, {"zone": "DC15"}, True),
    (RoleKind.PROVINCIAL, {"province": "EC"}, True),
    (RoleKind.ADMIN, {}, True),
    (RoleKind.HUB, {"zone": "DC44"}, False),
    (RoleKind.PROVINCIAL, {"province": "KZN"}, False),
    (RoleKind.VIEWER, {}, False),
    (RoleKind.SUBMITTER, {"organisation": "ec-health"}, False),
])
def test_who_may_decide_api_and_page(client_for, zone, organisation, pair, role, scope, allowed):
    from ddm.places.models import Place

    a, b, _c = pair
    resolved = {}
    if "zone" in scope:
        resolved["zone"] = zone(scope["zone"])
    if "province" in scope:
        resolved["province"] = Place.objects.provinces().get(code=scope["province"])
    if "organisation" in scope:
        resolved["organisation"] = organisation(scope["organisation"])
    client = client_for(role, **resolved)
    payload = {"project_a": a.pk, "project_b": b.pk, "decision": "distinct", "note": "checked on site"}
    response = client.post("/api/zones/DC15/duplicates/decisions", payload, content_type="application/json")
    assert response.status_code == (200 if allowed else 403)
    page = client.post(f"/alignment/zones/DC15/duplicates/{a.pk}/{b.pk}/", {"decision": "related"})
    assert page.status_code == (302 if allowed else 403)
    assert DuplicateReview.objects.exists() == allowed


def test_anonymous_refused(client, pair):
    a, b, _c = pair
    payload = {"project_a": a.pk, "project_b": b.pk, "decision": "distinct"}
    assert client.post("/api/zones/DC15/duplicates/decisions", payload, content_type="application/json").status_code == 401
    assert "/login/" in client.post(f"/alignment/zones/DC15/duplicates/{a.pk}/{b.pk}/", {"decision": "distinct"})["Location"]
    assert not DuplicateReview.objects.exists()


def test_review_pages_and_audit(client_for, zone, pair):
    a, b, _c = pair
    hub = client_for(RoleKind.HUB, zone=zone("DC15"))
    listing = hub.get("/alignment/zones/DC15/duplicates/")
    assert listing.status_code == 200 and b"KSD-77" in listing.content
    compare = hub.get(f"/alignment/zones/DC15/duplicates/{a.pk}/{b.pk}/")
    assert compare.status_code == 200 and b"Record decision" in compare.content
    response = hub.post(f"/alignment/zones/DC15/duplicates/{a.pk}/{b.pk}/",
                        {"decision": "duplicate", "standing": b.pk, "note": "same clinic, <b>twice</b>"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.duplicate_of_id == b.pk
    history = DuplicateReview.history.get()
    assert history.history_user == hub.user and history.note == "same clinic, <b>twice</b>"
    listing = hub.get("/alignment/zones/DC15/duplicates/")
    assert b"&lt;b&gt;twice" in listing.content and b"<b>twice" not in listing.content
    csv_response = hub.get("/alignment/zones/DC15/duplicates/?format=csv&min_score=0")
    assert csv_response.status_code == 200 and b"EC-H-002" in csv_response.content
    assert hub.post(f"/alignment/zones/DC15/duplicates/{a.pk}/{b.pk}/undo/").status_code == 302
    a.refresh_from_db()
    assert a.duplicate_of_id is None and not DuplicateReview.objects.exists()


def test_duplicate_without_standing_shows_form_error(client_for, zone, pair):
    a, b, _c = pair
    hub = client_for(RoleKind.HUB, zone=zone("DC15"))
    response = hub.post(f"/alignment/zones/DC15/duplicates/{a.pk}/{b.pk}/", {"decision": "duplicate"})
    assert response.status_code == 400 and b"which of the two records stands" in response.content
