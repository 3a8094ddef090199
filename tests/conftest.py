"""Test set-up shared by every app: the reference data is loaded once per test session."""

import pytest
from django.test import Client, override_settings

from ddm.accounts.models import Organisation, Role, RoleKind
from ddm.places.models import Place


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Migrate the test database, then load the reference data (places, organisations, ...) once."""
    from ddm.bootstrap import load_reference

    with django_db_blocker.unblock():
        load_reference(lambda message: None)


@pytest.fixture(scope="session", autouse=True)
def _files_in_a_temporary_directory(tmp_path_factory):
    """Tests never write into the checkout's var/: uploads (MEDIA_ROOT: submissions' files, file jobs, One
    Plan and hub documents), import progress files (VAR_DIR/progress) and the demo accounts file go to one
    temporary directory for the session. DDM_VAR_DIR is set too, so processes a test starts with this
    environment (a worker, ``ddm serve``) write there unless the test names its own directory."""
    var_dir = tmp_path_factory.mktemp("ddm-var")
    with pytest.MonkeyPatch.context() as patch, override_settings(
            VAR_DIR=var_dir, MEDIA_ROOT=var_dir / "media", DDM_DEMO_ACCOUNTS_FILE=var_dir / "demo-accounts.json"):
        patch.setenv("DDM_VAR_DIR", str(var_dir))
        patch.delenv("DDM_MEDIA_ROOT", raising=False)
        yield var_dir


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Users made by tests get an MD5 hash, not PBKDF2's 10^6 rounds (about half a second each, half the time of a
    test that makes one user per role). Production keeps Django's default hashers; nothing here tests their strength."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache (tests roll their data back; the cache would keep it)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def zone(db):
    """A factory: zone("DC15") returns that zone."""
    return lambda code: Place.objects.zones().get(code=code)


@pytest.fixture
def make_user(db, django_user_model):
    """make_user("name", kind, scope) creates a user holding one scoped role (or none)."""

    def make(username, kind=None, province=None, zone=None, organisation=None):
        user = django_user_model.objects.create_user(username=username, password="a-long-test-password-42")
        if kind is not None:
            Role.objects.create(user=user, kind=kind, province=province, zone=zone, organisation=organisation)
        return user

    return make


@pytest.fixture
def client_for(make_user):
    """client_for(kind, **scope) returns a Client signed in as a fresh user with that role."""
    counter = {"n": 0}

    def make(kind=None, **scope):
        counter["n"] += 1
        user = make_user(f"user{counter['n']}", kind, **scope)
        client = Client(enforce_csrf_checks=False)
        client.force_login(user)
        client.user = user
        return client

    return make


@pytest.fixture
def organisation(db):
    return lambda code: Organisation.objects.get(code=code)


__all__ = ["RoleKind"]
