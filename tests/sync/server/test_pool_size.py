"""The PostgreSQL pool keeps its connections: a connection returned under load is not closed.

With 10 kept and 20 overflow, every connection beyond the tenth was closed when returned, so
under load nearly every sync opened a new PostgreSQL connection (bench server_load)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from sync.server.app import create_app
from sync.server.settings import Settings, SettingsError


@pytest.mark.postgres
def test_connections_returned_under_load_stay_open(migrated_pg_url: str) -> None:
    app = create_app(Settings(database_url=migrated_pg_url, db_pool_size=12))
    engine = app.state.engine
    try:
        held = [engine.connect() for _ in range(12)]  # a burst: 12 requests at once
        pids = {c.execute(text("SELECT pg_backend_pid()")).scalar() for c in held}
        for c in held:
            c.close()
        assert engine.pool.checkedin() == 12  # all kept, none closed

        again: set[int] = set()
        lock = threading.Lock()

        def use() -> None:
            with engine.connect() as c:
                pid = c.execute(text("SELECT pg_backend_pid()")).scalar()
            with lock:
                again.add(pid)

        threads = [threading.Thread(target=use) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert again <= pids  # no new backend was started
    finally:
        engine.dispose()


def test_sqlite_keeps_its_own_pool(migrated_sqlite_url: str) -> None:
    from sync.server import db

    app = create_app(Settings(database_url=migrated_sqlite_url, db_pool_size=3))
    try:
        assert app.state.engine.pool.size() == db.SQLITE_POOL_SIZE
    finally:
        app.state.engine.dispose()


def test_pool_size_must_be_positive() -> None:
    with pytest.raises(SettingsError, match="FIELDAPP_DB_POOL_SIZE"):
        Settings(database_url="sqlite://", db_pool_size=0).check()
    assert Settings.from_env({"FIELDAPP_DB_POOL_SIZE": "7"}).db_pool_size == 7
