"""Login, tokens, lock-out, revoke and wipe, over real HTTP (SQLite and PostgreSQL)."""

from __future__ import annotations

import base64
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from sync import protocol as p
from sync.server import admin, security
from sync.server.app import create_app
from sync.server.login_slots import LoginSlots
from sync.server.models import Device, Event, Incident, PermissionLog, User, utcnow
from sync.server.settings import PLACEHOLDER_SECRET, Settings, SettingsError
from tests.helpers.world import PASSWORD


def _count(live, model) -> int:
    with live.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_login_registers_device_and_returns_key_epoch_and_time(live, world, api) -> None:
    client = api()
    r = client.login(world.nurse1)
    assert r.status_code == 200
    body = p.LoginResponse.model_validate(r.json())
    assert len(base64.b64decode(body.db_key)) == 32
    assert body.user.role is p.Role.nurse
    assert body.device_id == client.device_id
    assert p.SERVER_TIME_HEADER in r.headers
    health = client.http.get(live.base_url + p.HEALTH_PATH).json()
    assert health["epoch"] == body.epoch
    assert health["protocol"] == {"min": p.MIN_PROTOCOL_VERSION, "max": p.MAX_PROTOCOL_VERSION}
    with live.session() as s:
        device = s.get(Device, client.device_id)
        assert device is not None and device.username == world.nurse1
        assert device.token_hash != body.token  # only a keyed hash is stored
        assert device.token_hash == security.hash_token(body.token, PLACEHOLDER_SECRET)


def test_same_device_gets_same_key_and_a_new_token(live, world, api) -> None:
    first = api(world.vol1)
    old_token, key = first.token, first.login_body["db_key"]
    second = api(world.vol1, device_id=first.device_id)
    assert second.login_body["db_key"] == key
    assert second.token != old_token
    assert first.pull().status_code == 401  # the replaced token is dead
    assert first.pull().json()["code"] == p.ERR_AUTH
    assert second.pull().status_code == 200
    # A password change keeps the key: that is how the local database stays readable.
    with live.session() as s:
        admin.set_password(s, world.vol1, "Another-pass-77", actor=world.supervisor)
    third = api(device_id=first.device_id)
    assert third.login(world.vol1, "Another-pass-77").status_code == 200
    assert third.login_body["db_key"] == key


def test_wrong_password_and_unknown_user_get_401(live, world, api) -> None:
    client = api()
    for r in (client.login(world.vol1, "wrong-password-1"), client.login("nobody", PASSWORD)):
        assert r.status_code == 401
        assert r.json()["code"] == p.ERR_AUTH
        assert r.json()["wipe"] is False


def test_lockout_after_five_failures(live, world, api) -> None:
    client = api()
    codes = [client.login(world.vol1, f"wrong-pass-{i}").status_code for i in range(5)]
    assert codes == [401, 401, 401, 401, 401]
    r = client.login(world.vol1)  # the right password does not help while locked
    assert r.status_code == 401  # the same answer as for an unknown user (no enumeration)
    assert r.json()["code"] == p.ERR_AUTH
    assert "locked" in r.json()["detail"]
    with live.session() as s:  # the cool-down passes
        user = s.scalars(select(User).where(User.username == world.vol1)).one()
        user.locked_until = utcnow() - timedelta(seconds=1)
    assert client.login(world.vol1).status_code == 200
    # A success resets the counter: one more failure does not lock again.
    assert api().login(world.vol1, "wrong-again-1").status_code == 401
    assert api().login(world.vol1).status_code == 200


def test_requests_without_or_with_bad_token_get_401(live, world, api) -> None:
    client = api()
    r = client.pull()
    assert r.status_code == 401 and r.json()["code"] == p.ERR_AUTH
    client.http.headers["Authorization"] = "Bearer not-a-token"
    r = client.push([])
    assert r.status_code == 401 and r.json()["code"] == p.ERR_AUTH


@pytest.mark.parametrize("how", ["revoke", "lost", "deactivate"])
def test_revoked_device_gets_401_with_wipe_and_nothing_is_written(live, world, api, how) -> None:
    client = api(world.vol1)
    with live.session() as s:
        if how == "revoke":
            admin.revoke_device(s, client.device_id, actor=world.supervisor)
        elif how == "lost":
            admin.mark_device_lost(s, client.device_id, actor=world.supervisor, note="bus")
        else:
            admin.deactivate_user(s, world.vol1, actor=world.supervisor)
    events_before = _count(live, Event)
    for r in (client.pull(), client.push([client.event(world.hh[0])])):
        assert r.status_code == 401
        body = p.ErrorBody.model_validate(r.json())
        assert body.code == p.ERR_REVOKED and body.wipe is True
    assert _count(live, Event) == events_before
    # Signing in again does not bring the device back.
    r = client.login(world.vol1)
    assert r.status_code == 401 and r.json()["wipe"] is True
    with live.session() as s:
        if how == "lost":
            assert s.scalar(select(func.count()).select_from(Incident)) == 1
        logged = s.scalars(select(PermissionLog.action)).all()
    assert {"revoke": "device_revoked", "lost": "device_lost", "deactivate": "deactivate_user"}[
        how
    ] in logged


def test_device_of_another_user_is_refused(live, world, api) -> None:
    mine = api(world.vol1)
    r = api(device_id=mine.device_id).login(world.vol2)
    assert r.status_code == 403
    assert r.json()["code"] == p.ERR_FORBIDDEN


def test_password_rule() -> None:
    for bad in ("short1A", "alllowercaseletters", "1234567890123"):
        with pytest.raises(security.PasswordRuleError):
            security.check_password_rule(bad)
    security.check_password_rule("abcdefghi1")
    security.check_password_rule("가나다라마바사아자차!")


def test_production_refuses_placeholder_secret(sqlite_url) -> None:
    with pytest.raises(SettingsError, match="FIELDAPP_SECRET_KEY"):
        create_app(Settings(database_url=sqlite_url, production=True))
    settings = Settings.from_env(
        {"FIELDAPP_PRODUCTION": "1", "FIELDAPP_SECRET_KEY": "x" * 40},
        database_url=sqlite_url,
    )
    assert settings.production and settings.database_url == sqlite_url
    create_app(settings)


def test_parallel_guesses_are_counted_one_by_one(live, world, api) -> None:
    """Ten guesses at once: none is lost to a race, so the account ends up locked."""
    live.app.state.login_slots = LoginSlots(10)  # all ten check their password at once
    clients = [api() for _ in range(10)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(lambda c: c.login(world.vol2, "wrong-guess-99").status_code, clients))
    assert codes == [401] * 10
    with live.session() as s:
        user = s.scalars(select(User).where(User.username == world.vol2)).one()
        assert user.locked_until is not None and user.locked_until > utcnow()
    assert api().login(world.vol2).status_code == 401  # locked: the right password waits
