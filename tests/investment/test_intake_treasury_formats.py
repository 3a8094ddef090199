"""National Treasury's formats as published (issue #10): MBRR SA36 "Detailed capital budget",
Budget Review infrastructure lists with bare years, units stated in a title block."""

import io
import json
from decimal import Decimal

import pytest
import xlsxwriter
from _intake_files import csv_file
from click.testing import CliRunner

from ddm.cli import cli
from ddm.investment.intake.pipeline import run_import
from ddm.investment.models import Project, Submission

pytestmark = pytest.mark.django_db

SA36_TOP = ["R thousand", "Function", "Project Decription", "Project Number", "Type", "MTSF Service Outcome", "IUDF",
            "Own Strategic Objectives", "Asset Class", "Asset Sub-Class", "Ward Location", "GPS Longitude",
            "GPS Lattitude", "Audited Outcome", "Current Year 2018/19",
            "2019/20 Medium Term Revenue & Expenditure Framework", None, None]
SA36_BOTTOM = [None] * 13 + ["2017/18", "Full Year Forecast", "Budget Year 2019/20", "Budget Year +1 2020/21",
                             "Budget Year +2 2021/22"]
SA36_ROWS = [
    ["Parent municipality:", None, None, None, None, None, None, None, None, None, None, None, None, None, None,
     None, None, None],
    [None, "Water Distribution", "Bulk water pipeline phase 2", "CPT-W-001", "New", "An efficient infrastructure",
     "Integrated infrastructure", "Basic services", "Water Supply Infrastructure", "Bulk Mains", "Ward 12",
     18.4897, -33.9249, 1500, 2000.5, 3000, 3500, 4000],
    [None, "Roads", "Resurfacing of main roads", "CPT-R-002", "Renewal", None, None, None, "Roads Infrastructure",
     "Roads", "Whole of the Metro", 0, 0, None, 800, 900, 1000, 1100],
    [None, "Community and Social Services", "Clinic upgrade", "CPT-H-003", "Upgrading", None, None, None,
     "Community Assets", "Clinics", "Wards 3, 4 and 7", None, None, 100, 120, 130, 0, None],
    ["Total Capital expenditure", None, None, None, None, None, None, None, None, None, None, None, None, 1600,
     2920.5, 4030, 4500, 5100],
]


def sa36_xlsx(rows=SA36_ROWS, top=SA36_TOP, bottom=SA36_BOTTOM, titles=("WC City of Cape Town - Supporting Table "
                                                                        "SA36 Detailed capital budget",)):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("SA36")
    for r, title in enumerate(titles):
        sheet.write(r, 0, title)
    start = len(titles)
    for c, value in enumerate(top):
        if value is not None:
            sheet.write(start, c, value)
    if top[15] and top[16] is None:
        sheet.merge_range(start, 15, start, 17, top[15])
    for r, row in enumerate([bottom, *rows] if bottom else rows, start=start + 1):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.close()
    buffer.seek(0)
    buffer.name = "CPT SA36 2019-20.xlsx"
    return buffer


def lines(project):
    return {(l.kind, l.fy_first, l.phase): l.amount for l in project.budget_lines.all()}


def test_sa36_as_published(organisation):
    cpt = organisation("CPT")
    submission = run_import(sa36_xlsx(), cpt, None, "cli")
    assert submission.status == "committed", submission.errors
    assert submission.projects_created == 3
    water = Project.objects.get(organisation=cpt, reference="CPT-W-001")
    assert water.title == "Bulk water pipeline phase 2"
    assert water.extra["Function"] == "Water Distribution" and water.extra["Asset Sub-Class"] == "Bulk Mains"
    # R thousand from the header's first cell; audited outcome = actual; forecast = adjusted, never budget.
    assert lines(water) == {
        ("actual", 2017, "Audited Outcome"): Decimal("1500000.00"),
        ("adjusted", 2018, "Full Year Forecast"): Decimal("2000500.00"),
        ("budget", 2019, ""): Decimal("3000000.00"),
        ("budget", 2020, ""): Decimal("3500000.00"),
        ("budget", 2021, ""): Decimal("4000000.00"),
    }
    assert water.budget_lines.first().fy_start_month == 7
    (point,) = water.locations.all()
    assert point.precision == "point" and point.municipality.code == "CPT"  # the point beats "Ward 12"
    roads = Project.objects.get(organisation=cpt, reference="CPT-R-002")
    (whole,) = roads.locations.all()
    assert (whole.precision, whole.municipality.code) == ("municipality", "CPT")
    clinic = Project.objects.get(organisation=cpt, reference="CPT-H-003")
    assert sorted(l.place.name for l in clinic.locations.all()) == ["Ward 3", "Ward 4", "Ward 7"]
    assert {l.precision for l in clinic.locations.all()} == {"ward"}
    messages = " | ".join(w["message"] for w in submission.warnings)
    assert "0 or a placeholder is not a coordinate" in messages
    assert "whole area" in messages
    assert "R thousand" in submission.options["unit_statement"]
    assert "column A" in submission.options["unit_statement"]


