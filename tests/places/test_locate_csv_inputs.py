"""`ddm locate --csv` takes the CSV files officials really have (issue #10): quotes in cells,
UTF-8 with or without BOM, cp1252 (also after a BOM), , ; and tab separators; the output is
always correctly quoted; no input raises."""

import csv
import io

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddm.cli import cli

pytestmark = pytest.mark.django_db

SCHOOLS = [
    ("200100001", 'St Mary\'s "Convent" School', "Mthatha", "-31.5889", "28.7844"),
    ("200100002", "Hoërskool Wes-Kaap", "Durban", "-29.8587", "31.0218"),
    ("200100003", 'Ntsika "Junior, Secondary"', "Pretoria", "-25.7479", "28.2293"),
]


def _school_csv(delimiter=",", quoting=csv.QUOTE_MINIMAL):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting)
    writer.writerow(["NatEMIS", "Institution_Name", "Town_City", "GIS_Latitude", "GIS_Longitude"])
    for natemis, name, town, lat, lon in SCHOOLS:
        writer.writerow([natemis, name, town, lat, lon])
    return buffer.getvalue()


def _run(path, *extra):
    return CliRunner().invoke(cli, ["locate", "--csv", str(path), *extra])


ENCODINGS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8 BOM": lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    "cp1252": lambda text: text.encode("cp1252"),
    "BOM then cp1252": lambda text: b"\xef\xbb\xbf" + text.encode("cp1252"),
}


@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("quoting", [csv.QUOTE_MINIMAL, csv.QUOTE_ALL])
def test_school_list_with_quotes_in_names(tmp_path, encoding, delimiter, quoting):
    source = tmp_path / "schools.csv"
    source.write_bytes(ENCODINGS[encoding](_school_csv(delimiter, quoting)))
    out = tmp_path / "out.csv"
    result = _run(source, "--out", str(out))
    assert result.exit_code == 0, result.output
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=delimiter))
    assert [r["Institution_Name"] for r in rows] == [s[1] for s in SCHOOLS]  # quotes and accents kept
    assert [r["municipality_code"] for r in rows] == ["EC157", "ETH", "TSH"]


def test_a_4000_row_school_list(tmp_path):
    lines = ["NatEMIS,Institution_Name,GIS_Latitude,GIS_Longitude"]
    for i in range(4000):
        lines.append(f'{i},"School ""{i}"", Ward {i % 40}",{-25.5 - (i % 50) / 100},{28.2 + (i % 30) / 100}')
    source = tmp_path / "schools.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = _run(source, "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(open(out, newline="", encoding="utf-8")))
    assert len(rows) == 4000 and rows[7]["Institution_Name"] == 'School "7", Ward 7'


CELL = st.one_of(st.text(max_size=12), st.sampled_from(['"', '""', "'", ",", ";", "\t", "\r\n", "-29.8", "0",
                                                        "Mthatha", "é", "\x00", "\ufeff"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.lists(st.sampled_from(["lat", "lon", "town", "province", "name", "x", "GIS_Lat", ""]), max_size=5),
       rows=st.lists(st.lists(CELL, max_size=6), max_size=6), encoding=st.sampled_from(list(ENCODINGS)),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_no_input_raises(tmp_path, header, rows, encoding, delimiter):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in [header, *rows]:
        writer.writerow(row)
    try:
        data = ENCODINGS[encoding](buffer.getvalue())
    except UnicodeEncodeError:
        data = buffer.getvalue().encode("utf-8")
    source = tmp_path / "in.csv"
    source.write_bytes(data)
    result = _run(source, "--out", str(tmp_path / "out.csv"))
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
