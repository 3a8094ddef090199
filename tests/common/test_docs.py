"""The README stays true: every setting the code reads is documented, and the set-up commands lead."""

import re
from pathlib import Path

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
