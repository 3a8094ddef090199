import datetime
import io
import json
from decimal import Decimal

import pytest
from click.testing import CliRunner
from django.urls import reverse
from oneplan_helpers import add_strategy_and_action, commit, to_adoption

from ddm.accounts.models import RoleKind
from ddm.oneplan import signoff, workflow
from ddm.oneplan.models import Action, PhaseKind, PlanIndicator, SignOff, Strategy
from ddm.places.models import Place

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(version, hub, project_factory):
    strategy, action = add_strategy_and_action(version, hub)
    project = project_factory("DC15", "P1", "DC15", {"budget": "100"})
    commitment = commit(action, hub, projects=[project], lines=project.budget_lines.all())
    indicator = workflow.save_content(PlanIndicator(
        version=version, code="water", name="Piped water", source="Stats SA CS 2016", baseline_value=Decimal("14.55"),
        baseline_year=2016, target_value=Decimal("50"), target_year=2030), version, hub, "Indicator")
    return {"strategy": strategy, "action": action, "commitment": commitment, "indicator": indicator,
            "area": version.focal_areas.first(), "project": project}


def write_urls(c):
    """(method, url) of every write view of the DC15 plan."""
    z = ["DC15"]
    get_post = [
        ("vision", z), ("review", z), ("phase", z + ["vision"]), ("document", z + ["vision"]),
        ("focal_area_new", z), ("focal_area", z + [c["area"].pk]), ("strategy_new", z), ("strategy", z + [c["strategy"].pk]),
        ("action_new", z), ("action", z + [c["action"].pk]), ("indicator_new", z), ("indicator", z + [c["indicator"].pk]),
        ("actual", z + [c["indicator"].pk]), ("commitment", z + [c["commitment"].pk]),
        ("commitment_report", z + [c["commitment"].pk]), ("stage", z + [c["commitment"].pk]),
        ("sign", z), ("return", z),
    ]
    post_only = [("start", z), ("advance", z), ("link_profile", z), ("delete", z + ["strategy", c["strategy"].pk]),
                 ("commitment_delete", z + [c["commitment"].pk])]
    urls = [("get", reverse(f"oneplan:{n}", args=a)) for n, a in get_post]
    urls += [("post", reverse(f"oneplan:{n}", args=a)) for n, a in get_post + post_only]
    return urls


def test_anonymous_writes_go_to_sign_in(client, content):
    for method, url in write_urls(content):
        response = getattr(client, method)(url, {})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], (method, url)


def test_users_without_scope_are_refused_every_write(client_for, zone, content):
    outsiders = [client_for(RoleKind.VIEWER), client_for(RoleKind.HUB, zone=zone("DC36")),
                 client_for(RoleKind.PROVINCIAL, province=zone("ETH").province)]
    for client in outsiders:
        for method, url in write_urls(content):
            response = getattr(client, method)(url, {"vision": "x", "comment": "x", "party": "national", "progress": "x"})
            assert response.status_code == 403, (client.user.ddm_roles.first(), method, url)
    assert Strategy.objects.filter(pk=content["strategy"].pk).exists()


