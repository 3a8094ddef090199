"""Score one pair of projects 0-100 with the reasons a reviewer reads.

The score starts from how alike the normalised titles are and is moved up or down by evidence:
names (places, schools), phase/section/ward numbers, distance, years, sector, amounts and
descriptions. Conflicting phase/section numbers or different place names are strong evidence of
*different* projects, so look-alikes ("Phase 1"/"Phase 2", the same clinic upgrade in two
villages) fall well below the threshold. The weights were set on the tuning half of the labelled
evaluation set (tests/alignment/data/eval_pairs.csv) and checked on the other half.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from ddm.alignment.duplicates.normalise import Normalised, normalise
from ddm.numbers import rand_short

# Pairs scoring at least this are listed as duplicate candidates (see docs in README of the app).
DEFAULT_THRESHOLD = 70
# Ceilings: a pair naming different phases/sections, or different places/schools, stays below
# the threshold whatever else it shares (still listed when a reviewer lowers --min-score).
QUALIFIER_CAP = 40
NAME_CAP = 50
NAME_CAP_SHARED = 60

KIND_PREFERENCE = ("budget", "adjusted", "actual", "planned")
Point = tuple[float, float]  # (latitude, longitude)
# What one kind of evidence says: (score change, reason or None[, cap on the score])
Evidence = tuple[int, str | None] | tuple[int, str | None, int]
SECTOR_LABELS: dict[str, str] = {}  # filled lazily from investment.Sector, so this module imports without Django


@dataclass(eq=False)
class Record:
    """What the matcher knows about one project (built from the register or synthetic data)."""

    id: int
    organisation: str
    reference: str
    title: str
    description: str = ""
    sector: str = ""
    points: tuple[Point, ...] = ()
    municipalities: frozenset[str] = frozenset()  # MDB codes of the municipalities it is located in
    wards: frozenset[str] = frozenset()
    years: frozenset[int] = frozenset()  # financial years by starting calendar year (2020 = 2020/21)
    amount: Decimal | None = None
    zone: str = ""
    amount_by_year: dict[str, dict[int, Decimal]] = field(default_factory=dict)  # {kind: {start year: amount}}
    extra: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def norm(self) -> Normalised:
        return normalise(self.title)

    @cached_property
    def desc(self) -> Normalised | None:
        return normalise(self.description[:400]) if self.description else None


@dataclass
class Scored:
    a: Record
    b: Record
    score: int
    reasons: list[str]
    previous: Any = None  # an earlier review decision (DuplicateReview), when the pair is flagged again
    cluster: int | None = None


def haversine_km(p: Point, q: Point) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (p[0], p[1], q[0], q[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def fy_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def years_label(years: Iterable[int]) -> str:
    years = sorted(years)
    if len(years) == 1:
        return fy_label(years[0])
    if years == list(range(years[0], years[-1] + 1)):
        return f"{fy_label(years[0])}–{fy_label(years[-1])}"
    return ", ".join(fy_label(y) for y in years)


def money_label(amount: Decimal | None) -> str:
    return rand_short(amount)


def title_similarity(a: Record, b: Record) -> float:
    """0-100: half token-set (one title contained in the other), half token-sort (overall likeness)."""
    ta, tb = a.norm.text, b.norm.text
    if not ta or not tb:
        return 0
    return 0.5 * fuzz.token_set_ratio(ta, tb) + 0.5 * fuzz.token_sort_ratio(ta, tb)


def score_pair(a: Record, b: Record) -> Scored:
    """Scored(a, b, score 0-100, reasons) for two Records."""
    title = title_similarity(a, b)
    reasons = [f"titles {title:.0f}% similar"]
    bonus = penalty = 0
    cap = 100
    for part in (_names, _qualifiers, _location, _years, _sector, _amounts, _descriptions):
        delta, reason, part_cap = _unpack(part(a, b))
        bonus += max(delta, 0)
        penalty += min(delta, 0)
        cap = min(cap, part_cap)
        if reason:
            reasons.append(reason)
    # Supporting evidence (near, same years, same amount) counts fully only for titles that are
    # already alike: two different facilities in one village share all of it.
    weight = max(0.0, min(1.0, (title - 60) / 30))
    score = max(0, min(cap, 100, round(title + weight * bonus + penalty)))
    return Scored(a, b, score, reasons)


def _unpack(result: Evidence) -> tuple[int, str | None, int]:
    return result if len(result) == 3 else (*result, 100)


def allowed_edits(one: str, two: str) -> int:
    """Typos tolerated between two names: 1 edit (a transposition counts one) from 4 letters, 2 from 9."""
    shortest = min(len(one), len(two))
    return 0 if shortest < 4 else (1 if shortest < 9 else 2)


def _name_matches(name: str, other: Normalised) -> bool:
    """Is this name (or a misspelling of it: "Ngqeleli", "Libdoe") among the other title's words?"""
    if name in other.names or name in other.tokens or name in other.joined_pairs:
        return True
    return any(OSA.distance(name, word, score_cutoff=2) <= allowed_edits(name, word) for word in other.names)


