"""Initial sync: a worker's first pull, end to end, against a bulk insert of the same rows.

The server (a real uvicorn process on loopback, SQLite) holds one nurse with *households*
households and their history, seeded through the server's own bulk paths. A fresh laptop
signs in through the real client ``login`` and runs one ``SyncEngine.sync_once()``: server
query, JSON, gzip, HTTP, pydantic checks and the apply into SQLCipher, page by page with its
cursor. Figure: rows (households + events) per second.

Baseline (same run): exactly the rows the sync stored, read back, and written into a fresh
SQLCipher database of the same schema with one ``executemany`` per table in one transaction.
Targets: >= 30,000 rows/s end to end and >= 0.25 of the baseline.
"""

from __future__ import annotations

from typing import Any

from bench.common import (
    Row,
    pick,
    seed_world,
    server_database,
    server_process,
    sign_in,
    stopwatch,
    temp_dir,
    temp_store,
)

NAME = "initial_sync"
TARGET_RATE = 30_000
TARGET_RATIO = 0.25


def _copy_rows(store: Any, table: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    cur = store.conn.execute(f"SELECT * FROM {table}")
    columns = [d[0] for d in cur.description]
    return columns, cur.fetchall()


def baseline_insert(
    folder: Any, tables: dict[str, tuple[list[str], list[tuple[Any, ...]]]]
) -> float:
    """Seconds to insert *tables* into a fresh SQLCipher store: one executemany per table,
    one transaction."""
    with temp_store(folder, "baseline.db") as store:
        conn = store.conn
        with stopwatch() as t:
            conn.execute("BEGIN IMMEDIATE")
            for table, (columns, rows) in tables.items():
                marks = ", ".join("?" * len(columns))
                conn.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
                )
            conn.execute("COMMIT")
    return t[0]


def run(size: str = "reduced") -> list[Row]:
    households = pick(size, 20, 300, 2000)
    per_household = 100
    with server_database("sqlite") as url, temp_dir() as folder:
        seeded = seed_world(url, households, per_household, workers=1)
        worker = seeded.workers[0]
        with server_process(url) as base:
            device = sign_in(base, folder, worker)
            try:
                engine = device.engine()
                with stopwatch() as t:
                    report = engine.sync_once()
                tables = {
                    "households": _copy_rows(device.store, "households"),
                    "events": _copy_rows(device.store, "events"),
                }
            finally:
                device.close()
        rows = len(tables["households"][1]) + len(tables["events"][1])
        base_s = baseline_insert(folder, tables)
    if not report.completed:
        raise RuntimeError("the initial sync did not complete")
    expected = seeded.households + seeded.events
    if rows != expected:
        raise RuntimeError(f"the laptop holds {rows} rows after the sync, the server {expected}")
    rate = rows / t[0]
    base_rate = rows / base_s
    note = (
        f"{seeded.households:,} households + {seeded.events:,} events; "
        f"{report.bytes_received:,} bytes received"
        + (f"; {seeded.skipped} invalid generated events left out" if seeded.skipped else "")
    )
    return [
        Row(
            NAME,
            "end-to-end rows/s",
            rate,
            "rows/s",
            target=f">= {TARGET_RATE:,}",
            met=rate >= TARGET_RATE,
            note=note,
        ),
        Row(
            NAME,
            "end-to-end vs executemany",
            rate,
            "rows/s",
            baseline=base_rate,
            baseline_label="executemany, 1 txn",
            ratio=rate / base_rate,
            target=f">= {TARGET_RATIO}x",
            met=rate / base_rate >= TARGET_RATIO,
        ),
        Row(
            NAME,
            "sync wall time",
            t[0] * 1000,
            "ms",
            baseline=base_s * 1000,
            baseline_label="executemany",
            ratio=t[0] / base_s,
        ),
    ]
