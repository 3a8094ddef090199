"""From promise to delivery, end to end in a real browser (#14).

A small world in O.R. Tambo (DC15), committed once for the module and removed afterwards: a test
health department with two published projects, a One Plan action and two launch commitments that
they deliver. A submitter uploads a quarter of progress through the upload page (the long form:
reference, quarter, stage, progress, expenditure to date); it counts nowhere while it awaits review;
the provincial coordinator approves it; then the quarter shows on the project page, the zone page,
the One Plan page (the action's chain), the commitment pages (their chains) and the national
results view, and the late and the unfunded commitments are flagged.

Hand-worked (Q = the last quarter ended today, e.g. 30 Sep 2026; departments' years start in April):
- LATE: planned Q - 200 days to Q + 200 days, so 50 % is planned at Q; it reports 10 %: 40 points
  behind (more than 20): late, "10 % done at <Q> against 50 % planned". Budget R2 000 000 this year.
- UNFUNDED: budget R1 000 000 four years ago only: unfunded. It reports 25 %.
- Results, DC15 health: budget R3 000 000; spent R1 200 000 + R900 000 = R2 100 000, 70.0 %;
  progress (10 x 2m + 25 x 1m) / 3m = 15.0 %: money spent (> 50 %) and nothing moving (< 20 %).
"""

import datetime
import io
import re
from decimal import Decimal

import pytest
import xlsxwriter
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import timezone

from browser_support import (
    chromium_browser,
    ddm_live_server,
    high_water_marks,
    live_browser_page,
    remove_rows_above,
    require_the_test_database,
)
from ddm import caching
from ddm.accounts.models import Organisation, Role, RoleKind
from ddm.engagement.models import Event, Item, ItemKind
from ddm.investment.delivery import financial_year
from ddm.investment.models import BudgetLine, Location, Precision, Project
from ddm.investment.progress import current_quarter_end, quarter_label
from ddm.oneplan import workflow
from ddm.oneplan.models import Action, Commitment, Strategy
from ddm.places.models import Place

pytestmark = pytest.mark.browser
__all__ = ["chromium_browser", "ddm_live_server", "live_browser_page"]  # fixtures, used by name
PASSWORD = "a-long-browser-test-password-14"
ORG = "t-dlv-health"


def _project(org, zone, reference, title, budget, year, **dates):
    project = Project.objects.create(organisation=org, reference=reference, title=title, sector="health", **dates)
    BudgetLine.objects.create(project=project, amount=Decimal(budget), fy_first=year, fy_last=year)
    Location.objects.create(project=project, precision=Precision.ZONE, place=zone, zone=zone,
                            province_id=zone.province_id)
    return project


def _build_world(today):
    zone = Place.objects.zones().get(code="DC15")
    org = Organisation.objects.create(code=ORG, name="Delivery test health", sphere="provincial", kind="department",
                                      province=zone.province)
    quarter = current_quarter_end(today)
    this_year = financial_year(today, org.fy_start_month)
    late = _project(org, zone, "DLV-LATE", "Lusikisiki clinic (browser test)", "2000000.00", this_year,
                    start_date=quarter - datetime.timedelta(days=200), end_date=quarter + datetime.timedelta(days=200))
    unfunded = _project(org, zone, "DLV-UNFUNDED", "Ngqeleni clinic (browser test)", "1000000.00", this_year - 4)
    version = workflow.start_plan(zone, None, check=False).current
    strategy = Strategy.objects.create(focal_area=version.focal_areas.first(), title="Clinics (browser test)")
    action = Action.objects.create(strategy=strategy, title="Build the district's clinics (browser test)")
    Commitment.objects.create(action=action, organisation=org).projects.set([late, unfunded])
    event = Event.objects.create(kind="launch", zone=zone, title="Clinic launch (browser test)",
                                 date=today - datetime.timedelta(days=30))
    promises = {}
    for key, text, project in (("late", "Finish the Lusikisiki clinic (browser test)", late),
                               ("unfunded", "Fund the Ngqeleni clinic (browser test)", unfunded)):
        promises[key] = Item.objects.create(event=event, kind=ItemKind.COMMITMENT, text=text,
                                            due_date=today + datetime.timedelta(days=180))
        promises[key].projects.set([project])
    users = get_user_model().objects
    submitter = users.create_user("dlv-submitter", password=PASSWORD)
    Role.objects.create(user=submitter, kind=RoleKind.SUBMITTER, organisation=org)
    coordinator = users.create_user("dlv-coordinator", password=PASSWORD)
    Role.objects.create(user=coordinator, kind=RoleKind.PROVINCIAL, province=zone.province)
    return {"org": org, "quarter": quarter, "label": quarter_label(quarter, org.fy_start_month), "late": late,
            "unfunded": unfunded, "action": action, "promises": promises}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        require_the_test_database()
        marks = high_water_marks()
        try:
            yield _build_world(timezone.localdate())
            caching.bump()
        finally:
            remove_rows_above(marks)
            caching.bump()


def test_reference_data_is_there(db):
    # Uses `db`, so pytest-django sets the test database up before the world is written to it.
    assert Place.objects.zones().filter(code="DC15").exists()


