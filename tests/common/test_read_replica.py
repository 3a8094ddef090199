"""DDM_READ_DATABASE_URL: anonymous GETs read from the replica, everything else from the primary.
Tested with a second database alias ("replica") that is the same database as the primary."""

import pytest
from django.db import connections, router
from django.test import override_settings

from ddm.places.models import Place
from ddm.replica import ReadReplicaRouter

pytestmark = pytest.mark.django_db


class SpyRouter(ReadReplicaRouter):
    """The router, counting where reads go."""

    reads: list[str] = []

    def db_for_read(self, model, **hints):
        alias = super().db_for_read(model, **hints)
        SpyRouter.reads.append(alias)
        return alias


@pytest.fixture
def replica():
    """A "replica" alias that is the primary's own connection (the same database and transaction)."""
    connections["replica"] = connections["default"]
    SpyRouter.reads = []
    with override_settings(DDM_READ_REPLICA="replica", DATABASE_ROUTERS=[f"{__name__}.SpyRouter"]):
        yield SpyRouter.reads
    del connections["replica"]


def test_anonymous_public_pages_read_from_the_replica(client, replica):
    response = client.get("/investment/zones/ETH/")
    assert response.status_code == 200 and b"eThekwini" in response.content
    assert replica and set(replica) == {"replica"}
    assert router.db_for_write(Place) == "default"  # writes always go to the primary


def test_signed_in_users_and_writes_stay_on_the_primary(client_for, replica):
    client = client_for("admin")
    assert client.get("/investment/zones/ETH/").status_code == 200
    assert replica and set(replica) == {"default"}
    replica.clear()
    client.post("/accounts/logout/")
    assert "replica" not in replica


def test_without_a_replica_every_read_is_on_the_primary(client):
    with override_settings(DATABASE_ROUTERS=[f"{__name__}.SpyRouter"]):
        SpyRouter.reads = []
        assert client.get("/investment/zones/ETH/").status_code == 200
    assert set(SpyRouter.reads) == {"default"}
    assert ReadReplicaRouter().allow_migrate("replica", "investment") is False
