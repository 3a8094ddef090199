"""The import pipeline on spreadsheets as officials make them."""

import io
from decimal import Decimal

import pytest
from _intake_files import csv_file, xlsx

from ddm.accounts.models import RoleKind
from ddm.investment.intake.pipeline import run_import
from ddm.investment.intake.results import rejected_xlsx
from ddm.investment.models import BudgetLine, Location, Project, Submission

pytestmark = pytest.mark.django_db

WIDE_HEADER = ["LM", "Project No", "Name of project", "Budget 2019/20 (R'000)", "MTEF 2020/21 (R'000)",
               "2021/22 (R'000)", "Sector", "Contractor"]


def wide_file(changes=None):
    rows = [
        WIDE_HEADER,
        ["EC153", "DWS-001", "Ngqeleni bulk water", 1200, "1 500", "-", "Water & Sanitation", "Acme"],
        ["King Sabata Dalindyebo", "DWS-002", "Mthatha dam outlet", "2 000,50", 2500, 3000, "Water", None],
        [None, None, None, None, None, None, None, None],
        ["Total", None, None, 3200.5, 4000, 3000, None, None],
    ]
    for (r, c), value in (changes or {}).items():
        rows[r][c] = value
    return xlsx(rows, title_rows=["Department of Water and Sanitation", "Projects in O.R. Tambo, MTEF 2019/20"])


def lines_of(project):
    return {(l.kind, l.fy_first, l.fy_last): l.amount for l in project.budget_lines.all()}


def test_wide_form_under_a_title_block(organisation):
    dws = organisation("nat-water-and-sanitation")
    submission = run_import(wide_file(), dws, None, "cli")
    assert submission.status == "committed", submission.errors
    assert (submission.rows_read, submission.projects_created) == (2, 2)
    first = Project.objects.get(organisation=dws, reference="DWS-001")
    assert first.title == "Ngqeleni bulk water" and first.sector == "water"
    # R'000 in the header: 1 200 -> R1 200 000; "-" is no amount, not a zero line.
    assert lines_of(first) == {("budget", 2019, 2019): Decimal("1200000.00"),
                               ("budget", 2020, 2020): Decimal("1500000.00")}
    assert first.extra["Contractor"] == "Acme" and first.extra["sector_as_given"] == "Water & Sanitation"
    created = first.history.get()  # the history row written with the bulk insert
    assert (created.history_type, created.extra, created.title) == ("+", first.extra, first.title)
    assert abs((created.history_date - first.created).total_seconds()) < 60
    assert "submission" in created.history_change_reason
    (location,) = first.locations.all()
    assert (location.precision, location.municipality.code, location.zone.code) == ("municipality", "EC153", "DC15")
    messages = [w["message"] for w in submission.warnings]
    assert any("Contractor" in m and "kept as extra" in m for m in messages)
    total_warning = next(w for w in submission.warnings if "total row" in w["message"])
    assert total_warning["row"] == 8 and total_warning["sheet"] == "Projects"
    no_amount = next(w for w in submission.warnings if "no amount" in w["message"])
    assert no_amount["column"] == "F (2021/22 (R'000))" and no_amount["row"] == 5
    assert not Project.objects.filter(organisation=dws, title__iexact="total").exists()


def test_same_file_twice_changes_nothing_and_a_changed_amount_is_history(organisation, make_user):
    dws = organisation("nat-water-and-sanitation")
    official = make_user("dws-official", RoleKind.SUBMITTER, organisation=dws)
    run_import(wide_file(), dws, official, "cli")
    counts = (Project.history.count(), BudgetLine.history.count(), Location.history.count())
    again = run_import(wide_file(), dws, official, "cli")
    assert (again.projects_created, again.projects_updated, again.projects_unchanged) == (0, 0, 2)
    assert (Project.history.count(), BudgetLine.history.count(), Location.history.count()) == counts
    changed = run_import(wide_file({(1, 3): 1300}), dws, official, "cli")
    assert (changed.projects_updated, changed.projects_unchanged) == (1, 1)
    line = BudgetLine.objects.get(project__reference="DWS-001", fy_first=2019)
    assert line.amount == Decimal("1300000.00")
    latest, previous = line.history.all()[:2]
    assert (previous.amount, latest.amount) == (Decimal("1200000.00"), Decimal("1300000.00"))
    assert latest.history_user == official and latest.history_type == "~"
    assert (previous.history_type, previous.history_user) == ("+", official)
    assert previous.instance.project.reference == "DWS-001"


