"""Reference organisations: national and provincial departments (2019-20 votes), municipalities,
and the state-owned companies and water boards that submit their own lists (public_entities.csv)."""

import csv
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from ddm.accounts.models import Organisation, OrganisationKind, Sphere
from ddm.places.models import Place

DATA_DIR = Path(__file__).resolve().parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _upsert(code: str, **fields: Any) -> Organisation:
    fields.setdefault("is_reference", True)
    organisation, _ = Organisation.objects.update_or_create(code=code[:80], defaults=fields)
    return organisation


@transaction.atomic
def load_organisations() -> int:
    """Create or refresh the reference organisations; returns how many there are."""
    provinces = {p.name: p for p in Place.objects.provinces()}
    for row in _rows("national_departments_2019-20.csv"):
        name = row["department_name"].strip()
        _upsert(
            f"nat-{slugify(name)}", name=name, sphere=Sphere.NATIONAL, kind=OrganisationKind.DEPARTMENT,
            vote_number=int(row["vote_number"]), website=row["website_url"] or "", fy_start_month=4,
        )
    for row in _rows("provincial_departments_2019-20.csv"):
        province = provinces[row["government"].strip()]
        name = row["department_name"].strip()
        _upsert(
            f"{province.code.lower()}-{slugify(name)}", name=name, sphere=Sphere.PROVINCIAL,
            kind=OrganisationKind.DEPARTMENT, province=province, vote_number=int(row["vote_number"]),
            website=row["website_url"] or "", fy_start_month=4,
        )
    for row in _rows("public_entities.csv"):
        _upsert(row["code"], name=row["name"], sphere=Sphere.PARASTATAL, kind=OrganisationKind.PUBLIC_ENTITY,
                fy_start_month=int(row["fy_start_month"]), aliases=[a for a in row["aliases"].split("|") if a])
    _load_municipalities()
    return Organisation.objects.filter(is_reference=True).count()


def _load_municipalities() -> None:
    municipal = list(Place.objects.municipalities().without_geometry()) + [
        z for z in Place.objects.zones().without_geometry() if not z.is_metro
    ]
    for place in municipal:
        _upsert(
            place.code, name=place.name if place.level == "municipality" else f"{place.name} District Municipality",
            sphere=Sphere.LOCAL, kind=OrganisationKind.MUNICIPALITY, province_id=place.province_id,
            municipality=place, fy_start_month=7, aliases=[place.short_name] if place.short_name else [],
        )
