"""Hub coverage, vacancies, and the skills gap of a zone's municipalities with sharing suggestions.

Terms used in every report:
- a zone's *municipal bodies*: for a district zone, the district municipality (the zone place,
  category C) and its local municipalities (B); for a metro zone, the metro municipality (A);
- *available*: distinct people in the municipality's current (latest) audit holding the skill at
  intermediate level or above; basic-level holders are *learners*, vacant posts are counted apart;
- *gap* = required − available when positive, *surplus* = available − required when positive;
  a zone's gap is the sum of its municipalities' gaps (one's surplus does not cancel another's gap:
  sharing is suggested instead).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypedDict

from django.db import transaction
from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone

from ddm.accounts.access import Visitor
from ddm.capacity.models import (
    COUNTS_FROM_LEVEL,
    Agency,
    AuditEntry,
    BusinessPlanVersion,
    DefaultRequirement,
    Hub,
    HubRole,
    Position,
    PositionStatus,
    RequirementOverride,
    Skill,
    SkillsAudit,
    position_status,
)
from ddm.capacity.profile_weights import ProfileWeights, Weight, weighted_requirement
from ddm.places.models import Level, Place
from ddm.profiles.services import FinancialHealth, financial_health

# --- hubs ---------------------------------------------------------------------------------------


def hubs_with_positions() -> QuerySet[Hub]:
    return Hub.objects.prefetch_related("zones", Prefetch("positions", Position.objects.all()))


def hubs_for_zone(zone: Place) -> QuerySet[Hub]:
    return hubs_with_positions().filter(zones=zone)


class Coverage(TypedDict):
    """National hub coverage, as the national page and `ddm hubs list` show it."""

    today: datetime.date
    hubs: list[Hub]
    zones_total: int
    zones_served: list[Place]
    zones_without_hub: list[Place]
    vacancies: list[tuple[HubRole, list[Hub]]]  # per role, the hubs where it is vacant
    ending: list[tuple[Hub, HubRole, Position]]  # contracts ending soon
    hub_rows: list[tuple[Hub, int]]  # each hub with its number of roles filled


def coverage(today: datetime.date | None = None) -> Coverage:
    """National hub coverage: hubs (each counted once), zones served and not, vacancies per role."""
    today = today or timezone.localdate()
    hubs = list(hubs_with_positions())
    served = {z.pk for hub in hubs for z in hub.zones.all()}
    zones = list(Place.objects.zones().without_geometry().select_related("province").order_by("code"))
    vacancies: dict[HubRole, list[Hub]] = {role: [] for role in HubRole}
    ending: list[tuple[Hub, HubRole, Position]] = []
    filled: dict[int, int] = {}
    for hub in hubs:
        filled[hub.pk] = hub.roles_filled(today)
        for role, position in hub.positions_by_role():
            status = position_status(position, today)
            if status == PositionStatus.VACANT:
                vacancies[role].append(hub)
            elif status == PositionStatus.ENDING and position is not None:
                ending.append((hub, role, position))
    return {
        "today": today, "hubs": hubs, "zones_total": len(zones),
        "zones_served": [z for z in zones if z.pk in served],
        "zones_without_hub": [z for z in zones if z.pk not in served],
        "vacancies": [(role, vacancies[role]) for role in HubRole], "ending": ending,
        "hub_rows": [(hub, filled[hub.pk]) for hub in hubs],
    }


def hub_dict(hub: Hub, today: datetime.date) -> dict[str, Any]:
    return {
        "id": hub.pk, "name": hub.name, "zones": sorted(z.code for z in hub.zones.all()),
        "established": hub.established, "contact": {
            "name": hub.contact_name, "email": hub.contact_email, "phone": hub.contact_phone},
        "is_demo": hub.is_demo,
        "positions": [{
            "role": role.value, "title": role.label, "status": position_status(p, today).value,
            "person_name": p.person_name if p else "", "appointed_on": p.appointed_on if p else None,
            "contract_end": p.contract_end if p else None,
        } for role, p in hub.positions_by_role()],
    }


# --- municipal bodies and requirements ----------------------------------------------------------


def municipal_bodies(zone: Place) -> list[Place]:
    """The municipalities whose skills make up a zone's (see module docstring)."""
    if zone.category == "A":
        return list(Place.objects.municipalities().without_geometry().filter(code=zone.code))
    return [zone] + list(zone.children.filter(level=Level.MUNICIPALITY).defer("geometry", "svg_path").order_by("code"))


