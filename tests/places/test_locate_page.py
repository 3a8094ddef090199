"""The /locate page (plain GET forms, no JavaScript needed) and the form on the home page."""

import pytest

pytestmark = pytest.mark.django_db


def test_empty_page_shows_both_forms(client):
    html = client.get("/locate").content.decode()
    assert 'name="lat"' in html and 'name="lon"' in html and 'name="name"' in html
    assert 'id="locate-result"' not in html and 'id="locate-error"' not in html


def test_home_page_has_the_locate_form(client):
    html = client.get("/").content.decode()
    assert 'action="/locate"' in html and 'name="name"' in html


def test_point_result_with_links_and_map(client):
    html = client.get("/locate", {"lat": "-31.5889", "lon": "28.7844"}).content.decode()
    assert 'href="/municipalities/EC157/"' in html and 'href="/zones/DC15/"' in html
    assert "Eastern Cape" in html and 'id="locate-map"' in html and "<circle" in html
    assert "Municipal Demarcation Board, 2020 demarcation" in html


def test_point_outside_south_africa(client):
    response = client.get("/locate", {"lat": "-29.31", "lon": "27.48"})
    assert response.status_code == 200
    assert "is not in South Africa" in response.content.decode()


def test_bad_coordinate_message(client):
    html = client.get("/locate", {"lat": "abc", "lon": "28"}).content.decode()
    assert "Latitude &#x27;abc&#x27; is not a number." in html


def test_name_result(client):
    html = client.get("/locate", {"name": "Pietersburg"}).content.decode()
    assert "Polokwane" in html and "alias match" in html and 'href="/zones/DC35/"' in html


def test_ambiguous_name_lists_candidates_and_province_narrows(client):
    html = client.get("/locate", {"name": "Middelburg"}).content.decode()
    assert "is ambiguous" in html and "EC131" in html and "MP313" in html
    html = client.get("/locate", {"name": "Middelburg", "province": "MP"}).content.decode()
    assert "is ambiguous" not in html and "MP313" in html and "EC131" not in html


def test_empty_and_unknown_names(client):
    assert "Empty name" in client.get("/locate", {"name": ""}).content.decode()
    assert "No place matches" in client.get("/locate", {"name": "Xyzzyqwerty"}).content.decode()


def test_user_input_is_escaped(client):
    html = client.get("/locate", {"name": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
