"""Every zone page opens with headline figures, each linking to its detail page (#12)."""

import datetime
from decimal import Decimal

import pytest

from ddm.accounts.models import Organisation
from ddm.briefing.figures import key_figures
from ddm.capacity.models import Hub, HubRole, Position
from ddm.engagement.models import Event, Item, ItemKind
from ddm.investment.models import BudgetLine, Location, Precision, Project
from ddm.profiles.services import place_value

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 2)


@pytest.fixture
def dc15(zone):
    dc15 = zone("DC15")
    project = Project.objects.create(organisation=Organisation.objects.get(code="ec-health"), reference="K1",
                                     title="Clinic")
    Location.objects.create(project=project, precision=Precision.ZONE, place=dc15, zone=dc15, province_id=dc15.province_id)
    BudgetLine.objects.create(project=project, kind="budget", amount=Decimal("3000000.00"), fy_first=2024, fy_last=2024)
    BudgetLine.objects.create(project=project, kind="budget", amount=Decimal("9000000.00"), fy_first=2027, fy_last=2027)
    hub = Hub.objects.create(name="O.R. Tambo hub")
    hub.zones.set([dc15])
    Position.objects.create(hub=hub, role=HubRole.MANAGER, person_name="A")
    Position.objects.create(hub=hub, role=HubRole.PLANNER, person_name="")
    event = Event.objects.create(kind="imbizo", zone=dc15, title="Imbizo", date=datetime.date(2026, 1, 1))
    Item.objects.create(event=event, kind=ItemKind.COMMITMENT, text="Road", due_date=datetime.date(2026, 6, 1))
    Item.objects.create(event=event, kind=ItemKind.COMMITMENT, text="Done", due_date=datetime.date(2026, 6, 1),
                        status="done")
    return dc15


def test_headline_figures_by_hand(dc15):
    figures = {f.key: f for f in key_figures(dc15, TODAY)}
    people = place_value(dc15, "population")
    assert figures["population"].value == f"{int(people.value):,}".replace(",", " ")
    # 2024/25 is the newest budget year up to 2026/27 (the 2027/28 line is in the future): R3 000 000.
    assert figures["budget"].label == "Government budget 2024/25" and figures["budget"].value == "R3.0 m"
    assert figures["budget"].exact == "R3 000 000.00"
    per_person = (Decimal("3000000") / people.value).quantize(Decimal("1"))
    assert figures["per_person"].value == f"R{per_person}"
    assert figures["oneplan"].value == "No One Plan yet"
    assert figures["hub"].value == "1 of 9" and figures["overdue"].value == "1"
    assert {f.url for f in figures.values()} >= {"/profiles/zones/DC15/", "/investment/zones/DC15/",
                                                 "/oneplan/zones/DC15/", "/capacity/zones/DC15/",
                                                 "/engagement/zones/DC15/"}


@pytest.mark.parametrize("url", ["/zones/DC15/", "/investment/zones/DC15/", "/profiles/zones/DC15/",
                                 "/capacity/zones/DC15/", "/engagement/zones/DC15/"])
def test_every_zone_page_opens_with_the_strip(client, dc15, url):
    html = client.get(url).content.decode()
    strip = html.split('class="key-figures"')[1].split("</section>")[0]
    assert "Population" in strip and "Hub staffing" in strip and 'href="/briefing/zones/DC15/"' in strip
    assert html.index('class="key-figures"') < html.index("<h2")
