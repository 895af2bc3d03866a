"""The local half of sync: outbox batches, statuses, pull pages with their cursor, hand-over."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldapp import syncstate
from fieldapp.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "t.db", Store.create_key(), create=True)
    yield s
    s.close()


def add_event(
    store: Store, household: str = "h1", *, state: str = "pending", device: str = "dev1"
) -> str:
    eid = str(uuid.uuid4())
    with store.atomic() as db:
        order = syncstate._next_local_order(store)
        db.execute(
            "INSERT INTO events (id, type, household_id, programme, created_by, device_id, "
            "device_time, payload, sync_state, local_order) VALUES (?, 'note', ?, "
            "'welfare_check', 'vol01', ?, '2026-01-01T09:00:00+09:00', ?, ?, ?)",
            [eid, household, device, json.dumps({"text": "방문"}), state, order],
        )
    return eid


def add_edit(store: Store, household: str = "h1", field: str = "phone") -> str:
    eid = str(uuid.uuid4())
    with store.atomic() as db:
        db.execute(
            "INSERT INTO household_edits (id, household_id, field, value, base_version, "
            "created_by, device_id, device_time, local_order) VALUES (?, ?, ?, ?, 1, 'vol01', "
            "'dev1', '2026-01-01T09:00:00+09:00', 1)",
            [eid, household, field, json.dumps("+821000000001")],
        )
    return eid


def states(store: Store) -> dict[str, str]:
    rows = store.db.query(
        "SELECT id, sync_state FROM events UNION ALL SELECT id, sync_state FROM household_edits"
    )
    return {r["id"]: r["sync_state"] for r in rows}


def test_next_batch_is_reused_until_answered(store: Store) -> None:
    ids = [add_event(store) for _ in range(5)]
    edit = add_edit(store)
    batch = syncstate.next_batch(store, 4)
    assert batch is not None
    assert batch.item_ids == [edit, *ids[:3]]  # edits first, then events in creation order
    assert all(states(store)[i] == "sent" for i in batch.item_ids)
    again = syncstate.next_batch(store, 4)
    assert again == batch  # same key, same items: the retry is idempotent
    assert again.items[1]["event"]["payload"] == {"text": "방문"}
    attempts = next(store.db.query("SELECT attempts FROM outbox_batches"))["attempts"]
    assert attempts == 2


def test_push_results_mark_each_item_and_drop_the_batch(store: Store) -> None:
    a, b, c, d = (add_event(store) for _ in range(4))
    batch = syncstate.next_batch(store, 10)
    assert batch is not None
    outcome = syncstate.apply_push_results(
        store,
        batch,
        [
            {"id": a, "status": "applied"},
            {"id": b, "status": "duplicate"},
            {"id": c, "status": "rejected", "reason": "household not assigned to you"},
        ],
    )
    assert (outcome.applied, outcome.duplicates, outcome.rejected) == (1, 1, 1)
    st = states(store)
    assert st == {a: "accepted", b: "accepted", c: "rejected", d: "pending"}
    reason = next(store.db.query("SELECT reject_reason FROM events WHERE id = ?", [c]))
    assert reason["reject_reason"] == "household not assigned to you"
    assert store.db["outbox_batches"].count == 0
    # The rejected item does not block the queue: the next batch carries d only.
    nxt = syncstate.next_batch(store, 10)
    assert nxt is not None and nxt.item_ids == [d]


def test_conflict_result_keeps_the_edit_value(store: Store) -> None:
    edit = add_edit(store)
    batch = syncstate.next_batch(store, 10)
    assert batch is not None
    syncstate.apply_push_results(
        store, batch, [{"id": edit, "status": "conflict", "conflict_id": "c1"}]
    )
    row = next(store.db.query("SELECT * FROM conflicts"))
    assert row["id"] == "c1" and json.loads(row["data"])["mine"] == "+821000000001"


def test_shrink_batch_uses_a_new_key_and_requeues_the_rest(store: Store) -> None:
    ids = [add_event(store) for _ in range(6)]
    batch = syncstate.next_batch(store, 6)
    assert batch is not None
    half = syncstate.shrink_batch(store, batch, 3)
    assert half.idempotency_key != batch.idempotency_key
    assert half.item_ids == ids[:3]
    st = states(store)
    assert [st[i] for i in ids] == ["sent"] * 3 + ["pending"] * 3
    assert syncstate.current_batch(store) == half


def page(changes: list[dict], cursor: str = "ep1:5", has_more: bool = False) -> dict:
    return {
        "epoch": cursor.split(":")[0],
        "cursor": cursor,
        "has_more": has_more,
        "changes": changes,
        "server_time": "2026-01-01T00:00:00+00:00",
    }


def wire_event(eid: str, household: str = "h1") -> dict:
    return {
        "id": eid,
        "type": "note",
        "household_id": household,
        "programme": "welfare_check",
        "created_by": "vol02",
        "device_id": "dev2",
        "device_time": "2026-01-01T10:00:00+09:00",
        "payload": {"text": "전화"},
        "amends": None,
        "skew_flag": False,
        "server_time": "2026-01-01T01:00:00+00:00",
        "redacted": False,
        "late_handover": False,
    }


def test_pull_page_applies_events_and_cursor_together(store: Store) -> None:
    mine = add_event(store)
    other = str(uuid.uuid4())
    changes = [
        {"seq": 4, "kind": "event", "household_id": "h1", "data": wire_event(other)},
        {
            "seq": 5,
            "kind": "event",
            "household_id": "h1",
            "data": {**wire_event(mine), "created_by": "vol01"},
        },
    ]
    syncstate.apply_pull_page(store, page(changes))
    assert store.get_meta(syncstate.META_CURSOR) == "ep1:5"
    assert states(store) == {mine: "accepted", other: "accepted"}
    # Applying the same page again changes nothing (insert-or-ignore).
    syncstate.apply_pull_page(store, page(changes))
    assert store.db["events"].count == 2


def test_a_failing_page_leaves_neither_changes_nor_cursor(store: Store) -> None:
    bad = [
        {"seq": 1, "kind": "event", "household_id": "h1", "data": wire_event(str(uuid.uuid4()))},
        {"seq": 2, "kind": "event", "household_id": "h1", "data": {"id": "x"}},  # broken
    ]
    with pytest.raises(KeyError):
        syncstate.apply_pull_page(store, page(bad, "ep1:2"))
    assert store.db["events"].count == 0
    assert store.get_meta(syncstate.META_CURSOR) is None


def test_handover_waits_for_pending_then_purges_and_quarantines(store: Store) -> None:
    store.db["households"].insert(
        {
            "id": "h1",
            "district_code": "11440",
            "dong_code": "d1",
            "household_type": "elderly_alone",
            "address_road": "서울특별시 마포구 가상로 1",
        }
    )
    pending = add_event(store)
    refused = add_event(store)
    store.db.execute(
        "UPDATE events SET sync_state = 'rejected', reject_reason = 'late' WHERE id = ?", [refused]
    )
    revoke = {
        "household_id": "h1",
        "programme": "welfare_check",
        "moved_to": "vol02",
        "moved_at": "2026-01-02T00:00:00+00:00",
        "reason": "재배정",
    }
    syncstate.apply_pull_page(
        store, page([{"seq": 9, "kind": "revoke", "household_id": "h1", "data": revoke}])
    )
    assert syncstate.pending_handovers(store) == ["h1"]
    assert syncstate.complete_handovers(store) == []  # something is still pending: keep it
    assert store.db["households"].count == 1
    store.db.execute("UPDATE events SET sync_state = 'accepted' WHERE id = ?", [pending])
    assert syncstate.complete_handovers(store) == ["h1"]
    assert store.db["households"].count == 0 and store.db["events"].count == 0
    q = list(store.db.query("SELECT * FROM quarantine"))
    assert [r["id"] for r in q] == [refused] and q[0]["reason"] == "late"
    h = next(store.db.query("SELECT * FROM handovers"))
    assert h["moved_to"] == "vol02" and h["purged_at"] and "가상로" in h["label"]
    assert syncstate.local_counts(store).quarantined == 1


def test_prepare_resync_requeues_this_devices_events_and_clears_cursor(store: Store) -> None:
    mine = add_event(store, state="accepted")
    refused = add_event(store, state="rejected")
    theirs = add_event(store, state="accepted", device="dev2")
    store.set_meta(syncstate.META_CURSOR, "ep1:40")
    assert syncstate.prepare_resync(store, "dev1") == 1
    assert states(store) == {mine: "pending", refused: "rejected", theirs: "accepted"}
    assert store.get_meta(syncstate.META_CURSOR) is None


def test_mark_skew_flags_pending_records_made_while_the_clock_was_off(store: Store) -> None:
    early = add_event(store)
    assert syncstate.mark_skew(store, 12.0) == 0  # clock fine: nothing flagged
    later = add_event(store)
    assert syncstate.mark_skew(store, -900.0) == 1
    flags = {r["id"]: r["skew_flag"] for r in store.db.query("SELECT id, skew_flag FROM events")}
    assert flags == {early: 0, later: 1}
    assert syncstate.clock_is_off(store)


def test_export_pending_lists_everything_not_accepted(store: Store) -> None:
    add_event(store, state="accepted")
    p = add_event(store)
    r = add_event(store, state="rejected")
    out = syncstate.export_pending(store)
    assert sorted(e["id"] for e in out["events"]) == sorted([p, r])


def test_lists_for_the_ui(store: Store) -> None:
    r = add_event(store, state="rejected")
    store.db.execute("UPDATE events SET reject_reason = 'not yours' WHERE id = ?", [r])
    rejected = syncstate.list_rejected(store)
    assert [(x["id"], x["kind"], x["reject_reason"]) for x in rejected] == [
        (r, "event", "not yours")
    ]
    syncstate.start_local_handover(store, "h9", "welfare_check", "server restored")
    assert [h["household_id"] for h in syncstate.list_handovers(store)] == ["h9"]
    assert syncstate.complete_handovers(store) == ["h9"]
    assert syncstate.list_quarantine(store) == []


def test_a_household_deleted_on_the_server_keeps_pending_records_until_settled(
    store: Store,
) -> None:
    store.db["households"].insert(
        {
            "id": "h1",
            "district_code": "11440",
            "dong_code": "d1",
            "household_type": "elderly_alone",
            "address_road": "서울특별시 마포구 가상로 3",
        }
    )
    pending = add_event(store)
    tomb = {
        "seq": 3,
        "kind": "tombstone",
        "household_id": "h1",
        "data": {"entity": "household", "id": "h1"},
    }
    syncstate.apply_pull_page(store, page([tomb]))
    assert store.db["households"].count == 1 and syncstate.complete_handovers(store) == []
    store.db.execute(
        "UPDATE events SET sync_state = 'rejected', reject_reason = 'deleted' WHERE id = ?",
        [pending],
    )
    assert syncstate.complete_handovers(store) == ["h1"]
    assert [q["id"] for q in syncstate.list_quarantine(store)] == [pending]
    assert store.db["households"].count == 0
