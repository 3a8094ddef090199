"""Playwright browser-test fixtures, shared by every app's browser tests.

Use in a test module:

    import pytest
    from browser_support import chromium_browser, ddm_live_server, live_browser_page  # noqa: F401

    pytestmark = pytest.mark.browser

    def test_home(live_browser_page):
        live_browser_page.goto("/")           # relative to the live server
        assert live_browser_page.locator("#zone-table tbody tr").count() == 52

Why not pytest-django's `live_server`: it forces `transactional_db`, whose teardown flushes every
table, wiping the reference data (places, organisations) that the session fixture in conftest.py
loaded once for all tests. These fixtures run Django's live-server thread against the same test
database WITHOUT flushing: the reference data is committed, so the server sees it, and nothing is
deleted afterwards. Browser tests must therefore only READ (pages, maps, filters); a browser test
that must write data should create it with `committed_data` (below), which removes it afterwards.

Chromium: Debian's /usr/bin/chromium (no download). Where it is absent the tests are skipped with a
message, unless DDM_REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

import os
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import ProtectedError, RestrictedError

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

__all__ = ["chromium_browser", "committed_data", "ddm_live_server", "high_water_marks", "live_browser_page",
           "no_script_page", "remove_rows_above", "require_the_test_database", "serious_violations",
           "serve_static_from_source"]
ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "tests/vendor/axe-core/axe.min.js"
STATIC = ROOT / "src/ddm/static"


def _unavailable(reason):
    if os.environ.get("DDM_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required (DDM_REQUIRE_BROWSER=1) but {reason}", pytrace=False)
    pytest.skip(f"browser test skipped: {reason} (install Debian's chromium: apt-get install chromium)")


@pytest.fixture(scope="module")
def chromium_browser():
    """A headless chromium, one per test module.

    Module-scoped, not session-scoped: Playwright's sync API keeps an asyncio loop in this
    thread, and Django refuses database access from such a thread (SynchronousOnlyOperation),
    so it must be closed before ordinary tests run again.
    """
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def ddm_live_server(django_db_setup, django_db_blocker):
    """Django's live server on a free port over the test database, without any flush."""
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        server = LiveServer("localhost:0")
    server._live_server_modified_settings.enable()  # ALLOWED_HOSTS += localhost
    yield server
    server._live_server_modified_settings.disable()
    server.stop()


@pytest.fixture
def live_browser_page(ddm_live_server, chromium_browser, django_db_blocker):
    """A fresh page (own cookies) whose relative URLs go to the live server: page.goto("/")."""
    context = chromium_browser.new_context(base_url=ddm_live_server.url, java_script_enabled=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors  # tests may assert there were none
    # The server thread needs the database; pytest-django blocks it outside db fixtures.
    with django_db_blocker.unblock():
        yield page
    context.close()


@pytest.fixture
def no_script_page(ddm_live_server, chromium_browser, django_db_blocker):
    """A page with JavaScript off: what a reader without scripts (and a PDF renderer) sees."""
    context = chromium_browser.new_context(base_url=ddm_live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    with django_db_blocker.unblock():
        yield page
    context.close()


def serve_static_from_source(page):
    """The page's own static files from the source tree, and axe-core at a same-origin URL (the
    Content-Security-Policy allows no inline script, so it cannot be injected as text)."""
    def fulfil(route):
        name = route.request.url.split("/static/", 1)[1].split("?")[0]
        path = AXE if name == "__tests__/axe.min.js" else STATIC / name
        route.fulfill(path=str(path)) if path.is_file() else route.fulfill(status=404, body="")

    page.route("**/static/**", fulfil)


def serious_violations(page):
    """axe-core's serious and critical violations on the page as it is now (after serve_static_from_source)."""
    page.add_script_tag(url="/static/__tests__/axe.min.js")
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture
def committed_data(django_db_blocker):
    """For a browser test that needs its own rows: committed(obj) saves them visibly to the live
    server and deletes them (in reverse order) after the test, so the reference data stays intact."""
    created = []

    def committed(obj):
        with django_db_blocker.unblock():
            obj.save()
        created.append(obj)
        return obj

    yield committed
    with django_db_blocker.unblock():
        for obj in reversed(created):
            obj.delete()


# ---------------------------------------------------------------------------------------------
# Browser tests that write (a world loaded once per module and removed afterwards).

def _counted_models():
    """Models with an integer primary key; simple-history's tables last (deleting writes history rows)."""
    found = [m for m in apps.get_models(include_auto_created=True)
             if m._meta.pk.get_internal_type() in ("AutoField", "BigAutoField")]
    return sorted(found, key=lambda m: m._meta.pk.name == "history_id")


def high_water_marks():
    """{model: its highest primary key}: what remove_rows_above keeps (a browser test that writes
    through the live server commits; these let it remove exactly what it added)."""
    marks = {}
    for model in _counted_models():
        last = model._base_manager.order_by("-pk").values_list("pk", flat=True).first()
        marks[model] = last or 0
    return marks


def remove_rows_above(marks):
    """Delete every row created since the marks were taken (later apps first; a protected row waits
    for the rows that protect it, hence the passes)."""
    for _ in range(4):
        blocked = False
        for model, mark in reversed(list(marks.items())):
            if model._meta.pk.name == "history_id":
                continue
            try:
                model._base_manager.filter(pk__gt=mark).delete()
            except (ProtectedError, RestrictedError):
                blocked = True
        if not blocked:
            break
    for model, mark in marks.items():
        if model._meta.pk.name == "history_id":
            model._base_manager.filter(pk__gt=mark).delete()


def require_the_test_database():
    """pytest-django creates the test database only when some selected test uses `db`: without one
    (e.g. under -k) the connection is still the developer's own database, which this module must
    never write to."""
    name = str(connection.settings_dict["NAME"])
    if not (name.startswith("file:memorydb") or Path(name).name.startswith("test_")):
        pytest.fail(f"the browser tests would write to {name}, not a test database: select a test that uses `db` "
                    "(test_reference_data_is_there) with them")
