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

Zone-scoped values (a zone's investment page and quantum: remember(..., zone=code)) are keyed not by
the data version but by two other numbers: the *shared version*, bumped by every change the data
version is bumped for except the two below, and the *zone's version*. An import's publishing
transaction writes projects, lines and locations of known zones only, and bumps the data version
and those zones' versions (bump_zones: the zones whose summary it refreshes, see
investment.summary.zones_of_staged), so after an import the other zones' pages stay cached. Saves of
a submission, a review decision or a consolidated upload (an import's bookkeeping: BOOKKEEPING) bump
the data version only: no zone-scoped value reads them. Everything else (any other save or delete, bump(),
every `ddm import` but `ddm import projects`, which runs the import pipeline) bumps the shared
version too, so a zone-scoped value is never older than the data it reads.

    remember(name, compute, *parts)   compute() once per data version (and DDM_CACHE_SECONDS),
                                      shared by every process using the same cache; zone=code:
                                      once per version of that zone (above)
    peek(name, *parts)                what remember() holds now, without computing it (None if nothing)
    rendered_body(name, template, context, *parts)
                                      a page's body (template rendered with context(), without the
                                      request), once per data version, shared by every visitor
    bump()                            a new data version (after a change signals do not see)
    bump_zones_after_commit(codes)    a new data version and new versions of these zones only
