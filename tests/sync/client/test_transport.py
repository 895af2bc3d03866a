"""The client's HTTP rules against a small scripted loopback server."""

from __future__ import annotations

import gzip
import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sync import protocol
from sync.client_errors import (
    AuthError,
    InsecureTransportError,
    OfflineError,
    ProtocolError,
    ResyncRequired,
    ServerError,
    SyncCancelled,
    TooLargeError,
    WipeOrdered,
)
from sync.transport import Transport, check_server_url, is_loopback


class Script:
    """Answers to give, in order (the last one repeats), and what was received."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, dict, dict[str, str]]] = []
        self.received: list[dict] = []

    def next(self) -> tuple[int, dict, dict[str, str]]:
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if self.headers.get("Content-Encoding") == "gzip":
                raw = gzip.decompress(raw)
            script.received.append({"path": self.path, "headers": dict(self.headers), "body": raw})
            status, body, headers = script.next()
            data = json.dumps(body).encode()
            if "gzip" in (self.headers.get("Accept-Encoding") or ""):
                data = gzip.compress(data)
                headers = {**headers, "Content-Encoding": "gzip"}
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", script
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def transport(url: str, **kw: object) -> tuple[Transport, list[float]]:
    slept: list[float] = []
    return Transport(url, sleep=slept.append, **kw), slept  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "url",
    [
        "https://sync.mapo.example.kr",
        "http://127.0.0.1:8750",
        "http://127.3.4.5",
        "http://[::1]:80",
        "http://localhost:9",
    ],
)
def test_allowed_server_urls(url: str) -> None:
    assert check_server_url(url + "/") == url


@pytest.mark.parametrize(
    "url", ["http://sync.mapo.example.kr", "http://10.0.0.5:8750", "ftp://x", "sync.example.kr"]
)
def test_plain_http_is_refused_off_loopback(url: str) -> None:
    with pytest.raises(InsecureTransportError):
        check_server_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://mapo sync.example.kr",
        "https://sync.example.kr:99999",
        "https://sync.example.kr:0",
        "https://sync.example.kr/?x=1",
        "https://sync.example.kr#top",
        "https://nurse1:secret-pw@sync.example.kr",
        "https://sync\udcffexample.kr",
        "https://sync.exa\tmple.kr",
        "https://sync.example.kr/a b",
        "sync.example.kr",
    ],
)
def test_what_is_no_server_address_is_refused_before_any_request(url: str) -> None:
    """Each of these reached requests (InvalidURL: the app's crash path) or sent a typed
    password to a server inside the URL; now refused up front, kind ``not_an_address``,
    without the password in the message."""
    with pytest.raises(InsecureTransportError) as caught:
        check_server_url(url)
    assert caught.value.kind == "not_an_address"
    assert "secret-pw" not in str(caught.value)


def test_the_kinds_of_refused_address() -> None:
    with pytest.raises(InsecureTransportError) as caught:
        check_server_url("http://10.0.0.5:8750")
    assert caught.value.kind == "plain_http"
    for good in ("https://sync.example.kr:8443/base", "http://127.0.0.1:8750", "https://[::1]:1"):
        assert check_server_url(good) == good


def test_is_loopback() -> None:
    assert is_loopback("::1") and is_loopback("127.0.0.1") and not is_loopback("192.168.0.1")


def test_verification_stays_on_or_uses_the_bundle(tmp_path: object) -> None:
    assert Transport("https://a.example.kr").session.verify is True
    assert (
        Transport("https://a.example.kr", ca_bundle="/etc/district-ca.pem").session.verify
        == "/etc/district-ca.pem"
    )


def test_gzip_both_ways_protocol_header_and_skew(server: tuple[str, Script]) -> None:
    url, script = server
    ahead = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    script.answers = [
        (200, {"results": [], "big": "x" * 2000}, {protocol.SERVER_TIME_HEADER: ahead})
    ]
    t, _ = transport(url)
    body = {"items": ["가" * 400]}
    answer = t.request("POST", "/p", body=body, token="tok")
    got = script.received[0]
    assert got["headers"]["Content-Encoding"] == "gzip"
    assert json.loads(got["body"]) == body
    assert got["headers"][protocol.PROTOCOL_HEADER] == str(protocol.PROTOCOL_VERSION)
    assert got["headers"]["Authorization"] == "Bearer tok"
    assert answer.data["big"] == "x" * 2000
    assert answer.bytes_received < 2000  # counted as it came over the wire (compressed)
    assert answer.bytes_sent < len(json.dumps(body).encode())
    assert answer.skew_seconds is not None and 590 < answer.skew_seconds < 610


def test_5xx_is_retried_with_growing_backoff_then_succeeds(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(500, {}, {}), (503, {}, {}), (502, {}, {}), (200, {"ok": True}, {})]
    t, slept = transport(url, max_attempts=5, backoff_base=1.0)
    assert t.request("GET", "/x").data == {"ok": True}
    assert len(script.received) == 4 and len(slept) == 3
    for attempt, delay in enumerate(slept, 1):
        ceiling = 2 ** (attempt - 1)
        assert ceiling / 2 <= delay <= ceiling  # exponential, with jitter


def test_5xx_forever_gives_a_server_error_after_bounded_attempts(
    server: tuple[str, Script],
) -> None:
    url, script = server
    script.answers = [(500, {"detail": "boom", "code": "x"}, {})]
    t, slept = transport(url, max_attempts=3)
    with pytest.raises(ServerError, match="internal error"):
        t.request("GET", "/x")
    assert len(script.received) == 3 and len(slept) == 2


def test_connection_refused_is_offline_in_words() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t, slept = transport(f"http://127.0.0.1:{port}", max_attempts=3)
    with pytest.raises(OfflineError, match=r"Cannot reach the server at .*connection refused"):
        t.request("GET", "/x")
    assert len(slept) == 2


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (401, {"detail": "device revoked", "code": "device_revoked", "wipe": True}, WipeOrdered),
        (401, {"detail": "token expired", "code": "auth_failed"}, AuthError),
        (429, {"detail": "locked", "code": "account_locked"}, AuthError),
        (426, {"detail": "use protocol 2", "code": "protocol_unsupported"}, ProtocolError),
        (409, {"detail": "epoch changed", "code": "resync_required"}, ResyncRequired),
        (413, {"detail": "too big", "code": "too_large"}, TooLargeError),
        (403, {"detail": "not yours", "code": "forbidden"}, ServerError),
    ],
)
def test_error_answers_become_typed_errors(
    server: tuple[str, Script], status: int, body: dict, error: type[Exception]
) -> None:
    url, script = server
    script.answers = [(status, body, {})]
    t, slept = transport(url)
    with pytest.raises(error):
        t.request("GET", "/x")
    assert len(script.received) == 1 and slept == []  # 4xx are not retried


def test_cancel_stops_before_the_next_request(server: tuple[str, Script]) -> None:
    url, script = server
    script.answers = [(200, {}, {})]
    cancel = threading.Event()
    cancel.set()
    t, _ = transport(url, cancel=cancel)
    with pytest.raises(SyncCancelled):
        t.request("GET", "/x")
    assert script.received == []
