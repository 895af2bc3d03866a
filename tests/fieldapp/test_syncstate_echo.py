"""A device's own records coming back in the pull right after its push are not written again
when it holds them exactly as the server sent them; anything that differs still is."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldapp import syncstate
from fieldapp.store import Store

DEVICE = "dev1"
APPLIED_AT = "2026-01-01T01:00:00.250000Z"  # the push answer's form of the server time
PULLED_AT = "2026-01-01T01:00:00.250000+00:00"  # the pull's form of the same instant
PAYLOAD = {"text": "방문", "n": 1.5}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "t.db", Store.create_key(), create=True)
    s.set_meta("device_id", DEVICE)
    with s.atomic() as db:  # counts every write to an events row
        db.execute("CREATE TEMP TABLE writes (id TEXT)")
        db.execute(
            "CREATE TEMP TRIGGER count_writes AFTER UPDATE ON events "
            "BEGIN INSERT INTO writes VALUES (new.id); END"
        )
    yield s
    s.close()


def writes(store: Store) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT id FROM writes").fetchall()]


def pushed(store: Store, status: str = "applied", server_time: str | None = APPLIED_AT) -> str:
    """One event of this device, pushed and answered with *status*."""
    eid = str(uuid.uuid4())
    with store.atomic() as db:
        db.execute(
            "INSERT INTO events (id, type, household_id, programme, created_by, device_id, "
            "device_time, payload, sync_state, local_order) VALUES (?, 'note', 'h1', "
            "'welfare_check', 'vol01', ?, '2026-01-01T09:00:00+09:00', ?, 'pending', ?)",
            [
                eid,
                DEVICE,
                json.dumps(PAYLOAD, ensure_ascii=False),
                syncstate._next_local_order(store),
            ],
        )
    batch = syncstate.next_batch(store, 10)
    assert batch is not None
    syncstate.apply_push_results(
        store, batch, [{"id": eid, "status": status}], server_time=server_time
    )
    store.conn.execute("DELETE FROM writes")
    return eid


def echo(eid: str, **changed: object) -> dict:
    data = {
        "id": eid,
        "type": "note",
        "household_id": "h1",
        "programme": "welfare_check",
        "created_by": "vol01",
        "device_id": DEVICE,
        "device_time": "2026-01-01T00:00:00+00:00",
        "payload": dict(PAYLOAD),
        "amends": None,
        "skew_flag": False,
        "server_time": PULLED_AT,
        "redacted": False,
        "late_handover": False,
        **changed,
    }
    return {"seq": 1, "kind": "event", "household_id": "h1", "data": data}


def pull(store: Store, *changes: dict) -> syncstate.PullOutcome:
    page = {"epoch": "ep", "cursor": "ep:9", "has_more": False, "changes": list(changes)}
    return syncstate.apply_pull_page(store, page)


def row(store: Store, eid: str) -> dict:
    return next(store.db.query("SELECT * FROM events WHERE id = ?", [eid]))


def test_the_push_answer_keeps_the_server_time_in_the_pulls_form(store: Store) -> None:
    eid = pushed(store)
    assert row(store, eid)["server_time"] == PULLED_AT
    assert row(store, eid)["sync_state"] == "accepted"


def test_an_echo_held_as_sent_is_not_written_again(store: Store) -> None:
    ids = [pushed(store) for _ in range(3)]
    before = [row(store, i) for i in ids]
    out = pull(store, *(echo(i) for i in ids))
    assert writes(store) == []
    assert out.events == 3
    assert [row(store, i) for i in ids] == before
    assert store.get_meta(syncstate.META_CURSOR) == "ep:9"  # the page still counts


@pytest.mark.parametrize(
    "changed",
    [
        {"payload": {**PAYLOAD, "result": {"flags": ["new_rule"]}}},  # the server completed it
        {"payload": {"text": "방문", "n": 1}},  # 1.5 -> 1 (not equal as text)
        {"late_handover": True},
        {"server_time": "2026-01-01T01:00:01+00:00"},
    ],
)
def test_an_echo_that_differs_is_written(store: Store, changed: dict) -> None:
    eid = pushed(store)
    pull(store, echo(eid, **changed))
    assert writes(store) == [eid]
    got = row(store, eid)
    assert got["server_time"] == changed.get("server_time", PULLED_AT)
    assert bool(got["late_handover"]) == bool(changed.get("late_handover"))
    assert json.loads(got["payload"]) == changed.get("payload", PAYLOAD)


def test_a_duplicate_answer_has_no_server_time_so_the_echo_is_written(store: Store) -> None:
    eid = pushed(store, status="duplicate")
    assert row(store, eid)["server_time"] is None
    pull(store, echo(eid))
    assert writes(store) == [eid]
    assert row(store, eid)["server_time"] == PULLED_AT


def test_another_devices_record_and_an_unanswered_one_are_written(store: Store) -> None:
    eid = pushed(store)
    other = str(uuid.uuid4())
    # The same record as from another device is inserted; nothing is skipped for it.
    pull(store, echo(eid), echo(other, device_id="dev2"))
    assert row(store, other)["sync_state"] == "accepted"
    # A copy still waiting for its answer (sent) becomes accepted by the pull, as before.
    waiting = str(uuid.uuid4())
    with store.atomic() as db:
        db.execute(
            "INSERT INTO events (id, type, household_id, created_by, device_id, device_time, "
            "payload, sync_state, local_order, server_time) VALUES (?, 'note', 'h1', 'vol01', "
            "?, '2026-01-01T09:00:00+09:00', ?, 'sent', 99, ?)",
            [waiting, DEVICE, json.dumps(PAYLOAD, ensure_ascii=False), PULLED_AT],
        )
    store.conn.execute("DELETE FROM writes")
    pull(store, echo(waiting))
    assert writes(store) == [waiting]
    assert row(store, waiting)["sync_state"] == "accepted"
