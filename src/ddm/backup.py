"""`ddm backup FILE` and `ddm restore FILE`: the whole database in one file, with the engine's own tools.

PostgreSQL: `pg_dump --format=custom` (compressed, consistent while the app serves) and `pg_restore
--clean --if-exists --no-owner --single-transaction` (all or nothing: a failed restore leaves the
database as it was). SQLite: the sqlite3 online backup API, page by page, consistent while the app
writes (WAL), both ways. Uploaded files (DDM_VAR_DIR/media) are not in the database: docs/deploy.md
archives them beside the backup.

After a restore the data version is bumped (ddm.caching), so no process shows figures cached
before it.
"""

import os
import sqlite3
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from ddm import caching

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"  # pg_dump's custom format
TIMEOUT_SECONDS = 6 * 3600  # a national register dumps in minutes; never wait forever


class BackupError(Exception):
    """A backup or restore that could not be done, with what to do about it."""


def _settings(using: str) -> dict[str, Any]:
    return connections[using].settings_dict


def _engine(settings: Mapping[str, Any]) -> str:
    engine = settings["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(f"database engine {engine} is not supported: use PostgreSQL or SQLite")


def _pg_arguments(settings: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection options for the PostgreSQL client tools, and their environment (the password)."""
    args: list[str] = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            args.append(f"{option}={settings[key]}")
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                                check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} not found: install the PostgreSQL client tools "
                          "(Debian: postgresql-client) of the server's version or newer") from exc
    if result.returncode:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")


def _sqlite_copy(source_name: str, target_name: str) -> None:
    """Copy one SQLite database into another with the online backup API (target replaced whole)."""
    with sqlite3.connect(source_name, uri=True) as source, sqlite3.connect(target_name, uri=True) as target:
        source.backup(target)
    source.close()
    target.close()


def backup(path: str | os.PathLike[str], using: str = DEFAULT_DB_ALIAS) -> Path:
    """Write the whole database to path (not overwritten if it exists); returns the path."""
    target = Path(path)
    if target.exists():
        raise BackupError(f"{target} exists: choose a new file name (a backup never overwrites one)")
    settings = _settings(using)
    connections[using].close()  # the copy reads committed data on its own connection
    if _engine(settings) == "sqlite":
        _sqlite_copy(str(settings["NAME"]), str(target))
    else:
        args, env = _pg_arguments(settings)
        _run(["pg_dump", "--format=custom", f"--file={target}", *args, settings["NAME"]], env)
    return target


def _check_file(path: Path, engine: str) -> None:
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    with open(path, "rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    expected = SQLITE_MAGIC if engine == "sqlite" else PG_MAGIC
    if not head.startswith(expected):
        kind = "an SQLite database" if engine == "sqlite" else "a pg_dump custom-format file (ddm backup)"
        raise BackupError(f"{path} is not {kind}: the database is {engine}; nothing was restored")


def restore(path: str | os.PathLike[str], using: str = DEFAULT_DB_ALIAS) -> None:
    """Replace the whole database by the backup at path (all or nothing), then bump the data version."""
    source = Path(path)
    settings = _settings(using)
    engine = _engine(settings)
    _check_file(source, engine)
    connections[using].close()
    if engine == "sqlite":
        _sqlite_copy(str(source), str(settings["NAME"]))
    else:
        args, env = _pg_arguments(settings)
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={settings['NAME']}", *args, str(source)], env)

    caching.bump()
