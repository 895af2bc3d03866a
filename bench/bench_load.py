"""Server under load: 200 simulated devices doing sync cycles, on PostgreSQL and SQLite.

The server is a real uvicorn process on loopback (two workers on PostgreSQL, one on SQLite,
whose writers queue on one lock anyway). 200 volunteers each hold 5 households with some
history; each has one registered device (token made as the login route makes it). The load generator is deliberately light (one asyncio
loop in this process, raw HTTP/1.1 keep-alive connections, no client library), so that most
of the 2 cores go to the server. Each device runs cycles back to back: push 0-20 new events
(welfare checks and notes, uniformly random count; no push when 0), then pull until
``has_more`` is false. A sync is one such cycle; its latency is push + pull.
Every loop is bounded by a time limit and a cycle count.

After the run every device pulls to the end once more, and the check is: every pushed event
is on the server exactly once, the server's event count is the seeded count plus the pushed
count, and every device received each of its own pushed events back exactly once.
Target: >= 300 syncs/s with p95 < 250 ms and 0 errors.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench.common import (
    Row,
    percentile,
    pick,
    postgres_available,
    seed_world,
    server_database,
    server_process,
    session_for,
)

NAME = "server_load"
TARGET_RATE = 300
TARGET_P95_MS = 250
WELFARE = {
    "method": "phone",
    "attempt": 1,
    "reached": "yes",
    "seen_in_person": False,
    "respondent": "self",
    "health": "usual",
    "meals_24h": 3,
    "medication": "taken",
    "mood": "usual",
    "suicidal_talk": "none",
    "social_contact_7d": True,
    "went_out_7d": True,
    "risk_signs": [],
    "actions_taken": ["info_given"],
    "escalation_level": 1,
}


class HttpError(Exception):
    """A request failed or answered with an error status."""


class Conn:
    """One keep-alive HTTP/1.1 connection speaking just enough of the protocol."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: Any = None
    ) -> Any:
        """Send one request; a keep-alive connection the server closed meanwhile (its idle
        timeout) is reopened and the request sent again, as HTTP clients do."""
        for attempt in (1, 2):
            fresh = self.writer is None
            if fresh:
                await self._open()
            try:
                return await self._send(method, path, headers, body)
            except _Closed:
                self.close()
                if fresh or attempt == 2:
                    raise HttpError(f"{method} {path}: the server closed the connection") from None
        raise AssertionError("unreachable")

    async def _send(self, method: str, path: str, headers: dict[str, str], body: Any) -> Any:
        assert self.reader is not None and self.writer is not None
        data = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
        head = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"Content-Length: {len(data)}",
        ]
        if body is not None:
            head.append("Content-Type: application/json")
        head += [f"{k}: {v}" for k, v in headers.items()]
        try:
            self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
            await self.writer.drain()
            status_line = await self.reader.readline()
        except ConnectionError:
            raise _Closed() from None
        if not status_line:
            raise _Closed()
        status = int(status_line.split()[1])
        length = 0
        chunked = False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
        if chunked:
            raise HttpError("chunked responses are not expected from this server")
        payload = await self.reader.readexactly(length) if length else b""
        if status >= 400:
            raise HttpError(f"{method} {path}: HTTP {status} {payload[:200]!r}")
        return json.loads(payload) if payload else None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class _Closed(Exception):
    """The server had closed the connection before answering."""


