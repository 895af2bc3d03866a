"""Fixtures for the server suites: a live server on a fresh database with a small world."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from argon2 import PasswordHasher

from sync.server import security
from tests.helpers.live_server import LiveServer, start_server
from tests.helpers.world import Api, World, build_world


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with minimal cost: the tests check behaviour, not the work factor."""
    monkeypatch.setattr(
        security, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def live(migrated_db_url: str) -> Iterator[LiveServer]:
    """The real server (uvicorn on 127.0.0.1:0) on a fresh, migrated database."""
    server = start_server(migrated_db_url)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def world(live: LiveServer) -> World:
    return build_world(live)


@pytest.fixture
def api(live: LiveServer) -> Iterator[Callable[..., Api]]:
    """Make devices: ``api("vol1")`` is a new device signed in as vol1."""
    made: list[Api] = []

    def make(username: str | None = None, device_id: str | None = None) -> Api:
        client = Api(live.base_url, device_id)
        made.append(client)
        if username is not None:
            r = client.login(username)
            assert r.status_code == 200, r.text
        return client

    yield make
    for client in made:
        client.close()
