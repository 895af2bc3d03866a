"""Shared parts of the benchmarks: timing, result rows, temporary databases and servers, and
a synthetic district seeded through the server's own bulk paths.

Every benchmark returns a list of :class:`Row` (a figure, its baseline measured in the same
run, the ratio, and the target with whether it was met). Sizes come in three steps:
``tiny`` (the smoke tests: shows the code runs, figures mean nothing), ``reduced``
(``python -m bench``, minutes) and ``full`` (``python -m bench --full``).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

# No OS keyring for benchmark devices: tokens stay in memory, nothing is written anywhere.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")

SIZES = ("tiny", "reduced", "full")
PASSWORD = "Bench-pass-2026"
PG_BASE_URL = os.environ.get(
    "FIELDAPP_BENCH_POSTGRES_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
)
#: A fixed "today" so that every run builds the same district.
TODAY = date(2026, 11, 1)


# ---------------------------------------------------------------------------- results


@dataclass
class Row:
    """One measured figure, with its same-run baseline and target."""

    bench: str
    metric: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_label: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def pick(size: str, tiny: Any, reduced: Any, full: Any) -> Any:
    """The parameter for *size*."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}, got {size!r}")
    return {"tiny": tiny, "reduced": reduced, "full": full}[size]


# ---------------------------------------------------------------------------- timing


@contextlib.contextmanager
def stopwatch() -> Iterator[list[float]]:
    """``with stopwatch() as t: ...`` then ``t[0]`` is the elapsed seconds."""
    box: list[float] = []
    start = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - start)


def timed(fn: Callable[[], Any]) -> float:
    """Seconds taken by one call of *fn*."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def percentile(samples: Sequence[float], q: float) -> float:
    """The *q*-th percentile (0-100) by linear interpolation between closest ranks."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def summary_ms(samples_s: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/mean of samples given in seconds, in milliseconds."""
    ms = [s * 1000 for s in samples_s]
    return {
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "mean": statistics.fmean(ms),
        "n": len(ms),
    }


def ratio(value: float, baseline: float) -> float | None:
    return value / baseline if baseline else None


def fmt_num(value: float | None) -> str:
    if value is None:
        return "-"
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def fmt_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


# ---------------------------------------------------------------------------- machine


def machine_info() -> dict[str, Any]:
    """nproc, memory, python, SQLite and SQLCipher versions (for the report)."""
    import sqlite3

    import sqlcipher3

    info: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    with contextlib.suppress(Exception):
        conn = sqlcipher3.connect(":memory:")
        info["sqlcipher_sqlite"] = conn.execute("SELECT sqlite_version()").fetchone()[0]
        info["sqlcipher"] = conn.execute("PRAGMA cipher_version").fetchone()[0]
        conn.close()
    with contextlib.suppress(Exception):
        import psycopg

        with psycopg.connect(_libpq(PG_BASE_URL), connect_timeout=3) as conn:
            info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
    return info


# ---------------------------------------------------------------------------- databases


@contextlib.contextmanager
def temp_dir(prefix: str = "fieldapp-bench-") -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=prefix) as d:
        yield Path(d)


@contextlib.contextmanager
def temp_store(folder: Path, name: str = "local.db") -> Iterator[Any]:
    """A fresh, migrated SQLCipher :class:`~fieldapp.store.Store` with a random key."""
    from fieldapp.store import Store

    store = Store.open(folder / name, Store.create_key(), create=True)
    try:
        yield store
    finally:
        store.close()


