"""Needs versus investment at settlement level, for one zone: flags a reviewer should look at.

Three flags, each with its evidence (names, distances, enrolments) so that a reviewer can judge it:

- school_near_small_schools: an education project located at a point within NEAR_SCHOOL_KM of an
  existing school with fewer than SMALL_ENROLMENT learners (DBE 2024). All schools within the radius
  are listed with their learners, so the reviewer sees the capacity around the project.
- clinic_beside_clinic: a health project at a point within BESIDE_CLINIC_KM of an existing hospital,
  community health centre or community day centre, whose title does not say it is work on an
  existing facility (refurbishment, upgrade, repair, maintenance, ...: WORK_ON_EXISTING).
- backlog_without_project: a settlement (the schools of one village/suburb name in one municipality)
  whose schools are overcrowded (more than OVERCROWDED learners per educator, DBE 2024) with no
  education project located at a point within NEAR_SCHOOL_KM of any of them.

Only the register's counted projects (confirmed duplicates excluded, aggregate lines excluded)
located at a point can be compared at this scale; projects located only to a ward, municipality or
zone are counted and reported beside the flags, never guessed to a point. Falling enrolment needs a
second year of enrolment; the packaged school list has 2024 only, so only small enrolment is flagged.
Distances are great-circle (haversine, mean Earth radius 6,371 km), rounded to 0.1 km for display.
"""

import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ddm.facilities.models import HEALTH_KINDS, Facility, Kind
from ddm.investment.models import Location
from ddm.places.gazetteer import normalise

Row = Mapping[str, Any]  # a facility's or a project location's values() row
# judge(distances, indices of the points within the radius, nearest first) -> (evidence, reason) or None
Judge = Callable[[np.ndarray, list[int]], tuple[list[dict[str, Any]], str] | None]

NEAR_SCHOOL_KM = 5.0
SMALL_ENROLMENT = 150
BESIDE_CLINIC_KM = 2.0
OVERCROWDED = 40  # learners per educator
EARTH_KM = 6371.0
WORK_ON_EXISTING = re.compile(
    r"refurb|renovat|repair|mainten|upgrad|rehabilit|extension|addition|replace|retrofit|fenc|paint", re.I)
LABELS = {
    "school_near_small_schools": "School project near schools with small enrolment",
    "clinic_beside_clinic": "Clinic project beside an existing health facility",
    "backlog_without_project": "Overcrowded schools with no education project nearby",
}
RULES = [
    f"School project: an education project located at a point within {NEAR_SCHOOL_KM:g} km of a school with fewer "
    f"than {SMALL_ENROLMENT} learners (DBE school masterlist 2024).",
    f"Clinic project: a health project at a point within {BESIDE_CLINIC_KM:g} km of a hospital, community health "
    "centre or community day centre (DoH lists 2020-2021), unless its title says it is work on an existing "
    "facility (refurbishment, upgrade, repair, maintenance, extension, ...). Primary health care clinics are not "
    "in the available data.",
    f"Backlog: the schools of one village or suburb with more than {OVERCROWDED} learners per educator (DBE 2024) "
    f"and no education project located at a point within {NEAR_SCHOOL_KM:g} km.",
    "Only projects located at a point are compared; falling enrolment cannot be flagged (one year of "
    "enrolment, 2024, is available).",
]


def distances_km(lat: float, lon: float, lats: ArrayLike, lons: ArrayLike) -> np.ndarray:
    """Great-circle distances (km) from one point to many (haversine)."""
    lat1, lon1 = np.radians(lat), np.radians(lon)
    lat2, lon2 = np.radians(np.asarray(lats, dtype=float)), np.radians(np.asarray(lons, dtype=float))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


@dataclass
class Flag:
    kind: str
    municipality: str
    subject: str  # the project title, or the settlement name
    project: dict[str, Any] | None
    evidence: list[dict[str, Any]]
    reason: str

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "municipality": self.municipality, "subject": self.subject,
                "project": self.project, "evidence": self.evidence, "reason": self.reason}


