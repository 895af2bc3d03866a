"""End to end: a supervisor bulk-moves a worker's households while her laptop still holds
records nobody has seen; nothing she recorded is lost, and the new worker gets everything.

Real parts throughout: laptops are profiles signed in through ``sync.client.login`` with their
encrypted stores and ``SyncEngine`` cycles over HTTP, the supervisor works through
``SupervisorClient`` on the same transport, and the server is the real one on a loopback port.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from fieldapp.profile import Profile
from sync.client import login
from sync.client_supervisor import SupervisorClient, selection
from sync.server import models
from sync.transport import Transport
from tests.helpers.cheap import CHEAP_KDF
from tests.helpers.live_server import LiveServer, serving
from tests.helpers.world import PASSWORD, Api, World, build_world
from tests.sync.client.conftest import Device


@pytest.fixture
def live(db_url: str) -> Iterator[LiveServer]:
    with serving(db_url) as server:
        yield server


@pytest.fixture
def laptops(tmp_path: Path, live: LiveServer) -> Iterator[dict[str, Device]]:
    made: dict[str, Device] = {}
    yield made
    for device in made.values():
        device.close()


def laptop(tmp_path: Path, live: LiveServer, made: dict[str, Device], username: str) -> Device:
    profile = Profile(tmp_path / f"{username}-{uuid.uuid4().hex[:6]}")
    store = login(profile, live.base_url, username, PASSWORD, kdf=CHEAP_KDF)
    made[username] = Device(profile, store, username)
    return made[username]


def server_events(live: LiveServer, household_ids: set[str]) -> set[str]:
    with live.session() as s:
        return set(
            s.scalars(
                select(models.Event.id).where(
                    models.Event.household_id.in_(household_ids),
                    models.Event.type != "access_log",
                    (models.Event.programme == "welfare_check") | models.Event.programme.is_(None),
                )
            )
        )


def test_bulk_move_while_the_old_laptop_holds_unsent_records(
    live: LiveServer, tmp_path: Path, laptops: dict[str, Device]
) -> None:
    world: World = build_world(live, n_extra=1)
    moving = {world.hh[0], world.hh[1], world.hh[4]}
    a = laptop(tmp_path, live, laptops, world.vol1)
    b = laptop(tmp_path, live, laptops, world.vol2)
    a.sync()
    b.sync()
    assert a.household_ids() == moving
    history = {a.note(world.hh[0], "지난주 방문: 잘 지내심")}
    assert a.sync().applied == 1

    # The nurse of the same households updates a shared field (A receives it).
    nurse = Api(live.base_url)
    assert nurse.login(world.nurse1).status_code == 200
    r = nurse.push([nurse.edit(hid, "notes", "보건소 메모", 0) for hid in sorted(moving)])
    assert {x["status"] for x in r.json()["results"]} == {"applied"}
    nurse.close()
    assert a.sync().pulled >= 3

    # A goes out on her round and records offline: nobody on the server knows of these yet.
    offline = {
        a.note(world.hh[0], "오프라인 방문 메모"),
        a.note(world.hh[1], "우편물 쌓임"),
        a.note(world.hh[4], "전화 받지 않음"),
    }
    assert a.states().get("pending") == 3
    with live.session() as s:  # her last sync was this morning, three hours ago
        dev = s.get(models.Device, a.device_id)
        dev.last_sync_at = dev.last_sync_at - timedelta(hours=3)

    # The supervisor previews moving all of A's households to B, then applies.
    sup = Api(live.base_url)
    assert sup.login(world.supervisor).status_code == 200
    assert sup.token is not None
    client = SupervisorClient.for_token(Transport(live.base_url, max_attempts=1), sup.token)
    chosen = selection(from_username=world.vol1)
    preview = client.preview("welfare_check", world.vol2, chosen)
    assert {m["household_id"] for m in preview["moving"]} == moving
    # A's laptop is named: it reported nothing pending at its last sync, three hours ago,
    # so it may hold records made since (which it does).
    [held] = preview["devices_pending"]
    assert (held["device_id"], held["state"], held["reported_pending"]) == (
        a.device_id,
        "unknown",
        0,
    )
    assert held["households"] == 3
    assert preview["download_events"] == 1  # the history B does not hold yet
    done = client.reassign("welfare_check", world.vol2, chosen, "돌봄단 활동 종료")
    assert {m["household_id"] for m in done["moved"]} == moving

    # A syncs later: everything she recorded reaches the server before she lets go.
    report = a.sync()
    assert report.completed and report.applied == 3 and report.rejected == 0
    assert sorted(report.handed_over) == sorted(moving)
    mine = history | offline
    assert mine <= server_events(live, moving)
    assert a.household_ids() == set()
    assert a.event_ids() == set()
    gone = {r["household_id"]: r for r in a.store.db.query("SELECT * FROM handovers")}
    assert set(gone) == moving and {g["moved_to"] for g in gone.values()} == {world.vol2}

    # The late records are in B's hand-over inbox (and the supervisor's).
    late = offline
    b_inbox = SupervisorClient.for_token(
        Transport(live.base_url, max_attempts=1), b.engine()._current_token()
    ).my_inbox()
    assert {i["ref_id"] for i in b_inbox} == late
    assert {i["ref_id"] for i in client.inbox()} == late

    # B's laptop has the households with their full history, late records flagged.
    b.sync()
    assert moving <= b.household_ids()
    assert b.event_ids() >= mine
    for hid in moving:
        assert b.event_ids(hid) == server_events(live, {hid})
    flagged = {r["id"] for r in b.store.db.query("SELECT id FROM events WHERE late_handover = 1")}
    assert flagged == late
    for row in b.store.db.query("SELECT id, notes, assignments FROM households"):
        if row["id"] in moving:
            assert row["notes"] == "보건소 메모" and world.vol2 in row["assignments"]
    client_acks = client.acknowledge(i["id"] for i in client.inbox())
    assert len(client_acks) == len(late)
    sup.close()