@dataclass
class Device:
    username: str
    households: list[str]
    device_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    token: str = ""
    cursor: str | None = None
    pushed: list[str] = field(default_factory=list)
    received: list[str] = field(default_factory=list)
    conn: Conn | None = None

    def headers(self) -> dict[str, str]:
        from sync import protocol as p

        return {p.PROTOCOL_HEADER: str(p.PROTOCOL_VERSION), "Authorization": f"Bearer {self.token}"}

    async def pull_all(self) -> None:
        from sync import protocol as p

        assert self.conn is not None
        while True:
            params = {"cursor": self.cursor} if self.cursor else {}
            page = await self.conn.request(
                "GET", p.PULL_PATH + ("?" + urlencode(params) if params else ""), self.headers()
            )
            self.received.extend(c["data"]["id"] for c in page["changes"] if c["kind"] == "event")
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return

    async def push(self, n: int, rng: random.Random) -> None:
        from sync import protocol as p

        assert self.conn is not None
        items = []
        for _ in range(n):
            note = rng.random() < 0.3
            ev = {
                "id": str(uuid.uuid4()),
                "type": "note" if note else "welfare_check",
                "household_id": rng.choice(self.households),
                "programme": "welfare_check",
                "created_by": self.username,
                "device_id": self.device_id,
                "device_time": datetime.now(UTC).isoformat(),
                "payload": {"text": "전화 안부 확인"} if note else WELFARE,
            }
            items.append({"kind": "event", "event": ev})
        answer = await self.conn.request(
            "POST",
            p.PUSH_PATH,
            self.headers(),
            {"protocol": p.PROTOCOL_VERSION, "idempotency_key": uuid.uuid4().hex, "items": items},
        )
        bad = [r for r in answer["results"] if r["status"] != "applied"]
        if bad:
            raise HttpError(f"push items not applied: {bad[:2]}")
        self.pushed.extend(i["event"]["id"] for i in items)


async def _drive(
    base: str, devices: list[Device], duration_s: float, max_cycles: int, seed: int
) -> dict[str, Any]:
    url = urlsplit(base)
    host, port = url.hostname or "127.0.0.1", int(url.port or 80)
    sem = asyncio.Semaphore(20)

    async def sign_in(d: Device) -> None:
        d.conn = Conn(host, port)
        async with sem:
            await d.pull_all()  # the initial sync is not part of the measured load

    await asyncio.gather(*(sign_in(d) for d in devices))
    latencies: list[float] = []
    errors: list[str] = []
    start = time.perf_counter()
    deadline = start + duration_s

    async def cycles(d: Device, rng: random.Random) -> None:
        for _ in range(max_cycles):
            if time.perf_counter() >= deadline:
                return
            t0 = time.perf_counter()
            try:
                n = rng.randint(0, 20)
                if n:
                    await d.push(n, rng)
                await d.pull_all()
            except (HttpError, OSError, asyncio.IncompleteReadError) as exc:
                errors.append(str(exc)[:300])
                if d.conn is not None:
                    d.conn.close()
                d.conn = Conn(host, port)
                continue
            latencies.append(time.perf_counter() - t0)

    await asyncio.gather(
        *(cycles(d, random.Random(seed * 1000 + i)) for i, d in enumerate(devices))
    )
    elapsed = time.perf_counter() - start
    for d in devices:  # settle: everyone pulls to the end
        await d.pull_all()
        if d.conn is not None:
            d.conn.close()
    return {"latencies": latencies, "errors": errors, "elapsed": elapsed}


def register_devices(url: str, devices: list[Device]) -> None:
    """Register every device with a token as the login route does, without its argon2
    password check (200 sign-ins at full password cost are not the load measured here)."""
    from sync.server import security
    from sync.server.models import Device as DeviceRow
    from sync.server.settings import Settings

    secret = Settings.from_env().secret_key
    with session_for(url) as s:
        for d in devices:
            d.token = security.new_token()
            s.add(
                DeviceRow(
                    id=d.device_id,
                    username=d.username,
                    name="bench",
                    db_key=security.new_db_key(),
                    token_hash=security.hash_token(d.token, secret),
                )
            )
        s.commit()


def _households_by_user(url: str) -> dict[str, list[str]]:
    from sqlalchemy import select

    from sync.server.models import Assignment

    out: dict[str, list[str]] = {}
    with session_for(url) as s:
        for hid, user in s.execute(select(Assignment.household_id, Assignment.username)):
            if user:
                out.setdefault(user, []).append(hid)
    return out


