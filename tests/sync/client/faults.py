"""A loopback HTTP proxy in front of the live server that injects network faults on demand.

The client under test talks to ``proxy.base_url``; the proxy forwards to the real server.
Rules make it misbehave for chosen requests, deterministically:

* ``drop``  -- forward, let the server commit, then cut the connection without answering
  (the response is lost);
* ``hold``  -- forward, then wait until released before answering (``held`` is set, so a
  test can kill the client at that moment);
* ``error`` -- answer 500 without forwarding;
* ``stall`` -- forward nothing and answer nothing until released (a server that times out);
* ``notify`` -- forward and answer, then set ``held`` (the client is busy with the answer);
* ``limit`` -- answer 413 (as the server does) when the body is over ``max_bytes``.

``time_shift`` moves the server's clock header (``X-Server-Time``) by that many seconds.

``down()`` stops listening (connection refused), ``up()`` listens again on the same port.
Everything is synthetic traffic on 127.0.0.1.
"""

from __future__ import annotations

import http.client
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from sync.protocol import SERVER_TIME_HEADER

_HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "host", "proxy-connection"}


@dataclass
class Rule:
    """Misbehave for requests whose path contains *path*, *times* times (None: always)."""

    path: str
    action: str  # drop | hold | error | stall
    times: int | None = 1
    seen: int = 0
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    #: skip this many matching requests before acting
    after: int = 0
    max_bytes: int = 0


class FaultProxy:
    """See the module docstring."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.rules: list[Rule] = []
        self.time_shift = 0.0
        self.log: list[tuple[str, str, int | None]] = []  # (method, path, status or None)
        self._lock = threading.Lock()
        self._port = 0
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.up()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    # ------------------------------------------------------------------ control

    def add(
        self, path: str, action: str, times: int | None = 1, after: int = 0, max_bytes: int = 0
    ) -> Rule:
        rule = Rule(path, action, times, after=after, max_bytes=max_bytes)
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            for rule in self.rules:
                rule.release.set()
            self.rules.clear()

    def count(self, path: str, method: str | None = None) -> int:
        with self._lock:
            return sum(1 for m, p, _ in self.log if path in p and method in (None, m))

    def up(self) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                proxy._serve(self)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self._httpd = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        self._httpd.daemon_threads = True
        self._port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="fault-proxy", daemon=True
        )
        self._thread.start()

    def down(self) -> None:
        """Stop listening: new connections are refused."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            assert self._thread is not None
            self._thread.join()
            self._httpd = None

    def close(self) -> None:
        self.clear()
        self.down()

    # ------------------------------------------------------------------ serving

    def _match(self, path: str) -> Rule | None:
        with self._lock:
            for rule in self.rules:
                if rule.path in path:
                    rule.seen += 1
                    n = rule.seen - rule.after
                    if n >= 1 and (rule.times is None or n <= rule.times):
                        return rule
        return None

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else None
        rule = self._match(h.path)
        action = rule.action if rule else None
        if action == "limit" and rule is not None and len(body or b"") <= rule.max_bytes:
            action = None
        if action in ("error", "limit"):
            status = 500 if action == "error" else 413
            self._record(h, status)
            payload = (
                b'{"detail": "injected failure", "code": "internal"}'
                if status == 500
                else b'{"detail": "the request body is too large", "code": "too_large"}'
            )
            h.send_response(status)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(payload)))
            h.end_headers()
            h.wfile.write(payload)
            return
        if action == "stall":
            assert rule is not None
            self._record(h, None)
            rule.held.set()
            rule.release.wait(30)
            h.close_connection = True
            return
        status, headers, data = self._forward(h, body)
        self._record(h, status)
        if rule is not None and action == "hold":
            rule.held.set()
            rule.release.wait(30)
        if action == "drop":
            h.close_connection = True  # the server committed; the answer never arrives
            return
        try:
            h.send_response(status)
            for k, v in headers:
                if k.lower() not in _HOP_HEADERS and k.lower() != "content-length":
                    h.send_header(k, self._shift(k, v))
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)
        except OSError:  # the client is gone (killed): nothing to answer
            h.close_connection = True
        if rule is not None and action == "notify":
            rule.held.set()

    def _forward(
        self, h: BaseHTTPRequestHandler, body: bytes | None
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        parts = urlsplit(self.upstream)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        try:
            headers = {k: v for k, v in h.headers.items() if k.lower() not in _HOP_HEADERS}
            conn.request(h.command, h.path, body=body, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.getheaders(), resp.read()
        finally:
            conn.close()

    def _shift(self, name: str, value: str) -> str:
        if self.time_shift and name.lower() == SERVER_TIME_HEADER.lower():
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return (when + timedelta(seconds=self.time_shift)).isoformat()
        return value

    def _record(self, h: BaseHTTPRequestHandler, status: int | None) -> None:
        with self._lock:
            self.log.append((h.command, h.path, status))