def _libpq(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def postgres_available() -> bool:
    """True when the benchmark PostgreSQL server answers."""
    import psycopg

    try:
        with psycopg.connect(_libpq(PG_BASE_URL), connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@contextlib.contextmanager
def pg_database() -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database (dropped afterwards); yields its URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    admin = psycopg.connect(_libpq(PG_BASE_URL), autocommit=True, connect_timeout=5)
    name = f"fieldapp_bench_{uuid.uuid4().hex[:16]}"
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        yield make_url(PG_BASE_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextlib.contextmanager
def server_database(kind: str) -> Iterator[str]:
    """A fresh, migrated server database URL: *kind* is ``sqlite`` or ``postgres``."""
    from sync.server import db

    if kind == "sqlite":
        with temp_dir("fieldapp-bench-server-") as folder:
            url = f"sqlite:///{folder / 'server.sqlite3'}"
            db.upgrade(url)
            yield url
    elif kind == "postgres":
        with pg_database() as url:
            db.upgrade(url)
            yield url
    else:
        raise ValueError(f"unknown database kind {kind!r}; use sqlite or postgres")


@contextlib.contextmanager
def session_for(url: str) -> Iterator[Any]:
    """A SQLAlchemy session on the server database *url* (the engine is disposed after)."""
    from sync.server import db

    engine = db.make_engine(url)
    try:
        with db.make_sessionmaker(engine)() as session:
            yield session
    finally:
        engine.dispose()


# ---------------------------------------------------------------------------- servers


@contextlib.contextmanager
def embedded_server(url: str) -> Iterator[str]:
    """The real server app in a uvicorn thread of this process; yields its base URL."""
    from sync.server.embedded import start_embedded

    server = start_embedded(url, migrate=False, http="h11")
    try:
        yield server.base_url
    finally:
        server.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server_process(
    url: str,
    workers: int = 1,
    timeout_s: float = 60.0,
    uvicorn_args: Sequence[str] = (),
    settings_env: dict[str, str] | None = None,
) -> Iterator[str]:
    """``uvicorn`` as its own process (*workers* workers) on loopback; yields the base URL.
    *uvicorn_args* are added to its command line (e.g. ``("--http", "h11")``). On PostgreSQL
    each process's pool is sized as ``fieldapp-server serve`` sizes it, so that the workers
    fit in the server's ``max_connections``. *settings_env* adds ``FIELDAPP_*`` settings.
    What the server writes to stderr goes to a file (a pipe nobody reads fills up and stops
    the server at its next log line)."""
    import requests

    from sync.server import db
    from sync.server.settings import Settings

    port = free_port()
    env = {**os.environ, "FIELDAPP_DATABASE_URL": url, "FIELDAPP_LOG_LEVEL": "WARNING"}
    env.update(settings_env or {})
    if not db.is_sqlite(url):
        engine = db.make_engine(url)
        try:
            room = db.connection_room(url, engine)
        finally:
            engine.dispose()
        pool = db.fitting_pool_size(Settings.from_env().db_pool_size, workers, room)
        env["FIELDAPP_DB_POOL_SIZE"] = str(pool)
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "sync.server.cli:serving_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
        "--backlog",
        "2048",
        *uvicorn_args,
    ]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log)

        def said() -> str:
            log.seek(0)
            return log.read().decode(errors="replace")

        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"the server process exited at start: {said()[-2000:]}")
                try:
                    if requests.get(base + "/api/v1/health", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the server process did not answer within {timeout_s:.0f} s"
                    )
                time.sleep(0.1)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
            lines = said().splitlines()
            if lines:  # warnings a run should not hide (e.g. the database refusing connections)
                print(
                    f"[server stderr, last of {len(lines)} lines]",
                    *lines[-5:],
                    sep="\n  ",
                    file=sys.stderr,
                )


# ---------------------------------------------------------------------------- world


@dataclass
class Seeded:
    """What :func:`seed_world` put on the server."""

    workers: list[str]
    households: int
    events: int
    events_by_worker: dict[str, int] = field(default_factory=dict)
    households_by_worker: dict[str, int] = field(default_factory=dict)
    district_code: str = ""
    #: generated events the server's validation refused (a demo-generator defect), left out
    skipped: int = 0


