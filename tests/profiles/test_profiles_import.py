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


def test_duplicate_rows_are_refused(tmp_path):
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


def test_a_new_vintage_of_a_packaged_indicator_keeps_the_old_one_and_becomes_the_headline(tmp_path):
    """E.g. Stats SA's errata for a Census 2022 municipality: no definition needed."""
    values = write(tmp_path, "errata.csv", "place,indicator,year,value,vintage,released,source\n"
                                           "MP326,population,2022,101010,Census 2022 errata,2024-03-01,Stats SA errata\n")
    result = run(values)
    assert result.exit_code == 0, result.output
    versions = IndicatorValue.objects.filter(indicator__code="population", place__code="MP326", year=2022)
    assert sorted(versions.values_list("vintage", flat=True)) == ["Census 2022", "Census 2022 errata"]
    found = services.place_value("MP326", "population")
    assert found.value == 101010 and found.source == "Stats SA errata"
    from ddm.profiles.sections import build_profile

    profile = build_profile(Place.objects.municipalities().get(code="MP326"))
    row = next(r for s in profile["sections"] for r in s["rows"] if r["code"] == "population")
    assert row["values"][0]["value"] == "101010.0000" and row["source"] == "Stats SA errata"
    # Packaged data reloaded: the imported vintage survives.
    from ddm.profiles import loader

    loader.load(force=True)
    assert services.place_value("MP326", "population").value == 101010


def test_categorical_values_are_a_value_type(tmp_path):
    definitions = write(tmp_path, "defs.csv", "code,name,unit,universe,category,source,year\n"
                                              "agsa_outcome,Audit outcome,category,municipality,governance,AGSA,2023\n")
    values = write(tmp_path, "v.csv", "place,indicator,year,value\nEC157,agsa_outcome,2023,Unqualified with findings\n"
                                      "EC157,audit_clean,2023,clean\n")
    first = write(tmp_path, "first.csv", "place,indicator,year,value\nEC157,audit_clean,2023,1\n")
    assert run(first, "--definitions", write(tmp_path, "counts.csv", DEFINITIONS)).exit_code == 0  # a count
    result = run(values, "--definitions", definitions)
    assert result.exit_code == 1
    assert "not a number" in result.output and "categorical" in result.output  # audit_clean is a count
    good = write(tmp_path, "good.csv", "place,indicator,year,value\nEC157,agsa_outcome,2023,Unqualified with findings\n")
    result = run(good, "--definitions", definitions)
    assert result.exit_code == 0, result.output
    value = IndicatorValue.objects.get(indicator__code="agsa_outcome", place__code="EC157")
    assert value.text == "Unqualified with findings" and value.value is None


def test_a_failed_definitions_file_does_not_flood_the_report_with_unknown_indicators(tmp_path):
    definitions = write(tmp_path, "defs.csv", "code,name,unit,universe,category,source,year\n"
                                              "x1,X,furlongs,x,demography,S,2022\n")
    rows = "\n".join(f"{code},x1,2022,{i}" for i, code in enumerate(["EC153", "EC154", "EC155", "EC156", "EC157"]))
    values = write(tmp_path, "v.csv", "place,indicator,year,value\n" + rows + "\n")
    result = CliRunner().invoke(cli, ["import", "indicators", str(values), "--definitions", str(definitions), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout[: result.stdout.rindex("}") + 1])
    messages = [e["message"] for e in report["errors"]]
    assert not any("unknown indicator" in m for m in messages)
    assert any("unknown unit" in m for m in messages)
    assert sum("x1" in m and "definitions file has errors" in m for m in messages) == 1
    assert len(messages) == 2
    unreadable = write(tmp_path, "empty.csv", "nothing here\n")
    result = run(values, "--definitions", unreadable)
    assert result.exit_code == 1 and "unknown indicator" not in result.output
