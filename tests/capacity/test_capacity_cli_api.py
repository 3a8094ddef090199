import json

from click.testing import CliRunner

from ddm.cli import cli


def test_report_skills_json_xlsx_and_text(db, make_audit, tmp_path):
    from ddm.capacity.models import RequirementOverride, Skill
    from ddm.capacity.services import audit_subject

    # Pin the requirements (overrides bypass the profile weight) so the expected sharing is fixed.
    for code in ("LIM362", "LIM367"):
        RequirementOverride.objects.create(municipality=audit_subject(code), required=1, reason="test",
                                           skill=Skill.objects.get(code="electrical_engineer"))
    make_audit("LIM362", [("Ann", "electrical_engineer", 4, True), ("Ben", "electrical_engineer", 3, False)])
    make_audit("LIM367", [("Eve", "civil_engineer", 2, True)])
    runner = CliRunner()
    result = runner.invoke(cli, ["report", "skills", "--zone", "dc36", "--json", "--xlsx", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["zone"] == "DC36"
    assert {"skill": "electrical_engineer", "from": "LIM362", "to": "LIM367", "surplus": 1, "gap": 1,
            "share": 1} in data["sharing"]
    assert (tmp_path / "r.xlsx").stat().st_size > 0
    text = runner.invoke(cli, ["report", "skills", "--zone", "DC36"])
    assert "share electrical_engineer: LIM362 -> LIM367" in text.stdout
    bad = runner.invoke(cli, ["report", "skills", "--zone", "XX1"])
    assert bad.exit_code == 1 and "no zone" in bad.stderr


def test_hubs_list_json(db, zone):
    from ddm.capacity.models import Hub

    hub = Hub.objects.create(name="Metros")
    hub.zones.set([zone("JHB"), zone("TSH")])
    result = CliRunner().invoke(cli, ["hubs", "list", "--json", "--today", "2024-01-01"])
    data = json.loads(result.stdout)
    assert [h["zones"] for h in data["hubs"]] == [["JHB", "TSH"]]
    assert len(data["zones_without_hub"]) == 50
    assert all(p["status"] == "vacant" for p in data["hubs"][0]["positions"])


def test_skills_api_matches_cli(client, make_audit):
    make_audit("LIM362", [("Ann", "electrical_engineer", 4, True)])
    api = client.get("/api/zones/DC36/skills").json()
    cli_data = json.loads(CliRunner().invoke(cli, ["report", "skills", "--zone", "DC36", "--json"]).stdout)
    assert api == cli_data
    assert client.get("/api/zones/NOPE/skills").status_code == 404