def seed_world(
    url: str,
    households: int,
    events_per_household: int,
    *,
    workers: int = 1,
    role: str = "nurse",
    seed: int = 9,
    max_events: int | None = None,
    prefix: str = "bench",
    validate: bool = True,
    district: tuple[str, str] | None = None,
) -> Seeded:
    """Fill the server at *url* with the synthetic demo district's households and history,
    every household held by one of *workers* workers of *role* (round robin).

    Goes through the server's own paths: ``admin.create_household`` (assignments, history
    and feed) and the seeding loader (the push rules, validation and fan-out, in batches).
    Events are re-authored by the household's worker so they pass the authorship check.
    With *validate* False the per-event validation (and result recomputation) of the loader
    is skipped: for background rows that only need to exist (payloads then carry no
    ``result``); feed, seqs and fan-out are still the server's. *district* (code, name) puts
    the generated district under another code (its dongs renumbered under it), so that one
    server can hold several: give each its own *seed* and *prefix*.
    """
    from fieldapp.demo import generate_district
    from sync import protocol as p
    from sync.server import admin, seeding

    demo = generate_district(
        households, seed, today=TODAY, events_per_household=events_per_household
    )
    if district is not None:
        _move_district(demo, *district)
    programme = p.ROLE_PROGRAMME[p.Role(role)].value
    names = [f"{prefix}_{role}{i:03d}" for i in range(workers)]
    device_of = {n: str(uuid.UUID(int=uuid.uuid5(uuid.NAMESPACE_URL, n).int)) for n in names}
    owner: dict[str, str] = {}
    out = Seeded(workers=names, households=len(demo.households), events=0)
    with session_for(url) as s:
        code = demo.district["code"]
        admin.create_district(s, code, demo.district["name"])
        for dong in demo.dongs:
            admin.create_dong(s, dong["code"], code, dong["name"])
        users = [
            _SeedUser(n, role, code, PASSWORD, n, [d["code"] for d in demo.dongs[:3]])
            for n in names
        ]
        seeding._create_users(s, users)
        s.commit()
        for i, hh in enumerate(demo.households):
            worker = names[i % workers]
            owner[hh["id"]] = worker
            admin.create_household(
                s, {**hh, "assignments": {programme: worker}}, actor="bench", reason="bench"
            )
            if i % 500 == 499:
                s.commit()
            out.households_by_worker[worker] = out.households_by_worker.get(worker, 0) + 1
        s.commit()
        loader = seeding._EventLoader(s, datetime.now(UTC))
        load = _skipping_invalid(loader.load, out) if validate else _unvalidated(loader.load)
        batch: list[dict[str, Any]] = []
        for ev in demo.iter_events(with_result=False):
            if max_events is not None and out.events >= max_events:
                break
            worker = owner[ev["household_id"]]
            batch.append({**ev, "created_by": worker, "device_id": device_of[worker]})
            out.events += 1
            out.events_by_worker[worker] = out.events_by_worker.get(worker, 0) + 1
            if len(batch) >= seeding.BATCH:
                load(batch)
                batch = []
        if batch:
            load(batch)
        out.district_code = code
    return out


def _move_district(demo: Any, code: str, name: str) -> None:
    """Put a generated district under *code* and *name*: its dongs keep their last digits."""
    dong_code = {d["code"]: code[:5] + d["code"][5:] for d in demo.dongs}
    demo.district = {**demo.district, "code": code, "name": name}
    demo.dongs = [{**d, "code": dong_code[d["code"]], "district_code": code} for d in demo.dongs]
    for hh in demo.households:
        hh["district_code"], hh["dong_code"] = code, dong_code[hh["dong_code"]]


