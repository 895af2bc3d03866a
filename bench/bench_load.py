"""Server under load: 200 simulated devices doing sync cycles, on PostgreSQL and SQLite.

The server is a real uvicorn process on loopback (two workers on PostgreSQL, one on SQLite,
whose writers queue on one lock anyway). 200 volunteers each hold 5 households with some
history; each has one registered device (token made as the login route makes it). The load
generator is deliberately light (one asyncio loop in this process, raw HTTP/1.1 keep-alive
connections, no client library, orjson), so that most of the 2 cores go to the server. A
sync is one cycle: push 0-20 new events (welfare checks and notes, uniformly random count; no
push when 0), then pull until ``has_more`` is false.

Two runs on the same server, one after the other:

* **capacity** (closed loop): every device runs cycles back to back with no pause. This
  gives the most syncs per second the server sustains; its latency is only queueing (by
  Little's law p50 is about devices / throughput) and is reported for information.
* **paced** (open loop): sync starts are scheduled at the target aggregate rate (300/s),
  spread over the devices: each device's starts are ``devices / rate`` seconds apart on
  average (each gap drawn uniformly from 0.5x to 1.5x), from a random phase. A device never
  runs two cycles at once: when its previous cycle ends late, the next starts at once. The
  latency of a sync is measured **from its scheduled start** to the end of its last pull, so
  time spent waiting behind a slow server counts (no coordinated omission). When the server
  cannot keep up, latencies grow and the row says NO. Cycles still not started a grace
  period after the window are not run; they are counted and fail the row.

Every loop is bounded by a time limit and a cycle count. After both runs every device pulls
to the end once more, and the count check runs: every pushed event is on the server exactly
once, the server's event count is the seeded count plus the pushed count, and every device
received each of its own pushed events back exactly once.
Target: >= 300 syncs/s with p95 < 250 ms (paced) and 0 errors.

**Scaling** (PostgreSQL, issue 16): one database holds six districts: one whose devices run
the "1 district" load, and five sharing the same number of devices among them (the "5
districts" load: the same work, spread over five commit-order counters). For 1, 2 and 4
server workers, on the same server in the same run: the same generator against
``GET /api/v1/health`` (the baseline: what the server and this generator carry with no
database work), then the closed-loop capacity of the 1-district and the 5-district load. It
prints capacity as a ratio of health, 5 districts over 1, and 2 and 4 workers over 1. The
generator shares the machine's cores with the server and PostgreSQL; a figure is only
comparable with the baseline of its own run. Every closed-loop row notes the generator's
own CPU (this process, in cores) so that one can see it is not the limit.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import orjson

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
#: A paced run "keeps up" when it completes at least this share of the scheduled rate.
KEEP_UP_SHARE = 0.97
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
NOTE = {"text": "전화 안부 확인"}
#: What a failed cycle raises (the device then reconnects and carries on).
CYCLE_ERRORS = (OSError, asyncio.IncompleteReadError)


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
        data = b"" if body is None else orjson.dumps(body)
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
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value:
                chunked = True
        if chunked:
            raise HttpError("chunked responses are not expected from this server")
        payload = await self.reader.readexactly(length) if length else b""
        if status >= 400:
            raise HttpError(f"{method} {path}: HTTP {status} {payload[:200]!r}")
        return orjson.loads(payload) if payload else None

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
    _headers: dict[str, str] = field(default_factory=dict)

    def headers(self) -> dict[str, str]:
        if not self._headers:
            from sync import protocol as p

            self._headers.update(
                {
                    p.PROTOCOL_HEADER: str(p.PROTOCOL_VERSION),
                    "Authorization": f"Bearer {self.token}",
                }
            )
        return self._headers

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
        now = datetime.now(UTC).isoformat()
        items = []
        for _ in range(n):
            note = rng.random() < 0.3
            ev = {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "type": "note" if note else "welfare_check",
                "household_id": rng.choice(self.households),
                "programme": "welfare_check",
                "created_by": self.username,
                "device_id": self.device_id,
                "device_time": now,
                "payload": NOTE if note else WELFARE,
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

    async def cycle(self, rng: random.Random) -> None:
        """One sync: push 0-20 new events, then pull to the end."""
        n = rng.randint(0, 20)
        if n:
            await self.push(n, rng)
        await self.pull_all()


@dataclass
class RunResult:
    """What one run (capacity or paced) measured."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    #: paced runs: cycles scheduled in the window, and those never started (hard stop)
    scheduled: int = 0
    not_started: int = 0
    #: CPU seconds this process (the generator) used during the run
    generator_cpu: float = 0.0

    @property
    def generator_share(self) -> float:
        """The generator's own CPU during the run, in cores (1.0 = one core busy)."""
        return self.generator_cpu / self.elapsed if self.elapsed else 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


