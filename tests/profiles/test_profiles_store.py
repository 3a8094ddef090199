"""The indicator store: loading, aggregation from municipalities, units, ranking, stable interface."""

import csv
from decimal import Decimal

import pytest

from ddm.places.models import Place
from ddm.profiles import aggregate, catalogue, loader, services
from ddm.profiles.models import Direction, IndicatorDefinition, IndicatorValue, Kind, Unit

pytestmark = pytest.mark.django_db


def values_of(code, level, year=None):
    """{place code: value} of the definition's own year (CS 2016 / Census 2011), not a later vintage."""
    year = year or IndicatorDefinition.objects.get(code=code).year
    rows = IndicatorValue.objects.filter(indicator__code=code, place__level=level, year=year, vintage="")
    return dict(rows.values_list("place__code", "value"))


def source_rows(table_key, level):
    """{(geo_code, labels): value} read straight from the packaged CSV (independent of the loader)."""
    table = catalogue.TABLE_BY_KEY[table_key]
    with open(loader.DATA_DIR / table.file, newline="", encoding="utf-8") as handle:
        return {(r["geo_code"], tuple(r[c] for c in table.columns)): Decimal(r.get("total") or r["population"])
                for r in csv.DictReader(handle) if r["geo_level"] == level}


def test_source_national_totals_are_the_published_cs2016_totals():
    people = sum(source_rows("cs2016.sex", "country").values())
    households = sum(source_rows("cs2016.dwelling", "country").values())
    assert people == 55_653_654
    assert households == 16_923_309
    internet = source_rows("cs2016.internet", "country")
    assert internet[("ZA", ("total households",))] == 16_923_309


def newest(place, code):
    return services.place_value(place, code)


def cs2016(place, code):
    return services.place_value(place, code, year=2016)


def test_each_level_shows_stats_sas_own_cs2016_figure_not_a_sum():
    # Stats SA's own rows (gender_2016.csv): South Africa 55,653,654; O.R. Tambo (DC15) 1,457,384.
    assert cs2016("ZA", "population").value == 55_653_654
    assert cs2016("ZA", "households").value == 16_923_309
    assert cs2016("DC15", "population").value == 1_457_384
    # The sum of its five municipalities is 1,457,382: never shown for DC15.
    dc15 = Place.objects.zones().get(code="DC15").children.values_list("code", flat=True)
    assert sum(v for (c, _l), v in source_rows("cs2016.sex", "municipality").items() if c in dc15) == 1_457_382
    eastern_cape = sum(v for (c, _l), v in source_rows("cs2016.sex", "province").items() if c == "EC")
    assert cs2016("EC", "population").value == eastern_cape == 6_996_976
    za = cs2016("ZA", "population")
    assert za.year == 2016 and "Community Survey 2016" in za.source


def test_newest_population_is_census_2022_published_at_every_level():
    # person-indicators-*.csv total_pop_2022; national: Stats SA's release (62,027,503).
    expected = {"ZA": 62_027_503, "EC": 7_230_204, "DC15": 1_501_702, "EC157": 476_558, "ETH": 4_239_901}
    for code, people in expected.items():
        found = newest(code, "population")
        assert (found.value, found.year) == (people, 2022), code
        assert "Census 2022" in found.source
    assert newest("ZA", "households").value == 17_828_778
    # Sum of the 213 municipalities (62,027,506) and of DC15's five (1,501,703): not the figures shown.
    note = IndicatorValue.objects.get(indicator__code="population", place__code="DC15", year=2022).source_note
    assert note == "Stats SA's published figure for this place"


def test_a_sum_is_shown_only_where_nothing_is_published_and_says_so():
    # No national male population in the packaged Census 2022 tables: the 9 provinces' figures, summed.
    male = IndicatorValue.objects.get(indicator__code="male_population", place__code="ZA", year=2022)
    with open(loader.DATA_DIR / "census2022" / "person-indicators-province.csv", encoding="utf-8") as handle:
        provinces = sum(int(r["male_pop_2022"]) for r in csv.DictReader(handle))
    assert male.value == provinces and "sum of the 9 provinces" in male.source_note
    # CS 2016 has no district rows for metros: the metro's zone shows its municipality's own figure.
    eth = IndicatorValue.objects.get(indicator__code="cs2016.sex.female", place__code="ETH", place__level="zone")
    assert eth.is_aggregated and "metro's own figure" in eth.source_note


