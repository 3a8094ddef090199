"""The locator: real towns in every zone, points abroad, and identity with the exact polygon test."""

import math

import numpy as np
import pytest
import shapely

from ddm.places.locator import Located, Locator, get_locator
from ddm.places.models import Place

pytestmark = pytest.mark.django_db

# One real town per zone (coordinates from general knowledge of the towns, independent of the
# gazetteer file): zone code -> (town, lat, lon).
TOWN_IN_ZONE = {
    "BUF": ("East London", -33.0153, 27.9116), "CPT": ("Cape Town", -33.9249, 18.4241),
    "EKU": ("Germiston", -26.2178, 28.1672), "ETH": ("Durban", -29.8587, 31.0218),
    "JHB": ("Johannesburg", -26.2041, 28.0473), "MAN": ("Bloemfontein", -29.0852, 26.1596),
    "NMA": ("Gqeberha", -33.9608, 25.6022), "TSH": ("Pretoria", -25.7479, 28.2293),
    "DC1": ("Vredenburg", -32.9068, 17.9904), "DC2": ("Worcester", -33.6465, 19.4485),
    "DC3": ("Caledon", -34.2300, 19.4269), "DC4": ("George", -33.9630, 22.4617),
    "DC5": ("Beaufort West", -32.3567, 22.5830), "DC6": ("Springbok", -29.6643, 17.8865),
    "DC7": ("De Aar", -30.6497, 24.0124), "DC8": ("Upington", -28.4478, 21.2561),
    "DC9": ("Kimberley", -28.7282, 24.7499), "DC10": ("Makhanda", -33.3042, 26.5328),
    "DC12": ("Butterworth", -32.3300, 28.1500), "DC13": ("Komani", -31.8976, 26.8753),
    "DC14": ("Aliwal North", -30.6936, 26.7111), "DC15": ("Mthatha", -31.5889, 28.7844),
    "DC16": ("Trompsburg", -30.0333, 25.7833), "DC18": ("Welkom", -27.9774, 26.7351),
    "DC19": ("Bethlehem", -28.2308, 28.3071), "DC20": ("Sasolburg", -26.8136, 27.8169),
    "DC21": ("Port Shepstone", -30.7414, 30.4550), "DC22": ("Pietermaritzburg", -29.6006, 30.3794),
    "DC23": ("Ladysmith", -28.5539, 29.7784), "DC24": ("Dundee", -28.1650, 30.2313),
    "DC25": ("Newcastle", -27.7580, 29.9318), "DC26": ("Ulundi", -28.3353, 31.4161),
    "DC27": ("Jozini", -27.4289, 32.0647), "DC28": ("Richards Bay", -28.7830, 32.0377),
    "DC29": ("KwaDukuza", -29.3378, 31.2925), "DC30": ("Ermelo", -26.5333, 29.9833),
    "DC31": ("eMalahleni", -25.8713, 29.2332), "DC32": ("Mbombela", -25.4753, 30.9694),
    "DC33": ("Tzaneen", -23.8332, 30.1635), "DC34": ("Thohoyandou", -22.9456, 30.4850),
    "DC35": ("Polokwane", -23.9045, 29.4689), "DC36": ("Modimolle", -24.7000, 28.4000),
    "DC37": ("Rustenburg", -25.6676, 27.2421), "DC38": ("Mahikeng", -25.8560, 25.6403),
    "DC39": ("Vryburg", -26.9566, 24.7284), "DC40": ("Potchefstroom", -26.7145, 27.0970),
    "DC42": ("Vereeniging", -26.6731, 27.9261), "DC43": ("Kokstad", -30.5472, 29.4241),
    "DC44": ("Mount Frere", -30.9053, 28.9931), "DC45": ("Kuruman", -27.4524, 23.4325),
    "DC47": ("Groblersdal", -25.1700, 29.4000), "DC48": ("Krugersdorp", -26.0855, 27.7751),
}

NOT_IN_SOUTH_AFRICA = {
    "Atlantic Ocean": (-32.0, 15.0), "Indian Ocean off Durban": (-30.0, 32.5),
    "Keetmanshoop, Namibia": (-26.58, 18.13), "Windhoek, Namibia": (-22.56, 17.08),
    "Gaborone, Botswana": (-24.65, 25.91), "Maputo, Mozambique": (-25.97, 32.57),
    "Maseru, Lesotho": (-29.31, 27.48), "Thaba-Tseka, Lesotho": (-29.52, 28.61),
    "Mbabane, Eswatini": (-26.3054, 31.1367), "Manzini, Eswatini": (-26.49, 31.38),
    "Null Island": (0.0, 0.0), "North Pole": (90.0, 0.0),
}


def test_covers_all_52_zones():
    assert set(TOWN_IN_ZONE) == set(Place.objects.zones().values_list("code", flat=True))


