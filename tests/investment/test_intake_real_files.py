"""Files as officials really send them, imported unedited through the command line and the upload page
(issue #10 "Done when"), each checked project by project, kind by kind, year by year, to the Rand.

The SA36 table is a real one: the first rows of Buffalo City Metropolitan Municipality's "Table SA36
Detailed Capital Budget (projects)" 2019/20, as exported from National Treasury's Local Government
Database (Municipal Money), copied cell for cell from ``infrastructure/tests/test_files/failtest.xlsx``
of github.com/OpenUpSA/municipal-data (MIT licence, Code for South Africa; data: National Treasury).
It states "R thousands" above amounts that are in Rand. The other files reproduce published layouts
(a national department's messy submission, a municipality's CSV in R million in Windows-1252).
"""

import io
from decimal import Decimal

import pytest
import xlsxwriter
from click.testing import CliRunner

from ddm.accounts.models import RoleKind
from ddm.cli import cli
from ddm.investment.models import Project, Submission

pytestmark = pytest.mark.django_db

# -- the files -------------------------------------------------------------------------------------

BUF_TITLE = ("Eastern Cape: Buffalo City(BUF) - Table SA36 Detailed Capital Budget (projects) (Figures Finalised "
             "as at 2020/03/31)")
BUF_HEADER = ["\nFunction", "\nProject Decription", "\nProject Number", "\nType", "\nMTSF Service Outcome", "\nIUDF",
              "\nOwn Strategic Objectives", "\nAsset Class", "\nAsset Sub-Class", "\nWard Location",
              "\nGPS Longitude", "\nGPS Latitude", "Audited Outcome\n2017/18", "Full Year Forecast\n2018/19",
              "Budget year\n2019/20", "Budget year\n2020/21", "Budget year\n2021/22"]
_SERVICE = "An efficient, effective and development-oriented public service"
_ECONOMY = "An efficient, competitive and responsive economic infrastructure network"
BUF_ROWS = [
    ["Administrative and Corporate Support", "P-CNIN FURN & OFF EQUIP", "PC002003005_00002", "New", _SERVICE,
     "Growth", "OWN MUNICIPAL STRATEGIC OBJECTIVE", "Furniture and Office Equipment", None,
     "Administrative or Head Office", "0", "0", 340609, 651391, 500000, 500000, 500000],
    ["Administrative and Corporate Support", None, "PC002003005_00018", "New", None, None, None,
     "Furniture and Office Equipment", None, "Administrative or Head Office,Whole of the Metro,...", None, None,
     85425, None, None, None, None],
    ["Cemeteries, Funeral Parlours and Crematoriums", "P-CNIEU COM F CEMET/CREMA", "PC002002002002001011_00001",
     "Upgrading", "A comprehensive, responsive and sustainable social protection system", "Inclusion and access",
     "OWN MUNICIPAL STRATEGIC OBJECTIVE", "Community Facilities", "Cemeteries/Crematoria", "Coastal,Midland,...",
     "0", "0", None, 9342629, 5622762, 7500000, 20900000],
    ["Community Halls and Facilities", "P-CNIEU COM FAC HALLS", "PC002002002002001001_00001", "Upgrading", _SERVICE,
     "Inclusion and access", "OWN MUNICIPAL STRATEGIC OBJECTIVE", "Community Facilities", "Halls",
     "Coastal,Whole of the Metro,...", "0", "0", None, 15500000, 5500000, 6000000, 15000000],
    ["Economic Development/Planning", "P-CIN RDS ROADS", "PC001002006001_00019", "New", _ECONOMY, "Growth",
     "OWN MUNICIPAL STRATEGIC OBJECTIVE", "Roads Infrastructure", "Roads", "Coastal,Inland,...", "0", "0", None,
     5800000, 27500000, 25000000, 25000000],
    ["Economic Development/Planning", "CITY TO SEA BOULEVARD", "PC001002006001_00023", "New", _ECONOMY, "Growth",
     "OWN MUNICIPAL STRATEGIC OBJECTIVE", "Roads Infrastructure", "Roads", "Coastal", "0", "0", None, 8522829,
     2000000, None, None],
]
BUF_NOTES = ["References", "Must reconcile with Budgeted Capital Expenditure",
             "Projects that fall above the threshold values applicable to the municipality as identified in "
             "regulation 13 of the Municipal Budget and Reporting Regulations must be listed individually. Other "
             "projects by Function.",
             "Distinguish projects approved in terms of MFMA section 19(1)(b) and MRRR Regulation 13"]


