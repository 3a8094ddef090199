"""Each role's main journey, end to end in a real browser, writing through the real UI (#12).

The demo world of `make run` (every app's demo data and the demo accounts, one per role) is loaded
once for the module and removed afterwards, so the rest of the suite sees the reference data only:
every row created while the module runs (by the demo loaders or by the journeys) has a primary key
above the high-water mark taken before, and is deleted at the end.

- a department submitter finds the upload page in the nav, uploads a file, sees the preview, submits;
- the provincial coordinator reviews and publishes it: the zone's government budget grows by exactly
  the file's sum (and not before publication);
- a municipal signer signs the DC15 One Plan: the sign-off button goes;
- a hub member records a vacancy on the hub page: /capacity/ counts one role fewer filled;
- a hub member records an Imbizo commitment, overdue, and closes it: it leaves the overdue list;
- anyone produces the zone's briefing pack: the page, and the PDF of 4-8 pages, sections in order.
"""

import io
import re
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter
from django.test import override_settings
from pypdf import PdfReader

from browser_support import (
    chromium_browser,
    ddm_live_server,
    high_water_marks,
    live_browser_page,
    remove_rows_above,
    require_the_test_database,
    serious_violations,
    serve_static_from_source,
)

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SECTIONS = ["Key figures", "Profile highlights", "Investment by sphere and year", "Top projects",
            "Duplicates and unmapped projects", "One Plan status", "Hub vacancies", "Skills gaps", "Overdue commitments"]
# Two projects of Health (Eastern Cape) in O.R. Tambo (DC15): Port St Johns (EC154) and King Sabata
# Dalindyebo (EC157), budgets in Rand thousands: R1 000 000 + R2 345 000.
FILE_ROWS = [["Project name", "Project ID", "Local municipality", "Budget 2019/20 (R'000)"],
             ["Journey clinic, Port St Johns", "JOURNEY-1", "EC154", "1 000"],
             ["Journey clinic, Mthatha", "JOURNEY-2", "EC157", "2 345"]]
FILE_SUM = Decimal("3345000.00")


# ---------------------------------------------------------------------------------------------
# The demo world, loaded once and removed afterwards.

@pytest.fixture(scope="module")
def demo_passwords(django_db_setup, django_db_blocker, tmp_path_factory):
    """{username: password} of the demo accounts, with the demo data of every app loaded."""
    from ddm import bootstrap, caching
    from ddm.accounts import demo

    overrides = override_settings(
        DDM_DEMO_ACCOUNTS=True, DDM_DEMO_ACCOUNTS_FILE=tmp_path_factory.mktemp("demo") / "demo-accounts.json")
    with overrides, django_db_blocker.unblock():
        require_the_test_database()
        marks = high_water_marks()
        try:
            bootstrap.load_demo(lambda message: None)
            caching.bump()
            yield {username: password for username, _purpose, password in demo.stored_accounts()}
        finally:
            remove_rows_above(marks)
            caching.bump()


def test_reference_data_is_there(db):
    # Uses `db`, so pytest-django sets the test database up (and runs this first): see
    # _require_the_test_database.
    from ddm.places.models import Place

    assert Place.objects.zones().count() == 52


def test_demo_world_is_loaded(demo_passwords):
    assert set(demo_passwords) >= {"demo-submitter", "demo-coordinator", "demo-signer", "demo-hub", "demo-public"}


# ---------------------------------------------------------------------------------------------
# Helpers.

def _sign_in(page, username, passwords):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", passwords[username])
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    assert page.locator("header.site .user").inner_text().startswith(username)


def _sign_out(page):
    page.locator("header.site .user button", has_text="Sign out").click()
    page.wait_for_load_state()


def _rand(text):
    """R1 234 567.89 (any grouping space) -> Decimal."""
    return Decimal(re.sub(r"[^0-9.\-]", "", text))


def _government_budget(page, code):
    """The zone's government budget over all years, exact to the cent, as its investment page shows it."""
    page.goto(f"/investment/zones/{code}/")
    government = page.locator("#table-quantum-budget tr.subtotal").first
    if not government.count():
        return Decimal("0.00")
    return _rand(government.locator("td").last.locator(".money").get_attribute("title"))


