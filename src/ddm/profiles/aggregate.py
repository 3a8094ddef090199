"""Aggregation: zone, province and country values from municipalities; derived indicators everywhere.

Rules (why: averages of percentages weight a village like a metro):
- countable indicators (persons, households, Rand, ...) are summed over municipalities, and only
  when every municipality of the place has a value (an incomplete sum would be a wrong number);
  a value loaded directly for a zone/province (Stats SA's published figure) is kept, never overwritten
  by a sum; values of a labelled vintage (IndicatorValue.vintage) are never summed or recomputed:
  their source gives every level;
- ratios are recomputed at each level from the summed counts named in their definition;
- a ratio's numerator and denominator must count the same unit (persons with persons, households
  with households); only densities divide by an area. `check_units` enforces this.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ddm import caching
from ddm.numbers import number
from ddm.places.models import Level, Place
from ddm.profiles.catalogue import Derived
from ddm.profiles.models import ADDITIVE_UNITS, DataState, IndicatorDefinition, IndicatorValue, Kind, Unit

QUANTUM = Decimal("0.0001")
UPPER_LEVELS = (Level.ZONE, Level.PROVINCE, Level.COUNTRY)

# (indicator id or code, place id, year) of a value
ValueKey = tuple[Any, int, int]


class UnitMismatch(ValueError):
    """A derived indicator would combine counts of different units (e.g. persons and households)."""


def describe_formula(spec: Derived, numerator: Sequence[str], denominator: Sequence[str]) -> str:
    top = " + ".join(numerator) if len(numerator) <= 4 else f"sum of {len(numerator)} categories ({numerator[0]}, …)"
    if not denominator:
        return top
    bottom = " + ".join(denominator) if len(denominator) <= 4 else f"sum of {len(denominator)} categories"
    scale = f" × {spec.scale.normalize():f}" if spec.scale != 1 else ""
    return f"({top}) / ({bottom}){scale}"


def check_units(definition: IndicatorDefinition, units: Mapping[str, str]) -> None:
    """Raise UnitMismatch unless the definition's components can be combined; units: {code: unit}."""
    parts = {"numerator": definition.numerator, "denominator": definition.denominator}
    found = {name: {units[code] for code in codes} for name, codes in parts.items()}
    for name, kinds in found.items():
        if len(kinds) > 1:
            raise UnitMismatch(f"{definition.code}: {name} mixes {', '.join(sorted(kinds))}")
    top, bottom = next(iter(found["numerator"]), None), next(iter(found["denominator"]), None)
    if definition.kind == Kind.SUM and top != definition.unit:
        raise UnitMismatch(f"{definition.code}: a sum of {top} cannot be {definition.unit}")
    if definition.kind == Kind.RATIO:
        if definition.unit == Unit.DENSITY:
            if bottom != Unit.KM2 or top not in (Unit.PERSONS, Unit.HOUSEHOLDS):
                raise UnitMismatch(f"{definition.code}: a density divides persons or households by km²")
        elif top != bottom:
            raise UnitMismatch(f"{definition.code}: divides {top} by {bottom}")


def _hierarchy() -> tuple[dict[int, list[int]], defaultdict[int, int]]:
    """{municipality id: [zone id, province id, country id]} and member counts of each upper place."""
    rows = Place.objects.current().filter(level__in=[Level.MUNICIPALITY, Level.COUNTRY]).values_list(
        "id", "level", "parent_id", "province_id")
    country = next(pk for pk, level, _parent, _province in rows if level == Level.COUNTRY)
    parents = {pk: [parent, province, country] for pk, level, parent, province in rows if level == Level.MUNICIPALITY}
    members: defaultdict[int, int] = defaultdict(int)
    for upper in parents.values():
        for pk in upper:
            members[pk] += 1
    return parents, members