def buf_sa36():
    """The LGDB export's layout: title, "R thousands", one header row of two-line cells, projects, three blank
    rows, notes; GPS cells are the text "0"."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    ws = book.add_worksheet("BUF")
    ws.write_row(0, 0, [BUF_TITLE])
    ws.write_row(1, 0, ["R thousands"])
    ws.write_row(2, 0, BUF_HEADER)
    for r, row in enumerate(BUF_ROWS, start=3):
        for c, value in enumerate(row):
            if value is not None:
                ws.write_string(r, c, value) if isinstance(value, str) else ws.write_number(r, c, value)
    for r, note in enumerate(BUF_NOTES, start=3 + len(BUF_ROWS) + 3):
        ws.write_string(r, 0, note)
    book.close()
    return buffer.getvalue()


def y(kind, year, amount):
    return (kind, year, Decimal(amount).quantize(Decimal("0.01")))


BUF_EXPECTED = {  # in Rand, as Municipal Money shows them; audited = actual, forecast = adjusted
    "PC002003005_00002": ("P-CNIN FURN & OFF EQUIP", {y("actual", 2017, 340609), y("adjusted", 2018, 651391),
                                                      y("budget", 2019, 500000), y("budget", 2020, 500000),
                                                      y("budget", 2021, 500000)}),
    "PC002003005_00018": ("Furniture and Office Equipment PC002003005_00018", {y("actual", 2017, 85425)}),
    "PC002002002002001011_00001": ("P-CNIEU COM F CEMET/CREMA", {
        y("adjusted", 2018, 9342629), y("budget", 2019, 5622762), y("budget", 2020, 7500000),
        y("budget", 2021, 20900000)}),
    "PC002002002002001001_00001": ("P-CNIEU COM FAC HALLS", {
        y("adjusted", 2018, 15500000), y("budget", 2019, 5500000), y("budget", 2020, 6000000),
        y("budget", 2021, 15000000)}),
    "PC001002006001_00019": ("P-CIN RDS ROADS", {y("adjusted", 2018, 5800000), y("budget", 2019, 27500000),
                                                 y("budget", 2020, 25000000), y("budget", 2021, 25000000)}),
    "PC001002006001_00023": ("CITY TO SEA BOULEVARD", {y("adjusted", 2018, 8522829), y("budget", 2019, 2000000)}),
}


def department_xlsx():
    """A national department's own list: merged title block, "R'000", a two-row header (merged cells over
    the medium-term years), a hidden column, programme headings, subtotals without the word "total",
    "Sub-total" and "Grand total" rows, blank separators, notes, dates as Excel serials, amounts typed as
    text ("1 234,50", "R 1,2m", "-"), municipalities by name, former code and today's code."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = book.add_worksheet("Infrastructure 2020-21")
    bold, date = book.add_format({"bold": True}), book.add_format({"num_format": "dd/mm/yyyy"})
    ws.merge_range(0, 0, 0, 10, "DEPARTMENT OF WATER AND SANITATION", bold)
    ws.merge_range(1, 0, 1, 10, "Infrastructure projects per programme", bold)
    ws.write(2, 0, "R'000")
    top = ["Project code", "Project name", "Local municipality", "Ward(s)", "Start date", "Internal ref",
           "Audited outcome 2018/19", "Adjusted appropriation 2019/20"]
    for c, text in enumerate(top):
        ws.merge_range(4, c, 5, c, text, bold)
    ws.merge_range(4, 8, 4, 10, "Medium-term estimates", bold)
    ws.write_row(5, 8, ["2020/21", "2021/22", "2022/23"], bold)
    ws.set_column(5, 5, None, None, {"hidden": True})
    rows = [
        ["Programme 3: Water infrastructure development"],
        ["DWS-001", "Mogalakwena bulk water supply phase 1", "LIM367", "Wards 3, 4 and 7", 43922, "X-17",
         "1 234,50", 2000, 3000, "R 1,2m", "-"],
        ["DWS-002", "Nandoni to Nsami pipeline", "Thulamela", None, 44013, "X-18", 500, 600, 700, 800, 900],
        [None, None, None, None, None, None, 1734.5, 2600, 3700, 2000, 900],  # the programme's subtotal
        [],
        ["Programme 4: Sanitation"],
        ["DWS-003", "Giyani sewer reticulation", "NP331", "Ward 12", None, None, None, 150, 250.25, 300, None],
        ["DWS-004", "Vaal river system intervention", "Emfuleni", "Various", None, None, 1000, 1100, 1200, 1300, 1400],
        ["Sub-total: Programme 4", None, None, None, None, None, 1000, 1250, 1450.25, 1600, 1400],
        [],
        ["Grand total", None, None, None, None, None, 2734.5, 3850, 5150.25, 3600, 2300],
        [],
        ["Source: DWS infrastructure unit, February 2020"],
        ["* Amounts exclude VAT"],
    ]
    for r, row in enumerate(rows, start=6):
        for c, value in enumerate(row):
            if value is None:
                continue
            if c == 4:
                ws.write_number(r, c, value, date)
            else:
                ws.write(r, c, value)
    book.close()
    return buffer.getvalue()