def test_long_form_semicolon_csv_groups_rows_into_projects(organisation):
    org = organisation("EC157")
    text = ("Project;Project ID;Financial year;Amount (R);Kind;Municipality;Ward\n"
            "Mthatha CBD roads;KSD-7;2019/20;1 000 000,00;Budget;King Sabata Dalindyebo;\n"
            "Mthatha CBD roads;KSD-7;2020/21;1 100 000,00;Budget;King Sabata Dalindyebo;\n"
            "Mthatha CBD roads;KSD-7;2019/20;950 000,00;Actual;King Sabata Dalindyebo;\n"
            "Ngangelizwe hall;KSD-8;2019/2020;R2.5m;;EC157;5\n")
    submission = run_import(csv_file(text, encoding="cp1252"), org, None, "cli")
    assert submission.status == "committed", submission.errors
    roads = Project.objects.get(organisation=org, reference="KSD-7")
    assert lines_of(roads) == {("budget", 2019, 2019): Decimal("1000000.00"),
                               ("budget", 2020, 2020): Decimal("1100000.00"),
                               ("actual", 2019, 2019): Decimal("950000.00")}
    assert roads.budget_lines.first().fy_start_month == 7  # a municipality's July-June calendar
    hall = Project.objects.get(organisation=org, reference="KSD-8")
    (location,) = hall.locations.all()
    assert location.precision == "ward" and location.place.name == "Ward 5" and location.municipality.code == "EC157"


def test_conflicting_rows_of_one_project_are_blocking(organisation):
    org = organisation("EC157")
    text = ("Project;Project ID;Financial year;Amount\n"
            "Roads;KSD-7;2019/20;100\nRoads;KSD-7;2019/20;200\nOther name;KSD-7;2020/21;5\n")
    submission = run_import(csv_file(text), org, None, "cli")
    assert submission.status == "rejected"
    assert [e["row"] for e in submission.errors] == [3, 4]
    assert "R100.00 on row 2 and R200.00 here" in submission.errors[0]["message"]
    assert "title is 'Roads' on row 2" in submission.errors[1]["message"]
    assert not Project.objects.filter(organisation=org, reference="KSD-7").exists()
    # Writing the valid rows would write half of KSD-7 (its first row): nothing is written.
    text += "Bridge;KSD-9;2019/20;7\n"
    submission = run_import(csv_file(text), org, None, "cli", accept_valid=True)
    assert submission.status == "rejected" and "nothing was written" in submission.errors[-1]["message"]
    assert not Project.objects.filter(organisation=org).exists()


def bad_file():
    return xlsx([
        ["Project name", "Ref", "Latitude", "Longitude", "Budget 2019/20"],
        ["Durban pipe", "P1", "29°51'31\"S", "31 01 18 E", "1 000"],
        ["Swapped point", "P2", 31.02, -29.85, 500],
        ["Negative", "P3", None, None, "-20"],
        ["Bad year cell", "P4", None, None, "twelve"],
    ])


def test_all_or_nothing_by_default(organisation):
    org = organisation("nat-transport")
    submission = run_import(bad_file(), org, None, "cli")
    assert submission.status == "rejected" and submission.rows_rejected == 3
    assert not Project.objects.filter(organisation=org).exists()
    by_row = {e["row"]: e for e in submission.errors}
    assert "outside South Africa" in by_row[3]["message"] and "swapped" in by_row[3]["message"]
    assert "the value was not changed" in by_row[3]["message"]
    assert by_row[3]["column"] == "C (Latitude) / D (Longitude)"
    assert "negative" in by_row[4]["message"] and by_row[4]["value"] == "-20"
    assert by_row[5]["column"] == "E (Budget 2019/20)"


def test_accept_valid_writes_the_rest_and_the_rejected_rows_reimport_after_fixing(organisation):
    org = organisation("nat-transport")
    submission = run_import(bad_file(), org, None, "cli", accept_valid=True)
    assert submission.status == "partial" and submission.projects_created == 1
    (project,) = Project.objects.filter(organisation=org)
    assert project.locations.get().zone.code == "ETH"
    data = rejected_xlsx(submission)
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    assert [c.value for c in sheet[1]] == ["Project name", "Ref", "Latitude", "Longitude", "Budget 2019/20", "errors"]
    assert sheet.max_row == 4
    # The official fixes the three rows in Excel and imports the same file again.
    sheet["C2"], sheet["D2"] = -29.85, 31.02
    sheet["E3"], sheet["E4"] = "20", "12"
    fixed = io.BytesIO()
    book.save(fixed)
    fixed.seek(0)
    fixed.name = "rejected-fixed.xlsx"
    again = run_import(fixed, org, None, "cli")
    assert again.status == "committed", again.errors
    assert again.projects_created == 3
    assert Project.objects.filter(organisation=org).count() == 4


