"""Syncs while someone sprays sign-ins: what the bound on password checks at once buys.

A real server process (uvicorn, SQLite) with a small seeded district; a signed-in nurse's raw
client pulls in a loop, first on a quiet server (the baseline, same server, same run), then
while attacker threads post sign-ins for unknown usernames as fast as they are answered
(argon2id at its real cost: about 64 MiB and tens of milliseconds per check; they do not
honour Retry-After, as an attacker would not). Run twice: with the default bound
(``FIELDAPP_LOGIN_HASH_SLOTS`` = 2 per process) and with it lifted (one slot per attacker:
every guess hashes at once, as before the bound). Figures: the pull's median and p95 under
the spray, against the quiet pull, and the bounded p95 against the unbounded one.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

from bench.common import RawApi, Row, percentile, pick, seed_world, server_database, server_process

NAME = "login_spray"
DEFAULT_SLOTS = 2


def _spray(base: str, index: int, stop: threading.Event, answers: Counter[int]) -> None:
    import requests

    from sync import protocol as p

    body = {
        "protocol": p.PROTOCOL_VERSION,
        "username": f"nobody-{index}",
        "password": "a-wrong-guess-1",
        "device_id": f"attacker-{index:04d}",
    }
    with requests.Session() as http:
        http.headers[p.PROTOCOL_HEADER] = str(p.PROTOCOL_VERSION)
        while not stop.is_set():
            try:
                status = http.post(base + p.LOGIN_PATH, json=body, timeout=60).status_code
            except requests.RequestException:
                status = 0
            answers[status] += 1


def _pulls(api: RawApi, seconds: float, at_least: int) -> list[float]:
    from sync import protocol as p

    took: list[float] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end or len(took) < at_least:
        start = time.perf_counter()
        api.http.get(api.base_url + p.PULL_PATH, timeout=60).raise_for_status()
        took.append(time.perf_counter() - start)
    return took


def _measure(url: str, worker: str, slots: int, attackers: int, seconds: float) -> dict[str, Any]:
    env = {"FIELDAPP_LOGIN_HASH_SLOTS": str(slots)}
    with server_process(url, settings_env=env) as base:
        api = RawApi(base)
        try:
            api.login(worker)
            quiet = _pulls(api, seconds / 2, 20)
            stop, answers = threading.Event(), Counter[int]()
            threads = [
                threading.Thread(target=_spray, args=(base, i, stop, answers), daemon=True)
                for i in range(attackers)
            ]
            for t in threads:
                t.start()
            time.sleep(1.0)  # the spray at full rate
            try:
                sprayed = _pulls(api, seconds, 5)
            finally:
                stop.set()
                for t in threads:
                    t.join(90)
        finally:
            api.close()
    return {"quiet": quiet, "sprayed": sprayed, "answers": dict(answers)}


def run(size: str = "reduced") -> list[Row]:
    attackers = pick(size, 4, 20, 40)
    seconds = pick(size, 2.0, 8.0, 15.0)
    with server_database("sqlite") as url:
        worker = seed_world(url, 10, 10, validate=False).workers[0]
        bounded = _measure(url, worker, DEFAULT_SLOTS, attackers, seconds)
        unbounded = _measure(url, worker, attackers, attackers, seconds)
    rows: list[Row] = []
    for label, got in ((f"{DEFAULT_SLOTS} slots", bounded), ("no bound", unbounded)):
        q50, q95 = (percentile(got["quiet"], q) * 1000 for q in (50, 95))
        s50, s95 = (percentile(got["sprayed"], q) * 1000 for q in (50, 95))
        answers = ", ".join(f"{n} x {code}" for code, n in sorted(got["answers"].items()))
        rows.append(
            Row(
                NAME,
                f"pull p95 under a spray of {attackers} sign-in threads ({label})",
                s95,
                "ms",
                baseline=q95,
                baseline_label="quiet pull p95",
                ratio=s95 / q95,
                note=f"median {s50:.1f} vs {q50:.1f} ms; {len(got['sprayed'])} pulls in "
                f"{seconds:.0f} s; sign-ins answered {answers}",
            )
        )
    b95 = percentile(bounded["sprayed"], 95) * 1000
    u95 = percentile(unbounded["sprayed"], 95) * 1000
    rows.append(
        Row(
            NAME,
            f"pull p95 under the spray, {DEFAULT_SLOTS} slots vs no bound",
            b95,
            "ms",
            baseline=u95,
            baseline_label="no bound",
            ratio=b95 / u95,
            note="below 1x: the bound keeps syncs going while guesses are refused",
        )
    )
    return rows
