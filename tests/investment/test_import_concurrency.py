"""Issue #15: a long import does not block anyone (SQLite and PostgreSQL, whichever DATABASE_URL names).

A real service (``ddm serve``: web server and supervised job worker, separate processes) runs over a
copy of the test database. The job worker imports a long file (LONG_ROWS projects) while other
users sign in, read pages and the API, and upload and commit small files through the web upload.
Checked: no answer is a server error, no job is lost (every submission ends committed), every small
import commits while the long one is still running, and the long import's figures are invisible
until its final transaction and then exact (hand-computed: the sum of the generated amounts).
"""

import csv
import http.cookiejar
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from decimal import Decimal

import pytest
from django.db import connection

# Long enough to span many staging transactions and several seconds of other users' work; kept to
# what runs in about a minute on a 2-core CI machine (DDM_TEST_LONG_ROWS=100000 for a bigger run).
LONG_ROWS = int(os.environ.get("DDM_TEST_LONG_ROWS", 25000))
LONG_ORG, LONG_ZONE = "EC157", "DC15"  # King Sabata Dalindyebo, in O.R. Tambo
SMALL_ORGS = ["ETH", "BUF"]  # two metros elsewhere: their imports do not touch the long import's zone
SMALL_IMPORTS_EACH = 3
PASSWORD = "a-long-test-password-42"
TIMEOUT = 240  # the whole exercise, seconds (a stuck job must fail the test, not hang it)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Database:
    """A copy of the test database the service's processes can share, and plain reads of it."""

    def __init__(self, tmp_path):
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.path = tmp_path / "concurrency.sqlite3"
            target = sqlite3.connect(self.path)
            connection.ensure_connection()
            connection.connection.backup(target)  # the in-memory test database, reference data included
            target.execute("PRAGMA journal_mode=WAL")
            target.close()
            self.url = f"sqlite:///{self.path}"
        else:
            import psycopg

            self.name = f"{connection.settings_dict['NAME']}_concurrency"
            connection.close()  # CREATE DATABASE ... TEMPLATE needs the template database unused
            with self._admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
                admin.execute(f'CREATE DATABASE "{self.name}" TEMPLATE "{connection.settings_dict["NAME"]}"')
            params = connection.settings_dict
            self.url = (f"postgres://{params['USER']}:{params.get('PASSWORD') or ''}@{params['HOST'] or '127.0.0.1'}:"
                        f"{params['PORT'] or 5432}/{self.name}")
            self.psycopg = psycopg

    def _admin(self):
        import psycopg

        params = connection.settings_dict
        return psycopg.connect(host=params["HOST"] or "127.0.0.1", port=params["PORT"] or 5432, user=params["USER"],
                               password=params.get("PASSWORD") or None, dbname="postgres", autocommit=True)

    def query(self, sql, params=()):
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path, timeout=30) as db:
                return db.execute(sql, params).fetchall()
        with self.psycopg.connect(self.url, autocommit=True) as db:
            return db.execute(sql.replace("?", "%s"), params).fetchall()

    def drop(self):
        if self.vendor != "sqlite":
            with self._admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _env(database, var_dir):
    return {**os.environ, "DATABASE_URL": database.url, "DDM_VAR_DIR": str(var_dir), "DDM_DEBUG": "0",
            "DDM_SECRET_KEY": "concurrency-test-" + "x" * 40, "DDM_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DDM_CACHE_URL": "db://", "DJANGO_SETTINGS_MODULE": "ddm.settings", "PYTHONUNBUFFERED": "1"}


