"""Town gazetteer data and name resolution."""

from collections import Counter

import pytest

from ddm.places.gazetteer import Candidate, normalise, read_towns, resolve_name
from ddm.places.locator import get_locator
from ddm.places.models import Place

pytestmark = pytest.mark.django_db


# -- the towns file ----------------------------------------------------------------------------

def test_every_town_lies_in_the_municipality_the_file_says():
    """The municipality of a town is the locator's answer for its coordinates (not typed in)."""
    locator = get_locator()
    rows = read_towns()
    found = locator.locate_many([float(r["lat"]) for r in rows], [float(r["lon"]) for r in rows])
    wrong = [(row["town"], row["municipality_code"], code) for row, code in zip(rows, found, strict=True)
             if code != row["municipality_code"] or locator.place_codes(code)[1] != row["province"]]
    assert wrong == []


def test_every_municipality_has_exactly_one_seat():
    seats = Counter(row["municipality_code"] for row in read_towns() if row["kind"] == "seat")
    codes = set(Place.objects.municipalities().values_list("code", flat=True))
    assert set(seats) == codes and len(codes) == 213
    assert max(seats.values()) == 1


def test_towns_are_unique_per_province_and_well_formed():
    rows = read_towns()
    assert len({(normalise(r["town"]), r["province"]) for r in rows}) == len(rows)
    assert {r["kind"] for r in rows} == {"seat", "town"}
    for row in rows:
        lat, lon = float(row["lat"]), float(row["lon"])
        assert -35 < lat < -22 and 16 < lon < 33, row["town"]


# -- normalisation -----------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [("Khâi-Ma", "khai ma"), ("!Kheis", "Kheis"), ("eThekwini", "ETHEKWINI"),
                                  ("Pilgrim's Rest", "Pilgrims Rest"), ("O.R.Tambo", "OR Tambo"),
                                  ("Port St. Johns", "port st johns")])
def test_normalise_ignores_accents_punctuation_and_case(a, b):
    assert normalise(a) == normalise(b)


# -- resolution --------------------------------------------------------------------------------

@pytest.mark.parametrize("query, kind, code", [
    ("EC157", "municipality", "EC157"), ("ec157", "municipality", "EC157"), ("DC15", "zone", "DC15"),
    ("kzn", "province", "KZN"), ("ETH", "municipality", "ETH"), ("21507001", "ward", "21507001"),
])
def test_codes(query, kind, code):
    result = resolve_name(query)
    assert (result.best.kind, result.best.code, result.best.match, result.best.score) == (kind, code, "code", 100)
    assert not result.ambiguous


@pytest.mark.parametrize("query, kind, code", [
    ("King Sabata Dalindyebo", "municipality", "EC157"),
    ("King Sabata Dalindyebo Local Municipality", "municipality", "EC157"),
    ("O.R. Tambo District Municipality", "zone", "DC15"), ("OR Tambo District", "zone", "DC15"),
    ("eThekwini Metropolitan Municipality", "municipality", "ETH"), ("Ethekwini", "municipality", "ETH"),
    ("Khai-Ma", "municipality", "NC067"), ("!Kheis", "municipality", "NC084"),
    ("City of Mbombela", "municipality", "MP326"), ("Madibeng", "municipality", "NW372"),
    ("KwaZulu Natal", "province", "KZN"), ("Eastern Cape", "province", "EC"),
    ("Sedibeng", "zone", "DC42"), ("Kimberley", "town", "kimberley-nc"),
])
def test_exact_names(query, kind, code):
    result = resolve_name(query)
    assert (result.best.kind, result.best.code, result.best.match) == (kind, code, "exact")