def _xlsx(tmp_path, rows):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Projects")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    path = tmp_path / "health-dc15-projects.xlsx"
    path.write_bytes(buffer.getvalue())
    return path


def _screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


# ---------------------------------------------------------------------------------------------
# The journeys.

def test_submitter_uploads_and_coordinator_publishes(live_browser_page, demo_passwords, tmp_path):
    page = live_browser_page
    before = _government_budget(page, "DC15")

    _sign_in(page, "demo-submitter", demo_passwords)
    page.locator("header.site nav a", has_text="Submit a file").click()
    page.wait_for_url("**/investment/submissions/new/**")
    page.select_option("#id_organisation", label=page.locator("#id_organisation option", has_text="Health").first
                       .inner_text())
    page.set_input_files("#id_file", str(_xlsx(tmp_path, FILE_ROWS)))
    page.get_by_role("button", name="Check the file (preview)").click()
    page.wait_for_url(re.compile(r"/investment/submissions/\d+/$"))
    counts = page.locator("#counts")
    assert "What the import would do" in counts.inner_text()
    assert counts.locator("tr", has_text="Rows read").locator("td").inner_text() == "2"
    assert counts.locator("tr", has_text="Projects created").locator("td").inner_text() == "2"
    submit = page.get_by_role("button", name=re.compile("^Submit"))
    assert submit.inner_text() == "Submit for review"
    submit.click()
    page.wait_for_load_state()
    assert "Pending review" in page.locator("main").inner_text()
    submitted_url = page.url
    _screenshot(page, "journey-submitted-1366")
    assert _government_budget(page, "DC15") == before, "a file pending review counts in no public total"
    _sign_out(page)

    _sign_in(page, "demo-coordinator", demo_passwords)
    review_task = page.locator("#my-tasks a", has_text="Review")
    assert review_task.count() >= 1
    page.goto(submitted_url)
    page.get_by_role("button", name="Approve and publish").click()
    page.wait_for_load_state()
    assert "Pending review" not in page.locator("main").inner_text()
    assert "Committed" in page.locator("h1").inner_text()
    page.goto(submitted_url)
    assert "by demo-coordinator" in page.locator("ol.decisions").inner_text()
    assert _government_budget(page, "DC15") - before == FILE_SUM
    assert page.js_errors == []


def test_municipal_signer_signs_the_one_plan(live_browser_page, demo_passwords):
    page = live_browser_page
    _sign_in(page, "demo-signer", demo_passwords)
    page.locator("#my-tasks a", has_text="Sign the DC15").click()
    page.wait_for_url("**/oneplan/zones/DC15/**")
    party = page.locator('#signoff-table tr[data-party="district:DC15"]')
    assert "awaiting" in party.inner_text()
    page.locator("a.button", has_text="Sign off").click()
    page.wait_for_url("**/oneplan/zones/DC15/sign/")
    page.fill("#id_comment", "Signed for the district in the journey test.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/oneplan/zones/DC15/")
    assert "signed" in party.inner_text() and "Municipal signer" in party.inner_text()
    assert page.locator("a.button", has_text="Sign off").count() == 0
    assert "You have signed for" in page.locator("#signoff ~ p.actions-row").inner_text()
    page.goto("/")
    assert page.locator("#my-tasks a", has_text="Sign the DC15").count() == 0
    assert page.js_errors == []


def _hub_row(page, name):
    return page.locator("#hubs tbody tr", has_text=name)


def test_hub_member_records_a_vacancy(live_browser_page, demo_passwords):
    page = live_browser_page
    hub = "O.R. Tambo District Hub (demo)"
    _sign_in(page, "demo-hub", demo_passwords)
    page.locator("header.site nav a", has_text="Hubs").click()
    page.wait_for_url("**/capacity/")
    filled = int(_hub_row(page, hub).locator("td").last.inner_text())
    economists = page.locator("#vacancies tr", has_text="conomist")
    vacant_economists = int(economists.locator("td").nth(1).inner_text())
    _hub_row(page, hub).get_by_role("link", name=hub).click()
    page.locator("table.positions tr", has_text="conomist").get_by_role("link", name="Edit").click()
    page.fill("#id_person_name", "")
    page.fill("#id_contract_end", "")
    page.get_by_role("button", name=re.compile("Save")).click()
    page.wait_for_url(re.compile(r"/capacity/hubs/\d+/$"))
    assert "Vacant" in page.locator("table.positions tr", has_text="conomist").inner_text()
    page.goto("/capacity/")
    assert int(_hub_row(page, hub).locator("td").last.inner_text()) == filled - 1
    assert int(economists.locator("td").nth(1).inner_text()) == vacant_economists + 1
    assert hub in economists.inner_text()
    assert page.js_errors == []