def audit_subject(code: str | None) -> Place:
    """The place a skills audit is about: a local or metro municipality, or a district municipality."""
    code = (code or "").strip().upper()
    place = Place.objects.municipalities().without_geometry().filter(code=code).first()
    if place is None:
        place = Place.objects.zones().without_geometry().filter(code=code, category="C").first()
    if place is None:
        raise LookupError(f"no municipality with code {code!r} (use an MDB code such as EC157, ETH or DC36)")
    return place


def zone_of(place: Place) -> Place | None:
    return place if place.level == Level.ZONE else place.parent


def current_audits(places: Iterable[Place]) -> dict[int, SkillsAudit]:
    """{place_id: latest SkillsAudit} for the given places."""
    latest: dict[int, SkillsAudit] = {}
    for audit in SkillsAudit.objects.filter(municipality__in=places).order_by("municipality_id", "-created", "-pk"):
        latest.setdefault(audit.municipality_id, audit)
    return latest


@dataclass
class SkillLine:
    skill: Skill
    default: int
    required: int
    weight: Weight | None = None
    override: str = ""
    available: int | None = None
    below_management: int | None = None
    learners: int | None = None
    vacant_posts: int | None = None

    @property
    def gap(self) -> int | None:
        return None if self.available is None else max(self.required - self.available, 0)

    @property
    def surplus(self) -> int | None:
        return None if self.available is None else max(self.available - self.required, 0)


@dataclass
class BodyGap:
    place: Place
    audit: SkillsAudit | None
    lines: dict[str, SkillLine] = field(default_factory=dict)  # by skill code

    @property
    def audited(self) -> bool:
        return self.audit is not None


def _availability(audit: SkillsAudit) -> dict[int, tuple[int, int, int, int]]:
    """{skill_id: (available, below_management, learners, vacant_posts)} for one audit."""
    people: defaultdict[int, set[str]] = defaultdict(set)
    below: defaultdict[int, set[str]] = defaultdict(set)
    learners: defaultdict[int, set[str]] = defaultdict(set)
    vacant: defaultdict[int, int] = defaultdict(int)
    # Tuples, not model instances: one pass over a large audit stays cheap.
    rows = AuditEntry.objects.filter(audit=audit).values_list("person_name", "skill_id", "level", "is_management")
    for name, skill_id, level, management in rows.iterator(chunk_size=5000):
        if not name:
            vacant[skill_id] += 1
            continue
        person = " ".join(name.lower().split())
        if level >= COUNTS_FROM_LEVEL:
            people[skill_id].add(person)
            if not management:
                below[skill_id].add(person)
        else:
            learners[skill_id].add(person)
    skills = set(people) | set(learners) | set(vacant)
    return {s: (len(people[s]), len(below[s]), len(learners[s] - people[s]), vacant[s]) for s in skills}


def body_gaps(places: list[Place], weights: ProfileWeights | None = None) -> list[BodyGap]:
    """The SkillLine of every skill for each place (audited or not)."""
    weights = weights or ProfileWeights()
    skills = list(Skill.objects.all())
    defaults = {(d.skill_id, d.category): d.required for d in DefaultRequirement.objects.all()}
    overrides = {(o.municipality_id, o.skill_id): o for o in RequirementOverride.objects.filter(municipality__in=places)}
    audits = current_audits(places)
    result = []
    for place in places:
        audit = audits.get(place.pk)
        available = _availability(audit) if audit else {}
        body = BodyGap(place, audit)
        level = "zone" if place.level == Level.ZONE else "municipality"
        for skill in skills:
            default = defaults.get((skill.pk, place.category), 0)
            line = SkillLine(skill, default, default, weight=weights.weight(skill.backlog, place.code, level))
            override = overrides.get((place.pk, skill.pk))
            if override is not None:
                line.required, line.override = override.required, override.reason
            elif line.weight is not None:
                line.required = weighted_requirement(default, line.weight.weight)
            if audit is not None:
                line.available, line.below_management, line.learners, line.vacant_posts = available.get(
                    skill.pk, (0, 0, 0, 0))
            body.lines[skill.code] = line
        result.append(body)
    return result


# --- sharing suggestions ------------------------------------------------------------------------


@dataclass
class Suggestion:
    skill: Skill
    source: Place
    target: Place
    surplus: int
    gap: int
    share: int


@dataclass
class _Donor:
    place: Place
    surplus: int
    left: int  # what is still to share


class HubFlag(TypedDict):
    """A skill nobody audited in the zone has: the hub should provide it."""

    skill: Skill
    gap: int
    places: list[Place]


class Shortfall(TypedDict):
    """A skill someone has, whose surpluses do not cover the zone's gaps."""

    skill: Skill
    unmet: int


