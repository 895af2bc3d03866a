"""Login: the device token in the keyring or in memory only, never in a file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from fieldapp.profile import KEYRING_SERVICE, Profile, unlock
from fieldapp.store import Store
from sync.client import AuthError, NoKeyringError, SyncEngine, keyring_available, login
from sync.server import models
from tests.fieldapp.test_profile import MemoryKeyring
from tests.helpers.live_server import LiveServer
from tests.helpers.world import PASSWORD, World
from tests.sync.client.conftest import CHEAP_KDF, Device

MakeDevice = Callable[..., Device]


def _files_text(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def test_token_kept_in_the_keyring_survives_an_app_restart(
    live: LiveServer, world: World, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    assert keyring_available()
    profile = Profile(tmp_path / "p")
    store = login(profile, live.base_url, "vol1", PASSWORD, kdf=CHEAP_KDF, require_keyring=True)
    device_id = profile.info["device_id"]
    token = memory_keyring.get_password(KEYRING_SERVICE, device_id)
    assert token and profile.keyring_warning is None
    assert token.encode() not in _files_text(profile.path)
    restarted = Profile(profile.path)  # a new app start: nothing in memory
    engine = SyncEngine(restarted, store)  # no password: the keyring's token is used
    assert engine.sync_once().completed
    engine.sign_out()
    assert memory_keyring.get_password(KEYRING_SERVICE, device_id) is None
    store.close()


def test_without_a_keyring_the_token_stays_in_memory_and_is_said(
    live: LiveServer, world: World, tmp_path: Path
) -> None:
    assert not keyring_available()  # the test machine has no keyring backend
    profile = Profile(tmp_path / "p")
    with pytest.raises(NoKeyringError, match="no password keyring"):
        login(profile, live.base_url, "vol1", PASSWORD, kdf=CHEAP_KDF, require_keyring=True)
    store = login(profile, live.base_url, "vol1", PASSWORD, kdf=CHEAP_KDF)
    assert profile.keyring_warning and "asked for your password" in profile.keyring_warning
    token = profile.memory_token
    assert token and token.encode() not in _files_text(profile.path)
    assert PASSWORD.encode() not in _files_text(profile.path)
    store.close()


def test_an_expired_token_is_renewed_with_the_password(
    world: World, make_device: MakeDevice
) -> None:
    vol = make_device("vol1")
    vol.profile.memory_token = "not-a-valid-token-anymore"
    report = vol.sync()
    assert report.completed
    assert vol.profile.memory_token != "not-a-valid-token-anymore"
    vol.profile.memory_token = "expired-again"
    with pytest.raises(AuthError, match="Sign in again"):
        SyncEngine(vol.profile, vol.store).sync_once()  # and without a password: say so
    assert "Sign in again" in (vol.engine().status().last_error or "")


def test_a_profile_belongs_to_one_person(
    live: LiveServer, world: World, make_device: MakeDevice
) -> None:
    vol = make_device("vol1")
    with pytest.raises(AuthError, match="belongs to vol1"):
        login(vol.profile, live.base_url, "vol2", PASSWORD, kdf=CHEAP_KDF)


def test_a_second_login_keeps_the_device_and_its_data(
    live: LiveServer, world: World, make_device: MakeDevice
) -> None:
    vol = make_device("vol1")
    vol.sync()
    ev = vol.note(world.hh[0])
    device_id = vol.device_id
    vol.close()
    store = login(vol.profile, live.base_url, "vol1", PASSWORD, kdf=CHEAP_KDF)
    try:
        assert vol.profile.info["device_id"] == device_id
        assert {r["id"] for r in store.db.query("SELECT id FROM events")} == {ev}
    finally:
        store.close()


def test_a_server_that_forgot_the_device_key_does_not_strand_local_records(
    live: LiveServer, world: World, make_device: MakeDevice
) -> None:
    """Restored from a backup made before this laptop registered, the server registers it
    again with a new key: the saved key (opened by the password) opens the database, which
    is re-keyed to the released key. Nothing recorded offline is lost."""
    vol = make_device("vol1")
    vol.sync()
    pending = vol.note(world.hh[0], "복원 전 기록")
    vol.close()
    with live.session() as s:
        s.execute(delete(models.Device).where(models.Device.id == vol.device_id))
    store = login(vol.profile, live.base_url, "vol1", PASSWORD, kdf=CHEAP_KDF)
    store.close()
    vol.reopen()
    assert pending in vol.event_ids()
    assert vol.sync().applied == 1
    with live.session() as s:  # the server's escrowed key opens the database now
        released = s.scalar(select(models.Device.db_key).where(models.Device.id == vol.device_id))
    vol.close()
    Store.open(vol.profile.store_path, bytes(released)).close()
    unlock(vol.profile, PASSWORD).close()
