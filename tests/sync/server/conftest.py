"""Fixtures for the server suites: a live server on a fresh database with a small world."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers.cheap import cheapen_server_hashing
from tests.helpers.live_server import LiveServer, serving


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with minimal cost: the tests check behaviour, not the work factor."""
    cheapen_server_hashing(monkeypatch, memory_cost_kib=1024)


@pytest.fixture
def live(migrated_db_url: str) -> Iterator[LiveServer]:
    """The real server (uvicorn on 127.0.0.1:0) on a fresh, migrated database."""
    with serving(migrated_db_url) as server:
        yield server