def sharing(bodies: list[BodyGap], skills: list[Skill]) -> tuple[list[Suggestion], list[HubFlag], list[Shortfall]]:
    """Suggestions (surplus → gap, largest first), hub flags (nobody audited has the skill) and
    shortfalls (someone has it, but surpluses do not cover the gaps)."""
    audited = [b for b in bodies if b.audited]
    suggestions: list[Suggestion] = []
    hub_flags: list[HubFlag] = []
    shortfalls: list[Shortfall] = []
    for skill in skills:
        lines = [(b.place, b.lines[skill.code]) for b in audited]
        # An audited body's line has every figure: "or 0" only tells the type checker so.
        gaps = sorted(((p, ln.gap or 0) for p, ln in lines if ln.gap), key=lambda x: (-x[1], x[0].code))
        if not gaps:
            continue
        if sum(ln.available or 0 for _p, ln in lines) == 0:
            hub_flags.append({"skill": skill, "gap": sum(g for _p, g in gaps), "places": [p for p, _g in gaps]})
            continue
        donors = [_Donor(p, ln.surplus, ln.surplus) for p, ln in sorted(lines, key=lambda x: (-(x[1].surplus or 0),
                                                                                            x[0].code)) if ln.surplus]
        unmet = 0
        for target, gap in gaps:
            need = gap
            for donor in donors:
                if need == 0:
                    break
                take = min(need, donor.left)
                if take:
                    suggestions.append(Suggestion(skill, donor.place, target, donor.surplus, gap, take))
                    donor.left -= take
                    need -= take
            unmet += need
        if unmet:
            shortfalls.append({"skill": skill, "unmet": unmet})
    return suggestions, hub_flags, shortfalls


# --- the zone report ----------------------------------------------------------------------------


class WeightRow(TypedDict):
    place: Place
    weight: Weight
    skills: list[Skill]  # the skills of the weight's backlog


@dataclass
class ZoneSkills:
    zone: Place
    bodies: list[BodyGap]
    skills: list[Skill]
    suggestions: list[Suggestion]
    hub_flags: list[HubFlag]
    shortfalls: list[Shortfall]
    agencies: dict[str, list[Agency]]  # by skill area
    hubs: list[Hub]
    # Municipal Money per body: [(body, FinancialHealth)]; adverse audits + poor capital spending first.
    finance: list[tuple[Place, FinancialHealth]] = field(default_factory=list)

    @property
    def financial_support_first(self) -> list[tuple[Place, FinancialHealth]]:
        return [(body, health) for body, health in self.finance if health.needs_support]

    @property
    def audited(self) -> list[BodyGap]:
        return [b for b in self.bodies if b.audited]

    @property
    def unaudited(self) -> list[BodyGap]:
        return [b for b in self.bodies if not b.audited]

    def totals(self) -> list[dict[str, Any]]:
        """Per skill over the zone: required (all bodies), and over audited bodies only: required,
        available, below management, learners, gap (sum of gaps)."""
        rows = []
        for skill in self.skills:
            lines = [b.lines[skill.code] for b in self.bodies]
            audited = [b.lines[skill.code] for b in self.audited]
            rows.append({
                "skill": skill,
                "required": sum(ln.required for ln in lines),
                "required_audited": sum(ln.required for ln in audited),
                "available": sum(ln.available or 0 for ln in audited),  # audited: every figure is there
                "below_management": sum(ln.below_management or 0 for ln in audited),
                "learners": sum(ln.learners or 0 for ln in audited),
                "gap": sum(ln.gap or 0 for ln in audited),
                "held_by": [b.place for b in self.audited if b.lines[skill.code].available],
            })
        return rows

    def matrix(self) -> list[tuple[Skill, list[SkillLine]]]:
        """[(skill, [SkillLine per body])] in body order, for the zone page's table."""
        return [(skill, [b.lines[skill.code] for b in self.bodies]) for skill in self.skills]

    def weighting(self) -> list[WeightRow]:
        """The profile inputs behind each weighted requirement (one row per place and backlog)."""
        rows: list[WeightRow] = []
        for body in self.bodies:
            seen: set[str] = set()
            for line in body.lines.values():
                if line.weight is None or line.skill.backlog in seen:
                    continue
                seen.add(line.skill.backlog)
                rows.append({"place": body.place, "weight": line.weight,
                             "skills": [ln.skill for ln in body.lines.values() if ln.skill.backlog == line.skill.backlog]})
        return rows


def agencies_by_area() -> dict[str, list[Agency]]:
    result: defaultdict[str, list[Agency]] = defaultdict(list)
    for agency in Agency.objects.all():
        for area in agency.areas:
            result[area].append(agency)
    return result


