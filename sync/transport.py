"""HTTP for the sync client: TLS rules, gzip, timeouts, retries with backoff, clock skew.

One :class:`Transport` per server URL. It refuses plain ``http://`` except on loopback,
keeps certificate verification on (optionally against a district's CA bundle), gzips request
bodies and accepts gzip answers, retries connection errors, timeouts and 5xx with exponential
backoff and jitter (a bounded number of attempts; the sleep is injectable for tests; a 503
waits as its Retry-After asks, at most :data:`RETRY_AFTER_MAX` seconds), checks
the cancel event between attempts, names the protocol version on every request, and measures
the clock skew against the server's time on every answer. Answers become typed errors from
:mod:`sync.client_errors`.
"""

from __future__ import annotations

import gzip
import ipaddress
import json
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import SplitResult, urlsplit

import orjson
import requests

from fieldapp import logs
from fieldapp.text_rule import is_good_text
from sync import protocol
from sync.client_errors import (
    AuthError,
    InsecureTransportError,
    OfflineError,
    ProtocolError,
    ResyncRequired,
    ServerError,
    ServerUnavailableError,
    SyncCancelled,
    TooLargeError,
    WipeOrdered,
)

log = logs.get_logger("sync.transport")

#: (connect, read) timeouts in seconds.
DEFAULT_TIMEOUT = (5.0, 60.0)
DEFAULT_ATTEMPTS = 4
#: Bodies smaller than this are sent as they are (gzip would not pay for itself).
GZIP_MIN_BYTES = 512
#: The longest wait a 503's Retry-After may ask for between two attempts (seconds).
RETRY_AFTER_MAX = 30.0
#: Seconds the proxy and CA settings read from the environment are reused (re-read sooner
#: after a connection error).
ENV_SETTINGS_TTL = 60.0


def decode_json(raw: bytes) -> Any:
    """Decode an answer body: orjson (pull pages are megabytes), the stdlib where orjson
    refuses the text (``NaN``/``Infinity`` literals, numbers out of a double's range), so
    that every body the stdlib read before is still read. Raises ``ValueError``.

    The one difference: an integer beyond 64 bits comes out as a float (no validated
    payload holds one: the shared rules range-check every number field).
    """
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw)


def encode_json(body: Any) -> bytes:
    """A request body as UTF-8 JSON: orjson (push bodies hold hundreds of records), the
    stdlib (``ensure_ascii=False, default=str``) for what orjson refuses (integers beyond
    64 bits, keys that are not strings). Datetimes are written as ``str()`` writes them, in
    both. Only the spacing differs, which the server does not read (its idempotency hash is
    over the parsed body)."""
    try:
        return orjson.dumps(body, default=str, option=orjson.OPT_PASSTHROUGH_DATETIME)
    except TypeError:
        return json.dumps(body, ensure_ascii=False, default=str).encode("utf-8")


def check_server_url(url: str) -> str:
    """Return *url* without a trailing slash if it may be used, else raise.

    ``https://`` is always fine; ``http://`` only for this computer (127.0.0.0/8, ::1,
    ``localhost``), which the demo and the tests use.
    """
    parts = urlsplit(url.strip())
    problem = _address_problem(url.strip(), parts)
    if problem is not None:
        if parts.username is not None or parts.password is not None:
            url = "This address"  # a password inside it is never echoed
        else:
            url = repr(url)
        raise InsecureTransportError(
            f"{url} is not a server address ({problem}). Enter it as "
            "https://server.example.kr (ask your district's IT team for the address).",
            kind="not_an_address",
        )
    if parts.scheme == "http" and not is_loopback(parts.hostname or ""):
        raise InsecureTransportError(
            f"The server address {url} uses plain http://, which would send passwords and "
            "health records unencrypted. Use its https:// address instead (only this computer's "
            "own address, 127.0.0.1 or localhost, may use http://).",
            kind="plain_http",
        )
    return url.strip().rstrip("/")