def k(kind, year, thousands):
    return y(kind, year, Decimal(str(thousands)) * 1000)


DEPARTMENT_EXPECTED = {
    "DWS-001": ("Mogalakwena bulk water supply phase 1", {k("actual", 2018, "1234.50"), k("adjusted", 2019, 2000),
                                                          k("budget", 2020, 3000), k("budget", 2021, 1200)}),
    "DWS-002": ("Nandoni to Nsami pipeline", {k("actual", 2018, 500), k("adjusted", 2019, 600),
                                              k("budget", 2020, 700), k("budget", 2021, 800), k("budget", 2022, 900)}),
    "DWS-003": ("Giyani sewer reticulation", {k("adjusted", 2019, 150), k("budget", 2020, "250.25"),
                                              k("budget", 2021, 300)}),
    "DWS-004": ("Vaal river system intervention", {k("actual", 2018, 1000), k("adjusted", 2019, 1100),
                                                   k("budget", 2020, 1200), k("budget", 2021, 1300),
                                                   k("budget", 2022, 1400)}),
}

MUNICIPAL_CSV = (
    "Msunduzi Local Municipality;;;;\r\n"
    "Capital projects 2021/22 MTREF - Amounts in R million;;;;\r\n"
    ";;;;\r\n"
    "Project;Ward;2021/22;2022/23;2023/24\r\n"
    "Réservoir upgrade – Ward 4;Ward 4;12,5;3;\r\n"
    "\"Edendale road rehabilitation; phase 2\";Wards 10, 11;1,25;\"2,5\";0,75\r\n"
    "Municipal offices furniture;Whole of the Municipality;0,35;;\r\n"
    ";;;;\r\n"
    "Total;;14,1;5,5;0,75\r\n"
)


def m(kind, year, millions):
    return y(kind, year, Decimal(millions) * 1_000_000)


MUNICIPAL_EXPECTED = {  # by title: the file has no reference column
    "Réservoir upgrade – Ward 4": {m("budget", 2021, "12.5"), m("budget", 2022, "3")},
    "Edendale road rehabilitation; phase 2": {m("budget", 2021, "1.25"), m("budget", 2022, "2.5"),
                                              m("budget", 2023, "0.75")},
    "Municipal offices furniture": {m("budget", 2021, "0.35")},
}

# -- the two doors -------------------------------------------------------------------------------


def import_by_cli(tmp_path, name, data, organisation, *options):
    path = tmp_path / name
    path.write_bytes(data)
    result = CliRunner().invoke(cli, ["import", "projects", str(path), "-o", organisation, "--publish", *options])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return Submission.objects.latest("pk")


