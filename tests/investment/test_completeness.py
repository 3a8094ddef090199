"""Who has not reported: completeness and timeliness on a small register, computed by hand."""

import datetime
import json

import pytest
from _intake_files import xlsx
from click.testing import CliRunner
from django.db.models import Q

from ddm.accounts.models import Organisation, Sphere
from ddm.cli import cli
from ddm.investment import completeness, progress, review
from ddm.investment.models import ProgressReport, Project
from ddm.investment.review import submit_file
from ddm.places.models import Place

pytestmark = pytest.mark.django_db

Q3 = datetime.date(2024, 9, 30)
ROWS = ["Project name", "Project ID", "Local municipality", "Budget 2024/25"]


def _publish(code, *rows):
    submit_file(xlsx([ROWS, *rows]), Organisation.objects.get(code=code), None, "cli", publish=True)


def _report(code, reference, first_reported):
    project = Project.objects.get(organisation__code=code, reference=reference)
    progress.record(project, Q3, stage="construction", progress=10)
    ProgressReport.objects.filter(project=project, quarter_end=Q3).update(
        first_reported=datetime.datetime.combine(first_reported, datetime.time(12), tzinfo=datetime.UTC))


@pytest.fixture
def register(db):
    """O.R. Tambo (DC15): Port St Johns (EC154) has two projects and reports one, on time; Eastern Cape
    Health has one and reports late; Water and Sanitation has one and does not report; National Health's
    only project there is closed out (not expected)."""
    _publish("EC154", ["Clinic", "R1", "EC154", "100"], ["Road", "R2", "EC154", "100"])
    _publish("ec-health", ["Hospital", "H1", "EC154", "100"])
    _publish("nat-water-and-sanitation", ["Dam", "W1", "EC157", "100"])
    _publish("nat-health", ["Old clinic", "N1", "EC154", "100"])
    Project.objects.filter(reference="N1").update(stage="close_out")
    _report("EC154", "R1", datetime.date(2024, 10, 20))  # 20 days after the quarter: on time
    _report("ec-health", "H1", datetime.date(2024, 12, 15))  # 76 days: late


def _footprint_size(zone):
    national = Organisation.objects.filter(is_reference=True, sphere=Sphere.NATIONAL).count()
    provincial = Organisation.objects.filter(is_reference=True, sphere=Sphere.PROVINCIAL,
                                             province_id=zone.province_id).count()
    local = Organisation.objects.filter(sphere=Sphere.LOCAL).filter(
        Q(municipality=zone) | Q(municipality__parent=zone)).count()
    return national + provincial + local


def test_zone_completeness_by_hand(register):
    zone = Place.objects.zones().get(code="DC15")
    data = completeness.zone_completeness(zone, Q3)
    rates = data["rates"]
    # expected with projects: EC154, ec-health, nat-water-and-sanitation (nat-health's project is closed out)
    assert (rates["expected"], rates["reported"], rates["on_time"]) == (3, 2, 1)
    assert str(rates["completeness"]) == "66.7" and str(rates["timeliness"]) == "33.3"
    # the footprint (national + Eastern Cape departments + DC15's municipalities) less the three with projects
    assert rates["no_projects"] == _footprint_size(zone) - 3
    rows = {r["organisation"].code: r for r in data["rows"]}
    assert (rows["EC154"]["projects"], rows["EC154"]["reported_projects"], rows["EC154"]["on_time"]) == (2, 1, True)
    assert (rows["ec-health"]["reported"], rows["ec-health"]["on_time"]) == (True, False)
    assert not rows["nat-water-and-sanitation"]["reported"] and rows["nat-health"]["projects"] == 0


def test_national_view_reminders_pages_api_cli(register, client):
    data = completeness.national_completeness(Q3)
    dc15 = next(r for r in data["zones"] if r["zone"].code == "DC15")
    assert (dc15["expected"], dc15["reported"], dc15["on_time"]) == (3, 2, 1)
    others = [r for r in data["zones"] if r["zone"].code != "DC15"]
    assert all(r["expected"] == 0 and r["completeness"] is None for r in others)
    assert (data["rates"]["expected"], data["rates"]["reported"]) == (3, 2)
    missing = completeness.missing_reporters(Q3)
    assert [(z.code, o.code, n) for z, o, n in missing] == [("DC15", "nat-water-and-sanitation", 1)]
    page = client.get("/investment/completeness/?quarter=2024-09-30").content.decode()
    assert "2 of 3 reported (66.7%), 1 on time (33.3%)" in page
    zone_page = client.get("/investment/zones/DC15/completeness/?quarter=2024-09-30").content.decode()
    assert "not reported" in zone_page and "reported late (2024-12-15)" in zone_page
    csv = client.get("/investment/completeness/?quarter=2024-09-30&format=csv").content.decode()
    assert "DC15" in csv and "66.7" in csv
    api = client.get("/api/completeness?quarter=2024-09-30&zone=DC15").json()
    assert api["rates"]["completeness"] == "66.7" and api["rates"]["expected"] == 3
    result = CliRunner().invoke(cli, ["report", "completeness", "--quarter", "2024Q3", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rates"] == {"expected": 3, "reported": 2, "on_time": 1, "completeness": "66.7",
                                                  "timeliness": "33.3", "no_projects": data["rates"]["no_projects"]}


def test_a_report_awaiting_review_is_not_counted_until_approved(register):
    """Water and Sanitation sends W1's quarter; while it awaits review DC15 stays at 2 of 3 reported.
    Approved, 3 of 3 (100.0 %); sent today, long after the deadline: still 1 on time (33.3 %)."""
    water = Organisation.objects.get(code="nat-water-and-sanitation")
    pending = submit_file(xlsx([["Project ID", "Quarter", "Progress"], ["W1", "2024-09-30", "5"]]), water, None,
                          "api", content="progress")
    zone = Place.objects.zones().get(code="DC15")
    assert pending.status == "submitted"
    assert completeness.zone_completeness(zone, Q3)["rates"]["reported"] == 2
    review.approve(pending, None)  # the command-line operator
    rates = completeness.zone_completeness(zone, Q3)["rates"]
    assert (rates["expected"], rates["reported"], rates["on_time"]) == (3, 3, 1)
    assert (str(rates["completeness"]), str(rates["timeliness"])) == ("100.0", "33.3")
