"""A bound on password checks at once: one more sign-in is answered 503 at once, syncs go on,
and the app's own sign-in retries after Retry-After (SQLite and PostgreSQL, real HTTP)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sync import protocol as p
from sync.server import security
from sync.server.errors import ApiError
from sync.server.login_slots import RETRY_AFTER_RANGE_S, LoginSlots
from sync.server.settings import Settings, SettingsError
from tests.helpers.live_server import LiveServer
from tests.helpers.world import PASSWORD, Api, World


def test_one_more_than_the_slots_is_refused_at_once_and_a_freed_slot_is_reused() -> None:
    slots = LoginSlots(2)
    with slots.held(), slots.held():
        with pytest.raises(ApiError) as refused, slots.held():
            pass
        assert refused.value.status == 503 and refused.value.body.code == p.ERR_UNAVAILABLE
        low, high = RETRY_AFTER_RANGE_S
        assert low <= int((refused.value.headers or {})["Retry-After"]) <= high
    with slots.held(), slots.held():  # both came back, also after the refusal
        pass
    with pytest.raises(ApiError), slots.held():  # a failing block gives its slot back
        raise ApiError(401, p.ERR_AUTH, "no")
    with slots.held(), slots.held():
        pass


def test_the_setting_must_allow_one_sign_in() -> None:
    assert Settings.from_env({"FIELDAPP_LOGIN_HASH_SLOTS": "3"}).login_hash_slots == 3
    with pytest.raises(SettingsError, match="FIELDAPP_LOGIN_HASH_SLOTS"):
        Settings(login_hash_slots=0).check()


class HeldCheck:
    """Makes the server's password check wait, inside its slot, until released."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        real = security.verify_password

        def waiting(password_hash: str | None, password: str) -> bool:
            self.entered.set()
            assert self.release.wait(30), "the test never released the password check"
            return real(password_hash, password)

        monkeypatch.setattr(security, "verify_password", waiting)


@pytest.fixture
def one_slot(live: LiveServer) -> Iterator[None]:
    state = live.app.state
    kept, state.login_slots = state.login_slots, LoginSlots(1)
    yield
    state.login_slots = kept


def test_a_sign_in_finding_the_slots_taken_is_answered_at_once_and_syncs_go_on(
    live: LiveServer,
    world: World,
    api: Callable[..., Api],
    one_slot: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While one sign-in checks its password, another is refused at once (503, Retry-After),
    and a device's sync goes through: the check runs outside any transaction (on SQLite it
    used to hold the write lock, so this pull waited for the whole check)."""
    syncing = api(world.nurse1)  # signed in before the slot is taken
    held = HeldCheck(monkeypatch)
    first, second = api(), api()
    with ThreadPoolExecutor(1) as pool:
        signing_in = pool.submit(first.login, world.vol1)
        assert held.entered.wait(30)
        busy = second.login(world.vol2, "a wrong password")  # the same answer for any user
        assert busy.status_code == 503, busy.text
        assert busy.json()["code"] == p.ERR_UNAVAILABLE
        assert "sign in again in a few seconds" in busy.json()["detail"]
        assert 1 <= int(busy.headers["Retry-After"]) <= 3
        assert syncing.pull().status_code == 200  # token auth needs no slot
        held.release.set()
        assert signing_in.result(30).status_code == 200
    assert second.login(world.vol2).status_code == 200  # the slot was given back


def test_the_apps_sign_in_waits_as_asked_and_gets_in(
    live: LiveServer,
    world: World,
    api: Callable[..., Api],
    one_slot: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """The laptop's login (sync.client.login, the real Transport) is turned away while the
    slot is taken, waits the Retry-After it was given, and signs in on its next attempt."""
    from fieldapp.profile import Profile
    from sync.client import login
    from sync.transport import Transport
    from tests.helpers.cheap import CHEAP_KDF

    held = HeldCheck(monkeypatch)
    waited: list[float] = []
    with ThreadPoolExecutor(1) as pool:
        signing_in = pool.submit(api().login, world.vol1)
        assert held.entered.wait(30)

        def sleep(seconds: float) -> None:  # the laptop waits; meanwhile the slot frees
            waited.append(seconds)
            held.release.set()
            assert signing_in.result(30).status_code == 200

        transport = Transport(live.base_url, sleep=sleep)
        profile = Profile(tmp_path / "vol2")
        store = login(
            profile,
            live.base_url,
            world.vol2,
            PASSWORD,
            kdf=CHEAP_KDF,
            transport=transport,
        )
    try:
        assert len(waited) == 1 and 1 <= waited[0] <= 3  # the server's Retry-After
        assert profile.info["username"] == world.vol2 and not store.closed
    finally:
        store.close()
