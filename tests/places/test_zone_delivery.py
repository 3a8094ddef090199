"""Issue #14: a quarter of progress imported for a zone's projects shows on the places zone page, as a
compact "Delivery" summary linking to the zone's investment page (investment hands the section down).

Hand-worked register in O.R. Tambo (DC15), Port St Johns (EC154, financial year from July):
  R1 budget R1 000 000, 2024/25 Q1 (ends 30 Sep 2024): construction, 40 %, spent R250 000
  R2 budget R2 000 000, 2024/25 Q1: design, 10 %, spent R500 000; planned 1 Jan 2024 - 1 Jan 2025: late
     (its planned completion passed without handover)
  R3 budget R500 000, 2023/24 Q4 (ends 30 Jun 2024) only: not in the latest quarter
  R4 budget R300 000, no report
  R5 budget R700 000, 2024/25 Q1, demo: left out
  eThekwini's E1 reports a later quarter (31 Dec 2024): another zone, no effect.
Latest quarter 30 Sep 2024; 2 of 4 projects reported; construction 1, design 1; spent R750 000 of
R3 000 000 (25.0 %); late 1 of 2.
"""

import datetime
import io
from decimal import Decimal

import pytest

from ddm.investment import review
from ddm.investment.delivery import zone_delivery
from ddm.investment.models import Project
from ddm.places.models import Place

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 3)
PROGRESS_HEADER = "Project ID,Quarter,Stage,Physical progress %,Expenditure to date\n"


def csv(text, name):
    handle = io.BytesIO(text.encode())
    handle.name = name
    return handle


def publish(org, projects, progress):
    review.submit_file(csv("Project name,Project ID,Local municipality,Budget 2024/25\n" + projects, "p.csv"), org,
                       None, "cli", publish=True)
    written = review.submit_file(csv(PROGRESS_HEADER + progress, "q.csv"), org, None, "cli", publish=True,
                                 content="progress")
    assert written.status == "committed", written.errors


@pytest.fixture
def register(organisation):
    publish(organisation("EC154"),
            "Clinic,R1,EC154,1000000\nRoad,R2,EC154,2000000\nHall,R3,EC154,500000\nBridge,R4,EC154,300000\n"
            "Demo clinic,R5,EC154,700000\n",
            "R1,2024/25 Q1,Construction,40,250000\nR2,2024/25 Q1,Design,10,500000\n"
            "R3,2023/24 Q4,Tender,0,0\nR5,2024/25 Q1,Handover,100,700000\n")
    Project.objects.filter(reference="R2").update(start_date=datetime.date(2024, 1, 1),
                                                  end_date=datetime.date(2025, 1, 1))
    Project.objects.filter(reference="R5").update(is_demo=True)
    publish(organisation("ETH"), "Depot,E1,ETH,9000000\n", "E1,2024/25 Q2,Construction,50,4000000\n")
    return Place.objects.zones().get(code="DC15")


def test_the_zone_delivery_summary_by_hand(register, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):  # the zone's data only, whatever the nation's register holds
        summary = zone_delivery(register, TODAY)
    assert summary.quarter_end == datetime.date(2024, 9, 30)
    assert (summary.reporting, summary.projects) == (2, 4)
    assert summary.stages == [("Design", 1), ("Construction", 1)]
    assert (summary.spent, summary.budget, summary.spent_share) == (Decimal("750000.00"), Decimal("3000000.00"),
                                                                     Decimal("25.0"))
    assert (summary.spending, summary.late) == (2, 1)


def test_the_places_zone_page_shows_it_and_links_to_the_investment_page(register, client):
    html = client.get("/zones/DC15/").content.decode()
    section = html[html.index('<section id="delivery"'):]
    section = section[:section.index("</section>")]
    assert "quarter ending 30 September 2024" in section
    assert "<strong>2</strong> of 4 projects in the zone reported" in section
    assert "Stages: Design 1 · Construction 1" in section
    assert 'title="R750 000.00"' in section and 'title="R3 000 000.00"' in section and "(25.0 %)" in section
    assert "Late: <strong>1</strong> of the 2 reporting projects" in section
    assert 'href="/investment/zones/DC15/#progress"' in section


def test_a_zone_without_reports_says_so(client, db):
    html = client.get("/zones/DC44/").content.decode()
    assert "No project in this zone has reported quarterly progress yet." in html
    assert 'href="/investment/zones/DC44/#progress"' in html
