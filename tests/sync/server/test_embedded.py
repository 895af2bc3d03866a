"""The embedded server: migrates, listens on a free loopback port, answers, stops cleanly."""

from __future__ import annotations

import socket

import pytest
import requests

from sync import protocol as p
from sync.server.embedded import EmbeddedServerError, start_embedded


def test_start_answer_stop(sqlite_url: str) -> None:
    server = start_embedded(sqlite_url)
    try:
        assert server.base_url == f"http://127.0.0.1:{server.port}"
        assert server.port > 0
        response = requests.get(server.base_url + p.HEALTH_PATH, timeout=10)
        assert response.status_code == 200
        assert p.SERVER_TIME_HEADER in response.headers
    finally:
        server.stop()
    assert not server.running
    with pytest.raises(requests.ConnectionError):
        requests.get(server.base_url + p.HEALTH_PATH, timeout=5)
    server.stop()  # a second stop is harmless


def test_two_servers_get_two_ports(tmp_path) -> None:
    with (
        start_embedded(f"sqlite:///{tmp_path / 'a.sqlite3'}") as a,
        start_embedded(f"sqlite:///{tmp_path / 'b.sqlite3'}") as b,
    ):
        assert a.port != b.port
        for server in (a, b):
            assert requests.get(server.base_url + p.HEALTH_PATH, timeout=10).ok


def test_port_in_use_is_a_clear_error(sqlite_url: str) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        with pytest.raises(EmbeddedServerError, match=f"cannot listen on 127.0.0.1:{port}"):
            start_embedded(sqlite_url, port=port)
