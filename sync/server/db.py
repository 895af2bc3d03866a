"""Engine and sessions for SQLite (default) and PostgreSQL (psycopg 3).

SQLite: WAL, ``synchronous=FULL``, a busy timeout, foreign keys on, and every transaction
opened with ``BEGIN IMMEDIATE`` so that two writers never deadlock on a lock upgrade
(datasette's one-writer rule, enforced by SQLite itself); a read-only transaction may begin
DEFERRED instead (:func:`begin_read`) and then never waits for the writer. PostgreSQL: READ
COMMITTED; the commit order of sync changes comes from each district's counter row in
``district_seqs`` (see syncing.py).

Behind a pooler in transaction mode (PgBouncer ``pool_mode = transaction``), mark the URL with
``?pooler=transaction``: consecutive transactions of one connection may then run on different
server connections, so psycopg's automatic prepared statements are switched off
(``prepare_threshold=None``); everything else the server does is transaction-scoped already
(``SET LOCAL``, ``pg_advisory_xact_lock``).

Writers also queue on a lock of their own per database file, held from ``BEGIN IMMEDIATE``
to the end of the transaction: a Python lock between the threads of a process and, on POSIX,
an ``flock`` on ``<database>-writer.lock`` between processes (uvicorn workers). SQLite's own
busy handler waits by sleeping in growing steps (up to 100 ms) and retrying, so under load
the write lock sat idle while the next writer slept; a waiter on these locks gets it at once
(threads) or within a millisecond (processes). On Windows other processes still meet
SQLite's lock and its busy timeout.

PostgreSQL connections are pinged before use only after sitting idle in the pool
(:data:`PING_AFTER_IDLE_S`), not on every checkout.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc

try:
    import fcntl
except ImportError:  # Windows: other processes meet SQLite's own lock and busy timeout
    fcntl = None  # type: ignore[assignment]
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

#: How long a SQLite connection waits for a lock before giving up (milliseconds).
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: Connections a SQLite file's pool keeps, and may open beyond those (see make_engine).
SQLITE_POOL_SIZE = 20
SQLITE_MAX_OVERFLOW = 60


def normalize_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and use psycopg 3 for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def is_sqlite(url: str) -> bool:
    return make_url(normalize_url(url)).get_backend_name() == "sqlite"


class _WriteLock:
    """The write lock of one SQLite database file (see the module docstring): a Python lock
    for the threads of this process and, where ``fcntl`` exists, an exclusive ``flock`` on
    a lock file beside the database for the other processes (uvicorn workers)."""

    def __init__(self, path: str) -> None:
        self.lock = threading.Lock()
        self.lock_path = path + "-writer.lock"
        self._fd: int | None = None
        self._pid = 0

    @staticmethod
    def for_file(path: str) -> _WriteLock:
        key = os.path.normcase(os.path.realpath(path))
        with _WRITE_LOCKS_GUARD:
            return _WRITE_LOCKS.setdefault(key, _WriteLock(key))

    def acquire(self, timeout_s: float) -> bool:
        """Take the lock within *timeout_s*; False when it could not be had in time."""
        deadline = time.monotonic() + timeout_s
        if not self.lock.acquire(timeout=timeout_s):
            return False
        try:
            if self._take_file_lock(deadline):
                return True
        except BaseException:
            self.lock.release()
            raise
        self.lock.release()
        return False

    def release(self) -> None:
        try:
            if fcntl is not None and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self.lock.release()

    def _take_file_lock(self, deadline: float) -> bool:
        """flock the lock file (polled every millisecond: flock has no timeout)."""
        if fcntl is None:
            return True
        if self._fd is None or self._pid != os.getpid():  # a forked child opens its own
            self._fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.001)


_WRITE_LOCKS: dict[str, _WriteLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


class _SqliteConnection(sqlite3.Connection):
    """A sqlite3 connection that holds its file's :class:`_WriteLock` while it is inside a
    ``BEGIN IMMEDIATE`` transaction; commit, rollback and close release it."""

    write_lock: _WriteLock | None = None
    holds_write_lock = False

    def acquire_write_lock(self) -> None:
        if self.write_lock is None or self.holds_write_lock:
            return
        if not self.write_lock.acquire(SQLITE_BUSY_TIMEOUT_MS / 1000):
            raise sqlite3.OperationalError("database is locked")
        self.holds_write_lock = True

    def release_write_lock(self) -> None:
        if self.holds_write_lock:
            self.holds_write_lock = False
            assert self.write_lock is not None
            self.write_lock.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            if not self.in_transaction:
                self.release_write_lock()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            if not self.in_transaction:
                self.release_write_lock()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.release_write_lock()


def _sqlite_on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _sqlite_on_begin)
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = FULL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


#: Execution option choosing how a SQLite transaction begins (see begin_read).
SQLITE_BEGIN_OPTION = "sqlite_begin"
_BEGIN_MODES = {"IMMEDIATE", "DEFERRED"}


def _sqlite_on_begin(conn: Any) -> None:
    mode = conn.get_execution_options().get(SQLITE_BEGIN_OPTION, "IMMEDIATE")
    if mode not in _BEGIN_MODES:
        raise ValueError(f"{SQLITE_BEGIN_OPTION} must be one of {sorted(_BEGIN_MODES)}")
    dbapi_conn = conn.connection.dbapi_connection
    locking = mode == "IMMEDIATE" and isinstance(dbapi_conn, _SqliteConnection)
    if locking:
        try:
            dbapi_conn.acquire_write_lock()
        except sqlite3.OperationalError as error:
            raise exc.OperationalError(f"BEGIN {mode}", None, error) from error
    try:
        conn.exec_driver_sql(f"BEGIN {mode}")
    except BaseException:
        if locking:
            dbapi_conn.release_write_lock()
        raise


def begin_read(session: Session) -> None:
    """Start the session's next transaction as a read-only one.

    On SQLite it begins DEFERRED, so it reads its WAL snapshot without waiting for a writer;
    it must not write (end it, then write in a new transaction, which begins IMMEDIATE).
    Elsewhere, and when a transaction is already open, it changes nothing.
    """
    if not session.in_transaction():
        session.connection(execution_options={SQLITE_BEGIN_OPTION: "DEFERRED"})


def writes_apart(session: Session) -> bool:
    """True where a read transaction must end before the request writes: on SQLite a
    transaction that writes begins as one (``BEGIN IMMEDIATE``, the write lock), so reads
    run in a DEFERRED one of their own (:func:`begin_read`). On PostgreSQL a transaction
    takes no lock of its own: a request reads and writes in one (a COMMIT and BEGIN, two
    round trips, fewer)."""
    return session.get_bind().dialect.name == "sqlite"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for *url* with this server's connection settings."""
    url = normalize_url(url)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        connect_args: dict[str, Any] = {
            "check_same_thread": False,
            "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
        }
        write_lock = None
        if database and database != ":memory:" and not database.startswith("file:"):
            connect_args["factory"] = _SqliteConnection
            write_lock = _WriteLock.for_file(database)
            # More connections than request threads (anyio's 40) plus the event loop, which
            # reads the signed-in device inline (deps.current_auth) and must never wait for
            # a pooled connection. SQLite connections are cheap; idle ones beyond
            # pool_size are closed when returned.
            kwargs.setdefault("pool_size", SQLITE_POOL_SIZE)
            kwargs.setdefault("max_overflow", SQLITE_MAX_OVERFLOW)
        engine = create_engine(url, connect_args=connect_args, **kwargs)

        def on_connect(dbapi_conn: sqlite3.Connection, record: Any) -> None:
            if isinstance(dbapi_conn, _SqliteConnection):
                dbapi_conn.write_lock = write_lock
            _sqlite_on_connect(dbapi_conn, record)

        event.listen(engine, "connect", on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    url, connect_args = _pooler_options(url)
    if connect_args:
        kwargs["connect_args"] = {**kwargs.get("connect_args", {}), **connect_args}
    ping_idle = "pool_pre_ping" not in kwargs
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, **kwargs)
    if ping_idle:
        _ping_when_idle(engine, PING_AFTER_IDLE_S)
    return engine


