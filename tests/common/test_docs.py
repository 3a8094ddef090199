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
    assert set(data) == {"zone", "calendar", "calendar_description", "view", "rows", "totals", "published_totals"}
    row_keys = {"sphere", "organisation", "organisation_name", "financial_year", "kind", "amount", "apportioned",
                "sector", "municipality", "precision", "is_aggregate", "stated_calendar"}
    assert data["rows"] and all(set(row) >= row_keys for row in data["rows"])
    assert all(isinstance(row["amount"], str) for row in data["rows"])
    docs = _cli_docs()
    undocumented = [k for k in set(data) | set(data["rows"][0]) if f"`{k}`" not in docs and f'"{k}"' not in docs]
    assert not undocumented, f"quantum --json keys missing from docs/cli.md: {undocumented}"
