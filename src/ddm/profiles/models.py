"""The indicator store: definitions, values per place and year, and each zone's narrative.

Base counts are stored per municipality as loaded from the source tables; zone, province and
country values of countable indicators are sums of their municipalities (is_aggregated=True).
Ratios are never summed or averaged: they are recomputed at every level from the counts named in
their definition (numerator / denominator), see ddm.profiles.aggregate.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Unit(models.TextChoices):
    PERSONS = "persons", "persons"
    HOUSEHOLDS = "households", "households"
    PERCENT = "percent", "%"
    RATIO = "ratio", "ratio"
    KM2 = "km2", "km²"
    DENSITY = "per_km2", "persons per km²"
    RAND = "rand", "Rand"
    COUNT = "count", "count"
    MONTHS = "months", "months"
    CATEGORY = "category", "category"  # a categorical value (e.g. an audit outcome): IndicatorValue.text


# Units whose values add up over places (a zone's value is the sum of its municipalities').
ADDITIVE_UNITS = {Unit.PERSONS, Unit.HOUSEHOLDS, Unit.RAND, Unit.COUNT, Unit.KM2}


class Kind(models.TextChoices):
    BASE = "base", "Count from a source table"
    SUM = "sum", "Sum of other indicators"
    RATIO = "ratio", "Ratio of other indicators"
    IMPORTED = "imported", "Imported value"


class Direction(models.TextChoices):
    HIGHER_WORSE = "higher_worse", "higher is worse"
    HIGHER_BETTER = "higher_better", "higher is better"
    NEUTRAL = "neutral", "neither"


class Category(models.TextChoices):
    DEMOGRAPHY = "demography", "Demographic and population profile"
    SOCIO_ECONOMIC = "socio_economic", "Socio-economic development"
    SPATIAL = "spatial", "Spatial development and environment"
    SERVICES = "services", "Infrastructure and service delivery"
    GOVERNANCE = "governance", "Institutional and local governance"


class IndicatorDefinition(models.Model):
    code = models.CharField(max_length=160, unique=True)
    name = models.CharField(max_length=300)
    unit = models.CharField(max_length=16, choices=Unit.choices)
    universe = models.CharField(max_length=120, help_text="Who or what is counted, e.g. persons aged 20+")
    category = models.CharField(max_length=20, choices=Category.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.BASE)
    source = models.TextField(help_text="Citation of the source")
    year = models.PositiveSmallIntegerField(help_text="Reference year of the data")
    table = models.CharField(max_length=200, blank=True, help_text="Source table (file) of a base count")
    source_category = models.CharField(max_length=200, blank=True, help_text="Category label in the source table")
    formula = models.TextField(blank=True, help_text="How a derived indicator is computed, in words")
    numerator = models.JSONField(default=list, blank=True, help_text="Codes summed as numerator (sum/ratio)")
    denominator = models.JSONField(default=list, blank=True, help_text="Codes summed as denominator (ratio)")
    scale = models.DecimalField(max_digits=8, decimal_places=2, default=1, help_text="100 for a percentage")
    direction = models.CharField(max_length=16, choices=Direction.choices, default=Direction.NEUTRAL)
    decimals = models.PositiveSmallIntegerField(default=0)
    description = models.TextField(blank=True)
    is_reference = models.BooleanField(default=False, help_text="Defined by the packaged reference data")
    # Base counts of one source table belong together (a chart, a breakdown); blank for the rest.
    group = models.CharField(max_length=100, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["category", "order", "code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"

    @property
    def is_additive(self) -> bool:
        return self.unit in ADDITIVE_UNITS and self.kind != Kind.RATIO

    @property
    def citation(self) -> str:
        return f"{self.source} ({self.year})"


class IndicatorValue(models.Model):
    """One figure of one place and year, in one vintage (release) of its source.

    Several vintages of an indicator live side by side (Census 2011, CS 2016, Census 2022, a later
    errata release): the newest (latest year, then latest release) is the headline, the others are
    its history. A value whose source differs from its definition's names it in `source`.
    """

    indicator = models.ForeignKey(IndicatorDefinition, on_delete=models.CASCADE, related_name="values")
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True,
                                help_text="Empty only for a categorical value (see text)")
    text = models.CharField(max_length=200, blank=True, help_text="A categorical value, e.g. an audit outcome")
    vintage = models.CharField(max_length=120, blank=True,
                               help_text="The release this value comes from, e.g. 'Census 2022'; blank: the definition's")
    source = models.TextField(blank=True, help_text="Citation of this value when it is not the definition's source")
    released = models.DateField(null=True, blank=True, help_text="Release date: orders vintages of one year")
    source_note = models.CharField(max_length=300, blank=True)
    is_aggregated = models.BooleanField(default=False, help_text="Computed from other values, not loaded")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "place", "year", "vintage"], name="unique_indicator_value"),
        ]
        indexes = [models.Index(fields=["place", "indicator"])]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.place_id} {self.year} = {self.text or self.value}"


class DataState(models.Model):
    """A version number bumped whenever values change: part of every cached profile's key."""

    key = models.CharField(max_length=40, unique=True)
    version = models.PositiveIntegerField(default=0)
    fingerprint = models.CharField(max_length=64, blank=True, help_text="Hash of the loaded reference files")
    updated = models.DateTimeField(auto_now=True)


class ZoneNarrative(models.Model):
    """Section 1 of a zone's profile, written by its hub; every change is kept."""

    zone = models.OneToOneField("places.Place", on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(blank=True, help_text="The development situation in a few sentences")
    challenges = models.TextField(blank=True, help_text="Key challenges, one per line")
    potentials = models.TextField(blank=True, help_text="Key potentials and opportunities, one per line")
    catalytic_projects = models.TextField(blank=True, help_text="Catalytic projects, one per line")
    updated = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Narrative of {self.zone_id}"

    @property
    def is_empty(self) -> bool:
        return not any((self.summary, self.challenges, self.potentials, self.catalytic_projects))
