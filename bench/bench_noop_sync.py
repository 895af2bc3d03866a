"""No-op sync: latency when nothing changed, on a small and on a large server.

Two servers (real uvicorn processes on loopback, SQLite): one holding about 1,000 events, one
holding 100x (reduced) or 1,000x (full) as many, spread over ten nurses. The measured nurse's
laptop signs in, syncs everything once, then repeats ``SyncEngine.sync_once()`` with nothing
to push or pull. Figures: median and p99 of the full client cycle (local counts, one pull,
cursor and status saved) and of the bare wire call (``GET /sync/pull`` with the cursor).
Baseline (same run, same server, same keep-alive connection): ``GET /api/v1/health``.
Targets: large/small median <= 1.5 (flat), and no-op within 2x of the health round trip.
A last row sets the engine cycle against the bare wire pull: the client's own share.
"""

from __future__ import annotations

from typing import Any

from bench.common import (
    RawApi,
    Row,
    percentile,
    pick,
    seed_world,
    server_database,
    server_process,
    sign_in,
    temp_dir,
    timed,
)

NAME = "noop_sync"
FLAT_TARGET = 1.5
HEALTH_TARGET = 2.0


def _measure(households: int, per_household: int, workers: int, repeat: int) -> dict[str, Any]:
    from sync import protocol as p

    with server_database("sqlite") as url, temp_dir() as folder:
        seeded = seed_world(url, households, per_household, workers=workers, validate=False)
        worker = seeded.workers[0]
        with server_process(url) as base:
            device = sign_in(base, folder, worker)
            api = RawApi(base)
            try:
                engine = device.engine()
                first = engine.sync_once()
                if not first.completed:
                    raise RuntimeError("the first sync did not complete")
                api.login(worker)
                cursor = None
                while True:  # bring the raw client's cursor to the end too
                    body = api.http.get(
                        base + p.PULL_PATH, params={"cursor": cursor} if cursor else {}, timeout=60
                    ).json()
                    cursor = body["cursor"]
                    if not body["has_more"]:
                        break
                cycle, wire, health = [], [], []
                for _ in range(repeat):
                    cycle.append(timed(engine.sync_once))
                    wire.append(
                        timed(
                            lambda: api.http.get(
                                base + p.PULL_PATH, params={"cursor": cursor}, timeout=30
                            ).raise_for_status()
                        )
                    )
                    health.append(
                        timed(
                            lambda: api.http.get(
                                base + p.HEALTH_PATH, timeout=30
                            ).raise_for_status()
                        )
                    )
                check = engine.sync_once()
                if check.pulled or check.pushed:
                    raise RuntimeError("the no-op sync moved data: it was not a no-op")
            finally:
                api.close()
                device.close()
    return {
        "events": seeded.events,
        "cycle": cycle,
        "wire": wire,
        "health": health,
    }


def run(size: str = "reduced") -> list[Row]:
    repeat = pick(size, 5, 100, 300)
    small = _measure(10, 100, 1, repeat)
    big_households = pick(size, 20, 1000, 5000)
    big_per_household = pick(size, 100, 100, 200)
    large = _measure(big_households, big_per_household, 10, repeat)
    rows: list[Row] = []
    for label, key in (("engine cycle", "cycle"), ("wire pull", "wire")):
        s50, s99 = percentile(small[key], 50) * 1000, percentile(small[key], 99) * 1000
        l50, l99 = percentile(large[key], 50) * 1000, percentile(large[key], 99) * 1000
        h50 = percentile(large["health"], 50) * 1000
        rows.append(
            Row(
                NAME,
                f"{label} median, {large['events']:,} vs {small['events']:,} events",
                l50,
                "ms",
                baseline=s50,
                baseline_label="small server",
                ratio=l50 / s50,
                target=f"<= {FLAT_TARGET}x",
                met=l50 / s50 <= FLAT_TARGET,
                note=f"p99 {l99:.1f} vs {s99:.1f} ms",
            )
        )
        rows.append(
            Row(
                NAME,
                f"{label} p99 (large server)",
                l99,
                "ms",
                baseline=s99,
                baseline_label="small server",
                ratio=l99 / s99,
            )
        )
        rows.append(
            Row(
                NAME,
                f"{label} median vs health GET",
                l50,
                "ms",
                baseline=h50,
                baseline_label="GET /health",
                ratio=l50 / h50,
                target=f"<= {HEALTH_TARGET}x",
                met=l50 / h50 <= HEALTH_TARGET,
            )
        )
    c50, w50 = percentile(large["cycle"], 50) * 1000, percentile(large["wire"], 50) * 1000
    rows.append(
        Row(
            NAME,
            "engine cycle median vs wire pull (the client's share)",
            c50,
            "ms",
            baseline=w50,
            baseline_label="GET /sync/pull",
            ratio=c50 / w50,
            note=f"client work per no-op cycle {c50 - w50:.2f} ms",
        )
    )
    return rows
