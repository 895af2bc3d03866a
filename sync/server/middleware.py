"""Pure ASGI middleware that runs before any route: server time, protocol check, body limit,
gzip request bodies, the catch-all (503 ``unavailable`` with Retry-After when the database
cannot be reached, 500 for anything else) and one structured log line per request.

Order of checks for a request: protocol header (426), declared size (413), body read with a
cap, gzip decoding with a cap (413). Nothing reaches a route (or the database) before these
pass. Log lines hold method, path, status and duration; never headers, query or bodies.
"""

from __future__ import annotations

import json
import logging
import time
import zlib
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync import protocol as p
from sync.server.errors import RETRY_AFTER_S, UNAVAILABLE_DETAIL, database_unavailable

log = logging.getLogger("fieldapp.server.http")

#: Paths that need the protocol header (everything under the API prefix except health).
_UNCHECKED_PATHS = frozenset({p.HEALTH_PATH})


def server_time_header() -> tuple[bytes, bytes]:
    return (p.SERVER_TIME_HEADER.lower().encode(), datetime.now(UTC).isoformat().encode())


def protocol_problem(value: str | None) -> str | None:
    """Why a protocol header value is not acceptable, or None when it is."""
    supported = f"{p.MIN_PROTOCOL_VERSION}..{p.MAX_PROTOCOL_VERSION}"
    if value is None:
        return f"send the header {p.PROTOCOL_HEADER} (this server speaks protocol {supported})"
    if not value.strip().isdigit():
        return f"{p.PROTOCOL_HEADER} must be a whole number (supported: {supported})"
    return version_problem(int(value))


def version_problem(version: int) -> str | None:
    if p.MIN_PROTOCOL_VERSION <= version <= p.MAX_PROTOCOL_VERSION:
        return None
    supported = f"{p.MIN_PROTOCOL_VERSION}..{p.MAX_PROTOCOL_VERSION}"
    if version > p.MAX_PROTOCOL_VERSION:
        hint = "this server is older than the app: ask the district IT team to upgrade it"
    else:
        hint = "this app is too old for the server: install the current version"
    return f"protocol {version} is not supported (server speaks {supported}); {hint}"


class _Reject(Exception):
    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


class HardeningMiddleware:
    """See the module docstring."""

    def __init__(self, app: ASGIApp, max_body: int = p.MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state: dict[str, Any] = {"status": 0, "started": False}

        async def send_with_time(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                state["started"] = True
                headers = [h for h in message.get("headers", []) if h[0] != b"x-server-time"] + [
                    server_time_header()
                ]
                message = {**message, "headers": headers}
            await send(message)

        try:
            headers = {
                k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]
            }
            path: str = scope.get("path", "")
            if path.startswith(p.API_PREFIX + "/") and path not in _UNCHECKED_PATHS:
                problem = protocol_problem(headers.get(p.PROTOCOL_HEADER.lower()))
                if problem:
                    raise _Reject(426, p.ERR_PROTOCOL, problem)
            if scope["method"] in {"POST", "PUT", "PATCH"}:
                body = await self._read_body(receive, headers)
                scope = self._rewrite_headers(scope, len(body))
                receive = _replay(body, receive)
            await self.app(scope, receive, send_with_time)
        except _Reject as rej:
            await _send_error(send_with_time, rej.status, rej.code, rej.detail)
        except Exception as exc:
            if database_unavailable(exc):
                first_line = (str(exc).splitlines() or [type(exc).__name__])[0]
                log.warning(
                    "database unavailable on %s %s: %s",
                    scope.get("method"),
                    scope.get("path"),
                    first_line,
                )
                if not state["started"]:
                    await _send_error(
                        send_with_time,
                        503,
                        p.ERR_UNAVAILABLE,
                        UNAVAILABLE_DETAIL,
                        headers=[(b"retry-after", str(RETRY_AFTER_S).encode())],
                    )
                return
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if not state["started"]:
                await _send_error(
                    send_with_time,
                    500,
                    "internal",
                    "the server hit an unexpected error; it is logged. Try again later.",
                )
        finally:
            log.info(
                "request method=%s path=%s status=%s ms=%.1f",
                scope.get("method"),
                scope.get("path"),
                state["status"],
                (time.perf_counter() - started) * 1000,
            )

    async def _read_body(self, receive: Receive, headers: dict[str, str]) -> bytes:
        limit = self.max_body
        too_large = f"the request body is larger than {limit} bytes; send fewer items per push"
        declared = headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise _Reject(413, p.ERR_TOO_LARGE, too_large)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise _Reject(413, p.ERR_TOO_LARGE, too_large)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding in {"", "identity"}:
            return body
        if encoding != "gzip":
            raise _Reject(
                415, p.ERR_INVALID, f"Content-Encoding {encoding!r} is not supported; use gzip"
            )
        return _gunzip(body, limit, too_large)

    @staticmethod
    def _rewrite_headers(scope: Scope, length: int) -> Scope:
        kept = [
            (k, v)
            for k, v in scope["headers"]
            if k.lower() not in {b"content-encoding", b"content-length"}
        ]
        kept.append((b"content-length", str(length).encode()))
        return {**scope, "headers": kept}


def _gunzip(data: bytes, limit: int, too_large: str) -> bytes:
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decoder.decompress(data, limit + 1)
        if len(out) > limit or decoder.unconsumed_tail:
            raise _Reject(413, p.ERR_TOO_LARGE, too_large + " (after gzip decoding)")
        out += decoder.flush()
    except zlib.error as exc:
        raise _Reject(400, p.ERR_INVALID, f"the gzip body cannot be decoded: {exc}") from None
    if not decoder.eof:
        raise _Reject(400, p.ERR_INVALID, "the gzip body is truncated")
    if len(out) > limit:
        raise _Reject(413, p.ERR_TOO_LARGE, too_large + " (after gzip decoding)")
    return out


def _replay(body: bytes, original: Receive) -> Receive:
    """A receive that hands over the (decoded) body once, then waits on the real one."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await original()

    return receive


async def _send_error(
    send: Send,
    status: int,
    code: str,
    detail: str,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    body = json.dumps(p.ErrorBody(detail=detail, code=code).model_dump()).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