def _address_problem(url: str, parts: SplitResult) -> str | None:
    """What makes *url* (split as *parts*) no server address, or None."""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "it needs https:// and a server name"
    if parts.username is not None or parts.password is not None:
        return "it holds a user name or password: sign in with them below instead"
    # (urlsplit drops tabs and line breaks silently: the whole text is checked)
    if not is_good_text(url) or any(c.isspace() or not c.isprintable() for c in url):
        return "it holds spaces or characters that cannot be in one"
    try:
        port = parts.port  # raises ValueError for a port that is not 0-65535
    except ValueError:
        port = 0
    if port == 0:
        return "the port after ':' is not a number from 1 to 65535"
    if "?" in url or "#" in url:
        return "it holds '?' or '#': enter the address only"
    return None


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback IP addresses."""
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Answer:
    """A successful (2xx) answer."""

    status: int
    data: Any
    skew_seconds: float | None
    bytes_sent: int
    bytes_received: int


def _reason(err: Exception) -> str:
    text = str(err)
    if isinstance(err, requests.exceptions.ConnectTimeout):
        return "the connection timed out"
    if isinstance(err, requests.exceptions.ReadTimeout | requests.exceptions.Timeout):
        return "the server did not answer in time"
    lowered = text.lower()
    if "refused" in lowered:
        return "connection refused"
    if "name or service not known" in lowered or "nodename nor servname" in lowered:
        return "the server name could not be found (check the address and the network)"
    if "network is unreachable" in lowered:
        return "the network is unreachable"
    if "reset" in lowered or "aborted" in lowered or "remotedisconnected" in lowered:
        return "the connection was cut off"
    return "the network failed"


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for (seconds, or an HTTP date), bounded to
    0..:data:`RETRY_AFTER_MAX`; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            return None
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), RETRY_AFTER_MAX)


def parse_server_time(value: Any) -> datetime | None:
    """Parse an ISO 8601 time with an offset; None if absent or unreadable."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


