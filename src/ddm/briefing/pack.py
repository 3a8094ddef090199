"""The zone briefing pack: what a Minister takes to an Imbizo, assembled from every app in one call.

`build(zone)` returns sections in a fixed order; each is a title, paragraphs and tables of plain strings
(all formatting by ddm.numbers), rendered alike by the page and the PDF (typst, as the profiles are).
A section with no data says so in one sentence; none is repeated and the order never changes.
"""


import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import Q, Sum
from django.utils import timezone

from ddm.briefing.figures import government_budget, key_figures
from ddm.capacity.models import PositionStatus, position_status
from ddm.capacity.services import hubs_for_zone, zone_skills
from ddm.engagement.services import overdue_items
from ddm.investment import quantum as q
from ddm.investment.models import Project
from ddm.investment.pilots import published_for_zone
from ddm.numbers import number, rand_exact, rand_short, share
from ddm.oneplan import signoff
from ddm.oneplan.models import Action, Commitment, OnePlan, Strategy
from ddm.places.models import Place
from ddm.profiles.models import IndicatorDefinition
from ddm.profiles.projects import project_section
from ddm.profiles.sections import _map, format_value
from ddm.profiles.services import place_value

ORDER = ["figures", "profile", "investment", "projects", "quality", "oneplan", "hub", "skills", "commitments"]
PROFILE_HIGHLIGHTS = ("population", "households", "pct_persons_piped_water", "pct_persons_flush_toilet",
                      "pct_persons_no_electricity", "unemployment_rate")
TOP_PROJECTS = 10
MAX_COMMITMENTS = 15
MAX_SKILL_GAPS = 10


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    numeric: list[int] = field(default_factory=list)  # indexes of right-aligned columns
    caption: str = ""


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    url: str = ""
    new_page: bool = False  # the PDF starts this section on a new page

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "paragraphs": self.paragraphs, "url": self.url,
                "new_page": self.new_page,
                "tables": [{"header": t.header, "rows": t.rows, "numeric": t.numeric, "caption": t.caption}
                           for t in self.tables]}


def _figures(zone: Place, today: datetime.date) -> Section:
    figures = key_figures(zone, today)
    table = Table(["Figure", "Value", "Source / what it counts"],
                  [[f.label, f.value, f.note] for f in figures], [1])
    return Section("figures", "Key figures", [], [table], f"/zones/{zone.code}/")


def _profile(zone: Place, today: datetime.date) -> Section:
    rows = []
    for code in PROFILE_HIGHLIGHTS:
        value = place_value(zone, code)
        definition = IndicatorDefinition.objects.filter(code=code).first()
        if value is None or definition is None:
            continue
        rows.append([definition.name, format_value(value.value, definition), f"{value.source} ({value.year})"])
    if not rows:
        return Section("profile", "Profile highlights", ["No profile indicators are loaded for this zone."],
                       url=f"/profiles/zones/{zone.code}/")
    return Section("profile", "Profile highlights", [], [Table(["Indicator", "Value", "Source"], rows, [1])],
                   f"/profiles/zones/{zone.code}/")


