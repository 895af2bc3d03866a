"""The cheap paths of syncstate: pulled payload text, pages and clock marks that write nothing
unless something changed, push results written in bulk."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from fieldapp import records, syncstate
from fieldapp.store import Store
from tests.helpers.sqltrace import traced_statements


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "t.db", Store.create_key(), create=True)
    yield s
    s.close()


def _event(payload: Any, **over: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "type": "note",
        "household_id": "h1",
        "programme": "welfare_check",
        "created_by": "vol02",
        "device_id": "dev2",
        "device_time": "2026-01-01T10:00:00+09:00",
        "payload": payload,
        "amends": None,
        "skew_flag": False,
        "server_time": "2026-01-01T01:00:00+00:00",
        "redacted": False,
        "late_handover": False,
        **over,
    }


def _page(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "epoch": "ep1",
        "cursor": f"ep1:{len(events)}",
        "has_more": False,
        "changes": [
            {"seq": i + 1, "kind": "event", "household_id": "h1", "data": e}
            for i, e in enumerate(events)
        ],
    }


PAYLOADS: list[Any] = [
    {"text": '방문 — 혈압 130/85, \u2028 줄바꿈\n"따옴표" \\ 역슬래시'},
    {"n": 0.1, "big": 2**70, "neg": -(2**63), "e": 1e16, "nested": {"list": [1, None, True]}},
    {"emoji": "🙂", "zero": -0.0, "empty": {}, "arr": []},
    None,
]


def test_stored_payload_text_decodes_to_the_pulled_value(store: Store) -> None:
    events = [_event(p) for p in PAYLOADS]
    syncstate.apply_pull_page(store, _page(events))
    with store.reading() as db:
        stored = {r["id"]: r["payload"] for r in db.query("SELECT id, payload FROM events")}
    for ev in events:
        assert json.loads(stored[ev["id"]]) == (ev["payload"] or {})
        assert records.get_event(store, ev["id"])["payload"] == (ev["payload"] or {})
    # The push form of a stored event carries the same payload.
    with store.reading() as db:
        row = next(db.query("SELECT * FROM events WHERE id = ?", [events[0]["id"]]))
    assert syncstate.event_to_wire(row)["payload"] == PAYLOADS[0]


def test_pulled_rows_take_datetimes_and_flags_as_the_wire_gives_them(store: Store) -> None:
    when = datetime(2026, 1, 1, 1, 0, tzinfo=UTC)
    ev = _event({"text": "x"}, device_time=when, server_time=None, skew_flag=1, redacted=True)
    syncstate.apply_pull_page(store, _page([ev]))
    with store.reading() as db:
        row = next(db.query("SELECT * FROM events"))
    assert row["device_time"] == when.isoformat()
    assert row["server_time"] is None
    assert (row["skew_flag"], row["redacted"], row["late_handover"]) == (1, 1, 0)
    assert row["sync_state"] == "accepted"


def _writes(store: Store, run: Any) -> list[str]:
    seen = traced_statements(store, run)
    return [s for s in seen if s.split()[0].upper() in ("INSERT", "UPDATE", "BEGIN", "DELETE")]


def test_an_empty_page_at_the_saved_cursor_writes_nothing(store: Store) -> None:
    syncstate.apply_pull_page(store, _page([_event({"text": "x"})]))
    same = {**_page([]), "cursor": "ep1:1"}
    assert _writes(store, lambda: syncstate.apply_pull_page(store, same)) == []
    moved = {**same, "cursor": "ep1:7"}
    assert _writes(store, lambda: syncstate.apply_pull_page(store, moved))
    assert store.get_meta(syncstate.META_CURSOR) == "ep1:7"
    other_epoch = {**moved, "epoch": "ep2", "cursor": "ep2:7"}
    syncstate.apply_pull_page(store, other_epoch)
    assert store.get_meta(syncstate.META_EPOCH) == "ep2"


def test_mark_skew_writes_only_what_changed(store: Store) -> None:
    assert syncstate.mark_skew(store, 0.2) == 0
    assert store.get_meta(syncstate.META_SKEW) == 0.2
    assert _writes(store, lambda: syncstate.mark_skew(store, 0.6)) == []  # jitter
    assert store.get_meta(syncstate.META_SKEW) == 0.2
    syncstate.mark_skew(store, 1.5)  # moved a second or more
    assert store.get_meta(syncstate.META_SKEW) == 1.5
    # A record made since the last measurement moves the clock-ok mark.
    with store.atomic() as db:
        db.execute(
            "INSERT INTO events (id, type, household_id, programme, created_by, device_id, "
            "device_time, payload, sync_state, local_order) VALUES ('e1', 'note', 'h1', "
            "'welfare_check', 'u', 'd', '2026-01-01T00:00:00+00:00', '{}', 'pending', 41)"
        )
    syncstate.mark_skew(store, 1.5)
    assert store.get_meta(syncstate.META_CLOCK_OK_ORDER) == 41
    # Over the limit: the pending record made meanwhile... was covered by the mark; a new one
    # made after it is flagged.
    with store.atomic() as db:
        db.execute(
            "INSERT INTO events (id, type, household_id, programme, created_by, device_id, "
            "device_time, payload, sync_state, local_order) VALUES ('e2', 'note', 'h1', "
            "'welfare_check', 'u', 'd', '2026-01-01T00:00:00+00:00', '{}', 'pending', 42)"
        )
    assert syncstate.mark_skew(store, 600.0) == 1
    assert syncstate.clock_is_off(store)
    assert syncstate.mark_skew(store, 600.2) == 0
    assert syncstate.clock_is_off(store)
    syncstate.mark_skew(store, 0.0)  # back under the limit: written, whatever the distance
    assert not syncstate.clock_is_off(store)


def test_push_results_in_bulk_mixed_events_and_edits(store: Store) -> None:
    def pending_event(order: int) -> str:
        eid = str(uuid.uuid4())
        with store.atomic() as db:
            db.execute(
                "INSERT INTO events (id, type, household_id, programme, created_by, device_id, "
                "device_time, payload, sync_state, reject_reason, local_order) VALUES (?, "
                "'note', 'h1', 'welfare_check', 'u', 'd', '2026-01-01T00:00:00+00:00', "
                "'{\"text\": \"가\"}', 'pending', 'old reason', ?)",
                [eid, order],
            )
        return eid

    a, b, c, d = (pending_event(i) for i in range(1, 5))
    with store.atomic() as db:
        db.execute(
            "INSERT INTO household_edits (id, household_id, field, value, base_version, "
            "created_by, device_id, device_time, sync_state, local_order) VALUES ('e1', 'h1', "
            "'phone', '\"+821000000001\"', 1, 'u', 'd', '2026-01-01T00:00:00+00:00', "
            "'pending', 5)"
        )
    batch = syncstate.next_batch(store, 10)
    assert batch is not None and set(batch.item_ids) == {a, b, c, d, "e1"}
    assert batch.items[0]["edit"]["value"] == "+821000000001"  # edits go first
    assert batch.items[1]["event"]["payload"] == {"text": "가"}
    outcome = syncstate.apply_push_results(
        store,
        batch,
        [
            {"id": a, "status": "applied"},
            {"id": b, "status": "rejected", "reason": "no"},
            {"id": c, "status": "conflict", "conflict_id": "c9"},
            {"id": "e1", "status": "duplicate"},
        ],
    )
    assert (outcome.applied, outcome.duplicates, outcome.rejected, outcome.conflicts) == (
        1,
        1,
        1,
        1,
    )
    with store.reading() as db:
        got = {
            r["id"]: (r["sync_state"], r["reject_reason"])
            for r in db.query("SELECT id, sync_state, reject_reason FROM events")
        }
        edit = next(db.query("SELECT sync_state, reject_reason FROM household_edits"))
    assert got == {
        a: ("accepted", None),
        b: ("rejected", "no"),
        c: ("accepted", "conflict c9"),
        d: ("pending", "old reason"),  # not answered: pending again, reason untouched
    }
    assert (edit["sync_state"], edit["reject_reason"]) == ("accepted", None)
