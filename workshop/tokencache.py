"""A short-lived, per-process cache of API token lookups, invalidated on revoke.

Every API call of a scanner or a bench agent sends its token; looking it up (digest, joined
workstation and site, or user) costs one query and a quarter of a scan's time. A token found
valid is kept in this process for ``ATELIER_TOKEN_CACHE_SECONDS`` (default 30 s; 0 turns the
cache off), keyed by its digest, never by its clear-text key.

It is forgotten at once, in this process and in every other one, whenever anything that decides
whether it is valid changes through the ORM: the token (revoked, its expiry), its workstation
(deactivated, moved), its user (deactivated, roles changed). Each such save bumps a *version
stamp*, a file every process of the server reads (``ATELIER_TOKEN_STAMP_FILE``, by default
``var/token-stamp``): an entry is used only while the stamp it was stored under is still the
current one. Reading the stamp is one ``stat()`` (microseconds, no query); bumping it replaces
the file, so its inode and time change for every process on the machine at once.

A queryset ``update()`` sends no signal: code that revokes or deactivates with one calls
``token_cache_invalidate()`` itself (``workshop.services`` does it on every revoke).
Expiry is checked on every use, cached or not.
"""

from __future__ import annotations

import copy
import os
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction

_lock = threading.Lock()
_entries: dict[tuple[str, str], tuple[float, object, object]] = {}


def ttl_seconds() -> float:
    return float(getattr(settings, "ATELIER_TOKEN_CACHE_SECONDS", 30))


def _stamp_path() -> Path:
    return Path(settings.ATELIER_TOKEN_STAMP_FILE)


def _stamp():
    """The current version stamp: the stamp file's inode and modification time."""
    try:
        info = os.stat(_stamp_path())
    except FileNotFoundError:
        _bump()
        info = os.stat(_stamp_path())
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def token_cache_get(kind: str, digest: str):
    """Return a copy of the token cached under ``(kind, digest)``, or None (absent, expired,
    or stored before the last invalidation)."""
    if ttl_seconds() <= 0:
        return None
    entry = _entries.get((kind, digest))
    if entry is None:
        return None
    expires, stamp, token = entry
    if time.monotonic() >= expires or stamp != _stamp():
        _entries.pop((kind, digest), None)
        return None
    return _copy(token)


def token_cache_put(kind: str, digest: str, token) -> None:
    """Keep ``token`` (found valid just now) for the TTL, under the current stamp."""
    ttl = ttl_seconds()
    if ttl <= 0:
        return
    with _lock:
        if len(_entries) > 10_000:  # a bound, whatever the number of tokens tried
            _entries.clear()
        _entries[(kind, digest)] = (time.monotonic() + ttl, _stamp(), _copy(token))


def token_cache_touch(kind: str, digest: str, when) -> None:
    """Note in the cached copy that the token's ``last_used_at`` was just written."""
    entry = _entries.get((kind, digest))
    if entry is not None:
        entry[2].last_used_at = when


def token_cache_invalidate(*args, **kwargs) -> None:
    """Forget every cached token, here and (through the shared stamp) in every process.

    Done at once and again when the current transaction commits, so that no process caches
    the row as it was between the two. Also a signal receiver (``workshop.apps``): it takes
    and ignores the signal's arguments."""
    _invalidate_now()
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        transaction.on_commit(_invalidate_now)


def _invalidate_now() -> None:
    with _lock:
        _entries.clear()
    _bump()


def _bump() -> None:
    """Replace the stamp file (a new inode: every process sees a new stamp at once)."""
    path = _stamp_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".token-stamp-")
    with os.fdopen(fd, "w") as out:
        out.write(f"{time.time_ns()} {os.getpid()}\n")
    os.replace(tmp, path)


def _copy(token):
    """A copy per request: a view may annotate its token, user or workstation (roles cache…)
    without the next request seeing it."""
    clone = copy.copy(token)
    for name in ("user", "workstation"):
        field = type(token)._meta.get_field(name) if _has_field(token, name) else None
        if field is not None and field.is_cached(token):
            related = copy.copy(field.get_cached_value(token))
            related.__dict__.pop("_atelier_roles", None)
            field.set_cached_value(clone, related)
    return clone


def _has_field(obj, name: str) -> bool:
    try:
        type(obj)._meta.get_field(name)
    except Exception:
        return False
    return True
