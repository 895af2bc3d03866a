"""The local half of sync: outbox batches, item statuses, pull pages, hand-over, resync.

Pure local work on a :class:`~fieldapp.store.Store`, no HTTP (``sync.client`` does the
talking). Each function that changes state does it in ONE transaction, so a process killed
at any moment leaves either the old state or the new one:

* :func:`next_batch` reuses the outbox row if one exists (same idempotency key, same items),
  so a retry after a lost response is idempotent on the server; otherwise it writes a new
  key and marks the items ``sent`` *before* the first send.
* :func:`apply_push_results` marks every item of a batch and deletes the batch row.
* :func:`apply_pull_page` applies every change of a page together with its cursor.
* :func:`complete_handovers` purges households that left this user's scope, once nothing
  is pending for them; records the server refused go to ``quarantine``, never away.
* :func:`prepare_resync` (server epoch changed) makes every event this device made
  pending again and resets the cursor, so that the next cycle re-pushes, then pulls from 0.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from fieldapp import household_rows
from fieldapp.clock import META_SKEW, SKEW_LIMIT_SECONDS
from fieldapp.clock import clock_is_off as clock_is_off  # re-exported
from fieldapp.schema import ACCEPTED, PENDING, REJECTED, SENT
from fieldapp.store import Store

#: meta keys written by this module
META_CURSOR = "sync.cursor"
META_EPOCH = "sync.epoch"
META_CLOCK_OK_ORDER = "sync.clock_ok_local_order"
META_LAST_SUCCESS = "sync.last_success"

_EVENT_WIRE_FIELDS = (
    "id",
    "type",
    "household_id",
    "programme",
    "created_by",
    "device_id",
    "device_time",
    "payload",
    "amends",
    "skew_flag",
)
_EDIT_WIRE_FIELDS = (
    "id",
    "household_id",
    "field",
    "value",
    "base_version",
    "created_by",
    "device_id",
    "device_time",
)
_UNSETTLED = (PENDING, SENT)


def _now() -> str:
    return datetime.now(UTC).isoformat()


# ---------------------------------------------------------------------- row <-> wire


def _loads(text: str) -> Any:
    """Stored JSON text: orjson, the stdlib where orjson refuses it (NaN, huge numbers)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def event_to_wire(row: Mapping[str, Any]) -> dict[str, Any]:
    """Return the wire form (``sync.protocol.Event``) of an ``events`` row."""
    out = {k: row[k] for k in _EVENT_WIRE_FIELDS}
    payload = row["payload"]
    out["payload"] = _loads(payload) if isinstance(payload, str) else payload
    out["skew_flag"] = bool(row["skew_flag"])
    return out


