"""Alembic environment: the URL comes from the server settings, never from alembic.ini.

`sync.server.migrate.upgrade()` hands a connection over in ``config.attributes``; the plain
``alembic -c sync/server/alembic.ini upgrade head`` command builds one from the settings.
SQLite runs in batch mode (``render_as_batch``) so ALTERs work there too.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from sync.server.db import is_sqlite, make_engine
from sync.server.models import Base
from sync.server.settings import Settings

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    url = config.attributes.get("url") or Settings.from_env().database_url
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=is_sqlite(url),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    url = config.attributes.get("url") or Settings.from_env().database_url
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            _configure(conn)
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
