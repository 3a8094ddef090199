"""A database busy with another writer answers 503 "try again", never a 500 traceback.

On SQLite one writer at a time holds the lock; the others wait (settings: WAL, IMMEDIATE, timeout).
If the wait runs out (a long import), the request that needed to write gets a short page saying
the site is busy, with Retry-After, and the event is logged; nothing was half-written (the
request's transaction rolled back).
"""

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

logger = logging.getLogger("ddm.busy")
RETRY_AFTER_SECONDS = 10


def is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, OperationalError) and ("locked" in text or "busy" in text)


class DatabaseBusyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:

        if not is_lock_error(exc):
            return None
        logger.warning("database busy: %s %s answered 503 (%s)", request.method, request.path, exc)
        response = HttpResponse(
            "The database is busy with a large import; nothing was changed. Please try again in a few seconds.",
            status=503, content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
