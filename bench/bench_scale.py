"""Scale: cost of a full pull and of the worklist at 1x, 10x and 100x households.

For each size a fresh server (uvicorn process, SQLite) gives one nurse *n* households with a
fixed history each (so rows grow with households), a fresh laptop pulls everything through
``SyncEngine.sync_once()``, and the worklist is computed the way the Today screen does it
(``records.list_households``, ``records.effective_events`` per household,
``household_state.worklist``; median of 3). Figure: time per step, and the growth factor per 10x households
(10 = linear; less is better than linear). The worklist note also gives its median CPU time
(``time.process_time``): on a shared machine it is steadier than the wall time.
"""

from __future__ import annotations

import time
from typing import Any

from bench.common import (
    TODAY,
    Row,
    median,
    pick,
    seed_world,
    server_database,
    server_process,
    sign_in,
    stopwatch,
    temp_dir,
)

NAME = "scale"
PER_HOUSEHOLD = 20


def worklist_seconds(store: Any, programme: str, runs: int = 3) -> tuple[float, float, int]:
    """Median wall and CPU seconds of *runs* computations of the worklist from the local store
    (a single run of a few milliseconds at the smallest size is mostly noise), and its length."""
    from fieldapp import household_state, records

    times: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        cpu_start = time.process_time()
        with stopwatch() as t:
            households = records.list_households(store)
            mine = [h for h in households if (h.get("assignments") or {}).get(programme)]
            events = records.effective_events_by_household(store, [h["id"] for h in mine])
            items = household_state.worklist(mine, events, programme, TODAY)
        cpu.append(time.process_time() - cpu_start)
        times.append(t[0])
    return median(times), median(cpu), len(items)


def _one(households: int) -> dict[str, float]:
    with server_database("sqlite") as url, temp_dir() as folder:
        seeded = seed_world(url, households, PER_HOUSEHOLD, workers=1, validate=False)
        with server_process(url) as base:
            device = sign_in(base, folder, seeded.workers[0])
            try:
                with stopwatch() as t:
                    report = device.engine().sync_once()
                work_s, work_cpu, items = worklist_seconds(device.store, "visiting_health")
            finally:
                device.close()
    if not report.completed:
        raise RuntimeError("the pull did not complete")
    return {
        "pull": t[0],
        "worklist": work_s,
        "worklist_cpu": work_cpu,
        "rows": seeded.households + seeded.events,
        "items": items,
    }


def run(size: str = "reduced") -> list[Row]:
    base_n = pick(size, 2, 10, 30)
    sizes = [base_n, base_n * 10, base_n * 100]
    results = [_one(n) for n in sizes]
    rows: list[Row] = []
    for step in ("pull", "worklist"):
        for i, n in enumerate(sizes):
            r = results[i]
            cpu = f"; CPU {r['worklist_cpu'] * 1000:,.1f} ms" if step == "worklist" else ""
            if i == 0:
                rows.append(
                    Row(
                        NAME,
                        f"{step} at {n:,} households (1x)",
                        r[step] * 1000,
                        "ms",
                        note=f"{r['rows']:,} rows{cpu}",
                    )
                )
                continue
            prev = results[i - 1][step]
            growth = r[step] / prev
            rows.append(
                Row(
                    NAME,
                    f"{step} at {n:,} households ({10**i}x)",
                    r[step] * 1000,
                    "ms",
                    baseline=prev * 1000,
                    baseline_label=f"{sizes[i - 1]:,} households",
                    ratio=growth,
                    target="<= 10x per 10x (linear)",
                    met=growth <= 10.0 * 1.15,
                    note=f"{r['rows']:,} rows; per household {r[step] / n * 1000:.2f} ms{cpu}",
                )
            )
    return rows
