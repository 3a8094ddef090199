"""Issue #13: an import costs only the zones it changed. A zone's investment page and quantum are cached
per version of the zone's data (ddm.caching, zone-scoped values): an import into one zone leaves the
other zones' pages cached, and the zones it changed show the new figures at once."""

import io
import re
from decimal import Decimal

import pytest
from django.core.cache import cache

from ddm import caching
from ddm.accounts.models import Organisation
from ddm.investment import quantum, summary, views
from ddm.investment.intake.pipeline import run_import
from ddm.investment.models import BudgetLine, Project, Submission
from ddm.places.models import Place

pytestmark = pytest.mark.django_db
D = Decimal
ORG = "nat-water-and-sanitation"


def csv_file(text: str) -> io.BytesIO:
    handle = io.BytesIO(text.encode())
    handle.name = "projects.csv"
    return handle


def imported(text: str, organisation: Organisation) -> Submission:
    submission = run_import(csv_file(text), organisation, None, "upload")
    assert submission.status == "committed", submission.errors
    return submission


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The zones whose page was computed (not read from the cache), in order."""
    calls: list[str] = []
    original = views._zone_page

    def spy(place: Place, calendar: str, view: str) -> dict:
        calls.append(place.code)
        return original(place, calendar, view)

    monkeypatch.setattr(views, "_zone_page", spy)
    return calls


def government(client, code: str) -> str:
    return client.get(f"/api/zones/{code}/quantum").json()["totals"]["government"]["budget"]


def test_an_import_into_one_zone_leaves_another_zones_page_cached(client, organisation, computed):
    org = organisation(ORG)
    imported("Project ID,Project,District,Budget 2019/20\nW1,Pipes,eThekwini,1000\nW2,Dam,Cape Town,500\n", org)
    for code in ("ETH", "CPT"):
        assert client.get(f"/investment/zones/{code}/").status_code == 200
    assert computed == ["ETH", "CPT"]
    cpt_api = government(client, "CPT")

    imported("Project ID,Project,District,Budget 2019/20\nW3,Reservoir,eThekwini,234.56\n", org)

    eth = client.get("/investment/zones/ETH/").content.decode()
    assert re.search(r'id="figure-government"[^>]*title="R1\D{0,8}234\.56"', eth)  # at once: R1,000 + R234.56
    assert client.get("/investment/zones/CPT/").status_code == 200
    assert computed == ["ETH", "CPT", "ETH"]  # Cape Town's page was read from the cache
    assert government(client, "ETH") == "1234.56"
    assert government(client, "CPT") == cpt_api == "500.00"


def test_a_new_place_of_a_project_changes_its_other_zones_at_once(client, organisation):
    """A project given a second place is split over both: the zone it already had shows half at once
    (the import's zones include every place of the projects it changes, not only the new places)."""
    org = organisation(ORG)
    imported("Project ID,Project,District,Budget 2019/20\nW1,Pipes,eThekwini,1000\n", org)
    summary.refresh_all()
    assert government(client, "ETH") == "1000.00"
    imported("Project ID,Project,District,Budget 2019/20\nW1,Pipes,eThekwini; uMgungundlovu,1000\n", org)
    assert government(client, "ETH") == "500.00"
    assert government(client, "DC22") == "500.00"
    assert quantum.zone_quantum("ETH").government("budget") == D("500.00")
    eth = Place.objects.zones().get(code="ETH")
    assert eth.pk in summary.built_zones()  # refreshed in the import, not left stale


def test_any_other_change_still_renews_every_zones_page(client, organisation, computed):
    org = organisation(ORG)
    imported("Project ID,Project,District,Budget 2019/20\nW1,Pipes,eThekwini,1000\nW2,Dam,Cape Town,500\n", org)
    client.get("/investment/zones/CPT/")
    org.name = "Water and Sanitation (renamed)"
    org.save()  # a signal: every zone's page (organisations are not zone-scoped)
    assert "Water and Sanitation (renamed)" in client.get("/investment/zones/CPT/").content.decode()
    assert computed == ["CPT", "CPT"]
    caching.bump()  # what a bulk write outside an import, or any `ddm` command, does
    client.get("/investment/zones/CPT/")
    assert computed == ["CPT", "CPT", "CPT"]


def test_an_imports_bookkeeping_bumps_the_data_version_but_not_the_zones(organisation):
    shared, data = cache.get(caching.SHARED_KEY), caching.data_version()
    submission = Submission.objects.create(organisation=organisation(ORG), channel="upload", status="committed")
    assert caching.data_version() != data  # national figures (e.g. the footprint's silent organisations)
    assert cache.get(caching.SHARED_KEY) == shared
    submission.delete()  # a delete may take rows with it: everything
    assert cache.get(caching.SHARED_KEY) != shared


def test_a_bulk_write_the_import_did_not_name_is_never_hidden_by_a_zone_bump(client, organisation):
    """The guard the zone-scoped values rely on: a write outside an import still needs bump() (as
    before), and until then the zone's page is the cached one, also after other zones' imports."""
    org = organisation(ORG)
    imported("Project ID,Project,District,Budget 2019/20\nW1,Pipes,eThekwini,1000\nW2,Dam,Cape Town,500\n", org)
    assert government(client, "CPT") == "500.00"
    BudgetLine.objects.filter(project=Project.objects.get(reference="W2")).update(amount=D("7"))
    caching.bump_zones(["ETH"])
    assert government(client, "CPT") == "500.00"
    summary.refresh([Place.objects.zones().get(code="CPT").pk])  # as a bulk write must (summary module)
    caching.bump()
    assert government(client, "CPT") == "7.00"


def test_a_command_line_import_leaves_another_zones_page_cached(client, organisation, computed, tmp_path):
    """`ddm import projects` renews what it changed, as an upload does; other imports (indicators, skills)
    still renew every page (their bulk writes send no signals)."""
    from click.testing import CliRunner

    from ddm.cli import cli

    org = organisation(ORG)
    imported("Project ID,Project,District,Budget 2019/20\nW1,Pipes,eThekwini,1000\nW2,Dam,Cape Town,500\n", org)
    for code in ("ETH", "CPT"):
        assert client.get(f"/investment/zones/{code}/").status_code == 200
    path = tmp_path / "more.csv"
    path.write_text("Project ID,Project,District,Budget 2019/20\nW3,Reservoir,eThekwini,234.56\n")

    result = CliRunner().invoke(cli, ["import", "projects", str(path), "-o", ORG, "--publish"])

    assert result.exit_code == 0, result.output
    assert client.get("/investment/zones/CPT/").status_code == 200
    assert government(client, "ETH") == "1234.56"
    assert computed == ["ETH", "CPT"]  # Cape Town's page was read from the cache (ETH's API figure is not a page)
    assert client.get("/investment/zones/ETH/").status_code == 200
    assert computed == ["ETH", "CPT", "ETH"]
