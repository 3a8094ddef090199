"""PDF, XLSX and CLI outputs of a profile."""

import io
import json

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

from ddm.cli import cli
from ddm.numbers import number
from ddm.profiles import services

pytestmark = pytest.mark.django_db


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_download_is_a_multipage_profile_with_name_and_key_figures(client):
    response = client.get("/profiles/zones/DC15/profile.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pages, text = pdf_text(response.content)
    assert pages >= 3
    assert "O.R.Tambo" in text
    population = services.place_value("DC15", "population").value
    assert number(population) in text  # Census 2022, the newest figure
    water = services.place_value("DC15", "pct_persons_piped_water").value
    assert f"{water:.1f}%" in text
    assert "Community Survey 2016" in text


def test_cli_profile_pdf_xlsx_and_json(tmp_path):
    runner = CliRunner()
    pdf, xlsx = tmp_path / "p.pdf", tmp_path / "p.xlsx"
    result = runner.invoke(cli, ["profile", "DC15", "--pdf", str(pdf), "--xlsx", str(xlsx)])
    assert result.exit_code == 0, result.output
    assert pdf_text(pdf.read_bytes())[0] >= 3
    sheet = load_workbook(xlsx)["Profile"]
    header = [c.value for c in sheet[1]]
    assert {"value", "year", "source", "formula"} <= set(header)
    rows = [dict(zip(header, [c.value for c in r], strict=False)) for r in sheet.iter_rows(min_row=2) if r[1].value]
    population = next(r for r in rows if r["indicator code"] == "population" and r["place code"] == "DC15")
    assert population["value"] == float(services.place_value("DC15", "population").value)
    assert all(r["source"] and r["year"] for r in rows if r["value"] != "no data")
    result = runner.invoke(cli, ["profile", "EC157", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["place"]["code"] == "EC157" and data["columns"][1]["code"] == "DC15"


def test_cli_profile_unknown_code_is_a_domain_error():
    result = CliRunner().invoke(cli, ["profile", "XX9"])
    assert result.exit_code == 1 and "no zone or municipality" in result.output
    assert "Traceback" not in result.output