class Transport:
    """Requests to one sync server, with the client's rules (see the module docstring)."""

    def __init__(
        self,
        base_url: str,
        *,
        session: requests.Session | None = None,
        ca_bundle: str | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        max_attempts: int = DEFAULT_ATTEMPTS,
        backoff_base: float = 0.5,
        backoff_max: float = 20.0,
        sleep: Callable[[float], None] | None = None,
        cancel: threading.Event | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.base_url = check_server_url(base_url)
        self.session = session or requests.Session()
        # Never verify=False: either the system's CAs or the district's bundle.
        self.session.verify = ca_bundle if ca_bundle else True
        # The environment (proxy variables, the system's proxy settings, REQUESTS_CA_BUNDLE)
        # is read by _environment() once a minute, not by requests on every request (a
        # scan of every variable, and of the registry on Windows). Also keeps ~/.netrc from
        # replacing the device token's Authorization header.
        self._trust_env = self.session.trust_env
        self.session.trust_env = False
        self._env: dict[str, Any] | None = None
        self._env_at = 0.0
        self.timeout = timeout
        self.max_attempts = max(1, max_attempts)
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.cancel = cancel
        self._sleep = sleep
        self._rng = rng or random.Random()
        #: The latest measured skew (server time - local time), seconds.
        self.last_skew: float | None = None
        #: Delays slept between attempts (for status and tests).
        self.backoffs: list[float] = []

    # ------------------------------------------------------------------ helpers

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise SyncCancelled("The sync was cancelled; what was sent so far is kept.")

    def _wait(self, delay: float) -> None:
        self.backoffs.append(delay)
        if self._sleep is not None:
            self._sleep(delay)
        elif self.cancel is not None:
            self.cancel.wait(delay)
        else:
            time.sleep(delay)
        self._check_cancel()

    def _environment(self) -> dict[str, Any]:
        """``proxies`` and ``verify`` for this server, as requests works them out from the
        environment (kept for :data:`ENV_SETTINGS_TTL` seconds)."""
        env, now = self._env, time.monotonic()
        if env is None or now - self._env_at > ENV_SETTINGS_TTL:
            s = self.session
            s.trust_env = self._trust_env
            try:
                merged = s.merge_environment_settings(self.base_url + "/", {}, None, s.verify, None)
            finally:
                s.trust_env = False
            env = {"proxies": merged["proxies"], "verify": merged["verify"]}
            self._env, self._env_at = env, now
        return env

    def backoff_delay(self, attempt: int) -> float:
        """Delay before retry number *attempt* (1-based): exponential with jitter."""
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** (attempt - 1)))
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)

    # ------------------------------------------------------------------ requests

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        token: str | None = None,
    ) -> Answer:
        """Send one request (retrying as allowed) and return its 2xx :class:`Answer`."""
        url = self.base_url + path
        headers = {
            protocol.PROTOCOL_HEADER: str(protocol.PROTOCOL_VERSION),
            "Accept": "application/json",
            "Accept-Encoding": "gzip",
        }
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data: bytes | None = None
        if body is not None:
            raw = encode_json(body)
            headers["Content-Type"] = "application/json"
            if len(raw) >= GZIP_MIN_BYTES:
                data = gzip.compress(raw, compresslevel=6)
                headers["Content-Encoding"] = "gzip"
            else:
                data = raw
        attempt = 0
        while True:
            attempt += 1
            self._check_cancel()
            env = self._environment()
            started = time.time()
            try:
                resp = self.session.request(
                    method,
                    url,
                    data=data,
                    params=params,
                    headers=headers,
                    timeout=self.timeout,
                    # A district's pinned bundle stays (requests would let REQUESTS_CA_BUNDLE
                    # / CURL_CA_BUNDLE replace a bundle that is not passed explicitly).
                    verify=env["verify"],
                    proxies=env["proxies"],
                )
            except requests.exceptions.SSLError as err:
                raise InsecureTransportError(
                    f"The server at {self.base_url} could not prove who it is (its TLS "
                    "certificate was not accepted). Do not continue on this network; if your "
                    "district uses its own certificate authority, ask IT for the CA bundle "
                    "and sign in with it.",
                    kind="certificate",
                ) from err
            except requests.exceptions.InvalidURL as err:  # what check_server_url missed
                raise InsecureTransportError(
                    f"{self.base_url!r} is not a server address ({err}). Enter it as "
                    "https://server.example.kr (ask your district's IT team for the address).",
                    kind="not_an_address",
                ) from err
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as err:
                self._env = None  # the network may have changed: read the proxies again
                reason = _reason(err)
                log.info(
                    "sync request %s %s failed: %s (attempt %d)", method, path, reason, attempt
                )
                if attempt >= self.max_attempts:
                    raise OfflineError(
                        f"Cannot reach the server at {self.base_url}: {reason}. Your records "
                        "are kept on this laptop and will be sent at the next sync."
                    ) from err
                self._wait(self.backoff_delay(attempt))
                continue
            finished = time.time()
            self._measure_skew(resp, started, finished)
            if resp.status_code >= 500:
                log.info(
                    "sync request %s %s: HTTP %d (attempt %d)",
                    method,
                    path,
                    resp.status_code,
                    attempt,
                )
                unavailable = resp.status_code == 503
                if attempt >= self.max_attempts:
                    if unavailable:
                        raise ServerUnavailableError(
                            f"Server temporarily unavailable: the server at {self.base_url} "
                            f"could not serve the request just now (HTTP 503) {attempt} "
                            "times in a row. Your records are kept on this laptop and will "
                            "be sent at the next sync; try again in a few minutes.",
                            status=resp.status_code,
                            code=protocol.ERR_UNAVAILABLE,
                        )
                    raise ServerError(
                        f"The server at {self.base_url} had an internal error (HTTP "
                        f"{resp.status_code}) {attempt} times in a row. Your records are kept "
                        "and will be sent at the next sync; if this goes on, tell your "
                        "district's IT team.",
                        status=resp.status_code,
                    )
                asked = (
                    retry_after_seconds(resp.headers.get("Retry-After")) if unavailable else None
                )
                self._wait(self.backoff_delay(attempt) if asked is None else asked)
                continue
            received = int(resp.headers.get("Content-Length") or len(resp.content))
            if resp.status_code >= 400:
                self._raise_for(resp)
            try:
                payload = decode_json(resp.content) if resp.content else None
            except ValueError as err:
                raise ServerError(
                    f"The server at {self.base_url} sent an answer that is not JSON. Check "
                    "the server address (is it the district sync server?).",
                    status=resp.status_code,
                ) from err
            return Answer(resp.status_code, payload, self.last_skew, len(data or b""), received)

    def _measure_skew(self, resp: requests.Response, started: float, finished: float) -> None:
        server = parse_server_time(resp.headers.get(protocol.SERVER_TIME_HEADER))
        if server is None:
            return
        self.last_skew = server.timestamp() - (started + finished) / 2

    def _raise_for(self, resp: requests.Response) -> None:
        """Turn a 4xx answer into the client's typed error."""
        try:
            body = resp.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        detail = str(body.get("detail") or resp.reason or "refused")
        code = str(body.get("code") or "")
        status = resp.status_code
        if status == 401 and body.get("wipe"):
            raise WipeOrdered(detail)
        if status == 401:
            raise AuthError(
                f"The server did not accept the sign-in: {detail}. Sign in again with your "
                "username and password."
            )
        if status == 429 or code == protocol.ERR_LOCKED:
            raise AuthError(f"{detail} (the account is locked for a while after failed sign-ins).")
        if status == 426 or code == protocol.ERR_PROTOCOL:
            raise ProtocolError(
                f"This version of the app cannot sync with the server: {detail}. Install the "
                "app version your district's IT team provides."
            )
        if status == 409 and code == protocol.ERR_RESYNC:
            raise ResyncRequired(detail)
        if status == 413:
            raise TooLargeError(detail, status=status, code=code)
        raise ServerError(
            f"The server refused the request (HTTP {status}): {detail}", status=status, code=code
        )
