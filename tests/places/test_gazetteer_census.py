"""The gazetteer's Census 2011 main and sub places (Stats SA names, placed by their centroids) and the
resolver's second try without the words lists put around village names."""

import pytest

from ddm.places.gazetteer import (
    Candidate,
    Gazetteer,
    _Entry,
    normalise,
    read_gazetteer,
    resolve_name,
    strip_descriptors,
    variant_keys,
)
from ddm.places.gazetteer_build import census_names, census_observations, locate_all, read_census
from ddm.places.locator import build_from_package

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("raw, names", [
    ("Bolana SP", ["Bolana"]), ("Bolana SP2", ["Bolana"]), ("Nqutu A SP", ["Nqutu"]),
    ("Glen Donald AH", ["Glen Donald"]), ("Matzikama NU", []), ("Modimolle Munic NU", []),
    ("Mapheleni (Emapheleni) SP", ["Mapheleni", "Emapheleni"]), ("Harare/Holimisa", ["Harare", "Holimisa"]),
    ("Umntla/Maseleni Village SP", ["Umntla", "Maseleni"]), ("Seshego 9 (B,D,E,J,K)", []),
    ("Betty's Bay", ["Betty's Bay"]),
])
def test_census_names_lose_stats_sa_markers(raw, names):
    assert census_names(raw) == names


def _row(level, code, name, municipality="EC157", lat="-31.6", lon="28.8"):
    return {"level": level, "code": code, "name": name, "municipality_2011": municipality, "lat": lat, "lon": lon}


def test_a_sub_place_that_repeats_its_main_place_adds_nothing():
    rows = [_row("main", "271161", "Butterworth"), _row("sub", "271161001", "Butterworth SP"),
            _row("sub", "271161002", "Pumlani"), _row("main", "160002", "Matzikama NU", "WC011")]
    observations = list(census_observations(rows, {}))
    assert [(o.name, o.kind, o.source) for o in observations] == [
        ("Butterworth", "mainplace", "census"), ("Pumlani", "subplace", "census")]


def test_former_municipality_codes_become_todays_for_points_off_the_boundaries():
    """A centroid just off the coast lies in no 2020 municipality: it takes its 2011 municipality's one
    successor (Hibiscus Coast KZN216 kept its code; Ezinqoleni KZN215 merged into it)."""
    rows = [_row("main", "999001", "Offshore", "KZN215", "-30.95", "30.60"),
            _row("main", "999002", "Inland", "KZN215", "-30.70", "30.20")]
    observations = list(census_observations(rows, {"KZN215": "KZN216"}))
    assert [o.stated_municipality for o in observations] == ["KZN216", "KZN216"]
    placed = locate_all(observations, build_from_package())
    assert [(o.name, o.municipality) for o in placed] == [("Offshore", "KZN216"), ("Inland", "KZN216")]
    assert build_from_package().locate(-30.95, 30.60) is None  # the point itself is in the sea


def test_the_packaged_census_file_holds_every_main_and_sub_place():
    rows = read_census()
    assert sum(r["level"] == "main" for r in rows) == 14030
    assert sum(r["level"] == "sub" for r in rows) == 22196


@pytest.mark.parametrize("raw, stripped", [
    ("NJAKAZI A/A", "NJAKAZI"), ("MTHAMBALALA AREA", "MTHAMBALALA"), ("P.O. Mmangala Village", "Mmangala"),
    ("ZASHUKE T/A", "ZASHUKE"), ("QWABE TRIBAL AUTHORITY", "QWABE"), ("Kalbaskraal SP", "Kalbaskraal"),
    ("PO MPABALANE AREA", "MPABALANE"), ("P O ELANDSKRAAL", "ELANDSKRAAL"), ("Village", "Village"),
    ("Port St Johns", "Port St Johns"), ("Pofadder", "Pofadder"), ("Viala", "Viala"),
    ("NTLAZANGA AA", "NTLAZANGA"), ("KWACELE TRIBAL", "KWACELE"),
])
def test_strip_descriptors(raw, stripped):
    assert strip_descriptors(raw) == stripped