def _investment(zone: Place, today: datetime.date) -> Section:
    zone_quantum = q.shared_zone_quantum(zone.code)
    section = Section("investment", "Investment by sphere and year", url=f"/investment/zones/{zone.code}/",
                      new_page=True)
    budget_rows = [r for r in zone_quantum.rows if r.kind == "budget"]
    if not budget_rows:
        section.paragraphs.append("No budget lines are located in this zone in the investment register.")
    else:
        years = sorted({(r.year if r.year is not None else 10 ** 6, r.financial_year or "years not stated")
                        for r in budget_rows})[-6:]
        labels = [label for _y, label in years]
        rows = []
        for sphere in q.SPHERE_ORDER:
            amounts = [zone_quantum.total(spheres=[sphere], kinds="budget", years=[None if label == "years not stated"
                                                                                      else label]) for label in labels]
            if any(amounts):
                name = sphere.capitalize() + (" (not in the government total)" if sphere in q.PRIVATE else "")
                rows.append([name, *[rand_short(a) if a else "–" for a in amounts]])
        government = [zone_quantum.total(spheres=q.GOVERNMENT, kinds="budget",
                                         years=[None if label == "years not stated" else label]) for label in labels]
        rows.append(["Government total", *[rand_short(a) for a in government]])
        section.tables.append(Table(["Sphere", *labels], rows, list(range(1, len(labels) + 1)),
                                    f"Budget (Rand) by financial year, {zone_quantum.calendar_description}"))
        amount, label = government_budget(zone, today)
        if amount is not None:
            section.paragraphs.append(f"Government budget {label}: {rand_short(amount)} ({rand_exact(amount)}). "
                                      + q.INCLUDES["government"])
    for r in published_for_zone(zone):
        published = r["published"]
        if r["difference"] is None:
            verdict = "published as a total only, with no breakdown to check"
        elif r["difference"] == 0:
            verdict = f"the register's lines add up exactly ({rand_exact(r['lines_sum'])})"
        else:
            verdict = (f"the register's lines add up to {rand_exact(r['lines_sum'])}, a difference of "
                       f"{rand_exact(r['difference'])}")
        section.paragraphs.append(f"Published {published.label}: {published.stated_as} ({published.source}); {verdict}.")
    return section


def _projects(zone: Place, today: datetime.date) -> Section:
    top = project_section(zone)["top_projects"][:TOP_PROJECTS]
    if not top:
        return Section("projects", "Top projects", ["No counted project with a budget is located in this zone."],
                       url=f"/investment/zones/{zone.code}/", new_page=True)
    rows = [[p["title"], p["organisation"], p["sector"], rand_short(Decimal(p["budget"]))] for p in top]
    return Section("projects", "Top projects", ["Whole project budgets (all years and locations) of counted projects "
                                                "located in the zone, largest first."],
                   [Table(["Project", "Organisation", "Sector", "Budget"], rows, [3])], f"/investment/zones/{zone.code}/",
                   new_page=True)


def _quality(zone: Place, today: datetime.date) -> Section:
    duplicates = Project.objects.filter(duplicate_of__isnull=False, locations__zone=zone).distinct()
    count = duplicates.count()
    amount = (Project.objects.filter(pk__in=duplicates.values("pk"))
              .aggregate(s=Sum("budget_lines__amount", filter=Q(budget_lines__kind="budget")))["s"])
    unmapped = q.shared_unmapped_count()
    total = Project.objects.counted().count()
    paragraphs = [
        (f"{number(count)} project{'s' if count != 1 else ''} in this zone confirmed as duplicates of another record "
         f"({rand_short(q.cents(amount) or 0)} of budget) are excluded from every total."
         if count else "No project in this zone has been confirmed as a duplicate; possible duplicates are listed "
         "for review on the duplicates page."),
        (f"Nationally, {number(unmapped)} of {number(total)} counted projects ({share(Decimal(unmapped) / total)}) have "
         "no location in any zone, so no zone total includes them." if total else "The register holds no projects."),
    ]
    return Section("quality", "Duplicates and unmapped projects", paragraphs, url=f"/alignment/zones/{zone.code}/duplicates/")


def _oneplan(zone: Place, today: datetime.date) -> Section:
    plan = OnePlan.objects.filter(zone=zone).first()
    version = plan.current if plan else None
    section = Section("oneplan", "One Plan status", url=f"/oneplan/zones/{zone.code}/", new_page=True)
    if plan is None or version is None:
        section.paragraphs.append("No One Plan has been started for this zone.")
        return section
    panel = signoff.panel(version)
    signed = sum(1 for _party, s in panel if s)
    section.paragraphs.append(
        f"Version {version.number} ({version.get_status_display().lower()}), phase: {version.get_current_phase_display()}"
        + (f", adopted {version.adopted_on:%-d %B %Y}" if version.adopted_on else "")
        + f". Sign-offs: {signed} of {len(panel)}." + (" Demo data, not an official plan." if plan.is_demo else ""))
    # Strategies, actions and commitments hang off the version through focal areas, not directly.
    counts = [["Focal areas", number(version.focal_areas.count())],
              ["Strategies", number(Strategy.objects.filter(focal_area__version=version).count())],
              ["Actions", number(Action.objects.filter(strategy__focal_area__version=version).count())],
              ["Commitments", number(Commitment.objects.filter(action__strategy__focal_area__version=version).count())],
              ["Indicators", number(version.indicators.count())]]
    section.tables.append(Table(["Content", "Count"], counts, [1]))
    return section


