"""Profile weighting of skill requirements: more water engineers where water backlogs are high.

Rule (documented in data/SOURCES.md): for a skill tied to a backlog (Skill.backlog, a key of
ddm.profiles.services.BACKLOG_INDICATORS), share = backlog indicator / population of the
municipality (zone-level values for a district municipality); weight = share / national share,
kept between 1 and 2 (a municipality never needs fewer than the default, and a backlog at most
doubles it). Without profile data the weight is 1 and the note says why.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ddm.profiles import services as profile_services

MIN_WEIGHT = Decimal("1")
MAX_WEIGHT = Decimal("2")
POPULATION = "population"
COUNTRY_CODE = "ZA"


@dataclass
class Weight:
    backlog: str
    indicator: str = ""
    value: Decimal | None = None
    population: Decimal | None = None
    share: Decimal | None = None
    national_share: Decimal | None = None
    weight: Decimal = MIN_WEIGHT
    note: str = ""
    source: str = ""
    year: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "backlog": self.backlog, "indicator": self.indicator, "value": self.value,
            "population": self.population, "share": self.share, "national_share": self.national_share,
            "weight": self.weight, "note": self.note, "source": self.source, "year": self.year,
        }


def weight_from(share: Decimal, national_share: Decimal | None) -> Decimal:
    """The clamped ratio of a place's backlog share to the national share."""
    if not national_share:
        return MIN_WEIGHT
    ratio = (share / national_share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return max(MIN_WEIGHT, min(MAX_WEIGHT, ratio))


def weighted_requirement(default: int, weight: Decimal) -> int:
    """max(default, round_half_up(default × weight)): the weight only ever raises a requirement."""
    return max(default, int((Decimal(default) * weight).quantize(Decimal("1"), rounding=ROUND_HALF_UP)))


AUTO = object()


class ProfileWeights:
    """Loads each backlog indicator once per level and computes weights for places on demand.

    ``services``: an object with BACKLOG_INDICATORS and indicator_values (default: ddm.profiles.services;
    None means "no profile data", every weight 1).
    """

    def __init__(self, services: Any = AUTO) -> None:
        self.services = profile_services if services is AUTO else services
        # (indicator, level) -> {code: value}; ("meta", indicator) -> (source, year); ("national", indicator) -> share
        self._values: dict[tuple[str, str], Any] = {}

    def _population(self) -> str:
        return self.services.BACKLOG_INDICATORS.get(POPULATION, POPULATION)

    def indicator_code(self, backlog: str) -> str:
        if self.services is None:
            return ""
        return self.services.BACKLOG_INDICATORS.get(backlog, "")

    def _load(self, indicator: str, level: str) -> dict[str, Any]:
        key = (indicator, level)
        if key not in self._values:
            try:
                self._values[key] = self.services.indicator_values(indicator, level=level) or {}
            except Exception:  # noqa: BLE001 - a missing indicator means "no profile data": weight 1
                self._values[key] = {}
        return self._values[key]

    def _meta(self, indicator: str) -> tuple[str, int | None]:
        """(source, year) of an indicator, from the profiles' national value when it offers one."""
        key = ("meta", indicator)
        if key not in self._values:
            found = None
            if hasattr(self.services, "place_value"):
                try:
                    found = self.services.place_value(COUNTRY_CODE, indicator)
                except Exception:  # noqa: BLE001 - provenance is shown when known, never required
                    found = None
            self._values[key] = (found.source, found.year) if found else ("", None)
        return self._values[key]

    def _national_share(self, indicator: str) -> Decimal | None:
        key = ("national", indicator)
        if key not in self._values:
            self._values[key] = self._compute_national_share(indicator)
        return self._values[key]

    def _compute_national_share(self, indicator: str) -> Decimal | None:
        # National share from municipality-level values (they tile the country).
        values, population = self._load(indicator, "municipality"), self._load(self._population(), "municipality")
        codes = [c for c in values if population.get(c)]
        total_pop = sum((Decimal(population[c]) for c in codes), Decimal(0))
        if not total_pop:
            return None
        return Decimal(sum((Decimal(values[c]) for c in codes), Decimal(0))) / total_pop

    def weight(self, backlog: str, code: str, level: str) -> Weight | None:
        """The Weight for a place (code at 'municipality' or 'zone' level) and a backlog key."""
        if not backlog:
            return None
        if self.services is None:
            return Weight(backlog, note="profile data not available (profiles app not loaded): weight 1")
        indicator = self.indicator_code(backlog)
        if not indicator:
            return Weight(backlog, note=f"no profile indicator for backlog '{backlog}': weight 1")
        value = self._load(indicator, level).get(code)
        population = self._load(self._population(), level).get(code)
        national = self._national_share(indicator)
        if value is None or not population or national is None:
            return Weight(backlog, indicator, note=f"no {indicator} or population value for {code}: weight 1")
        share = Decimal(value) / Decimal(population)
        source, year = self._meta(indicator)
        return Weight(
            backlog, indicator, Decimal(value), Decimal(population),
            share.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
            national.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
            weight_from(share, national), note="share / national share, kept between 1 and 2",
            source=source, year=year,
        )
