"""The progress file of a running import: which process runs it (host, pid) and how far it got.

Written by the process that runs the import before it is marked running, read by pages (progress
bars) and by ``process_alive``, which tells a live import from one whose process was killed, crashed
or stopped with the server, so nothing stays "running" for ever. One small JSON file per job under
DDM_VAR_DIR/progress/, named by the caller (``submission-12``, ``job-7``).
"""

import json
import os
import socket
from pathlib import Path

from django.conf import settings


def progress_path(name: str) -> Path:
    return Path(settings.VAR_DIR) / "progress" / f"{name}.json"


def write_progress(name: str, done: int = 0, total: int | None = None) -> None:
    path = progress_path(name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"done": done, "total": total, "pid": os.getpid(), "host": socket.gethostname()}))
    except OSError:
        pass  # progress display only


def read_progress(name: str) -> tuple[int, int | None] | None:
    """(done, total) of a running import, from its progress file; None when there is none."""
    try:
        data = json.loads(progress_path(name).read_text())
        return data["done"], data.get("total")
    except (OSError, ValueError, KeyError):
        return None


def clear_progress(name: str) -> None:
    progress_path(name).unlink(missing_ok=True)


def process_alive(name: str) -> bool:
    """Whether the process named in the progress file still runs (another machine's: assumed so)."""
    try:
        data = json.loads(progress_path(name).read_text())
    except (OSError, ValueError):
        return False  # a live import writes its progress file before it is marked running
    if data.get("host") != socket.gethostname() or not data.get("pid"):
        return True  # another machine's process: it cannot be checked from here
    try:
        os.kill(int(data["pid"]), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, ValueError):
        return True
    return True
