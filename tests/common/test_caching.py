"""ddm.caching: DDM_CACHE_URL, the data version, and invalidation seen by another process."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.cache import cache

from ddm import caching
from ddm.investment.pilots import load_pilots


def test_cache_url_selects_the_backend():
    assert caching.cache_config("", 60)["BACKEND"] == caching.LOCMEM
    assert caching.cache_config("locmem://", 60)["BACKEND"] == caching.LOCMEM
    db = caching.cache_config("db://", 60)
    assert (db["BACKEND"], db["LOCATION"]) == (caching.DATABASE, "ddm_cache")
    assert caching.cache_config("db://other_table", 60)["LOCATION"] == "other_table"
    redis = caching.cache_config("redis://127.0.0.1:6379/1", 60)
    assert (redis["BACKEND"], redis["LOCATION"], redis["TIMEOUT"]) == (caching.REDIS, "redis://127.0.0.1:6379/1", 60)
    with pytest.raises(ValueError, match="DDM_CACHE_URL"):
        caching.cache_config("memcached://x", 60)


def test_remember_computes_once_per_data_version():
    calls = []
    compute = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert caching.remember("test:x", compute, "a") == 1
    assert caching.remember("test:x", compute, "a") == 1
    assert caching.remember("test:x", compute, "b") == 2
    caching.bump()
    assert caching.remember("test:x", compute, "a") == 3


def test_a_lost_version_starts_from_the_clock_not_from_an_old_number():
    first = caching.data_version()
    cache.delete(caching.VERSION_KEY)
    caching.bump()
    assert caching.data_version() > first


@pytest.mark.django_db
def test_saving_data_bumps_the_version_and_a_preview_does_not():
    from ddm.accounts.models import Organisation
    from ddm.investment.models import Submission

    before = caching.data_version()
    load_pilots()
    after = caching.data_version()
    assert after != before
    Submission.objects.create(organisation=Organisation.objects.first(), channel="upload", status="preview")
    assert caching.data_version() == after


@pytest.mark.django_db
def test_zone_page_shows_new_data_after_a_change(client):
    from ddm.investment.models import Project

    load_pilots()
    before = client.get("/api/zones/ETH/quantum").json()["totals"]["government"]
    project = Project.objects.filter(locations__zone__code="ETH").first()
    project.budget_lines.update(amount=1)  # a bulk write: no signal, the cached quantum is still served
    assert client.get("/api/zones/ETH/quantum").json()["totals"]["government"] == before
    caching.bump()  # what an import does at its end
    assert client.get("/api/zones/ETH/quantum").json()["totals"]["government"] != before


PROCESS = textwrap.dedent("""
    import os, sys
    os.environ["DJANGO_SETTINGS_MODULE"] = "ddm.settings"
    import django; django.setup()
    from ddm import caching
    action = sys.argv[1]
    if action == "setup":
        from django.core.management import call_command
        call_command("createcachetable", verbosity=0)
    elif action == "bump":
        caching.bump()
    elif action.startswith("bump-zone:"):  # what an import into that zone does
        caching.bump_zones([action.split(":")[1]])
    elif action.startswith("zone:"):
        _, zone, value = action.split(":")
        print(caching.remember("test:zone", lambda: value, zone=zone))
    else:
        print(caching.remember("test:shared", lambda: action))
""")


def _processes(tmp_path):
    """run(action): a new process sharing the database cache (as two app servers share Redis)."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DDM_CACHE_URL": "db://",
           "DDM_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin",
           "PYTHONPATH": str(Path(caching.__file__).parents[1])}  # this ddm, not the venv's installed one

    def run(action):
        return subprocess.run([sys.executable, "-c", PROCESS, action], env=env, capture_output=True, text=True,
                              timeout=120, check=True).stdout.strip()

    run("setup")
    return run


def test_a_bump_in_one_process_invalidates_the_cache_of_another(tmp_path):
    """Two processes sharing the database cache (as two app servers share Redis)."""
    run = _processes(tmp_path)
    assert run("first") == "first"
    assert run("second") == "first"  # another process: the shared value
    run("bump")  # a third process changes data
    assert run("third") == "third"


def test_an_import_into_one_zone_renews_that_zones_values_only_in_every_process(tmp_path):
    run = _processes(tmp_path)
    assert run("zone:AAA:first") == "first"
    assert run("zone:BBB:first") == "first"
    run("bump-zone:AAA")  # an import into zone AAA, in a job worker
    assert run("zone:AAA:second") == "second"
    assert run("zone:BBB:second") == "first"  # another zone's value stays in use
    run("bump")  # any other change
    assert run("zone:BBB:third") == "third"


def test_a_lost_zone_version_starts_from_the_clock_and_expires():
    assert caching.remember("test:zone", lambda: "first", zone="AAA") == "first"
    cache.delete(caching.ZONE_KEY.format("AAA"))  # evicted, or expired: never an earlier number
    assert caching.remember("test:zone", lambda: "second", zone="AAA") == "second"
    caching.bump_zones(["AAA"])
    assert caching.remember("test:zone", lambda: "third", zone="AAA") == "third"


@pytest.mark.django_db
def test_zone_page_shows_the_national_unmapped_count_only_once_made_elsewhere(client):
    from ddm.investment.models import Project

    load_pilots()
    assert "Projects with no location in any zone are in no zone" in client.get("/investment/zones/DC15/").content.decode()
    client.get("/investment/unmapped/")  # or the job worker after an import
    expected = Project.objects.counted().exclude(locations__zone__isnull=False).count()
    html = client.get("/investment/zones/DC15/").content.decode()
    assert f"{expected} project" in html and "in the register" in html


@pytest.mark.django_db
def test_signing_in_does_not_invalidate_cached_pages(client, django_user_model):
    """A sign-in saves the user's last login and its history record: no page shows either, and a bump
    per sign-in made every official's sign-in recompute every cached page."""
    django_user_model.objects.create_user(username="official", password="a-long-test-password-42")
    before = caching.data_version()
    assert client.post("/accounts/login/", {"username": "official", "password": "a-long-test-password-42"}).status_code == 302
    assert caching.data_version() == before