"""

import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from functools import partial
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from simple_history.models import HistoricalChanges

VERSION_KEY = "ddm:data-version"
SHARED_KEY = "ddm:shared-version"  # the data version but for imports into known zones (module docstring)
ZONE_KEY = "ddm:zone-version:{}"
# A zone's version expires (then starts again from the clock: its values are computed again), so that
# asking for codes that are no zone (the API takes any) leaves nothing behind for good.
ZONE_VERSION_SECONDS = 24 * 3600
DEFAULT_TABLE = "ddm_cache"
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
DATABASE = "django.core.cache.backends.db.DatabaseCache"
REDIS = "django.core.cache.backends.redis.RedisCache"
DATA_APPS = {"places", "accounts", "facilities", "investment", "profiles", "alignment", "oneplan", "capacity", "engagement"}


T = TypeVar("T")
_memo: ContextVar[dict[str, Any] | None] = ContextVar("ddm_caching_memo", default=None)  # rendered_body

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


def _timeout(key: str) -> int | None:
    return ZONE_VERSION_SECONDS if key.startswith(ZONE_KEY.format("")) else None


def _versions(keys: list[str]) -> list[int]:
    """The numbers under keys, read in one round trip; a missing one starts from the clock."""
    found = cache.get_many(keys)
    for key in keys:
        if found.get(key) is None:
            cache.add(key, time.time_ns() // 1000, timeout=_timeout(key))
            found[key] = cache.get(key)
    return [found[key] for key in keys]


def _incr(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # missing (first use, restarted or evicted cache): start from the clock
        cache.set(key, time.time_ns() // 1000, timeout=_timeout(key))


def bump() -> None:
    """Start a new data version: every cached page computed before is no longer used."""
    _incr(VERSION_KEY)
    _incr(SHARED_KEY)


def bump_national() -> None:
    """A new data version for what is not zone-scoped (an import's bookkeeping: module docstring)."""
    _incr(VERSION_KEY)


def bump_zones(zone_codes: Iterable[str]) -> None:
    """A new data version, and a new version of each of these zones: the other zones' zone-scoped
    values stay in use. Only for writes that change nothing but these zones' projects, lines and
    locations (an import's publishing transaction)."""
    _incr(VERSION_KEY)
    for code in sorted(set(zone_codes)):
        _incr(ZONE_KEY.format(code))


def bump_after_commit(using: str = DEFAULT_DB_ALIAS, bumper: Callable[[], None] = bump) -> None:
    """Bump now (this process may read its own uncommitted change) and again once the transaction
    commits (another process may have cached the old data under the first bump); the second once
    per transaction."""
    bumper()
    connection = connections[using]
    if connection.in_atomic_block and not any(hook[1] is bumper for hook in connection.run_on_commit):
        transaction.on_commit(bumper, using=using)


def bump_zones_after_commit(zone_codes: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> None:
    """bump_zones now and again once the transaction commits (as bump_after_commit)."""
    codes = frozenset(zone_codes)
    bump_zones(codes)
    if connections[using].in_atomic_block:
        transaction.on_commit(partial(bump_zones, codes), using=using)


def _key(name: str, parts: tuple[object, ...], zone: str | None = None) -> str:
    versions: list[object]
    if zone is None:
        versions = [data_version()]
    else:  # zone-scoped (module docstring): the zone is part of the key through its version's
        versions = ["z", zone, *_versions([SHARED_KEY, ZONE_KEY.format(zone)])]
    return ":".join(str(part) for part in (name, *versions, *parts))


def peek(name: str, *parts: object, zone: str | None = None) -> Any:
    """What remember(name, ..., *parts) holds for the current data version, or None: for a figure a page
    shows only when something else (the job worker) has already paid for it."""
    return cache.get(_key(name, parts, zone))


def remember(name: str, compute: Callable[[], T], *parts: object, timeout: int | None = None,
             zone: str | None = None) -> T:
    """compute(), cached under name, parts and the data version (DDM_CACHE_SECONDS unless timeout).
    zone (a zone's code): a zone-scoped value, kept across imports into other zones (module
    docstring); only for values computed from that zone's projects, lines and locations and from
    data no import writes (places, organisations, indicators, published totals)."""
    key = _key(name, parts, zone)
    memo = _memo.get()
    if memo is not None and key in memo:
        return memo[key]
    found = cache.get(key)
    if found is None:
        found = compute()
        if timeout is None:
            cache.set(key, found)
        else:
            cache.set(key, found, timeout)
    if memo is not None:
        memo[key] = found
    return found


def rendered_body(name: str, template_name: str, context: Callable[[], dict[str, Any]], *parts: object,
                  zone: str | None = None) -> SafeString:
    """The body of a public page: template_name rendered with context() once per data version and parts,
    shared by every process and every visitor (the page's frame, with the visitor's name, messages and
    CSRF token, is rendered per request around it). Rendered without the request, so nothing of one
    visitor (user, session, CSRF token) can enter a body another visitor is served: whatever of the
    visitor the body shows must be passed in context() and named in parts (e.g. "may edit")."""
    def render() -> SafeString:
        # While one body is computed, a value it asks for twice (a zone's quantum: its tables and its
        # key figures) is read from the cache (or computed) once: unpickling a metro's quantum again
        # cost a cold page tens of milliseconds. Only for this computation, in this thread.
        token = _memo.set({})
        try:
            return render_to_string(template_name, context())
        finally:
            _memo.reset(token)

    return remember(name, render, *parts, zone=zone)


# Bookkeeping saves that change nothing any page adds up: an import's preview, progress or refusal.
# (An import that writes bumps when it finishes; bulk writes send no signals of their own.)
NOTHING_WRITTEN = {"pending", "running", "preview", "rejected", "failed"}
# Saved by an import, its review and a consolidated file's check, read by no zone-scoped value: they
# bump the data version only.
BOOKKEEPING = {"investment.submission", "investment.reviewdecision", "investment.consolidatedupload"}


def _quiet(instance: models.Model | None) -> bool:
    return instance is not None and instance._meta.label_lower == "investment.submission" and \
        getattr(instance, "status", None) in NOTHING_WRITTEN  # a Submission (investment sits above caching)


def _changed(sender: type[models.Model], using: str = DEFAULT_DB_ALIAS, instance: models.Model | None = None,
             **kwargs: object) -> None:
    # A history record (simple-history) is written beside a save that signals on its own; the one
    # tracked model outside DDM's apps is the user, whose history is written at every sign-in (last
    # login): a bump there made every official's sign-in recompute every page in every process.
    if sender._meta.app_label in DATA_APPS and not _quiet(instance) and not issubclass(sender, HistoricalChanges):
        national = kwargs.get("signal") is post_save and sender._meta.label_lower in BOOKKEEPING
        bump_after_commit(using, bump_national if national else bump)


def connect_signals() -> None:
    """Called once from ddm.places' AppConfig.ready: any DDM model saved or deleted bumps the version."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_changed, dispatch_uid=f"ddm.caching.{id(signal)}")


def create_table() -> None:
    """Create the database cache's table when DDM_CACHE_URL selects it (idempotent)."""
    if settings.CACHES["default"]["BACKEND"] == DATABASE:
        call_command("createcachetable", verbosity=0)
