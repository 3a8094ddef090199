"""Secure defaults: debug off, CSRF enforced, no secrets in the repository."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def test_debug_is_off_unless_asked_for(tmp_path):
    code = "import django.conf as c, ddm.settings as s; print(s.DEBUG)"
    env = {"DDM_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    env["DDM_DEBUG"] = "1"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


def test_secret_key_is_generated_outside_the_repository(tmp_path):
    code = "import ddm.settings as s; print(len(s.SECRET_KEY))"
    env = {"DDM_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert int(out.stdout) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "secret_key" not in tracked and ".sqlite3" not in tracked


@pytest.mark.django_db
def test_login_form_enforces_csrf():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_admin_requires_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_pages_send_protective_headers(client, db):
    response = client.get("/about/sources")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_static_files_are_served_by_the_app_with_debug_off(client, settings):
    settings.DEBUG = False
    response = client.get("/static/ddm/ddm.css")
    assert response.status_code == 200
    assert b"--brand" in b"".join(response.streaming_content)


def test_a_locked_database_answers_503_not_500():
    """Issue #15 (3): sign-in and pages returned 500 while a long SQLite import held the write lock."""
    from django.db import OperationalError
    from django.test import RequestFactory

    from ddm.busy import DatabaseBusyMiddleware

    middleware = DatabaseBusyMiddleware(lambda request: None)
    request = RequestFactory().post("/accounts/login/")
    response = middleware.process_exception(request, OperationalError("database is locked"))
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert middleware.process_exception(request, OperationalError("no such table: x")) is None
    assert middleware.process_exception(request, ValueError("other")) is None
