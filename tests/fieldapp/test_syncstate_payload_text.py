"""Pulled payloads are stored as JSON text that decodes to exactly what the server sent."""

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
    {"text": "방문 — 혈압 130/85, \u2028 줄바꿈\n\"따옴표\" \\ 역슬래시"},
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
