"""Pull: commit-order pages, cursor and epoch, scope, role filtering, device reports."""

from __future__ import annotations

import json
import uuid

from sync import protocol as p
from sync.server import admin
from sync.server.models import Device
from tests.helpers.world import phq9_payload


def test_pages_follow_the_cursor_and_hold_every_change_once(live, world, api) -> None:
    nurse = api(world.nurse1)
    pushed = [nurse.event(world.hh[i % 2]) for i in range(25)]
    assert nurse.push(pushed).status_code == 200
    cursor, seen, seqs, pages = None, [], [], 0
    while True:
        body = p.PullResponse.model_validate(nurse.pull(cursor, limit=7).json())
        pages += 1
        assert len(body.changes) <= 7
        seqs += [c.seq for c in body.changes]
        seen += [c.data["id"] for c in body.changes if c.kind is p.ChangeKind.event]
        cursor = body.cursor
        if not body.has_more:
            break
    assert pages == 4  # 2 households + 25 events = 27 changes
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert seen == [i["event"]["id"] for i in pushed]  # commit order = push order here
    # Nothing new: an empty page that keeps the cursor.
    again = nurse.pull(cursor).json()
    assert again["changes"] == [] and again["cursor"] == cursor and not again["has_more"]
    # New work shows up after the cursor, and only it.
    late = nurse.event(world.hh[0])
    nurse.push([late])
    body = nurse.pull(cursor).json()
    assert [c["data"]["id"] for c in body["changes"]] == [late["event"]["id"]]


def test_other_epoch_or_cursor_ahead_needs_resync(live, world, api) -> None:
    nurse = api(world.nurse1)
    _, cursor = nurse.pull_all()
    epoch, seq = p.parse_cursor(cursor)
    for bad in (p.make_cursor("another-epoch", seq), p.make_cursor(epoch, seq + 1000)):
        r = nurse.pull(bad)
        assert r.status_code == 409
        assert r.json()["code"] == p.ERR_RESYNC
    with live.session() as s:  # a restore: the operator gives the server a new epoch
        new = admin.new_epoch(s)
    r = nurse.pull(cursor)
    assert r.status_code == 409 and "epoch" in r.json()["detail"]
    assert nurse.pull().json()["epoch"] == new


def test_scope_a_user_sees_only_assigned_households(live, world, api) -> None:
    vol1, vol2 = api(world.vol1), api(world.vol2)
    vol1.push([vol1.event(world.hh[0]), vol1.event(world.hh[1])])
    changes, _ = vol2.pull_all()
    assert {c["household_id"] for c in changes} == {world.hh[2]}
    mine, _ = vol1.pull_all()
    assert {c["household_id"] for c in mine} == {world.hh[0], world.hh[1]}
    household = next(c["data"] for c in mine if c["kind"] == "household")
    record = p.Household.model_validate(household)
    assert record.assignments == {
        p.Programme.welfare_check: world.vol1,
        p.Programme.visiting_health: world.nurse1,
    }
    assert {h["username"] for h in record.assignment_history} == {world.vol1, world.nurse1}


def test_volunteer_never_receives_screening_answers_or_scores(live, world, api) -> None:
    nurse, vol = api(world.nurse1), api(world.vol1)
    programme_event = nurse.event(world.hh[0], "screening", phq9_payload(), "visiting_health")
    shared_event = nurse.event(world.hh[0], "screening", phq9_payload())  # no programme
    note = nurse.event(world.hh[0], "note", {"text": "문 앞에서 인사"})
    r = nurse.push([programme_event, shared_event, note])
    assert [x["status"] for x in r.json()["results"]] == ["applied"] * 3
    changes, _ = vol.pull_all()
    events = {c["data"]["id"]: c["data"] for c in changes if c["kind"] == "event"}
    assert programme_event["event"]["id"] not in events  # the nurse's programme only
    redacted = events[shared_event["event"]["id"]]
    assert redacted["payload"] == {} and redacted["redacted"] is True
    assert events[note["event"]["id"]]["payload"] == {"text": "문 앞에서 인사"}
    text = json.dumps(changes)
    for leak in ('"answers"', '"total"', '"band"', '"q9"', '"result"'):
        assert leak not in text
    # The nurse gets everything, with the server-computed result.
    nurse_changes, _ = nurse.pull_all()
    full = {c["data"]["id"]: c["data"] for c in nurse_changes if c["kind"] == "event"}
    assert full[shared_event["event"]["id"]]["payload"]["answers"]["q9"] == 1
    assert full[programme_event["event"]["id"]]["payload"]["result"]["total"] == 9