@dataclass
class Report:
    zone: str
    flags: list[Flag] = field(default_factory=list)
    point_projects: dict[str, int] = field(default_factory=dict)  # sector -> count located at a point
    other_projects: dict[str, int] = field(default_factory=dict)  # sector -> count located less precisely
    rules: list[str] = field(default_factory=lambda: list(RULES))

    def of_kind(self, kind: str) -> list[Flag]:
        return [f for f in self.flags if f.kind == kind]

    def as_dict(self) -> dict[str, Any]:
        return {"zone": self.zone, "rules": self.rules, "point_projects": self.point_projects,
                "projects_without_point": self.other_projects, "flags": [f.as_dict() for f in self.flags],
                "sources": ["Department of Basic Education, EMIS school masterlist, 2024",
                            "National Department of Health facility lists (via dsfsi/covid19za), 2020-2021",
                            "DDM Hub investment register"]}


# -- data ---------------------------------------------------------------------------------------

@dataclass
class _Points:
    rows: list[Row]
    lats: np.ndarray
    lons: np.ndarray


def _points(rows: list[Row], lat: str = "latitude", lon: str = "longitude") -> _Points:
    return _Points(rows, np.array([r[lat] for r in rows], dtype=float), np.array([r[lon] for r in rows], dtype=float))


def _facilities(zone_code: str, kinds: Sequence[str]) -> _Points:
    rows: list[Row] = list(Facility.objects.in_zone(zone_code).filter(kind__in=kinds).values(
        "id", "name", "kind", "learners", "educators", "latitude", "longitude", "village", "suburb", "town",
        "municipality__code").order_by("id"))
    return _points(rows)


def _projects(zone_code: str) -> tuple[list[Row], dict[str, int]]:
    """(point locations of counted projects in the zone, {sector: count} of those without a point)."""
    rows = list(Location.objects.filter(zone__code=zone_code, project__duplicate_of__isnull=True,
                                        project__is_demo=False, project__is_aggregate=False)
                .values("project_id", "project__reference", "project__title", "project__sector",
                        "project__organisation__name", "latitude", "longitude", "municipality__code")
                .order_by("project_id", "id"))
    points: list[Row] = [row for row in rows if row["latitude"] is not None and row["longitude"] is not None]
    others = Counter(row["project__sector"] for row in rows if row["latitude"] is None or row["longitude"] is None)
    return points, dict(others)


def _project(row: Row) -> dict[str, Any]:
    return {"id": row["project_id"], "reference": row["project__reference"], "title": row["project__title"],
            "sector": row["project__sector"], "organisation": row["project__organisation__name"],
            "lat": row["latitude"], "lon": row["longitude"]}


def _school(row: Row, distance: float | None = None) -> dict[str, Any]:
    ratio = round(row["learners"] / row["educators"], 1) if row["learners"] is not None and row["educators"] else None
    item = {"facility": row["id"], "name": row["name"], "kind": row["kind"], "learners": row["learners"],
            "educators": row["educators"], "learners_per_educator": ratio,
            "place": row["village"] or row["suburb"] or row["town"]}
    if distance is not None:
        item["distance_km"] = round(float(distance), 1)
    return item


# -- flags --------------------------------------------------------------------------------------

def _projects_near(projects: list[Row], sector: str, points: _Points, radius_km: float
                   ) -> Iterator[tuple[Row, np.ndarray, list[int]]]:
    """(row, distances to every point, indices of the points within radius_km, nearest first) of each project
    of the sector with at least one point within the radius."""
    if not points.rows:
        return
    for row in projects:
        if row["project__sector"] != sector:
            continue
        near = distances_km(row["latitude"], row["longitude"], points.lats, points.lons)
        within = sorted((int(i) for i in np.flatnonzero(near <= radius_km)), key=near.__getitem__)
        if within:
            yield row, near, within


def _flags_near(kind: str, projects: list[Row], sector: str, points: _Points, radius_km: float, judge: Judge) -> list[Flag]:
    """A flag of this kind for each project of the sector with points within radius_km that judge finds
    worth a look: judge(distances, indices within, nearest first) returns (evidence, reason) or None."""
    flags = []
    for row, near, within in _projects_near(projects, sector, points, radius_km):
        found = judge(near, within)
        if found is not None:
            evidence, reason = found
            flags.append(Flag(kind, row["municipality__code"] or "", row["project__title"], _project(row), evidence,
                              reason))
    return flags


