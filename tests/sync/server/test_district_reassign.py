"""Reassignment through the supervisor routes: dry-run preview, atomic apply, undo."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from sync.server.models import Assignment, Device, Feed, PermissionLog
from tests.helpers.supervisor import call, move_request, ok


def _owner(live, hid: str, programme: str = "welfare_check") -> str | None:
    with live.session() as s:
        row = s.get(Assignment, (hid, programme))
        return row.username if row else None


def test_preview_shows_what_moves_and_the_devices_with_pending_records(live, world, api) -> None:
    vol1, sup = api(world.vol1), api(world.supervisor)
    assert vol1.push([vol1.event(world.hh[0], "note", {"text": "안부"})]).status_code == 200
    vol1.pull(pending=3, oldest_pending_s=120).raise_for_status()  # the device reports 3 unsent
    before = _feed_size(live)
    preview = ok(
        call(
            sup, "POST", "/assignments/preview", json=move_request(world.vol2, from_username="vol1")
        )
    )
    assert sorted(m["household_id"] for m in preview["moving"]) == sorted(world.hh[:2])
    assert {m["from_username"] for m in preview["moving"]} == {world.vol1}
    workers = {w["username"]: (w["losing"], w["gaining"]) for w in preview["workers"]}
    assert workers == {world.vol1: (2, 0), world.vol2: (0, 2)}
    [device] = preview["devices_pending"]
    assert (device["device_id"], device["reported_pending"]) == (vol1.device_id, 3)
    assert device["last_sync_at"] is not None
    assert preview["download_events"] == 1 and preview["download_bytes"] > 500
    assert _feed_size(live) == before  # a dry run writes nothing
    assert _owner(live, world.hh[0]) == world.vol1


def test_a_device_that_reported_nothing_pending_is_not_listed(live, world, api) -> None:
    vol1, sup = api(world.vol1), api(world.supervisor)
    vol1.pull(pending=0).raise_for_status()
    preview = ok(
        call(
            sup,
            "POST",
            "/assignments/preview",
            json=move_request(world.vol2, household_ids=[world.hh[0]]),
        )
    )
    assert preview["devices_pending"] == []


def _feed_size(live) -> int:
    with live.session() as s:
        return s.scalar(select(func.count()).select_from(Feed))


def test_apply_moves_atomically_with_a_reason_and_undo_moves_back(live, world, api) -> None:
    vol1, vol2, sup = api(world.vol1), api(world.vol2), api(world.supervisor)
    _, c1 = vol1.pull_all()
    _, c2 = vol2.pull_all()
    done = ok(
        call(
            sup,
            "POST",
            "/assignments",
            json=move_request(world.vol2, from_username="vol1", reason="퇴사"),
        )
    )
    assert {m["household_id"] for m in done["moved"]} == set(world.hh[:2])
    assert done["undo_token"] == done["batch_id"]
    assert _owner(live, world.hh[0]) == _owner(live, world.hh[1]) == world.vol2
    assert _owner(live, world.hh[0], "visiting_health") == world.nurse1  # other programme kept
    old_side, c1 = vol1.pull_all(c1)
    assert sorted(c["household_id"] for c in old_side if c["kind"] == "revoke") == sorted(
        world.hh[:2]
    )
    new_side, c2 = vol2.pull_all(c2)
    assert {c["household_id"] for c in new_side if c["kind"] == "household"} >= set(world.hh[:2])
    with live.session() as s:
        batch = s.scalars(
            select(PermissionLog).where(PermissionLog.action == "reassign_batch")
        ).one()
        assert batch.actor == world.supervisor and batch.detail["reason"] == "퇴사"
        assert (
            s.scalar(
                select(func.count())
                .select_from(PermissionLog)
                .where(PermissionLog.action == "assign")
            )
            >= 2
        )

    undone = ok(call(sup, "POST", f"/assignments/{done['undo_token']}/undo", json={}))
    assert undone["undo_of"] == done["batch_id"]
    assert {(m["from_username"], m["to_username"]) for m in undone["moved"]} == {
        (world.vol2, world.vol1)
    }
    assert _owner(live, world.hh[0]) == _owner(live, world.hh[1]) == world.vol1
    back, _ = vol1.pull_all(c1)
    assert {c["household_id"] for c in back if c["kind"] == "household"} >= set(world.hh[:2])
    gone, _ = vol2.pull_all(c2)
    assert sorted(c["household_id"] for c in gone if c["kind"] == "revoke") == sorted(world.hh[:2])
    again = call(sup, "POST", f"/assignments/{done['batch_id']}/undo", json={})
    assert again.status_code == 422 and "already undone" in again.json()["detail"]


def test_apply_refuses_without_reason_and_bad_receivers(live, world, api) -> None:
    sup = api(world.supervisor)
    before = _feed_size(live)
    r = call(
        sup,
        "POST",
        "/assignments",
        json=move_request(world.vol2, household_ids=[world.hh[0]], reason=" "),
    )
    assert r.status_code == 422 and "reason" in r.json()["detail"]
    r = call(
        sup, "POST", "/assignments", json=move_request(world.nurse2, household_ids=[world.hh[0]])
    )
    assert r.status_code == 422 and "cannot hold" in r.json()["detail"]
    r = call(sup, "POST", "/assignments", json=move_request(world.vol2, household_ids=[]))
    assert r.status_code == 422
    r = call(sup, "POST", "/assignments", json=move_request(world.vol2))
    assert r.status_code == 422 and "choose households" in r.json()["detail"]
    # One unknown household in the list: nothing moves.
    r = call(
        sup,
        "POST",
        "/assignments",
        json=move_request(world.vol2, household_ids=[world.hh[0], "nope"]),
    )
    assert r.status_code == 404
    assert _owner(live, world.hh[0]) == world.vol1
    assert _feed_size(live) == before


def test_undo_is_refused_once_the_households_moved_again(live, world, api) -> None:
    sup = api(world.supervisor)
    first = ok(
        call(
            sup, "POST", "/assignments", json=move_request(world.vol2, household_ids=[world.hh[0]])
        )
    )
    ok(
        call(
            sup, "POST", "/assignments", json=move_request(world.vol1, household_ids=[world.hh[0]])
        )
    )
    r = call(sup, "POST", f"/assignments/{first['batch_id']}/undo", json={})
    assert r.status_code == 422 and "moved again" in r.json()["detail"]


def test_filter_selection_and_visiting_health(live, world, api) -> None:
    sup = api(world.supervisor)
    preview = ok(
        call(
            sup,
            "POST",
            "/assignments/preview",
            json=move_request(
                world.nurse2,
                programme="visiting_health",
                from_username="nurse1",
                risk_level="medium",
            ),
        )
    )
    assert sorted(m["household_id"] for m in preview["moving"]) == sorted(world.hh[:2])
    preview = ok(
        call(
            sup,
            "POST",
            "/assignments/preview",
            json=move_request(world.vol1, household_ids=world.hh[:3]),
        )
    )
    assert preview["already_there"] == world.hh[:2]
    assert [m["household_id"] for m in preview["moving"]] == [world.hh[2]]


def test_a_device_silent_for_long_is_listed_as_unknown(live, world, api) -> None:
    vol1, sup = api(world.vol1), api(world.supervisor)
    vol1.pull(pending=0).raise_for_status()
    with live.session() as s:
        dev = s.get(Device, vol1.device_id)
        dev.last_sync_at = dev.last_sync_at - timedelta(hours=3)
    preview = ok(
        call(
            sup,
            "POST",
            "/assignments/preview",
            json=move_request(world.vol2, household_ids=[world.hh[0]]),
        )
    )
    [device] = preview["devices_pending"]
    assert (device["device_id"], device["state"], device["reported_pending"]) == (
        vol1.device_id,
        "unknown",
        0,
    )


def test_all_households_of_a_worker_who_left(live, world, api) -> None:
    sup = api(world.supervisor)
    ok(call(sup, "POST", f"/users/{world.vol1}/deactivate"))
    board = ok(call(sup, "GET", "/board"))
    left = next(w for w in board["workers"] if w["username"] == world.vol1)
    assert (left["active"], left["caseload"]) == (False, 2)
    done = ok(
        call(sup, "POST", "/assignments", json=move_request(world.vol2, from_username=world.vol1))
    )
    assert len(done["moved"]) == 2
    r = call(
        sup, "POST", "/assignments", json=move_request(world.vol1, household_ids=[world.hh[2]])
    )
    assert r.status_code == 422 and "deactivated" in r.json()["detail"]