def test_pull_stores_what_the_device_reports(live, world, api) -> None:
    vol = api(world.vol1)
    assert vol.pull(pending=3, oldest_pending_s=120).status_code == 200
    with live.session() as s:
        device = s.get(Device, vol.device_id)
        assert device is not None
        assert (device.reported_pending, device.reported_oldest_pending_s) == (3, 120)
        assert device.last_sync_at is not None
    assert vol.pull(pending=-1).status_code == 422


def test_tombstone_for_a_household_deleted_on_the_server(live, world, api) -> None:
    vol = api(world.vol1)
    _, cursor = vol.pull_all()
    with live.session() as s:
        admin.delete_household(s, world.hh[1], actor=world.supervisor)
    changes, _ = vol.pull_all(cursor)
    assert [(c["kind"], c["data"]) for c in changes] == [
        ("tombstone", {"entity": "household", "id": world.hh[1]})
    ]
    r = vol.push([vol.event(world.hh[1])])
    assert r.json()["results"][0]["status"] == "rejected"


def test_a_page_holds_each_household_once_before_its_events(live, world, api) -> None:
    vol, nurse = api(world.vol1), api(world.nurse1)
    vol.push([vol.event(world.hh[0]) for _ in range(3)])
    nurse.push([nurse.edit(world.hh[0], "notes", "초인종 고장", 0)])
    fresh = api(world.vol1)
    changes, _ = fresh.pull_all()
    about = [c for c in changes if c["household_id"] == world.hh[0]]
    assert [c["kind"] for c in about] == ["household", "event", "event", "event"]
    assert about[0]["data"]["notes"] == "초인종 고장"  # the current record, not the first one


def test_corrections_and_voids_must_point_at_a_stored_event_of_the_household(
    live, world, api
) -> None:
    nurse = api(world.nurse1)
    original = nurse.event(world.hh[0], "note", {"text": "오타 있는 메모"})
    nurse.push([original])
    oid = original["event"]["id"]
    fix = nurse.event(world.hh[0], "note", {"text": "고친 메모"}, amends=oid)
    void = nurse.event(world.hh[0], "void", {"reason": "잘못 입력"}, amends=oid)
    wrong_type = nurse.event(world.hh[0], "referral", {}, amends=oid)
    elsewhere = nurse.event(world.hh[1], "void", {"reason": "x"}, amends=oid)
    unknown = nurse.event(world.hh[0], "void", {"reason": "x"}, amends=str(uuid.uuid4()))
    r = nurse.push([fix, void, wrong_type, elsewhere, unknown])
    assert [x["status"] for x in r.json()["results"]] == [
        "applied",
        "applied",
        "rejected",
        "rejected",
        "rejected",
    ]


def test_sqlite_no_op_pull_and_health_do_not_wait_for_a_writer(migrated_sqlite_url) -> None:
    """Reads begin DEFERRED on SQLite: while another connection holds the write lock, a
    no-op pull and the health check still answer at once (a write would wait 30 s)."""
    import sqlite3

    from tests.helpers.live_server import start_server
    from tests.helpers.world import Api, build_world

    server = start_server(migrated_sqlite_url)
    try:
        world = build_world(server)
        client = Api(server.base_url)
        assert client.login(world.vol1).status_code == 200
        _, cursor = client.pull_all()
        writer = sqlite3.connect(migrated_sqlite_url.removeprefix("sqlite:///"), timeout=1)
        writer.isolation_level = None
        writer.execute("BEGIN IMMEDIATE")  # hold the write lock
        try:
            r = client.http.get(server.base_url + p.PULL_PATH, params={"cursor": cursor}, timeout=5)
            assert r.status_code == 200 and r.json()["changes"] == []
            assert client.http.get(server.base_url + p.HEALTH_PATH, timeout=5).status_code == 200
        finally:
            writer.execute("ROLLBACK")
            writer.close()
            client.close()
    finally:
        server.stop()