def _rows(store: Store, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    """The rows of *sql* as dicts (straight from the driver)."""
    cur = store.conn.execute(sql, params)
    keys = [d[0] for d in cur.description]
    return [dict(zip(keys, row, strict=True)) for row in cur.fetchall()]


def edit_to_wire(row: Mapping[str, Any]) -> dict[str, Any]:
    """Return the wire form (``sync.protocol.HouseholdEdit``) of a ``household_edits`` row."""
    out = {k: row[k] for k in _EDIT_WIRE_FIELDS}
    out["value"] = json.loads(row["value"]) if row["value"] is not None else None
    return out


def _as_text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _next_local_order(store: Store) -> int:
    row = next(store.db.query("SELECT coalesce(max(local_order), 0) + 1 AS n FROM events"))
    return int(row["n"])


# ---------------------------------------------------------------------- push side


@dataclass(frozen=True)
class Batch:
    """One push request's items, under the idempotency key stored for it."""

    idempotency_key: str
    items: list[dict[str, Any]]  # sync.protocol push items: {"kind": ..., "event"|"edit": ...}

    @property
    def item_ids(self) -> list[str]:
        return [_item_id(i) for i in self.items]

    def __len__(self) -> int:
        return len(self.items)


def _item_id(item: Mapping[str, Any]) -> str:
    return item["event"]["id"] if item["kind"] == "event" else item["edit"]["id"]


def _load_items(store: Store, ids: Sequence[str]) -> list[dict[str, Any]]:
    """Load the wire items named by *ids* (events or edits), in the given order."""
    found: dict[str, dict[str, Any]] = {}
    for chunk_start in range(0, len(ids), 500):
        chunk = list(ids[chunk_start : chunk_start + 500])
        marks = ",".join("?" * len(chunk))
        for row in _rows(store, f"SELECT * FROM events WHERE id IN ({marks})", chunk):
            found[row["id"]] = {"kind": "event", "event": event_to_wire(row)}
        if len(found) == chunk_start + len(chunk):
            continue  # all events: no edit to look for
        for row in _rows(store, f"SELECT * FROM household_edits WHERE id IN ({marks})", chunk):
            found[row["id"]] = {"kind": "household_edit", "edit": edit_to_wire(row)}
    return [found[i] for i in ids if i in found]


def current_batch(store: Store) -> Batch | None:
    """The outbox batch waiting for an answer, if any (oldest first)."""
    with store.reading() as db:
        rows = list(db.query("SELECT * FROM outbox_batches ORDER BY created_at, rowid LIMIT 1"))
        if not rows:
            return None
        ids = json.loads(rows[0]["item_ids"])
        return Batch(rows[0]["idempotency_key"], _load_items(store, ids))


def next_batch(store: Store, limit: int) -> Batch | None:
    """Return the batch to push next, or None when nothing is pending.

    An unanswered batch is returned again unchanged (same key, same items) so that the
    retry is idempotent. Otherwise up to *limit* pending items (edits and events in the
    order they were made) become a new batch: its key is committed, and the items are
    marked ``sent``, before anything goes on the wire.
    """
    existing = current_batch(store)
    if existing is not None:
        with store.atomic() as db:
            db.execute(
                "UPDATE outbox_batches SET attempts = attempts + 1 WHERE idempotency_key = ?",
                [existing.idempotency_key],
            )
        return existing
    with store.atomic() as db:
        edits = [
            r["id"]
            for r in db.query(
                "SELECT id FROM household_edits WHERE sync_state = ? ORDER BY local_order LIMIT ?",
                [PENDING, limit],
            )
        ]
        events = [
            r["id"]
            for r in db.query(
                # the literal lets SQLite use the partial index (a bound value cannot)
                "SELECT id FROM events WHERE sync_state = ? AND sync_state != 'accepted' "
                "ORDER BY local_order LIMIT ?",
                [PENDING, max(limit - len(edits), 0)],
            )
        ]
        ids = edits + events
        if not ids:
            return None
        key = uuid.uuid4().hex
        db.execute(
            "INSERT INTO outbox_batches (idempotency_key, item_ids, created_at, attempts) "
            "VALUES (?, ?, ?, 1)",
            [key, json.dumps(ids), _now()],
        )
        _set_state(db, "household_edits", edits, SENT)
        _set_state(db, "events", events, SENT)
        return Batch(key, _load_items(store, ids))


def _set_state(db: Any, table: str, ids: Sequence[str], state: str) -> None:
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        db.execute(
            f"UPDATE {table} SET sync_state = ? WHERE id IN ({marks})",
            [state, *chunk],
        )


def shrink_batch(store: Store, batch: Batch, size: int) -> Batch:
    """Replace an unanswered *batch* by its first *size* items under a NEW key.

    Only for a batch the server refused as a whole before writing (413 too large): the
    old key was never stored by the server, and the items left out become pending again.
    """
    size = max(1, min(size, len(batch)))
    keep, back = batch.item_ids[:size], batch.item_ids[size:]
    key = uuid.uuid4().hex
    with store.atomic() as db:
        db.execute("DELETE FROM outbox_batches WHERE idempotency_key = ?", [batch.idempotency_key])
        db.execute(
            "INSERT INTO outbox_batches (idempotency_key, item_ids, created_at, attempts) "
            "VALUES (?, ?, ?, 1)",
            [key, json.dumps(keep), _now()],
        )
        _set_state(db, "household_edits", back, PENDING)
        _set_state(db, "events", back, PENDING)
    return Batch(key, batch.items[:size])


@dataclass
class PushOutcome:
    """Counts from one push response, as applied locally."""

    applied: int = 0
    duplicates: int = 0
    rejected: int = 0
    conflicts: int = 0
    rejected_items: list[tuple[str, str]] = field(default_factory=list)  # (id, reason)


def apply_push_results(
    store: Store,
    batch: Batch,
    results: Iterable[Mapping[str, Any]],
    server_time: Any = None,
) -> PushOutcome:
    """Apply the server's per-item statuses for *batch* in one transaction.

    applied / duplicate -> ``accepted``; rejected -> ``rejected`` with the reason (set
    aside; the queue goes on); conflict -> the edit is accepted by the server into a
    conflict record, which is stored here until the pull brings its full form. Items the
    answer does not mention go back to ``pending``. The batch row is deleted.

    *server_time*: the answer's ``server_time``, the time the server gave every event it
    applied in this push; it is kept on those events (in the pull's form), so that when the
    pull brings them back as stored here they need no write (see :func:`apply_pull_page`).
    """
    outcome = PushOutcome()
    applied_at = _server_time_text(server_time)
    by_id = {str(r["id"]): r for r in results}
    kinds = {_item_id(i): i for i in batch.items}
    # (table, state) -> [(reject_reason, id)], written with one executemany each
    updates: dict[tuple[str, str], list[tuple[str | None, str]]] = {}
    with store.atomic() as db:
        for item_id, item in kinds.items():
            table = "events" if item["kind"] == "event" else "household_edits"
            res = by_id.get(item_id)
            status = str(res["status"]) if res is not None else None
            if status in ("applied", "duplicate"):
                if status == "applied" and table == "events" and applied_at is not None:
                    updates.setdefault(("events", _APPLIED), []).append((applied_at, item_id))
                else:
                    updates.setdefault((table, ACCEPTED), []).append((None, item_id))
                if status == "applied":
                    outcome.applied += 1
                else:
                    outcome.duplicates += 1
            elif status == "rejected":
                reason = (res or {}).get("reason") or "refused by the server"
                updates.setdefault((table, REJECTED), []).append((reason, item_id))
                outcome.rejected += 1
                outcome.rejected_items.append((item_id, reason))
            elif status == "conflict":
                conflict_id = (res or {}).get("conflict_id") or f"pending-{item_id}"
                updates.setdefault((table, ACCEPTED), []).append(
                    (f"conflict {conflict_id}", item_id)
                )
                if item["kind"] == "household_edit":
                    _store_conflict_stub(db, conflict_id, item["edit"])
                outcome.conflicts += 1
            else:  # not answered: pending again, its reason kept
                updates.setdefault((table, PENDING), []).append((None, item_id))
        for (table, state), rows in updates.items():
            if state == _APPLIED:
                store.conn.executemany(
                    f"UPDATE events SET sync_state = '{ACCEPTED}', reject_reason = NULL, "
                    "server_time = ? WHERE id = ?",
                    rows,
                )
            elif state == PENDING:
                store.conn.executemany(
                    f"UPDATE {table} SET sync_state = '{PENDING}' WHERE id = ?",
                    [(item_id,) for _, item_id in rows],
                )
            else:
                store.conn.executemany(
                    f"UPDATE {table} SET sync_state = '{state}', reject_reason = ? WHERE id = ?",
                    rows,
                )
        db.execute("DELETE FROM outbox_batches WHERE idempotency_key = ?", [batch.idempotency_key])
        edited = {i["edit"]["household_id"] for i in batch.items if i["kind"] == "household_edit"}
        if edited:
            # A refused or conflicting edit shows the server's value again.
            household_rows.settle_household_edits(store, sorted(edited))
    return outcome


#: apply_push_results' key for events applied by the server at the answer's server_time
_APPLIED = "applied"


def _server_time_text(value: Any) -> str | None:
    """A server time as the pull writes it (ISO 8601 in UTC, ``+00:00``), or None."""
    if value is None:
        return None
    try:
        when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if when.tzinfo is None:
        return None
    return when.astimezone(UTC).isoformat()


def _store_conflict_stub(db: Any, conflict_id: str, edit: Mapping[str, Any]) -> None:
    """Keep the edit's side of a conflict until the pull delivers the full record."""
    data = {
        "id": conflict_id,
        "household_id": edit["household_id"],
        "field": edit["field"],
        "base_version": edit["base_version"],
        "mine": edit["value"],
        "mine_by": edit["created_by"],
        "mine_at": _as_text(edit["device_time"]),
        "theirs": None,
        "status": "open",
    }
    db.execute(
        "INSERT INTO conflicts (id, household_id, field, status, data) VALUES (?, ?, ?, 'open', ?) "
        "ON CONFLICT(id) DO NOTHING",
        [conflict_id, edit["household_id"], edit["field"], json.dumps(data, ensure_ascii=False)],
    )


# ---------------------------------------------------------------------- pull side


@dataclass
class PullOutcome:
    """What one applied pull page changed locally."""

    households: int = 0
    events: int = 0
    revoked: list[str] = field(default_factory=list)
    tombstones: int = 0
    conflicts: int = 0
    #: (id, reason) of records the server holds that this laptop cannot store: quarantined
    set_aside: list[tuple[str, str]] = field(default_factory=list)


def _page_dict(page: Any) -> dict[str, Any]:
    if hasattr(page, "model_dump"):
        return page.model_dump(mode="json")
    return dict(page)


def apply_pull_page(store: Store, page: Any) -> PullOutcome:
    """Apply every change of one pull page and its cursor in ONE transaction.

    *page* is a ``sync.protocol.PullResponse`` or its JSON dict. Households are upserted
    (local pending edits stay on top), events inserted if new (a local copy becomes
    ``accepted``), revokes start a hand-over (:func:`complete_handovers` purges), tombstones
    delete, conflicts are stored. Changes apply in page order (runs of households and of
    events in bulk). The cursor and epoch are saved last, in the same transaction. A page
    with no changes whose cursor and epoch are the ones saved writes nothing.
    """
    data = _page_dict(page)
    out = PullOutcome()
    if not data["changes"] and _saved_position(store) == (data["cursor"], data["epoch"]):
        return out
    with store.atomic() as db:
        households: list[dict[str, Any]] = []
        events: list[Mapping[str, Any]] = []
        order: int | None = None
        device_id: Any = False  # read at the first run of events

        def flush() -> None:
            nonlocal device_id
            if events:
                if device_id is False:
                    device_id = store.get_meta("device_id")
                settled = _settled_own_events(store, events, device_id)
                if settled:
                    out.events += len(settled)
                    events[:] = [ev for ev in events if ev["id"] not in settled]
            write()

        def write() -> None:
            nonlocal order
            if households:
                try:
                    household_rows.upsert_households(store, list(households))
                except UnicodeEncodeError:
                    households[:] = _store_one_by_one(
                        store, "household", households, household_rows.upsert_households, out
                    )
                store.conn.executemany(
                    "DELETE FROM handovers WHERE household_id = ?", [(h["id"],) for h in households]
                )
                out.households += len(households)
                households.clear()
            if events:
                if order is None:
                    order = _next_local_order(store)
                try:
                    store.conn.executemany(_PULLED_EVENT_SQL, _pulled_event_rows(events, order))
                    order += len(events)
                except UnicodeEncodeError:
                    events[:] = _store_one_by_one(
                        store, "event", events, _insert_pulled_events, out
                    )
                    order = None  # the next run counts on from what was stored
                out.events += len(events)
                events.clear()

        for change in data["changes"]:
            kind = change["kind"]
            body = change["data"]
            if kind not in ("household", "event"):
                flush()
                try:  # a bad text fails at its first write: nothing of it is written
                    _apply_other_change(db, kind, body, out)
                except UnicodeEncodeError:
                    _set_aside(db, kind, body, out)
                continue
            if kind == "household":
                if events:
                    flush()
                households.append(body)
                continue
            if households:
                flush()
            events.append(body)
        flush()
        _set_meta(db, META_CURSOR, data["cursor"])
        _set_meta(db, META_EPOCH, data["epoch"])
    return out


def _apply_other_change(db: Any, kind: str, body: Mapping[str, Any], out: PullOutcome) -> None:
    """Apply one revoke, tombstone or conflict change of a pull page."""
    if kind == "revoke":
        _start_handover(db, body)
        out.revoked.append(body["household_id"])
    elif kind == "tombstone":
        _apply_tombstone(db, body)
        out.tombstones += 1
    elif kind == "conflict":
        db.execute(
            "INSERT INTO conflicts (id, household_id, field, status, data) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "status = excluded.status, data = excluded.data",
            [
                body["id"],
                body["household_id"],
                body["field"],
                body.get("status", "open"),
                json.dumps(body, ensure_ascii=False),
            ],
        )
        db.execute(
            "DELETE FROM conflicts WHERE id LIKE 'pending-%' AND household_id = ? AND field = ?",
            [body["household_id"], body["field"]],
        )
        out.conflicts += 1


def _saved_position(store: Store) -> tuple[Any, Any]:
    """The saved (cursor, epoch)."""
    with store.reading():
        cursor, epoch = store.conn.execute(
            "SELECT (SELECT value FROM meta WHERE key = ?), (SELECT value FROM meta WHERE key = ?)",
            (META_CURSOR, META_EPOCH),
        ).fetchone()
    return (
        json.loads(cursor) if cursor is not None else None,
        json.loads(epoch) if epoch is not None else None,
    )


def _set_meta(db: Any, key: str, value: Any) -> None:
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, json.dumps(value, ensure_ascii=False)],
    )


