"""`ddm import indicators`: row-level errors, all-or-nothing, definitions, re-aggregation."""

import json

import pytest
from click.testing import CliRunner

from ddm.cli import cli
from ddm.places.models import Place
from ddm.profiles import services
from ddm.profiles.models import IndicatorDefinition, IndicatorValue

pytestmark = pytest.mark.django_db

DEFINITIONS = """code,name,unit,universe,category,source,year,direction
census2022.population,Population (Census 2022),persons,persons,demography,Stats SA Census 2022,2022,neutral
audit_clean,Clean audit (1 = clean),count,municipalities,governance,AGSA MFMA 2022-23,2023,higher_better
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args):
    return CliRunner().invoke(cli, ["import", "indicators", *map(str, args)])


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(tmp_path):
    definitions = write(tmp_path, "defs.csv", DEFINITIONS)
    values = write(tmp_path, "values.csv", (
        "place code,indicator,year,value\n"
        "EC157,census2022.population,2022,500000\n"
        "XX999,census2022.population,2022,1\n"
        "EC154,no_such_indicator,2022,1\n"
        "EC155,census2022.population,2022,lots\n"
        "EC156,census2022.population,20x2,1\n"
    ))
    before = IndicatorValue.objects.count()
    result = CliRunner().invoke(cli, ["import", "indicators", str(values), "--definitions", str(definitions), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout[: result.stdout.rindex("}") + 1])
    errors = {(e["row"], e["column"].split()[0]): e for e in report["errors"]}
    assert set(errors) == {(3, "A"), (4, "B"), (5, "D"), (6, "C")}
    assert errors[(3, "A")]["value"] == "XX999" and "unknown place" in errors[(3, "A")]["message"]
    assert "unknown indicator" in errors[(4, "B")]["message"]
    assert "not a number" in errors[(5, "D")]["message"]
    assert all(e["file"] == "values.csv" for e in report["errors"])
    assert IndicatorValue.objects.count() == before
    assert not IndicatorDefinition.objects.filter(code="census2022.population").exists()


def test_import_defines_stores_and_aggregates(tmp_path):
    definitions = write(tmp_path, "defs.csv", DEFINITIONS)
    dc15 = Place.objects.zones().get(code="DC15")
    munis = list(dc15.children.values_list("code", flat=True))
    lines = ["code,indicator,year,value,source"] + [
        f"{code},census2022.population,2022,{1000 * (i + 1)},Census 2022 test" for i, code in enumerate(munis)]
    lines.append("EC157,audit_clean,2023,1,")
    values = write(tmp_path, "values.csv", "\n".join(lines) + "\n")
    result = run(values, "--definitions", definitions)
    assert result.exit_code == 0, result.output
    zone_values = services.indicator_values("census2022.population", "zone")
    assert zone_values == {"DC15": sum(1000 * (i + 1) for i in range(len(munis)))}  # only complete zones summed
    assert services.place_value("EC157", "census2022.population").source == "Stats SA Census 2022"
    note = IndicatorValue.objects.get(indicator__code="census2022.population", place__code="EC157").source_note
    assert note == "Census 2022 test"
    assert services.indicator_values("census2022.population", "province") == {}  # EC incomplete: no sum
    # A new governance indicator appears in section 7 of the profile.
    from django.test import Client

    html = Client().get("/profiles/municipalities/EC157/").content.decode()
    assert "Clean audit (1 = clean)" in html


def test_reimport_replaces_values(tmp_path):
    definitions = write(tmp_path, "defs.csv", DEFINITIONS)
    assert run(write(tmp_path, "a.csv", "place,indicator,year,value\nEC157,audit_clean,2023,0\n"),
               "--definitions", definitions).exit_code == 0
    assert run(write(tmp_path, "b.csv", "place,indicator,year,value\nEC157,audit_clean,2023,1\n")).exit_code == 0
    assert services.place_value("EC157", "audit_clean").value == 1


def test_packaged_and_duplicate_rows_are_refused(tmp_path):
    values = write(tmp_path, "v.csv", "place,indicator,year,value\nEC157,population,2016,1\n")
    result = run(values)
    assert result.exit_code == 1 and "packaged Stats SA tables" in result.output
    definitions = write(tmp_path, "defs.csv", DEFINITIONS)
    dup = write(tmp_path, "d.csv", "place,indicator,year,value\nEC157,audit_clean,2023,1\nEC157,audit_clean,2023,0\n")
    result = run(dup, "--definitions", definitions)
    assert result.exit_code == 1 and "duplicate of row 2" in result.output


def test_bad_definition_rows_are_reported(tmp_path):
    definitions = write(tmp_path, "defs.csv", "code,name,unit,universe,category,source,year\n"
                                              "x1,X,furlongs,x,demography,S,2022\nx2,Y,persons,x,nowhere,S,2022\n")
    values = write(tmp_path, "v.csv", "place,indicator,year,value\nEC157,x1,2022,1\n")
    result = run(values, "--definitions", definitions)
    assert result.exit_code == 1
    assert "unknown unit" in result.output and "unknown category" in result.output
    assert not IndicatorDefinition.objects.filter(code__in=["x1", "x2"]).exists()