class _Runner:
    """Runs cycles for the devices, reconnecting a device after a failed cycle."""

    def __init__(self, host: str, port: int, result: RunResult) -> None:
        self.host, self.port, self.result = host, port, result

    async def attempt(self, d: Device, rng: random.Random) -> bool:
        """One cycle; False (error recorded, connection renewed) when it failed."""
        try:
            await d.cycle(rng)
        except (HttpError, *CYCLE_ERRORS) as exc:
            self.result.errors.append(str(exc)[:300] or type(exc).__name__)
            if d.conn is not None:
                d.conn.close()
            d.conn = Conn(self.host, self.port)
            return False
        return True


async def closed_loop(
    runner: _Runner, devices: list[Device], duration_s: float, max_cycles: int, seed: int
) -> RunResult:
    """Capacity: every device runs cycles back to back until the time limit."""
    result = runner.result
    cpu0 = time.process_time()
    start = time.perf_counter()
    deadline = start + duration_s

    async def cycles(d: Device, rng: random.Random) -> None:
        for _ in range(max_cycles):
            if time.perf_counter() >= deadline:
                return
            t0 = time.perf_counter()
            if await runner.attempt(d, rng):
                result.latencies.append(time.perf_counter() - t0)

    await asyncio.gather(
        *(cycles(d, random.Random(seed * 1000 + i)) for i, d in enumerate(devices))
    )
    result.elapsed = time.perf_counter() - start
    result.generator_cpu = time.process_time() - cpu0
    return result


def schedule(
    n_devices: int, rate: float, duration_s: float, max_cycles: int, seed: int
) -> list[list[float]]:
    """Per device, the start offsets (seconds from the run's start) of its syncs: the
    aggregate is *rate* per second; each device's gaps are ``n_devices / rate`` on average,
    drawn uniformly from 0.5x to 1.5x, after a random phase within one mean gap."""
    mean_gap = n_devices / rate
    rng = random.Random(seed)
    out: list[list[float]] = []
    for _ in range(n_devices):
        t = rng.uniform(0, mean_gap)
        starts: list[float] = []
        while t < duration_s and len(starts) < max_cycles:
            starts.append(t)
            t += mean_gap * rng.uniform(0.5, 1.5)
        out.append(starts)
    return out


async def paced_loop(
    runner: _Runner,
    devices: list[Device],
    starts: list[list[float]],
    duration_s: float,
    grace_s: float,
    seed: int,
) -> RunResult:
    """Open loop: each device starts its syncs at the scheduled offsets (or at once when its
    previous sync ended late); latency runs from the scheduled start. Syncs not started by
    ``duration_s + grace_s`` are skipped and counted."""
    result = runner.result
    result.scheduled = sum(len(s) for s in starts)
    start = time.perf_counter()
    hard_stop = start + duration_s + grace_s
    last_end = start

    async def cycles(d: Device, offsets: list[float], rng: random.Random) -> None:
        nonlocal last_end
        for i, offset in enumerate(offsets):
            due = start + offset
            now = time.perf_counter()
            if now >= hard_stop:
                result.not_started += len(offsets) - i
                return
            if due > now:
                await asyncio.sleep(due - now)
            if await runner.attempt(d, rng):
                end = time.perf_counter()
                result.latencies.append(end - due)
                last_end = max(last_end, end)

    await asyncio.gather(
        *(
            cycles(d, offsets, random.Random(seed * 1000 + i))
            for i, (d, offsets) in enumerate(zip(devices, starts, strict=True))
        )
    )
    # The achieved rate: completed syncs over the time until the last one ended (about the
    # window when the server keeps up; longer, and so a lower rate, when it does not).
    result.elapsed = max(last_end - start, duration_s)
    return result