#: The columns _PULLED_EVENT_SQL changes on a local copy, read to see whether it must.
_SETTLED_SQL = (
    "SELECT id, sync_state, reject_reason, server_time, late_handover, redacted, payload "
    "FROM events WHERE id IN ({marks})"
)


def _settled_own_events(
    store: Store, events: Sequence[Mapping[str, Any]], device_id: Any
) -> set[str]:
    """Ids of this device's own events in *events* that it already holds exactly as pulled.

    Most of what a device pulls right after a push is its own records coming back. Each is
    held here already, accepted by the push's answer with the server's time. Such a copy is
    left as it is instead of being written again, when everything the pull would change on
    it (:data:`_PULLED_EVENT_SQL`: state, reason, server time, late hand-over, redaction,
    payload: the server recomputes results) is already what the server sent, the payload
    compared as the text the pull would store (its numbers' types, keys and their order). Anything else (not held, not accepted, a
    duplicate answered without its time, a payload the server completed differently) is
    written as before.
    """
    if not device_id:
        return set()
    own = {ev["id"]: ev for ev in events if ev.get("device_id") == device_id}
    if not own:
        return set()
    settled: set[str] = set()
    ids = list(own)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        cur = store.conn.execute(_SETTLED_SQL.format(marks=",".join("?" * len(chunk))), chunk)
        for item_id, state, reason, server_time, late, redacted, payload in cur.fetchall():
            ev = own[item_id]
            pulled_time = ev.get("server_time")
            if (
                state != ACCEPTED
                or reason is not None
                or server_time is None
                or server_time
                != (pulled_time if pulled_time.__class__ is str else _as_text(pulled_time))
                or bool(late) != bool(ev.get("late_handover"))
                or bool(redacted) != bool(ev.get("redacted"))
            ):
                continue
            if ev.get("redacted"):
                settled.add(item_id)  # the pull keeps the local payload of a redacted copy
                continue
            text = _payload_text(ev.get("payload") or {})
            if payload == text or _payload_text(_loads(payload)) == text:
                settled.add(item_id)
    return settled