@pytest.mark.parametrize("table_key", ["cs2016.sex", "cs2016.dwelling", "cs2016.water_source", "census2011.employment"])
def test_upper_levels_hold_the_sources_own_rows(table_key):
    table = catalogue.TABLE_BY_KEY[table_key]
    for source_level, level in (("district", "zone"), ("province", "province"), ("country", "country")):
        for (geo, labels), published in source_rows(table_key, source_level).items():
            code = table.code(*labels) if labels else table.key
            value = IndicatorValue.objects.get(indicator__code=code, place__code=geo, place__level=level, vintage="")
            assert value.value == published and not value.is_aggregated, (code, geo)


def test_ratios_are_recomputed_from_each_places_own_counts_never_averaged():
    piped_labels = ("Piped (tap) water inside the dwelling/house", "Piped (tap) water inside yard")
    district = {labels[0]: v for (c, labels), v in source_rows("cs2016.water_source", "district").items() if c == "DC15"}
    expected = (sum(district[label] for label in piped_labels) / sum(district.values()) * 100).quantize(Decimal("0.0001"))
    assert cs2016("DC15", "pct_persons_piped_water").value == expected
    munis = list(Place.objects.zones().get(code="DC15").children.values_list("code", flat=True))
    municipal_pcts = [v for c, v in values_of("pct_persons_piped_water", "municipality").items() if c in munis]
    assert expected != (sum(municipal_pcts) / len(municipal_pcts)).quantize(Decimal("0.0001"))
    # Census 2022: DC15's own row of housing-info-district.csv (flush / (flush + other + none) × 100).
    with open(loader.DATA_DIR / "census2022" / "housing-info-district.csv", encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["dc_code"] == "DC15")
    flush, other, none = (Decimal(row[c]) for c in ("flush_toilet_2022", "other_toilet_2022", "no_toilet_2022"))
    assert newest("DC15", "pct_households_flush_toilet").value == (flush / (flush + other + none) * 100).quantize(
        Decimal("0.0001"))


def test_derived_percentages_match_the_independent_profile_table():
    with open(loader.DATA_DIR / "profile_districts_metros.csv", newline="", encoding="utf-8") as handle:
        expected = {row["code"]: row for row in csv.DictReader(handle)}
    columns = {
        "pct_persons_piped_water": "pct_persons_piped_water_in_dwelling_or_yard_cs2016",
        "pct_persons_flush_toilet": "pct_persons_flush_toilet_cs2016",
        "pct_persons_no_toilet": "pct_persons_no_toilet_cs2016",
        "pct_persons_refuse_weekly": "pct_persons_refuse_removed_weekly_cs2016",
        "pct_persons_no_electricity": "pct_persons_no_access_to_electricity_cs2016",
        "pct_households_informal_dwelling": "pct_households_informal_dwelling_cs2016",
        "pct_adults_no_schooling": "pct_adults20plus_no_schooling_cs2016",
        "pct_adults_grade12_plus": "pct_adults20plus_grade12_or_higher_cs2016",
        "pct_female_headed_households": "pct_female_headed_households_cs2016",
        "unemployment_rate": "unemployment_rate_official_census2011",
        "unemployment_rate_expanded": "unemployment_rate_expanded_census2011",
    }
    for code, column in columns.items():
        ours = values_of(code, "zone")
        assert len(ours) == 52, code
        for zone_code, row in expected.items():
            # The table rounds to 2 decimals from the source's own district rows (which differ by rounding).
            assert abs(ours[zone_code] - Decimal(row[column])) <= Decimal("0.03"), (code, zone_code)
    heads = source_rows("cs2016.household_head", "district")
    children = sum(v for (c, (_sex, age)), v in heads.items() if c == "DC15" and age in ("10 – 14", "15 – 17"))
    assert values_of("child_headed_households", "zone")["DC15"] == children
    assert abs(children - int(expected["DC15"]["child_headed_households_cs2016"])) <= 5


