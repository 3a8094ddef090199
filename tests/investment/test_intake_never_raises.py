"""Property: whatever file an official sends, the intake may refuse it but never raises, and a
refused import writes nothing (issue #10). Driven through the CLI and the web upload, with
generated headers (synonyms, merged titles, duplicated and unicode headers), cell types, blank
rows, huge and tiny numbers, encodings and separators."""

import csv
import datetime as dt
import io

import pytest
import xlsxwriter
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddm.accounts.models import RoleKind
from ddm.cli import cli
from ddm.investment.intake.rows import SYNONYMS
from ddm.investment.models import BudgetLine, Location, Project, Submission

pytestmark = pytest.mark.django_db

HEADER_WORDS = sorted({name for names in SYNONYMS.values() for name in names} | set(SYNONYMS)) + [
    "Budget 2019/20 (R'000)", "MTEF 2020/21", "2021/22", "2019", "FY2020", "Audited Outcome 2017/18",
    "Project Decription", "Ward Location", "GPS Longitude", "GPS Latitude", "", "Ñame ☃", "Budget Year +1",
    "Current Year 2019/20 Full Year Forecast", "Amount (R million)",
]
CELLS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.sampled_from(["EC153", "ETH", "King Sabata Dalindyebo", "O.R. Tambo", "Ward 12", "Wards 3, 4 and 7",
                     "Whole of the Metro", "0", "0.0", "-29.85, 31.02", "2019/20", "2019", "R1.5 million", "Total",
                     "=1+1", "'=cmd", '"quoted"', "1 234,56", "(500)", "Various", "Eastern Cape", "NP331", "\u200b"]),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
)
TABLES = st.fixed_dictionaries({
    "titles": st.lists(st.sampled_from(["Department of Water and Sanitation", "R thousands",
                                        "2019/20 Medium Term Revenue & Expenditure Framework", "Amounts in R'000",
                                        "☃ ünïcödé"]), max_size=2),
    "header": st.lists(st.sampled_from(HEADER_WORDS), min_size=1, max_size=8),
    "rows": st.lists(st.lists(CELLS, max_size=9), max_size=8),
})


def _xlsx(table):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "nan_inf_to_errors": True})
    sheet = book.add_worksheet("Projects")
    width = max(len(table["header"]), 2)
    for r, title in enumerate(table["titles"]):
        sheet.merge_range(r, 0, r, width - 1, title)
    offset = len(table["titles"])
    for r, row in enumerate([table["header"], *table["rows"]]):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(offset + r, c, value)
    book.close()
    return buffer.getvalue()


def _csv(table, encoding, delimiter):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in [[t] for t in table["titles"]] + [table["header"], *table["rows"]]:
        writer.writerow(["" if v is None else v for v in row])
    text = buffer.getvalue()
    if encoding == "cp1252":
        return text.encode("cp1252", errors="replace")
    if encoding == "bom+cp1252":
        return b"\xef\xbb\xbf" + text.encode("cp1252", errors="replace")
    return text.encode("utf-8-sig" if encoding == "utf-8-sig" else "utf-8")


FILES = st.one_of(
    st.builds(lambda t: ("file.xlsx", _xlsx(t)), TABLES),
    st.builds(lambda t, e, d: ("file.csv", _csv(t, e, d)), TABLES,
              st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "bom+cp1252"]), st.sampled_from([",", ";", "\t"])),
)
HYPOTHESIS = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def _counts():
    return (Project.objects.count(), BudgetLine.objects.count(), Location.objects.count())


@HYPOTHESIS
@given(file=FILES, accept_valid=st.booleans())
def test_cli_import_never_raises(tmp_path_factory, file, accept_valid):
    name, data = file
    path = tmp_path_factory.mktemp("in") / name
    path.write_bytes(data)
    before = _counts()
    args = ["import", "projects", str(path), "-o", "EC157", "--json"] + (["--accept-valid"] if accept_valid else [])
    result = CliRunner().invoke(cli, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    submission = Submission.objects.latest("pk")
    assert submission.status != "failed"
    if result.exit_code != 0:
        assert submission.status == "rejected" and _counts() == before


@HYPOTHESIS
@given(file=FILES)
def test_web_upload_never_raises(client_for, organisation, file):
    name, data = file
    ksd = organisation("EC157")
    client = client_for(RoleKind.SUBMITTER, organisation=ksd)
    upload = io.BytesIO(data)
    upload.name = name
    before = _counts()
    response = client.post("/investment/submissions/new/", {"organisation": ksd.pk, "file": upload, "sheet": "",
                                                             "mode": "valid"})
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        page = client.get(response.url)
        assert page.status_code == 200
        preview = Submission.objects.latest("pk")
        assert preview.status in ("preview", "rejected") and _counts() == before
        committed = client.post(f"/investment/submissions/{preview.pk}/commit/")
        assert committed.status_code in (302, 404)
        final = Submission.objects.latest("pk")
        assert final.status != "failed"
        if final.status == "rejected":
            assert _counts() == before