def test_dry_run_writes_nothing_but_counts(organisation):
    org = organisation("nat-water-and-sanitation")
    preview = run_import(wide_file(), org, None, "upload", dry_run=True)
    assert preview.status == "preview" and preview.projects_created == 2
    assert not Project.objects.filter(organisation=org).exists()
    assert Submission.objects.get(pk=preview.pk).source_file  # the file is kept with the submission


def test_places_by_name_list_town_and_ambiguity(organisation):
    org = organisation("nat-health")
    submission = run_import(xlsx([
        ["Project", "Municipality", "Town", "Province", "Amount", "FY"],
        ["Two LMs", "EC153; EC154", None, None, 10, "2019/20"],
        ["Old name", None, "Umtata", None, 10, "2019/20"],
        ["Province only", None, None, "KZN", 10, "2019/20"],
        ["Ambiguous town", None, "Middelburg", None, 10, "2019/20"],
        ["Unknown place", "Nowhereville", None, None, 10, "2019/20"],
    ]), org, None, "cli", accept_valid=True)
    errors = {e["row"]: e["message"] for e in submission.errors}
    assert set(errors) == {5, 6}
    assert "ambiguous" in errors[5] and "MP" in errors[5] and "EC" in errors[5]
    assert "Nowhereville" in errors[6]
    two = Project.objects.get(organisation=org, title="Two LMs")
    assert sorted(l.municipality.code for l in two.locations.all()) == ["EC153", "EC154"]
    assert all(l.share is None for l in two.locations.all())  # blank share = equal shares
    umtata = Project.objects.get(organisation=org, title="Old name").locations.get()
    assert (umtata.municipality.code, umtata.zone.code) == ("EC157", "DC15")
    province = Project.objects.get(organisation=org, title="Province only").locations.get()
    assert province.precision == "province" and province.zone is None
    assert any(w["row"] == 4 and "only to a province" in w["message"] for w in submission.warnings)


def test_point_disagreeing_with_named_municipality_is_a_warning(organisation):
    org = organisation("nat-health")
    submission = run_import(xlsx([
        ["Project", "GPS", "Local municipality", "Allocation", "Financial year"],
        ["Clinic", "-29.8587, 31.0218", "King Sabata Dalindyebo", "R1 million", "2019/20"],
        ["No place", None, None, "R1 million", "2019/20"],
    ]), org, None, "cli")
    assert submission.status == "committed"
    warning = next(w for w in submission.warnings if w["row"] == 2)
    assert "lies in eThekwini" in warning["message"] and "ETH" in warning["message"]
    assert any(w["row"] == 3 and "unmapped" in w["message"] for w in submission.warnings)
    assert Project.objects.get(organisation=org, title="No place").locations.count() == 0


def test_missing_required_column_and_non_spreadsheet_are_refused(organisation):
    org = organisation("nat-health")
    missing = run_import(xlsx([["Project", "Municipality"], ["Clinic", "KSD"]]), org, None, "cli")
    assert missing.status == "rejected"
    message = missing.errors[0]["message"]
    assert "required column(s) missing: an amount column: 'Amount' beside a 'Financial year' column" in message
    assert not message.startswith("projects.xlsx")  # the file and sheet are named once, by the issue
    pdf = io.BytesIO(b"%PDF-1.7\x00binary")
    pdf.name = "scan.pdf"
    refused = run_import(pdf, org, None, "cli")
    assert refused.status == "rejected" and "not a spreadsheet" in refused.errors[0]["message"]


def test_bare_year_column_is_blocking(organisation):
    org = organisation("nat-health")
    submission = run_import(xlsx([["Project", "FY2020"], ["Clinic", 100]]), org, None, "cli")
    assert submission.status == "rejected"
    assert "2019/20 or 2020/21" in submission.errors[0]["message"]


def test_without_reference_column_references_are_derived_and_stable(organisation):
    org = organisation("nat-health")
    rows = [["Project name", "Municipality", "Budget 2019/20"], ["Clinic A", "EC153", 10], ["Clinic A", "EC154", 20]]
    first = run_import(xlsx(rows), org, None, "cli")
    assert first.projects_created == 2  # same title, different place: two projects
    assert any("derived from its name and place" in w["message"] for w in first.warnings)
    again = run_import(xlsx(rows), org, None, "cli")
    assert again.projects_unchanged == 2 and again.projects_created == 0
    assert all(p.reference.startswith("auto-") for p in Project.objects.filter(organisation=org))


