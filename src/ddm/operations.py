"""Operations: health endpoints and request logs with a request id and the user.

/healthz  200 while the process answers (no database, no cache): for the load balancer's liveness.
/readyz   200 when the database and the cache answer and every migration is applied, else 503 with
          what is wrong: a server is taken out of rotation until it is ready.

RequestLogMiddleware gives every request an id (the proxy's X-Request-ID when it is sane, else a new
one), returns it in X-Request-ID, and logs one line per request on the `ddm.request` logger (method,
path, status, milliseconds, user). RequestContextFilter adds request_id and user to every log record
written while the request runs, so a traceback can be matched to its request; JsonFormatter writes
records as one JSON object per line (DDM_LOG_FORMAT=json).
"""

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase

CONTEXT = contextvars.ContextVar("ddm_request", default=("-", "-"))
SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
log = logging.getLogger("ddm.request")
_migrated = False


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    token = uuid.uuid4().hex
    cache.set("ddm:readyz", token, 30)
    if cache.get("ddm:readyz") != token:
        raise RuntimeError("the cache did not return what was stored")


def _migrations() -> None:
    global _migrated
    if _migrated:  # this code's migrations, once applied, stay applied
        return

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise RuntimeError(f"{len(plan)} migrations not applied (run `ddm setup`)")
    _migrated = True


def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    ok = True
    for name, check in (("database", _database), ("cache", _cache), ("migrations", _migrations)):
        try:
            check()
            checks[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready; say which and why, in one line
            ok, checks[name] = False, f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if SANE_ID.match(given) else uuid.uuid4().hex
        request.id = request_id  # type: ignore[attr-defined]  # kept on the request, as before
        token = CONTEXT.set((request_id, "-"))
        started = time.monotonic()
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            name = user.get_username() if user is not None and user.is_authenticated else "-"
            CONTEXT.set((request_id, name))
            response["X-Request-ID"] = request_id
            log.info("%s %s %s %.0fms", request.method, request.path, response.status_code,
                     (time.monotonic() - started) * 1000)
            return response
        finally:
            CONTEXT.reset(token)


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id, record.user = CONTEXT.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:

        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname,
                 "logger": record.name, "message": record.getMessage(),
                 "request_id": getattr(record, "request_id", "-"), "user": getattr(record, "user", "-")}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
