"""Horizontal access: a worker with a valid token reaches for another worker's households.

``vol1`` (the attacker) holds ``hh[0]`` and ``hh[1]``; ``vol2`` holds ``hh[2]``; ``hh[3]`` is
nobody's. vol1 pulls, pushes events and household edits to hh[2] and hh[3] and to guessed ids,
poses as vol2 in ``created_by``, and tries the supervisor routes (conflicts, households,
reassignment). The test counts every server table's rows before and after: nothing of the
attack is written, and nothing of hh[2]/hh[3] comes back. A supervisor of another district
is treated the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from sync import protocol as p
from sync.server import admin
from sync.server.models import Base, Event, HouseholdEditLog
from tests.helpers.live_server import LiveServer, serving
from tests.helpers.supervisor import call, move_request
from tests.helpers.world import PASSWORD, World, household_wire

#: Tables a refused request may touch without writing any data: the device's last-seen
#: time, the stored answer of a push (idempotency) and the server's counters.
BOOKKEEPING = {"devices", "push_requests", "server_meta"}


@pytest.fixture
def live(migrated_db_url: str) -> Iterator[LiveServer]:
    """The real server on SQLite and, where one is configured, on PostgreSQL too."""
    with serving(migrated_db_url) as server:
        yield server


def row_counts(live: LiveServer) -> dict[str, int]:
    with live.session() as s:
        return {
            t.name: s.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
            if t.name not in BOOKKEEPING
        }


def seen_ids(changes: list[dict[str, Any]]) -> set[str]:
    """Every id a pull handed out: households, events, and the households they point at."""
    ids: set[str] = set()
    for change in changes:
        data = change["data"]
        for key in ("id", "household_id"):
            if isinstance(data.get(key), str):
                ids.add(data[key])
    return ids


def make_conflict(api: Any, world: World) -> str:
    """vol2 and nurse2 edit hh[2]'s phone from the same version: a per-field conflict."""
    vol2, nurse2 = api(world.vol2), api(world.nurse2)
    version = next(
        c["data"]["field_versions"].get("phone", 0)
        for c in vol2.pull_all()[0]
        if c["kind"] == "household" and c["data"]["id"] == world.hh[2]
    )
    r = vol2.push([vol2.edit(world.hh[2], "phone", "+821000000022", version)])
    assert r.json()["results"][0]["status"] == p.ItemStatus.applied, r.text
    r = nurse2.push([nurse2.edit(world.hh[2], "phone", "+821000000033", version)])
    result = r.json()["results"][0]
    assert result["status"] == p.ItemStatus.conflict, result
    return str(result["conflict_id"])


