"""Stolen tokens and password guessing, from the attacker's side.

* A token copied off a laptop dies when the device is reported lost or revoked, or its user is
  deactivated: every call gets 401 with a wipe order and no data, and nothing is written.
  The real laptop, at its next contact, deletes its local data.
* Password guessing locks the account after 5 failures, the right password is refused too
  until the cool-down passes, and the answers never tell whether the username exists.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from fieldapp.profile import STORE_FILE
from sync import protocol as p
from sync.client import DeviceWipedError, SyncEngine
from sync.server import admin
from sync.server.models import Event, HouseholdEditLog, User, utcnow
from tests.helpers.live_server import LiveServer
from tests.helpers.world import PASSWORD, Api

LOCKOUT_THRESHOLD = 5


def written(live: LiveServer) -> tuple[int, int]:
    """(events, household edits) the server holds: compared before and after an attack."""
    with live.session() as s:
        return (
            s.scalar(select(func.count()).select_from(Event)) or 0,
            s.scalar(select(func.count()).select_from(HouseholdEditLog)) or 0,
        )


def end_device(live: LiveServer, how: str, device_id: str, username: str) -> None:
    with live.session() as s:
        if how == "lost":
            admin.mark_device_lost(s, device_id, actor="sup1", note="left on a bus")
        elif how == "revoked":
            admin.revoke_device(s, device_id, actor="sup1")
        else:
            admin.deactivate_user(s, username, actor="sup1")


def assert_refused_with_wipe(r: Any) -> None:
    assert r.status_code == 401, r.text
    body = r.json()
    assert body["wipe"] is True and body["code"] == p.ERR_REVOKED
    assert set(body) <= set(p.ErrorBody.model_fields), "no data rides on a refusal"
    assert "changes" not in body and "results" not in body


@pytest.mark.parametrize("how", ["lost", "revoked", "deactivated"])
def test_a_stolen_token_gets_401_no_data_and_a_wipe_order(
    live, world, api, laptop, memory_keyring, how: str
) -> None:
    device = laptop(world.vol1)
    device_id = device.device_id
    SyncEngine(device.profile, device.store, password=PASSWORD).sync_once()
    # The thief copies the token out of the keyring and uses it from their own machine.
    token = memory_keyring.get_password("fieldapp", device.device_id)
    assert token
    thief = api()
    thief.username = world.vol1
    thief.device_id = device.device_id
    thief.http.headers["Authorization"] = f"Bearer {token}"
    assert thief.pull().status_code == 200, "the token works before the report"

    end_device(live, how, device.device_id, world.vol1)
    before = written(live)
    assert_refused_with_wipe(thief.pull())
    assert_refused_with_wipe(thief.pull(cursor=None, limit=1))
    assert_refused_with_wipe(thief.push([thief.event(world.hh[0])]))
    assert_refused_with_wipe(thief.push([thief.edit(world.hh[0], "phone", "+821000009999", 1)]))
    # A fresh sign-in with the password from the same device id is refused as well.
    again = Api(live.base_url, device.device_id)
    try:
        r = again.login(world.vol1)
        assert r.status_code == 401 and r.json()["wipe"] is True
        assert "token" not in r.json() and "db_key" not in r.json()
    finally:
        again.close()
    assert written(live) == before, "nothing was written by the refused calls"

    # The real laptop, at its next contact, is told to wipe and does.
    assert device.profile.store_path.exists()
    with pytest.raises(DeviceWipedError) as wiped:
        SyncEngine(device.profile, device.store, password=PASSWORD).sync_once()
    assert STORE_FILE in wiped.value.removed
    assert not device.profile.store_path.exists()
    assert not device.profile.key_path.exists()
    assert memory_keyring.get_password("fieldapp", device_id) is None


def login_answer(api: Any, username: str, password: str) -> tuple[int, dict[str, Any]]:
    r = api.login(username, password)
    return r.status_code, r.json()


def test_brute_force_is_locked_out_after_five_failures(live, world, api) -> None:
    attacker = api()
    answers = [
        login_answer(attacker, world.vol2, f"Guess-pass-{i:03d}") for i in range(LOCKOUT_THRESHOLD)
    ]
    assert all(status in (401, 429) for status, _body in answers)
    # The 6th try, with the right password, is refused too: the account is locked.
    status, body = login_answer(attacker, world.vol2, PASSWORD)
    assert status in (401, 429) and "token" not in body and "db_key" not in body
    assert "lock" in body["detail"], "the owner is told why the right password fails"
    status, _body = login_answer(api(), world.vol2, PASSWORD)  # from another device too
    assert status in (401, 429)
    # Other accounts are not affected.
    assert api().login(world.vol1).status_code == 200

    with live.session() as s:  # the cool-down passes
        user = s.scalars(select(User).where(User.username == world.vol2)).one()
        assert user.locked_until is not None
        user.locked_until = utcnow() - timedelta(seconds=1)
    assert api().login(world.vol2).status_code == 200


def test_lockout_does_not_reveal_whether_a_username_exists(live, world, api) -> None:
    """The attacker sees the same answers for a real account and a made-up one, before,
    at and after the lock-out threshold."""
    attacker = api()
    for i in range(LOCKOUT_THRESHOLD + 2):
        real = login_answer(attacker, world.vol1, f"Guess-pass-{i:03d}")
        made_up = login_answer(attacker, "nobody-here", f"Guess-pass-{i:03d}")
        assert real == made_up, f"attempt {i + 1}: {real} != {made_up}"
    # Even the right password for the (locked) real account answers like a made-up name.
    assert login_answer(attacker, world.vol1, PASSWORD) == login_answer(
        attacker, "nobody-here", PASSWORD
    )


def test_a_token_stolen_before_a_password_change_stops_working(
    live, world, api, laptop, memory_keyring
) -> None:
    """The owner suspects a leak and has the password reset: the old token dies (401, no wipe:
    the laptop is not lost), and the laptop's next contact needs an online sign-in with the new
    password, which re-wraps its key."""
    from fieldapp import profile as profiles
    from sync.client import AuthError, login
    from tests.e2e.conftest import CHEAP_KDF

    device = laptop(world.vol1)
    token = memory_keyring.get_password("fieldapp", device.device_id)
    thief = api()
    thief.username, thief.device_id = world.vol1, device.device_id
    thief.http.headers["Authorization"] = f"Bearer {token}"
    assert thief.pull().status_code == 200

    with live.session() as s:
        admin.set_password(s, world.vol1, "Changed-pass-2027", actor=world.supervisor)
    before = written(live)
    for r in (thief.pull(), thief.push([thief.event(world.hh[0])])):
        assert r.status_code == 401 and r.json()["code"] == p.ERR_AUTH
        assert r.json()["wipe"] is False and "changes" not in r.json()
    assert written(live) == before

    # The laptop: its sync with the old token (and old password) is refused...
    with pytest.raises(AuthError):
        SyncEngine(device.profile, device.store, password=PASSWORD).sync_once()
    device.close()
    # ...the online sign-in with the new password works and re-wraps the key.
    login(device.profile, live.base_url, world.vol1, "Changed-pass-2027", kdf=CHEAP_KDF).close()
    profiles.unlock(device.profile, "Changed-pass-2027").close()
