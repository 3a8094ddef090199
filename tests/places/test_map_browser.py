"""The interactive maps in a real browser (#12): Leaflet (vendored) replaces the server-rendered SVG on the zone
page and the home page; polygons, a choropleth that switches indicator, project and facility points with
pop-ups, layer toggles; no Content-Security-Policy violation, no console error, no serious accessibility
violation at 1366 and 390 px. Without JavaScript the SVG map stays (tests/places/test_places_browser.py)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from browser_support import (
    chromium_browser,
    ddm_live_server,
    live_browser_page,
    serious_violations,
    serve_static_from_source,
)
from ddm.accounts.models import Organisation
from ddm.investment.models import BudgetLine, Location, Precision, Project
from ddm.places.models import Place

pytestmark = pytest.mark.browser
ZONE = "#zone-map-explorer"
# DC15's health facilities by hand (see tests/facilities): 18 hospitals, 10 community health centres, 9 EMS.
DC15_HEALTH_POINTS = 18 + 10 + 9
DC15_SCHOOLS = 1258
DC15_WARDS = 32 + 20 + 32 + 26 + 37  # MDB 2020 wards of EC153, EC154, EC155, EC156, EC157
RECORD_CSP = """window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));"""


def test_reference_data_is_there(db, dc15_project):
    # First in the module: the session database is set up (and the project committed) before the browser starts.
    assert Place.objects.zones().get(code="DC15").children.count() == 5


@pytest.fixture
def watched_page(live_browser_page):
    """The live page with CSP violations and console errors recorded, static files served from the source."""
    page = live_browser_page
    page.console_errors = []
    page.on("console", lambda message: page.console_errors.append(message.text) if message.type == "error" else None)
    page.add_init_script(script=RECORD_CSP)
    serve_static_from_source(page)
    return page


@pytest.fixture(scope="module")
def dc15_project(django_db_setup, django_db_blocker):
    """One project located at a point in King Sabata Dalindyebo (EC157), budget R1 500 000.50 over 2021/22-2023/24:
    committed before the browser starts (Django refuses the database in Playwright's event-loop thread) and
    removed with its history afterwards, so the reference data stays as it was."""
    with django_db_blocker.unblock():
        ec157 = Place.objects.municipalities().select_related("parent", "province").get(code="EC157")
        organisation = Organisation.objects.filter(sphere="provincial", province__code="EC").order_by("code").first()
        project = Project.objects.create(organisation=organisation, reference="MAP-BROWSER-1",
                                         title="Mthatha map test clinic", sector="health")
        Location.objects.create(project=project, precision=Precision.POINT, latitude=-31.5889, longitude=28.7844,
                                place=ec157, municipality=ec157, zone=ec157.parent, province=ec157.province)
        BudgetLine.objects.create(project=project, amount=Decimal("1500000.50"), fy_first=2021, fy_last=2023)
        label = organisation.label
    yield project.pk, label
    with django_db_blocker.unblock():
        for model in (BudgetLine, Location):
            model.history.filter(project_id=project.pk).delete()
        project.delete()
        Project.history.filter(id=project.pk).delete()


def _ready(page, indicator):
    page.wait_for_selector(f"{ZONE}[data-map-state=ready][data-map-indicator='{indicator}']")


def _fills(page):
    return page.locator(f"{ZONE} path[data-code]").evaluate_all(
        "paths => Object.fromEntries(paths.map(p => [p.dataset.code, p.getAttribute('fill')]))")


def _click_inside(page, selector):
    """Click a point inside a (possibly concave) polygon: the first grid point of its box where it is on top."""
    point = page.locator(selector).evaluate("""path => {
        const box = path.getBoundingClientRect();
        for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
            const x = box.left + box.width * i / 20, y = box.top + box.height * j / 20;
            if (document.elementFromPoint(x, y) === path) return [x, y];
        }
        return null;
    }""")
    assert point, f"no visible point inside {selector}"
    page.mouse.click(*point)


def test_zone_map_layers_choropleth_and_popups(dc15_project, watched_page):
    # dc15_project first: module fixtures are set up in this order, and pytest-django may have run the
    # module's db test (and torn the project down) before, so it must be committed before the browser starts.
    page = watched_page
    project_id, organisation_label = dc15_project
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/zones/DC15/")
    _ready(page, "population")
    assert page.locator("#zone-map").count() == 0  # the SVG was replaced by the Leaflet map
    assert page.locator(f"{ZONE} .leaflet-container").count() == 1
    assert sorted(_fills(page)) == ["EC153", "EC154", "EC155", "EC156", "EC157"]
    expect(page.locator(f"{ZONE} .leaflet-health-pane path")).to_have_count(DC15_HEALTH_POINTS)
    expect(page.locator(f"{ZONE} .leaflet-projects-pane path")).to_have_count(1)
    legend = page.locator(f"{ZONE} .map-legend").inner_text()
    assert "Population (persons), 2022" in legend and "476 558 persons" in legend and "Census 2022" in legend

    # The project's pop-up: name (a link to its page), organisation, budget through ddm.numbers with its years.
    page.locator(f"{ZONE} .leaflet-projects-pane path").click()
    popup = page.locator(f"{ZONE} .leaflet-popup-content")
    popup.wait_for()
    assert popup.locator("a").get_attribute("href") == f"/investment/projects/{project_id}/"
    text = popup.inner_text()
    assert "Mthatha map test clinic" in text and organisation_label in text
    assert "R1.5 m budget, 2021/22-2023/24" in text
    assert popup.locator("strong[title='R1 500 000.50']").count() == 1

    # Another indicator: every municipality recoloured, the legend in %, the pop-up with figure, source and year.
    population_fills = _fills(page)
    page.select_option(f"{ZONE} select.map-indicator", "unemployment_rate")
    _ready(page, "unemployment_rate")
    fills = _fills(page)
    assert fills != population_fills and len(set(fills.values())) == 5
    assert "Unemployment rate (official) (%)" in page.locator(f"{ZONE} .map-legend").inner_text()
    for layer in ("projects", "health"):  # out of the way of the polygon click
        page.uncheck(f"{ZONE} input[data-layer={layer}]")
    assert page.locator(f"{ZONE} .leaflet-health-pane path").count() == 0
    _click_inside(page, f"{ZONE} path[data-code=EC157]")
    popup = page.locator(f"{ZONE} .leaflet-popup-content", has_text="EC157")  # the project's fades out
    popup.wait_for()
    text = popup.inner_text()
    assert "EC157 King Sabata Dalindyebo" in text and "%" in text and "Unemployment rate (official)" in text
    assert popup.locator("a").get_attribute("href") == "/municipalities/EC157/"
    assert "2022" in text or "2011" in text or "2016" in text  # the figure's year

    # Schools and wards load when switched on.
    page.check(f"{ZONE} input[data-layer=schools]")
    expect(page.locator(f"{ZONE} .leaflet-schools-pane path")).to_have_count(DC15_SCHOOLS)
    page.check(f"{ZONE} input[data-layer=wards]")
    expect(page.locator(f"{ZONE} .leaflet-wards-pane path")).to_have_count(DC15_WARDS)

    assert page.evaluate("window.__cspViolations") == []
    assert page.console_errors == [] and page.js_errors == []


def test_national_map_choropleth_of_the_52_zones(watched_page):
    page = watched_page
    page.goto("/")
    page.wait_for_selector("#national-map-explorer[data-map-state=ready][data-map-indicator=population]")
    assert page.locator("#national-map").count() == 0
    assert page.locator("#national-map-explorer path[data-code]").count() == 52
    _click_inside(page, "#national-map-explorer path[data-code=DC15]")
    popup = page.locator("#national-map-explorer .leaflet-popup-content")
    popup.wait_for()
    assert popup.locator("a").get_attribute("href") == "/zones/DC15/" and "1 501 702 persons" in popup.inner_text()
    assert page.evaluate("window.__cspViolations") == []
    assert page.console_errors == [] and page.js_errors == []


@pytest.mark.parametrize("width", (1366, 390))
def test_map_pages_accessible(watched_page, width):
    page = watched_page
    page.set_viewport_size({"width": width, "height": 900})
    problems = {}
    for url, indicator in (("/zones/DC15/", "population"), ("/", "population")):
        page.goto(url)
        page.wait_for_selector(f"[data-map-state=ready][data-map-indicator={indicator}]")
        problems[url] = serious_violations(page)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (url, width, overflow)
    assert problems == {"/zones/DC15/": [], "/": []}
    assert page.evaluate("window.__cspViolations") == [] and page.console_errors == []
