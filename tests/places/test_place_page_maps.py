"""The place pages' maps are drawn by ddm.charts (#16): ids kept for map.js, role and label, names escaped,
no inline style (strict CSP), links on the linked maps."""

import re

import pytest

from ddm.places.models import Place

pytestmark = pytest.mark.django_db


def _map(html, element_id):
    found = re.findall(rf'<svg [^>]*id="{element_id}".*?</svg>', html, re.S)
    assert len(found) == 1, element_id
    svg = found[0]
    assert 'class="map"' in svg and "style" not in svg and "<script" not in svg
    return svg


def test_home_map_links_every_zone_with_its_name(client):
    svg = _map(client.get("/").content.decode(), "national-map")
    assert 'role="group"' in svg and 'aria-label="Map of the 52 zones of South Africa"' in svg
    assert svg.count("<a href=") == 52 and svg.count('class="prov-') == 52
    assert '<a href="/zones/DC15/" aria-label="DC15 O.R.Tambo (Eastern Cape)">' in svg


def test_zone_map_shades_its_municipalities_and_escapes_names(client):
    Place.objects.municipalities().filter(code="EC153").update(name='Ngquza <b>"Hill"</b>')
    svg = _map(client.get("/zones/DC15/").content.decode(), "zone-map")
    assert svg.count('data-code="EC15') == 5
    assert 'fill-opacity="0.75"' in svg and 'href="/municipalities/EC154/"' in svg
    assert "EC153 Ngquza &lt;b&gt;&quot;Hill&quot;&lt;/b&gt;" in svg and "<b>" not in svg


def test_municipality_map_names_each_ward(client):
    html = client.get("/municipalities/EC153/").content.decode()
    svg = _map(html, "municipality-map")
    assert 'role="img"' in svg and "<a " not in svg
    wards = Place.objects.wards().filter(parent__code="EC153").count()
    assert wards and svg.count('class="ward"') == wards


def test_province_map_links_its_zones(client):
    html = client.get("/provinces/EC/").content.decode()
    svg = re.search(r'<svg [^>]*aria-label="Map of the zones of Eastern Cape".*?</svg>', html, re.S).group(0)
    assert 'href="/zones/DC15/"' in svg and 'role="group"' in svg


def test_locate_map_marks_the_point(client):
    html = client.get("/locate", {"lat": "-31.59", "lon": "28.78"}).content.decode()
    svg = _map(html, "locate-map")
    assert 'role="img"' in svg and svg.count("<circle") == 1 and "<title>-31.59, 28.78</title>" in svg