def _django(env, code):
    """Run ``code`` in a Django process over the copy; returns what it prints (JSON)."""
    prelude = "import django, json; django.setup()\n"
    result = subprocess.run([sys.executable, "-c", prelude + code], env=env, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


SETUP = """
from ddm.accounts.models import Organisation, Role, RoleKind
from django.contrib.auth import get_user_model
from ddm.caching import create_table
create_table()
User = get_user_model()
users = {}
for code in %(small)r:
    org = Organisation.objects.get(code=code)
    org.publish_on_submit = True
    org.save()
    user = User.objects.create_user(username=f"submitter-{code}", password=%(password)r)
    Role.objects.create(user=user, kind=RoleKind.SUBMITTER, organisation=org)
    users[code] = user.username
User.objects.create_user(username="reader", password=%(password)r)
print(json.dumps(users))
"""

ENQUEUE = """
from ddm.accounts.models import Organisation
from ddm.investment.intake import tasks
from ddm.investment.intake.pipeline import start_submission
org = Organisation.objects.get(code=%(org)r)
submission = start_submission(%(path)r, org, None, "upload", dry_run=False)
tasks.run_submission.enqueue(submission.pk)
print(json.dumps(submission.pk))
"""


def _long_file(path):
    """LONG_ROWS projects, each with one 2025/26 budget in its municipality; returns the total (Rand)."""
    total = Decimal(0)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Project ID", "Project", "Municipality", "Budget 2025/26"])
        for number in range(LONG_ROWS):
            amount = Decimal(1000 + number % 97) + Decimal(number % 100) / 100
            total += amount
            writer.writerow([f"L-{number:06d}", f"Long list project {number}", LONG_ORG, f"{amount}"])
    return total


def _small_file(code, round_):
    rows = ["Project ID,Project,Municipality,Budget 2025/26"]
    rows += [f"S-{code}-{round_}-{n},Small project {round_}.{n},{code},{1000 + n}" for n in range(5)]
    return ("\n".join(rows) + "\n").encode()


class Browser:
    """One user's cookies; records every answer's status."""

    def __init__(self, base, answers):
        self.base, self.answers = base, answers
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, path, data=None, headers=None):
        headers = {"Referer": self.base + "/", **(headers or {})}
        request = urllib.request.Request(self.base + path, data=data, headers=headers)  # noqa: S310 (http://127.0.0.1)
        try:
            with self.opener.open(request, timeout=120) as response:
                body, status, url = response.read().decode(), response.status, response.url
        except urllib.error.HTTPError as exc:
            body, status, url = exc.read().decode(errors="replace"), exc.code, exc.url
        self.answers.append((status, path, body[:300] if status >= 500 else ""))
        return status, body, url

    def csrf(self, path):
        status, body, _url = self.request(path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        assert match, f"{path}: {status}, no form"
        return match.group(1)

    def sign_in(self, username):
        token = self.csrf("/accounts/login/")
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username,
                                       "password": PASSWORD}).encode()
        status, _body, url = self.request("/accounts/login/", data)
        return status == 200 and "/accounts/login/" not in url

    def upload(self, organisation_id, filename, content):
        token = self.csrf("/investment/submissions/new/")
        boundary = uuid.uuid4().hex
        parts = [("csrfmiddlewaretoken", token), ("organisation", str(organisation_id)), ("mode", "all"),
                 ("sheet", "")]
        body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                        for k, v in parts)
        body += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 "Content-Type: text/csv\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
        _status, _body, url = self.request("/investment/submissions/new/", body,
                                           {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        preview = int(re.search(r"/submissions/(\d+)/", url).group(1))
        token = self.csrf(f"/investment/submissions/{preview}/")
        _status, _body, url = self.request(f"/investment/submissions/{preview}/commit/",
                                           urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode())
        return preview, int(re.search(r"/submissions/(\d+)/", url).group(1))


def _quantum_total(body):
    totals = json.loads(body)["totals"]["government"]
    return sum((Decimal(v) for v in totals.values()), Decimal(0)), totals


@pytest.fixture
def service(tmp_path, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        database = Database(tmp_path)
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    env = _env(database, var_dir)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "ddm.cli", "serve", "--addr", f"127.0.0.1:{port}"],
                              env=env, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "serve.log", "w"))
    try:
        yield database, env, f"http://127.0.0.1:{port}", tmp_path
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
        database.drop()