def _check(url: str, seeded_events: int, devices: list[Device]) -> list[str]:
    """What was lost or duplicated (empty when nothing)."""
    from sqlalchemy import func, select

    from sync.server.models import Event

    problems: list[str] = []
    pushed = [e for d in devices for e in d.pushed]
    with session_for(url) as s:
        total = s.scalar(select(func.count()).select_from(Event)) or 0
        found = 0
        for i in range(0, len(pushed), 5000):
            part = pushed[i : i + 5000]
            found += s.scalar(select(func.count()).where(Event.id.in_(part))) or 0
    if total != seeded_events + len(pushed):
        problems.append(f"server holds {total} events, expected {seeded_events} + {len(pushed)}")
    if found != len(pushed) or len(set(pushed)) != len(pushed):
        problems.append(f"{len(pushed) - found} pushed events missing on the server")
    for d in devices:
        got = set(d.received)
        if len(got) != len(d.received):
            problems.append(f"{d.username} received {len(d.received) - len(got)} duplicates")
        missing = [e for e in d.pushed if e not in got]
        if missing:
            problems.append(f"{d.username} never received {len(missing)} of its own events")
    return problems


def measure(kind: str, n_devices: int, duration_s: float, max_cycles: int) -> list[Row]:
    with server_database(kind) as url:
        seeded = seed_world(
            url,
            n_devices * 5,
            10,
            workers=n_devices,
            role="volunteer",
            validate=False,
            prefix="load",
        )
        owned = _households_by_user(url)
        devices = [Device(u, owned[u]) for u in seeded.workers]
        register_devices(url, devices)
        workers = 2 if kind == "postgres" else 1
        with server_process(url, workers=workers) as base:
            result = asyncio.run(_drive(base, devices, duration_s, max_cycles, seed=7))
        problems = _check(url, seeded.events, devices)
    lat = result["latencies"]
    if not lat:
        raise RuntimeError(f"no sync completed on {kind}: {result['errors'][:3]}")
    rate = len(lat) / result["elapsed"]
    p50, p95, p99 = (percentile(lat, q) * 1000 for q in (50, 95, 99))
    errs = len(result["errors"])
    pushed = sum(len(d.pushed) for d in devices)
    note = (
        f"{n_devices} devices, {workers} server worker(s), {result['elapsed']:.0f} s, "
        f"{len(lat):,} syncs, {pushed:,} events pushed; errors {errs}"
        + (f" ({result['errors'][0][:120]})" if errs else "")
        + ("; count check: " + "; ".join(problems) if problems else "; count check ok")
    )
    return [
        Row(
            NAME,
            f"syncs/s on {kind}",
            rate,
            "syncs/s",
            target=f">= {TARGET_RATE}",
            met=rate >= TARGET_RATE and errs == 0 and not problems,
            note=note,
        ),
        Row(NAME, f"sync latency p50 / p99 on {kind}", p50, "ms", note=f"p99 {p99:.0f} ms"),
        Row(
            NAME,
            f"sync latency p95 on {kind}",
            p95,
            "ms",
            target=f"< {TARGET_P95_MS} ms",
            met=p95 < TARGET_P95_MS,
        ),
        Row(
            NAME,
            f"errors + lost/duplicated on {kind}",
            errs + len(problems),
            "count",
            target="0",
            met=errs == 0 and not problems,
        ),
    ]


def run(size: str = "reduced") -> list[Row]:
    n = pick(size, 5, 200, 200)
    duration = pick(size, 2.0, 10.0, 60.0)
    max_cycles = pick(size, 3, 10_000, 100_000)
    rows: list[Row] = []
    if postgres_available():
        rows += measure("postgres", n, duration, max_cycles)
    else:
        rows.append(
            Row(
                NAME,
                "syncs/s on postgres",
                0,
                "syncs/s",
                note="PostgreSQL not reachable: not measured",
            )
        )
    rows += measure("sqlite", n, duration, max_cycles)
    return rows
