"""ddm serve: supervision of the web server and the job worker (fake children: no real server)."""

import signal
import subprocess
import sys
import time
from pathlib import Path

from ddm import server

SUPERVISOR = """
import sys
from ddm import server
marks = sys.argv[1]
web_code = "import time; open(%r + '/web', 'a').write('x'); time.sleep(600)" % marks
worker_code = "open(%r + '/worker', 'a').write('x'); raise SystemExit(3)" % marks
web = server.Child("web server", [sys.executable, "-c", web_code], restart=False, log=print)
worker = server.Child("job worker", [sys.executable, "-c", worker_code], restart=True, log=print)
server.MAX_RESTART_PAUSE = 1
sys.exit(server.supervise([web, worker], print))
"""


def test_production_command_is_gunicorn_with_workers_threads_and_access_log(monkeypatch):
    monkeypatch.setenv("DDM_WEB_WORKERS", "3")
    monkeypatch.setenv("DDM_WEB_THREADS", "5")
    argv = server.web_command("127.0.0.1:8140", production=True)
    assert argv[1:4] == ["-m", "gunicorn", "ddm.wsgi:application"]
    assert argv[argv.index("--workers") + 1] == "3" and argv[argv.index("--threads") + 1] == "5"
    assert "--access-logfile" in argv and "--graceful-timeout" in argv
    assert server.web_command("127.0.0.1:8140", production=False)[3] == "runserver"
    assert "--no-reload" in server.worker_command()


def test_sigterm_stops_every_child_and_a_dying_worker_is_restarted(tmp_path):
    supervisor = subprocess.Popen([sys.executable, "-c", SUPERVISOR, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len((tmp_path / "worker").read_text() if (tmp_path / "worker").exists() else "") < 3:
        time.sleep(0.2)
    assert len((tmp_path / "worker").read_text()) >= 3  # started again after each death
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(supervisor.pid)], capture_output=True,
                              text=True).stdout.split()
    assert children  # the web server
    supervisor.send_signal(signal.SIGTERM)
    output, _ = supervisor.communicate(timeout=60)
    assert "stopped" in output
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]


def test_children_stop_even_when_the_supervisor_is_killed(tmp_path):
    supervisor = subprocess.Popen([sys.executable, "-c", SUPERVISOR, str(tmp_path)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (tmp_path / "web").exists():
        time.sleep(0.2)
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(supervisor.pid)], capture_output=True,
                              text=True).stdout.split()
    assert children
    supervisor.kill()
    supervisor.wait(timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_running(pid) for pid in children):
        time.sleep(0.2)
    assert not [pid for pid in children if _running(pid)]


def _running(pid):
    """Alive and not a zombie waiting for init to reap it."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False
