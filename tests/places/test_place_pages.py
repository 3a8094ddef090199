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


def _body(html):
    """The page's body (between the site header and footer): what is cached and shared."""
    return html.split("<main>")[1].split("</main>")[0].strip()


def test_home_and_zone_bodies_are_shared_and_the_frame_is_each_visitors(client, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    official = client_for()
    for path in ("/zones/DC15/", "/"):
        anonymous_first = client.get(path).content.decode()
        signed_in = official.get(path).content.decode()
        anonymous_again = client.get(path).content.decode()
        assert official.user.username in signed_in and "Sign out" in signed_in
        for html in (anonymous_first, anonymous_again):
            assert official.user.username not in html and "Sign out" not in html and 'id="my-tasks"' not in html
        assert _body(anonymous_again) == _body(anonymous_first)
        assert _body(anonymous_first) in _body(signed_in)  # the same body, below the official's tasks on the home page
    with CaptureQueriesContext(connection) as warm:
        client.get("/zones/DC15/")
    assert len(warm) == 1  # the zone itself (for the frame's title); the body is one cache read