def zone_skills(zone: Place, weights: ProfileWeights | None = None) -> ZoneSkills:
    bodies = body_gaps(municipal_bodies(zone), weights)
    skills = list(Skill.objects.all())
    suggestions, hub_flags, shortfalls = sharing(bodies, skills)
    needed_areas = {s.area for s in skills if any((b.lines[s.code].gap or 0) for b in bodies)}
    by_area = agencies_by_area()
    return ZoneSkills(
        zone, bodies, skills, suggestions, hub_flags, shortfalls,
        {area: by_area.get(area, []) for area in sorted(needed_areas)}, list(hubs_for_zone(zone)),
        finance_of([b.place for b in bodies]),
    )


def finance_of(places: list[Place]) -> list[tuple[Place, FinancialHealth]]:
    """[(place, FinancialHealth)] from the profiles store (audit outcomes, capital spending)."""
    health = financial_health(places)
    return [(place, health[place.pk]) for place in places]


def _line_dict(line: SkillLine) -> dict[str, Any]:
    return {
        "skill": line.skill.code, "default": line.default, "required": line.required,
        "weight": line.weight.weight if line.weight else None, "override": line.override or None,
        "available": line.available, "below_management": line.below_management, "learners": line.learners,
        "vacant_posts": line.vacant_posts, "gap": line.gap, "surplus": line.surplus,
    }


def zone_skills_dict(report: ZoneSkills) -> dict[str, Any]:
    """The stable JSON shape of `ddm report skills --json` and GET /api/zones/{code}/skills."""
    return {
        "zone": report.zone.code, "zone_name": report.zone.name,
        "definitions": {
            "available": "distinct people in the latest audit holding the skill at intermediate level or above",
            "gap": "required - available when positive; zone gap = sum of municipal gaps (audited only)",
            "required": "default for the municipality category, raised by the profile weight, or an override",
        },
        "municipalities": [{
            "code": b.place.code, "name": b.place.name, "category": b.place.category,
            "audit": {"id": b.audit.pk, "date": b.audit.created.date(), "is_demo": b.audit.is_demo,
                      "filename": b.audit.filename} if b.audit else None,
            "skills": [_line_dict(ln) for ln in b.lines.values()],
        } for b in report.bodies],
        "zone_totals": [{
            "skill": t["skill"].code, "name": t["skill"].name, "area": t["skill"].area,
            "required": t["required"], "required_audited": t["required_audited"], "available": t["available"],
            "below_management": t["below_management"], "learners": t["learners"], "gap": t["gap"],
            "held_by": [p.code for p in t["held_by"]],
        } for t in report.totals()],
        "sharing": [{
            "skill": s.skill.code, "from": s.source.code, "to": s.target.code, "surplus": s.surplus,
            "gap": s.gap, "share": s.share} for s in report.suggestions],
        "hub_flags": [{"skill": f["skill"].code, "gap": f["gap"], "municipalities": [p.code for p in f["places"]]}
                      for f in report.hub_flags],
        "shortfalls": [{"skill": f["skill"].code, "unmet": f["unmet"]} for f in report.shortfalls],
        "profile_weighting": [{"municipality": r["place"].code, **r["weight"].as_dict(),
                               "skills": [s.code for s in r["skills"]]} for r in report.weighting()],
        "agencies": {area: [a.code for a in agencies] for area, agencies in report.agencies.items()},
        "municipal_finance": [{"municipality": place.code, **health.as_dict()} for place, health in report.finance],
        "unaudited": [b.place.code for b in report.unaudited],
    }


# --- writes (callers check access first: ddm.capacity.access) -------------------------------------


def save_plan_version(hub: Hub, needs: str, resources_requested: str, user: Visitor = None) -> BusinessPlanVersion:
    """A new business-plan version (numbered after the latest); earlier versions stay unchanged."""
    with transaction.atomic():
        Hub.objects.select_for_update().filter(pk=hub.pk).first()
        latest = hub.plan_versions.aggregate(v=Max("version"))["v"] or 0
        return BusinessPlanVersion.objects.create(
            hub=hub, version=latest + 1, needs=needs, resources_requested=resources_requested, author=user)


def set_override(place: Place, skill: Skill, required: int | None, reason: str,
                 user: Visitor = None) -> RequirementOverride | None:
    """Set (or with required None, remove) a municipality's requirement override for a skill."""
    if required is None:
        for override in RequirementOverride.objects.filter(municipality=place, skill=skill):
            override.delete()
        return None
    override, _ = RequirementOverride.objects.update_or_create(
        municipality=place, skill=skill, defaults={"required": required, "reason": reason.strip(), "changed_by": user})
    return override
