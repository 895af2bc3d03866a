"""Hand-over, conflicts, server restore (epoch change), remote wipe and password change,
each against the real server with counts asserted."""

from __future__ import annotations

import json
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from fieldapp import syncstate
from fieldapp.errors import WrongKeyError
from fieldapp.profile import unlock
from sync.client import DeviceWipedError, login
from sync.server import admin, models
from tests.helpers.live_server import LiveServer, start_server
from tests.helpers.world import PASSWORD, World, household_wire
from tests.sync.client.conftest import (
    BOTH_DATABASES,
    CHEAP_KDF,
    Device,
    server_event_ids,
    server_view,
)
from tests.sync.client.faults import FaultProxy

MakeDevice = Callable[..., Device]


def _foreign_event(device: Device, household_id: str) -> str:
    """Put an event the server will refuse (made by someone else) into the outbox."""
    eid = str(uuid.uuid4())
    with device.store.atomic() as db:
        order = syncstate._next_local_order(device.store)
        db.execute(
            "INSERT INTO events (id, type, household_id, programme, created_by, device_id, "
            "device_time, payload, sync_state, local_order) VALUES (?, 'note', ?, "
            "'welfare_check', 'vol2', ?, '2026-01-05T10:00:00+09:00', ?, 'pending', ?)",
            [eid, household_id, device.device_id, json.dumps({"text": "남의 기록"}), order],
        )
    return eid


@BOTH_DATABASES
def test_reassigned_household_is_pushed_first_then_purged(
    live: LiveServer, world: World, make_device: MakeDevice
) -> None:
    old = make_device("vol1")
    old.sync()
    moved = world.hh[0]
    before = old.event_ids(moved)
    ids = {old.note(moved, f"오프라인 기록 {i}") for i in range(3)}
    refused = _foreign_event(old, moved)
    with live.session() as s:
        admin.assign_household(
            s, moved, "welfare_check", "vol2", actor="sup1", reason="담당자 변경"
        )
    report = old.sync()
    assert report.completed and report.applied == 3 and report.rejected == 1
    assert report.handed_over == [moved]
    # Every record reached the server before the laptop let go of the household.
    assert ids <= set(server_event_ids(live, {moved}))
    assert refused not in server_event_ids(live)
    assert old.household_ids() == {world.hh[1]}
    assert old.event_ids(moved) == set()
    hand = next(old.store.db.query("SELECT * FROM handovers"))
    assert hand["moved_to"] == "vol2" and hand["purged_at"] and hand["reason"] == "담당자 변경"
    assert "가상로" in hand["label"]
    # The refused record is kept in quarantine, visible and exportable, not deleted.
    q = list(old.store.db.query("SELECT * FROM quarantine"))
    assert [r["id"] for r in q] == [refused] and "vol2" in q[0]["reason"]
    exported = syncstate.export_pending(old.store)
    assert [e["id"] for e in exported["quarantine"]] == [refused]
    assert old.engine().status().quarantined == 1
    # The new worker receives the household with its full history, late records flagged.
    new = make_device("vol2")
    new.sync()
    assert moved in new.household_ids()
    assert new.event_ids(moved) == before | ids
    late = {r["id"] for r in new.store.db.query("SELECT id FROM events WHERE late_handover = 1")}
    assert late == ids
    with live.session() as s:
        inbox = set(s.scalars(select(models.HandoverInbox.ref_id)))
    assert ids <= inbox


@BOTH_DATABASES
def test_same_field_edited_on_two_devices_keeps_both_values(
    live: LiveServer, world: World, make_device: MakeDevice
) -> None:
    from fieldapp import records

    vol = make_device("vol1")
    nurse = make_device("nurse1")
    hh = world.hh[0]
    vol.sync()
    nurse.sync()
    mine = records.edit_household_field(
        vol.store, hh, "phone", "+821000000111", user="vol1", device_id=vol.device_id
    )
    theirs = records.edit_household_field(
        nurse.store, hh, "phone", "+821000000222", user="nurse1", device_id=nurse.device_id
    )
    assert mine and theirs
    assert vol.sync().applied == 1
    report = nurse.sync()
    assert report.conflicts == 1
    vol.sync()
    for device in (vol, nurse):
        rows = list(device.store.db.query("SELECT * FROM conflicts WHERE household_id = ?", [hh]))
        assert len(rows) == 1, device.username
        data = json.loads(rows[0]["data"])
        assert {data["mine"], data["theirs"]} == {"+821000000111", "+821000000222"}
        assert data["field"] == "phone" and rows[0]["status"] == "open"
    # Nothing silently lost: the server shows the first value, the conflict holds the second.
    phone = records.get_household(nurse.store, hh)["phone"]
    assert phone == "+821000000111"
    assert nurse.engine().status().conflicts_open == 1


