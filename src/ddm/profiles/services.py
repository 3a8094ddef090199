"""Read-side services of the indicator store: the stable interface other apps use, and ranking.

Stable interface (alignment, capacity and oneplan rely on it; keep it):

    indicator_values(code, level="zone", year=None, codes=None) -> dict[place_code, Decimal]
        Values of one indicator for every place of a level ("zone": the 52 zones, "municipality":
        the 213 municipalities (metros included), "province", "country"), or only the places of the
        level with the given codes. year=None: the latest year the indicator has. Places without a
        value are absent (never 0). Unknown code: {}.

    place_value(place, code, year=None) -> Value(value, unit, source, year) | None
        One indicator for one place (a Place or its MDB code at zone level first, then municipality,
        province, country). unit is the IndicatorDefinition.unit ("persons", "households",
        "percent", ...); source the citation; None when there is no value.

    BACKLOG_INDICATORS: {"water", "sanitation", "electricity", "refuse", "housing", "education",
        "population", "households"} -> indicator code. All are counts from the Community Survey 2016
        (persons, except "housing" and "households": households), so they can be added and weighted
        across places; "population" and "households" are the CS 2016 totals (the denominators of the
        backlog rates, same survey), not the newest Census; so is "housing". Category mappings: ddm/profiles/catalogue.py.

    population_by_code(year=None) -> {place code: (people, source with year)}: the newest population
        (Census 2022), for per-capita figures.

    financial_health(places) -> {place code: FinancialHealth}: newest audit outcome and capital-budget
        variance (Municipal Money) of municipalities / district municipalities, and whether
        financial-management support should come first (adverse outcome and poor capital spending).

    Several vintages of an indicator may exist (IndicatorValue.vintage): the newest (year, then
    release date) is returned; values of disestablished predecessor municipalities never are.

    rank_values(values, direction) -> {place_code: Rank}  (1 = highest value; ties share a rank)
"""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import F, Q

from ddm.places import CURRENT_DEMARCATION
from ddm.places.models import Level, Place
from ddm.profiles.models import Direction, IndicatorDefinition, IndicatorValue

BACKLOG_INDICATORS = {
    "water": "persons_no_piped_water",
    "sanitation": "persons_no_sanitation",
    "electricity": "persons_no_electricity",
    "refuse": "persons_no_refuse_removal",
    "housing": "households_informal_dwelling_cs2016",
    "education": "adults_no_schooling",
    "population": "population_cs2016",
    "households": "households_cs2016",
}

LEVEL_NOUNS: dict[str, tuple[str, str]] = {Level.ZONE: ("zone", "zones"), Level.MUNICIPALITY: ("municipality", "municipalities"),
               Level.PROVINCE: ("province", "provinces")}


@dataclass(frozen=True)
class Value:
    value: Decimal | None  # None: the source publishes the indicator for this place and year without a figure
    unit: str
    source: str
    year: int


CURRENT = ~Q(vintage__startswith="predecessor ")  # values of a municipality's own (not its predecessors')


def _newest(rows: Iterable[tuple[Any, ...]]) -> dict[Any, tuple[Any, ...]]:
    """{place key: row} keeping each place's newest (year, release) of rows (key, year, released, ...)."""
    found: dict[Any, tuple] = {}
    for row in rows:
        key, year, released = row[0], row[1], row[2] or date.min
        if key not in found or (year, released) >= (found[key][1], found[key][2] or date.min):
            found[key] = row
    return found


def latest_year(code: str) -> int | None:
    return (IndicatorValue.objects.filter(CURRENT, indicator__code=code).order_by("-year")
            .values_list("year", flat=True).first())


def indicator_values(code: str, level: str = "zone", year: int | None = None,
                     codes: Collection[str] | None = None) -> dict[str, Decimal]:
    year = year or latest_year(code)
    if year is None:
        return {}
    rows = IndicatorValue.objects.filter(
        CURRENT, indicator__code=code, year=year, place__level=level, place__demarcation_year=CURRENT_DEMARCATION,
        value__isnull=False,
    )
    if codes is not None:  # only these places (a zone's municipalities): cost grows with them, not the country
        rows = rows.filter(place__code__in=codes)
    return {place: row[3] for place, row in _newest(rows.values_list("place__code", "year", "released", "value")).items()}


