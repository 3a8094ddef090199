"""House rules a reader can check by eye, checked by a test so they stay true."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [p for p in (ROOT / "src" / "ddm").rglob("*.py") if "migrations" not in p.parts]

# Distribution name -> the names the code uses for it (module, settings string or command).
USED_AS = {
    "psycopg": ["psycopg", "postgresql"],  # the driver of Django's postgresql backend
    "django-ninja": ["ninja"], "dj-database-url": ["dj_database_url"],
    "python-calamine": ["python_calamine"], "django-simple-history": ["simple_history"],
    "django-tasks": ["django_tasks"], "django-tasks-db": ["django_tasks_db"], "django-axes": ["axes"],
    "django-csp": ["csp"],
}


def _text():
    return "\n".join(p.read_text(encoding="utf-8") for p in SOURCES)


def test_every_runtime_dependency_is_used():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    text = _text()
    unused = []
    for requirement in declared:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower()
        names = USED_AS.get(name, [name.replace("-", "_")])
        if not any(re.search(rf"(import {n}\b|from {n}\b|[\"']{n}[\".:']|\b{n}\.)", text) for n in names):
            unused.append(name)
    assert not unused, f"declared in pyproject.toml but never used: {unused} (remove them, or map them in USED_AS)"


def test_the_demarcation_year_is_read_from_places():
    found = [f"{p.relative_to(ROOT)}:{n}" for p in SOURCES
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"demarcation_year\s*=\s*\d{4}|demarcation_year__\w+\s*=\s*\d{4}", line)]
    assert not found, f"use ddm.places.CURRENT_DEMARCATION, not a literal year: {found}"
