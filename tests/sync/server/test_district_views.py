"""Board, hand-over inbox, conflicts, users and devices through the supervisor routes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from sync.server import admin
from sync.server.models import Household, Incident, PermissionLog
from tests.helpers.payloads import welfare_payload
from tests.helpers.supervisor import call, move_request, ok
from tests.helpers.world import PASSWORD, Api


def test_board_counts_caseload_risk_actions_and_device_state(live, world, api) -> None:
    vol1, sup = api(world.vol1), api(world.supervisor)
    with live.session() as s:
        s.get(Household, world.hh[1]).risk_level = "high"
    # hh[0]: a welfare check today (not due); hh[1]: never contacted (overdue first contact).
    check = vol1.event(
        world.hh[0],
        "welfare_check",
        welfare_payload(),
        "welfare_check",
    )
    r = vol1.push([check])
    assert r.json()["results"][0]["status"] == "applied", r.text
    vol1.pull(pending=2).raise_for_status()
    board = ok(call(sup, "GET", "/board"))
    rows = {w["username"]: w for w in board["workers"]}
    assert set(rows) == {world.vol1, world.vol2, world.nurse1, world.nurse2}
    v1 = rows[world.vol1]
    assert (v1["programme"], v1["caseload"], v1["high_risk"]) == ("welfare_check", 2, 1)
    assert v1["overdue"] + v1["due_today"] + v1["immediate_open"] >= 1
    assert v1["pending_reported"] == 2 and v1["last_sync_at"] is not None
    assert [d["id"] for d in v1["devices"]] == [vol1.device_id]
    assert rows[world.nurse1]["caseload"] == 2 and rows[world.vol2]["caseload"] == 1
    assert board["households"] == 4
    assert board["unassigned"] == {"welfare_check": 1, "visiting_health": 1}


def test_inbox_for_supervisor_and_the_new_worker_with_acknowledgement(live, world, api) -> None:
    vol1, vol2, sup = api(world.vol1), api(world.vol2), api(world.supervisor)
    ok(
        call(
            sup, "POST", "/assignments", json=move_request(world.vol2, household_ids=[world.hh[0]])
        )
    )
    late = vol1.event(world.hh[0], "note", {"text": "늦게 보낸 기록"})
    assert vol1.push([late]).json()["results"][0]["status"] == "applied"
    [item] = ok(call(sup, "GET", "/inbox"))
    assert (item["ref_id"], item["from_username"], item["to_username"], item["summary"]) == (
        late["event"]["id"],
        world.vol1,
        world.vol2,
        "note",
    )
    # The worker sees their own inbox through the worker route; vol1 sees nothing of it.
    assert [i["id"] for i in ok(call(vol2, "GET", "/api/v1/inbox"))] == [item["id"]]
    assert ok(call(vol1, "GET", "/api/v1/inbox")) == []
    assert call(vol1, "POST", "/api/v1/inbox/ack", json={"ids": [item["id"]]}).status_code == 404
    acked = ok(call(vol2, "POST", "/api/v1/inbox/ack", json={"ids": [item["id"]]}))
    assert acked == {"acknowledged": [item["id"]]}
    assert ok(call(sup, "GET", "/inbox")) == []
    [old] = ok(call(sup, "GET", "/inbox", params={"include_acknowledged": "true"}))
    assert old["acknowledged_by"] == world.vol2
    # Acknowledging again changes nothing.
    assert ok(call(sup, "POST", "/inbox/ack", json={"ids": [item["id"]]})) == {"acknowledged": []}


def _make_conflict(world, api) -> tuple[Api, Api]:
    vol1, nurse1 = api(world.vol1), api(world.nurse1)
    vol1.pull_all()
    nurse1.pull_all()
    r1 = vol1.push([vol1.edit(world.hh[0], "notes", "열쇠는 경비실", 0)])
    r2 = nurse1.push([nurse1.edit(world.hh[0], "notes", "열쇠는 옆집", 0)])
    assert r1.json()["results"][0]["status"] == "applied"
    assert r2.json()["results"][0]["status"] == "conflict"
    return vol1, nurse1


def test_conflicts_list_both_values_and_resolving_syncs_to_holders(live, world, api) -> None:
    vol1, nurse1 = _make_conflict(world, api)
    _, c1 = vol1.pull_all()
    _, cn = nurse1.pull_all()
    sup = api(world.supervisor)
    [conflict] = ok(call(sup, "GET", "/conflicts"))
    assert conflict["field"] == "notes"
    assert {conflict["mine"], conflict["theirs"]} == {"열쇠는 경비실", "열쇠는 옆집"}
    assert conflict["mine_by"] == world.nurse1 and conflict["theirs_by"] == world.vol1
    resolved = ok(
        call(
            sup,
            "POST",
            f"/conflicts/{conflict['id']}/resolve",
            json={"choice": "edited", "value": "열쇠는 경비실 (옆집에도 있음)"},
        )
    )
    assert resolved["status"] == "resolved" and resolved["resolved_by"] == world.supervisor
    assert ok(call(sup, "GET", "/conflicts")) == []
    for device, cursor in ((vol1, c1), (nurse1, cn)):
        changes, _ = device.pull_all(cursor)
        household = next(c["data"] for c in changes if c["kind"] == "household")
        assert household["notes"] == "열쇠는 경비실 (옆집에도 있음)"
        assert household["field_versions"]["notes"] == 2
        assert any(c["kind"] == "conflict" and c["data"]["status"] == "resolved" for c in changes)
    again = call(sup, "POST", f"/conflicts/{conflict['id']}/resolve", json={"choice": "mine"})
    assert again.status_code == 422


def test_resolve_by_choosing_and_invalid_value(live, world, api) -> None:
    _make_conflict(world, api)
    sup = api(world.supervisor)
    [conflict] = ok(call(sup, "GET", "/conflicts"))
    r = call(
        sup, "POST", f"/conflicts/{conflict['id']}/resolve", json={"choice": "edited", "value": 5}
    )
    assert r.status_code == 422 and "not valid" in r.json()["detail"]
    ok(call(sup, "POST", f"/conflicts/{conflict['id']}/resolve", json={"choice": "mine"}))
    with live.session() as s:
        assert s.get(Household, world.hh[0]).notes == conflict["mine"]


def test_users_created_deactivated_role_changed_all_logged(live, world, api) -> None:
    sup = api(world.supervisor)
    made = ok(
        call(
            sup,
            "POST",
            "/users",
            json={
                "username": "vol3",
                "display_name": "새 돌봄단",
                "role": "volunteer",
                "password": PASSWORD,
            },
        )
    )
    assert (made["role"], made["active"]) == ("volunteer", True)
    weak = call(
        sup, "POST", "/users", json={"username": "vol4", "role": "volunteer", "password": "short"}
    )
    assert weak.status_code == 422
    assert (
        call(
            sup,
            "POST",
            "/users",
            json={"username": "vol3", "role": "volunteer", "password": PASSWORD},
        ).status_code
        == 422
    )
    assert ok(call(sup, "POST", "/users/vol3/role", json={"role": "nurse"}))["role"] == "nurse"
    vol3 = Api(live.base_url)
    assert vol3.login("vol3").status_code == 200
    assert ok(call(sup, "POST", "/users/vol3/deactivate"))["active"] is False
    r = vol3.pull()
    assert r.status_code == 401 and r.json()["wipe"] is True
    vol3.close()
    assert call(sup, "POST", f"/users/{world.supervisor}/deactivate").status_code == 422
    with live.session() as s:
        actions = [
            e.action
            for e in s.scalars(
                select(PermissionLog)
                .where(PermissionLog.subject_id == "vol3")
                .order_by(PermissionLog.id)
            )
        ]
    assert (
        actions[0] == "create_user" and "set_role" in actions and actions[-1] == "deactivate_user"
    )


def test_device_marked_lost_wipes_and_starts_the_72_hour_clock(live, world, api) -> None:
    vol1, sup = api(world.vol1), api(world.supervisor)
    devices = ok(call(sup, "GET", "/devices"))
    assert vol1.device_id in {d["id"] for d in devices}
    incident = ok(
        call(sup, "POST", f"/devices/{vol1.device_id}/lost", json={"note": "지하철에서 분실"})
    )
    at = datetime.fromisoformat(incident["at"])
    assert datetime.fromisoformat(incident["report_due"]) - at == timedelta(hours=72)
    assert abs(datetime.now(UTC) - at) < timedelta(minutes=5)
    r = vol1.pull()
    assert r.status_code == 401 and r.json()["wipe"] is True
    assert call(sup, "POST", f"/devices/{vol1.device_id}/lost", json={}).status_code == 422
    [listed] = ok(call(sup, "GET", "/incidents"))
    assert listed["id"] == incident["id"] and listed["note"] == "지하철에서 분실"
    with live.session() as s:
        assert s.get(Incident, incident["id"]).reported_by == world.supervisor
        admin.get_user(s, world.vol1)  # the account itself stays


def test_board_keeps_households_of_a_worker_whose_role_changed(live, world, api) -> None:
    sup = api(world.supervisor)
    ok(call(sup, "POST", f"/users/{world.nurse1}/role", json={"role": "volunteer"}))
    rows = [
        (w["programme"], w["caseload"])
        for w in ok(call(sup, "GET", "/board"))["workers"]
        if w["username"] == world.nurse1
    ]
    assert sorted(rows) == [("visiting_health", 2), ("welfare_check", 0)]