def test_every_derived_definition_combines_like_units_only():
    units = dict(IndicatorDefinition.objects.values_list("code", "unit"))
    derived = IndicatorDefinition.objects.filter(kind__in=[Kind.SUM, Kind.RATIO])
    assert derived.count() == len(catalogue.DERIVED)
    for definition in derived:
        aggregate.check_units(definition, units)
        parts = {units[c] for c in definition.numerator + definition.denominator}
        assert not {Unit.PERSONS, Unit.HOUSEHOLDS} <= parts, definition.code


def test_a_persons_by_households_ratio_is_refused():
    bad = IndicatorDefinition(code="x", unit=Unit.PERCENT, kind=Kind.RATIO, numerator=["population"],
                              denominator=["households"])
    with pytest.raises(aggregate.UnitMismatch, match="persons by households"):
        aggregate.check_units(bad, {"population": Unit.PERSONS, "households": Unit.HOUSEHOLDS})
    mixed_sum = IndicatorDefinition(code="y", unit=Unit.PERSONS, kind=Kind.SUM, numerator=["population", "households"])
    with pytest.raises(aggregate.UnitMismatch, match="mixes"):
        aggregate.check_units(mixed_sum, {"population": Unit.PERSONS, "households": Unit.HOUSEHOLDS})


def test_ranking_handles_ties_and_direction():
    values = {"A": Decimal(5), "B": Decimal(9), "C": Decimal(5), "D": Decimal(1)}
    worse = services.rank_values(values, Direction.HIGHER_WORSE)
    assert [worse[c].position for c in "ABCD"] == [2, 1, 2, 4]
    assert worse["A"].tied and not worse["B"].tied
    assert worse["B"].from_worst == 1 and worse["D"].from_worst == 4
    better = services.rank_values(values, Direction.HIGHER_BETTER)
    assert better["D"].from_worst == 1 and better["A"].from_worst == 2 and better["B"].from_worst == 4
    assert worse["A"].text("zones") == "joint 2nd highest of 4 zones"
    assert worse["D"].text("zones") == "1st lowest of 4 zones"
    assert services.rank_values({}, Direction.NEUTRAL) == {}


def test_dc15_ranks_among_the_worst_for_piped_water():
    values = services.indicator_values("pct_persons_piped_water", "zone")
    ranks = services.rank_values(values, Direction.HIGHER_BETTER)
    # O.R. Tambo: 14.55 % (reference table) — lower than all but a handful of zones.
    below = sum(1 for v in values.values() if v < values["DC15"])
    assert ranks["DC15"].from_worst == below + 1 <= 5


def test_stable_interface_for_backlogs():
    for key, code in services.BACKLOG_INDICATORS.items():
        definition = IndicatorDefinition.objects.get(code=code)
        assert definition.kind == Kind.SUM and definition.unit in (Unit.PERSONS, Unit.HOUSEHOLDS), key
        assert definition.year == 2016 and services.latest_year(code) == 2016, key  # one survey: rates agree
        values = services.indicator_values(code)
        assert len(values) == 52 and all(isinstance(v, Decimal) for v in values.values())
    assert services.indicator_values("no_such_indicator") == {}
    assert len(services.indicator_values("population", level="municipality")) == 213
    assert services.place_value("DC15", "no_such_indicator") is None
    water = services.indicator_values("persons_no_piped_water")["DC15"]
    piped = services.indicator_values("persons_piped_water")["DC15"]
    assert water + piped == sum(v for (c, _), v in source_rows("cs2016.water_source", "district").items() if c == "DC15")


def test_loading_again_is_a_no_op():
    before = IndicatorValue.objects.count()
    assert loader.load() == 0
    assert IndicatorValue.objects.count() == before
