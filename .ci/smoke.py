"""CI smoke test of the one-server recipe (docs/deploy.md) on PostgreSQL and Redis.

Starts `ddm serve --production` (gunicorn, 2 workers, and the job worker) on a fresh database,
signs in as an administrator, uploads a file large enough to be imported by the job worker,
submits it and approves it (review before publication), waits for the job to finish, sees the zone's total change, then stops the server with
SIGTERM and checks that every process it started has exited. Bounded: every wait has a deadline.

usage: .venv/bin/python .ci/smoke.py   (PostgreSQL on 127.0.0.1:5432, Redis on 127.0.0.1:6379)
"""

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

PORT = int(os.environ.get("DDM_SMOKE_PORT", "8141"))
BASE = f"http://127.0.0.1:{PORT}"
DB_NAME = os.environ.get("DDM_SMOKE_DB", "ddm_smoke")
ROOT = Path(__file__).resolve().parent.parent
DDM = str(ROOT / ".venv" / "bin" / "ddm")
ZONE, MUNICIPALITY, ORGANISATION = "DC15", "EC157", "EC157"
ROWS = 20_000  # ~600 KB: above the 512 KB that is imported during the request, so the worker runs it


def step(message):
    print(f"smoke: {message}", flush=True)


def environment(var_dir):
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        "DDM_CACHE_URL": os.environ.get("DDM_SMOKE_CACHE", "redis://127.0.0.1:6379/2"),
        "DDM_VAR_DIR": str(var_dir), "DDM_SECRET_KEY": secrets.token_urlsafe(50), "DDM_DEBUG": "0",
        "DDM_HTTPS": "1", "DDM_ALLOWED_HOSTS": "127.0.0.1", "DDM_WEB_WORKERS": "2", "DDM_WEB_THREADS": "4",
        "DDM_ADMIN_PASSWORD": "smoke-test-password-4242",
    })
    return env


class Browser:
    """Requests as a browser behind the TLS proxy would send them (X-Forwarded-Proto, Origin, cookies)."""

    def __init__(self):
        self.cookies = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, path, data=None, headers=None, content_type=None):
        headers = {"X-Forwarded-Proto": "https", "Origin": f"https://127.0.0.1:{PORT}",
                   "Referer": f"https://127.0.0.1:{PORT}{path}", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(BASE + path, data=data, headers=headers)
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as exc:
            response = exc
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, response.read()

    def csrf(self):
        return self.cookies["csrftoken"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def multipart(fields, file_field, filename, content):
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
                 f"Content-Type: text/csv\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def wait_until(what, check, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(1)
    raise SystemExit(f"smoke: FAILED: {what} within {seconds} s")


def ready():
    try:
        with urllib.request.urlopen(f"{BASE}/readyz", timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def zone_total(browser):
    """The zone's government budget, asked 8 times: both gunicorn workers (two processes, each with
    its own view of the shared Redis cache) must answer the same."""
    answers = set()
    for _ in range(8):
        status, _h, body = browser.request(f"/api/zones/{ZONE}/quantum?limit=1", headers={"Connection": "close"})
        assert status == 200, status
        answers.add(json.loads(body)["totals"]["government"].get("budget", "0"))
    assert len(answers) == 1, f"the web workers disagree: {answers}"
    return answers.pop()


def submission_status(browser, pk):
    status, _h, body = browser.request(f"/api/submissions/{pk}")
    assert status == 200, f"submission {pk}: {status}"
    return json.loads(body)["status"]


def submit(browser, organisation_pk):
    _s, _h, _b = browser.request("/investment/submissions/new/")
    text = "Project ID,Project,2019/20,Municipality\n" + "".join(
        f"SMOKE-{i},Smoke test project {i},{1000 + i % 7},{MUNICIPALITY}\n" for i in range(ROWS))
    body, content_type = multipart({"csrfmiddlewaretoken": browser.csrf(), "organisation": organisation_pk,
                                    "sheet": "", "mode": "all"}, "file", "smoke.csv", text.encode())
    status, headers, _b = browser.request("/investment/submissions/new/", body, content_type=content_type)
    assert status == 302, f"upload answered {status}"
    return int(re.search(r"/submissions/(\d+)/", headers["Location"]).group(1)), text


def main():
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB_NAME], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], check=True)
    with tempfile.TemporaryDirectory(prefix="ddm-smoke-") as var_dir:
        env = environment(var_dir)
        step("ddm setup, createadmin")
        subprocess.run([DDM, "setup", "--no-demo"], env=env, check=True, timeout=900)
        subprocess.run([DDM, "createadmin", "--username", "smoke"], env=env, check=True, timeout=120)
        step("ddm serve --production --check-deploy")
        server = subprocess.Popen([DDM, "serve", "--production", "--check-deploy", "--addr", f"127.0.0.1:{PORT}"],
                                  env=env)
        try:
            run(server, env)
        finally:
            if server.poll() is None:  # a failed run: stop it as an operator would, so nothing is left behind
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=90)
                except subprocess.TimeoutExpired:
                    server.kill()
        backup_and_restore(env, Path(var_dir))
    step("OK")


