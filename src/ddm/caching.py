"""The one caching module: which cache (DDM_CACHE_URL), what is cached and how it is invalidated.

DDM_CACHE_URL selects the backend (read by settings through `cache_config`):

    locmem://            (default) memory of each process: right for one process (`make run`)
    db:// or db://TABLE  Django's database cache (table `ddm_cache`; `ddm setup` creates it)
    redis://HOST:PORT/N  Django's built-in Redis backend, shared by every app server and worker

Invalidation across processes: every value is cached under the *data version*, a number kept in
the cache itself (shared when the cache is) and bumped after any change to data that pages show:
a save or delete of any DDM model (signals, once per transaction, after it commits), the end of
every import (bulk writes send no signals) and of every `ddm` command. After a bump, every process
misses the old entries at once and they expire on their own. A missing version (a restarted or
evicted cache) starts again from the clock, never from an earlier number.

    remember(name, compute, *parts)   compute() once per data version (and DDM_CACHE_SECONDS),
                                      shared by every process using the same cache
    peek(name, *parts)                what remember() holds now, without computing it (None if nothing)
    rendered_body(name, template, context, *parts)
                                      a page's body (template rendered with context(), without the
                                      request), once per data version, shared by every visitor
    bump()                            a new data version (after a change signals do not see)
"""

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from simple_history.models import HistoricalChanges

VERSION_KEY = "ddm:data-version"
DEFAULT_TABLE = "ddm_cache"
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
DATABASE = "django.core.cache.backends.db.DatabaseCache"
REDIS = "django.core.cache.backends.redis.RedisCache"
DATA_APPS = {"places", "accounts", "facilities", "investment", "profiles", "alignment", "oneplan", "capacity", "engagement"}


T = TypeVar("T")

def cache_config(url: str | None, timeout: int | None) -> dict[str, Any]:
    """The CACHES["default"] entry for DDM_CACHE_URL (see the module docstring)."""
    url = (url or "locmem://").strip()
    scheme = url.split("://", 1)[0].lower() if "://" in url else url.lower()
    if scheme == "locmem":
        return {"BACKEND": LOCMEM, "LOCATION": "ddm", "TIMEOUT": timeout}
    if scheme == "db":
        return {"BACKEND": DATABASE, "LOCATION": url.split("://", 1)[1].strip("/") or DEFAULT_TABLE,
                "TIMEOUT": timeout}
    if scheme in {"redis", "rediss", "unix"}:
        return {"BACKEND": REDIS, "LOCATION": url, "TIMEOUT": timeout, "KEY_PREFIX": "ddm"}
    raise ValueError(f"DDM_CACHE_URL {url!r}: use locmem://, db:// or redis://host:port/db")


def data_version() -> int:
    """The current data version (an integer; the same in every process sharing the cache)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump() -> None:
    """Start a new data version: every cached page computed before is no longer used."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # missing (first use, restarted or evicted cache): start from the clock
        cache.set(VERSION_KEY, time.time_ns() // 1000, timeout=None)


def bump_after_commit(using: str = DEFAULT_DB_ALIAS) -> None:
    """Bump now (this process may read its own uncommitted change) and again once the transaction
    commits (another process may have cached the old data under the first bump); the second once
    per transaction."""
    bump()
    connection = connections[using]
    if connection.in_atomic_block and not any(hook[1] is bump for hook in connection.run_on_commit):
        transaction.on_commit(bump, using=using)


def _key(name, parts):
    return ":".join(str(part) for part in (name, data_version(), *parts))


def peek(name: str, *parts: object) -> Any:
    """What remember(name, ..., *parts) holds for the current data version, or None: for a figure a page
    shows only when something else (the job worker) has already paid for it."""
    return cache.get(_key(name, parts))


def remember(name: str, compute: Callable[[], T], *parts: object, timeout: int | None = None) -> T:
    """compute(), cached under name, parts and the data version (DDM_CACHE_SECONDS unless timeout)."""
    key = _key(name, parts)
    found = cache.get(key)
    if found is None:
        found = compute()
        if timeout is None:
            cache.set(key, found)
        else:
            cache.set(key, found, timeout)
    return found


def rendered_body(name: str, template_name: str, context: Callable[[], dict[str, Any]], *parts: object) -> SafeString:
    """The body of a public page: template_name rendered with context() once per data version and parts,
    shared by every process and every visitor (the page's frame, with the visitor's name, messages and
    CSRF token, is rendered per request around it). Rendered without the request, so nothing of one
    visitor (user, session, CSRF token) can enter a body another visitor is served: whatever of the
    visitor the body shows must be passed in context() and named in parts (e.g. "may edit")."""
    return remember(name, lambda: render_to_string(template_name, context()), *parts)


# Bookkeeping saves that change nothing any page adds up: an import's preview, progress or refusal.
# (An import that writes bumps when it finishes; bulk writes send no signals of their own.)
NOTHING_WRITTEN = {"pending", "running", "preview", "rejected", "failed"}


def _quiet(instance):
    return instance is not None and instance._meta.label_lower == "investment.submission" and \
        instance.status in NOTHING_WRITTEN


def _changed(sender, using=DEFAULT_DB_ALIAS, instance=None, **kwargs):
    # A history record (simple-history) is written beside a save that signals on its own; the one
    # tracked model outside DDM's apps is the user, whose history is written at every sign-in (last
    # login): a bump there made every official's sign-in recompute every page in every process.
    if sender._meta.app_label in DATA_APPS and not _quiet(instance) and not issubclass(sender, HistoricalChanges):
        bump_after_commit(using)


def connect_signals() -> None:
    """Called once from ddm.places' AppConfig.ready: any DDM model saved or deleted bumps the version."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_changed, dispatch_uid=f"ddm.caching.{id(signal)}")


def create_table() -> None:
    """Create the database cache's table when DDM_CACHE_URL selects it (idempotent)."""
    if settings.CACHES["default"]["BACKEND"] == DATABASE:
        call_command("createcachetable", verbosity=0)
