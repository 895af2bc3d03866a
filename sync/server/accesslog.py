"""The access log's hash chain: appending entries (verification lives beside the CLI).

Each entry's ``hash`` is SHA-256 over the previous entry's hash and the entry's canonical JSON
(:func:`entry_hash`), so changing or deleting a stored entry breaks every later link. Appends
are serialized: on PostgreSQL by a transaction-scoped advisory lock taken before the last hash
is read, on SQLite by the write lock every transaction holds (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from sync.server.models import AccessLog, utcnow

#: prev_hash of the first entry.
GENESIS_HASH = "0" * 64
#: Advisory lock key for access-log appends (any constant unique within this database).
_ADVISORY_LOCK_KEY = 0x6644_0001

#: The entry fields covered by the hash, in order.
HASHED_FIELDS = (
    "at",
    "username",
    "device_id",
    "ip",
    "household_id",
    "action",
    "reason",
    "event_id",
    "device_time",
)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def canonical_entry(entry: AccessLog) -> dict[str, Any]:
    """The hashed fields of *entry* as plain JSON values."""
    out: dict[str, Any] = {}
    for name in HASHED_FIELDS:
        value = getattr(entry, name)
        out[name] = _iso(value) if isinstance(value, datetime) else value
    return out


def entry_hash(prev_hash: str, entry: AccessLog) -> str:
    """SHA-256 (hex) of *prev_hash* and the canonical JSON of *entry*."""
    body = json.dumps(
        canonical_entry(entry), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def _lock_chain(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_LOCK_KEY})


def append_access_log(
    session: Session,
    *,
    username: str,
    action: str,
    household_id: str | None = None,
    device_id: str | None = None,
    ip: str | None = None,
    reason: str | None = None,
    event_id: str | None = None,
    device_time: datetime | None = None,
    at: datetime | None = None,
) -> AccessLog:
    """Append one entry to the chain inside the caller's transaction and return it."""
    _lock_chain(session)
    session.flush()
    last = session.execute(select(AccessLog.hash).order_by(AccessLog.id.desc()).limit(1)).scalar()
    entry = AccessLog(
        at=(at or utcnow()).astimezone(UTC),
        username=username,
        device_id=device_id,
        ip=ip,
        household_id=household_id,
        action=action,
        reason=reason,
        event_id=event_id,
        device_time=None if device_time is None else device_time.astimezone(UTC),
    )
    entry.prev_hash = last or GENESIS_HASH
    entry.hash = entry_hash(entry.prev_hash, entry)
    session.add(entry)
    session.flush()
    return entry