def test_variant_keys_try_the_name_then_its_parts_then_a_descriptor_written_onto_it():
    assert variant_keys("EMAHUKWINI / DOORNHOEK AREA")[:3] == ["emahukwinidoornhoek", "emahukwini", "doornhoek"]
    assert variant_keys("MAFUKANIVILLAGE")[0] == "mafukani"
    assert variant_keys("Mokgola V")[0] == "mokgola"
    assert variant_keys("Ga-Mothapo") == ["mothapo", "kwagamothapo", "gagamothapo", "hagamothapo", "egamothapo"]
    assert variant_keys("Bhejane") == ["kwabhejane", "gabhejane", "habhejane", "ebhejane"]
    assert variant_keys("Makuya")[2] == "hamakuya"  # Venda villages: "HaMakuya" (Census) and "Makuya" (clinic)
    assert variant_keys("Phalane II")[0] == "phalane" and variant_keys("Mamelodi 2")[0] == "mamelodi"
    assert variant_keys("Mnqaba Thafeni")[-2:] == ["mnqaba", "thafeni"]  # each long word of two, last
    assert "mnqaba" not in variant_keys("Mnqaba Thafeni Village Road")
    assert variant_keys("SKOBENIAA")[0] == "skobeni" and variant_keys("GASHALANEVILAGE")[0] == "gashalane"
    assert variant_keys("Lower Seplan")[-1] == "seplan"  # a part of the village: the village, after the rest
    assert "clinic" not in variant_keys("Phatheni Clinic")  # a word that names no place is never tried alone


def _place(name, municipality, zone, province, weight):
    return Candidate("place", f"{normalise(name)}-{municipality}", name, "exact", 100.0, municipality, zone,
                     province, weight=weight)


def test_a_name_with_list_words_around_it_resolves_to_the_name():
    places = [_place("Njakazi", "EC122", "DC12", "EC", 3), _place("Chatsworth", "ETH", "ETH", "KZN", 20),
              _place("Mafukani", "LIM331", "DC33", "LIM", 4)]
    kwazulu_natal = Candidate("province", "KZN", "KwaZulu-Natal", "exact", 100.0, province="KZN")
    g = Gazetteer([_Entry(normalise(p.name), "exact", p) for p in places + [kwazulu_natal]])
    assert g.resolve("NJAKAZI A/A").best.municipality == "EC122"
    assert g.resolve("CROSSMOOR, CHATSWORTH").best.municipality == "ETH"
    assert g.resolve("MAFUKANIVILLAGE").best.municipality == "LIM331"
    assert g.resolve("NJAKAZI A/A", province="KZN").candidates == []  # variants obey the province too


@pytest.mark.parametrize("name, municipality", [
    ("Izinyathi", "KZN284"), ("Melinda", "LIM362"), ("Motsoseng", "NW383"), ("Darabe", "EC157"),
])
def test_villages_known_only_from_the_census_resolve(name, municipality):
    """Main places of Census 2011 (file rows 589030, 978024, 667035, 294337) that no school, clinic or
    GeoNames names: each in the municipality of its 2011 code, unchanged since."""
    best = resolve_name(name).best
    assert best is not None and best.municipality == municipality
    assert {row["sources"] for row in read_gazetteer() if row["name"] == name} == {"census"}


def test_census_homonyms_are_kept_apart_and_told_apart_by_province_or_municipality():
    """Ngqokweni: a village in Mnquma (EC122, Amathole DC12) and one in Richmond (KZN227); Mgungundlovu:
    three villages in three Alfred Nzo municipalities (EC441, EC442, EC443), one province."""
    both = resolve_name("Ngqokweni")
    assert both.ambiguous and both.best is None
    assert {c.municipality for c in both.candidates} == {"EC122", "KZN227"}
    assert resolve_name("Ngqokweni", province="KZN").best.municipality == "KZN227"
    assert resolve_name("Ngqokweni", province="Eastern Cape").best.municipality == "EC122"
    assert resolve_name("Ngqokweni", context="DC12").best.municipality == "EC122"
    three = resolve_name("Mgungundlovu", province="EC")
    assert three.ambiguous and {c.municipality for c in three.candidates} == {"EC441", "EC442", "EC443"}
    assert resolve_name("Mgungundlovu", context="EC442").best.municipality == "EC442"


def test_a_census_village_with_evidence_split_between_provinces_is_ambiguous_until_the_province_is_given():
    """Mkukwini: weight 7 in Enoch Mgijima (EC135: Census and GeoNames), 2 in Msinga (KZN235: Census
    only). 7 of 9 is under DOMINANT_SHARE: without the province the answer lists both (a namesake that
    small was the commonest wrong answer); with the province, each answers."""
    split = resolve_name("Mkukwini")
    assert split.ambiguous and split.best is None
    assert {c.municipality for c in split.candidates} >= {"EC135", "KZN235"}
    assert resolve_name("Mkukwini", province="EC").best.municipality == "EC135"
    assert resolve_name("Mkukwini", province="KZN").best.municipality == "KZN235"
