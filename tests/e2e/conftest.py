"""Fixtures for end-to-end tests: the real server over loopback, real laptops, cheap hashing.

* ``live``: the district server (uvicorn on 127.0.0.1:0) on a fresh, migrated SQLite file.
* ``world``: the small synthetic district of :mod:`tests.helpers.world` (vol1/vol2, nurse1/2,
  sup1; ``world.hh[0..1]`` belong to vol1/nurse1, ``hh[2]`` to vol2/nurse2, ``hh[3]`` to nobody).
* ``api(username)``: a device speaking the wire protocol directly (an attacker's tool).
* ``laptop(username)``: a real profile folder signed in through ``sync.client.login``.
* ``memory_keyring``: an in-memory keyring backend (the test machine has none).

The schemes are the real ones (argon2id on the server and for the wrapped key, SQLCipher);
only their cost parameters are lowered so that the suite stays fast.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fieldapp.profile import Profile
from fieldapp.store import Store
from sync.client import login
from tests.helpers.cheap import CHEAP_KDF, cheapen_server_hashing
from tests.helpers.live_server import LiveServer, serving
from tests.helpers.world import PASSWORD


@pytest.fixture(autouse=True)
def cheap_server_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server hashes passwords with argon2id at its minimum cost in these tests."""
    cheapen_server_hashing(monkeypatch)


@pytest.fixture
def live(migrated_sqlite_url: str) -> Iterator[LiveServer]:
    """The real district server on a fresh, migrated SQLite file."""
    with serving(migrated_sqlite_url) as server:
        yield server


class Laptop:
    """A real profile folder signed in online, with its open store."""

    def __init__(self, profile: Profile, store: Store, username: str) -> None:
        self.profile = profile
        self.store = store
        self.username = username

    @property
    def device_id(self) -> str:
        return str(self.profile.info["device_id"])

    def close(self) -> None:
        if not self.store.closed:
            self.store.close()


@pytest.fixture
def laptop(tmp_path: Path, live: LiveServer) -> Iterator[Callable[..., Laptop]]:
    """``laptop(username, password=PASSWORD)``: sign a new laptop in through the real client."""
    made: list[Laptop] = []

    def make(username: str, password: str = PASSWORD) -> Laptop:
        profile = Profile(tmp_path / f"{username}-{uuid.uuid4().hex[:6]}")
        store = login(profile, live.base_url, username, password, kdf=CHEAP_KDF)
        device = Laptop(profile, store, username)
        made.append(device)
        return device

    yield make
    for device in made:
        device.close()
