"""Hub coverage (zones without a hub; a shared hub counted once) and vacancy status."""

import datetime

import pytest

from ddm.capacity.models import Hub, HubRole, Position, PositionStatus, position_status
from ddm.capacity.services import coverage

TODAY = datetime.date(2024, 1, 15)


@pytest.fixture
def hubs(zone):
    gauteng = Hub.objects.create(name="Gauteng metros")
    gauteng.zones.set([zone("JHB"), zone("TSH"), zone("EKU")])
    waterberg = Hub.objects.create(name="Waterberg")
    waterberg.zones.set([zone("DC36")])
    Position.objects.create(hub=gauteng, role=HubRole.MANAGER, person_name="A", appointed_on=TODAY)  # permanent
    Position.objects.create(hub=gauteng, role=HubRole.PLANNER, person_name="B", appointed_on=TODAY,
                            contract_end=TODAY - datetime.timedelta(days=1))  # ended yesterday: vacant
    Position.objects.create(hub=gauteng, role=HubRole.ECONOMIST, person_name="C", appointed_on=TODAY,
                            contract_end=TODAY + datetime.timedelta(days=90))  # ends within 90 days
    Position.objects.create(hub=gauteng, role=HubRole.FINANCE, person_name="D", appointed_on=TODAY,
                            contract_end=TODAY + datetime.timedelta(days=91))
    Position.objects.create(hub=gauteng, role=HubRole.MONITORING, person_name="  ")  # no person: vacant
    return gauteng, waterberg


def test_zones_without_hub_and_shared_hub_counted_once(hubs):
    data = coverage(TODAY)
    assert len(data["hubs"]) == 2
    assert sorted(z.code for z in data["zones_served"]) == ["DC36", "EKU", "JHB", "TSH"]
    assert len(data["zones_without_hub"]) == 52 - 4
    assert "DC15" in {z.code for z in data["zones_without_hub"]}


def test_position_status_rules(hubs):
    gauteng, _ = hubs
    status = {p.role: position_status(p, TODAY) for p in gauteng.positions.all()}
    assert status == {
        "manager": PositionStatus.FILLED, "planner": PositionStatus.VACANT, "economist": PositionStatus.ENDING,
        "finance": PositionStatus.FILLED, "monitoring": PositionStatus.VACANT,
    }
    assert position_status(None, TODAY) == PositionStatus.VACANT


def test_vacancies_per_role_count_each_hub_once(hubs):
    _gauteng, _waterberg = hubs
    vacancies = {role.value: {h.name for h in found} for role, found in coverage(TODAY)["vacancies"]}
    assert vacancies["manager"] == {"Waterberg"}          # Gauteng's manager is permanent
    assert vacancies["planner"] == {"Gauteng metros", "Waterberg"}  # contract ended: vacant
    assert vacancies["economist"] == {"Waterberg"}        # ending soon is still filled
    assert len(vacancies) == 9
    ending = [(h.name, role.value) for h, role, _p in coverage(TODAY)["ending"]]
    assert ending == [("Gauteng metros", "economist")]


def test_national_page_lists_zones_without_hub_and_vacancies(client, hubs):
    page = client.get("/capacity/?today=2024-01-15").content.decode()
    assert "48</strong> zones without a hub" in page
    assert "2 hubs serve 4 of 52 zones" in page
    assert ">DC15</a>" in page.split('id="zones-without-hub"')[1]
    assert ">JHB</a>" not in page.split('id="zones-without-hub"')[1]


def test_zone_page_without_hub(client, db):
    page = client.get("/capacity/zones/DC15/").content.decode()
    assert 'id="no-hub"' in page


def test_hub_api(client, hubs):
    data = client.get("/api/zones/TSH/hub?today=2024-01-15").json()
    assert [h["name"] for h in data["hubs"]] == ["Gauteng metros"]
    roles = {p["role"]: p["status"] for p in data["hubs"][0]["positions"]}
    assert roles["economist"] == "ending" and roles["planner"] == "vacant" and len(roles) == 9
    assert client.get("/api/zones/DC15/hub").json()["hubs"] == []
    assert client.get("/api/zones/XX99/hub").status_code == 404


def test_roles_filled_counts_people_in_post_not_recorded_positions(client, hubs):
    gauteng, waterberg = hubs
    # Five positions recorded; the planner's contract ended and monitoring has nobody: 3 filled.
    assert gauteng.roles_filled(TODAY) == 3 and waterberg.roles_filled(TODAY) == 0
    page = client.get("/capacity/?today=2024-01-15").content.decode()
    row = page.split(f'href="/capacity/hubs/{gauteng.pk}/"')[1].split("</tr>")[0]
    assert '<td class="num">3</td>' in row