def test_a_worker_gets_nothing_of_another_workers_households_and_writes_nothing(
    live, world, api
) -> None:
    victim = api(world.vol2)
    assert victim.push([victim.event(world.hh[2], payload={"text": "피해자 가구 메모"})]).ok
    conflict_id = make_conflict(api, world)
    attacker = api(world.vol1)
    before = row_counts(live)

    # 1. Pull: only vol1's own households and their events.
    changes, _cursor = attacker.pull_all()
    ids = seen_ids(changes)
    assert world.hh[0] in ids and world.hh[1] in ids, "the control: own households arrive"
    assert world.hh[2] not in ids and world.hh[3] not in ids
    assert conflict_id not in ids
    assert "피해자" not in str(changes) and "+821000000033" not in str(changes)
    # Query parameters an attacker might guess change nothing.
    r = attacker.pull(household_id=world.hh[2], username=world.vol2, all="1")
    assert r.status_code in (200, 422)
    if r.ok:
        assert world.hh[2] not in seen_ids(r.json()["changes"])

    # 2. Push to the victim's, the unassigned and guessed households; edits too; and events
    #    posing as vol2 on vol2's household.
    guessed = str(uuid.uuid4())
    items = [
        attacker.event(world.hh[2], payload={"text": "공격"}),
        attacker.event(world.hh[3], payload={"text": "공격"}),
        attacker.event(guessed, payload={"text": "공격"}),
        attacker.event(world.hh[2], type="access_log", payload={"action": "view"}),
        attacker.edit(world.hh[2], "phone", "+821000000099", 0),
        attacker.edit(world.hh[3], "address_road", "서울특별시 마포구 공격로 1", 0),
        attacker.edit(guessed, "phone", "+821000000099", 0),
    ]
    impostor = attacker.event(world.hh[2], payload={"text": "공격"})
    impostor["event"]["created_by"] = world.vol2
    items.append(impostor)
    # On the attacker's own household, but written in another person's or device's name.
    for field_name, value in (("created_by", world.vol2), ("device_id", victim.device_id)):
        forged = attacker.event(world.hh[0], payload={"text": "위조"})
        forged["event"][field_name] = value
        items.append(forged)
    r = attacker.push(items)
    assert r.status_code in (200, 403, 404, 422), r.text
    if r.ok:
        statuses = [res["status"] for res in r.json()["results"]]
        assert statuses == [p.ItemStatus.rejected] * len(items), r.json()["results"]
    assert row_counts(live) == before, "the refused pushes wrote nothing"

    # 3. The worker inbox and the supervisor routes: nothing about hh[2], nothing done.
    r = call(attacker, "GET", f"{p.API_PREFIX}/inbox")
    assert r.status_code in (200, 403)
    if r.ok:
        assert world.hh[2] not in str(r.json())
    for method, path, body in [
        ("GET", "/households", None),
        ("GET", "/conflicts", None),
        ("GET", "/board", None),
        ("POST", f"/conflicts/{conflict_id}/resolve", {"choice": "mine"}),
        ("POST", "/assignments/preview", move_request(world.vol1, household_ids=[world.hh[2]])),
        ("POST", "/assignments", move_request(world.vol1, household_ids=[world.hh[2]])),
        (
            "POST",
            "/indicators/export",
            {"start": "2026-01-01", "end": "2026-01-31", "format": "csv", "reason": "보고"},
        ),
    ]:
        r = call(attacker, method, path, json=body)
        assert r.status_code == 403, f"{method} {path}: {r.status_code} {r.text[:200]}"
        assert world.hh[2] not in r.text and "+821000000033" not in r.text
    assert row_counts(live) == before, "the refused supervisor calls wrote nothing"

    # The victim's data is intact.
    with live.session() as s:
        assert s.scalar(select(func.count()).where(Event.household_id == world.hh[2])) == 1
        assert (
            s.scalar(
                select(func.count())
                .select_from(HouseholdEditLog)
                .where(HouseholdEditLog.created_by == world.vol1)
            )
            == 0
        )


def test_a_supervisor_of_another_district_gets_nothing_and_writes_nothing(live, world, api) -> None:
    conflict_id = make_conflict(api, world)
    with live.session() as s:
        admin.create_district(s, "1168000000", "강남구")
        admin.create_dong(s, "1168051000", "1168000000", "가상이동")
        admin.create_user(
            s, "sup9", role="supervisor", district_code="1168000000", password=PASSWORD
        )
        admin.create_user(
            s, "vol9", role="volunteer", district_code="1168000000", password=PASSWORD
        )
        own = admin.create_household(
            s,
            household_wire(
                district_code="1168000000",
                dong_code="1168051000",
                assignments={"welfare_check": "vol9"},
            ),
            actor="sup9",
        ).id
    outsider = api("sup9")
    before = row_counts(live)
    r = call(outsider, "GET", "/households")
    assert r.status_code == 200
    assert own in r.text, "the control: the supervisor sees their own district"
    assert not {world.hh[0], world.hh[1], world.hh[2], world.hh[3]} & set(
        seen := [h.get("id") for h in _rows(r.json())]
    ), seen
    r = call(outsider, "GET", "/conflicts")
    assert r.status_code == 200 and conflict_id not in r.text
    r = call(outsider, "POST", f"/conflicts/{conflict_id}/resolve", json={"choice": "mine"})
    assert r.status_code in (403, 404), r.text
    for path in ("/assignments/preview", "/assignments"):
        r = call(outsider, "POST", path, json=move_request("vol9", household_ids=[world.hh[2]]))
        assert r.status_code in (403, 404), r.text
    r = call(outsider, "POST", f"/users/{world.vol1}/deactivate", json={})
    assert r.status_code in (403, 404), r.text
    assert row_counts(live) == before, "nothing was written in the other district"


def _rows(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, dict):
        for key in ("rows", "households", "items"):
            if isinstance(body.get(key), list):
                return list(body[key])
        return []
    return list(body)