def _dependants(definitions: Iterable[IndicatorDefinition], codes: Iterable[str]) -> list[IndicatorDefinition]:
    """Derived definitions depending, directly or through others, on any of `codes`."""
    changed, result = set(codes), []
    for definition in definitions:
        if definition.kind in (Kind.SUM, Kind.RATIO) and changed & set(definition.numerator + definition.denominator):
            result.append(definition)
            changed.add(definition.code)
    return result


def _sum_up(additive: list[IndicatorDefinition], parents: dict[int, list[int]], members: Mapping[int, int],
            published: dict[ValueKey, Decimal]) -> list[IndicatorValue]:
    """New aggregated values of the additive definitions, from their municipality values.

    published: {(indicator id, place id, year): the source's own figure}, noted where it differs.
    """
    ids = [d.pk for d in additive]
    # Only unlabelled values are summed: a labelled vintage (Census 2022, ...) carries its own figures
    # for every level, and a published figure for a place is never replaced by a sum.
    kept = set(IndicatorValue.objects.filter(indicator_id__in=ids, is_aggregated=False, vintage="")
               .exclude(place__level=Level.MUNICIPALITY).values_list("indicator_id", "place_id", "year"))
    sums: defaultdict[tuple[int, int, int], Decimal] = defaultdict(Decimal)
    counts: defaultdict[tuple[int, int, int], int] = defaultdict(int)
    rows = IndicatorValue.objects.filter(indicator_id__in=ids, place__level=Level.MUNICIPALITY, vintage="",
                                         value__isnull=False).values_list("indicator_id", "place_id", "year", "value")
    for indicator, place, year, value in rows.iterator(chunk_size=5000):
        assert value is not None  # value__isnull=False above: narrows the type
        for upper in parents.get(place, ()):
            sums[(indicator, upper, year)] += value
            counts[(indicator, upper, year)] += 1
    return [
        IndicatorValue(indicator_id=key[0], place_id=key[1], year=key[2], value=total, is_aggregated=True,
                       source_note=_sum_note(counts[key], published.get(key), total))
        for key, total in sums.items()
        if counts[key] == members[key[1]] and key not in kept
    ]


def _sum_note(count: int, own: Decimal | None, total: Decimal) -> str:
    if count == 1:
        return "the metro's own figure (a metro is its own zone)"
    note = f"sum of {count} municipalities (no published figure for this place)"
    if own is not None and own != total:
        # Weighted survey estimates are rounded per geography: sums differ from the source by a few units.
        note += f"; the source's own figure for this place: {number(own)}"
    return note


def _derive(derived: list[IndicatorDefinition], by_code: dict[str, IndicatorDefinition], known: dict[ValueKey, Decimal]
            ) -> list[tuple[IndicatorDefinition, int, Decimal, int]]:
    """Values of the derived definitions at every place where all their components exist.

    known: {(code, place id, year): value}, extended with each result so later definitions can use it.
    """
    results = []
    places = {place for (_code, place, _year) in known}
    for definition in derived:
        components = [by_code[code] for code in definition.numerator + definition.denominator]
        for place in places:
            top = _total(definition.numerator, by_code, known, place)
            bottom = _total(definition.denominator, by_code, known, place) if definition.denominator else None
            if top is None or (definition.denominator and not bottom):
                continue
            value = top if bottom is None else top / bottom * definition.scale
            value = value.quantize(QUANTUM)
            known[(definition.code, place, definition.year)] = value
            results.append((definition, place, value, len(components)))
    return results


def _total(codes: Iterable[str], by_code: dict[str, IndicatorDefinition], known: dict[ValueKey, Decimal],
           place: int) -> Decimal | None:
    total = Decimal(0)
    for code in codes:
        value = known.get((code, place, by_code[code].year))
        if value is None:
            return None
        total += value
    return total