def test_sa36_single_row_header_years_from_the_title(organisation):
    top = ["Function", "Project Decription", "Project Number", "Ward Location", "Audited Outcome",
           "Current Year Full Year Forecast", "Budget Year", "Budget Year +1", "Budget Year +2"]
    rows = [["Water", "Reservoir", "ETH-1", "12", 10, 20, 30, 40, 50]]
    titles = ("KZN eThekwini - Supporting Table SA36 Detailed capital budget",
              "2019/20 Medium Term Revenue & Expenditure Framework", "R thousand")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("SA36")
    for r, row in enumerate([[t] for t in titles] + [top] + rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    buffer.seek(0)
    buffer.name = "eth.xlsx"
    eth = organisation("ETH")
    submission = run_import(buffer, eth, None, "cli")
    assert submission.status == "committed", submission.errors
    project = Project.objects.get(organisation=eth, reference="ETH-1")
    assert {(k, y) for k, y, _p in lines(project)} == {("actual", 2017), ("adjusted", 2018), ("budget", 2019),
                                                      ("budget", 2020), ("budget", 2021)}
    assert lines(project)[("budget", 2021, "")] == Decimal("50000.00")
    assert "title block, row 3" in submission.options["unit_statement"]
    (ward,) = project.locations.all()
    assert (ward.precision, ward.place.name, ward.municipality.code) == ("ward", "Ward 12", "ETH")


def test_sa36_relative_columns_without_a_year_are_a_clear_error(organisation):
    text = "Project Decription,Budget Year +1,Budget Year +2\nReservoir,10,20\n"
    submission = run_import(csv_file(text), organisation("ETH"), None, "cli")
    assert submission.status == "rejected"
    assert "which year the budget year is" in submission.errors[0]["message"]


BUDGET_REVIEW = ("government_institution,project_name,financial_year,budget_phase,amount_rands,gps_code\n"
                 "Water and Sanitation,Bulk water scheme,2019,MTEF,1000,Not specified\n"
                 "Water and Sanitation,Bulk water scheme,2017,Audited Outcome,500,Not specified\n")


def test_bare_years_need_a_convention_then_it_is_remembered(tmp_path, organisation):
    path = tmp_path / "br.csv"
    path.write_text(BUDGET_REVIEW)
    runner = CliRunner()
    refused = runner.invoke(cli, ["import", "projects", str(path), "-o", "DWS"])
    assert refused.exit_code == 1 and "--years start|end" in refused.stderr
    ok = runner.invoke(cli, ["import", "projects", str(path), "-o", "DWS", "--years", "end", "--json", "--publish"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["options"]["years"] == "end"
    project = Project.objects.get(organisation__code="nat-water-and-sanitation", title="Bulk water scheme")
    assert {(l.kind, l.fy_first) for l in project.budget_lines.all()} == {("budget", 2018), ("actual", 2016)}
    again = runner.invoke(cli, ["import", "projects", str(path), "-o", "DWS", "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["options"]["years_source"].startswith("remembered from submission")


def test_unit_in_title_block_unit_option_and_implausible_amounts(organisation):
    text = "Amounts in R million\n\nProject,Local municipality,Budget 2019/20\nDam,EC157,12000\n"
    ksd = organisation("EC157")
    submission = run_import(csv_file(text), ksd, None, "cli", dry_run=True)
    assert "R million" in submission.options["unit_statement"]
    implausible = [w for w in submission.warnings if "implausible" in w["message"]]
    assert implausible and "R million" in implausible[0]["message"]
    overridden = run_import(csv_file(text), ksd, None, "cli", options={"unit": "rand"})
    assert overridden.status == "committed" and not [w for w in overridden.warnings if "implausible" in w["message"]]
    assert Project.objects.get(organisation=ksd, title="Dam").budget_lines.get().amount == Decimal("12000.00")


def test_a_column_unit_beats_the_title_block(organisation):
    text = "R thousands\nProject,Local municipality,Budget 2019/20 (R),2020/21\nDam,EC157,1500,2\n"
    ksd = organisation("EC157")
    assert run_import(csv_file(text), ksd, None, "cli").status == "committed"
    amounts = {l.fy_first: l.amount for l in Project.objects.get(title="Dam").budget_lines.all()}
    assert amounts == {2019: Decimal("1500.00"), 2020: Decimal("2000.00")}


def test_demo_uses_the_stated_convention():
    assert Submission.objects.filter(channel="demo").exists() is False or True
    from ddm.investment.intake import demo

    assert demo.YEARS == "start"
    parts = demo.budget_review_parts()
    first = next(iter(parts.values())).decode()
    assert ",2015," in first or ",2016," in first  # rows as published, no rewritten labels


def test_upload_preview_asks_for_bare_years_and_states_the_unit(client_for, organisation):
    from ddm.accounts.models import RoleKind

    dws = organisation("nat-water-and-sanitation")
    client = client_for(RoleKind.SUBMITTER, organisation=dws)
    upload = csv_file("R thousand\n" + BUDGET_REVIEW, name="br.csv")
    response = client.post("/investment/submissions/new/", {"organisation": dws.pk, "file": upload, "sheet": "",
                                                             "mode": "all"})
    page = client.get(response.url).content.decode()
    assert "bare years such as 2019" in page and "R thousand" in page and "title block, row 1" in page
    preview = Submission.objects.latest("pk")
    again = client.post(f"/investment/submissions/{preview.pk}/reread/", {"years": "start", "unit": ""})
    reread = Submission.objects.latest("pk")
    assert again.status_code == 302 and reread.status == "preview", reread.errors
    assert reread.options["years"] == "start"
    assert client.post(f"/investment/submissions/{reread.pk}/commit/").status_code == 302
    reviewer = client_for(RoleKind.APPROVER, organisation=dws)
    assert reviewer.post(f"/investment/submissions/{reread.pk}/approve/").status_code == 302
    committed = Submission.objects.latest("pk")
    assert committed.status == "committed" and committed.options["years_source"] == "stated"
    project = Project.objects.get(organisation=dws, title="Bulk water scheme")
    assert {(l.kind, l.fy_first, l.amount) for l in project.budget_lines.all()} == {
        ("budget", 2019, Decimal("1000.00")), ("actual", 2017, Decimal("500.00"))}  # amount_rands beats the title


@pytest.mark.parametrize("title, department, expected", [
    ("Mogalakwena bulk water supply phase 1", "Water and Sanitation", "water"),
    ("Sedibeng bulk regional sewerage", "Water and Sanitation", "sanitation"),
    ("Limpopo region", "Water and Sanitation", "water"),
    ("Ngqeleni reservoir", "", "water"),
    ("Borehole drilling, Ward 4", "", "water"),
    ("N2 Wild Coast toll road bridge", "", "transport"),
    ("Lusaka community health centre", "Health", "health"),
    ("Mthatha clinic", "", "health"),
    ("Police stations", "Police", "safety"),
    ("MyCiti phase 2A", "Transport", "transport"),
])
def test_sector_inferred_from_title_and_department(title, department, expected):
    from ddm.investment.intake.sectors import infer_sector

    sector, evidence = infer_sector([("title", title), ("department", department)])
    assert sector == expected and evidence.startswith("from the ")


def test_sector_inferred_marked_and_not_overwriting_an_edit(organisation):
    text = ("Project,Sector,Local municipality,Budget 2019/20\n"
            "Ngqeleni bulk water,Economic Services and Infrastructure,EC153,10\nMthatha clinic,,EC157,5\n")
    dws = organisation("nat-water-and-sanitation")
    assert run_import(csv_file(text), dws, None, "cli").status == "committed"
    water = Project.objects.get(organisation=dws, title="Ngqeleni bulk water")
    assert water.sector == "water" and water.extra["sector_inferred"] == "from the title: 'bulk water'"
    assert water.extra["sector_as_given"] == "Economic Services and Infrastructure"
    clinic = Project.objects.get(organisation=dws, title="Mthatha clinic")
    assert clinic.sector == "health" and "sector_inferred" in clinic.extra
    clinic.sector = "social"  # an analyst corrects it
    clinic.save()
    assert run_import(csv_file(text), dws, None, "cli").status == "committed"
    clinic.refresh_from_db()
    assert clinic.sector == "social"


def test_budget_review_demo_water_projects_are_water():
    from ddm.investment.intake.demo import load_budget_review_demo

    load_budget_review_demo(lambda m: None)
    dws = Project.objects.filter(organisation__code="nat-water-and-sanitation")
    assert dws.exists() and set(dws.values_list("sector", flat=True)) <= {"water", "sanitation"}
    assert dws.filter(sector="water").exists()


CONSOLIDATED = ("Provincial infrastructure projects 2019/20, R thousand\n"
                "Department,Province,Project,Local municipality,Budget 2019/20\n"
                "Health,KwaZulu-Natal,Clinic A,KZN225,100\n"
                "Education,KwaZulu-Natal,School B,KZN225,200\n"
                "Health,Eastern Cape,Clinic C,EC157,300\n")


def test_consolidated_file_one_submission_per_organisation(tmp_path, make_user):
    from ddm.accounts.models import Organisation, RoleKind
    from ddm.places.models import Place

    path = tmp_path / "consolidated.csv"
    path.write_text(CONSOLIDATED)
    kzn = Place.objects.provinces().get(code="KZN")
    make_user("kzn-treasury", RoleKind.CONSOLIDATOR, province=kzn)
    runner = CliRunner()
    refused = runner.invoke(cli, ["import", "projects", str(path), "--consolidated", "--user", "kzn-treasury"])
    assert refused.exit_code == 1 and "may not submit for" in refused.stderr  # EC Health is out of its scope
    assert not Project.objects.filter(title__in=["Clinic A", "School B", "Clinic C"]).exists()
    make_user("dcog", RoleKind.CONSOLIDATOR)
    ok = runner.invoke(cli, ["import", "projects", str(path), "--consolidated", "--user", "dcog", "--json"])
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.stdout)
    assert sorted(s["organisation"] for s in data["submissions"]) == ["ec-health", "kzn-education", "kzn-health"]
    assert {s["status"] for s in data["submissions"]} == {"submitted"}  # each awaits its own review
    published = runner.invoke(cli, ["import", "projects", str(path), "--consolidated", "--publish", "--json"])
    assert published.exit_code == 0, published.output
    clinic = Project.objects.get(title="Clinic A")
    assert clinic.organisation.code == "kzn-health"
    assert clinic.budget_lines.get().amount == Decimal("100000.00")  # the title block's unit, in each part
    again = runner.invoke(cli, ["import", "projects", str(path), "--consolidated", "--publish", "--json"])
    assert again.exit_code == 0
    assert all(s["counts"]["projects_unchanged"] == 1 for s in json.loads(again.stdout)["submissions"])
    assert Organisation.objects.get(code="ec-health").projects.count() == 1


def test_consolidated_file_refused_part_writes_nothing(tmp_path):
    path = tmp_path / "consolidated.csv"
    path.write_text(CONSOLIDATED + "Health,KwaZulu-Natal,Clinic D,KZN225,-5\nNo Such Dept,KwaZulu-Natal,X,KZN225,1\n")
    result = CliRunner().invoke(cli, ["import", "projects", str(path), "--consolidated"])
    assert result.exit_code == 1 and "No Such Dept" in result.stderr
    path.write_text(CONSOLIDATED + "Health,KwaZulu-Natal,Clinic D,KZN225,-5\n")
    result = CliRunner().invoke(cli, ["import", "projects", str(path), "--consolidated"])
    assert result.exit_code == 1 and "nothing was written for any organisation" in result.stderr
    assert not Project.objects.filter(title__in=["Clinic A", "School B", "Clinic C"]).exists()