def import_by_upload(client_for, organisation, name, data):
    submitter = client_for(RoleKind.SUBMITTER, organisation=organisation)
    upload = io.BytesIO(data)
    upload.name = name
    response = submitter.post("/investment/submissions/new/", {"organisation": organisation.pk, "file": upload,
                                                                "sheet": "", "mode": "all"})
    assert response.status_code == 302, response.content.decode()[:2000]
    preview = Submission.objects.latest("pk")
    assert preview.status == "preview", preview.errors
    page = submitter.get(response.url).content.decode()
    assert submitter.post(f"/investment/submissions/{preview.pk}/commit/").status_code == 302
    approver = client_for(RoleKind.APPROVER, organisation=organisation)
    assert approver.post(f"/investment/submissions/{preview.pk}/approve/").status_code == 302
    committed = Submission.objects.latest("pk")
    assert committed.status == "committed", committed.errors
    return committed, page


def register(organisation):
    """{reference: (title, {(kind, first year, amount)})} of the organisation's projects."""
    return {p.reference: (p.title, {(l.kind, l.fy_first, l.amount) for l in p.budget_lines.all()})
            for p in Project.objects.filter(organisation=organisation).prefetch_related("budget_lines")}


def places(organisation, reference):
    project = Project.objects.get(organisation=organisation, reference=reference)
    return sorted((l.precision, l.place.code if l.place else "") for l in project.locations.select_related("place"))


def wards(organisation, reference):
    project = Project.objects.get(organisation=organisation, reference=reference)
    return sorted((l.municipality.code, l.place.name) for l in project.locations.select_related("place", "municipality")
                  if l.precision == "ward")


# -- the tests -------------------------------------------------------------------------------------


@pytest.mark.parametrize("door", ["cli", "upload"])
def test_a_metros_sa36_export_as_published(door, tmp_path, client_for, organisation):
    buf = organisation("BUF")
    if door == "cli":
        submission = import_by_cli(tmp_path, "BUF SA36 2019-20.xlsx", buf_sa36(), "BUF")
    else:
        submission, page = import_by_upload(client_for, buf, "BUF SA36 2019-20.xlsx", buf_sa36())
        assert "amounts read in Rand, not in R thousand" in page
    assert not submission.errors
    assert register(buf) == BUF_EXPECTED
    for reference in BUF_EXPECTED:  # regions, the head office, lists cut short: the metro's whole area
        assert places(buf, reference) == [("municipality", "BUF")]
    statement = submission.options["unit_statement"]
    assert "amounts read in Rand, not in R thousand as stated in the title block, row 2" in statement
    assert "--unit" in statement
    messages = " | ".join(f"{w['row']}:{w['message']}" for w in submission.warnings)
    assert "5:no project name: named 'Furniture and Office Equipment PC002003005_00018'" in messages
    assert "names no ward (no ward number)" in messages and "names no ward (a list cut short)" in messages
    assert "implausible" not in messages
    assert messages.count("a row without a project name: skipped") == len(BUF_NOTES)


def test_the_sa36_title_unit_is_kept_when_it_fits(tmp_path, organisation):
    """The same table with amounts truly in R thousand reads them in R thousand; one slip stays a warning."""
    data = buf_sa36()
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    for row in sheet.iter_rows(min_row=4, max_row=3 + len(BUF_ROWS), min_col=13, max_col=17):
        for cell in row:
            if isinstance(cell.value, int):
                cell.value = round(cell.value / 1000)
    sheet["O8"] = 27500000  # one slip: R27.5 billion read in R thousand
    out = io.BytesIO()
    book.save(out)
    submission = import_by_cli(tmp_path, "sa36.xlsx", out.getvalue(), "BUF")
    buf = organisation("BUF")
    roads = register(buf)["PC001002006001_00019"][1]
    assert y("adjusted", 2018, 5800000) in roads and y("budget", 2020, 25000000) in roads
    assert "amounts read in R thousand" in submission.options["unit_statement"]
    assert any("implausible" in w["message"] and "R thousand" in w["message"] for w in submission.warnings)


