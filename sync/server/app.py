"""The FastAPI application factory for the district server.

``create_app(settings)`` builds a stateless app: everything that matters lives in the database
named by the settings (the engine and session factory on ``app.state`` are plumbing only).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from sqlalchemy import Engine

import fieldapp
from sync import protocol as p
from sync.server.db import is_sqlite, make_engine, make_sessionmaker
from sync.server.errors import install_error_handlers
from sync.server.login_slots import LoginSlots
from sync.server.middleware import HardeningMiddleware
from sync.server.replica import CONNECT_TIMEOUT_S, ReadRouter
from sync.server.routes import auth, district, health
from sync.server.routes import sync as sync_routes
from sync.server.settings import Settings


def pool_options(settings: Settings) -> dict[str, int]:
    """The PostgreSQL connection pool of one server process: ``db_pool_size`` connections,
    kept open, none beyond (SQLite files keep their own sizing, see ``db.make_engine``).

    The maximum is what it was (10 kept + 20 overflow), but an overflow connection was
    closed when returned: under load (more requests at once than 10) nearly every sync
    opened a new PostgreSQL connection, a backend fork and sign-in each (bench server_load:
    230 new sessions in 5 s at 80 syncs/s; capacity +30% without them, docs/PERFORMANCE.md).
    """
    if is_sqlite(settings.database_url):
        return {}
    return {"pool_size": settings.db_pool_size, "max_overflow": 0}


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """Build the app for *settings* (default: from the environment).

    Raises SettingsError when the settings must not be served (e.g. production mode with a
    placeholder secret). Pass *engine* to share one engine (tests); it is then not disposed.
    """
    settings = settings or Settings.from_env()
    settings.check()
    own_engine = engine is None
    engine = engine or make_engine(settings.database_url, **pool_options(settings))
    read_engine = (
        make_engine(settings.read_database_url, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
        if settings.read_database_url
        else None
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if own_engine:
            engine.dispose()
        if read_engine is not None:
            read_engine.dispose()

    app = FastAPI(
        title="돌봄노트 district sync server",
        version=fieldapp.__version__,
        summary=f"Sync protocol {p.MIN_PROTOCOL_VERSION}..{p.MAX_PROTOCOL_VERSION}",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.login_slots = LoginSlots(settings.login_hash_slots)
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.read_router = ReadRouter(
        app.state.sessionmaker,
        make_sessionmaker(read_engine) if read_engine is not None else None,
        max_lag_s=settings.read_max_lag_ms / 1000,
    )
    install_error_handlers(app)
    for router in (
        health.router,
        auth.router,
        sync_routes.router,
        district.router,
        district.worker_router,
    ):
        app.include_router(router, prefix=p.API_PREFIX)
    # Added last = outermost: the hardening checks run before anything else.
    app.add_middleware(
        GZipMiddleware, minimum_size=1024, compresslevel=5
    )  # ~level 9 ratio, 2x faster
    app.add_middleware(HardeningMiddleware)
    return app