def count_rows(database):
    sql = "SELECT (SELECT count(*) FROM investment_project), (SELECT count(*) FROM investment_budgetline)"
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-At", "-c", sql],
                          capture_output=True, text=True, check=True).stdout.strip()


def backup_and_restore(env, var_dir):
    """docs/deploy.md's recipe: ddm backup, ddm restore into an empty database, ddm setup, same rows."""
    restored = f"{DB_NAME}_restored"
    dump = var_dir / "ddm.dump"
    dump.unlink(missing_ok=True)
    subprocess.run([DDM, "backup", str(dump)], env=env, check=True, timeout=600)
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", restored], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", restored], check=True)
    restored_env = dict(env, DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{restored}")
    subprocess.run([DDM, "restore", "--yes", str(dump)], env=restored_env, check=True, timeout=600)
    subprocess.run([DDM, "setup", "--no-demo"], env=restored_env, check=True, timeout=900)
    assert count_rows(restored) == count_rows(DB_NAME), (count_rows(restored), count_rows(DB_NAME))
    step(f"backup restored: projects and budget lines {count_rows(restored).replace('|', ' and ')}, as before")
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", restored], check=True)


def children_of(pid):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    found = [int(p) for p in out.split()]
    return found + [c for p in found for c in children_of(p)]


def run(server, env):
    wait_until("the server is ready (/readyz)", ready, 120)
    processes = children_of(server.pid)
    step(f"ready; ddm serve runs {len(processes)} processes under it")
    assert len(processes) >= 4, processes  # gunicorn master, 2 workers, the job worker
    browser = Browser()
    browser.request("/accounts/login/")
    status, _h, _b = browser.request("/accounts/login/", urllib.parse.urlencode({
        "username": "smoke", "password": env["DDM_ADMIN_PASSWORD"],
        "csrfmiddlewaretoken": browser.csrf()}).encode(), content_type="application/x-www-form-urlencoded")
    assert status == 302, f"sign-in answered {status}"
    before = zone_total(browser)
    step(f"signed in; {ZONE} government budget before: {before}")
    organisation_pk = lookup_pk(env)
    preview, _text = submit(browser, organisation_pk)
    wait_until("the preview job finished", lambda: submission_status(browser, preview) == "preview", 300)
    step(f"preview {preview} done by the job worker; submitting it")
    browser.request(f"/investment/submissions/{preview}/")
    status, headers, _b = browser.request(f"/investment/submissions/{preview}/commit/", urllib.parse.urlencode(
        {"csrfmiddlewaretoken": browser.csrf()}).encode(), content_type="application/x-www-form-urlencoded")
    assert status == 302, f"submit answered {status}"
    submitted = int(re.search(r"/submissions/(\d+)/", headers["Location"]).group(1))
    if submitted == preview:  # review before publication: submitted, counted only once approved
        assert submission_status(browser, preview) == "submitted", submission_status(browser, preview)
        step(f"submission {preview} submitted for review; approving it as the administrator")
        status, headers, _b = browser.request(f"/investment/submissions/{preview}/approve/", urllib.parse.urlencode(
            {"csrfmiddlewaretoken": browser.csrf(), "comment": "smoke test"}).encode(),
            content_type="application/x-www-form-urlencoded")
        assert status == 302, f"approve answered {status}"
    committed = int(re.search(r"/submissions/(\d+)/", headers["Location"]).group(1))
    wait_until("the import job finished", lambda: submission_status(browser, committed) == "committed", 600)
    after = zone_total(browser)
    step(f"{ZONE} government budget after: {after}")
    expected = sum(1000 + i % 7 for i in range(ROWS))
    from decimal import Decimal
    assert Decimal(after) - Decimal(before) == expected, (before, after, expected)
    step("stopping ddm serve with SIGTERM")
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=90)
    left = [p for p in processes if Path(f"/proc/{p}").exists()]
    assert not left, f"processes left running after ddm serve stopped: {left}"
    step(f"ddm serve exited with {server.returncode}; no process left")


def lookup_pk(env):
    code = ("from ddm.accounts.models import Organisation; "
            f"print(Organisation.objects.get(code={ORGANISATION!r}).pk)")
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c",
                             "import django; django.setup(); " + code],
                            env={**env, "DJANGO_SETTINGS_MODULE": "ddm.settings"}, capture_output=True, text=True,
                            check=True)
    return result.stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
