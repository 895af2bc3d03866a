"""Push ingest: 1,000 pending events sent by the real client engine, on SQLite and PostgreSQL.

The server (a real uvicorn process on loopback) holds one nurse's households and no history.
Her laptop signs in, pulls the households, records 1,000 events of the demo district
(visits with vitals, screenings, welfare checks, notes, referrals; through
``records.append_event``), then one ``SyncEngine.sync_once()`` pushes them in batches of 500
(validation, results recomputed, scope, fan-out, seqs, idempotency record) and pulls the
answer. Figure: events per second for that cycle.

Baseline (same run, same database): the same 1,000 rows written straight into the server's
``events`` table with one ``INSERT`` executemany in one transaction.
Target: >= 5,000 events/s on both databases.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from bench.common import (
    TODAY,
    Row,
    pick,
    postgres_available,
    seed_world,
    server_database,
    server_process,
    session_for,
    sign_in,
    stopwatch,
    temp_dir,
)

NAME = "push_ingest"
TARGET = 5_000


def _pending_events(device: Any, households: int, count: int) -> list[dict[str, Any]]:
    """Record *count* demo events of the nurse's own programme (the only one she may write)
    for the device's households as pending; return them."""
    from fieldapp import records
    from fieldapp.demo import generate_district
    from fieldapp.vocabulary import ROLE_PROGRAMME, Role

    # about one demo event in six is of the visiting-health programme
    demo = generate_district(
        households, 9, today=TODAY, events_per_household=8 * max(1, count // households + 5)
    )
    own = ROLE_PROGRAMME[Role.nurse].value
    held = {r["id"] for r in device.store.db.query("SELECT id FROM households")}
    made: list[dict[str, Any]] = []
    for ev in demo.iter_events(with_result=False):
        if len(made) >= count:
            break
        if ev["household_id"] not in held or ev["programme"] != own:
            continue
        made.append(
            records.append_event(
                device.store,
                {
                    **ev,
                    "created_by": device.username,
                    "device_id": device.profile.info["device_id"],
                    "server_time": None,
                },
            )
        )
    if len(made) < count:
        raise RuntimeError(f"only {len(made)} demo events for {count} wanted")
    return made


def _baseline(url: str, events: list[dict[str, Any]]) -> float:
    """Seconds to insert *events* into the server's events table in one transaction."""
    from sqlalchemy import insert

    from sync.server.models import Event

    now = datetime.now(UTC)
    rows = [
        {
            "id": str(uuid.uuid4()),
            "household_id": e["household_id"],
            "type": e["type"],
            "programme": e["programme"],
            "created_by": e["created_by"],
            "device_id": e["device_id"],
            "device_time": datetime.fromisoformat(e["device_time"]),
            "payload": e["payload"],
            "amends": None,
            "skew_flag": False,
            "server_time": now,
            "late_handover": False,
        }
        for e in events
    ]
    with session_for(url) as s, stopwatch() as t:
        s.execute(insert(Event), rows)
        s.commit()
    return t[0]


def _count_check(url: str, device: Any, events: list[dict[str, Any]]) -> str:
    """Every pushed event exactly once on the server and once, accepted, on the laptop
    (nothing lost, nothing duplicated); raises otherwise. Returns the note."""
    from sqlalchemy import func, select

    from sync.server.models import Event

    ids = {e["id"] for e in events}
    with session_for(url) as s:
        on_server = s.scalar(select(func.count()).select_from(Event))
        found = set(s.scalars(select(Event.id).where(Event.id.in_(sorted(ids)))))
    with device.store.reading() as db:
        local = [(r["id"], r["sync_state"]) for r in db.query("SELECT id, sync_state FROM events")]
    local_ids = [i for i, _ in local]
    problems = []
    if found != ids or on_server != len(ids):
        problems.append(f"server holds {len(found)} of {len(ids)} ({on_server} rows)")
    if len(local_ids) != len(set(local_ids)) or set(local_ids) != ids:
        problems.append(f"laptop holds {len(local_ids)} rows for {len(ids)} events")
    if any(state != "accepted" for _, state in local):
        problems.append("a laptop copy is not accepted")
    if problems:
        raise RuntimeError("push count check failed: " + "; ".join(problems))
    return "count check ok (0 lost, 0 duplicated)"


def measure(kind: str, count: int, households: int) -> Row:
    with server_database(kind) as url, temp_dir() as folder:
        seeded = seed_world(url, households, 0, workers=1, max_events=0)
        with server_process(url) as base:
            device = sign_in(base, folder, seeded.workers[0])
            try:
                engine = device.engine()
                engine.sync_once()
                events = _pending_events(device, households, count)
                with stopwatch() as t:
                    report = engine.sync_once()
                checked = _count_check(url, device, events)
            finally:
                device.close()
        if report.applied != count or report.rejected:
            raise RuntimeError(
                f"push on {kind}: {report.applied} applied, {report.rejected} rejected "
                f"({report.rejected_items[:3]}) of {count}"
            )
        base_s = _baseline(url, events)
    rate = count / t[0]
    base_rate = count / base_s
    return Row(
        NAME,
        f"events/s on {kind} ({count:,} pending)",
        rate,
        "events/s",
        baseline=base_rate,
        baseline_label="bare INSERT, 1 txn",
        ratio=rate / base_rate,
        target=f">= {TARGET:,}",
        met=rate >= TARGET,
        note=f"whole sync cycle {t[0] * 1000:.0f} ms; {checked}",
    )


def run(size: str = "reduced") -> list[Row]:
    count = pick(size, 50, 1000, 1000)
    households = pick(size, 10, 100, 100)
    rows = [measure("sqlite", count, households)]
    if postgres_available():
        rows.append(measure("postgres", count, households))
    else:
        rows.append(
            Row(
                NAME,
                "events/s on postgres",
                0,
                "events/s",
                met=None,
                note="PostgreSQL not reachable: not measured",
            )
        )
    return rows
