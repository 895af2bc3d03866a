"""The PostgreSQL pool keeps its connections: a connection returned under load is not closed.

With 10 kept and 20 overflow, every connection beyond the tenth was closed when returned, so
under load nearly every sync opened a new PostgreSQL connection (bench server_load)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
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


def direct(url: str) -> str:
    """*url* when it reaches PostgreSQL itself; skipped in the run through PgBouncer (its
    client limit is not the server's ``max_connections``; the direct run checks these)."""
    if "pooler=" in url:
        pytest.skip("behind the pooler the server's max_connections does not apply")
    return url


@pytest.mark.postgres
def test_connection_room_is_what_the_server_allows(migrated_pg_url: str) -> None:
    from sync.server import db

    migrated_pg_url = direct(migrated_pg_url)

    engine = db.make_engine(migrated_pg_url)
    try:
        with engine.connect() as c:
            most = int(c.exec_driver_sql("SHOW max_connections").scalar_one())
            reserved = int(c.exec_driver_sql("SHOW superuser_reserved_connections").scalar_one())
        room = db.connection_room(migrated_pg_url, engine)
        assert room == most - reserved - db.SPARE_CONNECTIONS
        # behind a pooler the server's limit is not the one that applies
        assert db.connection_room(migrated_pg_url + "?pooler=transaction", engine) is None
    finally:
        engine.dispose()
    assert db.fitting_pool_size(30, 4, 92) == 23
    assert db.fitting_pool_size(30, 2, 92) == 30
    assert db.fitting_pool_size(30, 200, 92) == 0
    assert db.fitting_pool_size(30, 4, None) == 30


def _serve_once(url: str, workers: int, environ: dict[str, str]) -> tuple[int, str, str]:
    """``fieldapp-server serve --workers N`` until its first line (or its refusal)."""
    env = {k: v for k, v in os.environ.items() if k != "FIELDAPP_DB_POOL_SIZE"} | environ
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sync.server.cli",
            "--database-url",
            url,
            "serve",
            "--port",
            "0",
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    if proc.poll() is None:
        second = proc.stdout.readline() if first.startswith("note:") else ""
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=60)
        return proc.returncode, first + second + rest, err
    rest, err = proc.communicate(timeout=60)
    return proc.returncode, first + rest, err


@pytest.mark.postgres
def test_serve_fits_the_pool_of_its_workers_in_max_connections(migrated_pg_url: str) -> None:
    """4 workers x 30 connections once exceeded PostgreSQL's default of 100: under load the
    workers failed with "too many clients". Left to its default the pool shrinks to fit
    (said on one line); set explicitly to more than fits, serve refuses with the figures."""
    from sync.server import db

    migrated_pg_url = direct(migrated_pg_url)

    engine = db.make_engine(migrated_pg_url)
    try:
        room = db.connection_room(migrated_pg_url, engine)
    finally:
        engine.dispose()
    assert room is not None
    workers = room // 10 + 1  # at the default of 30 these cannot all fit; at 10 they cannot
    status, out, err = _serve_once(migrated_pg_url, workers, {})
    fitting = room // workers
    assert status == 0, err
    assert out.startswith(f"note: FIELDAPP_DB_POOL_SIZE 30 -> {fitting} per process"), out
    assert f"with {workers} worker processes" in out

    status, out, err = _serve_once(migrated_pg_url, workers, {"FIELDAPP_DB_POOL_SIZE": "10"})
    assert status == 1
    assert err.strip().splitlines() == [
        f"fieldapp-server: {workers} worker(s) x FIELDAPP_DB_POOL_SIZE=10 connections would "
        f"not fit in the PostgreSQL server's {room} connection(s) for this server "
        f"(max_connections less the reserved and {db.SPARE_CONNECTIONS} spare): set "
        f"FIELDAPP_DB_POOL_SIZE={fitting} or less, raise max_connections, or put PgBouncer in "
        "front (docs/deploy.md, section 10)"
    ]


@pytest.mark.postgres
def test_many_requests_at_once_on_a_small_pool_all_answer(migrated_pg_url: str) -> None:
    """More requests at once than threads, on fewer connections than threads: every one is
    answered. The health route once left its read transaction open when it returned, so its
    session held its connection until the request's dependencies closed it after the
    response; with more requests at once than connections the worker threads all waited for
    one and requests failed with 503 after the pool's 30 s timeout, or never answered
    (bench server_load, 200 devices, 30 connections per process)."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    from sync import protocol as p
    from tests.helpers.live_server import start_server

    server = start_server(migrated_pg_url, Settings(db_pool_size=2))
    try:
        url = server.base_url + p.HEALTH_PATH

        def get(_: int) -> int:
            with requests.Session() as http:
                return [http.get(url, timeout=60).status_code for _ in range(5)][-1]

        with ThreadPoolExecutor(100) as pool:
            statuses = list(pool.map(get, range(100)))
    finally:
        server.stop()
    assert statuses == [200] * 100


@pytest.mark.postgres
def test_many_refused_logins_at_once_on_a_small_pool_all_answer(
    migrated_pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused logins (unknown accounts) give their connection back where they ran, not in
    a second worker-thread hop (before, the refusal left its ``SELECT ... FOR UPDATE``
    transaction open for the request's session to close): 100 clients x 5 refused logins on
    a pool of 2 all get their 401, none a 503 from the pool's timeout."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    from sync import protocol as p
    from tests.helpers.cheap import cheapen_server_hashing
    from tests.helpers.live_server import start_server

    cheapen_server_hashing(monkeypatch)
    # every login checks its password at once (no slot bound): the pool is what is tested
    server = start_server(migrated_pg_url, Settings(db_pool_size=2, login_hash_slots=500))
    try:
        url = server.base_url + p.LOGIN_PATH
        headers = {p.PROTOCOL_HEADER: str(p.PROTOCOL_VERSION)}

        def login(i: int) -> list[int]:
            body = {
                "protocol": p.PROTOCOL_VERSION,
                "username": f"nobody{i}",
                "password": "not-a-password-1",
                "device_id": f"device-{i:04d}",
            }
            with requests.Session() as http:
                return [
                    http.post(url, json=body, headers=headers, timeout=60).status_code
                    for _ in range(5)
                ]

        with ThreadPoolExecutor(100) as pool:
            statuses = [s for got in pool.map(login, range(100)) for s in got]
    finally:
        server.stop()
    assert statuses == [401] * 500