def test_the_world_is_built(world):
    # Set up before the browser: Django refuses database work in the thread once Playwright's loop runs.
    assert world["late"].budget_lines.count() == 1 and world["label"].endswith(("Q1", "Q2", "Q3", "Q4"))


def _sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _sign_out(page):
    page.locator("header.site .user button", has_text="Sign out").click()
    page.wait_for_load_state()


def _progress_file(tmp_path, label):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Q")
    rows = [["Quarterly progress, Delivery test health"], [],
            ["Project ID", "Quarter", "Stage", "Physical progress %", "Expenditure to date"],
            ["DLV-LATE", label, "Construction", 10, 1200000],
            ["DLV-UNFUNDED", label, "Design", 25, 900000]]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    path = tmp_path / "dlv-quarter.xlsx"
    path.write_bytes(buffer.getvalue())
    return path


def _spending_row(page):
    page.goto("/oneplan/results/")
    return page.locator("#table-spending tbody tr", has_text="DC15").filter(has_text="Health")


def _chain_text(page, url):
    page.goto(url)
    return page.locator("section.chain").first.inner_text()


def test_a_reviewed_quarter_shows_everywhere_and_flags_the_commitments(live_browser_page, world, tmp_path):
    page = live_browser_page
    late, unfunded, label = world["late"], world["unfunded"], world["label"]
    quarter_day = f"{world['quarter'].day} {world['quarter']:%b %Y}"
    late_url, unfunded_url = (f"/engagement/items/{world['promises'][k].pk}/" for k in ("late", "unfunded"))

    # Before: the unfunded commitment is flagged already (its funding ended); nothing says "late".
    assert "no flag" in _chain_text(page, late_url)
    assert "unfunded" in _chain_text(page, unfunded_url)

    # A submitter uploads the quarter through the upload page and submits it for review.
    _sign_in(page, "dlv-submitter")
    page.goto("/investment/submissions/new/")
    page.locator("input[name=content][value=progress]").check()
    page.select_option("#id_organisation", value=str(world["org"].pk))
    page.set_input_files("#id_file", str(_progress_file(tmp_path, label)))
    page.get_by_role("button", name="Check the file (preview)").click()
    page.wait_for_url(re.compile(r"/investment/submissions/\d+/$"))
    pending = page.locator("#diff-progress")
    assert "DLV-LATE" in pending.inner_text() and "DLV-UNFUNDED" in pending.inner_text()
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_load_state()
    assert "(pending: not published)" in page.locator("main").inner_text()
    submission_url = page.url
    page.goto(late.get_absolute_url())
    assert f"{label} progress % (blank) → 10.00" in page.locator("#pending").inner_text()
    assert "No progress reported." in page.locator("table#progress").inner_text()
    assert _spending_row(page).count() == 0, "a quarter awaiting review counts in no public figure"
    assert "no flag" in _chain_text(page, late_url)
    _sign_out(page)

    # The provincial coordinator approves it.
    _sign_in(page, "dlv-coordinator")
    page.goto(submission_url)
    page.get_by_role("button", name="Approve and publish").click()
    page.wait_for_load_state()
    assert "Committed" in page.locator("h1").inner_text()
    _sign_out(page)

    # The project page.
    page.goto(late.get_absolute_url())
    report = page.locator("table#progress tbody tr", has_text=label)
    assert "Construction" in report.inner_text() and "10.00%" in report.inner_text()
    assert "R 1200000.00" in report.inner_text()
    page.goto(unfunded.get_absolute_url())
    assert "25.00%" in page.locator("table#progress tbody tr", has_text=label).inner_text()
    # The zone page.
    page.goto("/investment/zones/DC15/")
    row = page.locator("#table-progress tbody tr", has_text="DLV-LATE")
    assert label in row.inner_text() and "Construction" in row.inner_text() and "10.00%" in row.inner_text()
    assert label in page.locator("#table-progress tbody tr", has_text="DLV-UNFUNDED").inner_text()
    # The One Plan page: the action's chain carries the quarter and the late project.
    page.goto("/oneplan/zones/DC15/")
    chain = page.locator(f"#chain-action-{world['action'].pk}").inner_text()
    assert f"{quarter_day} Construction" in chain and f"{quarter_day} Design" in chain
    assert f"DLV-LATE: 10 % done at {quarter_day} against 50 % planned" in chain
    # The commitment pages: late, and unfunded, with the quarter in each chain.
    late_chain = _chain_text(page, late_url)
    assert page.locator("section.chain .flag-late").count() == 1
    assert f"10 % done at {quarter_day} against 50 % planned" in late_chain and "10.0% (50.0%)" in late_chain
    unfunded_chain = _chain_text(page, unfunded_url)
    assert page.locator("section.chain .flag-unfunded").count() == 1 and page.locator(".flag-late").count() == 0
    assert f"{quarter_day} Design" in unfunded_chain and "no linked project has an approved budget line" in \
        unfunded_chain
    # The national results view: DC15 health, 2 projects, 70.0 % spent, 15.0 % done, stuck.
    cells = _spending_row(page).locator("td").all_inner_texts()
    assert cells[2] == "2" and cells[5:8] == ["70.0%", "15.0%", quarter_day]
    assert "money spent, nothing moving" in cells[8]
    assert "DC15 Health: 70.0% of" in page.locator("#stuck-list").inner_text()
    assert page.js_errors == []
