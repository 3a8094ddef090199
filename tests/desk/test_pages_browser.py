"""Every main page in a real browser at 1366 and 390 px: no serious or critical accessibility violation
(axe-core, vendored from npm under tests/vendor), no page wider than the window, screenshots kept in
test-artifacts/ (#12). One browser, read-only pages, so it stays fast."""

from pathlib import Path

import pytest

from browser_support import (
    chromium_browser,
    ddm_live_server,
    live_browser_page,
    serious_violations,
    serve_static_from_source,
)

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
WIDTHS = (1366, 390)
PAGES = {
    "home": "/", "zone": "/zones/DC15/", "investment": "/investment/zones/DC15/", "profile": "/profiles/zones/DC15/",
    "briefing": "/briefing/zones/DC15/", "oneplan": "/oneplan/", "capacity": "/capacity/", "engagement": "/engagement/",
    "investment-index": "/investment/", "sign-in": "/accounts/login/",
}
SCREENSHOTS = {"home", "zone", "investment", "profile", "briefing"}


def test_reference_data_is_there(db):
    # First in the module: sets the session database up through pytest-django's own path before the
    # live server starts (a browser test first in a run otherwise meets an unmigrated database).
    from ddm.places.models import Place

    assert Place.objects.zones().count() == 52


@pytest.mark.parametrize("width", WIDTHS)
def test_main_pages_accessible_fitting_and_captured(live_browser_page, width):
    page = live_browser_page
    serve_static_from_source(page)
    page.set_viewport_size({"width": width, "height": 900})
    ARTIFACTS.mkdir(exist_ok=True)
    problems = {}
    for name, url in PAGES.items():
        response = page.goto(url)
        assert response.status == 200, (url, response.status)
        violations = serious_violations(page)
        if violations:
            problems[f"{url} @{width}"] = violations
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 1:
            problems.setdefault(f"{url} @{width}", []).append(f"page {overflow} px wider than the window")
        if name in SCREENSHOTS:
            page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    assert not problems, problems
    assert page.js_errors == []


def test_nav_is_one_row_on_a_phone(live_browser_page):
    page = live_browser_page
    serve_static_from_source(page)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/")
    links = page.locator("header.site nav a")
    tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count()) if links.nth(i).bounding_box()}
    assert len(tops) == 1, tops
