"""Remote wipe: after a device is reported lost, its next contact deletes every file with
personal data from the profile folder (the test lists the folder before and after).

Only ``wiped.json`` may remain: when the wipe happened and the names of what was removed
(file names and the keyring entry's device id; no personal data), so the login screen can say
what happened.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldapp import records
from fieldapp.profile import WIPED_FILE
from sync.client import DeviceWipedError, SyncEngine
from sync.server import admin
from tests.helpers.world import PASSWORD

#: What may be left in the profile folder after a wipe, and why it is not personal.
NON_PERSONAL_LEFTOVERS = {WIPED_FILE: "wipe time and removed file names"}


def listing(folder: Path) -> set[str]:
    """Every file and folder under *folder*, relative, folders with a trailing slash."""
    return {str(p.relative_to(folder)) + ("/" if p.is_dir() else "") for p in folder.rglob("*")}


def test_wipe_removes_every_file_with_personal_data(live, world, laptop, memory_keyring) -> None:
    device = laptop(world.vol1)
    device_id = device.device_id
    engine = SyncEngine(device.profile, device.store, password=PASSWORD)
    engine.sync_once()
    # Everything the app keeps in a profile: a draft in the database, a pending event,
    # files in drafts/, logs/ and exports/, and a temporary file of an interrupted write.
    records.save_draft(device.store, "d1", "welfare_check", world.hh[0], {"notes": "가나다 님"})
    records.log_access(device.store, world.hh[0], "view", user=world.vol1, device_id=device_id)
    folder = device.profile.path
    for name, content in [
        ("drafts/welfare_check-d1.json", '{"notes": "가나다 님"}'),
        ("logs/fieldapp.log", "opened household 가나다"),
        ("exports/visits.csv", "가나다,+821000000001"),
        (".profile.json.tmp123", '{"username": "vol1"}'),
    ]:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(content, encoding="utf-8")
    before = listing(folder)
    assert {"fieldapp.db", "key.json", "profile.json", "status.json"} <= before
    assert {"fieldapp.db-wal", "drafts/", "logs/", "exports/"} <= before
    assert memory_keyring.get_password("fieldapp", device_id)

    with live.session() as s:
        admin.mark_device_lost(s, device_id, actor=world.supervisor, note="분실 신고")
    with pytest.raises(DeviceWipedError) as err:
        engine.sync_once()

    after = listing(folder)
    assert after == set(NON_PERSONAL_LEFTOVERS), (
        f"left behind: {after - set(NON_PERSONAL_LEFTOVERS)}"
    )
    removed = set(err.value.removed)
    assert {"fieldapp.db", "key.json", "profile.json", "status.json"} <= removed
    assert {"drafts/", "logs/", "exports/", ".profile.json.tmp123"} <= removed
    assert f"keyring:fieldapp/{device_id}" in removed
    assert memory_keyring.get_password("fieldapp", device_id) is None
    assert "fieldapp.db" in str(err.value), "the message says what was deleted"

    note = json.loads((folder / WIPED_FILE).read_text(encoding="utf-8"))
    assert set(note) == {"wiped_at", "removed"}
    for personal in ("가나다", "+821000000001", world.vol1, "가상로"):
        assert personal not in json.dumps(note, ensure_ascii=False)


@pytest.mark.parametrize("how", ["lost", "deactivated"])
def test_a_sign_in_on_a_lost_device_or_deactivated_account_wipes_too(
    live, world, laptop, memory_keyring, how: str
) -> None:
    """A sign-in is a contact: the owner (or a finder who knows the password) signing in
    online gets the wipe, not the data, and the device id stays refused."""
    from sync.client import login
    from tests.e2e.conftest import CHEAP_KDF

    device = laptop(world.vol1)
    device_id = device.device_id
    device.close()
    with live.session() as s:
        if how == "lost":
            admin.mark_device_lost(s, device_id, actor=world.supervisor)
        else:
            admin.deactivate_user(s, world.vol1, actor=world.supervisor)
    with pytest.raises(DeviceWipedError) as err:
        login(device.profile, live.base_url, world.vol1, PASSWORD, kdf=CHEAP_KDF)
    assert "fieldapp.db" in err.value.removed
    assert listing(device.profile.path) == set(NON_PERSONAL_LEFTOVERS)
    assert memory_keyring.get_password("fieldapp", device_id) is None
