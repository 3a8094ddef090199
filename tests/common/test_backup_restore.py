"""`ddm backup` and `ddm restore`, run as an operator would, on a scratch database: SQLite always,
PostgreSQL too when the suite runs on it (the database's own tools: pg_dump / pg_restore)."""

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

DDM = str(Path(sys.executable).with_name("ddm"))


def ddm(*args, database_url, tmp_path):
    env = dict(os.environ, DATABASE_URL=database_url, DDM_VAR_DIR=str(tmp_path / "var"))
    return subprocess.run([DDM, *args], env=env, capture_output=True, text=True, timeout=300, check=False)


def test_sqlite_backup_and_restore(tmp_path):
    database = tmp_path / "ddm.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE register (reference TEXT, cents INTEGER)")
        db.execute("INSERT INTO register VALUES ('P1', 12345), ('P2', 678)")
    url = f"sqlite:///{database}"
    done = ddm("backup", str(tmp_path / "one.sqlite3"), database_url=url, tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(database) as db:
        db.execute("DELETE FROM register WHERE reference = 'P1'")
        db.execute("INSERT INTO register VALUES ('P3', 1)")
    again = ddm("backup", str(tmp_path / "one.sqlite3"), database_url=url, tmp_path=tmp_path)
    assert again.returncode == 1 and "exists" in again.stderr  # a backup never overwrites one
    done = ddm("restore", "--yes", str(tmp_path / "one.sqlite3"), database_url=url, tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(database) as db:
        assert sorted(db.execute("SELECT reference, cents FROM register")) == [("P1", 12345), ("P2", 678)]


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    database = tmp_path / "ddm.sqlite3"
    sqlite3.connect(database).close()
    (tmp_path / "notes.txt").write_text("not a database")
    done = ddm("restore", "--yes", str(tmp_path / "notes.txt"), database_url=f"sqlite:///{database}",
               tmp_path=tmp_path)
    assert done.returncode == 1
    assert "is not an SQLite database" in done.stderr and "nothing was restored" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL: runs when the suite runs on it")
def test_postgresql_backup_and_restore(tmp_path):
    import psycopg

    settings = connection.settings_dict
    name = f"ddm_backup_test_{uuid.uuid4().hex[:8]}"
    server = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(f"{server}/{name}", autocommit=True) as db:
            db.execute("CREATE TABLE register (reference text, cents bigint)")
            db.execute("INSERT INTO register VALUES ('P1', 12345), ('P2', 678)")
        dump = tmp_path / "ddm.dump"
        done = ddm("backup", str(dump), database_url=f"{server}/{name}", tmp_path=tmp_path)
        assert done.returncode == 0, done.stderr
        with psycopg.connect(f"{server}/{name}", autocommit=True) as db:
            db.execute("DELETE FROM register WHERE reference = 'P1'")
            db.execute("CREATE TABLE later (id int)")
        done = ddm("restore", "--yes", str(dump), database_url=f"{server}/{name}", tmp_path=tmp_path)
        assert done.returncode == 0, done.stderr
        with psycopg.connect(f"{server}/{name}", autocommit=True) as db:
            assert sorted(db.execute("SELECT reference, cents FROM register").fetchall()) == [
                ("P1", 12345), ("P2", 678)]
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
