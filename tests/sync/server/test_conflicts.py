"""Household edits merge per field with a base version; a concurrent change keeps both values."""

from __future__ import annotations

from sqlalchemy import select

from sync import protocol as p
from sync.server import admin
from sync.server.models import Conflict, Household


def _household(client, hid: str) -> dict:
    changes, _ = client.pull_all()
    return [c["data"] for c in changes if c["kind"] == "household" and c["household_id"] == hid][-1]


def test_edit_on_current_version_applies_and_reaches_the_other_worker(live, world, api) -> None:
    vol, nurse = api(world.vol1), api(world.nurse1)
    _, cursor = nurse.pull_all()
    r = vol.push([vol.edit(world.hh[0], "phone", "+821000000002", 0)])
    assert r.json()["results"][0]["status"] == "applied"
    changes, _ = nurse.pull_all(cursor)
    assert [c["kind"] for c in changes] == ["household"]
    assert changes[0]["data"]["phone"] == "+821000000002"
    assert changes[0]["data"]["field_versions"] == {"phone": 1}
    r = vol.push([vol.edit(world.hh[0], "phone", "+821000000003", 1)])
    assert r.json()["results"][0]["status"] == "applied"
    assert _household(nurse, world.hh[0])["field_versions"] == {"phone": 2}


def test_concurrent_edit_of_one_field_keeps_both_values(live, world, api) -> None:
    vol, nurse = api(world.vol1), api(world.nurse1)
    _, vol_cursor = vol.pull_all()
    first = vol.push([vol.edit(world.hh[0], "risk_level", "high", 0)])
    assert first.json()["results"][0]["status"] == "applied"
    second = nurse.push([nurse.edit(world.hh[0], "risk_level", "low", 0)])
    result = p.ItemResult.model_validate(second.json()["results"][0])
    assert result.status is p.ItemStatus.conflict and result.conflict_id
    with live.session() as s:
        hh = s.get(Household, world.hh[0])
        assert hh is not None and hh.risk_level == "high"  # server value unchanged
        conflict = s.get(Conflict, result.conflict_id)
        assert conflict is not None
        assert (conflict.mine, conflict.mine_by) == ("low", world.nurse1)
        assert (conflict.theirs, conflict.theirs_by) == ("high", world.vol1)
        assert conflict.status == "open"
    # Both workers hold the household: both see the conflict with both values.
    for client in (vol, nurse):
        changes, _ = client.pull_all(vol_cursor if client is vol else None)
        found = [c["data"] for c in changes if c["kind"] == "conflict"]
        assert len(found) == 1
        record = p.Conflict.model_validate(found[0])
        assert (record.mine, record.theirs, record.field) == ("low", "high", "risk_level")
    # Resolving it sends the resolution and the new value to everyone who holds it.
    _, cursor = vol.pull_all()
    with live.session() as s:
        admin.resolve_conflict(s, result.conflict_id, "low", resolved_by=world.supervisor)
    changes, _ = vol.pull_all(cursor)
    kinds = {c["kind"]: c["data"] for c in changes}
    assert kinds["conflict"]["status"] == "resolved"
    assert kinds["household"]["risk_level"] == "low"
    assert kinds["household"]["field_versions"]["risk_level"] == 2


def test_old_base_with_the_same_value_is_not_a_conflict(live, world, api) -> None:
    vol, nurse = api(world.vol1), api(world.nurse1)
    vol.push([vol.edit(world.hh[0], "notes", "개 조심", 0)])
    r = nurse.push([nurse.edit(world.hh[0], "notes", "개 조심", 0)])
    assert r.json()["results"][0]["status"] == "applied"
    with live.session() as s:
        assert s.scalars(select(Conflict)).all() == []


def test_bad_edits_are_rejected_with_the_reason(live, world, api) -> None:
    vol = api(world.vol1)
    r = vol.push(
        [
            vol.edit(world.hh[0], "risk_level", "extreme", 0),
            vol.edit(world.hh[0], "district_code", "1111000000", 0),
            vol.edit(world.hh[0], "phone", "+821000000009", 5),
            vol.edit(world.hh[2], "phone", "+821000000009", 0),
            vol.edit(world.hh[1], "emergency_contacts", [{"name": "라마바", "phone": None}], 0),
        ]
    )
    results = r.json()["results"]
    assert [x["status"] for x in results] == ["rejected"] * 4 + ["applied"]
    assert "risk_level" in results[0]["reason"]
    assert "cannot be edited" in results[1]["reason"]
    assert "pull first" in results[2]["reason"]
    assert "not assigned to you" in results[3]["reason"]
    with live.session() as s:
        hh = s.get(Household, world.hh[0])
        assert hh is not None and hh.risk_level == "medium" and hh.field_versions == {}


def test_simultaneous_edits_of_one_field_never_both_apply(live, world, api, monkeypatch) -> None:
    """Six devices edit the same field from the same base at once: one applies, the rest are
    conflicts (PostgreSQL: the household row is locked before its versions are read)."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from sync.server import syncing

    real = syncing.load_household_wire
    started = threading.Barrier(6, timeout=10)

    def slow_read(session, household_id):
        record = real(session, household_id)
        time.sleep(0.05)  # widen the window between reading the version and writing
        return record

    monkeypatch.setattr(syncing, "load_household_wire", slow_read)
    devices = [api(world.nurse1) for _ in range(6)]

    def edit(i: int):
        started.wait()
        d = devices[i]
        return d.push([d.edit(world.hh[0], "notes", f"값 {i}", 0)]).json()["results"][0]

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(r["status"] for r in pool.map(edit, range(6)))
    assert statuses == ["applied"] + ["conflict"] * 5
    with live.session() as s:
        hh = s.get(Household, world.hh[0])
        assert hh is not None and hh.field_versions == {"notes": 1}
        assert len(s.scalars(select(Conflict)).all()) == 5