def _skipping_invalid(
    load: Callable[[list[dict[str, Any]]], int], out: Seeded
) -> Callable[..., int]:
    """*load*, leaving out the (rare) generated events the server's validation refuses, and
    the corrections of those, counting them in ``out.skipped``."""
    from fieldapp.errors import ValidationError
    from sync.server import seeding, syncing

    dropped: set[str] = set()

    def leave_out(batch: list[dict[str, Any]], ids: set[str]) -> list[dict[str, Any]]:
        kept = []
        for e in batch:
            if e["id"] in ids or e.get("amends") in dropped:
                dropped.add(e["id"])
                out.skipped += 1
                out.events -= 1
                out.events_by_worker[e["created_by"]] -= 1
            else:
                kept.append(e)
        return kept

    def run(batch: list[dict[str, Any]]) -> int:
        batch = leave_out(batch, set())
        try:
            return load(batch)
        except seeding.SeedError:
            pass
        bad: set[str] = set()
        for ev in batch:
            try:
                syncing._validate_event(dict(ev))
            except ValidationError:
                bad.add(ev["id"])
        return load(leave_out(batch, bad))

    return run


def _unvalidated(load: Callable[[list[dict[str, Any]]], int]) -> Callable[..., int]:
    """*load* with the server's event validation replaced by a pass-through."""
    from sync.server import syncing

    def run(batch: list[dict[str, Any]]) -> int:
        real = syncing._validate_event
        syncing._validate_event = lambda event: event  # type: ignore[assignment]
        try:
            return load(batch)
        finally:
            syncing._validate_event = real  # type: ignore[assignment]

    return run


@dataclass
class _SeedUser:
    """The attributes ``seeding._create_users`` reads from a demo user."""

    username: str
    role: str
    district_code: str
    password: str
    display_name: str
    dong_codes: list[str]


# ---------------------------------------------------------------------------- devices


CHEAP_KDF_ARGS = {"time_cost": 1, "memory_cost_kib": 64, "parallelism": 1}


@dataclass
class BenchDevice:
    """A signed-in laptop: profile folder and open SQLCipher store."""

    profile: Any
    store: Any
    username: str

    def engine(self, **kw: Any) -> Any:
        from sync.client import SyncEngine

        kw.setdefault("password", PASSWORD)
        return SyncEngine(self.profile, self.store, **kw)

    def close(self) -> None:
        if not self.store.closed:
            self.store.close()


def sign_in(base_url: str, folder: Path, username: str) -> BenchDevice:
    """Sign a new laptop in through the real client ``login`` (cheap KDF: the wrapping of
    the database key is not what is measured)."""
    from fieldapp import keys
    from fieldapp.profile import Profile
    from sync.client import login

    profile = Profile(folder / f"{username}-{uuid.uuid4().hex[:6]}")
    store = login(profile, base_url, username, PASSWORD, kdf=keys.KdfParams(**CHEAP_KDF_ARGS))
    return BenchDevice(profile, store, username)


# ---------------------------------------------------------------------------- wire


class RawApi:
    """A bare ``requests`` client for the sync API (for the server-side benchmarks)."""

    def __init__(self, base_url: str) -> None:
        import requests

        from sync import protocol as p

        self.p = p
        self.base_url = base_url
        self.http = requests.Session()
        self.http.headers[p.PROTOCOL_HEADER] = str(p.PROTOCOL_VERSION)
        self.device_id = str(uuid.uuid4())
        self.username = ""

    def login(self, username: str) -> dict[str, Any]:
        r = self.http.post(
            self.base_url + self.p.LOGIN_PATH,
            json={
                "protocol": self.p.PROTOCOL_VERSION,
                "username": username,
                "password": PASSWORD,
                "device_id": self.device_id,
                "device_name": "bench",
            },
            timeout=60,
        )
        r.raise_for_status()
        body = r.json()
        self.http.headers["Authorization"] = f"Bearer {body['token']}"
        self.username = username
        return body

    def close(self) -> None:
        self.http.close()


def gzip_size(raw: bytes, level: int = 6) -> int:
    return len(gzip.compress(raw, compresslevel=level))


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
