"""The profile's facilities section: schools, learners per educator and health facilities per municipality.

Kept apart from the numbered sections (ddm.profiles.sections): its figures come from the facilities
register (ddm.facilities), not the indicator store. A zone's profile lists its municipalities and
the zone total; a municipality's profile lists itself. Clinics per 10,000 people use the newest
population in the indicator store for the same place (its source and year are shown).
"""

from ddm.facilities.services import Counts, counts_by_municipality, sources
from ddm.places.models import Level

NOTES = (
    "Facilities are placed in a municipality by their coordinates (MDB 2020 boundaries), not by the "
    "municipality names in the source lists; facilities without usable coordinates are listed by "
    "`ddm report facilities --unplaced`.",
    "Learners per educator: total learners / total educators of the schools reporting both (DBE 2024).",
    "Clinics: community health centres and community day centres (DoH 2020). The ~3,500 primary health care "
    "clinics are not in the available data, so this undercounts primary care.",
)


def _row(counts, name, population):
    people, population_source = population or (None, "")
    return {"code": counts.code, "name": name, "schools": counts.schools, "learners": counts.learners,
            "educators": counts.educators, "learners_per_educator": counts.learners_per_educator,
            "clinics": counts.clinics, "hospitals": counts.hospitals, "ems_stations": counts.ems_stations,
            "population": people, "population_source": population_source,
            "clinics_per_10000": counts.clinics_per_10000(people) if people else None}


def facilities_section(place, municipalities=None):
    """{"rows": [...per municipality], "total": row or None, "sources", "notes"} for a zone or municipality,
    computed once per data version (ddm.caching). municipalities: the zone's [(code, name)] when the
    caller has them (the profile does), saving a query."""
    from ddm import caching

    return caching.remember("profile-facilities", lambda: _section(place, municipalities), place.level, place.code)


def _section(place, municipalities):
    from ddm.profiles.services import population_by_code

    if place.level != Level.ZONE:
        municipalities = [(place.code, place.display_name)]
    elif municipalities is None:
        municipalities = [(m.code, m.display_name) for m in place.children.order_by("code")]
    counts = counts_by_municipality([code for code, _ in municipalities])
    population = population_by_code()
    rows = [_row(counts[code], name, population.get(code)) for code, name in municipalities]
    total = None
    if place.level == Level.ZONE and len(municipalities) > 1:
        zone_counts = Counts(place.code)
        for value in counts.values():
            zone_counts.add(value)
        total = _row(zone_counts, place.name, population.get(place.code))
    return {"rows": rows, "total": total, "notes": NOTES,
            "sources": [{"citation": c, "vintage": v, "licence": lic} for c, v, lic in sources()]}
