"""Facility counts and ratios per municipality, and the facilities of a zone as GeoJSON.

Counts are of located facilities (placed in the municipality by their coordinates). Learners per
educator is total learners / total educators over the schools that report both (2024), so a school
without figures neither adds learners without teachers nor the reverse; the count of such schools
is reported beside the ratio.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from ddm.facilities.models import CLINIC_KINDS, SOURCES, Facility, Kind

CLINICS_PER_10000_PLACES = 2  # a municipality has ~0.5-2 clinics per 10,000 people: one decimal hides the differences


def ratio(numerator: int | None, denominator: int | None, scale: int = 1, places: int = 1) -> Decimal | None:
    """numerator * scale / denominator to `places` decimals (half up), None when the denominator is 0/None."""
    if not denominator or numerator is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(numerator) * scale / Decimal(denominator)).quantize(quantum, rounding=ROUND_HALF_UP)


@dataclass
class Counts:
    """Facility figures of one place (a municipality, or a zone as the sum of its municipalities)."""

    code: str
    schools: int = 0
    schools_with_figures: int = 0
    learners: int = 0
    educators: int = 0
    clinics: int = 0  # community health centres + community day centres
    community_health_centres: int = 0
    community_day_centres: int = 0
    hospitals: int = 0
    ems_stations: int = 0
    long_term_care: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def learners_per_educator(self) -> Decimal | None:
        return ratio(self.learners, self.educators)

    def clinics_per_10000(self, population: int | None) -> Decimal | None:
        return ratio(self.clinics, population, 10000, CLINICS_PER_10000_PLACES)

    def add(self, other: "Counts") -> "Counts":
        for name in ("schools", "schools_with_figures", "learners", "educators", "clinics", "community_health_centres",
                     "community_day_centres", "hospitals", "ems_stations", "long_term_care"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


def counts_by_municipality(municipality_codes: Collection[str]) -> dict[str, Counts]:
    """{municipality code: Counts} for the given codes (one grouped query; codes without facilities get zeros)."""
    figures = Q(learners__isnull=False, educators__isnull=False, educators__gt=0)
    school = Q(kind=Kind.SCHOOL)
    rows = (Facility.objects.located().filter(municipality__code__in=municipality_codes)
            .values("municipality__code").annotate(
                schools=Count("id", filter=school), schools_with_figures=Count("id", filter=school & figures),
                total_learners=Sum("learners", filter=school & figures),
                total_educators=Sum("educators", filter=school & figures),
                clinics=Count("id", filter=Q(kind__in=CLINIC_KINDS)),
                community_health_centres=Count("id", filter=Q(kind=Kind.CHC)),
                community_day_centres=Count("id", filter=Q(kind=Kind.CDC)),
                hospitals=Count("id", filter=Q(kind=Kind.HOSPITAL)), ems_stations=Count("id", filter=Q(kind=Kind.EMS)),
                long_term_care=Count("id", filter=Q(kind=Kind.LONG_TERM_CARE))))
    result = {code: Counts(code) for code in municipality_codes}
    for row in rows:
        place_counts: dict[str, Any] = {key: value or 0 for key, value in row.items()}
        code = place_counts.pop("municipality__code")
        place_counts["learners"] = place_counts.pop("total_learners")
        place_counts["educators"] = place_counts.pop("total_educators")
        result[code] = Counts(code, **place_counts)
    return result


def sources() -> list[tuple[str, int, str]]:
    """[(citation, vintage, licence)] of the register's sources, in a stable order."""
    return [SOURCES[key] for key in SOURCES]


def feature(facility: Facility) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [facility.longitude, facility.latitude]},
        "properties": {
            "id": facility.id, "kind": facility.kind, "kind_label": facility.get_kind_display(),
            "category": facility.category, "name": facility.name,
            "sector": facility.sector, "municipality": facility.municipality.code if facility.municipality else None,
            "place_name": facility.place_name, "learners": facility.learners, "educators": facility.educators,
            "source": SOURCES[facility.source][0], "vintage": SOURCES[facility.source][1],
        },
    }


def zone_features(zone_code: str, kinds: Sequence[str] | None = None) -> dict[str, Any]:
    """GeoJSON FeatureCollection of the located facilities of one zone (optionally of some kinds)."""
    facilities = (Facility.objects.in_zone(zone_code).select_related("municipality")
                  .defer("municipality__geometry", "municipality__svg_path").order_by("kind", "name", "id"))
    if kinds:
        facilities = facilities.filter(kind__in=kinds)
    return {"type": "FeatureCollection", "zone": zone_code,
            "features": [feature(f) for f in facilities]}
