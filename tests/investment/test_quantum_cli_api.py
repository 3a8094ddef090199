import json
from decimal import Decimal

import pytest
from _register import locate, org, project
from click.testing import CliRunner

from ddm.cli import cli
from ddm.investment.pilots import load_pilots

pytestmark = pytest.mark.django_db
ROW_KEYS = {"sphere", "organisation", "organisation_name", "financial_year", "kind", "amount", "apportioned",
            "sector", "municipality", "precision", "is_aggregate", "stated_calendar", "demo"}


@pytest.fixture
def data(db):
    load_pilots()
    p = project(org("t-nat"), "X", [("12.34", 2019, 2019)], sector="health")
    locate(p, municipality="LIM367")
    return p


def _run(*args):
    return CliRunner().invoke(cli, ["report", "quantum", *args])


def test_cli_json_shape(data):
    result = _run("--zone", "DC36", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert set(body) == {"zone", "calendar", "calendar_description", "view", "rows", "demo_rows", "totals",
                         "published_totals"}
    assert body["zone"] == {"code": "DC36", "name": "Waterberg"}
    assert (body["calendar"], body["view"]) == ("april", "annual")
    assert all(set(r) == ROW_KEYS for r in body["rows"])
    assert all(isinstance(r["amount"], str) for r in body["rows"])
    health = [r for r in body["rows"] if r["sector"] == "health"]
    assert health == [{"sphere": "national", "organisation": "t-nat", "organisation_name": "Test t-nat",
                       "financial_year": "2019/20", "kind": "budget", "amount": "12.34", "apportioned": False,
                       "sector": "health", "municipality": "LIM367", "precision": "municipality",
                       "is_aggregate": False, "stated_calendar": "april", "demo": False}]
    planned = [r for r in body["rows"] if r["kind"] == "planned"]
    assert planned[0]["financial_year"] is None
    assert set(body["totals"]) >= {"government", "private", "includes"}
    assert Decimal(body["totals"]["government"]["budget"]) == Decimal("25122000012.34")
    (published,) = body["published_totals"]
    assert published["stated_as"] == "R55.81 billion" and published["lines_sum"] == "55802300000.00"


def test_cli_stated_view_and_july_calendar(data):
    body = json.loads(_run("--zone", "ETH", "--json", "--view", "stated", "--calendar", "july").output)
    assert body["calendar"] == "july" and "July" in body["calendar_description"]
    spans = {r["financial_year"] for r in body["rows"]}
    assert "2019/20-2023/24" in spans and not any(r["apportioned"] for r in body["rows"])


def test_cli_errors_and_exit_codes(data):
    missing = _run("--zone", "XX99")
    assert missing.exit_code == 1 and "no zone" in missing.output and "Traceback" not in missing.output
    assert _run("--zone", "ETH", "--calendar", "march").exit_code == 2
    assert _run().exit_code == 2


def test_cli_text_csv_and_xlsx(data, tmp_path):
    text = _run("--zone", "ETH")
    assert text.exit_code == 0 and "R35.3 billion" in text.output and "Private budget (not added)" in text.output
    csv_out = _run("--zone", "ETH", "--csv", "-")
    assert csv_out.output.splitlines()[0].startswith("zone,calendar,view,sphere")
    target = tmp_path / "q.xlsx"
    assert _run("--zone", "ETH", "--xlsx", str(target)).exit_code == 0
    assert target.read_bytes()[:2] == b"PK"


def test_api_quantum_matches_cli(client, data):
    response = client.get("/api/zones/DC36/quantum")
    assert response.status_code == 200
    cli_body = json.loads(_run("--zone", "DC36", "--json").output)
    body = response.json()
    assert body.pop("page") == {"offset": 0, "limit": 1000, "row_count": len(cli_body["rows"]), "next_offset": None}
    assert body == cli_body
    assert client.get("/api/zones/XX99/quantum").status_code == 404
    assert client.get("/api/zones/ETH/quantum?calendar=march").status_code == 422
    assert client.get("/api/zones/DC36/quantum?limit=0").status_code == 422


def test_api_quantum_pages_rows_and_keeps_whole_totals(client, data):
    whole = json.loads(_run("--zone", "DC36", "--json").output)
    first = client.get("/api/zones/DC36/quantum?limit=2").json()
    assert first["rows"] == whole["rows"][:2] and first["totals"] == whole["totals"]
    assert first["page"] == {"offset": 0, "limit": 2, "row_count": len(whole["rows"]), "next_offset": 2}
    pages, offset = [], 0
    while offset is not None:
        body = client.get(f"/api/zones/DC36/quantum?limit=2&offset={offset}").json()
        pages += body["rows"]
        offset = body["page"]["next_offset"]
    assert pages == whole["rows"]


def test_api_projects(client, data):
    body = client.get(f"/api/projects/{data.pk}").json()
    assert body["reference"] == "X" and body["budget_lines"][0]["amount"] == "12.34"
    assert body["locations"][0]["municipality"] == "LIM367" and body["locations"][0]["zone"] == "DC36"
    assert client.get("/api/projects/99999999").status_code == 404
    page = client.get("/api/zones/DC36/projects?limit=2&offset=0").json()
    assert page["count"] == 6 and len(page["items"]) == 2  # 5 pilot lines + X
    assert client.get("/api/zones/XX99/projects").status_code == 404
    assert "/api/zones/{code}/quantum" in client.get("/api/openapi.json").json()["paths"]