#: Insert a pulled event; a local copy (pushed from here) becomes accepted, keeping its order.
_PULLED_EVENT_SQL = (
    "INSERT INTO events (id, type, household_id, programme, created_by, device_id, "
    "device_time, payload, amends, skew_flag, redacted, late_handover, server_time, "
    "sync_state, local_order) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'accepted', ?) "
    "ON CONFLICT(id) DO UPDATE SET sync_state = 'accepted', reject_reason = NULL, "
    "server_time = excluded.server_time, late_handover = excluded.late_handover, "
    "redacted = excluded.redacted, payload = CASE WHEN excluded.redacted THEN events.payload "
    "ELSE excluded.payload END"
)


_json_text = json.JSONEncoder(ensure_ascii=False).encode


def _payload_text(value: Any) -> str:
    """A pulled payload as stored JSON text (orjson: compact, UTF-8 kept as is).

    Every reader decodes the text (nothing compares it), so only the value matters: the
    stdlib encoder takes what orjson refuses (integers beyond 64 bits, non-string keys).
    """
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return _json_text(value)


def _pulled_event_rows(events: Sequence[Mapping[str, Any]], order: int) -> list[tuple[Any, ...]]:
    """The ``_PULLED_EVENT_SQL`` rows of *events*, local orders from *order* on."""
    rows = []
    for ev in events:
        get = ev.get
        device_time = ev["device_time"]
        server_time = get("server_time")
        rows.append(
            (
                ev["id"],
                ev["type"],
                ev["household_id"],
                get("programme"),
                ev["created_by"],
                ev["device_id"],
                device_time if device_time.__class__ is str else _as_text(device_time),
                _payload_text(get("payload") or {}),
                get("amends"),
                1 if get("skew_flag") else 0,
                1 if get("redacted") else 0,
                1 if get("late_handover") else 0,
                server_time if server_time.__class__ is str else _as_text(server_time),
                order,
            )
        )
        order += 1
    return rows


