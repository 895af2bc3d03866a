"""Run the real district server in a thread: uvicorn on 127.0.0.1, port 0 (Anki's way).

``start_server(url)`` migrates the database, starts uvicorn, waits for its startup signal and
returns a :class:`LiveServer` whose ``base_url`` points at the bound port. ``stop()`` shuts it
down and joins the thread.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from sync.server import db
from sync.server.app import create_app
from sync.server.settings import Settings

STARTUP_TIMEOUT_S = 30.0


class _ThreadServer(uvicorn.Server):
    """uvicorn.Server that signals when it has bound its sockets."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: Any = None) -> None:
        try:
            await super().startup(sockets)
        finally:
            self.ready.set()


@dataclass
class LiveServer:
    """A running server: ``base_url`` for HTTP, ``sessions`` for direct database setup."""

    base_url: str
    database_url: str
    app: FastAPI
    sessions: sessionmaker[Session]
    _server: _ThreadServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for the thread (and the app's engine) to finish."""
        self._server.should_exit = True
        self._thread.join(timeout=STARTUP_TIMEOUT_S)
        self.sessions.kw["bind"].dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session on the server's database; commits when the block ends without error."""
        with self.sessions.begin() as s:
            yield s


def start_server(database_url: str, settings: Settings | None = None) -> LiveServer:
    """Migrate *database_url*, start the app on a free loopback port, return when it listens."""
    db.upgrade(database_url)
    settings = (settings or Settings()).with_(database_url=database_url)
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_config=None,
        log_level="warning",
        access_log=False,
        lifespan="on",
        ws="none",
        http="h11",
        timeout_graceful_shutdown=5,
    )
    server = _ThreadServer(config)
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    if not server.ready.wait(STARTUP_TIMEOUT_S) or not server.started:
        server.should_exit = True
        thread.join(timeout=5)
        raise RuntimeError("the live server did not start")
    port = server.servers[0].sockets[0].getsockname()[1]
    engine = db.make_engine(database_url)
    return LiveServer(
        base_url=f"http://127.0.0.1:{port}",
        database_url=database_url,
        app=app,
        sessions=db.make_sessionmaker(engine),
        _server=server,
        _thread=thread,
    )
