"""``fieldapp-server serve`` freezes its start-up objects (gc.freeze); the app itself does not."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from sync.server.app import create_app
from sync.server.cli import serving_app
from sync.server.settings import Settings


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # leave the test process as it was


def test_serving_app_freezes_and_create_app_does_not(
    migrated_sqlite_url: str, monkeypatch: pytest.MonkeyPatch, unfrozen: None
) -> None:
    monkeypatch.setenv("FIELDAPP_DATABASE_URL", migrated_sqlite_url)
    app = create_app(Settings.from_env())
    app.state.engine.dispose()
    assert gc.get_freeze_count() == 0  # the embedded and test servers: as before
    app = serving_app()  # each process of ``serve --workers N``
    app.state.engine.dispose()
    assert gc.get_freeze_count() > 0
