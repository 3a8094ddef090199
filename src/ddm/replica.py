"""A read replica for public pages: DDM_READ_DATABASE_URL (a PostgreSQL streaming replica of the
primary) takes the reads of anonymous GET and HEAD requests; writes, signed-in users (officials
see their own changes at once), background jobs and commands stay on the primary.

    settings: DATABASES["replica"] when DDM_READ_DATABASE_URL is set; DDM_READ_REPLICA = "replica"
    ReplicaReadsMiddleware   after AuthenticationMiddleware: marks the request's reads for the replica
    ReadReplicaRouter        sends marked reads to the replica, everything else to the primary

Without DDM_READ_DATABASE_URL both do nothing. Who is signed in is read from the primary (the session
lookup runs before the request is marked). A replica lags its primary by the replication delay
(usually well under a second): a public page computed in that window right after an import shows the
data before it until the next change (docs/scaling.md).
"""

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, models
from django.http import HttpRequest
from django.http.response import HttpResponseBase

SAFE_METHODS = {"GET", "HEAD"}
_replica_reads: ContextVar[str | None] = ContextVar("ddm_replica_reads", default=None)


class ReadReplicaRouter:
    def db_for_read(self, model: type[models.Model], **hints: object) -> str:
        return _replica_reads.get() or DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[models.Model], **hints: object) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: object) -> bool:
        return True  # one database: the replica is a copy of the primary

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: object) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:

        alias = getattr(settings, "DDM_READ_REPLICA", None)
        if not alias or request.method not in SAFE_METHODS or request.user.is_authenticated:
            return self.get_response(request)
        token = _replica_reads.set(alias)
        try:
            return self.get_response(request)
        finally:
            _replica_reads.reset(token)