def vintage_of(definition: IndicatorDefinition, year: int | None = None) -> tuple[str, int]:
    """(source, year) of the figures indicator_values() gives for the definition (its newest year by default)."""
    year = year or latest_year(definition.code) or definition.year
    source = (IndicatorValue.objects.filter(CURRENT, indicator=definition, year=year).exclude(source="")
              .order_by(F("released").desc(nulls_last=True)).values_list("source", flat=True).first())
    return source or definition.source, year


def population_by_code(year: int | None = None) -> dict[str, tuple[int, str]]:
    """{place code: (people, source)} for every zone and municipality with a population figure.

    Used by the investment pages for per-capita figures; one query. Each place's newest figure
    (Census 2022 where loaded) wins unless a year is given; the source names that figure's own
    release and year, e.g. "Statistics South Africa (2023) Census 2022: ... (2022)". A metro's zone
    and municipality share a code and a value.
    """
    values = IndicatorValue.objects.filter(
        CURRENT, indicator__code="population", place__level__in=(Level.MUNICIPALITY, Level.ZONE),
        place__demarcation_year=CURRENT_DEMARCATION, value__isnull=False,
    )
    if year is not None:
        values = values.filter(year=year)
    rows = values.values_list("place__code", "year", "released", "value", "source", "indicator__source")
    return {code: (int(value), f"{source or default} ({year})")
            for code, (_c, year, _r, value, source, default) in _newest(rows).items()}


def _resolve_place(place: Place | str) -> Place | None:
    if isinstance(place, Place):
        return place
    for level in (Level.ZONE, Level.MUNICIPALITY, Level.PROVINCE, Level.COUNTRY):
        found = Place.objects.current().filter(level=level, code=str(place).upper()).first()
        if found:
            return found
    return None


def place_value(place: Place | str, code: str, year: int | None = None) -> Value | None:
    found_place = _resolve_place(place)
    if found_place is None:
        return None
    values = IndicatorValue.objects.filter(CURRENT, place=found_place, indicator__code=code).select_related("indicator")
    if year is not None:
        values = values.filter(year=year)
    found = values.order_by("-year", F("released").desc(nulls_last=True)).first()
    if found is None:
        return None
    return Value(found.value, found.indicator.unit, found.source or found.indicator.source, found.year)


@dataclass(frozen=True)
class Rank:
    position: int  # 1 = highest value
    of: int
    tied: bool
    direction: str
    from_worst: int | None  # 1 = worst place, when the direction says what is worse

    def text(self, noun: str = "zones") -> str:
        """E.g. "7th highest of 52 zones", "joint 3rd lowest of 213 municipalities"."""
        from_top = self.position <= (self.of + 1) / 2
        number = self.position if from_top else self.of - self.position + 1
        joint = "joint " if self.tied else ""
        return f"{joint}{ordinal(number)} {'highest' if from_top else 'lowest'} of {self.of} {noun}"

    def as_dict(self, noun: str = "zones") -> dict[str, Any]:
        return {"position": self.position, "of": self.of, "tied": self.tied, "from_worst": self.from_worst,
                "direction": self.direction, "text": self.text(noun)}


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def rank_values(values: Mapping[str, Decimal], direction: str = Direction.NEUTRAL) -> dict[str, Rank]:
    """Competition ranking ("1224") by value, highest first; from_worst counts from the worse end.

    A place ranked lowest among tied values from the worse end shares that position too.
    """
    ordered = sorted(values.values(), reverse=True)
    total = len(ordered)
    first_at: dict[Decimal, int] = {}
    last_at: dict[Decimal, int] = {}
    for index, value in enumerate(ordered, start=1):
        first_at.setdefault(value, index)
        last_at[value] = index
    result = {}
    for code, value in values.items():
        position = first_at[value]
        tied = first_at[value] != last_at[value]
        if direction == Direction.HIGHER_WORSE:
            from_worst = position
        elif direction == Direction.HIGHER_BETTER:
            from_worst = total - last_at[value] + 1
        else:
            from_worst = None
        result[code] = Rank(position, total, tied, direction, from_worst)
    return result


