"""The skills-gap report as export sheets (XLSX via ddm.exports; also used by the zone page's export)."""

from typing import Any

from ddm.capacity.models import SkillLevel
from ddm.capacity.services import ZoneSkills

SOURCE_NOTE = ("Sources: municipal skills audits as imported into DDM Hub (date per municipality); "
               "requirements: DDM Hub default set per municipality category (capacity/data/requirements.csv), "
               "weighted by the profile (Stats SA indicators via the profiles app) or overridden.")


def report_sheets(report: ZoneSkills) -> list[tuple[Any, ...]]:
    counts_from = SkillLevel(2).label.lower()
    by_muni = []
    for body in report.bodies:
        audit = f"{body.audit.created:%Y-%m-%d}{' (demo)' if body.audit.is_demo else ''}" if body.audit else "no audit"
        for line in body.lines.values():
            by_muni.append([
                body.place.code, body.place.name, audit, line.skill.code, line.skill.name, line.default,
                line.weight.weight if line.weight else None, line.override, line.required, line.available,
                line.below_management, line.learners, line.vacant_posts, line.gap, line.surplus,
            ])
    totals = [[t["skill"].code, t["skill"].name, t["required"], t["required_audited"], t["available"],
               t["below_management"], t["learners"], t["gap"], ", ".join(p.code for p in t["held_by"])]
              for t in report.totals()]
    sharing = [[s.skill.code, s.source.code, s.target.code, s.surplus, s.gap, s.share] for s in report.suggestions]
    sharing += [[f["skill"].code, "HUB", ", ".join(p.code for p in f["places"]), 0, f["gap"], 0]
                for f in report.hub_flags]
    weighting = [[r["place"].code, r["weight"].backlog, r["weight"].indicator, r["weight"].value,
                  r["weight"].population, r["weight"].share, r["weight"].national_share, r["weight"].weight,
                  ", ".join(s.code for s in r["skills"]), r["weight"].note, r["weight"].source, r["weight"].year]
                 for r in report.weighting()]
    agencies = [[area, a.name, a.support, a.website, a.source] for area, items in report.agencies.items() for a in items]
    return [
        ("Gap by municipality", ["code", "municipality", "audit", "skill", "skill name", "default", "weight",
                                 "override", "required", "available", "below management", "learners (basic)",
                                 "vacant posts", "gap", "surplus"], by_muni,
         [f"available = distinct people at {counts_from} level or above in the latest audit.", SOURCE_NOTE]),
        ("Zone totals", ["skill", "name", "required (all)", "required (audited)", "available", "below management",
                         "learners", "gap (sum of municipal gaps)", "held by"], totals,
         ["Totals over audited municipalities except 'required (all)'; "
          f"no audit: {', '.join(b.place.code for b in report.unaudited) or 'none'}.", SOURCE_NOTE]),
        ("Sharing", ["skill", "from", "to", "surplus", "gap", "suggested share"], sharing,
         ["HUB: no audited municipality of the zone has the skill; flagged for the hub."]),
        ("Profile weighting", ["code", "backlog", "indicator", "value", "population", "share", "national share",
                               "weight", "skills", "note", "source", "year"], weighting,
         ["weight = share / national share, kept between 1 and 2; required = max(default, default x weight)."]),
        ("Agencies", ["skill area", "agency", "support", "website", "mandate"], agencies,
         ["Agencies for the skill areas with a gap (capacity/data/agencies.csv)."]),
    ]
