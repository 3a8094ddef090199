"""The API keeps its contract: schemathesis calls every operation of /api/openapi.json in-process (WSGI)
and runs all its checks on every answer: no server error, every status code and content type documented,
every body matching its schema, schema-valid requests accepted and schema-violating ones refused.

It runs twice: as an anonymous caller (writes must answer 401) and as an administrator with an API token
(every operation reaches its own logic). Each case runs in a transaction that is rolled back, so a write
(an approval, a sign-off, a progress report) never changes the shared reference data that later cases and
other tests read; uploaded files go to a temporary folder.

The examples are few per operation and derived from a fixed seed, so a CI run is reproducible and short.
Run it alone: `.venv/bin/pytest tests/api/test_openapi_contract.py` (docs/cli.md, "API contract").
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings

from ddm.accounts.models import ApiToken, Role, RoleKind
from ddm.wsgi import application

CONFIG = schemathesis.Config.from_dict({
    "seed": 20261202,
    # Examples per operation in the fuzzing phase (the examples and coverage phases add their own few);
    # deterministic: the same cases every run; no example database; a failure is reported as found.
    "generation": {"max-examples": 5, "deterministic": True, "database": "none", "no-shrink": True},
    "checks": {"enabled": True},  # every check the installed schemathesis has
})
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, config=CONFIG)
# The fixtures (an administrator, an upload folder) are shared by a test's cases on purpose: each case's
# database changes are rolled back, and nothing else of theirs changes.
SHARED_FIXTURES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def call_and_roll_back(case, **kwargs):
    """Call the operation and run every check, then undo whatever it wrote."""
    with transaction.atomic():
        case.call_and_validate(**kwargs)
        transaction.set_rollback(True)


@pytest.fixture
def uploads_elsewhere(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def connection_kept_open():
    """Django closes the database connection at the end of a request (on PostgreSQL, that ends the test's
    transaction); its test client stops that while it calls, and so must this WSGI caller."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def administrator_token(django_user_model):
    """An API token of a national administrator (no password: hashing one per test would dominate the run)."""
    user = django_user_model.objects.create(username="contract-administrator")
    Role.objects.create(user=user, kind=RoleKind.ADMIN)
    return ApiToken.issue(user, "contract test")


@pytest.mark.django_db
@schema.parametrize()
@SHARED_FIXTURES
def test_anonymous_caller(case, uploads_elsewhere, connection_kept_open):
    call_and_roll_back(case)


@pytest.mark.django_db
@schema.parametrize()
@SHARED_FIXTURES
def test_administrator(case, uploads_elsewhere, connection_kept_open, administrator_token):
    call_and_roll_back(case, headers={"Authorization": f"Bearer {administrator_token}"})