#: PostgreSQL connections left for everything but the served processes (psql, ``migrate``,
#: ``trim-feed``, a backup's ``pg_basebackup``, a standby's replication).
SPARE_CONNECTIONS = 5


def connection_room(url: str, engine: Engine) -> int | None:
    """How many connections the served processes may hold on the PostgreSQL server of *url*
    (*engine* made from it): ``max_connections`` less ``superuser_reserved_connections`` and
    :data:`SPARE_CONNECTIONS`. None on SQLite and behind a pooler (*url* marked
    ``?pooler=...``: the pooler's own client limit applies, not the server's)."""
    if is_sqlite(url) or POOLER_OPTION in make_url(normalize_url(url)).query:
        return None
    with engine.connect() as conn:
        most = int(conn.exec_driver_sql("SHOW max_connections").scalar_one())
        reserved = int(conn.exec_driver_sql("SHOW superuser_reserved_connections").scalar_one())
    return max(0, most - reserved - SPARE_CONNECTIONS)


def fitting_pool_size(pool_size: int, workers: int, room: int | None) -> int:
    """The largest pool of at most *pool_size* connections per process with which *workers*
    processes stay within *room* (see :func:`connection_room`); 0 when not even one each."""
    return pool_size if room is None else min(pool_size, room // workers)


#: The URL option naming the pooler in front of PostgreSQL (see the module docstring).
POOLER_OPTION = "pooler"


def _pooler_options(url: str) -> tuple[str, dict[str, Any]]:
    """*url* without :data:`POOLER_OPTION`, and the psycopg connect options it asks for."""
    parsed = make_url(url)
    pooler = parsed.query.get(POOLER_OPTION)
    if pooler is None:
        return url, {}
    if pooler != "transaction":
        raise ValueError(
            f"unknown {POOLER_OPTION}={pooler!r} in the database URL; use "
            f"?{POOLER_OPTION}=transaction behind PgBouncer in transaction mode, or leave it out"
        )
    plain = parsed.difference_update_query([POOLER_OPTION])
    return plain.render_as_string(hide_password=False), {"prepare_threshold": None}


def is_pooled(url: str) -> bool:
    """True when *url* goes through a pooler in transaction mode (``?pooler=transaction``)."""
    return make_url(normalize_url(url)).query.get(POOLER_OPTION) == "transaction"


#: A pooled PostgreSQL connection idle longer than this is pinged before it is handed out.
PING_AFTER_IDLE_S = 5.0


def _ping_when_idle(engine: Engine, idle_s: float) -> None:
    """Check a pooled connection before use when it sat idle longer than *idle_s*.

    SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` (a round trip, and work on the server)
    on every checkout: two or three per request. A connection in steady use has just proved
    itself; one that sat idle (across a database restart, a failover or a firewall's idle
    timeout) is pinged, and replaced when the ping fails.
    """

    def on_checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    def on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since <= idle_s:
            return  # new (just connected), or in steady use
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool discards this connection and checks out (or opens) another.
            raise exc.DisconnectionError(f"pooled connection failed its ping: {error}") from error

    event.listen(engine, "checkin", on_checkin)
    event.listen(engine, "checkout", on_checkout)


_IDLE_SINCE = "fieldapp_idle_since"


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str | None = None) -> Any:
    """The Alembic config of the server's migrations (found inside the installed package)."""
    from alembic.config import Config

    here = Path(__file__).resolve().parent
    cfg = Config(str(here / "alembic.ini"))
    cfg.set_main_option("script_location", str(here / "migrations"))
    if url is not None:
        cfg.attributes["url"] = normalize_url(url)
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at *url* to *revision* (creating it on first use)."""
    from alembic import command

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            conn.commit()
    finally:
        engine.dispose()