def test_hub_member_adds_and_closes_a_commitment(live_browser_page, demo_passwords):
    page = live_browser_page
    _sign_in(page, "demo-hub", demo_passwords)
    page.goto("/engagement/zones/DC15/")
    page.select_option("#id_kind", "imbizo")
    page.fill("#id_title", "Journey Imbizo, Mthatha")
    page.fill("#id_date", "2026-01-15")
    page.fill("#id_venue", "Mthatha town hall")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/engagement/events/\d+/$"))

    form = page.locator("form", has=page.locator("button", has_text="Add"))
    form.locator("#id_kind").select_option("commitment")
    form.locator("#id_text").fill("Open the journey clinic in Mthatha")
    form.locator("#id_raised_by").fill("Ward 5 residents")
    form.locator("#id_owner_organisation").fill("Health (Eastern Cape)")
    form.locator("#id_due_date").fill("2026-06-30")
    form.get_by_role("button", name="Add").click()
    page.wait_for_url(re.compile(r"/engagement/items/\d+/$"))
    assert "Health (Eastern Cape)" in page.locator("main dl").inner_text()
    assert "overdue" in page.locator("main dl").inner_text()
    item_url = page.url

    page.goto("/engagement/zones/DC15/")
    assert "Open the journey clinic in Mthatha" in page.locator("main").inner_text()
    page.goto(item_url)
    page.fill("#id_note", "Clinic opened on 1 October.")
    page.select_option("#id_status", "done")
    page.get_by_role("button", name="Record follow-up").click()
    page.wait_for_url(item_url)
    assert "Open → Done" in page.locator("#follow-ups").inner_text()
    assert "overdue" not in page.locator("main dl").inner_text()
    page.goto("/engagement/zones/DC15/")
    overdue = page.locator("h2", has_text="Overdue items")
    assert overdue.count() == 1
    assert "Open the journey clinic in Mthatha" not in page.locator("main").inner_text().split("Events")[0]
    assert page.js_errors == []


def test_public_user_produces_the_briefing_pack(live_browser_page, demo_passwords):
    page = live_browser_page
    _sign_in(page, "demo-public", demo_passwords)
    page.goto("/zones/DC15/")
    page.locator(".key-figures a.figure-brief").click()
    page.wait_for_url("**/briefing/zones/DC15/")
    headings = page.locator("main h2").all_inner_texts()
    numbered = [re.sub(r"\s+details$", "", h) for h in headings if re.match(r"\d+\. ", h)]
    assert numbered == [f"{n}. {title}" for n, title in enumerate(SECTIONS, start=1)]
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        _screenshot(page, f"journey-briefing-signed-in-{width}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the briefing pack (PDF)").click()
    reader = PdfReader(download.value.path())
    assert 4 <= len(reader.pages) <= 8, len(reader.pages)
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    positions = [text.find(f"{n}. {title}") for n, title in enumerate(SECTIONS, start=1)]
    assert -1 not in positions and positions == sorted(positions), positions
    assert all(text.count(f"{n}. {title}") == 1 for n, title in enumerate(SECTIONS, start=1))
    assert "Tambo" in text
    assert page.js_errors == []


# ---------------------------------------------------------------------------------------------
# The investment pages stay compact with real data in them (they were 7,700-9,700 px and 17,400 px tall).

OVERFLOWING = """() => {
  const scrolls = el => { for (let e = el.parentElement; e; e = e.parentElement) {
    if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(e).overflowX)) return true; } return false; };
  return Array.from(document.querySelectorAll('body *')).filter(el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && (r.right > window.innerWidth + 1 || r.left < -1) && !scrolls(el);
  }).map(el => el.tagName + (el.id ? '#' + el.id : '') + '.' + el.className);
}"""