def test_every_sheet_or_one(organisation):
    org = organisation("nat-health")
    book = xlsx([["Project", "Ref", "2019/20"], ["A", "A1", 1]],
                extra_sheets=[("Notes", [["Read me first"]], []), ("More", [["Project", "Ref", "2019/20"], ["B", "B1", 2]], [])])
    all_sheets = run_import(book, org, None, "cli")
    assert all_sheets.status == "committed" and all_sheets.projects_created == 2
    assert any(w["sheet"] == "Notes" and "sheet skipped" in w["message"] for w in all_sheets.warnings)
    one = run_import(book, org, None, "cli", sheet="More")
    assert one.projects_unchanged == 1 and one.rows_read == 1


def test_stated_precision_coarsens_a_point_and_unknown_precision_is_an_error(organisation):
    org = organisation("nat-health")
    submission = run_import(xlsx([
        ["Project", "GPS", "Precision", "Budget 2019/20"],
        ["Centroid clinic", "-31.5889, 28.7844", "Local municipality", 10],
        ["Exact clinic", "-31.5889, 28.7844", None, 10],
        ["Odd", "-31.5889, 28.7844", "somewhere", 10],
    ]), org, None, "cli", accept_valid=True)
    assert [e["row"] for e in submission.errors] == [4]
    centroid = Project.objects.get(organisation=org, title="Centroid clinic").locations.get()
    assert (centroid.precision, centroid.municipality.code) == ("municipality", "EC157")
    assert centroid.latitude == pytest.approx(-31.5889)
    assert Project.objects.get(organisation=org, title="Exact clinic").locations.get().precision == "point"


def test_rows_of_one_project_across_chunks(organisation, monkeypatch):
    """A year-sorted long-form file: a project's rows are far apart (here: in different chunks)."""
    from ddm.investment.intake import pipeline

    monkeypatch.setattr(pipeline, "CHUNK", 2)
    org = organisation("EC157")
    text = ("Project ID;Project;Description;Financial year;Amount;Municipality\n"
            "A;Roads;;2019/20;100;EC157\n"
            "B;Hall;Community hall;2019/20;50;EC157\n"
            "A;Roads;Tarring;2020/21;110;EC156\n"   # fills the description, adds a place
            "B;Hall;;2019/20;50;EC157\n"             # the same statement again: fine
            "A;Roads;;2019/20;120;EC157\n"           # conflicts with row 2 (another chunk)
            "B;Hall B;;2021/22;10;EC157\n")          # conflicts with row 3's name (another chunk)
    submission = run_import(csv_file(text), org, None, "cli", accept_valid=True)
    # Issue #15: a conflict blocks the file, also with accept_valid (writing row 2 alone would be half of A).
    assert [(e["row"], "on row" in e["message"]) for e in submission.errors[:2]] == [(6, True), (7, True)]
    assert submission.status == "rejected" and not Project.objects.filter(organisation=org).exists()
    text = text.rsplit("A;Roads;;2019/20;120", 1)[0]
    submission = run_import(csv_file(text), org, None, "cli", accept_valid=True)
    assert submission.status == "committed", submission.errors
    roads = Project.objects.get(organisation=org, reference="A")
    assert roads.description == "Tarring"
    assert lines_of(roads) == {("budget", 2019, 2019): Decimal("100.00"), ("budget", 2020, 2020): Decimal("110.00")}
    assert sorted(l.municipality.code for l in roads.locations.all()) == ["EC156", "EC157"]
    assert submission.projects_created == 2 and submission.rows_rejected == 0
    again = run_import(csv_file(text), org, None, "cli", accept_valid=True)
    assert again.projects_unchanged == 2 and again.projects_updated == 0


def test_a_moved_project_loses_its_old_place_with_history(organisation):
    org = organisation("EC157")
    run_import(csv_file("Project ID;Project;2019/20;Municipality\nA;Roads;100;EC157\n"), org, None, "cli")
    moved = run_import(csv_file("Project ID;Project;2019/20;Municipality\nA;Roads;100;EC156\n"), org, None, "cli")
    assert moved.projects_updated == 1
    project = Project.objects.get(organisation=org, reference="A")
    assert [l.municipality.code for l in project.locations.all()] == ["EC156"]
    removed = Location.history.filter(project_id=project.pk, history_type="-").get()
    assert removed.municipality.code == "EC157"