def test_hub_member_edits_the_vision_but_a_submitter_cannot(client_for, zone, organisation, version):
    submitter = client_for(RoleKind.SUBMITTER, organisation=organisation("DC15"))
    assert submitter.post("/oneplan/zones/DC15/vision/", {"vision": "Submitter's vision"}).status_code == 403
    hub = client_for(RoleKind.HUB, zone=zone("DC15"))
    response = hub.post("/oneplan/zones/DC15/vision/", {"vision": "A <b>connected</b> district"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.vision == "A <b>connected</b> district"
    html = hub.get("/oneplan/zones/DC15/").content.decode()
    assert "A &lt;b&gt;connected&lt;/b&gt; district" in html  # escaped on output


def test_submitter_commits_their_own_organisation_only(client_for, organisation, content):
    submitter = client_for(RoleKind.SUBMITTER, organisation=organisation("EC157"))
    page = submitter.get(f"/oneplan/zones/DC15/commitments/new/?action={content['action'].pk}")
    assert page.status_code == 200
    options = page.context["form"].fields["organisation"].queryset
    assert list(options.values_list("code", flat=True)) == ["EC157"]
    response = submitter.post("/oneplan/zones/DC15/commitments/new/",
                              {"action": content["action"].pk, "organisation": organisation("DC15").pk})
    assert response.status_code == 200 and "organisation" in response.context["form"].errors
    response = submitter.post("/oneplan/zones/DC15/commitments/new/",
                              {"action": content["action"].pk, "organisation": organisation("EC157").pk,
                               "description": "Local roads"})
    assert response.status_code == 302
    assert content["action"].commitments.filter(organisation__code="EC157").exists()
    # ... and cannot edit the district's commitment.
    assert submitter.get(f"/oneplan/zones/DC15/commitments/{content['commitment'].pk}/").status_code == 403


def test_gate_refusal_is_shown_not_raised(client_for, zone, version):
    hub = client_for(RoleKind.HUB, zone=zone("DC15"))
    response = hub.post("/oneplan/zones/DC15/advance/", follow=True)
    assert response.status_code == 200
    assert "cannot be completed yet" in response.content.decode()
    hub.post("/oneplan/zones/DC15/profile-link/")
    hub.post("/oneplan/zones/DC15/advance/")
    version.refresh_from_db()
    assert version.current_phase == PhaseKind.VISION


def test_plan_page_shows_funding_flags_late_phases_and_signoff_panel(client, version, hub, content):
    phase = version.phase(PhaseKind.DIAGNOSTIC)
    # Planned to end in mid-2020 and still in progress: late.
    workflow.update_phase(phase, hub, planned_start=datetime.date(2020, 1, 1), planned_end=datetime.date(2020, 6, 30))
    html = client.get("/oneplan/zones/DC15/").content.decode()
    assert 'data-funding="funded"' in html
    unfunded = workflow.save_content(Action(strategy=content["strategy"], title="Unfunded action"), version, hub, "Action")
    commit(unfunded, hub)
    html = client.get("/oneplan/zones/DC15/").content.decode()
    assert 'data-funding="unfunded"' in html and "badge bad\">unfunded" in html
    assert 'class="late" data-phase="diagnostic"' in html
    assert html.count('data-party="') == 8 and 'data-party="local:EC157"' in html
    assert 'class="chart indicator-chart"' in html
    assert "at least 90 % on track" in html


def test_signoff_through_the_page(client_for, organisation, version, hub):
    to_adoption(version, hub)
    lm = client_for(RoleKind.SUBMITTER, organisation=organisation("EC157"))
    form = lm.get("/oneplan/zones/DC15/sign/")
    assert [k for k, _ in form.context["form"].fields["party"].choices] == ["local:EC157"]
    response = lm.post("/oneplan/zones/DC15/sign/", {"party": "national", "comment": "hijack"})
    assert response.status_code == 200 and "party" in response.context["form"].errors
    assert lm.post("/oneplan/zones/DC15/sign/", {"party": "local:EC157", "comment": "Agreed"}).status_code == 302
    signed = SignOff.objects.get(version=version)
    assert (signed.party, signed.place.code, signed.comment, signed.user) == ("local", "EC157", "Agreed", lm.user)
    response = lm.post("/oneplan/zones/DC15/return/", {"party": "local:EC157", "comment": "Ward 3 clinic missing"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.current_phase == PhaseKind.DRAFTING and signoff.active_signoffs(version) == []


def test_dashboard_lists_all_52_zones(client, version):
    html = client.get("/oneplan/").content.decode()
    assert html.count('<tr data-code="') == 52
    assert "1 of 52 zones have a One Plan" in html


def test_missing_plan_page_offers_start_to_editors_only(client, client_for, zone):
    assert "Start the One Plan" not in client.get("/oneplan/zones/DC36/").content.decode()
    hub = client_for(RoleKind.HUB, zone=zone("DC36"))
    assert "Start the One Plan" in hub.get("/oneplan/zones/DC36/").content.decode()
    assert hub.post("/oneplan/zones/DC36/start/").status_code == 302
    assert hub.get("/oneplan/zones/DC36/").context["version"].number == 1


@pytest.fixture
def adopted(version, hub, signatories, content):
    to_adoption(version, hub)
    Action.objects.filter(pk=content["action"].pk).update(title="=HYPERLINK(\"http://evil\")")
    for key, user in signatories.items():
        signoff.sign(version, user, key)
    version.refresh_from_db()
    return version


def test_exports_of_the_adopted_plan(client, version, adopted):
    pdf = client.get("/oneplan/zones/DC15/export.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-") and pdf.content.rstrip().endswith(b"%%EOF")
    xlsx = client.get("/oneplan/zones/DC15/export.xlsx")
    assert xlsx.status_code == 200
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Actions", "Phases", "Sign-offs", "Indicators"]
    titles = [row[3].value for row in book["Actions"].iter_rows(min_row=2) if row[3].value]
    assert "'=HYPERLINK(\"http://evil\")" in titles  # formula injection neutralised
    assert len(list(book["Sign-offs"].iter_rows(min_row=2, max_row=9))) == 8


def test_export_needs_an_adopted_version(client, version):
    assert client.get("/oneplan/zones/DC15/export.pdf").status_code == 404
    assert client.get("/oneplan/zones/DC15/export.pdf?version=1").status_code == 200


def test_api_plan_shape(client, version, content):
    response = client.get("/api/zones/dc15/oneplan")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"zone", "plan", "version", "phases", "focal_areas", "funding", "alignment", "signoffs",
                         "indicators"}
    assert data["zone"]["code"] == "DC15" and data["version"]["number"] == 1
    assert next(p["kind"] for p in data["phases"]) == "diagnostic" and len(data["phases"]) == 7
    area = next(a for a in data["focal_areas"] if a["code"] == "infrastructure")
    commitment = area["strategies"][0]["actions"][0]["commitments"][0]
    assert commitment["organisation"]["code"] == "DC15" and commitment["funding_status"] == "funded"
    assert commitment["linked_amounts"] == {"budget": "100.00"}  # money as a string, never a float
    assert data["funding"]["actions_funded"] == 1 and len(data["signoffs"]) == 8
    assert data["indicators"][0]["baseline"] == {"value": "14.5500", "year": 2016}
    assert client.get("/api/zones/DC36/oneplan").status_code == 404
    assert client.get("/api/zones/DC15/oneplan?version=9").status_code == 404
    assert "/api/zones/{code}/oneplan" in client.get("/api/openapi.json").json()["paths"]


def test_api_signoff_checks_role_and_scope(client, client_for, organisation, version, hub):
    to_adoption(version, hub)
    body = json.dumps({"party": "local:EC157", "comment": "ok"})
    assert client.post("/api/zones/DC15/oneplan/signoffs", body, content_type="application/json").status_code == 401
    other = client_for(RoleKind.SUBMITTER, organisation=organisation("EC153"))
    assert other.post("/api/zones/DC15/oneplan/signoffs", body, content_type="application/json").status_code == 403
    lm = client_for(RoleKind.SUBMITTER, organisation=organisation("EC157"))
    response = lm.post("/api/zones/DC15/oneplan/signoffs", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["signed"] == 1
    again = lm.post("/api/zones/DC15/oneplan/signoffs", body, content_type="application/json")
    assert again.status_code == 409


def test_cli_show_reminders_export(tmp_path, version, adopted):
    from ddm.cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["oneplan", "show", "dc15", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["version"]["status"] == "adopted"
    assert "Sign-offs: 8 of 8" in runner.invoke(cli, ["oneplan", "show", "DC15"]).output
    missing = runner.invoke(cli, ["oneplan", "show", "DC36"])
    assert missing.exit_code == 1 and "no One Plan" in missing.output and "Traceback" not in missing.output
    reminders = json.loads(runner.invoke(cli, ["oneplan", "reminders", "--json"]).output)
    # Two commitments: the fixture's and the one to_adoption() adds; neither has reported.
    assert reminders["count"] == 2 and {r["zone"] for r in reminders["commitments"]} == {"DC15"}
    assert runner.invoke(cli, ["oneplan", "reminders", "--zone", "XX"]).exit_code == 1
    pdf, xlsx = tmp_path / "p.pdf", tmp_path / "p.xlsx"
    result = runner.invoke(cli, ["oneplan", "export", "DC15", "--pdf", str(pdf), "--xlsx", str(xlsx)])
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF-") and xlsx.read_bytes().startswith(b"PK")
    assert runner.invoke(cli, ["oneplan", "export", "DC15"]).exit_code == 2


def test_cli_export_refuses_a_plan_without_adoption(version):
    from ddm.cli import cli

    result = CliRunner().invoke(cli, ["oneplan", "export", "DC15", "--pdf", "/tmp/never.pdf"])
    assert result.exit_code == 1 and "no adopted version" in result.output


def test_unknown_zone_and_version(client):
    assert client.get("/oneplan/zones/XX99/").status_code == 404
    assert Place.objects.zones().count() == 52


def test_indicator_taken_from_the_zone_profile(client_for, zone, version):
    hub = client_for(RoleKind.HUB, zone=zone("DC15"))
    response = hub.post("/oneplan/zones/DC15/indicators/new/", {
        "code": "water", "profile_code": "pct_persons_piped_water", "target_value": "50", "target_year": "2030"})
    assert response.status_code == 302, response.context["form"].errors
    indicator = version.indicators.get(code="water")
    # The profile's CS 2016 value for DC15 (14.55 % in the Stats SA derived table, 4 decimals in the profile).
    assert indicator.baseline_year == 2016 and round(indicator.baseline_value, 2) == Decimal("14.55")
    assert "Community Survey 2016" in indicator.source and indicator.unit == "%"
    bad = hub.post("/oneplan/zones/DC15/indicators/new/", {
        "code": "x", "profile_code": "no_such_indicator", "target_value": "1", "target_year": "2030"})
    assert bad.status_code == 200 and "no value of indicator" in str(bad.context["form"].errors)
    own = hub.post("/oneplan/zones/DC15/indicators/new/", {"code": "y", "name": "Plan's own", "target_value": "1",
                                                           "target_year": "2030"})
    assert own.status_code == 200 and "baseline_value" in own.context["form"].errors


def test_api_advance_checks_gate_and_scope(client_for, zone, version):
    outsider = client_for(RoleKind.HUB, zone=zone("DC36"))
    assert outsider.post("/api/zones/DC15/oneplan/advance").status_code == 403
    hub = client_for(RoleKind.HUB, zone=zone("DC15"))
    refused = hub.post("/api/zones/DC15/oneplan/advance")
    assert refused.status_code == 409 and "profile" in refused.json()["detail"]
    workflow.link_profile(version, hub.user)
    moved = hub.post("/api/zones/DC15/oneplan/advance")
    assert moved.status_code == 200 and moved.json()["current_phase"] == "vision"
