"""What a submitter says once about a file (``--years start|end``, ``--unit``), remembered per
organisation, and what the intake knows of the submitter (its own area, plausible amounts).

The CLI, the upload page's questions and ``ddm setup``'s demo loading all go through
``stated_options``, so the three paths read a file the same way.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypedDict

from ddm.accounts.models import Organisation
from ddm.investment.intake.locating import Resolver, Spot, _precision
from ddm.investment.intake.rows import Options, parse_unit_option, unit_name
from ddm.investment.models import Submission

# One project's amount above these is a warning naming the unit assumed (a unit slip, not a ban).
PLAUSIBLE_MAX = {"local": (Decimal(5) * 10**9, "for a municipal project")}
PLAUSIBLE_MAX_OTHER = (Decimal(100) * 10**9, "for one project")


class StatedOptions(TypedDict, total=False):
    """What a submitter says about a file: how its bare years read and its unit."""

    years: str | None  # "start" (2019 = 2019/20) or "end" (2019 = 2018/19)
    unit: str | None  # a multiplier ("1000") or a unit's name ("thousand", "R'000")


class StoredOptions(TypedDict, total=False):
    """Submission.options: the stated options as applied, and how the amounts were read."""

    years: str
    years_source: str  # "stated", or "remembered from submission <id>"
    unit: str  # the multiplier, e.g. "1000"
    unit_statement: str


def remembered_years(organisation: Organisation) -> tuple[str, int] | tuple[None, None]:
    """(convention, submission id) the organisation last stated for bare years, or (None, None)."""
    for pk, options in (Submission.objects.filter(organisation=organisation).exclude(options={})
                        .order_by("-pk").values_list("pk", "options")[:200]):
        if isinstance(options, dict) and options.get("years") in ("start", "end") and options.get(
                "years_source") == "stated":
            return options["years"], pk
    return None, None


def stated_options(organisation: Organisation | None, options: StatedOptions | None) -> StoredOptions:
    """The options stored on a new Submission: what was stated, else what the organisation said last."""
    options = options or {}
    stored: StoredOptions = {}
    years = options.get("years")
    if years in ("start", "end"):
        stored["years"], stored["years_source"] = years, "stated"
    elif organisation is not None:
        remembered, pk = remembered_years(organisation)
        if remembered:
            stored["years"], stored["years_source"] = remembered, f"remembered from submission {pk}"
    unit = options.get("unit")
    if unit not in (None, ""):
        stored["unit"] = str(parse_unit_option(unit))
    return stored


def row_options(submission: Submission) -> Options:
    """The rows.Options of a submission."""
    options = submission.options or {}
    unit = Decimal(options["unit"]) if options.get("unit") else None
    sphere = getattr(submission.organisation, "sphere", "")
    limit, reason = PLAUSIBLE_MAX.get(sphere, PLAUSIBLE_MAX_OTHER)
    return Options(years=options.get("years"), unit=unit, max_amount=limit, max_amount_reason=reason,
                   organisation_name=getattr(submission.organisation, "name", ""))


def describe(options: Mapping[str, Any]) -> str:
    """One line for the preview: the conventions applied."""
    parts = []
    if options.get("years"):
        how = "as stated" if options.get("years_source") == "stated" else options.get("years_source", "")
        parts.append(f"bare years: {'2019 = 2019/20' if options['years'] == 'start' else '2019 = 2018/19'} ({how})")
    if options.get("unit"):
        parts.append(f"unit: {unit_name(Decimal(options['unit']))} (as stated)")
    return "; ".join(parts)


def home_spot(resolver: Resolver, organisation: Organisation | None) -> Spot | None:
    """The Spot of a municipality's own area (a metro or a local municipality), else None."""
    place_id = getattr(organisation, "municipality_id", None)
    place = resolver.by_id.get(place_id) if place_id else None
    if place is None:
        return None

    return resolver.spot_for_place(place, _precision(place), place.display_name)


def home_context(resolver: Resolver, organisation: Organisation | None) -> tuple[str | None, dict[str, str]]:
    """(province code, {"municipality", "zone"} codes) of the submitter's own area, to break ties
    between places of the same name; a department of a province gives only its province."""
    home = home_spot(resolver, organisation)
    codes: dict[str, str] = {}
    province = None
    if home is not None:
        for level, place_id in (("municipality", home.municipality_id), ("zone", home.zone_id)):
            place = resolver.by_id.get(place_id) if place_id else None
            if place is not None:
                codes[level] = place.code
        province = resolver.by_id.get(home.province_id)
    elif organisation is not None and organisation.province_id:
        province = resolver.by_id.get(organisation.province_id)
    return (province.code if province is not None else None), codes


def restated(options: Mapping[str, Any] | None) -> StatedOptions:
    """The options a submitter stated (carried from a preview to its re-read, its commit or its
    approval): the unit, and the years only when stated (a remembered reading is looked up again)."""
    options = options or {}
    stated: StatedOptions = {"unit": options.get("unit")}
    if options.get("years_source") == "stated":
        stated["years"] = options.get("years")
    return stated