def test_a_long_import_blocks_no_one(service, db):
    """``db`` (after ``service``): only so that pytest-django sets the test database up; the service's
    processes and this test's reads use their own connections to the copy."""
    database, env, base, tmp_path = service
    users = _django(env, SETUP % {"small": SMALL_ORGS, "password": PASSWORD})
    orgs = dict(database.query("SELECT code, id FROM accounts_organisation WHERE code IN (?, ?)", SMALL_ORGS))
    answers = []
    deadline = time.monotonic() + TIMEOUT
    for _ in range(200):
        try:
            if Browser(base, []).request("/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.25)
    before_status, before_body, _ = Browser(base, answers).request(f"/api/zones/{LONG_ZONE}/quantum")
    assert before_status == 200
    before, _ = _quantum_total(before_body)
    expected = _long_file(tmp_path / "long.csv")
    long_pk = _django(env, ENQUEUE % {"org": LONG_ORG, "path": str(tmp_path / "long.csv")})

    def long_status():
        return database.query("SELECT status FROM investment_submission WHERE id = ?", [long_pk])[0][0]

    observed = []  # (status before, total, status after) of each quantum read
    small = {code: [] for code in SMALL_ORGS}  # (commit submission id, long import's status at commit time)
    failures = []

    def reader():
        browser = Browser(base, answers)
        while long_status() in ("pending", "running") and time.monotonic() < deadline:
            status_before = long_status()
            for path in ("/investment/", f"/investment/zones/{LONG_ZONE}/", "/api/zones/BUF/quantum"):
                browser.request(path)
            status, body, _ = browser.request(f"/api/zones/{LONG_ZONE}/quantum")
            if status == 200:
                observed.append((status_before, _quantum_total(body)[0], long_status()))
            time.sleep(0.3)  # a reader, not a load test: the worker shares the machine's cores

    def signer():
        while long_status() in ("pending", "running") and time.monotonic() < deadline:
            if not Browser(base, answers).sign_in("reader"):
                failures.append("sign-in refused")
            time.sleep(1)

    def importer(code):
        browser = Browser(base, answers)
        while long_status() != "running" and time.monotonic() < deadline:
            time.sleep(0.2)  # start while the long import runs
        if not browser.sign_in(users[code]):
            failures.append(f"{code}: sign-in refused")
            return
        for round_ in range(SMALL_IMPORTS_EACH):
            _preview, committed = browser.upload(orgs[code], f"small-{code}-{round_}.csv", _small_file(code, round_))
            small[code].append((committed, long_status()))

    threads = [threading.Thread(target=reader), threading.Thread(target=signer),
               *(threading.Thread(target=importer, args=(code,)) for code in SMALL_ORGS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "the exercise did not finish in time"

    errors = [answer for answer in answers if answer[0] >= 500]
    assert not errors, errors[:5]
    assert not failures, failures
    # No job lost: the long import and every small one committed, nothing left pending or running.
    assert long_status() == "committed", database.query("SELECT note FROM investment_submission WHERE id = ?",
                                                        [long_pk])
    assert database.query("SELECT rows_read, projects_created FROM investment_submission WHERE id = ?",
                          [long_pk])[0] == (LONG_ROWS, LONG_ROWS)
    for code in SMALL_ORGS:
        assert len(small[code]) == SMALL_IMPORTS_EACH, small
        ids = [pk for pk, _ in small[code]]
        statuses = [database.query("SELECT status FROM investment_submission WHERE id = ?", [pk])[0] for pk in ids]
        assert [s for (s,) in statuses] == ["committed"] * SMALL_IMPORTS_EACH
        assert database.query("SELECT COUNT(*) FROM investment_project p JOIN accounts_organisation o ON "
                              "o.id = p.organisation_id WHERE o.code = ?", [code])[0][0] == 5 * SMALL_IMPORTS_EACH
    assert any(status == "running" for pairs in small.values() for _pk, status in pairs), \
        "no small import committed while the long one ran: the test proved nothing"
    assert not database.query("SELECT id FROM investment_submission WHERE status IN ('pending', 'running')")
    # The long import's figures: invisible while it ran, then exactly its total.
    during = {total for status_before, total, status_after in observed
              if status_before == "running" and status_after == "running"}
    assert during == {before}, (during, before)
    _status, body, _ = Browser(base, answers).request(f"/api/zones/{LONG_ZONE}/quantum")
    assert _quantum_total(body)[0] == before + expected
    took = database.query("SELECT created, finished FROM investment_submission WHERE id = ?", [long_pk])[0]
    print(f"long import {took}; quantum reads while it ran: {len(observed)}; small commits during it: "
          f"{sum(status == 'running' for pairs in small.values() for _pk, status in pairs)}; answers: {len(answers)}")
    for model in ("stagedrow", "stagedproject", "stagedline", "stagedlocation"):
        assert database.query(f"SELECT COUNT(*) FROM investment_{model}")[0][0] == 0  # noqa: S608
