import pytest
import shapely

from ddm.places.models import Level, Place

pytestmark = pytest.mark.django_db


def test_registry_counts_match_the_mdb_2020_demarcation():
    assert Place.objects.provinces().count() == 9
    assert Place.objects.zones().count() == 52
    assert Place.objects.zones().filter(category="A").count() == 8
    assert Place.objects.zones().filter(category="C").count() == 44
    assert Place.objects.municipalities().count() == 213
    assert Place.objects.wards().count() == 4468
    assert set(Place.objects.current().values_list("demarcation_year", flat=True)) == {2020}


def test_every_municipality_lies_inside_its_zone_and_every_zone_in_its_province():
    for municipality in Place.objects.municipalities().select_related("parent"):
        inside = municipality.shape.intersection(municipality.parent.shape).area / municipality.shape.area
        assert inside > 0.9999, municipality.code
    for zone in Place.objects.zones().select_related("parent"):
        inside = zone.shape.intersection(zone.parent.shape).area / zone.shape.area
        assert inside > 0.9999, zone.code


def test_metros_are_their_own_zone_and_municipality():
    eth_zone = Place.objects.zones().get(code="ETH")
    eth_municipality = Place.objects.municipalities().get(code="ETH")
    assert eth_municipality.parent == eth_zone
    assert eth_zone.province.code == "KZN"


def test_zone_of_a_ward_walks_up_the_hierarchy():
    ward = Place.objects.wards().filter(parent__code="EC157").first()
    assert ward.zone().code == "DC15"
    assert Place.objects.provinces().get(code="EC").zone() is None


def test_loading_again_changes_nothing():
    from ddm.places.registry import load_places

    before = dict(Place.objects.current().values_list("code", "pk").filter(level=Level.ZONE))
    load_places(include_wards=False)
    after = dict(Place.objects.current().values_list("code", "pk").filter(level=Level.ZONE))
    assert before == after


def test_svg_paths_are_precomputed_for_maps():
    zone = Place.objects.zones().get(code="DC15")
    assert zone.svg_path.startswith("M") and zone.svg_path.endswith("Z")
    assert shapely.is_valid(zone.shape)