@transaction.atomic
def recompute(codes: Iterable[str] | None = None,
              published: dict[tuple[int, int, int], Decimal] | None = None) -> int:
    """Re-aggregate the given indicator codes (None: all) and every derived indicator depending on them.

    published: optional {(indicator id, place id, year): value} of the source's own upper-level rows.
    Returns the number of values written. Bumps the data version so cached profiles are rebuilt.
    """
    definitions = list(IndicatorDefinition.objects.order_by("order", "pk"))
    by_code = {d.code: d for d in definitions}
    units = {d.code: d.unit for d in definitions}
    derived_all = [d for d in definitions if d.kind in (Kind.SUM, Kind.RATIO)]
    derived_all.sort(key=lambda d: (not d.is_reference, d.order))
    changed = set(by_code) if codes is None else set(codes)
    derived = derived_all if codes is None else _dependants(derived_all, changed)
    for definition in derived:
        check_units(definition, units)
    additive = [by_code[c] for c in changed
                if c in by_code and by_code[c].kind in (Kind.BASE, Kind.IMPORTED) and by_code[c].unit in ADDITIVE_UNITS]
    parents, members = _hierarchy()
    delete_values(IndicatorValue.objects.filter(indicator__in=additive, is_aggregated=True, vintage=""))
    summed = _sum_up(additive, parents, members, published or {})
    IndicatorValue.objects.bulk_create(summed, batch_size=2000)
    written = len(summed) + _write_derived(derived, by_code)
    bump_version()
    return written


def _write_derived(derived: list[IndicatorDefinition], by_code: dict[str, IndicatorDefinition]) -> int:
    if not derived:
        return 0
    needed = {code for d in derived for code in d.numerator + d.denominator} - {d.code for d in derived}
    levels = dict(Place.objects.current().exclude(level=Level.WARD).values_list("id", "level"))
    known: dict[ValueKey, Decimal] = {}
    summed: set[int] = set()
    rows = IndicatorValue.objects.filter(indicator__code__in=needed, place_id__in=levels, vintage="",
                                         value__isnull=False).values_list("indicator__code", "place_id", "year", "value",
                                                                          "is_aggregated")
    for code, place, year, value, aggregated in rows.iterator(chunk_size=5000):
        assert value is not None  # value__isnull=False above: narrows the type
        known[(code, place, year)] = value
        if aggregated:
            summed.add(place)
    # Labelled vintages of a derived indicator (Census 2022's population, ...) are loaded, not computed: kept.
    delete_values(IndicatorValue.objects.filter(indicator__in=derived, vintage=""))
    values = [
        IndicatorValue(indicator=definition, place_id=place, year=definition.year, value=value,
                       is_aggregated=levels[place] != Level.MUNICIPALITY, source_note=_derived_note(parts, place, summed))
        for definition, place, value, parts in _derive(derived, by_code, known)
    ]
    IndicatorValue.objects.bulk_create(values, batch_size=2000)
    return len(values)


def _derived_note(parts: int, place: int, summed: set[int]) -> str:
    basis = "sums of municipalities" if place in summed else "published counts for this place"
    return f"computed from {parts} indicators ({basis})"


def delete_values(queryset: QuerySet[IndicatorValue]) -> int:
    """Delete indicator values in one statement. Nothing refers to an IndicatorValue, so Django's
    per-row collection (which the cache's delete signal forces) only costs time: tens of thousands
    of rows in `ddm setup`. Callers bump the data version afterwards (bump_version)."""
    return queryset._raw_delete(queryset.db)


def bump_version() -> None:
    state, _ = DataState.objects.get_or_create(key="values")
    DataState.objects.filter(pk=state.pk).update(version=state.version + 1, updated=timezone.now())
    caching.bump_after_commit()  # values were written in bulk: no signal tells the cache


def data_version() -> str:
    """A token that changes whenever values change (number and time: a rolled-back bump is not reused)."""
    state = DataState.objects.filter(key="values").values_list("version", "updated").first()
    return f"{state[0]}-{state[1].timestamp():.6f}" if state else "0"
