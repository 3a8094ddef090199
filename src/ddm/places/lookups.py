"""Locator and gazetteer answers as plain dicts with codes and names, shared by CLI, API and pages.

Point answer (CLI `ddm locate --json`, `GET /api/places/locate`):
    {"query": {"lat": -29.8587, "lon": 31.0218},
     "municipality": {"code": "ETH", "name": "eThekwini", "full_name": "Ethekwini Metropolitan Municipality"},
     "zone": {"code": "ETH", "name": "eThekwini", "category": "A"},
     "province": {"code": "KZN", "name": "KwaZulu-Natal"},
     "ward": {"code": "59500028", "name": "Ward 28"} or null,
     "precision": "point", "demarcation_year": 2020}
"""

import math
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal, NotRequired, TypedDict

from django.utils.safestring import SafeString

from ddm.once import once
from ddm.places import CURRENT_DEMARCATION
from ddm.places.gazetteer import Candidate, resolve_name
from ddm.places.locator import get_locator
from ddm.places.models import Level, Place
from ddm.places.services import province_of, zones_with_counts

NOT_IN_SOUTH_AFRICA = "not in South Africa"


class CodeName(TypedDict):
    code: str
    name: str


class ZoneName(CodeName):
    category: str  # MDB category: A metro, C district


class MunicipalityName(CodeName):
    full_name: str  # the MDB name, e.g. "Ethekwini Metropolitan Municipality"


class Codes(TypedDict):
    """describe_codes: the names of a municipality, zone and province (None: no code, or not a current place)."""

    municipality: MunicipalityName | None
    zone: ZoneName | None
    province: CodeName | None


class ZoneItem(TypedDict):
    """One zone of zone_list (`ddm zones --json`, GET /api/zones)."""

    code: str
    name: str
    category: str
    type: str
    province: CodeName
    local_municipality_count: int
    demarcation_year: int


class PageAnswer(TypedDict):
    """What the /locate page shows: the mode asked, the answer (point or name answer) or the error."""

    mode: Literal["point", "name"] | None
    answer: dict[str, Any] | None
    error: str | None
    map: NotRequired[SafeString]  # a located point on its zone's map (added by the page)


class NotInSouthAfrica(LookupError):
    pass


def parse_coordinate(value: object, axis: Literal["lat", "lon"]) -> float:
    """A latitude/longitude as float; ValueError naming the problem if not a number or out of range."""
    label, limit = {"lat": ("latitude", 90), "lon": ("longitude", 180)}[axis]
    text = str(value).strip() if value is not None else ""
    if not text:
        raise ValueError(f"{label} is empty")
    try:
        number = float(text.replace(",", ".")) if re.fullmatch(r"[-+]?\d+,\d+", text) else float(text)
    except ValueError:
        raise ValueError(f"{label} {text!r} is not a number") from None
    if not math.isfinite(number) or abs(number) > limit:
        raise ValueError(f"{label} {text!r} is out of range (-{limit} to {limit})")
    return number


class _Names:
    """Names of provinces, zones and municipalities by code, read once per process."""

    def __init__(self) -> None:
        self.province: dict[str, CodeName] = {}
        self.zone: dict[str, ZoneName] = {}
        self.municipality: dict[str, MunicipalityName] = {}
        rows = Place.objects.current().filter(level__in=[Level.PROVINCE, Level.ZONE, Level.MUNICIPALITY])
        for place in rows.without_geometry():
            if place.level == Level.PROVINCE:
                self.province[place.code] = {"code": place.code, "name": place.name}
            elif place.level == Level.ZONE:
                self.zone[place.code] = {"code": place.code, "name": place.name, "category": place.category}
            else:
                self.municipality[place.code] = {
                    "code": place.code, "name": short_municipality_name(place), "full_name": place.name}


def short_municipality_name(place: Place) -> str:
    """"Enoch Mgijima" for "Enoch Mgijima Local Municipality"; a metro's own short name ("eThekwini").

    The packaged short names date from 2016 and miss later renames, so local municipalities are
    named from the MDB 2020 name itself.
    """
    if place.category == "A" and place.short_name:
        return place.short_name
    name = re.sub(r"\s+(Local|Metropolitan) Municipality$", "", place.name)
    return re.sub(r"^Local Municipality of\s+", "", name)


@once
def names() -> _Names:
    return _Names()


def _ward(code: str | None) -> CodeName | None:
    if code is None:
        return None
    ward = Place.objects.wards().without_geometry().filter(code=code).first()
    return {"code": code, "name": ward.name if ward else code}


def describe_codes(municipality: str | None, zone: str | None, province: str | None) -> Codes:
    known = names()
    return {
        "municipality": known.municipality.get(municipality) if municipality else None,
        "zone": known.zone.get(zone) if zone else None,
        "province": known.province.get(province) if province else None,
    }