@pytest.mark.parametrize("url", ["/investment/zones/DC15/", "/investment/zones/DC36/", "/investment/zones/ETH/",
                                 "/investment/footprint/", "/investment/footprint/?province=EC"])
def test_investment_pages_are_compact_and_fit_a_phone(live_browser_page, demo_passwords, url):
    page = live_browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    assert page.goto(url).status == 200
    height = page.evaluate("document.documentElement.scrollHeight")
    # under half the 7,700-9,700 px these pages were; the folded demo-data line adds about 40 px to DC36
    assert height < 3600, f"{url} is {height} px tall at 1366 px"
    assert page.evaluate(OVERFLOWING) == []
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    assert page.evaluate(OVERFLOWING) == [], url
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")  # every section opened
    assert page.evaluate(OVERFLOWING) == [], url
    assert page.js_errors == []


@pytest.mark.parametrize("width", [1366, 390])
def test_investment_pages_with_data_pass_axe_with_every_section_open(live_browser_page, demo_passwords, width):
    page = live_browser_page
    serve_static_from_source(page)
    page.set_viewport_size({"width": width, "height": 900})
    problems = {}
    for url in ("/investment/zones/DC36/", "/investment/footprint/"):
        page.goto(url)
        # Every section opened, the project map too (its linked dots make it role="group").
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        if violations := serious_violations(page):
            problems[url] = violations
    assert not problems, problems


def _outside_the_event_loop(function, *args):
    """Run Django ORM code from a test that drives the browser: Playwright's sync API keeps an asyncio
    loop in the test's thread, where Django refuses database access, so the code runs in its own thread."""
    from django.db import connections

    def run():
        try:
            function(*args)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()


def _eleven_projects_in(zone_code):
    """Eleven National Health projects located to the zone as a whole, R1 000 to R11 000 each."""
    from ddm import caching
    from ddm.accounts.models import Organisation
    from ddm.investment.models import BudgetLine, Location, Precision, Project
    from ddm.places.models import Place

    zone = Place.objects.zones().get(code=zone_code)
    health = Organisation.objects.get(code="nat-health")
    for n in range(1, 12):
        project = Project.objects.create(organisation=health, reference=f"SHOW-ALL-{n}", title=f"Clinic {n}")
        Location.objects.create(project=project, precision=Precision.ZONE, place=zone, zone=zone,
                                province_id=zone.province_id)
        BudgetLine.objects.create(project=project, kind="budget", amount=Decimal(n * 1000), fy_first=2020, fy_last=2020)
    caching.bump()


def test_show_all_reveals_the_rows_beyond_the_first_ten(live_browser_page, demo_passwords, django_db_blocker):
    with django_db_blocker.unblock():
        _outside_the_event_loop(_eleven_projects_in, "DC44")  # removed with the demo world after the module
    page = live_browser_page
    page.goto("/investment/zones/DC44/")
    visible = page.locator("#table-projects tbody tr:visible")
    assert page.locator("#table-projects tbody tr").count() == 11 and visible.count() == 10
    assert "Clinic 1" not in visible.last.inner_text()  # largest first: the R1 000 clinic is the 11th
    toggle = page.locator("#projects ~ .top-n summary").first
    assert toggle.inner_text() == "Show all 11"
    toggle.click()
    assert visible.count() == 11 and toggle.inner_text() == "Show the 10 largest"
    toggle.click()
    assert visible.count() == 10


def test_footprint_folds_zones_into_provinces_and_exports_them_all(live_browser_page, demo_passwords):
    page = live_browser_page
    page.goto("/investment/footprint/")
    header = page.locator("#footprint-table thead th").all_inner_texts()
    assert header[4:] == ["EC", "FS", "GT", "KZN", "LIM", "MP", "NC", "NW", "WC"]
    page.select_option("select[name=province]", "EC")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/investment/footprint/?province=EC")
    assert "DC15" in page.locator("#footprint-table thead").inner_text()
    counts = page.request.get("/investment/footprint/?format=csv&table=counts").text()
    assert len(counts.splitlines()[0].split(",")) == 5 + 52  # the full matrix: every zone a column
