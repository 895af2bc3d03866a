"""Alembic migrations: same schema as the models on SQLite and PostgreSQL, reversible, epoch."""

from __future__ import annotations

import uuid

from alembic import command
from sqlalchemy import inspect, select

from sync.server import db
from sync.server.models import Base, ServerMeta


def test_migrations_match_the_models_and_round_trip(db_url: str) -> None:
    db.upgrade(db_url)
    command.check(db.alembic_config(db_url))  # raises when models and migrations differ
    engine = db.make_engine(db_url)
    try:
        with db.make_sessionmaker(engine)() as s:
            meta = s.scalars(select(ServerMeta)).one()
            uuid.UUID(meta.epoch)
            assert meta.seq == 0
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
        command.downgrade(db.alembic_config(db_url), "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    db.upgrade(db_url)  # and up again from nothing
    db.upgrade(db_url)  # a second run changes nothing


def test_sqlite_connection_settings(sqlite_url: str) -> None:
    engine = db.make_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            pragma = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
    finally:
        engine.dispose()
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 2,  # FULL
        "foreign_keys": 1,
        "busy_timeout": db.SQLITE_BUSY_TIMEOUT_MS,
    }


def test_postgres_urls_use_psycopg_3() -> None:
    assert db.normalize_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert db.normalize_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert db.normalize_url("sqlite:///x.db") == "sqlite:///x.db"
