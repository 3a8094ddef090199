"""The profile's facilities section: schools, learners per educator and health facilities per municipality.

Kept apart from the numbered sections (ddm.profiles.sections): its figures come from the facilities
register (ddm.facilities), not the indicator store. A zone's profile lists its municipalities and
the zone total; a municipality's profile lists itself. Clinics per 10,000 people use the newest
population in the indicator store for the same place (its source and year are shown).
"""

import re
from collections.abc import Sequence
from typing import Any

from ddm import caching
from ddm.facilities.models import SOURCES
from ddm.facilities.services import CLINICS_PER_10000_PLACES, Counts, counts_by_municipality, sources
from ddm.places.models import Level, Place
from ddm.profiles.services import population_by_code

NOTES = (
    "Facilities are placed in a municipality by their coordinates (MDB 2020 boundaries), not by the "
    "municipality names in the source lists; facilities without usable coordinates are listed by "
    "`ddm report facilities --unplaced`.",
    "Learners per educator: total learners / total educators of the schools reporting both (DBE 2024).",
    "Clinics: community health centres and community day centres (DoH 2020). The ~3,500 primary health care "
    "clinics are not in the available data, so this undercounts primary care.",
)


# The figures of a row as exports list them: (key, name, unit, register sources, note).
FIGURES = (
    ("schools", "Schools", "schools", ("dbe_schools_2024",), "Located schools."),
    ("learners", "Learners", "learners", ("dbe_schools_2024",), "Learners of the schools reporting learners and educators."),
    ("educators", "Educators", "educators", ("dbe_schools_2024",), "Educators of the schools reporting learners and educators."),
    ("learners_per_educator", "Learners per educator", "ratio", ("dbe_schools_2024",), NOTES[1]),
    ("hospitals", "Hospitals", "facilities", ("dsfsi_hospitals",), ""),
    ("community_health_centres", "Community health centres", "facilities", ("doh_chc",), ""),
    ("community_day_centres", "Community day centres", "facilities", ("doh_cdc",), ""),
    ("clinics", "Clinics (community health centres and community day centres)", "facilities", ("doh_chc", "doh_cdc"),
     NOTES[2]),
    ("ems_stations", "EMS stations", "stations", ("doh_ems",), ""),
    ("long_term_care", "Long-term care facilities", "facilities", ("doh_ltc",), ""),
)
# Decimals of the ratios wherever they are shown (page, PDF); counts have none.
DECIMALS = {"learners_per_educator": 1, "clinics_per_10000": CLINICS_PER_10000_PLACES}
SOURCE_YEAR = re.compile(r"\((\d{4})\)$")  # population_by_code's source ends with its figure's year


def _row(counts: Counts, name: str, population: tuple[int, str] | None) -> dict[str, Any]:
    people, population_source = population or (None, "")
    year = SOURCE_YEAR.search(population_source)
    return {"code": counts.code, "name": name, "schools": counts.schools, "learners": counts.learners,
            "educators": counts.educators, "learners_per_educator": counts.learners_per_educator,
            "clinics": counts.clinics, "community_health_centres": counts.community_health_centres,
            "community_day_centres": counts.community_day_centres, "hospitals": counts.hospitals,
            "ems_stations": counts.ems_stations, "long_term_care": counts.long_term_care,
            "population": people, "population_source": population_source,
            "population_year": int(year.group(1)) if year else None,
            "clinics_per_10000": counts.clinics_per_10000(people) if people else None}


def _register_source(keys: Sequence[str]) -> tuple[str, int]:
    """(citation, vintage) of one or more register sources ("A; B", the newest vintage)."""
    return "; ".join(SOURCES[k][0] for k in keys), max(SOURCES[k][1] for k in keys)


def figures(section: dict[str, Any], level: str) -> list[dict[str, Any]]:
    """Every figure of the section, one dict per place and figure, each with its own source and year:
    {place, place_name, level, code, name, unit, value (int, Decimal or None), year, source, note}.
    A zone's municipalities come first, then the zone total (a sum of its municipalities, labelled so)."""
    total = section["total"]
    places = [(row, Level.MUNICIPALITY if total else level, "") for row in section["rows"]]
    if total:
        places.append((total, Level.ZONE, " Sum of the zone's municipalities."))
    return [figure for row, row_level, summed in places for figure in _place_figures(row, row_level, summed)]


def _place_figures(row: dict[str, Any], level: str, summed: str) -> list[dict[str, Any]]:
    clinics_source, clinics_year = _register_source(("doh_chc", "doh_cdc"))
    listed = [(key, name, unit, row[key], *_register_source(keys), note + summed)
              for key, name, unit, keys, note in FIGURES]
    listed += [
        ("population", "Population (for clinics per 10,000 people)", "persons", row["population"],
         row["population_source"], row["population_year"], "The newest population figure of the place."),
        ("clinics_per_10000", "Clinics per 10,000 people", "per 10,000 people", row["clinics_per_10000"],
         f"{clinics_source}; population: {row['population_source']}", clinics_year,
         "Clinics x 10,000 / population, to two decimals (half up)."),
    ]
    return [{"place": row["code"], "place_name": row["name"], "level": level, "code": f"facilities.{key}",
             "name": name, "unit": unit, "value": value, "year": year, "source": source, "note": note.strip()}
            for key, name, unit, value, source, year, note in listed]


def facilities_section(place: Place, municipalities: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """{"rows": [...per municipality], "total": row or None, "sources", "notes"} for a zone or municipality,
    computed once per data version (ddm.caching). municipalities: the zone's [(code, name)] when the
    caller has them (the profile does), saving a query."""
    return caching.remember("profile-facilities-by-kind", lambda: _section(place, municipalities), place.level, place.code)


def _section(place: Place, municipalities: list[tuple[str, str]] | None) -> dict[str, Any]:
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
