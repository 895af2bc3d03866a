"""Root fixtures: fresh databases for the district server, on SQLite and PostgreSQL.

``pg_url`` gives each test its own freshly created PostgreSQL database (dropped afterwards) on
the server named by ``FIELDAPP_TEST_POSTGRES_URL``. Unset: the test is skipped. Set but
unreachable: skipped, or failed when ``FIELDAPP_REQUIRE_POSTGRES=1`` (CI).
``db_url`` runs a test twice: on a temporary SQLite file and on such a PostgreSQL database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_ENV = "FIELDAPP_TEST_POSTGRES_URL"
REQUIRE_ENV = "FIELDAPP_REQUIRE_POSTGRES"


def _admin_conninfo(url: str) -> str:
    """A libpq URL for *url* (drops the ``+psycopg`` driver suffix)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The SQLAlchemy URL of a fresh, uniquely named PostgreSQL database."""
    import psycopg
    from sqlalchemy.engine import make_url

    base = os.environ.get(PG_ENV, "").strip()
    if not base:
        pytest.skip(f"{PG_ENV} is not set")
    if base.startswith(("postgresql://", "postgres://")):
        base = "postgresql+psycopg://" + base.split("://", 1)[1]
    try:
        admin = psycopg.connect(_admin_conninfo(base), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL at {PG_ENV} cannot be reached: {exc}".strip()
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(message)
        pytest.skip(message)
    name = f"fieldapp_test_{uuid.uuid4().hex[:16]}"
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """The URL of a SQLite file in the test's temporary folder (created on first use)."""
    return f"sqlite:///{tmp_path / 'server.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh, empty database URL: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")