def _hub(zone: Place, today: datetime.date) -> Section:
    hubs = list(hubs_for_zone(zone))
    section = Section("hub", "Hub vacancies", url=f"/capacity/zones/{zone.code}/")
    if not hubs:
        section.paragraphs.append("No district hub serves this zone.")
        return section
    for hub in hubs:
        vacant = [role.label for role, p in hub.positions_by_role() if position_status(p, today) == PositionStatus.VACANT]
        ending = [role.label for role, p in hub.positions_by_role() if position_status(p, today) == PositionStatus.ENDING]
        text = f"{hub.name}: {hub.roles_filled(today)} of 9 core-team roles filled."
        text += f" Vacant: {', '.join(vacant)}." if vacant else " No vacancy."
        if ending:
            text += f" Contract ends within 90 days: {', '.join(ending)}."
        section.paragraphs.append(text)
    return section


def _skills(zone: Place, today: datetime.date) -> Section:
    report = zone_skills(zone)
    section = Section("skills", "Skills gaps", url=f"/capacity/zones/{zone.code}/", new_page=True)
    if not report.audited:
        section.paragraphs.append(f"None of the zone's {len(report.bodies)} municipalities has a skills audit yet.")
        return section
    gaps = sorted((t for t in report.totals() if t["gap"]), key=lambda t: -t["gap"])[:MAX_SKILL_GAPS]
    section.paragraphs.append(f"Skills audits of {len(report.audited)} of {len(report.bodies)} municipalities; gap = "
                              "required minus people holding the skill at intermediate level or above.")
    if not gaps:
        section.paragraphs.append("The audited municipalities have no skills gap.")
        return section
    section.tables.append(Table(["Skill", "Required", "Available", "Gap"],
                                [[t["skill"].name, number(t["required_audited"]), number(t["available"]), number(t["gap"])]
                                 for t in gaps], [1, 2, 3]))
    return section


def _commitments(zone: Place, today: datetime.date) -> Section:
    items = list(overdue_items(today, zone)[:MAX_COMMITMENTS + 1])
    section = Section("commitments", "Overdue commitments", url=f"/engagement/zones/{zone.code}/")
    if not items:
        section.paragraphs.append(f"No issue or commitment of this zone is overdue on {today:%-d %B %Y}.")
        return section
    more = len(items) > MAX_COMMITMENTS
    section.tables.append(Table(["Due", "Item", "Owner", "Status"],
                                [[f"{i.due_date:%Y-%m-%d}", i.text[:160], i.owner, i.get_status_display()]
                                 for i in items[:MAX_COMMITMENTS]],
                                caption="Due before today, neither done nor dropped" + ("; the oldest 15" if more else "")))
    return section


BUILDERS = {"figures": _figures, "profile": _profile, "investment": _investment, "projects": _projects,
            "quality": _quality, "oneplan": _oneplan, "hub": _hub, "skills": _skills, "commitments": _commitments}


class Pack(TypedDict):
    """What build() returns: the page and the PDF render the same pack."""

    map_svg: str
    map_caption: str
    zone: dict[str, str]  # code, name, province, kind
    generated: str  # ISO date
    sections: list[Section]


def zone_map(zone: Place) -> dict[str, Any]:
    """The server-rendered SVG map of the zone's municipalities and wards (as on the profile)."""
    return _map(Place.objects.get(pk=zone.pk))


def build(zone: Place, today: datetime.date | None = None) -> Pack:
    today = today or timezone.localdate()
    place_map = zone_map(zone)
    return {
        "map_svg": place_map["svg"], "map_caption": f"{place_map['title']}. Boundaries: Municipal Demarcation Board.",
        "zone": {"code": zone.code, "name": zone.name, "province": zone.province.name if zone.province else "",
                 "kind": "Metropolitan municipality" if zone.is_metro else "District municipality"},
        "generated": today.isoformat(),
        "sections": [BUILDERS[key](zone, today) for key in ORDER],
    }
