"""The district server inside another process: for ``fieldapp --demo`` and for tests.

:func:`start_embedded` migrates the database, binds a loopback socket (port 0 picks a free
one), runs uvicorn on it in a daemon thread and returns once the server accepts connections.
The caller gets the base URL and stops the server with :meth:`EmbeddedServer.stop`.
"""

from __future__ import annotations

import logging
import socket
import threading
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import uvicorn
from fastapi import FastAPI

from sync.server import db
from sync.server.settings import Settings

log = logging.getLogger("fieldapp.server.embedded")

#: How long start_embedded waits for the server to come up, and stop() for it to go down.
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0


class EmbeddedServerError(RuntimeError):
    """The embedded server could not start (the message says why)."""


class _SignallingServer(uvicorn.Server):
    """A uvicorn server that sets an event when it is listening (or has given up)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()
        self.failure: BaseException | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets=sockets)
        finally:
            self.ready.set()

    def install_signal_handlers(self) -> None:  # pragma: no cover - older uvicorn only
        """Signals belong to the host program, not to a server in a thread."""


@dataclass
class EmbeddedServer:
    """A running embedded server. ``base_url`` is ``http://host:port`` (no trailing slash)."""

    base_url: str
    host: str
    port: int
    database_url: str
    app: FastAPI
    _server: _SignallingServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)
    _socket: socket.socket = field(repr=False)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        """Stop serving and wait for the thread to end. Safe to call twice."""
        self._server.should_exit = True
        self._thread.join(STOP_TIMEOUT_S)
        if self._thread.is_alive():  # pragma: no cover - a stuck request
            self._server.force_exit = True
            self._thread.join(STOP_TIMEOUT_S)
        self._socket.close()

    def __enter__(self) -> EmbeddedServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on *host*:*port* (0: a free port); EmbeddedServerError if taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY only on sockets whose proto says TCP; without
    # it every response waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise EmbeddedServerError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def start_embedded(
    database_url: str,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    settings: Settings | None = None,
    migrate: bool = True,
    log_level: str = "warning",
    http: str = "auto",
    **app_options: Any,
) -> EmbeddedServer:
    """Migrate *database_url*, serve it on *host*:*port* in a thread, return when listening.

    ``port=0`` picks a free port (read it from ``.port`` / ``.base_url``). *settings* default to
    ``Settings.from_env(database_url=...)``; *app_options* go to ``create_app``. uvicorn leaves
    the host program's logging configuration alone; *http* picks its HTTP implementation
    ("auto", "h11" or "httptools").
    """
    from sync.server.app import create_app

    settings = (settings or Settings.from_env()).with_(database_url=database_url)
    if migrate:
        db.upgrade(database_url)
    app = create_app(settings, **app_options)
    sock = bind_socket(host, port)
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_config=None,
        log_level=log_level,
        access_log=False,
        ws="none",
        http=http,
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
    server = _SignallingServer(config)

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # SystemExit from a failed lifespan included
            server.failure = exc
            log.exception("embedded server stopped with an error")
        finally:
            server.ready.set()

    thread = threading.Thread(target=run, name=f"fieldapp-server:{bound_port}", daemon=True)
    thread.start()
    if not server.ready.wait(START_TIMEOUT_S):
        server.should_exit = True
        raise EmbeddedServerError(f"the server did not start within {START_TIMEOUT_S:.0f} s")
    if not server.started:
        thread.join(STOP_TIMEOUT_S)
        sock.close()
        reason = server.failure or "startup failed"
        raise EmbeddedServerError(f"the server did not start: {reason}")
    shown_host = f"[{host}]" if ":" in host else host
    return EmbeddedServer(
        base_url=f"http://{shown_host}:{bound_port}",
        host=host,
        port=bound_port,
        database_url=database_url,
        app=app,
        _server=server,
        _thread=thread,
        _socket=sock,
    )