def school_flags(projects: list[Row], schools: _Points) -> list[Flag]:
    def small_schools(near: np.ndarray, within: list[int]) -> tuple[list[dict[str, Any]], str] | None:
        small = [i for i in within if schools.rows[i]["learners"] is not None
                 and schools.rows[i]["learners"] < SMALL_ENROLMENT]
        if not small:
            return None
        # by the distance shown (0.1 km), schools at the same shown distance in list order
        evidence = sorted((_school(schools.rows[i], near[i]) for i in sorted(within)), key=lambda e: e["distance_km"])
        names = "; ".join(f"{schools.rows[i]['name']} ({schools.rows[i]['learners']} learners, {near[i]:.1f} km)"
                          for i in small)
        return evidence, (f"{len(small)} of the {len(within)} schools within {NEAR_SCHOOL_KM:g} km have fewer than "
                          f"{SMALL_ENROLMENT} learners (2024): {names}")

    return _flags_near("school_near_small_schools", projects, "education", schools, NEAR_SCHOOL_KM, small_schools)


def clinic_flags(projects: list[Row], clinics: _Points) -> list[Flag]:
    def facilities_beside(near: np.ndarray, within: list[int]) -> tuple[list[dict[str, Any]], str]:
        evidence = [{"facility": clinics.rows[i]["id"], "name": clinics.rows[i]["name"],
                     "kind": clinics.rows[i]["kind"], "distance_km": round(float(near[i]), 1)} for i in within]
        names = "; ".join(f"{e['name']} ({e['distance_km']:.1f} km)" for e in evidence)
        return evidence, (f"{len(within)} existing health facilit{'y' if len(within) == 1 else 'ies'} within "
                          f"{BESIDE_CLINIC_KM:g} km: {names}")

    new_works = [p for p in projects if not WORK_ON_EXISTING.search(p["project__title"])]
    return _flags_near("clinic_beside_clinic", new_works, "health", clinics, BESIDE_CLINIC_KM, facilities_beside)


def backlog_flags(projects: list[Row], schools: _Points) -> list[Flag]:
    education = [p for p in projects if p["project__sector"] == "education"]
    settlements: dict[tuple[str, str], tuple[str, list[int]]] = {}
    for index, row in enumerate(schools.rows):
        if row["learners"] is None or not row["educators"] or row["learners"] / row["educators"] <= OVERCROWDED:
            continue
        name = row["village"] or row["suburb"] or row["town"] or row["name"]
        settlements.setdefault((row["municipality__code"], normalise(name)), (name, []))[1].append(index)
    project_lats = np.array([p["latitude"] for p in education], dtype=float)
    project_lons = np.array([p["longitude"] for p in education], dtype=float)
    flags = []
    for (municipality, _key), (name, members) in sorted(settlements.items()):
        nearest = None
        if education:
            # one row per project: its distance to the settlement's nearest school
            per_project = np.array([distances_km(schools.lats[i], schools.lons[i], project_lats, project_lons)
                                    for i in members]).min(axis=0)
            best = int(per_project.argmin())
            nearest = (float(per_project[best]), education[best])
        if nearest is not None and nearest[0] <= NEAR_SCHOOL_KM:
            continue
        evidence = [_school(schools.rows[i]) for i in members]
        where = ("no education project is located at a point in the zone" if nearest is None else
                 f"the nearest education project is {nearest[0]:.1f} km away ({nearest[1]['project__title']})")
        flags.append(Flag("backlog_without_project", municipality, name, None, evidence,
                          f"{len(members)} school{'s' if len(members) > 1 else ''} with more than {OVERCROWDED} "
                          f"learners per educator (2024); {where}"))
    return flags


def zone_flags(zone_code: str) -> Report:
    """The Report of one zone (its facilities and its projects only: cost grows with the zone)."""
    projects, others = _projects(zone_code)
    schools = _facilities(zone_code, [Kind.SCHOOL])
    clinics = _facilities(zone_code, HEALTH_KINDS)
    report = Report(zone_code, other_projects=others)
    for row in projects:
        report.point_projects[row["project__sector"]] = report.point_projects.get(row["project__sector"], 0) + 1
    report.flags = school_flags(projects, schools) + clinic_flags(projects, clinics) + backlog_flags(projects, schools)
    return report


CSV_HEADER = ["flag", "municipality", "subject", "project_reference", "project_title", "reason"]


def csv_rows(report: Report) -> list[list[Any]]:
    return [[f.label, f.municipality, f.subject, (f.project or {}).get("reference", ""),
             (f.project or {}).get("title", ""), f.reason] for f in report.flags]
