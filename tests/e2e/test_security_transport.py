"""Transport: no plain http:// off this computer, certificate checks always on, a district's
own CA bundle pinned.

* Plain ``http://`` to any host that is not loopback is refused before a single request is
  made, including addresses crafted to look local, and a ``profile.json`` edited to point the
  sync at such an address.
* The real server behind real TLS (uvicorn with a certificate from a test CA): without the CA
  bundle, or with another CA's bundle (a man in the middle), the client refuses and sends
  nothing; with the district's bundle, login and sync work.
* No ``verify=False`` (or any other way of switching certificate checks off) anywhere in the
  source tree.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from fieldapp.profile import Profile
from sync.client import InsecureTransportError, SyncEngine, login
from sync.server.embedded import _SignallingServer, bind_socket
from sync.transport import Transport, check_server_url
from tests.e2e.conftest import CHEAP_KDF
from tests.helpers.live_server import LiveServer
from tests.helpers.world import PASSWORD

ROOT = Path(__file__).resolve().parents[2]

NOT_LOCAL = [
    "http://dolbom.mapo.example.kr",
    "http://10.0.0.5:8750",
    "http://192.168.0.10",
    "http://0.0.0.0:8750",
    "http://[::ffff:10.0.0.1]",
    "http://127.0.0.1.evil.example",
    "http://localhost.evil.example",
    "http://127.0.0.1@evil.example",
    "http://evil.example#@127.0.0.1",
    "HTTP://evil.example",
    "ftp://127.0.0.1",
    "dolbom.mapo.example.kr",
]


class Recorder(requests.adapters.BaseAdapter):
    """A transport adapter that records every request instead of sending it."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    def send(self, request: Any, **kwargs: Any) -> Any:  # pragma: no cover - must not run
        self.sent.append(request.url)
        raise requests.exceptions.ConnectionError("the recorder sends nothing")

    def close(self) -> None:
        pass


def recording_session() -> tuple[requests.Session, Recorder]:
    session = requests.Session()
    recorder = Recorder()
    session.mount("http://", recorder)
    session.mount("https://", recorder)
    return session, recorder


@pytest.mark.parametrize("url", NOT_LOCAL)
def test_plain_http_off_this_computer_is_refused_before_any_request(
    url: str, tmp_path: Path
) -> None:
    session, recorder = recording_session()
    with pytest.raises(InsecureTransportError):
        check_server_url(url)
    with pytest.raises(InsecureTransportError):
        Transport(url, session=session)
    profile = Profile(tmp_path / "laptop")
    with pytest.raises(InsecureTransportError):
        login(profile, url, "vol1", PASSWORD, session=session, kdf=CHEAP_KDF)
    assert recorder.sent == [], "nothing went out"
    assert not profile.path.exists(), "nothing was written either"


def test_a_profile_edited_to_sync_over_plain_http_is_refused(
    live, world, laptop, memory_keyring
) -> None:
    """An attacker with write access to profile.json redirects the sync to their server."""
    device = laptop(world.vol1)
    info = device.profile.info
    device.profile.save_info({**info, "server_url": "http://203.0.113.7:8750"})
    session, recorder = recording_session()
    with pytest.raises(InsecureTransportError):
        SyncEngine(device.profile, device.store, password=PASSWORD, session=session).sync_once()
    assert recorder.sent == []


def test_loopback_http_is_allowed_for_the_demo_and_tests() -> None:
    for url in ("http://127.0.0.1:8750", "http://localhost:8750/", "http://[::1]:8750"):
        assert check_server_url(url) == url.rstrip("/")


# ---------------------------------------------------------------------- real TLS


@dataclass
class Ca:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    pem: Path


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_ca(folder: Path, cn: str) -> Ca:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(_name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    pem = folder / f"{cn}.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return Ca(cert, key, pem)


def make_server_cert(folder: Path, ca: Ca) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), False
        )
        .sign(ca.key, hashes.SHA256())
    )
    cert_file, key_file = folder / "server.pem", folder / "server.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@dataclass
class TlsServer:
    base_url: str
    district_ca: Path
    other_ca: Path


