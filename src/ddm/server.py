"""Running DDM Hub as a service: the web server (development or production) and the job worker.

`ddm serve` starts the web server and one job worker as child processes and supervises them:
a worker that dies is started again (after a pause that grows while it keeps dying), and stopping
`ddm serve` (SIGTERM, or Ctrl-C) stops both and waits for them. The production web server is
gunicorn (maintained, pre-fork, graceful restarts and shutdown; Django's own deployment docs
describe it): DDM_WEB_WORKERS processes of DDM_WEB_THREADS threads, access log on stdout.
`ddm worker` runs one job worker alone: any number of them, on any node that reaches the database.
"""

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from types import FrameType

from django.core.management import call_command
from django.core.management.base import SystemCheckError

GRACE_SECONDS = 30  # what a request or a job gets to finish on shutdown
POLL_SECONDS = 0.5
MAX_RESTART_PAUSE = 30
Log = Callable[[str], None]  # where the supervisor says what it does (stderr, or print)
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'


def web_command(addr: str, production: bool, workers: int | None = None, threads: int | None = None) -> list[str]:
    """The argv of the web server: gunicorn in production, Django's runserver otherwise."""
    if not production:
        return [sys.executable, "-m", "django", "runserver", addr, "--noreload"]
    workers = workers or int(os.environ.get("DDM_WEB_WORKERS") or 2 * (os.cpu_count() or 1) + 1)
    threads = threads or int(os.environ.get("DDM_WEB_THREADS") or 4)
    return [sys.executable, "-m", "gunicorn", "ddm.wsgi:application", "--bind", addr,
            "--workers", str(workers), "--threads", str(threads), "--graceful-timeout", str(GRACE_SECONDS),
            "--timeout", os.environ.get("DDM_WEB_TIMEOUT", "120"),
            # Longer than a proxy's or client's idle connection: a server closing first races a reused request.
            "--keep-alive", os.environ.get("DDM_WEB_KEEPALIVE", "75"), "--forwarded-allow-ips",
            os.environ.get("DDM_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
            *(["--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT]
              if os.environ.get("DDM_ACCESS_LOG", "1") != "0" else [])]


def worker_command() -> list[str]:
    # --no-reload: the autoreloader (the default with DEBUG) forks a child that a stop would orphan.
    return [sys.executable, "-m", "django", "db_worker", "--no-reload", "--queue-name", "*"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "ddm.settings")
    return env


def _stop_with_parent() -> None:
    """In the child, before it runs: SIGTERM it if `ddm serve` itself dies (even by SIGKILL), so a
    killed supervisor never leaves a web server or worker behind (Linux; elsewhere a no-op)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Child:
    """A supervised child process: started again when it dies (if restart), stopped with the rest."""

    def __init__(self, name: str, argv: list[str], restart: bool, log: Log) -> None:
        self.name, self.argv, self.restart, self.log = name, argv, restart, log
        self.process: subprocess.Popen[bytes] | None = None
        self.failures, self.next_start = 0, 0.0

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv, env=_env(), preexec_fn=_stop_with_parent)
        self.started = time.monotonic()
        self.log(f"ddm serve: started {self.name} (pid {self.process.pid})")

    def check(self) -> int | None:
        """None while running (or restarted); the exit code when it died and is not restarted."""
        if self.process is None:
            if time.monotonic() >= self.next_start:
                self.start()
            return None
        code = self.process.poll()
        if code is None:
            return None
        if not self.restart:
            return code
        # Quick deaths in a row wait longer (1, 2, 4 ... 30 s); a worker that ran a minute starts again at once.
        self.failures = 0 if time.monotonic() - self.started > 60 else self.failures + 1
        pause = min(MAX_RESTART_PAUSE, 2 ** self.failures - 1)
        self.log(f"ddm serve: {self.name} exited with {code}; starting it again in {pause} s")
        self.process, self.next_start = None, time.monotonic() + pause
        return None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def wait(self, deadline: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.log(f"ddm serve: {self.name} did not stop within {GRACE_SECONDS} s; killing it")
            self.process.kill()
            self.process.wait()


class _Stop(Exception):
    pass


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop(signum)


def supervise(children: Sequence[Child], log: Log) -> int:
    """Run the children until one that is not restarted exits or we are told to stop; stop them all.
    Returns the exit code for `ddm serve`."""
    previous = {s: signal.signal(s, _raise_stop) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    code = 0
    try:
        for child in children:
            child.start()
        while True:
            for child in children:
                died = child.check()
                if died is not None:
                    log(f"ddm serve: {child.name} exited with {died}; stopping")
                    code = died or 1
                    raise _Stop(None)
            time.sleep(POLL_SECONDS)
    except (_Stop, KeyboardInterrupt):
        pass
    finally:
        for s, handler in previous.items():
            signal.signal(s, signal.SIG_IGN if s != signal.SIGHUP else handler)
        for child in children:
            child.stop()
        deadline = time.monotonic() + GRACE_SECONDS
        for child in children:
            child.wait(deadline)
        for s, handler in previous.items():
            signal.signal(s, handler)
        log("ddm serve: stopped")
    return code


def serve(addr: str, production: bool = False, worker: bool = True, workers: int | None = None,
          threads: int | None = None, log: Log = print) -> int:
    children = [Child("web server", web_command(addr, production, workers, threads), restart=False, log=log)]
    if worker:
        children.append(Child("job worker", worker_command(), restart=True, log=log))
    return supervise(children, log)


def run_worker() -> None:
    """One job worker in this process (`ddm worker`): stops after its current job on SIGTERM/Ctrl-C."""
    os.execve(sys.executable, worker_command(), _env())


def check_deploy() -> bool:

    """Django's deployment checks with the settings in force; True when nothing is reported."""
    try:
        call_command("check", deploy=True, fail_level="WARNING")
    except SystemCheckError as exc:
        print(exc, file=sys.stderr)
        return False
    return True