def _insert_pulled_events(store: Store, events: Sequence[Mapping[str, Any]]) -> None:
    store.conn.executemany(_PULLED_EVENT_SQL, _pulled_event_rows(events, _next_local_order(store)))


#: Why a pulled record is set aside (the server already refuses such text; older ones stay).
UNSTORABLE_REASON = (
    "the server holds this {kind}, but this laptop cannot store it: a text in it holds a "
    "broken character (a lone UTF-16 surrogate). It is kept in quarantine (fieldapp-sync "
    "status counts it, export-pending writes it out); tell your district's IT team"
)


def _store_one_by_one(
    store: Store,
    kind: str,
    bodies: Sequence[Mapping[str, Any]],
    write: Any,
    out: PullOutcome,
) -> list[Mapping[str, Any]]:
    """Write *bodies* one at a time with ``write(store, [body])``, each in a savepoint; a
    body this laptop cannot store is set aside (quarantined) instead. Returns the bodies
    that were stored."""
    stored = []
    for body in bodies:
        try:
            with store.atomic():
                write(store, [body])
        except UnicodeEncodeError:
            _set_aside(store.db, kind, body, out)
        else:
            stored.append(body)
    return stored


def _set_aside(db: Any, kind: str, body: Mapping[str, Any], out: PullOutcome) -> None:
    """Quarantine a pulled record that cannot be stored as it is (kept as escaped JSON)."""
    item_id = str(body.get("id") or body.get("household_id") or uuid.uuid4())
    hid = str(body.get("household_id") or body.get("id") or "")
    reason = UNSTORABLE_REASON.format(kind=kind.replace("_", " "))
    db.execute(
        "INSERT INTO quarantine (id, household_id, kind, data, reason, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
        [item_id, hid, kind, json.dumps(body, default=str), reason, _now()],
    )
    out.set_aside.append((item_id, reason))