@pytest.mark.parametrize("door", ["cli", "upload"])
def test_a_messy_department_xlsx(door, tmp_path, client_for, organisation):
    dws = organisation("nat-water-and-sanitation")
    if door == "cli":
        submission = import_by_cli(tmp_path, "DWS infrastructure.xlsx", department_xlsx(), dws.code)
    else:
        submission, _page = import_by_upload(client_for, dws, "DWS infrastructure.xlsx", department_xlsx())
    assert not submission.errors
    assert register(dws) == DEPARTMENT_EXPECTED  # no heading, subtotal or total became a project
    assert wards(dws, "DWS-001") == [("LIM367", "Ward 3"), ("LIM367", "Ward 4"), ("LIM367", "Ward 7")]
    assert places(dws, "DWS-002") == [("municipality", "LIM343")]
    assert wards(dws, "DWS-003") == [("LIM331", "Ward 12")]  # named by its former code NP331
    assert places(dws, "DWS-004") == [("municipality", "GT421")]
    started = Project.objects.get(organisation=dws, reference="DWS-001").start_date
    assert started.isoformat() == "2020-04-01"  # an Excel date serial
    messages = " | ".join(w["message"] for w in submission.warnings)
    assert "a subtotal row (its amounts are the sum of the 2 rows above)" in messages
    assert messages.count("a total row: skipped") == 2
    assert "LIM331" in messages  # the former code's warning names today's
    assert "R thousand" in submission.options["unit_statement"]


@pytest.mark.parametrize("door", ["cli", "upload"])
def test_a_municipal_csv_in_r_million(door, tmp_path, client_for, organisation):
    msunduzi = organisation("KZN225")
    data = MUNICIPAL_CSV.encode("cp1252")
    if door == "cli":
        submission = import_by_cli(tmp_path, "Msunduzi capital – 2021.csv", data, "KZN225")
    else:
        submission, _page = import_by_upload(client_for, msunduzi, "Msunduzi capital – 2021.csv", data)
    assert not submission.errors
    found = dict(register(msunduzi).values())
    assert found == MUNICIPAL_EXPECTED
    by_title = {p.title: p.reference for p in Project.objects.filter(organisation=msunduzi)}
    assert [p for p, _c in places(msunduzi, by_title["Réservoir upgrade – Ward 4"])] == ["ward"]
    assert [p for p, _c in places(msunduzi, by_title["Edendale road rehabilitation; phase 2"])] == ["ward", "ward"]
    assert places(msunduzi, by_title["Municipal offices furniture"]) == [("municipality", "KZN225")]
    assert "R million" in submission.options["unit_statement"]


def test_a_budget_review_list_with_its_sphere_column(tmp_path, organisation):
    """The Budget Review's own columns: "Health" on a "National" row is the national department."""
    text = ("administration_type,government_institution,sector,project_name,gps_code,financial_year,budget_phase,"
            "amount_rands\n"
            "National,Health,Social Services,Limpopo central hospital,Not specified,2019,MTEF,250000000\n"
            "National,Health,Social Services,Limpopo central hospital,Not specified,2017,Audited Outcome,12000000\n"
            "National,Water and Sanitation,Economic Services and Infrastructure,Mokolo crocodile phase 2,"
            "Not specified,2020,MTEF,400000000\n")
    path = tmp_path / "br.csv"
    path.write_text(text)
    result = CliRunner().invoke(cli, ["import", "projects", str(path), "--consolidated", "--years", "start",
                                      "--publish"])
    assert result.exit_code == 0, result.output
    health = register(organisation("nat-health"))
    assert [lines for _title, lines in health.values()] == [{y("budget", 2019, 250000000),
                                                             y("actual", 2017, 12000000)}]
    water = Project.objects.get(organisation=organisation("nat-water-and-sanitation"))
    assert water.sector == "water"