def _names(a: Record, b: Record) -> Evidence:
    na, nb = a.norm, b.norm
    only_a = sorted(n for n in na.names if not _name_matches(n, nb))
    only_b = sorted(n for n in nb.names if not _name_matches(n, na))
    shared = sorted(n for n in na.names if n not in only_a)
    if only_a and only_b:
        # Different places or schools: a different project, however alike the rest of the title.
        return -25, f"different names: {' '.join(only_a)} / {' '.join(only_b)}", (NAME_CAP_SHARED if shared else NAME_CAP)
    if shared and not only_a and not only_b:
        return 5, f"same names: {' '.join(shared)}"
    if only_a or only_b:
        extra = only_a or only_b
        return (-4 if shared else -8), f"only one names {' '.join(extra)}"
    return 0, None


def _qualifiers(a: Record, b: Record) -> Evidence:
    qa, qb = _by_kind(a.norm.qualifiers), _by_kind(b.norm.qualifiers)
    delta, notes, cap = 0, [], 100
    for kind in sorted(set(qa) | set(qb)):
        va, vb = qa.get(kind, set()), qb.get(kind, set())
        if va and vb:
            if va == vb:
                delta += 3
                notes.append(f"both {kind} {'/'.join(sorted(va))}")
            elif va & vb:
                delta -= 5
                notes.append(f"{kind} overlaps: {'/'.join(sorted(va))} vs {'/'.join(sorted(vb))}")
            else:
                delta -= 40
                cap = QUALIFIER_CAP  # Phase 1 and Phase 2 are two projects by definition
                notes.append(f"different {kind}: {'/'.join(sorted(va))} vs {'/'.join(sorted(vb))}")
        else:
            delta -= 4 if kind == "code" else 8
            notes.append(f"only one states {kind} {'/'.join(sorted(va or vb))}")
    na, nb = a.norm.numbers, b.norm.numbers
    if na and nb and not (na & nb):
        delta -= 8
        notes.append(f"different numbers: {'/'.join(sorted(na))} vs {'/'.join(sorted(nb))}")
    return delta, "; ".join(notes) or None, cap


def _by_kind(qualifiers: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    for kind, value in qualifiers:
        result.setdefault(kind, set()).add(value)
    return result


def _location(a: Record, b: Record) -> Evidence:
    if a.points and b.points:
        distance = min(haversine_km(p, q) for p in a.points for q in b.points)
        label = f"{distance:.1f} km apart"
        for limit, delta in ((1, 10), (3, 6), (10, 2), (25, -6), (60, -20)):
            if distance <= limit:
                return delta, label
        return -30, label
    if a.wards and b.wards:
        if a.wards & b.wards:
            return 6, f"same ward {sorted(a.wards & b.wards)[0]}"
        return -10, "different wards"
    if a.municipalities and b.municipalities:
        if a.municipalities & b.municipalities:
            return 2, f"both in {sorted(a.municipalities & b.municipalities)[0]}"
        return -15, f"different municipalities: {'/'.join(sorted(a.municipalities))} vs {'/'.join(sorted(b.municipalities))}"
    return 0, None


def _years(a: Record, b: Record) -> Evidence:
    if not a.years or not b.years:
        return 0, None
    common = a.years & b.years
    if common:
        if a.years == b.years:
            return 4, f"both {years_label(common)}"
        return 4, f"years overlap ({years_label(common)})"
    return -8, f"no common year ({years_label(a.years)} vs {years_label(b.years)})"


def _sector_label(code: str) -> str:
    if not SECTOR_LABELS:
        try:  # imported here: this module also runs outside Django (benchmarks)
            from django.core.exceptions import AppRegistryNotReady, ImproperlyConfigured

            from ddm.investment.models import Sector

            SECTOR_LABELS.update({c: str(label).lower() for c, label in Sector.choices})
        except (AppRegistryNotReady, ImproperlyConfigured):  # outside Django: benchmarks build records without it
            SECTOR_LABELS["-"] = "-"
    return SECTOR_LABELS.get(code, code.replace("_", " "))


def _sector(a: Record, b: Record) -> Evidence:
    if not a.sector or not b.sector:
        return 0, None
    if a.sector == b.sector:
        return 3, f"both {_sector_label(a.sector)}"
    return -6, f"sectors differ: {_sector_label(a.sector)} / {_sector_label(b.sector)}"


def _amounts(a: Record, b: Record) -> Evidence:
    """Amounts compared over the financial years both state (else whole): a 7-year line is not a 2-year one."""
    first, second, scope = a.amount, b.amount, ""
    for kind in KIND_PREFERENCE:
        mine, theirs = a.amount_by_year.get(kind, {}), b.amount_by_year.get(kind, {})
        common = sorted(set(mine) & set(theirs))
        if common:
            first = sum((mine[y] for y in common), Decimal(0))
            second = sum((theirs[y] for y in common), Decimal(0))
            scope = f" ({kind}) in {years_label(common)}"
            break
    if not first or not second or first <= 0 or second <= 0:
        return 0, None
    ratio = min(first, second) / max(first, second)
    label = f"amounts{scope} {money_label(first)} / {money_label(second)} ({ratio * 100:.0f}%)"
    if ratio >= Decimal("0.8"):
        return 5, label
    if ratio >= Decimal("0.5"):
        return 1, label
    if ratio < Decimal("0.25"):
        return -6, label
    return 0, label


def _descriptions(a: Record, b: Record) -> Evidence:
    if a.desc is None or b.desc is None or not a.desc.text or not b.desc.text:
        return 0, None
    similarity = fuzz.token_set_ratio(a.desc.text, b.desc.text)
    if similarity >= 85:
        return 5, f"descriptions {similarity:.0f}% similar"
    return 0, None
