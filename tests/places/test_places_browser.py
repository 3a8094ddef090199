"""Browser tests (Debian chromium via Playwright): the national map and list, a zone page, locate. The SVG maps
are checked without JavaScript (with it, Leaflet replaces them: tests/places/test_map_browser.py)."""

import pytest

from browser_support import chromium_browser, ddm_live_server, live_browser_page, no_script_page
from ddm.places.models import Place

pytestmark = pytest.mark.browser


def test_home_svg_map_without_javascript(no_script_page):
    page = no_script_page
    page.goto("/")
    paths = page.locator("#national-map path")
    assert paths.count() == 52
    box = page.locator("#national-map").bounding_box()
    assert box["width"] > 300 and box["height"] > 200  # the SVG is actually laid out, not collapsed
    assert paths.first.get_attribute("d").startswith("M")
    assert page.locator("#national-map-explorer .map-controls").is_hidden()  # no empty controls without scripts


def test_home_list_filter_hides_rows(live_browser_page):
    page = live_browser_page
    page.goto("/")
    rows = page.locator("#zone-table tbody tr")
    assert rows.count() == 52
    page.fill("#zone-filter", "KwaZulu")
    visible = page.locator("#zone-table tbody tr:visible")
    visible.first.wait_for()
    assert visible.count() == 11  # eThekwini + 10 KwaZulu-Natal districts
    assert all("KwaZulu-Natal" in text for text in visible.all_inner_texts())
    page.fill("#zone-filter", "")
    assert page.locator("#zone-table tbody tr:visible").count() == 52
    assert page.js_errors == []


def test_zone_link_opens_a_zone_page_with_its_municipalities(no_script_page):
    page = no_script_page
    page.goto("/")
    page.click("#national-map a[aria-label^='DC15 ']")
    page.wait_for_url("**/zones/DC15/")
    assert "O.R.Tambo" in page.locator("h1").inner_text()
    codes = sorted(page.locator("#zone-map path").evaluate_all("els => els.map(e => e.dataset.code)"))
    assert codes == ["EC153", "EC154", "EC155", "EC156", "EC157"]
    assert page.locator("#municipality-table tbody tr").count() == 5
    assert page.locator("#zone-map").bounding_box()["width"] > 300


def test_locate_form_works_in_the_browser(live_browser_page):
    page = live_browser_page
    page.goto("/locate")
    page.fill("input[name=name]", "Umtata")
    page.click("text=Find place")
    page.wait_for_url("**/locate?name=Umtata*")
    result = page.locator("#locate-result").inner_text()
    assert "EC157" in result and "King Sabata Dalindyebo" in result


def test_reference_data_survives_browser_tests(db):
    """Runs after the browser tests in this module: nothing was flushed."""
    assert Place.objects.zones().count() == 52 and Place.objects.municipalities().count() == 213
