"""Run the real district server in a thread: uvicorn on 127.0.0.1, port 0 (Anki's way).

``start_server(url)`` migrates the database, starts uvicorn, waits for its startup signal and
returns a :class:`LiveServer` whose ``base_url`` points at the bound port. ``stop()`` shuts it
down and joins the thread; ``with serving(url) as server:`` does both around a block. The server itself is :func:`sync.server.embedded.start_embedded`,
the same runner ``fieldapp --demo`` uses; this wrapper adds a session factory for test setup.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from sync.server import db
from sync.server.embedded import EmbeddedServer, start_embedded
from sync.server.settings import Settings


@dataclass
class LiveServer:
    """A running server: ``base_url`` for HTTP, ``sessions`` for direct database setup."""

    base_url: str
    database_url: str
    app: FastAPI
    sessions: sessionmaker[Session]
    _embedded: EmbeddedServer = field(repr=False)

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for the thread (and the app's engine) to finish."""
        self._embedded.stop()
        self.sessions.kw["bind"].dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session on the server's database; commits when the block ends without error."""
        with self.sessions.begin() as s:
            yield s


def start_server(database_url: str, settings: Settings | None = None) -> LiveServer:
    """Migrate *database_url*, start the app on a free loopback port, return when it listens."""
    settings = (settings or Settings()).with_(database_url=database_url)
    embedded = start_embedded(database_url, settings=settings, http="h11")
    engine = db.make_engine(database_url)
    return LiveServer(
        base_url=embedded.base_url,
        database_url=database_url,
        app=embedded.app,
        sessions=db.make_sessionmaker(engine),
        _embedded=embedded,
    )


@contextmanager
def serving(database_url: str) -> Iterator[LiveServer]:
    """The server on *database_url* for the length of a ``with`` block, stopped afterwards."""
    server = start_server(database_url)
    try:
        yield server
    finally:
        server.stop()