@pytest.fixture
def tls(live: LiveServer, tmp_path: Path) -> Iterator[TlsServer]:
    """The live server's app also served over TLS on 127.0.0.1, certificate from a test CA."""
    district_ca = make_ca(tmp_path, "district-ca")
    other_ca = make_ca(tmp_path, "attacker-ca")
    cert_file, key_file = make_server_cert(tmp_path, district_ca)
    sock = bind_socket("127.0.0.1", 0)
    config = uvicorn.Config(
        live.app,
        log_config=None,
        access_log=False,
        ws="none",
        http="h11",
        lifespan="off",
        ssl_certfile=str(cert_file),
        ssl_keyfile=str(key_file),
    )
    server = _SignallingServer(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    assert server.ready.wait(30) and server.started
    try:
        yield TlsServer(f"https://127.0.0.1:{sock.getsockname()[1]}", district_ca.pem, other_ca.pem)
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


def devices(live: LiveServer) -> int:
    from sqlalchemy import func, select

    from sync.server.models import Device

    with live.session() as s:
        return s.scalar(select(func.count()).select_from(Device)) or 0


def test_tls_without_the_districts_ca_or_with_another_ca_is_refused(
    live, world, tls: TlsServer, tmp_path: Path, memory_keyring
) -> None:
    for bundle in (None, str(tls.other_ca)):
        profile = Profile(tmp_path / f"laptop-{bundle is None}")
        with pytest.raises(InsecureTransportError, match="certificate") as caught:
            login(profile, tls.base_url, world.vol1, PASSWORD, ca_bundle=bundle, kdf=CHEAP_KDF)
        assert caught.value.kind == "certificate"  # the app says so, not "http://"
        assert not profile.key_path.exists() and not profile.store_path.exists()
    assert devices(live) == 0, "no request reached the server"


def test_tls_with_the_pinned_district_ca_bundle_signs_in_and_syncs(
    live, world, tls: TlsServer, tmp_path: Path, memory_keyring
) -> None:
    profile = Profile(tmp_path / "laptop")
    store = login(
        profile,
        tls.base_url,
        world.vol1,
        PASSWORD,
        ca_bundle=str(tls.district_ca),
        kdf=CHEAP_KDF,
    )
    try:
        assert profile.info["ca_bundle"] == str(tls.district_ca), "the pin is remembered"
        engine = SyncEngine(profile, store, password=PASSWORD)
        assert engine.transport.session.verify == str(tls.district_ca)
        report = engine.sync_once()
        assert report.completed
        assert store.db.execute("SELECT count(*) FROM households").fetchone()[0] == 2
    finally:
        store.close()
    assert devices(live) == 1


def test_certificate_checks_are_never_switched_off_in_the_source() -> None:
    """A grep over every Python file we ship or run (tests included, this file excepted)."""
    forbidden = re.compile(
        r"verify\s*=\s*False|\.verify\s*=\s*False|CERT_NONE|check_hostname\s*=\s*False"
        r"|_create_unverified_context|PYTHONHTTPSVERIFY|disable_warnings\(|InsecureRequestWarning"
        r"|verify_mode\s*=|REQUESTS_CA_BUNDLE\s*=\s*['\"]{2}"
    )
    offenders: list[str] = []
    me = Path(__file__).resolve()
    for folder in ("fieldapp", "sync", "ui", "bench", "tests"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.resolve() == me:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if forbidden.search(line.split("#", 1)[0]):  # comments may name it
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    for extra in ("build.spec",):
        path = ROOT / extra
        if path.exists() and forbidden.search(path.read_text(encoding="utf-8")):
            offenders.append(extra)
    assert not offenders, "certificate checks switched off:\n" + "\n".join(offenders)
    # The control: the pattern does catch the usual spellings.
    for bad in ("requests.get(url, verify=False)", "s.verify = False", "ssl.CERT_NONE"):
        assert forbidden.search(bad)


def test_the_transport_always_verifies() -> None:
    assert Transport("https://dolbom.example.kr").session.verify is True
    pinned = Transport("https://dolbom.example.kr", ca_bundle="/etc/district-ca.pem")
    assert pinned.session.verify == "/etc/district-ca.pem"
    assert Transport("https://x.example", ca_bundle="").session.verify is True


def test_a_pinned_bundle_wins_over_ca_variables_in_the_environment(
    live, world, tls: TlsServer, tmp_path: Path, memory_keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    """requests lets REQUESTS_CA_BUNDLE replace a session's bundle unless it is passed per
    request: with an unrelated bundle in the environment, the pin must still be used (and the
    environment's bundle must not make the attacker's certificate pass)."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls.other_ca))
    monkeypatch.setenv("CURL_CA_BUNDLE", str(tls.other_ca))
    profile = Profile(tmp_path / "laptop")
    login(
        profile,
        tls.base_url,
        world.vol1,
        PASSWORD,
        ca_bundle=str(tls.district_ca),
        kdf=CHEAP_KDF,
    ).close()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls.district_ca))
    with pytest.raises(InsecureTransportError):
        login(
            Profile(tmp_path / "other"),
            tls.base_url,
            world.vol2,
            PASSWORD,
            ca_bundle=str(tls.other_ca),
            kdf=CHEAP_KDF,
        )
