"""The facilities register: schools and health facilities, each placed by the locator from its coordinates.

The municipality is the locator's answer for the facility's coordinates, never the municipality name
printed in the source file (often stale: pre-2016 municipalities, misspellings). A facility whose
coordinates are missing or fall outside South Africa is kept, with `location_status` and the reason.
"""

from django.db import models

from ddm.places.models import Place

# source key -> (citation, vintage year, licence)
SOURCES = {
    "dbe_schools_2024": ("Department of Basic Education, EMIS school masterlist", 2024,
                         "public EMIS data (via IngaMaholwana/Sa-Schools)"),
    "dsfsi_hospitals": ("DSFSI health system data (hospitals), dsfsi/covid19za", 2021, "CC BY-SA 4.0"),
    "doh_chc": ("National Department of Health data dictionary: community health centres (via dsfsi/covid19za)",
                2020, "CC BY-SA 4.0"),
    "doh_cdc": ("National Department of Health data dictionary: community day centres (via dsfsi/covid19za)",
                2020, "CC BY-SA 4.0"),
    "doh_ems": ("National Department of Health data dictionary: EMS stations (via dsfsi/covid19za)",
                2020, "CC BY-SA 4.0"),
    "doh_ltc": ("National Department of Health data dictionary: long-term care (via dsfsi/covid19za)",
                2020, "CC BY-SA 4.0"),
}


class Kind(models.TextChoices):
    SCHOOL = "school", "School"
    HOSPITAL = "hospital", "Hospital"
    CHC = "community_health_centre", "Community health centre"
    CDC = "community_day_centre", "Community day centre"
    EMS = "ems_station", "EMS station"
    LONG_TERM_CARE = "long_term_care", "Long-term care"


# Primary health care facilities a resident walks into ("clinics" in the profile's clinics per 10,000).
CLINIC_KINDS = [Kind.CHC, Kind.CDC]
HEALTH_KINDS = [Kind.HOSPITAL, Kind.CHC, Kind.CDC]


class LocationStatus(models.TextChoices):
    LOCATED = "located", "Located in a municipality"
    OUTSIDE = "outside", "Coordinates outside South Africa"
    MISSING = "missing", "No usable coordinates"


class FacilityQuerySet(models.QuerySet["Facility"]):
    def located(self) -> "FacilityQuerySet":
        return self.filter(location_status=LocationStatus.LOCATED)

    def in_zone(self, zone_code: str) -> "FacilityQuerySet":
        return self.located().filter(municipality__parent__code=zone_code)


class Facility(models.Model):
    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True)
    category = models.CharField(max_length=64, blank=True, help_text="As published, e.g. PRIMARY SCHOOL")
    source = models.CharField(max_length=32, help_text="Key of SOURCES: citation, vintage, licence")
    ref = models.CharField(max_length=80, help_text="The source's identifier (NatEmis for schools)")
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=32, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location_status = models.CharField(max_length=16, choices=LocationStatus.choices, db_index=True)
    location_note = models.CharField(max_length=200, blank=True)
    municipality = models.ForeignKey(Place, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    learners = models.PositiveIntegerField(null=True, blank=True)
    educators = models.PositiveIntegerField(null=True, blank=True)
    village = models.CharField(max_length=120, blank=True)
    suburb = models.CharField(max_length=120, blank=True)
    town = models.CharField(max_length=120, blank=True)
    source_province = models.CharField(max_length=40, blank=True)
    source_municipality = models.CharField(max_length=120, blank=True, help_text="As published; not used to place")

    objects = FacilityQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "ref"], name="unique_facility_per_source")]
        indexes = [models.Index(fields=["municipality", "kind"])]
        verbose_name_plural = "facilities"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def citation(self) -> str:
        return SOURCES[self.source][0]

    @property
    def vintage(self) -> int:
        return SOURCES[self.source][1]

    @property
    def place_name(self) -> str:
        """The settlement the source names (village, else suburb, else town), for evidence."""
        return self.village or self.suburb or self.town
