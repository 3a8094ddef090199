"""GET /api/zones/{code}/projects: the zone's counted projects a page at a time, in order of id, paged in the
database (index-backed on PostgreSQL, a fixed number of queries), never a scan of the national register."""

import pytest
from _register import locate, org, project
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ddm.investment.api import counted_project_ids
from ddm.places.models import Place

pytestmark = pytest.mark.django_db
URL = "/api/zones/DC15/projects"


@pytest.fixture
def register():
    health = org("test-health")
    first = project(health, "FIRST", [(900, 2020, 2020)])
    split = project(health, "SPLIT", [(300, 2020, 2020)])
    locate(first, municipality="EC153")
    locate(split, municipality="EC153")
    locate(split, municipality="EC154")  # two places in the same zone: listed once
    locate(project(health, "UNDATED"), zone="DC15")
    duplicate = project(health, "DUP", [(10_000, 2020, 2020)])
    duplicate.duplicate_of = first
    duplicate.save()
    locate(duplicate, zone="DC15")  # a confirmed duplicate: not counted
    locate(project(health, "DEMO", is_demo=True), zone="DC15")  # invented demo data: not counted
    locate(project(health, "ELSEWHERE", [(50_000, 2020, 2020)]), zone="DC36")  # another zone
    return Place.objects.zones().get(code="DC15")


def test_counted_projects_of_the_zone_once_each_in_order_of_id(client, register):
    body = client.get(URL).json()
    assert [p["reference"] for p in body["items"]] == ["FIRST", "SPLIT", "UNDATED"] and body["count"] == 3
    assert body["items"][0]["organisation"] == "test-health" and body["items"][0]["url"].startswith("/investment/")


def test_a_page_at_a_time(client, register):
    assert [p["reference"] for p in client.get(URL + "?limit=1&offset=1").json()["items"]] == ["SPLIT"]
    assert client.get(URL + "?limit=10&offset=3").json() == {"items": [], "count": 3}


def test_a_page_beyond_the_largest_or_a_negative_offset_is_refused(client, register):
    assert client.get(URL + "?limit=1001").status_code == 422
    assert client.get(URL + "?offset=-1").status_code == 422
    assert client.get("/api/zones/XX99/projects").status_code == 404


def test_a_fixed_number_of_queries_whatever_the_zone_holds(client, register):
    client.get(URL)  # the session and anything else a first request sets up
    with CaptureQueriesContext(connection) as queries:
        client.get(URL)
    assert len(queries) <= 4  # the zone, the page's ids, their projects with organisations, the count


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_every_scan_of_the_register_is_bounded_by_an_index_on_postgresql(register):
    """As tests/investment/test_zone_project_list.py: with sequential scans priced out and statistics current,
    a scan of a register table without an index condition would read the national register. The demo projects'
    partial index (project_demo) holds only them: bounded without a condition."""
    ids = counted_project_ids(register)
    with CaptureQueriesContext(connection) as queries:
        list(ids[0:100]), ids.count()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE investment_project, investment_location")
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in queries.captured_queries:
            cursor.execute("EXPLAIN " + query["sql"])
            plan = [row[0] for row in cursor.fetchall()]
            for number, line in enumerate(plan):
                if "Scan" in line and " on investment_" in line and "using project_demo " not in line:
                    condition = next((n for n in plan[number + 1:number + 3] if "Cond:" in n), None)
                    assert condition, "\n".join(plan)