def _start_handover(db: Any, revoke: Mapping[str, Any]) -> None:
    hid = revoke["household_id"]
    label_rows = list(
        db.query("SELECT address_road, address_detail FROM households WHERE id = ?", [hid])
    )
    label = None
    if label_rows:
        parts = [label_rows[0]["address_road"], label_rows[0]["address_detail"]]
        label = " ".join(p for p in parts if p)
    db.execute(
        "INSERT INTO handovers (household_id, programme, label, moved_to, moved_at, reason, "
        "purged_at) VALUES (?, ?, ?, ?, ?, ?, NULL) ON CONFLICT(household_id, programme) DO "
        "UPDATE SET label = coalesce(excluded.label, handovers.label), moved_to = excluded.moved_to, "
        "moved_at = excluded.moved_at, reason = excluded.reason, purged_at = NULL",
        [
            hid,
            revoke["programme"],
            label,
            revoke.get("moved_to"),
            _as_text(revoke["moved_at"]),
            revoke.get("reason"),
        ],
    )


#: ``handovers.programme`` of a household deleted on the server (not moved to anyone).
DELETED_ON_SERVER = "deleted"


def _apply_tombstone(db: Any, tomb: Mapping[str, Any]) -> None:
    """An event deleted on the server goes (a copy not yet accepted stays); a deleted
    household is let go like a hand-over, so that nothing recorded here is lost."""
    if tomb["entity"] == "event":
        db.execute("DELETE FROM events WHERE id = ? AND sync_state = ?", [tomb["id"], ACCEPTED])
    else:
        _start_handover(
            db,
            {
                "household_id": tomb["id"],
                "programme": DELETED_ON_SERVER,
                "moved_to": None,
                "moved_at": _now(),
                "reason": "deleted on the server",
            },
        )


def _purge_household(db: Any, hid: str) -> None:
    for table in ("events", "household_edits", "conflicts", "drafts"):
        db.execute(f"DELETE FROM {table} WHERE household_id = ?", [hid])
    db.execute("DELETE FROM households WHERE id = ?", [hid])


def start_local_handover(store: Store, household_id: str, programme: str, reason: str) -> None:
    """Let go of a household the server no longer lists for this user (after a restore).

    Recorded like a revoke without a new holder; :func:`complete_handovers` purges it once
    nothing is pending (refused records go to quarantine).
    """
    with store.atomic() as db:
        _start_handover(
            db,
            {
                "household_id": household_id,
                "programme": programme,
                "moved_to": None,
                "moved_at": _now(),
                "reason": reason,
            },
        )


def list_handovers(store: Store) -> list[dict[str, Any]]:
    """Households that left this user's scope: where they went, when, and whether purged."""
    with store.reading() as db:
        return list(db.query("SELECT * FROM handovers ORDER BY moved_at DESC, household_id"))


def list_quarantine(store: Store) -> list[dict[str, Any]]:
    """Records the server refused for households that were handed over (kept, exportable)."""
    with store.reading() as db:
        return [
            {**r, "data": json.loads(r["data"])}
            for r in db.query("SELECT * FROM quarantine ORDER BY created_at, id")
        ]


def list_rejected(store: Store) -> list[dict[str, Any]]:
    """Events and household edits the server rejected, with the reason, oldest first."""
    with store.reading() as db:
        rows = list(
            db.query(
                "SELECT 'event' AS kind, id, household_id, type AS what, device_time, "
                "reject_reason FROM events WHERE sync_state = :r UNION ALL SELECT "
                "'household_edit', id, household_id, field, device_time, reject_reason FROM "
                "household_edits WHERE sync_state = :r ORDER BY device_time",
                {"r": REJECTED},
            )
        )
    return rows


def pending_handovers(store: Store) -> list[str]:
    """Households revoked from this user's scope and not purged yet."""
    with store.reading():
        rows = store.conn.execute(
            "SELECT DISTINCT household_id FROM handovers WHERE purged_at IS NULL"
        ).fetchall()
    return [r[0] for r in rows]


def unsettled_count(store: Store, household_id: str) -> int:
    """Items of *household_id* not yet answered by the server (pending or sent)."""
    with store.reading() as db:
        row = next(
            db.query(
                "SELECT (SELECT count(*) FROM events WHERE household_id = :h AND sync_state IN "
                "('pending', 'sent')) + (SELECT count(*) FROM household_edits WHERE "
                "household_id = :h AND sync_state IN ('pending', 'sent')) AS n",
                {"h": household_id},
            )
        )
    return int(row["n"])


