"""`ddm locate` and `ddm zones` through click's CliRunner."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from ddm.cli import cli

pytestmark = pytest.mark.django_db


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_point_prints_municipality_zone_and_province():
    result = run("locate", "--", "-29.8587", "31.0218")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["municipality", "ETH", "eThekwini"]
    assert lines[1].split() == ["zone", "ETH", "eThekwini"]
    assert lines[2].split() == ["province", "KZN", "KwaZulu-Natal"]


def test_point_json_shape():
    result = run("locate", "--json", "--", "-31.5889", "28.7844")
    assert result.exit_code == 0
    body = json.loads(result.stdout)
    assert set(body) == {"query", "municipality", "zone", "province", "ward", "precision", "demarcation_year"}
    assert body["municipality"]["code"] == "EC157" and body["zone"]["code"] == "DC15"
    assert body["province"] == {"code": "EC", "name": "Eastern Cape"} and body["precision"] == "point"


@pytest.mark.parametrize("lat, lon", [("-29.31", "27.48"), ("-26.3054", "31.1367"), ("-24.65", "25.91")])
def test_point_outside_south_africa_exits_1(lat, lon):
    result = run("locate", "--", lat, lon)
    assert result.exit_code == 1
    assert "not in South Africa" in result.stderr and result.stdout == ""
    assert "Traceback" not in result.output


@pytest.mark.parametrize("lat, lon, message", [
    ("abc", "31", "latitude 'abc' is not a number"), ("-29", "x1", "longitude 'x1' is not a number"),
    ("-95", "31", "latitude '-95' is out of range"), ("-29", "inf", "out of range"),
])
def test_bad_coordinates_exit_1_with_one_line(lat, lon, message):
    result = run("locate", "--", lat, lon)
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [["locate"], ["locate", "--", "-29"], ["locate", "--name", "X", "--", "-29", "31"]])
def test_usage_errors_exit_2(args):
    assert run(*args).exit_code == 2


def test_name_with_match_kind_and_score():
    result = run("locate", "--name", "Umtata")
    assert result.exit_code == 0
    assert "alias match, score 100" in result.stdout and "EC157" in result.stdout and "DC15" in result.stdout


def test_name_json():
    body = json.loads(run("locate", "--name", "Mthata", "--json").stdout)
    assert body["best"]["match"] == "fuzzy" and body["best"]["municipality"] == "EC157"
    assert 80 <= body["best"]["score"] < 100


def test_ambiguous_name_lists_candidates_and_exits_1():
    result = run("locate", "--name", "Middelburg")
    assert result.exit_code == 1
    assert "ambiguous" in result.stderr
    assert "EC131" in result.stdout and "MP313" in result.stdout
    narrowed = run("locate", "--name", "Middelburg", "--province", "MP")
    assert narrowed.exit_code == 0 and "MP313" in narrowed.stdout and "EC131" not in narrowed.stdout


def test_empty_or_unknown_name_exits_1():
    assert "empty name" in run("locate", "--name", "  ").stderr
    result = run("locate", "--name", "Xyzzyqwerty")
    assert result.exit_code == 1 and "no place matches" in result.stderr
    assert run("locate", "--name", "Middelburg", "--province", "Atlantis").exit_code == 1


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_csv_with_coordinates_keeps_every_row_and_reports_failures(tmp_path):
    source = _write(tmp_path, "in.csv", "id,Latitude,Longitude,note\n1,-29.8587,31.0218,a\n2,abc,31,b\n"
                                        "3,-29.31,27.48,c\n4,-25.7479,28.2293,d\n")
    out = str(tmp_path / "out.csv")
    result = run("locate", "--csv", source, "--out", out)
    assert result.exit_code == 0, result.output
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    assert [r["Latitude"] for r in rows] == ["-29.8587", "abc", "-29.31", "-25.7479"]  # data kept as it was
    assert [r["municipality_code"] for r in rows] == ["ETH", "", "", "TSH"]
    assert [r["zone_code"] for r in rows] == ["ETH", "", "", "TSH"]
    assert rows[0]["province_code"] == "KZN" and rows[0]["precision"] == "point"
    assert rows[1]["locate_error"] == "latitude 'abc' is not a number"
    assert rows[2]["locate_error"].startswith("not in South Africa; did you mean")  # the swapped point is named
    assert "the value was not changed" in rows[2]["locate_error"] and rows[2]["municipality_code"] == ""
    assert "placed 2 of 4 rows" in result.stderr
    assert "row 3: latitude 'abc' is not a number" in result.stderr and "row 4: not in South Africa" in result.stderr


def test_csv_with_place_names_and_province_column(tmp_path):
    source = _write(tmp_path, "names.csv", "project;town;province\nA;Umtata;\nB;Middelburg;\nC;Middelburg;MP\nD;;\n")
    result = run("locate", "--csv", source)  # no --out: standard output
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter=";"))
    assert [r["municipality_code"] for r in rows] == ["EC157", "", "MP313", ""]
    assert rows[0]["precision"] == "municipality"
    assert "ambiguous" in rows[1]["locate_error"] and rows[3]["locate_error"]
    assert "failed 2" in result.stderr


def test_csv_json_summary(tmp_path):
    source = _write(tmp_path, "in.csv", "lat,lon\n-29.8587,31.0218\n,\n")
    result = run("locate", "--csv", source, "--out", str(tmp_path / "o.csv"), "--json")
    body = json.loads(result.stdout)
    assert (body["rows"], body["placed"], body["failed_count"]) == (2, 1, 1)
    assert body["failed"] == [{"row": 3, "error": "no coordinates"}]


def test_csv_explicit_columns(tmp_path):
    source = _write(tmp_path, "in.csv", "a,b,c\n-29.8587,31.0218,x\n")
    out = tmp_path / "o.csv"
    assert run("locate", "--csv", source, "--out", str(out), "--lat-column", "a", "--lon-column", "b").exit_code == 0
    assert "ETH" in out.read_text()
    result = run("locate", "--csv", source, "--lat-column", "nope", "--lon-column", "b")
    assert result.exit_code == 1 and "no latitude column 'nope'" in result.stderr


def test_csv_without_usable_columns_is_one_line_error(tmp_path):
    source = _write(tmp_path, "in.csv", "a,b\n1,2\n")
    result = run("locate", "--csv", source)
    assert result.exit_code == 1
    assert "no latitude/longitude columns" in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("content", [None, b"\xff\xfe\x00binary\x00", b""])
def test_unreadable_csv_is_one_line_error(tmp_path, content):
    path = tmp_path / "in.csv"
    if content is not None:
        path.write_bytes(content)
    result = run("locate", "--csv", str(path))
    assert result.exit_code == 1 and str(path) in result.stderr
    assert "Traceback" not in result.output


def test_zones_lists_52():
    result = run("zones")
    assert result.exit_code == 0 and "52 zones" in result.stdout
    body = json.loads(run("zones", "--json").stdout)
    assert len(body) == 52 and {z["province"]["code"] for z in body} == {
        "EC", "FS", "GT", "KZN", "LIM", "MP", "NC", "NW", "WC"}


def test_an_unloaded_registry_is_one_clear_line(monkeypatch):
    monkeypatch.setattr("ddm.places.registry.is_loaded", lambda: False)
    for args in (["locate", "--", "-29.8587", "31.0218"], ["locate", "--name", "Umtata"], ["zones"]):
        result = run(*args)
        assert result.exit_code == 1 and "run `ddm setup` first" in result.stderr
