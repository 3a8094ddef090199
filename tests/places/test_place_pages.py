import pytest

pytestmark = pytest.mark.django_db


def test_home_lists_and_maps_all_52_zones(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-code="') == 52
    assert "O.R.Tambo" in html and "eThekwini" in html


def test_zone_page_maps_and_lists_its_municipalities(client):
    html = client.get("/zones/DC15/").content.decode()
    for code in ("EC153", "EC154", "EC155", "EC156", "EC157"):
        assert f'data-code="{code}"' in html
        assert f"<td>{code}</td>" in html


def test_unknown_zone_is_404(client):
    assert client.get("/zones/XX99/").status_code == 404
