"""Read-side services of the indicator store: the stable interface other apps use, and ranking.

Stable interface (alignment, capacity and oneplan rely on it; keep it):

    indicator_values(code, level="zone", year=None) -> dict[place_code, Decimal]
        Values of one indicator for every place of a level ("zone": the 52 zones, "municipality":
        the 213 municipalities (metros included), "province", "country"). year=None: the latest
        year the indicator has. Places without a value are absent (never 0). Unknown code: {}.

    place_value(place, code, year=None) -> Value(value, unit, source, year) | None
        One indicator for one place (a Place or its MDB code at zone level first, then municipality,
        province, country). unit is the IndicatorDefinition.unit ("persons", "households",
        "percent", ...); source the citation; None when there is no value.

    BACKLOG_INDICATORS: {"water", "sanitation", "electricity", "refuse", "housing", "education",
        "population", "households"} -> indicator code. All are counts from the Community Survey 2016
        (persons, except "housing" and "households": households), summed over municipalities, so
        they can be added and weighted across places. Category mappings: ddm/profiles/catalogue.py.

    rank_values(values, direction) -> {place_code: Rank}  (1 = highest value; ties share a rank)
"""

from dataclasses import dataclass
from decimal import Decimal

from ddm.places.models import Level, Place
from ddm.profiles.models import Direction, IndicatorDefinition, IndicatorValue

BACKLOG_INDICATORS = {
    "water": "persons_no_piped_water",
    "sanitation": "persons_no_sanitation",
    "electricity": "persons_no_electricity",
    "refuse": "persons_no_refuse_removal",
    "housing": "households_informal_dwelling",
    "education": "adults_no_schooling",
    "population": "population",
    "households": "households",
}

LEVEL_NOUNS = {Level.ZONE: ("zone", "zones"), Level.MUNICIPALITY: ("municipality", "municipalities"),
               Level.PROVINCE: ("province", "provinces")}


@dataclass(frozen=True)
class Value:
    value: Decimal
    unit: str
    source: str
    year: int


def latest_year(code):
    return (IndicatorValue.objects.filter(indicator__code=code).order_by("-year")
            .values_list("year", flat=True).first())


def indicator_values(code, level="zone", year=None):
    year = year or latest_year(code)
    if year is None:
        return {}
    rows = IndicatorValue.objects.filter(
        indicator__code=code, year=year, place__level=level, place__demarcation_year=2020,
    ).values_list("place__code", "value")
    return dict(rows)


def population_by_code(year=None):
    """{place code: (people, source)} for every zone and municipality with a population figure.

    Used by the investment pages for per-capita figures; one query. The latest year wins unless a
    year is given. A metro's zone and municipality share a code and a value.
    """
    values = IndicatorValue.objects.filter(
        indicator__code="population", place__level__in=(Level.MUNICIPALITY, Level.ZONE),
        place__demarcation_year=2020,
    )
    if year is not None:
        values = values.filter(year=year)
    rows = values.order_by("year").values_list("place__code", "value", "year", "indicator__source")
    return {code: (int(value), f"{source} ({year})") for code, value, year, source in rows}


def _resolve_place(place):
    if isinstance(place, Place):
        return place
    for level in (Level.ZONE, Level.MUNICIPALITY, Level.PROVINCE, Level.COUNTRY):
        found = Place.objects.current().filter(level=level, code=str(place).upper()).first()
        if found:
            return found
    return None


def place_value(place, code, year=None):
    place = _resolve_place(place)
    if place is None:
        return None
    values = IndicatorValue.objects.filter(place=place, indicator__code=code).select_related("indicator")
    if year is not None:
        values = values.filter(year=year)
    found = values.order_by("-year").first()
    if found is None:
        return None
    return Value(found.value, found.indicator.unit, found.indicator.source, found.year)


@dataclass(frozen=True)
class Rank:
    position: int  # 1 = highest value
    of: int
    tied: bool
    direction: str
    from_worst: int | None  # 1 = worst place, when the direction says what is worse

    def text(self, noun="zones"):
        """E.g. "7th highest of 52 zones", "joint 3rd lowest of 213 municipalities"."""
        from_top = self.position <= (self.of + 1) / 2
        number = self.position if from_top else self.of - self.position + 1
        joint = "joint " if self.tied else ""
        return f"{joint}{ordinal(number)} {'highest' if from_top else 'lowest'} of {self.of} {noun}"

    def as_dict(self, noun="zones"):
        return {"position": self.position, "of": self.of, "tied": self.tied, "from_worst": self.from_worst,
                "direction": self.direction, "text": self.text(noun)}


def ordinal(number):
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def rank_values(values, direction=Direction.NEUTRAL):
    """Competition ranking ("1224") by value, highest first; from_worst counts from the worse end.

    A place ranked lowest among tied values from the worse end shares that position too.
    """
    ordered = sorted(values.values(), reverse=True)
    total = len(ordered)
    first_at, last_at = {}, {}
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


def definitions(codes):
    return {d.code: d for d in IndicatorDefinition.objects.filter(code__in=codes)}
