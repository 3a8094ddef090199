"""The zone investment page's project list: the zone's counted projects, largest budget first, a page at a
time, costing what the zone's data costs (index-backed on PostgreSQL, a fixed number of queries)."""

from decimal import Decimal

import pytest
from _register import locate, org, project
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ddm.investment import tables
from ddm.places.models import Place

pytestmark = pytest.mark.django_db


@pytest.fixture
def register():
    health = org("test-health")
    big = project(health, "BIG", [(900, 2020, 2020), (100, 2021, 2021), (5000, 2020, 2020, "actual")])
    split = project(health, "SPLIT", [(300, 2020, 2020)])
    locate(big, municipality="EC153")
    locate(split, municipality="EC153")
    locate(split, municipality="EC154")  # two places in the same zone: listed once, its lines added once
    locate(project(health, "UNDATED", title="no budget line: listed last"), zone="DC15")
    duplicate = project(health, "DUP", [(10_000, 2020, 2020)])
    duplicate.duplicate_of = big
    duplicate.save()
    locate(duplicate, zone="DC15")  # a confirmed duplicate: not counted
    locate(project(health, "ELSEWHERE", [(50_000, 2020, 2020)]), zone="DC36")  # another zone
    return Place.objects.zones().get(code="DC15")


def test_largest_budget_first_each_project_once_duplicates_and_other_zones_left_out(register):
    listed, count = tables.zone_projects(register)
    assert [(p.reference, p.total) for p in listed] == [("BIG", Decimal("1000.00")), ("SPLIT", Decimal("300.00")),
                                                       ("UNDATED", None)]  # budget only: the actual 5,000 is not added
    assert count == 3
    assert listed[0].organisation.code == "test-health"


def test_a_page_at_a_time(register):
    listed, count = tables.zone_projects(register, limit=1, offset=1)
    assert [p.reference for p in listed] == ["SPLIT"] and count == 3
    assert tables.zone_projects(register, limit=10, offset=3) == ([], 3)


def test_a_fixed_number_of_queries_whatever_the_zone_holds(register):
    with CaptureQueriesContext(connection) as queries:
        listed, _ = tables.zone_projects(register)
        [p.organisation.name for p in listed]
    assert len(queries) == 3  # the ranked page, its projects with their organisations, the count


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_every_scan_of_the_register_is_bounded_by_an_index_on_postgresql(register):
    """With sequential scans priced out (the test register is tiny) and the tables' statistics current (as
    autovacuum keeps them), any scan of the register left without an index condition would be a scan of
    the national register; there must be none (the same plan as EXPLAIN on the 500,000-project register)."""
    with CaptureQueriesContext(connection) as queries:
        tables.zone_projects(register)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE investment_project, investment_location, investment_budgetline")
        cursor.execute("SET LOCAL enable_seqscan = off")
        # The ranking and the count (the fetch of the page's projects by primary key is bounded by its
        # hundred keys; the planner may price a tiny table's other index lower, which says nothing).
        for query in [q for q in queries.captured_queries if "investment_location" in q["sql"]]:
            cursor.execute("EXPLAIN " + query["sql"])
            plan = [row[0] for row in cursor.fetchall()]
            for number, line in enumerate(plan):
                if "Scan" in line and " on investment_" in line:
                    condition = next((n for n in plan[number + 1:number + 3] if "Cond:" in n), None)
                    assert condition, "\n".join(plan)
