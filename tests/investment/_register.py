"""Build register records directly through the ORM (independent of the intake pipeline)."""

from decimal import Decimal

from ddm.accounts.models import Organisation
from ddm.investment.models import BudgetLine, Location, Precision, Project
from ddm.places.models import Place


def org(code, sphere="national", province=None, fy_start_month=4, kind="department"):
    organisation, _ = Organisation.objects.get_or_create(code=code, defaults=dict(
        name=f"Test {code}", sphere=sphere, kind=kind, fy_start_month=fy_start_month,
        province=Place.objects.provinces().get(code=province) if province else None))
    return organisation


def place(level, code):
    return Place.objects.current().get(level=level, code=code)


def locate(project, zone=None, municipality=None, share=None, point=None, precision=None):
    """A location in a zone (or municipality, which implies its zone); point=(lat, lon)."""
    muni = place("municipality", municipality) if municipality else None
    zone_place = place("zone", zone) if zone else (muni.parent if muni else None)
    if precision is None:
        precision = Precision.POINT if point else (Precision.MUNICIPALITY if muni else Precision.ZONE)
    return Location.objects.create(
        project=project, precision=precision, place=muni or zone_place, municipality=muni, zone=zone_place,
        province_id=zone_place.province_id if zone_place else None, share=share,
        latitude=point[0] if point else None, longitude=point[1] if point else None,
    )


def project(organisation, reference, lines=(), title=None, **fields):
    """lines: (amount, fy_first, fy_last[, kind[, fy_start_month]]) tuples."""
    item = Project.objects.create(organisation=organisation, reference=reference, title=title or reference, **fields)
    for line in lines:
        amount, first, last = line[:3]
        kind = line[3] if len(line) > 3 else "budget"
        month = line[4] if len(line) > 4 else organisation.fy_start_month
        BudgetLine.objects.create(project=item, amount=Decimal(amount), fy_first=first, fy_last=last, kind=kind,
                                  fy_start_month=month)
    return item
