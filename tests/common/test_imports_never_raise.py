"""Property (issue #10): `ddm import indicators` and `ddm import skills` may refuse a file but never
raise, and a refused import writes nothing. Generated headers (the importers' own names, unicode,
duplicates), cell types, blank rows, encodings and separators."""

import csv
import io

import pytest
import xlsxwriter
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddm.cli import cli

pytestmark = pytest.mark.django_db

CELLS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**20, max_value=10**20), st.floats(allow_nan=True),
    st.text(max_size=15),
    st.sampled_from(["EC157", "ETH", "DC15", "ZA", "population", "2016", "2011", "1 234,5", "-", "=1+1", '"q"',
                     "Senior", "yes", "no", "3", "Project management", "Ñ☃", "\u200b", "KZN"]),
)
INDICATOR_HEADERS = ["place", "place code", "geo_code", "indicator", "indicator code", "year", "value", "amount",
                     "source", "level", "geo level", "", "Ñame", "value"]
SKILLS_HEADERS = ["Municipality code", "Post title", "Person", "Occupational category", "Management", "Skill",
                  "Level", "proficiency", "", "Ñame", "Skill"]


def _files(headers):
    table = st.fixed_dictionaries({"titles": st.lists(st.sampled_from(["Indicators 2016", "R thousand", "☃"]),
                                                      max_size=2),
                                   "header": st.lists(st.sampled_from(headers), min_size=1, max_size=8),
                                   "rows": st.lists(st.lists(CELLS, max_size=9), max_size=6)})
    return st.one_of(st.builds(lambda t: ("f.xlsx", _xlsx(t)), table),
                     st.builds(lambda t, e, d: ("f.csv", _csv(t, e, d)), table,
                               st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "bom+cp1252"]),
                               st.sampled_from([",", ";", "\t"])))


def _xlsx(table):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "nan_inf_to_errors": True})
    sheet = book.add_worksheet("Data")
    for r, row in enumerate([[t] for t in table["titles"]] + [table["header"], *table["rows"]]):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def _csv(table, encoding, delimiter):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in [[t] for t in table["titles"]] + [table["header"], *table["rows"]]:
        writer.writerow(["" if v is None else v for v in row])
    text = buffer.getvalue()
    if encoding in ("cp1252", "bom+cp1252"):
        data = text.encode("cp1252", errors="replace")
        return (b"\xef\xbb\xbf" + data) if encoding == "bom+cp1252" else data
    return text.encode(encoding)


HYPOTHESIS = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))


def _invoke(tmp_path_factory, file, args):
    name, data = file
    path = tmp_path_factory.mktemp("in") / name
    path.write_bytes(data)
    result = CliRunner().invoke(cli, [*args[:2], str(path), *args[2:]])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


@HYPOTHESIS
@given(file=_files(INDICATOR_HEADERS))
def test_import_indicators_never_raises(tmp_path_factory, file):
    from ddm.profiles.models import IndicatorValue

    before = IndicatorValue.objects.count()
    result = _invoke(tmp_path_factory, file, ["import", "indicators", "--json"])
    if result.exit_code != 0:
        assert IndicatorValue.objects.count() == before


@HYPOTHESIS
@given(file=_files(SKILLS_HEADERS), accept_valid=st.booleans())
def test_import_skills_never_raises(tmp_path_factory, file, accept_valid):
    from ddm.capacity.models import AuditEntry

    before = AuditEntry.objects.count()
    args = ["import", "skills", "--municipality", "EC157", "--json"] + (["--accept-valid"] if accept_valid else [])
    result = _invoke(tmp_path_factory, file, args)
    if result.exit_code != 0:
        assert AuditEntry.objects.count() == before
