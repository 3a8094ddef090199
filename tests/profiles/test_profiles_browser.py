"""A real browser opens a zone profile and sees its charts and map (read-only)."""

from pathlib import Path

import pytest

import ddm
from browser_support import chromium_browser, ddm_live_server, live_browser_page

pytestmark = pytest.mark.browser
STATIC = Path(ddm.__file__).resolve().parent / "static"


def serve_static_from_source(page):
    """The shared live server answers /static/ with 404 here, so the page's own stylesheets are
    served from the source tree by the browser (a layout test needs the real CSS)."""
    def fulfil(route):
        path = STATIC / route.request.url.split("/static/", 1)[1].split("?")[0]
        if path.is_file():
            route.fulfill(path=str(path))
        else:
            route.fulfill(status=404, body="")

    page.route("**/static/**", fulfil)


def test_profile_shows_charts_and_map(live_browser_page):
    page = live_browser_page
    page.goto("/profiles/zones/DC15/")
    assert "O.R.Tambo" in page.title()
    age = page.locator("#chart-cs2016-age svg")
    assert age.is_visible() and age.locator("rect").count() == 18  # 18 five-year age groups
    assert page.locator("#chart-cs2016-population_group svg rect").count() == 4
    assert page.locator("#chart-services svg rect").count() >= 12
    profile_map = page.locator("#profile-map svg.map")
    assert profile_map.is_visible()
    assert profile_map.locator("path[data-code]").count() == 5  # DC15's local municipalities
    box = profile_map.bounding_box()
    assert box["width"] > 200 and box["height"] > 100
    assert page.js_errors == []


def test_profile_is_readable_on_a_phone(live_browser_page):
    page = live_browser_page
    serve_static_from_source(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/profiles/zones/DC15/")
    assert page.evaluate("getComputedStyle(document.querySelector('.table-wrap')).overflowX") == "auto"
    # Wide tables scroll inside their own wrapper; the page itself does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    assert page.locator("#profile-map svg.map").bounding_box()["width"] <= 390
