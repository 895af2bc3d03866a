"""Proxies and CA bundles from the environment, read as requests reads them (once a minute
instead of on every request); ~/.netrc never replaces the device token."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from sync import transport as transport_mod
from sync.transport import Transport


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "NO_PROXY",
        "no_proxy",
        "ALL_PROXY",
        "all_proxy",
        "REQUESTS_CA_BUNDLE",
        "CURL_CA_BUNDLE",
    ):
        monkeypatch.delenv(name, raising=False)


def test_proxy_variables_and_no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.kr:3128")
    t = Transport("https://sync.example.kr")
    assert t._environment()["proxies"].get("https") == "http://proxy.example.kr:3128"
    monkeypatch.setenv("NO_PROXY", "sync.example.kr")
    t = Transport("https://sync.example.kr")
    assert "https" not in t._environment()["proxies"]


def test_settings_are_read_again_after_a_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    t = Transport("https://sync.example.kr")
    assert "https" not in t._environment()["proxies"]
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.kr:3128")
    assert "https" not in t._environment()["proxies"]  # kept
    t._env_at -= transport_mod.ENV_SETTINGS_TTL + 1
    assert t._environment()["proxies"]["https"] == "http://proxy.example.kr:3128"


def test_ca_bundle_from_the_environment_never_replaces_the_districts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/corporate.pem")
    assert Transport("https://a.example.kr")._environment()["verify"] == "/etc/corporate.pem"
    pinned = Transport("https://a.example.kr", ca_bundle="/etc/district-ca.pem")
    assert pinned._environment()["verify"] == "/etc/district-ca.pem"


def test_netrc_does_not_replace_the_authorization_header(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine a.example.kr login someone password secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    t = Transport("https://a.example.kr")
    req = t.session.prepare_request(
        requests.Request("GET", "https://a.example.kr/x", headers={"Authorization": "Bearer tok"})
    )
    assert req.headers["Authorization"] == "Bearer tok"
