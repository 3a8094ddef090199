"""Fixtures of the alignment tests: projects created directly through the ORM."""

from decimal import Decimal

import pytest

from ddm.accounts.models import Organisation
from ddm.investment.models import BudgetLine, Location, Project
from ddm.places.models import Place


@pytest.fixture
def make_project(db):
    """make_project(org, ref, title, zone=..., muni=..., point=(lat, lon)|None, amount=..., years=(first, last),
    sector=..., kind=...) -> Project with one location and one budget line."""

    def make(org, reference, title, zone="DC15", muni="EC157", point=None, amount="1000000.00", years=(2020, 2020),
             sector="health", kind="budget", precision=None, description=""):
        project = Project.objects.create(organisation=Organisation.objects.get(code=org), reference=reference,
                                         title=title, sector=sector, description=description)
        zone_place = Place.objects.zones().get(code=zone)
        municipality = Place.objects.municipalities().get(code=muni) if muni else None
        precision = precision or ("point" if point else ("municipality" if muni else "zone"))
        place = {"municipality": municipality, "zone": zone_place, "point": None}.get(precision)
        if precision == "none":
            pass  # unmapped: no location at all
        elif precision in ("province", "national"):
            Location.objects.create(project=project, precision=precision,
                                    place=zone_place.province if precision == "province" else None,
                                    province=zone_place.province if precision == "province" else None)
        else:
            Location.objects.create(
                project=project, precision=precision, latitude=point[0] if point else None,
                longitude=point[1] if point else None, place=place, municipality=municipality, zone=zone_place,
                province=zone_place.province,
            )
        if amount is not None:
            BudgetLine.objects.create(project=project, kind=kind, amount=Decimal(amount), fy_first=years[0],
                                      fy_last=years[1])
        return project

    return make
