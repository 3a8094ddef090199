"""The national place registry: country > province > zone (district/metro) > municipality > ward.

One table for all levels so that locations, indicator values and scopes can point at any place.
MDB codes are the natural keys; a metro appears twice (as zone and as municipality, same code),
as the MDB hierarchy has it, so "a zone is the sum of its municipalities" holds everywhere.
"""

import json
from functools import cached_property
from typing import Self

import shapely
from django.db import models
from django.urls import reverse
from shapely.geometry.base import BaseGeometry

from ddm.places import CURRENT_DEMARCATION


class Level(models.TextChoices):
    COUNTRY = "country", "Country"
    PROVINCE = "province", "Province"
    ZONE = "zone", "IGR Impact Zone"
    MUNICIPALITY = "municipality", "Municipality"
    WARD = "ward", "Ward"


LEVEL_ORDER = [Level.COUNTRY, Level.PROVINCE, Level.ZONE, Level.MUNICIPALITY, Level.WARD]


class PlaceQuerySet(models.QuerySet["Place"]):
    def current(self) -> Self:
        return self.filter(demarcation_year=CURRENT_DEMARCATION)

    def provinces(self) -> Self:
        return self.current().filter(level=Level.PROVINCE)

    def zones(self) -> Self:
        return self.current().filter(level=Level.ZONE)

    def municipalities(self) -> Self:
        return self.current().filter(level=Level.MUNICIPALITY)

    def wards(self) -> Self:
        return self.current().filter(level=Level.WARD)

    def without_geometry(self) -> Self:
        return self.defer("geometry", "svg_path")


class Place(models.Model):
    level = models.CharField(max_length=16, choices=Level.choices, db_index=True)
    code = models.CharField(max_length=16, db_index=True, help_text="MDB code, e.g. DC15, ETH, EC157")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=200, blank=True)
    # MDB category: A metro, B local, C district; blank for country, province, ward.
    category = models.CharField(max_length=1, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    province = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The province this place lies in (itself for a province).",
    )
    demarcation_year = models.PositiveSmallIntegerField(default=2020, help_text="MDB demarcation of the boundary")
    area_km2 = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    # WGS84 GeoJSON geometry as stored text: GeoDjango needs system GDAL, shapely reads this.
    geometry = models.TextField(blank=True)
    # Simplified outline pre-projected for the server-rendered SVG maps.
    svg_path = models.TextField(blank=True)
    centroid_lat = models.FloatField(null=True, blank=True)
    centroid_lon = models.FloatField(null=True, blank=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "code", "demarcation_year"], name="unique_place_code_per_level"),
        ]
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def is_metro(self) -> bool:
        return self.category == "A"

    @cached_property
    def shape(self) -> BaseGeometry | None:
        return shapely.geometry.shape(json.loads(self.geometry)) if self.geometry else None

    def zone(self) -> "Place | None":
        """The zone this place lies in (itself for a zone), or None above zone level."""
        place: Place | None = self
        while place is not None and place.level not in (Level.ZONE,):
            if place.level in (Level.COUNTRY, Level.PROVINCE):
                return None
            place = place.parent
        return place

    def get_absolute_url(self) -> str:

        if self.level == Level.ZONE:
            return reverse("places:zone", args=[self.code])
        if self.level == Level.MUNICIPALITY:
            return reverse("places:municipality", args=[self.code])
        if self.level == Level.PROVINCE:
            return reverse("places:province", args=[self.code])
        return reverse("places:home")
