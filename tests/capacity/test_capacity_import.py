"""Skills audit imports: row errors name file/sheet/row/column/value/reason; all or nothing."""

import io

import pytest
from click.testing import CliRunner

from ddm.capacity.models import AuditEntry, SkillsAudit
from ddm.capacity.services import audit_subject
from ddm.capacity.skills_import import ImportRefused, import_skills, template_sheets
from ddm.cli import cli
from ddm.exports import xlsx_bytes

GOOD_AND_BAD = (
    "Municipality code,Post title,Person,Occupational category,Management,Skill,Level\n"
    "EC157,Process controller,Thandi,Technicians,no,water_engineer,advanced\n"      # row 2 ok
    "EC157,Water engineer,,Professionals,yes,Water engineer / process controller,4\n"  # row 3 ok (vacant, by name)
    "EC157,Planner,Sipho,Professionals,maybe,town_planner,expert\n"                 # row 4: two errors
    "EC157,Engineer,Lwazi,Professionals,yes,watr engineer,basic\n"                  # row 5: unknown skill
    "DC36,Accountant,Zola,Professionals,no,financial_accountant,intermediate\n"     # row 6: other municipality
    ",,,,,,\n"                                                                      # blank: skipped
)


def _run(text, **options):
    return import_skills(io.BytesIO(text.encode()), "audit.csv", audit_subject("EC157"), **options)


def test_bad_rows_reject_the_file_and_write_nothing(db):
    before = SkillsAudit.objects.count(), AuditEntry.objects.count()
    result = _run(GOOD_AND_BAD)
    assert result.status == "rejected" and result.audit is None
    assert (SkillsAudit.objects.count(), AuditEntry.objects.count()) == before
    errors = result.as_dict()["errors"]
    where = {(e["row"], e["column"].split(" ")[0]) for e in errors}
    assert where == {(4, "E"), (4, "G"), (5, "F"), (6, "A")}
    unknown = next(e for e in errors if e["row"] == 5)
    assert unknown["file"] == "audit.csv" and unknown["value"] == "watr engineer"
    assert "did you mean water_engineer" in unknown["message"]
    assert result.rows_read == 5 and result.rows_rejected == 3


def test_accept_valid_writes_only_the_good_rows(db):
    result = _run(GOOD_AND_BAD, accept_valid=True)
    assert result.status == "partial"
    entries = list(result.audit.entries.order_by("row"))
    assert [(e.row, e.person_name, e.skill.code, e.level, e.is_management) for e in entries] == [
        (2, "Thandi", "water_engineer", 3, False), (3, "", "water_engineer", 4, True)]
    assert result.audit.rows_rejected == 3 and len(result.audit.issues) == 4


def test_dry_run_writes_nothing(db):
    before = SkillsAudit.objects.count()
    result = _run(GOOD_AND_BAD.splitlines()[0] + "\n" + GOOD_AND_BAD.splitlines()[1] + "\n", dry_run=True)
    assert result.status == "valid" and SkillsAudit.objects.count() == before


def test_missing_required_column_refuses_the_file(db):
    with pytest.raises(ImportRefused, match="required column"):
        _run("Post title,Person,Skill\nEngineer,A,civil_engineer\n")


def test_template_round_trips_through_the_importer(db):
    data = xlsx_bytes(template_sheets())
    result = import_skills(io.BytesIO(data), "template.xlsx", audit_subject("EC157"))
    assert result.status == "committed" and result.audit.entries.count() == 2
    assert result.sheet == "skills audit"


def test_cli_import_rejected_exits_1_with_row_errors(db, tmp_path):
    path = tmp_path / "audit.csv"
    path.write_text(GOOD_AND_BAD)
    result = CliRunner().invoke(cli, ["import", "skills", str(path), "--municipality", "EC157", "--json"])
    assert result.exit_code == 1
    import json

    data = json.loads(result.stdout)
    assert data["status"] == "rejected" and data["entries_written"] == 0 and len(data["errors"]) == 4
    ok = CliRunner().invoke(cli, ["import", "skills", str(path), "--municipality", "EC157", "--accept-valid"])
    assert ok.exit_code == 0 and "2 written" in ok.stdout


def test_cli_import_user_errors(db, tmp_path):
    runner = CliRunner()
    missing = runner.invoke(cli, ["import", "skills", str(tmp_path / "none.csv"), "--municipality", "EC157"])
    assert missing.exit_code == 1 and "no such file" in missing.stderr
    path = tmp_path / "a.csv"
    path.write_text(GOOD_AND_BAD)
    unknown = runner.invoke(cli, ["import", "skills", str(path), "--municipality", "XX999"])
    assert unknown.exit_code == 1 and "no municipality" in unknown.stderr and "Traceback" not in unknown.output
    usage = runner.invoke(cli, ["import", "skills", str(path)])
    assert usage.exit_code == 2


def test_district_municipality_is_an_audit_subject(db):
    assert audit_subject("dc36").category == "C"
    assert audit_subject("ETH").level == "municipality"
    with pytest.raises(LookupError):
        audit_subject("GT")


def test_rejected_rows_file_reimports_after_fixing(db, tmp_path):
    import openpyxl

    path = tmp_path / "audit.csv"
    path.write_text(GOOD_AND_BAD)
    out = tmp_path / "rejected.xlsx"
    result = CliRunner().invoke(cli, ["import", "skills", str(path), "--municipality", "EC157", "--accept-valid",
                                      "--rejected", str(out)])
    assert result.exit_code == 0 and "3 rejected rows" in result.stderr
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("Municipality code", "Post title", "Person", "Occupational category", "Management",
                           "Skill", "Level")
    assert [r[1] for r in rows[1:]] == ["Planner", "Engineer", "Accountant"]
    assert "unknown skill" in rows[2][-1]
    # Fix the three rows in the rejected file and import it as-is.
    fixed = {2: ("no", "town_planner", "advanced", "EC157"), 3: ("yes", "water_engineer", "basic", "EC157"),
             4: ("no", "financial_accountant", "intermediate", "EC157")}
    for number, (mgmt, skill, level, muni) in fixed.items():
        sheet.cell(number, 5).value, sheet.cell(number, 6).value = mgmt, skill
        sheet.cell(number, 7).value, sheet.cell(number, 1).value = level, muni
    sheet.parent.save(out)
    again = import_skills(str(out), "rejected.xlsx", audit_subject("EC157"))
    assert again.status == "committed" and again.audit.entries.count() == 3
