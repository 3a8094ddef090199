"""403 and 404 pages use the site's layout and carry the app's own message (#12)."""

import pytest

from ddm.accounts.models import RoleKind

pytestmark = pytest.mark.django_db


def test_403_carries_the_reason_in_the_layout(client_for, zone):
    hub = client_for(RoleKind.HUB, zone=zone("DC36"))
    response = hub.post("/capacity/municipalities/EC157/upload/", {})
    assert response.status_code == 403
    html = response.content.decode()
    assert 'class="site"' in html and "You may not change the skills audit of EC157" in html.split('id="reason"')[1]
    assert "Hub member" in html


def test_404_is_in_the_layout_and_helpful(client):
    response = client.get("/zones/NOPE/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="site"' in html and "Not found" in html and "matches the given query" not in html
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "There is no page at /no-such-page/" in missing.content.decode()
