"""The README stays true: every setting the code reads is documented, and the set-up commands lead."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _settings_variables():
    source = (ROOT / "src/ddm/settings.py").read_text()
    return set(re.findall(r'env_(?:str|bool|int|list)\("([A-Z_]+)"', source))


def test_every_environment_variable_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, flags=re.M))
    missing = _settings_variables() - documented
    assert not missing, f"settings read but not documented in README: {sorted(missing)}"


def test_readme_opens_with_the_two_setup_commands():
    head = (ROOT / "README.md").read_text()[:400]
    assert "make run" in head and "make test" in head


def test_ci_runs_the_readme_test_command_on_both_databases():
    ci = (ROOT / ".ci/run").read_text()
    assert ci.count("make test") >= 2 and "postgres://" in ci


def test_every_top_level_command_is_documented():
    from ddm.cli import cli

    readme = (ROOT / "README.md").read_text()
    missing = [name for name in cli.commands if f"ddm {name}" not in readme]
    assert not missing, f"ddm commands missing from the README: {missing}"


def _cli_docs():
    return (ROOT / "docs/cli.md").read_text()


@pytest.mark.django_db
def test_locate_json_has_the_documented_keys():
    import json

    from click.testing import CliRunner

    from ddm.cli import cli

    result = CliRunner().invoke(cli, ["locate", "--json", "--", "-29.8587", "31.0218"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"query", "municipality", "zone", "province", "ward", "precision", "demarcation_year"} <= set(data)
    undocumented = [key for key in data if f'"{key}"' not in _cli_docs()]
    assert not undocumented, f"locate --json keys missing from docs/cli.md: {undocumented}"


@pytest.mark.django_db
def test_quantum_json_has_the_documented_top_level_and_row_keys():
    import json

    from click.testing import CliRunner

    from ddm.cli import cli
    from ddm.investment import pilots

    pilots.load_pilots()
    result = CliRunner().invoke(cli, ["report", "quantum", "--zone", "ETH", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"zone", "calendar", "calendar_description", "view", "rows", "demo_rows", "totals",
                         "published_totals"}
    row_keys = {"sphere", "organisation", "organisation_name", "financial_year", "kind", "amount", "apportioned",
                "sector", "municipality", "precision", "is_aggregate", "stated_calendar", "demo"}
    assert data["rows"] and all(set(row) >= row_keys for row in data["rows"])
    assert all(isinstance(row["amount"], str) for row in data["rows"])
    docs = _cli_docs()
    undocumented = [k for k in set(data) | set(data["rows"][0]) if f"`{k}`" not in docs and f'"{k}"' not in docs]
    assert not undocumented, f"quantum --json keys missing from docs/cli.md: {undocumented}"


# docs/architecture.md is the map of the code: it names every app and shared module, and names nothing
# that is not there (a renamed or deleted module fails here, not in a reader's head).
PACKAGE = ROOT / "src" / "ddm"
WIRING = {"settings", "urls", "bootstrap", "cli", "wsgi", "apps"}


def _architecture():
    return (ROOT / "docs/architecture.md").read_text(encoding="utf-8")


def _units():
    apps = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    modules = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    return apps, modules


def test_architecture_doc_names_every_app_and_shared_module():
    text = _architecture()
    apps, modules = _units()
    missing = [name for name in apps + modules if f"`ddm.{name}`" not in text and f"`ddm/{name}.py`" not in text]
    assert not missing, f"docs/architecture.md does not mention: {missing}"


def _defines(path, name):
    return re.search(rf"^\s*(def|class) {name}\b|^{name}\s*[:=]|\b{name}\s*=\s*models\.", path.read_text(encoding="utf-8"), re.M)


def _resolve_dotted(parts):
    """The file of the longest module prefix of `parts` (under src/ddm), and the names after it."""
    for cut in range(len(parts), 0, -1):
        base = PACKAGE.joinpath(*parts[:cut])
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.exists():
                return candidate, parts[cut:]
    return None, parts


def _named_modules(text):
    """Every code reference in backticks that looks like a module: ddm.x.y, app.module(.name), a/b.py, a/b/."""
    apps, _ = _units()
    for ref in re.findall(r"`([^`\s<>]+)`", text):
        if "/" in ref or re.fullmatch(r"[a-z_]+\.(py|typ)", ref):
            if re.search(r"\.(py|md|typ|csv|gz)$|/$", ref):
                yield ref, "path"
        elif re.fullmatch(r"[a-z_]+(\.[A-Za-z_]+)+", ref) and ref.split(".")[0] in {"ddm", *apps}:
            yield ref, "dotted"


def test_every_module_the_architecture_doc_names_exists():
    wrong = []
    for ref, kind in _named_modules(_architecture()):
        if kind == "path":
            if ref.startswith("/"):
                continue  # a URL
            path = ref.rstrip("/")
            bases = [ROOT, PACKAGE, PACKAGE.parent] if "/" in path else [PACKAGE / app for app in _units()[0]]
            if not any((base / path).exists() for base in bases):
                wrong.append(ref)  # a bare name (`api.py`, `data/`) is a kind of module some app has
            continue
        parts = ref.split(".")
        parts = parts[1:] if parts[0] == "ddm" else parts
        found, rest = _resolve_dotted(parts)
        if found is not None and found.name == "__init__.py" and rest:  # `investment.ProgressReport`: a model
            found = found.parent / "models.py"
        if found is None or len(rest) > 1 or (rest and not _defines(found, rest[0])):
            wrong.append(ref)
    assert not wrong, f"docs/architecture.md names what does not exist: {wrong}"
