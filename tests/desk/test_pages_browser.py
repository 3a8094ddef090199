"""Every main page in a real browser at 1366 and 390 px: no serious or critical accessibility violation
(axe-core, vendored from npm under tests/vendor), no page wider than the window, screenshots kept in
test-artifacts/ (#12). One browser, read-only pages, so it stays fast."""

from pathlib import Path

import pytest

import ddm
from browser_support import chromium_browser, ddm_live_server, live_browser_page

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests/vendor/axe-core/axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
STATIC = Path(ddm.__file__).resolve().parent / "static"
WIDTHS = (1366, 390)
PAGES = {
    "home": "/", "zone": "/zones/DC15/", "investment": "/investment/zones/DC15/", "profile": "/profiles/zones/DC15/",
    "briefing": "/briefing/zones/DC15/", "oneplan": "/oneplan/", "capacity": "/capacity/", "engagement": "/engagement/",
    "investment-index": "/investment/", "sign-in": "/accounts/login/",
}
SCREENSHOTS = {"home", "zone", "investment", "profile", "briefing"}


def _serve_static_from_source(page):
    """The page's own static files from the source tree, and axe-core at a same-origin URL (the
    Content-Security-Policy allows no inline script, so it cannot be injected as text)."""
    def fulfil(route):
        name = route.request.url.split("/static/", 1)[1].split("?")[0]
        path = AXE if name == "__tests__/axe.min.js" else STATIC / name
        route.fulfill(path=str(path)) if path.is_file() else route.fulfill(status=404, body="")

    page.route("**/static/**", fulfil)


def _serious_violations(page):
    page.add_script_tag(url="/static/__tests__/axe.min.js")
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_reference_data_is_there(db):
    # First in the module: sets the session database up through pytest-django's own path before the
    # live server starts (a browser test first in a run otherwise meets an unmigrated database).
    from ddm.places.models import Place

    assert Place.objects.zones().count() == 52


@pytest.mark.parametrize("width", WIDTHS)
def test_main_pages_accessible_fitting_and_captured(live_browser_page, width):
    page = live_browser_page
    _serve_static_from_source(page)
    page.set_viewport_size({"width": width, "height": 900})
    ARTIFACTS.mkdir(exist_ok=True)
    problems = {}
    for name, url in PAGES.items():
        response = page.goto(url)
        assert response.status == 200, (url, response.status)
        violations = _serious_violations(page)
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
    _serve_static_from_source(page)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/")
    links = page.locator("header.site nav a")
    tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count()) if links.nth(i).bounding_box()}
    assert len(tops) == 1, tops