@pytest.mark.parametrize("zone_code", sorted(TOWN_IN_ZONE))
def test_a_town_in_every_zone_is_located_in_that_zone(zone_code):
    town, lat, lon = TOWN_IN_ZONE[zone_code]
    found = get_locator().locate(lat, lon)
    assert found is not None, town
    assert found.zone == zone_code, town
    municipality = Place.objects.municipalities().select_related("parent", "province").get(code=found.municipality)
    assert (municipality.parent.code, municipality.province.code) == (found.zone, found.province)
    assert municipality.shape.contains(shapely.Point(lon, lat))


def test_durban_answer_in_full():
    found = get_locator().locate(-29.8587, 31.0218)
    assert (found.municipality, found.zone, found.province) == ("ETH", "ETH", "KZN")
    ward = Place.objects.wards().get(code=found.ward)
    assert ward.parent.code == "ETH" and ward.shape.contains(shapely.Point(31.0218, -29.8587))


def test_local_municipality_in_a_district():
    found = get_locator().locate(-31.5889, 28.7844)  # Mthatha
    assert found == Located("EC157", "DC15", "EC", found.ward)
    assert found.ward is not None and found.ward.startswith("21507")  # King Sabata Dalindyebo wards


@pytest.mark.parametrize("name", sorted(NOT_IN_SOUTH_AFRICA))
def test_points_outside_south_africa_are_none(name):
    lat, lon = NOT_IN_SOUTH_AFRICA[name]
    assert get_locator().locate(lat, lon) is None


def test_nan_and_infinite_coordinates_are_outside():
    codes = get_locator().locate_many([math.nan, -29.8587, math.inf], [31.0, math.nan, 31.0])
    assert list(codes) == [None, None, None]


def test_place_codes():
    assert get_locator().place_codes("EC157") == ("DC15", "EC")
    assert get_locator().place_codes("ETH") == ("ETH", "KZN")
    with pytest.raises(KeyError):
        get_locator().place_codes("XX999")


def _brute_force(locator, lats, lons):
    """The exact test: first municipality (code order) whose polygon contains the point."""
    found = np.full(len(lats), -1)
    for index, geometry in enumerate(locator.geometries):
        inside = shapely.contains_xy(geometry, lons, lats) & (found == -1)
        found[inside] = index
    return np.array(locator.codes + [None], dtype=object)[found]


def test_batch_matches_exact_test_on_random_points():
    locator = get_locator()
    rng = np.random.default_rng(20200)
    lats, lons = rng.uniform(-35.0, -22.0, 200_000), rng.uniform(16.3, 33.0, 200_000)
    result = locator.locate_many(lats, lons)
    assert list(result) == list(_brute_force(locator, lats, lons))
    assert 0.3 < np.mean([code is not None for code in result]) < 0.7


def test_batch_matches_exact_test_on_and_near_boundaries():
    """Points on every municipality's boundary vertices and a hair's breadth either side."""
    locator = get_locator()
    coords = shapely.get_coordinates(shapely.boundary(locator.geometries))[::3]
    rng = np.random.default_rng(7)
    lats, lons = [coords[:, 1]], [coords[:, 0]]
    for scale in (1e-9, 1e-6, 1e-3):
        lats.append(coords[:, 1] + rng.normal(0, scale, len(coords)))
        lons.append(coords[:, 0] + rng.normal(0, scale, len(coords)))
    # Grid-cell edges too: points exactly on the lines between cells.
    grid_lat = locator.y0 + locator.cell * rng.integers(0, locator.ny, 20_000)
    grid_lon = locator.x0 + locator.cell * rng.integers(0, locator.nx, 20_000)
    lats += [grid_lat, rng.uniform(-35, -22, 20_000)]
    lons += [rng.uniform(16.3, 33, 20_000), grid_lon]
    lats, lons = np.concatenate(lats), np.concatenate(lons)
    assert list(locator.locate_many(lats, lons)) == list(_brute_force(locator, lats, lons))


def test_grid_answers_most_cells_without_an_exact_test():
    stats = get_locator().grid_stats()
    assert stats["border"] < 0.25 * stats["cells"]
    assert stats["inside"] > stats["border"]


def test_a_small_locator_on_synthetic_squares():
    """Two unit squares side by side, the left with a hole: independent of the real data."""
    left = shapely.Polygon([(0, 0), (1, 0), (1, 1), (0, 1)], [[(0.4, 0.4), (0.6, 0.4), (0.6, 0.6), (0.4, 0.6)]])
    right = shapely.box(1, 0, 2, 1)
    locator = Locator(["A1", "B1"], ["A", "B"], ["P", "P"], [left, right], cell=0.3)
    lats = [0.5, 0.5, 0.5, 0.1, 1.5, 0.5]
    lons = [0.2, 0.5, 1.7, 1.0, 0.5, -0.2]
    assert list(locator.locate_many(lats, lons)) == ["A1", None, "B1", None, None, None]
    assert locator.locate(0.5, 1.7) == Located("B1", "B", "P", None)