def _backup(url: str, dest: Path) -> None:
    src = sqlite3.connect(url.removeprefix("sqlite:///"))
    dst = sqlite3.connect(dest)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


def test_server_restored_from_an_older_backup_gets_every_event_back(
    live: LiveServer, world: World, make_device: MakeDevice, proxy: FaultProxy, tmp_path: Path
) -> None:
    vol = make_device("vol1", url=proxy.base_url)
    nurse = make_device("nurse1", url=proxy.base_url)
    vol.sync()
    nurse.sync()
    early = {vol.note(world.hh[0], "백업 전") for _ in range(2)}
    vol.sync()
    backup = tmp_path / "backup.sqlite3"
    _backup(live.database_url, backup)
    later = {vol.note(world.hh[1], "백업 후") for _ in range(3)}
    with live.session() as s:  # a household assigned after the backup
        newer = admin.create_household(
            s, household_wire(assignments={"welfare_check": "vol1"}), actor="sup1"
        ).id
    vol.sync()
    assert newer in vol.household_ids()
    nurse_ids = {nurse.note(world.hh[0], "간호 기록") for _ in range(2)}
    nurse.sync()
    assert len(server_event_ids(live)) == 7
    # Disaster: the server is restored from the backup and given a new epoch.
    live.stop()
    restored_path = tmp_path / "restored.sqlite3"
    shutil.copy(backup, restored_path)
    restored = start_server(f"sqlite:///{restored_path}")
    try:
        with restored.session() as s:
            admin.new_epoch(s)
        proxy.upstream = restored.base_url
        assert sorted(server_event_ids(restored)) == sorted(early)
        report = vol.sync()
        assert report.resynced and report.completed
        assert (report.applied, report.duplicates) == (3, 2)
        nurse.sync()
        assert sorted(server_event_ids(restored)) == sorted(early | later | nurse_ids)
        vol.sync()
        nurse.sync()
        # Both laptops hold the server's view again, under the new epoch.
        for device in (vol, nurse):
            households, events = server_view(restored, device.username)
            assert device.event_ids() == events and device.household_ids() == households
        assert early | later <= vol.event_ids()
        # The household the restored server does not know was let go, and said so.
        assert newer not in vol.household_ids()
        gone = [h for h in syncstate.list_handovers(vol.store) if h["household_id"] == newer]
        assert gone and gone[0]["purged_at"] and "restored" in gone[0]["reason"]
        assert vol.states() == {"accepted": len(vol.event_ids())}
        epoch = vol.store.get_meta(syncstate.META_CURSOR).split(":")[0]
        with restored.session() as s:
            assert s.scalar(select(models.ServerMeta.epoch)) == epoch
    finally:
        restored.stop()


def test_lost_device_wipes_itself_and_says_what_it_removed(
    live: LiveServer, world: World, make_device: MakeDevice
) -> None:
    vol = make_device("vol1")
    vol.sync()
    vol.note(world.hh[0])
    vol.sync()
    (vol.profile.path / "drafts").mkdir()
    (vol.profile.path / "drafts" / "visit.json").write_text("{}")
    before = sorted(p.name for p in vol.profile.path.iterdir())
    assert {"fieldapp.db", "key.json", "profile.json", "drafts"} <= set(before)
    with live.session() as s:
        admin.mark_device_lost(s, vol.device_id, actor="sup1", note="분실 신고")
    with pytest.raises(DeviceWipedError) as info:
        vol.sync()
    after = sorted(p.name for p in vol.profile.path.iterdir())
    assert after == ["wiped.json"]
    removed = info.value.removed
    assert {"fieldapp.db", "key.json", "profile.json", "drafts/"} <= set(removed)
    assert "fieldapp.db" in str(info.value)
    assert vol.store.closed and not vol.profile.exists()


def test_password_changed_on_the_server_rewraps_the_same_key(
    live: LiveServer, world: World, make_device: MakeDevice
) -> None:
    vol = make_device("vol1")
    vol.sync()
    held = vol.event_ids()
    vol.close()
    new_password = "Another-pass-2027"
    with live.session() as s:
        admin.set_password(s, "vol1", new_password)
    store = login(vol.profile, live.base_url, "vol1", new_password, kdf=CHEAP_KDF)
    store.close()
    with unlock(vol.profile, new_password) as store:
        assert {r["id"] for r in store.db.query("SELECT id FROM events")} == held
        assert store.db["households"].count == 2
    with pytest.raises(WrongKeyError):
        unlock(vol.profile, PASSWORD)