def complete_handovers(store: Store) -> list[str]:
    """Purge every revoked household that has nothing left to push; return their ids.

    Records of such a household that the server rejected are moved to ``quarantine``
    (kept, visible, exportable) before the household's rows are deleted. A household with
    pending or unanswered items is left alone until a later push settles them.
    """
    purged: list[str] = []
    for hid in pending_handovers(store):
        with store.atomic() as db:
            n = next(
                db.query(
                    "SELECT (SELECT count(*) FROM events WHERE household_id = :h AND sync_state "
                    "IN ('pending', 'sent')) + (SELECT count(*) FROM household_edits WHERE "
                    "household_id = :h AND sync_state IN ('pending', 'sent')) AS n",
                    {"h": hid},
                )
            )["n"]
            if n:
                continue
            now = _now()
            for row in list(
                db.query(
                    "SELECT * FROM events WHERE household_id = ? AND sync_state = ?",
                    [hid, REJECTED],
                )
            ):
                _quarantine(
                    db, row["id"], hid, "event", event_to_wire(row), row["reject_reason"], now
                )
            for row in list(
                db.query(
                    "SELECT * FROM household_edits WHERE household_id = ? AND sync_state = ?",
                    [hid, REJECTED],
                )
            ):
                _quarantine(
                    db,
                    row["id"],
                    hid,
                    "household_edit",
                    edit_to_wire(row),
                    row["reject_reason"],
                    now,
                )
            _purge_household(db, hid)
            db.execute("UPDATE handovers SET purged_at = ? WHERE household_id = ?", [now, hid])
            purged.append(hid)
    return purged


def _quarantine(
    db: Any,
    item_id: str,
    hid: str,
    kind: str,
    data: Mapping[str, Any],
    reason: str | None,
    now: str,
) -> None:
    db.execute(
        "INSERT INTO quarantine (id, household_id, kind, data, reason, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
        [
            item_id,
            hid,
            kind,
            json.dumps(data, ensure_ascii=False),
            reason or "refused by the server",
            now,
        ],
    )


# ---------------------------------------------------------------------- resync / clock


def held_events_for_resync(store: Store, device_id: str | None = None) -> list[str]:
    """Ids of the events this device made that the server should hold (all but rejected).

    *device_id* defaults to the one saved at login (meta ``device_id``).
    """
    device_id = device_id or store.get_meta("device_id")
    with store.reading() as db:
        return [
            r["id"]
            for r in db.query(
                "SELECT id FROM events WHERE device_id = ? AND sync_state != ? ORDER BY local_order",
                [device_id, REJECTED],
            )
        ]


def prepare_resync(store: Store, device_id: str | None = None) -> int:
    """The server's epoch changed: queue every held event again and pull from zero.

    In one transaction: every event made on this device (except rejected ones) becomes
    ``pending`` again (the server ignores the ones it already has, by id), unanswered
    batches are dropped (their items are pending again), and the cursor is cleared.
    Returns how many events will be pushed again.
    """
    ids = held_events_for_resync(store, device_id)
    with store.atomic() as db:
        db.execute("DELETE FROM outbox_batches")
        _set_state(db, "events", ids, PENDING)
        db.execute(
            "UPDATE household_edits SET sync_state = ? WHERE sync_state = ?", [PENDING, SENT]
        )
        db.execute("UPDATE events SET sync_state = ? WHERE sync_state = ?", [PENDING, SENT])
        db.execute("DELETE FROM meta WHERE key IN (?, ?)", [META_CURSOR, META_EPOCH])
    return len(ids)


#: A newly measured skew within this of the stored one is not written again (seconds):
#: network jitter moves every measurement, and readers only compare it with the limit.
SKEW_RESOLUTION_SECONDS = 1.0


def same_skew(stored: Any, skew: float) -> bool:
    """True when a newly measured *skew* need not replace the *stored* one: within
    :data:`SKEW_RESOLUTION_SECONDS` of it, and on the same side of the limit."""
    if not isinstance(stored, int | float):
        return False
    over = abs(skew) > SKEW_LIMIT_SECONDS
    return over == (abs(stored) > SKEW_LIMIT_SECONDS) and (
        abs(stored - skew) < SKEW_RESOLUTION_SECONDS
    )


