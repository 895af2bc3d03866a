"""Reassignment is a hand-over: revoke for the old worker, full history for the new one, and
late records from the old worker are accepted and put in front of the new one."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sync import protocol as p
from sync.server import admin
from sync.server.models import Event, HandoverInbox, PermissionLog


def test_reassignment_revokes_the_old_worker_and_gives_the_new_one_the_history(
    live, world, api
) -> None:
    vol1, vol2 = api(world.vol1), api(world.vol2)
    nurse = api(world.nurse1)
    history = [vol1.event(world.hh[0], "note", {"text": f"안부 {i}"}) for i in range(3)]
    assert vol1.push(history).status_code == 200
    clinical = nurse.event(world.hh[0], "note", {"text": "간호 메모"}, "visiting_health")
    assert nurse.push([clinical]).status_code == 200
    _, c1 = vol1.pull_all()
    _, c2 = vol2.pull_all()
    _, cn = nurse.pull_all()
    with live.session() as s:
        change = admin.assign_household(
            s, world.hh[0], "welfare_check", world.vol2, actor=world.supervisor, reason="이사"
        )
    assert change is not None and (change.old, change.new) == (world.vol1, world.vol2)

    old_side, _ = vol1.pull_all(c1)
    assert [c["kind"] for c in old_side] == ["revoke"]
    revoke = p.Revoke.model_validate(old_side[0]["data"])
    assert (revoke.household_id, revoke.moved_to, revoke.reason) == (
        world.hh[0],
        world.vol2,
        "이사",
    )
    assert revoke.programme is p.Programme.welfare_check

    new_side, _ = vol2.pull_all(c2)
    assert all(c["seq"] > p.parse_cursor(c2)[1] for c in new_side)
    household = next(c["data"] for c in new_side if c["kind"] == "household")
    assert household["assignments"]["welfare_check"] == world.vol2
    assert household["assignment_history"][-1]["previous_username"] == world.vol1
    events = [c["data"]["id"] for c in new_side if c["kind"] == "event"]
    assert events == [h["event"]["id"] for h in history]  # not the nurse's programme note
    # The other programme's worker learns the new assignment.
    nurse_side, _ = nurse.pull_all(cn)
    assert [c["kind"] for c in nurse_side] == ["household"]
    with live.session() as s:
        assert s.scalar(
            select(func.count()).select_from(PermissionLog).where(PermissionLog.action == "assign")
        )


def test_late_push_from_the_old_worker_is_accepted_and_flagged(live, world, api) -> None:
    vol1, vol2 = api(world.vol1), api(world.vol2)
    _, c1 = vol1.pull_all()
    _, c2 = vol2.pull_all()
    with live.session() as s:
        admin.assign_households(
            s, [world.hh[0], world.hh[1]], "welfare_check", world.vol2, actor="sup1", reason="퇴사"
        )
    _, c2 = vol2.pull_all(c2)
    late = vol1.event(world.hh[0], "note", {"text": "늦은 기록"})
    edit = vol1.edit(world.hh[0], "notes", "열쇠는 경비실", 0)
    never = vol1.event(world.hh[2])  # never vol1's
    r = vol1.push([late, edit, never])
    assert [x["status"] for x in r.json()["results"]] == ["applied", "applied", "rejected"]
    with live.session() as s:
        stored = s.get(Event, late["event"]["id"])
        assert stored is not None and stored.late_handover
        assert s.get(Event, never["event"]["id"]) is None
        inbox = s.scalars(select(HandoverInbox).order_by(HandoverInbox.id)).all()
        assert [(i.kind, i.from_username, i.to_username) for i in inbox] == [
            ("event", world.vol1, world.vol2),
            ("household_edit", world.vol1, world.vol2),
        ]
    new_side, _ = vol2.pull_all(c2)
    got = [c["data"] for c in new_side if c["kind"] == "event"]
    assert [(e["id"], e["late_handover"]) for e in got] == [(late["event"]["id"], True)]
    assert any(c["kind"] == "household" and c["data"]["notes"] == "열쇠는 경비실" for c in new_side)
    # The old worker's device sees only the revokes: nothing about the household any more.
    old_side, _ = vol1.pull_all(c1)
    assert {c["kind"] for c in old_side} == {"revoke"}


def test_reassignment_checks_role_and_district(live, world) -> None:
    with live.session() as s, pytest.raises(admin.AdminError, match="cannot hold"):
        admin.assign_household(
            s, world.hh[0], "welfare_check", world.nurse2, actor="x", reason=None
        )
    with live.session() as s, pytest.raises(admin.AdminError, match="no household"):
        admin.assign_household(s, "missing", "welfare_check", world.vol2, actor="x", reason=None)


def test_a_reassignment_during_a_push_still_hands_the_new_worker_its_items(
    live, world, api, monkeypatch
) -> None:
    """The push holds its households while it runs; the move waits for it, then fans out."""
    import threading
    import time

    from sync.server import syncing

    vol1, vol2 = api(world.vol1), api(world.vol2)
    _, c2 = vol2.pull_all()
    in_transaction = threading.Event()
    real = syncing.apply_event

    def slow_apply(ctx, ev, checked=None):
        in_transaction.set()
        time.sleep(0.3)  # the push is inside its transaction, households read and locked
        return real(ctx, ev, checked)

    monkeypatch.setattr(syncing, "apply_event", slow_apply)
    item = vol1.event(world.hh[0], "note", {"text": "이사 직전 기록"})
    pushing = threading.Thread(target=lambda: vol1.push([item]))
    pushing.start()
    assert in_transaction.wait(10)
    with live.session() as s:
        admin.assign_household(
            s, world.hh[0], "welfare_check", world.vol2, actor="sup1", reason="r"
        )
    pushing.join()
    changes, _ = vol2.pull_all(c2)
    assert item["event"]["id"] in {c["data"]["id"] for c in changes if c["kind"] == "event"}
