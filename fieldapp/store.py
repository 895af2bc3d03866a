"""The encrypted local database: SQLCipher through sqlite-utils.

A :class:`Store` is one open connection to one worker's local database. It is owned by one
thread at a time (the UI's serialized database worker; ``check_same_thread`` is off so that
the worker need not be the thread that opened it), and every method and every
:meth:`Store.atomic` block holds a re-entrant lock, so accidental use from a second thread is
serialized instead of corrupting a transaction.

Opening (:meth:`Store.open`) keys the connection with a raw 32-byte key, checks the key by
reading ``sqlite_master`` before anything is written, refuses a database written by a newer
app, switches on WAL with ``synchronous=FULL``, and applies every pending schema step of
:mod:`fieldapp.schema` in one transaction. SQLite's known conditions become the
:class:`~fieldapp.errors.StoreError` family through :func:`translate_errors`.

A database file is created readable by its owner only (SQLite gives its ``-wal`` and ``-shm``
the same mode), gets a random identity (meta ``store.database_id``) when it is created, and an
existing empty (0-byte) file is refused, never initialised: its contents were lost, and
initialising it would hide that. :attr:`Store.commit_hooks` let the outbox ledger
(:mod:`fieldapp.outbox_ledger`) follow every write transaction.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlite_utils import Database

from fieldapp import schema
from fieldapp.errors import (
    CorruptError,
    DiskFullError,
    LockedError,
    ReadOnlyError,
    StoreError,
    TooNewError,
    WrongKeyError,
)

log = logging.getLogger("fieldapp.store")

KEY_BYTES = 32
DEFAULT_BUSY_TIMEOUT_MS = 5000
#: Page cache per connection, in KiB (SQLite's default is 2,000). Every page read from the
#: file is decrypted and checked by SQLCipher, so a district-sized database (tens of MB)
#: that outgrows the cache pays that again on every household's read; the memory is only
#: taken as pages are read.
CACHE_KIB = 64 * 1024
MIGRATIONS_TABLE = "_sqlite_migrations"
#: meta key of the random identity a database gets when it is created
META_DATABASE_ID = "store.database_id"
#: SQLCipher's page size (its default): a sound file is a whole number of these.
PAGE_BYTES = 4096

#: A commit hook runs inside every outermost write transaction just before its COMMIT (an
#: exception rolls the transaction back) and may return a callable to run after the COMMIT.
CommitHook = Callable[["Store"], Callable[[], None] | None]


class DamagedDatabaseError(CorruptError):
    """The database file exists but is empty, cut short or unreadable with the right key."""


# Primary SQLite result codes (https://sqlite.org/rescode.html).
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26

#: Exception classes raised by the two drivers that may reach us.
_DRIVER_ERRORS: tuple[type[Exception], ...] = (sqlcipher3.dbapi2.Error, sqlite3.Error)


def _store_error(err: Exception, path: Path | None) -> StoreError | None:
    """Return the known condition behind a driver error, or None if it is a bug."""
    code = getattr(err, "sqlite_errorcode", None)
    if code is None:
        return None
    where = f"the local database {path}" if path is not None else "the local database"
    primary = code & 0xFF
    if primary == _SQLITE_FULL:
        return DiskFullError(
            f"The disk is full, so {where} could not be saved. Free some disk space and try "
            "again; what was saved before is kept."
        )
    if primary == _SQLITE_READONLY:
        return ReadOnlyError(
            f"{where.capitalize()} cannot be written (the file or its folder is read-only). "
            "Check the file's permissions or choose a writable profile folder."
        )
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return LockedError(
            f"{where.capitalize()} is in use by another program or another 돌봄노트 window. "
            "Close the other program and try again."
        )
    if primary == _SQLITE_CORRUPT:
        return CorruptError(
            f"{where.capitalize()} is damaged. Do not delete it: sign in online so the app can "
            "fetch a fresh copy, and keep the damaged file for your district's IT team."
        )
    if primary == _SQLITE_NOTADB:
        return WrongKeyError(
            f"{where.capitalize()} could not be opened: the key does not match, or the file "
            "is not a 돌봄노트 database. The file was not changed."
        )
    if primary == _SQLITE_CANTOPEN:
        return StoreError(
            f"{where.capitalize()} cannot be opened. Check that its folder exists and can be "
            "written."
        )
    if primary == _SQLITE_IOERR:
        return StoreError(
            f"The disk reported an error while using {where}. Check the disk (or the USB "
            "drive it is on) and try again."
        )
    return None


@contextlib.contextmanager
def translate_errors(path: Path | None = None) -> Iterator[None]:
    """Turn SQLite's known conditions into :class:`StoreError` subclasses.

    Usable as a context manager or as a decorator (``@translate_errors()``). Errors that
    are not a known condition (SQL mistakes, constraint violations) propagate unchanged:
    they are bugs.
    """
    try:
        yield
    except _DRIVER_ERRORS as err:
        known = _store_error(err, path)
        if known is None:
            raise
        log.warning("%s: %s (%s)", type(known).__name__, err, getattr(err, "sqlite_errorname", "?"))
        raise known from err


def refuse_empty(path: Path) -> None:
    """Raise :class:`DamagedDatabaseError` when the file at *path* is empty (0 bytes) or not
    a whole number of pages: such a file lost its contents and is never initialised."""
    size = path.stat().st_size
    if size == 0:
        raise DamagedDatabaseError(
            f"The local database {path} is empty (0 bytes): its contents were lost. It was "
            "left as it is (an empty file is never set up again as a new database)."
        )
    if size % PAGE_BYTES:
        raise DamagedDatabaseError(
            f"The local database {path} is cut short ({size} bytes, not a whole number of "
            f"{PAGE_BYTES}-byte pages): part of it was lost. It was left as it is."
        )


def _owner_only(path: Path) -> None:
    """Make the database and its side files readable by their owner only."""
    for name in (path.name, path.name + "-wal", path.name + "-shm"):
        with contextlib.suppress(OSError):
            side = path.with_name(name)
            if side.stat().st_mode & 0o077:
                os.chmod(side, 0o600)


def _key_pragma(key: bytes) -> str:
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_BYTES:
        raise ValueError(f"a database key is exactly {KEY_BYTES} bytes")
    return f"PRAGMA key = \"x'{bytes(key).hex()}'\""


class Store:
    """One open, keyed, migrated local database. Use :meth:`open`; close with :meth:`close`."""

    def __init__(self, path: Path, conn: sqlcipher3.Connection) -> None:
        self.path = path
        self._conn: sqlcipher3.Connection | None = conn
        self._lock = threading.RLock()
        self.db = Database(conn, execute_plugins=False)
        #: See :data:`CommitHook`.
        self.commit_hooks: list[CommitHook] = []

    # ------------------------------------------------------------------ opening

    @staticmethod
    def create_key() -> bytes:
        """Return a new random database key (32 bytes)."""
        return secrets.token_bytes(KEY_BYTES)

    @classmethod
    def open(
        cls,
        path: Path,
        key: bytes,
        *,
        create: bool = False,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    ) -> Store:
        """Open (or with *create*, create) the database at *path* with the raw *key*.

        Raises :class:`WrongKeyError` when the key does not open the file (or it is not a
        database), :class:`TooNewError` when a newer app wrote it, and the other
        :class:`StoreError`\\ s for known SQLite conditions. In those cases nothing has been
        written to the file.
        """
        path = Path(path)
        pragma = _key_pragma(key)
        existed = path.exists()
        if not create and not existed:
            raise StoreError(
                f"There is no local database at {path}. Sign in online once to create it."
            )
        if existed:
            refuse_empty(path)
        elif create:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Owner-only from the first byte; SQLite gives -wal and -shm the same mode.
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        _owner_only(path)
        mode = "rwc" if create else "rw"
        uri = f"{path.resolve().as_uri()}?mode={mode}"
        with translate_errors(path):
            conn = sqlcipher3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        try:
            with translate_errors(path):
                conn.execute("PRAGMA cipher_log_level = NONE")
                conn.execute(pragma)
                # Reading the schema is the first use of the key: a wrong key fails here,
                # before anything has been written.
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            store = cls(path, conn)
            store._refuse_too_new()
            with translate_errors(path):
                conn.execute("PRAGMA journal_mode = WAL").fetchone()
                conn.execute("PRAGMA synchronous = FULL")
            store._migrate()
            if not existed:
                store.set_meta(META_DATABASE_ID, secrets.token_hex(16))
        except BaseException:
            conn.close()
            raise
        log.info("opened local database (schema %s)", schema.SCHEMA_STEPS[-1])
        return store

    def _applied_steps(self) -> list[str]:
        with translate_errors(self.path):
            exists = self._connection().execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                (MIGRATIONS_TABLE,),
            )
            if exists.fetchone() is None:
                return []
            rows = self._connection().execute(
                f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
                (schema.migrations.name,),
            )
            return [name for (name,) in rows.fetchall()]

    def _refuse_too_new(self) -> None:
        unknown = [s for s in self._applied_steps() if s not in schema.SCHEMA_STEPS]
        if unknown:
            log.warning("refused a database with unknown schema steps %s", unknown)
            raise TooNewError(
                f"The local database {self.path} was written by a newer version of 돌봄노트 "
                f"(schema step {unknown[-1]!r} is unknown to this version). Please update the "
                "app; the database was not changed."
            )

    def _migrate(self) -> None:
        """Apply every pending schema step in one transaction (all or nothing)."""
        steps = schema.migrations.pending(self.db)
        if not steps:
            return
        outside = [m.name for m in steps if not m.transactional]
        if outside:  # a programming error: it would break the all-or-nothing upgrade
            raise RuntimeError(f"schema steps must be transactional: {outside}")
        pending = [m.name for m in steps]
        with self.atomic():
            schema.migrations.apply(self.db)
        for name in pending:
            log.info("schema step %s applied", name)

    @property
    def schema_steps(self) -> list[str]:
        """Names of the schema steps applied to this database, in order."""
        with self._lock:
            return self._applied_steps()

    # ------------------------------------------------------------------ use

    def _connection(self) -> sqlcipher3.Connection:
        if self._conn is None:
            raise StoreError(f"The local database {self.path} is closed (the app is locked).")
        return self._conn

    @property
    def conn(self) -> sqlcipher3.Connection:
        """The underlying driver connection (prefer :attr:`db` and :meth:`atomic`)."""
        return self._connection()

    @property
    def closed(self) -> bool:
        return self._conn is None

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Database]:
        """A write transaction: ``BEGIN IMMEDIATE`` outside, a savepoint when nested.

        Takes the write lock at the start, so a second writer waits (``busy_timeout``) at
        the beginning instead of failing halfway. Commits on success, rolls back on any
        exception. Known SQLite conditions inside the block become ``StoreError``\\ s.
        """
        with self._lock, translate_errors(self.path):
            conn = self._connection()
            if conn.in_transaction:
                name = f"fieldapp_{secrets.token_hex(8)}"
                conn.execute(f"SAVEPOINT {name}")
                try:
                    yield self.db
                except BaseException:
                    if conn.in_transaction:
                        conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                        conn.execute(f"RELEASE SAVEPOINT {name}")
                    raise
                conn.execute(f"RELEASE SAVEPOINT {name}")
            else:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self.db
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                try:
                    after = [hook(self) for hook in self.commit_hooks]
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                for run in after:
                    if run is not None:
                        run()

    @contextlib.contextmanager
    def write_lock(self) -> Iterator[Database]:
        """Hold the database's write lock (``BEGIN IMMEDIATE``) for reads that must not
        interleave with another connection's writes. Nothing may be written in the block:
        it ends with a ROLLBACK, and no commit hook runs. Inside a transaction: just the block.
        """
        with self._lock, translate_errors(self.path):
            conn = self._connection()
            if conn.in_transaction:
                yield self.db
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            finally:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")

    @contextlib.contextmanager
    def reading(self) -> Iterator[Database]:
        """Hold the store's lock for a group of reads; known conditions are translated."""
        with self._lock, translate_errors(self.path):
            self._connection()
            yield self.db

    def get_meta(self, key: str, default: Any = None) -> Any:
        """Return the JSON value stored under *key* in ``meta``, or *default*."""
        with self.reading():
            row = (
                self._connection()
                .execute("SELECT value FROM meta WHERE key = ?", (key,))
                .fetchone()
            )
        if row is None or row[0] is None:
            return default
        return json.loads(row[0])

    def set_meta(self, key: str, value: Any) -> None:
        """Store *value* (anything JSON can hold) under *key* in ``meta``."""
        encoded = json.dumps(value, ensure_ascii=False)
        with self.atomic() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, encoded],
            )

    @property
    def database_id(self) -> str | None:
        """The random identity given to this database when it was created (None for a
        database made before identities existed; :meth:`ensure_database_id` gives one)."""
        value = self.get_meta(META_DATABASE_ID)
        return str(value) if value else None

    def ensure_database_id(self) -> str:
        """This database's identity, given one now if it has none."""
        current = self.database_id
        if current is None:
            current = secrets.token_hex(16)
            self.set_meta(META_DATABASE_ID, current)
        return current

    def integrity_check(self) -> list[str]:
        """Run ``PRAGMA integrity_check``; ``["ok"]`` means the file is sound."""
        with self.reading():
            rows = self._connection().execute("PRAGMA integrity_check").fetchall()
        return [r[0] for r in rows]

    def close(self) -> None:
        """Close the connection; later use raises :class:`StoreError`. Safe to repeat."""
        with self._lock:
            if self._conn is not None:
                conn, self._conn = self._conn, None
                conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<Store {self.path} ({state})>"