def definitions(codes: Iterable[str]) -> dict[str, IndicatorDefinition]:
    return {d.code: d for d in IndicatorDefinition.objects.filter(code__in=codes)}


# --- municipal finance (Municipal Money) ------------------------------------------------------------

SUPPORT_OUTCOMES = ("Adverse opinion", "Disclaimer of opinion", "Qualified", "Outstanding")
POOR_CAPITAL_SPENDING = Decimal(-10)  # under-spent by more than 10% of the adjusted capital budget
SUPPORT_RULE = ("Financial-management support first: the newest audit outcome is qualified, adverse, a disclaimer "
                "or outstanding, and the newest capital budget was under-spent by more than 10%.")
FINANCE_SOURCE = "National Treasury, Municipal Money (AGSA audit outcomes, MFMA returns), July 2020"


@dataclass(frozen=True)
class FinancialHealth:
    audit_outcome: str
    audit_year: int | None
    capital_variance: Decimal | None
    capital_year: int | None

    @property
    def needs_support(self) -> bool:
        return needs_financial_support(self.audit_outcome, self.capital_variance)

    @property
    def evidence(self) -> str:
        parts = []
        if self.audit_outcome:
            parts.append(f"audit {self.audit_outcome} ({financial_year(self.audit_year)})")
        if self.capital_variance is not None:
            parts.append(f"capital budget {self.capital_variance:+.1f}% ({financial_year(self.capital_year)})")
        return "; ".join(parts) or "no Municipal Money data"

    def as_dict(self) -> dict[str, Any]:
        return {"audit_outcome": self.audit_outcome or None, "audit_year": self.audit_year,
                "capital_budget_variance": None if self.capital_variance is None else str(self.capital_variance),
                "capital_year": self.capital_year, "needs_financial_support": self.needs_support,
                "evidence": self.evidence, "source": FINANCE_SOURCE}


def financial_year(year: int | None) -> str:
    """Municipal financial year by its end: 2019 -> "2018/19"."""
    return f"{year - 1}/{str(year)[2:]}" if year else "no year"


def needs_financial_support(outcome: str, capital_variance: Decimal | None) -> bool:
    """Adverse audit outcome and poor capital spending: financial-management support comes first."""
    return bool(outcome in SUPPORT_OUTCOMES and capital_variance is not None
                and capital_variance < POOR_CAPITAL_SPENDING)


def financial_health(places: Iterable[Place], audit_history: dict[int, dict[int, str]] | None = None
                     ) -> dict[int, FinancialHealth]:
    """{place id: FinancialHealth} of the places (one query); places without data get empty figures.

    audit_history: a dict that receives {place id: {year: audit outcome}} from the same query.
    """
    ids = [p.pk for p in places]
    audits: dict[int, Any] = {}
    capital: dict[int, Any] = {}
    rows = (IndicatorValue.objects.filter(CURRENT, place_id__in=ids,
                                          indicator__code__in=("audit_outcome", "capital_budget_variance"))
            .values_list("place_id", "indicator__code", "year", "value", "text"))
    for place, code, year, value, text in rows:
        if code == "audit_outcome" and audit_history is not None:
            audit_history.setdefault(place, {})[year] = text
        target = audits if code == "audit_outcome" else capital
        if place not in target or year > target[place][0]:
            target[place] = (year, text if code == "audit_outcome" else value)
    return {pk: FinancialHealth(audits.get(pk, (None, ""))[1], audits.get(pk, (None, ""))[0],
                                capital.get(pk, (None, None))[1], capital.get(pk, (None, None))[0]) for pk in ids}
