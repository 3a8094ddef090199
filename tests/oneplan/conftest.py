"""Fixtures of the One Plan tests: a started DC15 plan, its editors and signatories."""

from decimal import Decimal

import pytest
from oneplan_helpers import DC15_LOCALS

from ddm.accounts.models import Organisation, RoleKind
from ddm.investment.models import BudgetLine, Location, Precision, Project
from ddm.oneplan import workflow
from ddm.places.models import Place


@pytest.fixture
def admin(make_user):
    return make_user("natadmin", RoleKind.ADMIN)


@pytest.fixture
def hub(make_user, zone):
    return make_user("hub-dc15", RoleKind.HUB, zone=zone("DC15"))


@pytest.fixture
def plan(zone, hub):
    return workflow.start_plan(zone("DC15"), hub)


@pytest.fixture
def version(plan):
    return plan.current


@pytest.fixture
def project_factory(db):
    """project_factory(org_code, ref, zone_code, {kind: amount}, fy=(first, last)) -> Project located in the zone."""

    def make(org_code, reference, zone_code, lines, fy=(2020, 2020), share=None):
        org = Organisation.objects.get(code=org_code)
        project = Project.objects.create(organisation=org, reference=reference, title=f"Project {reference}")
        zone = Place.objects.zones().get(code=zone_code)
        Location.objects.create(project=project, precision=Precision.ZONE, place=zone, zone=zone,
                                province_id=zone.province_id, share=share)
        for kind, amount in lines.items():
            BudgetLine.objects.create(project=project, kind=kind, amount=Decimal(amount), fy_first=fy[0], fy_last=fy[1])
        return project

    return make


@pytest.fixture
def signatories(make_user, organisation):
    """{party key: user} for every required sign-off of DC15."""
    users = {
        "national": make_user("sig-national", RoleKind.ADMIN),
        "provincial:EC": make_user("sig-ec", RoleKind.PROVINCIAL, province=Place.objects.provinces().get(code="EC")),
        "district:DC15": make_user("sig-dc15", RoleKind.SUBMITTER, organisation=organisation("DC15")),
    }
    for code in DC15_LOCALS:
        users[f"local:{code}"] = make_user(f"sig-{code}", RoleKind.SUBMITTER, organisation=organisation(code))
    return users