@pytest.mark.parametrize("old, municipality, zone", [
    ("Umtata", "EC157", "DC15"), ("Pietersburg", "LIM354", "DC35"), ("Nelspruit", "MP326", "DC32"),
    ("Port Elizabeth", "NMA", "NMA"), ("Grahamstown", "EC104", "DC10"), ("Witbank", "MP312", "DC31"),
    ("Queenstown", "EC139", "DC13"), ("Mafeking", "NW383", "DC38"),
    ("Ellisras", "LIM362", "DC36"), ("Potgietersrus", "LIM367", "DC36"), ("Nylstroom", "LIM368", "DC36"),
    ("Warmbaths", "LIM366", "DC36"), ("Stanger", "KZN292", "DC29"), ("Louis Trichardt", "LIM344", "DC34"),
    ("King William's Town", "BUF", "BUF"), ("Piet Retief", "MP303", "DC30"),
])
def test_historic_town_names_resolve_as_aliases(old, municipality, zone):
    best = resolve_name(old).best
    assert (best.kind, best.match, best.score) == ("town", "alias", 100)
    assert (best.municipality, best.zone) == (municipality, zone)
    assert best.lat is not None and best.lon is not None


def test_mafikeng_is_still_the_municipality_name_in_the_2020_demarcation():
    assert (resolve_name("Mafikeng").best.code, resolve_name("Mafikeng").best.match) == ("NW383", "exact")
    assert resolve_name("Mahikeng").best.municipality == "NW383"


@pytest.mark.parametrize("typo, municipality", [("Mthata", "EC157"), ("Polokwana", "LIM354"),
                                                ("Johannesberg", "JHB"), ("Bloemfontien", "MAN")])
def test_misspellings_resolve_fuzzily_when_unambiguous(typo, municipality):
    result = resolve_name(typo)
    assert not result.ambiguous
    assert result.best.match == "fuzzy" and 80 <= result.best.score < 100
    assert result.best.municipality == municipality


def test_middelburg_is_ambiguous_until_a_province_narrows_it():
    result = resolve_name("Middelburg")
    assert result.ambiguous and result.best is None
    # the two towns compete; villages and postal towns of the name with little evidence follow them
    assert {(c.municipality, c.province) for c in result.candidates[:2]} == {("EC131", "EC"), ("MP313", "MP")}
    narrowed = resolve_name("Middelburg", province="MP")
    assert not narrowed.ambiguous and narrowed.best.municipality == "MP313"
    assert resolve_name("Middelburg", province="Eastern Cape").best.municipality == "EC131"


def test_a_misspelt_ambiguous_name_stays_ambiguous():
    result = resolve_name("Middelberg")
    assert result.ambiguous and {c.province for c in result.candidates[:2]} == {"EC", "MP"}


def test_same_name_municipalities_are_ambiguous():
    result = resolve_name("Emalahleni")  # EC136 in Chris Hani and MP312 in Nkangala
    assert result.ambiguous
    assert resolve_name("Emalahleni", province="MP").best.municipality == "MP312"


def test_a_town_and_its_own_municipality_are_not_ambiguous():
    result = resolve_name("Polokwane")
    assert not result.ambiguous
    assert {c.kind for c in result.candidates} == {"town", "municipality"}
    assert result.best.municipality == "LIM354"


def test_nothing_close_gives_no_candidates():
    result = resolve_name("Xyzzyqwerty")
    assert result.candidates == [] and result.best is None and not result.ambiguous


def test_short_queries_are_not_guessed():
    assert resolve_name("Dur").candidates == []


def test_fuzzy_threshold_rejects_far_spellings():
    # "Durbs" is 73 similar to "Durban": below the threshold, so no guess.
    assert resolve_name("Durbs").best is None


@pytest.mark.parametrize("bad", ["", "   ", "!!!"])
def test_empty_names_are_refused(bad):
    with pytest.raises(ValueError, match="empty name"):
        resolve_name(bad)


def test_unknown_province_is_refused():
    with pytest.raises(ValueError, match="unknown province"):
        resolve_name("Middelburg", province="Atlantis")


def test_nesting_of_candidates():
    province = Candidate("province", "EC", "Eastern Cape", "exact", 100, province="EC")
    zone = Candidate("zone", "DC15", "O.R.Tambo", "exact", 100, None, "DC15", "EC")
    town = Candidate("town", "mthatha-ec", "Mthatha", "exact", 100, "EC157", "DC15", "EC")
    other = Candidate("town", "x-mp", "X", "exact", 100, "MP313", "DC31", "MP")
    assert province.contains(zone) and zone.contains(town) and province.contains(town)
    assert not town.contains(zone) and not zone.contains(other) and not other.contains(town)
