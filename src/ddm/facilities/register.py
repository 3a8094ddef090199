"""Loads the packaged facilities file into the register, placing each facility by the locator.

Every row of data/facilities.csv.gz becomes one Facility: located (municipality from the
coordinates), outside (coordinates not in South Africa, kept with them) or missing (no usable
coordinates, kept with the reason). Nothing is dropped; `unplaced()` lists the last two kinds.
"""

import csv
import gzip
import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from django.db import transaction

from ddm.facilities.models import Facility, FacilityQuerySet, LocationStatus
from ddm.places.locator import Locator, get_locator
from ddm.places.models import Place

DATA_FILE = Path(__file__).resolve().parent / "data" / "facilities.csv.gz"
BATCH = 2000
# The DBE lists' numbers are "learners" and "educators"; anything not a whole number is reported.


Row = dict[str, str]
# (row, latitude, longitude, municipality code, status, note) of one located row
Located = tuple[Row, float | None, float | None, str | None, LocationStatus, str]


def read_rows(path: Path = DATA_FILE) -> list[Row]:
    with gzip.open(path, "rb") as handle:
        return list(csv.DictReader(io.TextIOWrapper(handle, encoding="utf-8", newline="")))


def _count(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() else None


def _number(text: str) -> float | None:
    return float(text) if text else None


def located_rows(rows: list[Row], locator: Locator) -> Iterator[Located]:
    """(row, lat, lon, municipality code or None, status, note) for each row, located in one batch."""
    lats = np.array([_number(r["lat"]) if r["lat"] and r["lon"] else np.nan for r in rows], dtype=float)
    lons = np.array([_number(r["lon"]) if r["lat"] and r["lon"] else np.nan for r in rows], dtype=float)
    codes = locator.locate_many(lats, lons)
    for row, lat, lon, code in zip(rows, lats, lons, codes, strict=True):
        if np.isnan(lat):
            yield row, None, None, None, LocationStatus.MISSING, row["coordinates_note"] or "no coordinates"
        elif code is None:
            note = f"{row['lat']}, {row['lon']} is not in South Africa"
            if locator.locate_many([lon], [lat])[0] is not None:
                note += " (it would be if latitude and longitude were swapped; not guessed)"
            yield row, float(lat), float(lon), None, LocationStatus.OUTSIDE, note
        else:
            yield row, float(lat), float(lon), code, LocationStatus.LOCATED, row["coordinates_note"]


def is_loaded(path: Path = DATA_FILE) -> bool:
    return Facility.objects.exists()


@transaction.atomic
def load(path: Path = DATA_FILE, locator: Locator | None = None) -> Counter[str]:
    """Replace the register with the packaged file; returns Counter of location statuses."""
    locator = locator or get_locator()
    municipality_ids: dict[str | None, int] = dict(Place.objects.municipalities().values_list("code", "id"))
    Facility.objects.all().delete()
    statuses: Counter[str] = Counter()
    batch = []
    for row, lat, lon, code, status, note in located_rows(read_rows(path), locator):
        statuses[status] += 1
        batch.append(Facility(
            kind=row["kind"], category=row["category"], source=row["source"], ref=row["ref"], name=row["name"],
            sector=row["sector"], latitude=lat, longitude=lon, location_status=status, location_note=note[:200],
            municipality_id=municipality_ids.get(code), learners=_count(row["learners"]),
            educators=_count(row["educators"]), village=row["village"][:120], suburb=row["suburb"][:120],
            town=row["town"][:120], source_province=row["source_province"][:40],
            source_municipality=row["source_municipality"][:120],
        ))
        if len(batch) >= BATCH:
            Facility.objects.bulk_create(batch)
            batch = []
    Facility.objects.bulk_create(batch)
    return statuses


def unplaced() -> FacilityQuerySet:
    """Facilities kept but not placed in a municipality (coordinates missing or outside South Africa)."""
    return Facility.objects.exclude(location_status=LocationStatus.LOCATED).order_by("kind", "source", "ref")
