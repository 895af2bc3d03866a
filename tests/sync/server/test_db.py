"""Engine plumbing: the SQLite in-process write lock and the PostgreSQL ping of idle
connections (sync.server.db). No timing is asserted; order and outcomes are."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from sync.server import db


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Any:
    engine = db.make_engine(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    yield engine
    engine.dispose()


def _write(engine: Engine, n: int) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t (n) VALUES (:n)"), {"n": n})


def _lock_held(engine: Engine) -> bool:
    lock = db._WriteLock.for_file(engine.url.database or "")
    if lock.lock.acquire(blocking=False):
        lock.lock.release()
        return False
    return True


def test_write_transactions_hold_the_file_lock_until_they_end(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as conn:
        conn.begin()
        assert _lock_held(sqlite_engine)
        conn.commit()
        assert not _lock_held(sqlite_engine)
        conn.begin()
        assert _lock_held(sqlite_engine)
        conn.rollback()
        assert not _lock_held(sqlite_engine)


def test_a_read_transaction_takes_no_lock(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect().execution_options(**{db.SQLITE_BEGIN_OPTION: "DEFERRED"}) as c:
        c.begin()
        c.execute(text("SELECT count(*) FROM t"))
        assert not _lock_held(sqlite_engine)
        c.rollback()


def test_a_second_writer_waits_for_the_first_and_then_runs(sqlite_engine: Engine) -> None:
    order: list[str] = []
    started = threading.Event()
    conn = sqlite_engine.connect()
    conn.begin()
    conn.execute(text("INSERT INTO t (n) VALUES (1)"))

    def second() -> None:
        started.set()
        _write(sqlite_engine, 2)
        order.append("second")

    thread = threading.Thread(target=second)
    thread.start()
    started.wait(5)
    thread.join(0.2)
    assert thread.is_alive(), "the second writer must wait while the first is open"
    order.append("first")
    conn.commit()
    conn.close()
    thread.join(10)
    assert order == ["first", "second"]
    with sqlite_engine.connect() as c:
        assert c.execute(text("SELECT n FROM t ORDER BY n")).scalars().all() == [1, 2]


def test_engines_on_the_same_file_share_the_lock(sqlite_url: str, sqlite_engine: Engine) -> None:
    other = db.make_engine(sqlite_url)
    try:
        with other.connect() as conn:
            conn.begin()
            assert _lock_held(sqlite_engine)
            conn.rollback()
        assert not _lock_held(sqlite_engine)
    finally:
        other.dispose()


def test_waiting_too_long_fails_like_a_busy_database(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 50)
    holder = sqlite_engine.connect()
    holder.begin()
    try:
        with pytest.raises(OperationalError, match="database is locked"):
            _write(sqlite_engine, 3)
    finally:
        holder.rollback()
        holder.close()
    _write(sqlite_engine, 4)  # the failed attempt left nothing held


def test_closing_a_connection_inside_a_transaction_releases_the_lock(
    sqlite_engine: Engine,
) -> None:
    conn = sqlite_engine.connect()
    conn.begin()
    conn.invalidate()  # closes the DBAPI connection without commit or rollback
    conn.close()
    assert not _lock_held(sqlite_engine)
    _write(sqlite_engine, 5)


@pytest.mark.skipif(db.fcntl is None, reason="no flock on this platform")
def test_a_writer_in_another_process_is_waited_for(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process's writer holds an flock on the lock file (a second open file
    description behaves the same within one process)."""
    import fcntl
    import os

    lock = db._WriteLock.for_file(sqlite_engine.url.database or "")
    _write(sqlite_engine, 6)  # the lock file exists from the first write on
    other = os.open(lock.lock_path, os.O_RDWR)
    try:
        fcntl.flock(other, fcntl.LOCK_EX)
        done = threading.Event()
        thread = threading.Thread(target=lambda: (_write(sqlite_engine, 7), done.set()))
        thread.start()
        assert not done.wait(0.2), "the writer must wait for the other process"
        fcntl.flock(other, fcntl.LOCK_UN)
        assert done.wait(10)
        thread.join(10)
        fcntl.flock(other, fcntl.LOCK_EX)
        monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 50)
        with pytest.raises(OperationalError, match="database is locked"):
            _write(sqlite_engine, 8)
        assert not _lock_held(sqlite_engine), "a timed-out writer keeps nothing"
    finally:
        os.close(other)
    _write(sqlite_engine, 9)


def _counting_pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    pings: list[int] = []
    real_ping = engine.dialect.do_ping

    def counting_ping(dbapi_conn: Any) -> bool:
        pings.append(1)
        return real_ping(dbapi_conn)

    monkeypatch.setattr(engine.dialect, "do_ping", counting_ping)
    return pings


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


@pytest.mark.postgres
def test_postgres_does_not_ping_connections_in_steady_use(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = db.make_engine(pg_url, pool_size=1, max_overflow=0)
    pings = _counting_pings(engine, monkeypatch)
    try:
        assert len({_backend_pid(engine) for _ in range(3)}) == 1
        assert pings == []
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgres_replaces_an_idle_connection_that_died(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    from tests.conftest import _conninfo

    if db.is_pooled(pg_url):
        pytest.skip("behind PgBouncer the pooler, not this ping, replaces a dead server connection")
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.0)  # every checked-in one counts as idle
    engine = db.make_engine(pg_url, pool_size=1, max_overflow=0)
    pings = _counting_pings(engine, monkeypatch)
    try:
        dead = _backend_pid(engine)
        with psycopg.connect(_conninfo(pg_url), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (dead,))
        assert _backend_pid(engine) != dead  # pinged, found dead, replaced: no error
        assert pings
    finally:
        engine.dispose()