async def _drive(
    base: str,
    devices: list[Device],
    runs: list[Callable[[_Runner], Awaitable[RunResult]]],
) -> list[RunResult]:
    """Sign every device in (its initial pull, not measured), do *runs* one after the other,
    then let every device pull to the end."""
    url = urlsplit(base)
    host, port = url.hostname or "127.0.0.1", int(url.port or 80)
    sem = asyncio.Semaphore(20)

    async def sign_in(d: Device) -> None:
        d.conn = Conn(host, port)
        async with sem:
            await d.pull_all()  # the initial sync is not part of the measured load

    await asyncio.gather(*(sign_in(d) for d in devices))
    results = [await run(_Runner(host, port, RunResult())) for run in runs]
    for d in devices:  # settle: everyone pulls to the end
        await d.pull_all()
        if d.conn is not None:
            d.conn.close()
    return results


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


def _ms(samples: list[float]) -> tuple[float, float, float]:
    """p50, p95 and p99 of *samples* (seconds) in milliseconds; zeros when there are none."""
    if not samples:
        return 0.0, 0.0, 0.0
    p50, p95, p99 = (percentile(samples, q) * 1000 for q in (50, 95, 99))
    return p50, p95, p99


def _error_note(errors: list[str]) -> str:
    return f"errors {len(errors)}" + (f" ({errors[0][:120]})" if errors else "")


def measure(
    kind: str, n_devices: int, duration_s: float, max_cycles: int, rate: float
) -> list[Row]:
    """The capacity run, then the paced run at *rate* syncs/s, then the count check."""
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
        starts = schedule(n_devices, rate, duration_s, max_cycles, seed=11)

        async def capacity(runner: _Runner) -> RunResult:
            return await closed_loop(runner, devices, duration_s, max_cycles, seed=7)

        async def paced(runner: _Runner) -> RunResult:
            return await paced_loop(runner, devices, starts, duration_s, duration_s, seed=13)

        with server_process(url, workers=workers) as base:
            cap, pace = asyncio.run(_drive(base, devices, [capacity, paced]))
        problems = _check(url, seeded.events, devices)
    if not cap.latencies or not pace.latencies:
        raise RuntimeError(f"no sync completed on {kind}: {(cap.errors + pace.errors)[:3]}")
    errs = len(cap.errors) + len(pace.errors)
    pushed = sum(len(d.pushed) for d in devices)
    check = "count check: " + "; ".join(problems) if problems else "count check ok"
    c50, c95, _ = _ms(cap.latencies)
    p50, p95, p99 = _ms(pace.latencies)
    scheduled_rate = pace.scheduled / duration_s
    kept_up = pace.rate >= KEEP_UP_SHARE * scheduled_rate and pace.not_started == 0
    return [
        Row(
            NAME,
            f"capacity syncs/s on {kind} (closed loop)",
            cap.rate,
            "syncs/s",
            target=f">= {TARGET_RATE}",
            met=cap.rate >= TARGET_RATE and not cap.errors and not problems,
            note=(
                f"{n_devices} devices back to back, {workers} server worker(s), "
                f"{cap.elapsed:.0f} s, {len(cap.latencies):,} syncs; queueing latency "
                f"p50 {c50:.0f} / p95 {c95:.0f} ms; {_error_note(cap.errors)}"
            ),
        ),
        Row(
            NAME,
            f"paced run on {kind}: achieved syncs/s (scheduled {rate:g}/s)",
            pace.rate,
            "syncs/s",
            target=f">= {KEEP_UP_SHARE * scheduled_rate:.0f} ({KEEP_UP_SHARE:g} x scheduled)",
            met=kept_up,
            note=(
                f"{pace.scheduled:,} syncs scheduled over {duration_s:g} s, "
                f"{len(pace.latencies):,} completed in {pace.elapsed:.1f} s, "
                f"{pace.not_started:,} not started by the hard stop; {_error_note(pace.errors)}"
            ),
        ),
        Row(
            NAME,
            f"paced sync latency p50 / p99 on {kind}",
            p50,
            "ms",
            note=f"p99 {p99:.0f} ms; from the scheduled start",
        ),
        Row(
            NAME,
            f"paced sync latency p95 on {kind}",
            p95,
            "ms",
            target=f"< {TARGET_P95_MS} ms",
            met=p95 < TARGET_P95_MS and kept_up,
        ),
        Row(
            NAME,
            f"errors + lost/duplicated on {kind}",
            errs + len(problems),
            "count",
            target="0",
            met=errs == 0 and not problems,
            note=f"both runs, {pushed:,} events pushed; {check}",
        ),
    ]


