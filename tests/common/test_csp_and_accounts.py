"""Issue #15 (8): a strict Content-Security-Policy every page satisfies, sign-in throttling, password
rules, HSTS for a year."""

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from ddm.accounts.models import RoleKind

pytestmark = pytest.mark.django_db

INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "a style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an on...= event handler"),
    (re.compile(r"""(?:href|src)\s*=\s*["']\s*javascript:""", re.I), "a javascript: URL"),
]
SAMPLE_ARGS = {"code": "DC15", "province": "EC", "municipality": "EC157"}


def _pages_without_arguments(resolver=None, prefix=""):
    """Every GET page of the site whose URL takes no argument (the API, admin and files aside)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _pages_without_arguments(entry, route)
        elif isinstance(entry, URLPattern) and "<" not in route and not route.startswith(("api", "admin", "static")):
            yield "/" + route.lstrip("^").rstrip("$")


def _pages():
    pages = sorted(set(_pages_without_arguments()))
    pages += ["/zones/DC15/", "/provinces/EC/", "/municipalities/EC157/", "/profiles/zones/DC15/",
              "/investment/zones/DC15/", "/oneplan/zones/DC15/", "/alignment/zones/DC15/"]
    return pages


def test_every_page_satisfies_the_content_security_policy(client_for):
    admin = client_for(RoleKind.ADMIN)
    checked = 0
    for url in _pages():
        response = admin.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
        html = response.content.decode()
        for pattern, what in INLINE:
            found = pattern.search(html)
            assert found is None, f"{url} has {what}, which the Content-Security-Policy blocks: {found.group(0)!r}"
        checked += 1
    assert checked >= 15


def test_sign_in_is_locked_after_repeated_failures_even_with_the_right_password(make_user):
    make_user("target")
    client = Client()
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "target", "password": "wrong-guess"})
        assert response.status_code in (200, 429)
    response = client.post("/accounts/login/", {"username": "target", "password": "a-long-test-password-42"})
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    # Another user (or the same one from elsewhere) is not locked out by this.
    make_user("other")
    assert Client().post("/accounts/login/", {"username": "other", "password": "a-long-test-password-42"}).status_code == 302


@pytest.mark.parametrize("password", ["12345678901234", "password123", "qwertyuiop"])
def test_numeric_and_common_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_hsts_for_a_year_and_secure_cookies_with_https(monkeypatch):
    import importlib

    import ddm.settings as settings_module

    monkeypatch.setenv("DDM_HTTPS", "1")
    reloaded = importlib.reload(settings_module)
    try:
        assert reloaded.SECURE_HSTS_SECONDS >= 365 * 24 * 3600
        assert reloaded.SESSION_COOKIE_SECURE and reloaded.CSRF_COOKIE_SECURE and reloaded.SECURE_SSL_REDIRECT
    finally:
        monkeypatch.delenv("DDM_HTTPS")
        importlib.reload(settings_module)
