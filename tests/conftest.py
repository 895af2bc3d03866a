"""Root fixtures: fresh databases for the district server, on SQLite and PostgreSQL.

``pg_url`` gives each test its own freshly created, empty PostgreSQL database (dropped
afterwards) on the server named by ``FIELDAPP_TEST_POSTGRES_URL``. Unset: the test is skipped.
Set but unreachable: skipped, or failed when ``FIELDAPP_REQUIRE_POSTGRES=1`` (CI).
``db_url`` runs a test twice: on a temporary SQLite file and on such a PostgreSQL database.
``migrated_db_url`` is the same, already migrated to the latest schema (copied from a template
migrated once per session, which saves the DDL in every test).
With ``FIELDAPP_TEST_POSTGRES_POOLER=pgbouncer`` the tests reach those databases through a
PgBouncer in transaction mode started for the session (databases are still made and dropped
directly); CI runs the sync suite's PostgreSQL tests once more this way.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.helpers.live_server import LiveServer
    from tests.helpers.world import Api, World

PG_ENV = "FIELDAPP_TEST_POSTGRES_URL"
REQUIRE_ENV = "FIELDAPP_REQUIRE_POSTGRES"
POOLER_ENV = "FIELDAPP_TEST_POSTGRES_POOLER"


def _conninfo(url: str) -> str:
    """A libpq URL for a SQLAlchemy *url* (drops the ``+psycopg`` driver suffix and the
    server's own ``pooler`` option)."""
    from sqlalchemy.engine import make_url

    plain = make_url(url).difference_update_query(["pooler"])
    return plain.set(drivername="postgresql").render_as_string(hide_password=False)


def _with_database(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=name).render_as_string(hide_password=False)


@dataclass
class _PgServer:
    base_url: str
    admin: Any  # psycopg.Connection in autocommit mode
    #: Where tests connect: the server itself, or a pooler in front of it.
    test_url: str = ""

    def create(self, template: str | None = None) -> str:
        name = f"fieldapp_test_{uuid.uuid4().hex[:16]}"
        suffix = f' TEMPLATE "{template}"' if template else ""
        self.admin.execute(f'CREATE DATABASE "{name}"{suffix}')
        return name

    def drop(self, name: str) -> None:
        self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def _pg_server() -> Iterator[_PgServer]:
    """A connection to the PostgreSQL server for creating and dropping test databases."""
    import psycopg

    base = os.environ.get(PG_ENV, "").strip()
    if not base:
        pytest.skip(f"{PG_ENV} is not set")
    if base.startswith(("postgresql://", "postgres://")):
        base = "postgresql+psycopg://" + base.split("://", 1)[1]
    try:
        admin = psycopg.connect(_conninfo(base), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL at {PG_ENV} cannot be reached: {exc}".strip()
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(message)
        pytest.skip(message)
    try:
        pooler = os.environ.get(POOLER_ENV, "").strip()
        if not pooler:
            yield _PgServer(base, admin, base)
            return
        if pooler != "pgbouncer":
            pytest.fail(f"{POOLER_ENV}={pooler!r}: the only pooler known here is pgbouncer")
        from sqlalchemy.engine import make_url

        from tests.helpers.pg_processes import pgbouncer

        target = make_url(base)
        with pgbouncer(
            str(target.username), target_port=target.port or 5432, host=target.host or "127.0.0.1"
        ) as bouncer:
            yield _PgServer(base, admin, bouncer.url(base))
    finally:
        admin.close()


@pytest.fixture
def pg_url(_pg_server: _PgServer) -> Iterator[str]:
    """The SQLAlchemy URL of a fresh, empty, uniquely named PostgreSQL database."""
    name = _pg_server.create()
    try:
        yield _with_database(_pg_server.test_url, name)
    finally:
        _pg_server.drop(name)


@pytest.fixture(scope="session")
def _pg_template(_pg_server: _PgServer) -> Iterator[str]:
    """A PostgreSQL database migrated once, used as the template of migrated test databases."""
    from sync.server import db

    name = _pg_server.create()
    try:
        db.upgrade(_with_database(_pg_server.base_url, name))
        yield name
    finally:
        _pg_server.drop(name)


@pytest.fixture
def migrated_pg_url(_pg_server: _PgServer, _pg_template: str) -> Iterator[str]:
    """A fresh PostgreSQL database at the latest schema (a copy of the template)."""
    name = _pg_server.create(template=_pg_template)
    try:
        yield _with_database(_pg_server.test_url, name)
    finally:
        _pg_server.drop(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """The URL of a SQLite file in the test's temporary folder (created on first use)."""
    return f"sqlite:///{tmp_path / 'server.sqlite3'}"


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sync.server import db

    path = tmp_path_factory.mktemp("server-template") / "server.sqlite3"
    db.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def migrated_sqlite_url(tmp_path: Path, _sqlite_template: Path) -> str:
    target = tmp_path / "server.sqlite3"
    shutil.copyfile(_sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh, empty database URL: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def migrated_db_url(request: pytest.FixtureRequest) -> str:
    """A fresh database at the latest schema: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("migrated_sqlite_url")
    return request.getfixturevalue("migrated_pg_url")


# ------------------------------------------------------------ fixtures on a live server
# ``world`` and ``api`` need a ``live`` fixture (a LiveServer); each suite that uses them
# defines its own, on the database it needs.


@pytest.fixture
def world(live: LiveServer) -> World:
    """The small synthetic district of :mod:`tests.helpers.world`, built on *live*."""
    from tests.helpers.world import build_world

    return build_world(live)


@pytest.fixture
def api(live: LiveServer) -> Iterator[Callable[..., Api]]:
    """Make devices talking raw HTTP: ``api("vol1")`` is a new device signed in as vol1,
    ``api()`` one not signed in."""
    from tests.helpers.world import Api

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


@pytest.fixture
def memory_keyring() -> Iterator[Any]:
    """An in-memory keyring backend installed for one test, then the previous one again
    (the test machine has none)."""
    import keyring

    from tests.fieldapp.test_profile import MemoryKeyring

    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)