def merged_long_form_xlsx():
    """A department's long form: each project's code, name and place merged down over its years; the
    total project cost merged too (one amount, not one a year)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = book.add_worksheet("Projects")
    ws.write_row(0, 0, ["Health infrastructure projects (R'000)"])
    ws.write_row(2, 0, ["Project code", "Project name", "Local municipality", "Financial year", "Budget phase",
                        "Amount", "Total project cost"])
    ws.merge_range(3, 0, 5, 0, "H-101")
    ws.merge_range(3, 1, 5, 1, "Mthatha regional hospital")
    ws.merge_range(3, 2, 5, 2, "EC157")
    ws.merge_range(3, 6, 5, 6, 90000)
    ws.merge_range(6, 0, 7, 0, "H-102")
    ws.merge_range(6, 1, 7, 1, "Ngqeleni clinic")
    ws.merge_range(6, 2, 7, 2, "EC153")
    for r, (year, phase, amount) in enumerate([("2018/19", "Audited Outcome", 1000), ("2019/20", "Adjusted", 2000),
                                               ("2020/21", "MTEF", 3000), ("2019/20", "Main", 400),
                                               ("2020/21", "MTEF", 500)], start=3):
        ws.write_row(r, 3, [year, phase, amount])
    book.close()
    return buffer.getvalue()


@pytest.mark.parametrize("door", ["cli", "upload"])
def test_cells_merged_down_over_a_projects_years(door, tmp_path, client_for, organisation):
    health = organisation("nat-health")
    data = merged_long_form_xlsx()
    if door == "cli":
        submission = import_by_cli(tmp_path, "health.xlsx", data, health.code)
    else:
        submission, _page = import_by_upload(client_for, health, "health.xlsx", data)
    assert not submission.errors
    assert register(health) == {
        "H-101": ("Mthatha regional hospital", {k("actual", 2018, 1000), k("adjusted", 2019, 2000),
                                                k("budget", 2020, 3000)}),
        "H-102": ("Ngqeleni clinic", {k("budget", 2019, 400), k("budget", 2020, 500)}),
    }
    assert places(health, "H-102") == [("municipality", "EC153")]
    hospital = Project.objects.get(organisation=health, reference="H-101")
    assert hospital.extra.get("Total project cost") in (90000, 90000.0, "90000")  # once, not once a year


SC36_MONTHS = [f"{m} Actual\n2019/20" for m in (
    "M01 July", "M02 Aug", "M03 Sept", "Q1 Sept", "M04 Oct", "M05 Nov", "M06 Dec", "Q2 Dec", "M07 Jan", "M08 Feb",
    "M09 Mar", "Q3 Mar", "M10 Apr", "M11 May", "M12 June", "Q4 June", "YTD")]


def buf_sc36():
    """The in-year table of the same source (infrastructure/tests/test_files/quarterly.xlsx): "Table SC36
    Detailed Capital Budget and Actuals (projects)", monthly, quarterly and year-to-date actual columns."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = book.add_worksheet("BUF")
    ws.write(0, 0, "Eastern Cape: Buffalo City(BUF) - Table SC36 Detailed Capital Budget and Actuals (projects) "
                   "for period ending (M09) 31 March 2020")
    ws.write(1, 0, "R thousands")
    ws.write_row(2, 0, [*BUF_HEADER[:12], "Audited Outcome\n2018/19", "Audited Outcome\n2019/20",
                        "Original Budget\n2019/20", "Adjusted Budget\n2019/20", *SC36_MONTHS])
    ws.write_row(3, 0, [*BUF_ROWS[0][:12], 465074, None, 500000, 613896, None, None, 20800, 20800, *[None] * 12,
                        10800])
    ws.write_row(4, 0, [*BUF_ROWS[3][:12], 384009, None, 5500000, 9631789, None, None, 150027, 150027, None, 209002,
                        320280, 529282, 515730, 725440, 927303, 2168473, None, None, None, None, 2847782])
    ws.write(6, 0, "References")
    book.close()
    return buffer.getvalue()


def test_a_metros_in_year_sc36_keeps_monthly_actuals_apart(tmp_path, organisation):
    submission = import_by_cli(tmp_path, "BUF SC36 M09.xlsx", buf_sc36(), "BUF")
    assert not submission.errors
    assert {ref: lines for ref, (_title, lines) in register(organisation("BUF")).items()} == {
        "PC002003005_00002": {y("actual", 2018, 465074), y("budget", 2019, 500000), y("adjusted", 2019, 613896)},
        "PC002002002002001001_00001": {y("actual", 2018, 384009), y("budget", 2019, 5500000),
                                       y("adjusted", 2019, 9631789)},
    }
    halls = Project.objects.get(organisation=organisation("BUF"), reference="PC002002002002001001_00001")
    assert halls.extra["YTD Actual\n2019/20"] == 2847782
    assert any("year-to-date actuals kept with each project" in w["message"] for w in submission.warnings)