def locate_point(lat: object, lon: object) -> dict[str, Any]:
    """The point answer dict; NotInSouthAfrica if outside (Lesotho and Eswatini included)."""
    lat_degrees, lon_degrees = parse_coordinate(lat, "lat"), parse_coordinate(lon, "lon")
    found = get_locator().locate(lat_degrees, lon_degrees)
    if found is None:
        raise NotInSouthAfrica(NOT_IN_SOUTH_AFRICA)
    return {
        "query": {"lat": lat_degrees, "lon": lon_degrees},
        **describe_codes(found.municipality, found.zone, found.province),
        "ward": _ward(found.ward),
        "precision": "point",
        "demarcation_year": CURRENT_DEMARCATION,
    }


def describe_candidate(candidate: Candidate) -> dict[str, Any]:
    data = candidate.as_dict()
    codes = describe_codes(candidate.municipality, candidate.zone, candidate.province)
    named: tuple[tuple[str, CodeName | None], ...] = (
        ("municipality", codes["municipality"]), ("zone", codes["zone"]), ("province", codes["province"]))
    data.update({f"{key}_name": value["name"] if value else None for key, value in named})
    return data


def resolve(name: str, province: str | None = None) -> dict[str, Any]:
    """Name resolution as a dict: {"query", "province", "ambiguous", "best", "candidates", "share", "zone"}
    (share: of the name's evidence where best is; zone: the one zone of an ambiguous answer's candidates).

    ValueError for an empty name or an unknown province.
    """
    result = resolve_name(name, province)
    return {
        "query": result.query,
        "province": province or None,
        "ambiguous": result.ambiguous,
        "best": describe_candidate(result.best) if result.best else None,
        "candidates": [describe_candidate(c) for c in result.candidates],
        "share": None if result.share is None else round(result.share, 3),
        "zone": result.zone,
        "demarcation_year": CURRENT_DEMARCATION,
    }


def candidate_label(candidate: Mapping[str, Any]) -> str:
    """"Middelburg (town in MP313 Steve Tshwete, MP)" for listings of ambiguous answers."""
    kind = candidate["kind"]
    if kind in ("town", "place", "ward"):
        inside = f" in {candidate['municipality']} {candidate['municipality_name']}"
    elif kind == "municipality":
        inside = f" in {candidate['zone']} {candidate['zone_name']}"
    else:
        inside = ""
    return f"{candidate['name']} ({kind}{inside}, {candidate['province']})"


def zone_list() -> list[ZoneItem]:
    """The 52 zones as dicts (CLI `ddm zones --json`, GET /api/zones)."""
    return [{
        "code": zone.code, "name": zone.name, "category": zone.category,
        "type": "Metropolitan municipality" if zone.is_metro else "District municipality",
        "province": {"code": province_of(zone).code, "name": province_of(zone).name},
        "local_municipality_count": zone.local_count,
        "demarcation_year": zone.demarcation_year,
    } for zone in zones_with_counts()]


def page_answer(params: Mapping[str, str]) -> PageAnswer:
    """What the /locate page shows for its GET parameters (lat+lon, or name [+ province]).

    Returns {"mode": "point"|"name"|None, "answer": dict|None, "error": str|None}.
    """
    lat, lon = (params.get("lat") or "").strip(), (params.get("lon") or "").strip()
    name, province = (params.get("name") or "").strip(), (params.get("province") or "").strip()
    if lat or lon:
        try:
            return {"mode": "point", "answer": locate_point(lat, lon), "error": None}
        except ValueError as exc:
            return {"mode": "point", "answer": None, "error": str(exc).capitalize() + "."}
        except NotInSouthAfrica:
            return {"mode": "point", "answer": None, "error": f"{lat}, {lon} is not in South Africa."}
    if "name" in params:
        try:
            answer = resolve(name, province or None)
        except ValueError as exc:
            return {"mode": "name", "answer": None, "error": str(exc).capitalize() + "."}
        error = None if answer["candidates"] else f"No place matches “{name}”."
        return {"mode": "name", "answer": answer, "error": error}
    return {"mode": None, "answer": None, "error": None}


def outside_sa_hint(lat: float, lon: float, locate: Callable[[float, float], str | None]) -> str:

    """A hint for a point outside South Africa: the swapped or sign-corrected point that would lie
    inside, with the municipality it would be in. ``locate(lat, lon)`` -> name or None."""
    candidates = [(lon, lat, "latitude and longitude swapped"), (-lat, lon, "the latitude made negative"),
                  (-lon, -lat, "latitude and longitude swapped and the latitude made negative"),
                  (lat, -lon, "the longitude made positive"),
                  (-lat, -lon, "both signs changed")]
    for new_lat, new_lon, how in candidates:
        if (new_lat, new_lon) == (lat, lon) or not (-90 <= new_lat <= 90 and -180 <= new_lon <= 180):
            continue
        name = locate(new_lat, new_lon)
        if name:
            return (f"did you mean {new_lat:.5g}, {new_lon:.5g} ({name}), with {how}? "
                    f"the value was not changed")
    return ""