class HealthProbe(Device):
    """The baseline load: one ``GET /api/v1/health`` per cycle, on the same connection."""

    async def cycle(self, rng: random.Random) -> None:
        from sync import protocol as p

        assert self.conn is not None
        await self.conn.request("GET", p.API_PREFIX + "/health", {})


#: The district of the one-district load, and the five of the spread load (their 행정표준코드).
ONE_DISTRICT = ("1144000000", "마포구")
FIVE_DISTRICTS = (
    ("1111000000", "종로구"),
    ("1114000000", "중구"),
    ("1117000000", "용산구"),
    ("1120000000", "성동구"),
    ("1121500000", "광진구"),
)
WORKER_COUNTS = (1, 2, 4)
TARGET_DISTRICTS = 0.9
TARGET_TWO_WORKERS = 1.6


def scaling(n_devices: int, duration_s: float, max_cycles: int) -> list[Row]:
    """Capacity at 1, 2 and 4 workers, 1 vs 5 districts, against the health baseline."""
    per = max(1, n_devices // len(FIVE_DISTRICTS))
    with server_database("postgres") as url:
        groups: dict[str, list[Device]] = {}
        seeded_events = 0
        for i, (district, share) in enumerate(
            [(ONE_DISTRICT, n_devices), *((d, per) for d in FIVE_DISTRICTS)]
        ):
            seeded = seed_world(
                url,
                share * 5,
                10,
                workers=share,
                role="volunteer",
                seed=20 + i,
                validate=False,
                prefix=f"d{i}",
                district=district,
            )
            seeded_events += seeded.events
            owned = _households_by_user(url)
            group = groups.setdefault("one" if i == 0 else "five", [])
            group.extend(Device(u, owned[u]) for u in seeded.workers)
        devices = groups["one"] + groups["five"]
        register_devices(url, devices)
        probes = [HealthProbe(f"probe{i}", []) for i in range(len(groups["one"]))]
        figures: dict[tuple[int, str], RunResult] = {}
        for workers in WORKER_COUNTS:

            def load(name: str, who: list[Device], seed: int) -> Callable[..., Any]:
                async def go(runner: _Runner) -> RunResult:
                    if who is not probes:
                        return await closed_loop(runner, who, duration_s, max_cycles, seed=seed)
                    for probe in probes:  # they sign nothing in: they connect here
                        probe.conn = Conn(runner.host, runner.port)
                    result = await closed_loop(runner, who, duration_s, max_cycles, seed=seed)
                    for probe in probes:
                        probe.conn.close()
                    return result

                go.__name__ = name
                return go

            runs = [  # every run its own seed: its devices' new event ids never repeat
                load("health", probes, 10 * workers + 1),
                load("one", groups["one"], 10 * workers + 2),
                load("five", groups["five"], 10 * workers + 3),
            ]
            with server_process(url, workers=workers) as base:
                results = asyncio.run(_drive(base, devices, runs))
            for run_, result in zip(runs, results, strict=True):
                figures[(workers, run_.__name__)] = result
        problems = _check(url, seeded_events, devices)
    return _scaling_rows(figures, len(groups["one"]), len(groups["five"]), duration_s, problems)


def _scaling_rows(
    figures: dict[tuple[int, str], RunResult],
    n_one: int,
    n_five: int,
    duration_s: float,
    problems: list[str],
) -> list[Row]:
    rows: list[Row] = []
    errors = sum(len(r.errors) for r in figures.values())
    for workers in WORKER_COUNTS:
        health, one, five = (figures[(workers, k)] for k in ("health", "one", "five"))
        rows.append(
            Row(
                NAME,
                f"health baseline req/s, {workers} worker(s) (postgres)",
                health.rate,
                "req/s",
                note=(
                    f"same generator, {n_one} connections back to back, {duration_s:g} s; "
                    f"generator CPU {health.generator_share:.2f} core"
                ),
            )
        )
        for label, result, n in (("1 district", one, n_one), ("5 districts", five, n_five)):
            c50, c95, _ = _ms(result.latencies)
            rows.append(
                Row(
                    NAME,
                    f"capacity syncs/s, {label}, {workers} worker(s) (postgres)",
                    result.rate,
                    "syncs/s",
                    baseline=health.rate,
                    baseline_label="health req/s",
                    ratio=result.rate / health.rate if health.rate else None,
                    note=(
                        f"{n} devices, "
                        f"{len(result.latencies):,} syncs; p50 {c50:.0f} / p95 {c95:.0f} ms; "
                        f"generator CPU {result.generator_share:.2f} core; "
                        f"{_error_note(result.errors)}"
                    ),
                )
            )
        ratio = five.rate / one.rate if one.rate else 0.0
        rows.append(
            Row(
                NAME,
                f"5 districts / 1 district, {workers} worker(s) (postgres)",
                ratio,
                "x",
                target=f">= {TARGET_DISTRICTS:g}" if workers == 2 else "",
                met=ratio >= TARGET_DISTRICTS if workers == 2 else None,
            )
        )
    for workers in WORKER_COUNTS[1:]:
        base = figures[(1, "five")].rate
        ratio = figures[(workers, "five")].rate / base if base else 0.0
        rows.append(
            Row(
                NAME,
                f"capacity {workers} workers / 1 worker, 5 districts (postgres)",
                ratio,
                "x",
                target=f">= {TARGET_TWO_WORKERS:g}" if workers == 2 else "",
                met=ratio >= TARGET_TWO_WORKERS if workers == 2 else None,
                note=(
                    f"health {figures[(workers, 'health')].rate / figures[(1, 'health')].rate:.2f}x"
                    " of 1 worker in the same run"
                ),
            )
        )
    check = "count check: " + "; ".join(problems) if problems else "count check ok"
    rows.append(
        Row(
            NAME,
            "scaling runs: errors + lost/duplicated (postgres)",
            errors + len(problems),
            "count",
            target="0",
            met=errors == 0 and not problems,
            note=check,
        )
    )
    return rows


def run(size: str = "reduced") -> list[Row]:
    n = pick(size, 5, 200, 200)
    duration = pick(size, 2.0, 10.0, 60.0)
    max_cycles = pick(size, 5, 10_000, 100_000)
    rate = pick(size, 10, TARGET_RATE, TARGET_RATE)
    rows: list[Row] = []
    if postgres_available():
        rows += measure("postgres", n, duration, max_cycles, rate)
        rows += scaling(pick(size, 5, 40, 200), pick(size, 1.5, 4.0, 20.0), max_cycles)
    else:
        rows.append(
            Row(
                NAME,
                "capacity syncs/s on postgres (closed loop)",
                0,
                "syncs/s",
                note="PostgreSQL not reachable: not measured",
            )
        )
    rows += measure("sqlite", n, duration, max_cycles, rate)
    return rows