def mark_skew(store: Store, skew: float) -> int:
    """Record the measured clock *skew* (server - local, seconds); flag records made meanwhile.

    When ``abs(skew)`` is over 5 minutes, every still-pending event made since the last
    measurement that found the clock fine gets ``skew_flag``; returns how many. Events in an
    unanswered batch keep their form (their retry must be byte-identical).

    A fine clock whose skew moved less than :data:`SKEW_RESOLUTION_SECONDS`, with no record
    made since the last measurement, writes nothing (no transaction).
    """
    if abs(skew) <= SKEW_LIMIT_SECONDS:
        with store.reading():
            stored, last_ok, top = store.conn.execute(
                "SELECT (SELECT value FROM meta WHERE key = ?), "
                "(SELECT value FROM meta WHERE key = ?), "
                "(SELECT coalesce(max(local_order), 0) FROM events)",
                (META_SKEW, META_CLOCK_OK_ORDER),
            ).fetchone()
        if (
            stored is not None
            and last_ok is not None
            and json.loads(last_ok) == top
            and same_skew(json.loads(stored), skew)
        ):
            return 0
    with store.atomic() as db:
        _set_meta(db, META_SKEW, skew)
        last_ok = store.get_meta(META_CLOCK_OK_ORDER, 0)
        if abs(skew) <= SKEW_LIMIT_SECONDS:
            top = _next_local_order(store) - 1
            _set_meta(db, META_CLOCK_OK_ORDER, top)
            return 0
        cur = db.execute(
            # the literal lets SQLite use the partial index (a bound value cannot): without
            # it every cycle with the clock off scans every event (71 ms at 30,000)
            "UPDATE events SET skew_flag = 1 WHERE sync_state = ? AND sync_state != 'accepted' "
            "AND local_order > ? AND skew_flag = 0",
            [PENDING, last_ok],
        )
        return int(cur.rowcount or 0)


# ---------------------------------------------------------------------- counts


@dataclass(frozen=True)
class LocalCounts:
    """Sync bookkeeping counts of a local database (for the status object)."""

    pending: int
    oldest_pending_time: str | None
    rejected: int
    quarantined: int
    conflicts_open: int
    cursor: str | None
    #: unanswered push batches (their items are counted in *pending* too)
    outbox: int = 0


#: One statement for :func:`local_counts`. "sync_state != 'accepted'" lets SQLite use the
#: partial index events_sync_state (it cannot infer it from IN/=): without it each count
#: decrypts and scans every event (276 ms at 20,000 events).
_COUNTS_SQL = (
    "SELECT (SELECT count(*) FROM events WHERE sync_state IN ('pending','sent') "
    "AND sync_state != 'accepted') + "
    "(SELECT count(*) FROM household_edits WHERE sync_state IN ('pending','sent')), "
    "(SELECT min(t) FROM (SELECT min(device_time) AS t FROM events "
    "WHERE sync_state IN ('pending','sent') AND sync_state != 'accepted' "
    "UNION ALL SELECT min(device_time) FROM "
    "household_edits WHERE sync_state IN ('pending','sent'))), "
    "(SELECT count(*) FROM events WHERE sync_state = 'rejected' "
    "AND sync_state != 'accepted') + "
    "(SELECT count(*) FROM household_edits WHERE sync_state = 'rejected'), "
    "(SELECT count(*) FROM quarantine), "
    "(SELECT count(*) FROM conflicts WHERE status = 'open'), "
    "(SELECT value FROM meta WHERE key = ?), "
    "(SELECT count(*) FROM outbox_batches)"
)


def local_counts(store: Store) -> LocalCounts:
    """Return pending / rejected / quarantined counts and the cursor (one statement)."""
    with store.reading():
        row = store.conn.execute(_COUNTS_SQL, (META_CURSOR,)).fetchone()
    pending, oldest, rejected, quarantined, conflicts, cursor, outbox = row
    return LocalCounts(
        pending=int(pending),
        oldest_pending_time=oldest,
        rejected=int(rejected),
        quarantined=int(quarantined),
        conflicts_open=int(conflicts),
        cursor=json.loads(cursor) if cursor is not None else None,
        outbox=int(outbox),
    )


def export_pending(store: Store) -> dict[str, Any]:
    """Everything not yet accepted by the server: pending, sent, rejected and quarantined."""
    with store.reading() as db:
        events = [
            {**event_to_wire(r), "sync_state": r["sync_state"], "reject_reason": r["reject_reason"]}
            for r in db.query(
                "SELECT * FROM events WHERE sync_state != ? ORDER BY local_order", [ACCEPTED]
            )
        ]
        edits = [
            {**edit_to_wire(r), "sync_state": r["sync_state"], "reject_reason": r["reject_reason"]}
            for r in db.query(
                "SELECT * FROM household_edits WHERE sync_state != ? ORDER BY local_order",
                [ACCEPTED],
            )
        ]
        quarantine = [
            {**r, "data": json.loads(r["data"])}
            for r in db.query("SELECT * FROM quarantine ORDER BY created_at, id")
        ]
    return {
        "exported_at": _now(),
        "events": events,
        "household_edits": edits,
        "quarantine": quarantine,
    }
