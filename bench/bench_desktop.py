"""Desktop: cold start to a usable window, saving a visit with a screening, the household filter.

Cold start: a fresh Python process (``QT_QPA_PLATFORM=offscreen``) imports the app, unlocks a
signed-in nurse's profile (cheap KDF: the password stretch is the sign-in, not the start),
opens the main window and waits until the Today worklist has been computed from the local
database (``TodayPage.due_states``); median wall time of several runs, from spawning the
process to that moment. Baseline: ``python -c "import PySide6.QtWidgets"`` the same way.

Saving: a visit with vitals and a PHQ-9 screening recorded together in one transaction as
the form page does (``records.append_event`` twice inside ``store.atomic()``: validation,
scoring, amend checks), median ms; baseline a bare ``INSERT`` of the same event row in its
own transaction in the same SQLCipher database.

Household filter per keystroke at 10,000 rows: ``bench/bench_ui_filter.py`` (helper F's),
run as its own process; its figures are parsed from its output: the model alone, and with a
shown table view repainting after each keystroke.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from bench.common import (
    PASSWORD,
    TODAY,
    Row,
    median,
    pick,
    seed_world,
    server_database,
    server_process,
    sign_in,
    temp_dir,
    temp_store,
    timed,
)

NAME = "desktop"
ROOT = Path(__file__).resolve().parent.parent
READY = "BENCH-READY"


def _child_env() -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def _spawn_seconds(cmd: list[str], timeout_s: float = 120.0, ready: str | None = None) -> float:
    """Wall seconds from spawning *cmd* until it exits (or prints *ready*)."""
    start = time.perf_counter()
    proc = subprocess.run(
        cmd, env=_child_env(), cwd=ROOT, capture_output=True, text=True, timeout=timeout_s
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0 or (ready and ready not in proc.stdout):
        raise RuntimeError(f"{' '.join(cmd[:4])} failed ({proc.returncode}): {proc.stderr[-1500:]}")
    return elapsed


#: The measured process: opens the app on a profile folder (argv[1]) with the password
#: (argv[2]), prints argv[3] and exits once Today is ready. Run with ``python -c`` so that it imports only
#: the app (not this module and the benchmark helpers).
CHILD = """
import os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from pathlib import Path
from PySide6.QtCore import QTimer
from ui.main import make_app
app, _translators = make_app("ko")
from fieldapp.profile import Profile, unlock
from ui.mainwindow import MainWindow
from ui.operations import OpRunner
from ui.session import Session
from ui.taskman import TaskManager
from ui.today import TodayPage
profile = Profile(Path(sys.argv[1]))
store = unlock(profile, sys.argv[2])
runner = OpRunner(TaskManager())
runner.set_store(store)
win = MainWindow(runner, Session.from_profile(profile, password=sys.argv[2]), start_sync=False)
today = win.findChild(TodayPage)
if today is None:
    raise SystemExit("the main window has no Today page")
def ready(*_args):
    print(sys.argv[3], flush=True)
    os._exit(0)
today.due_states.connect(ready)
win.show()
QTimer.singleShot(60_000, lambda: os._exit(3))
app.exec()
os._exit(4)
"""


def child_command(profile_dir: str | Path) -> list[str]:
    """The command line of one measured start on *profile_dir*."""
    return [sys.executable, "-c", CHILD, str(profile_dir), PASSWORD, READY]


def _prepared_profile(folder: Path, households: int) -> Path:
    """A nurse's profile, signed in and synced (the server is gone afterwards)."""
    with server_database("sqlite") as url:
        seeded = seed_world(url, households, 30, workers=1, validate=False)
        with server_process(url) as base:
            device = sign_in(base, folder, seeded.workers[0])
            try:
                device.engine().sync_once()
            finally:
                device.close()
    return Path(device.profile.path)


def cold_start(runs: int, households: int) -> list[Row]:
    with temp_dir() as folder:
        profile = _prepared_profile(folder, households)
        cmd = child_command(profile)
        base_cmd = [sys.executable, "-c", "import PySide6.QtWidgets"]
        _spawn_seconds(cmd, ready=READY)  # warm the file cache once, like a second start
        app_s = [_spawn_seconds(cmd, ready=READY) for _ in range(runs)]
        base_s = [_spawn_seconds(base_cmd) for _ in range(runs)]
    a, b = median(app_s) * 1000, median(base_s) * 1000
    return [
        Row(
            NAME,
            f"cold start to usable window ({households} households)",
            a,
            "ms",
            baseline=b,
            baseline_label="import PySide6.QtWidgets",
            ratio=a / b,
            note=f"median of {runs}; min {min(app_s) * 1000:.0f} ms",
        )
    ]


def _visit_and_screening(household_id: str, username: str, device_id: str) -> list[dict[str, Any]]:
    from datetime import UTC, datetime

    now = datetime.now(UTC).isoformat()
    common = {
        "household_id": household_id,
        "programme": "visiting_health",
        "created_by": username,
        "device_id": device_id,
        "device_time": now,
    }
    visit = {
        **common,
        "id": str(uuid.uuid4()),
        "type": "visit",
        "payload": {
            "vitals": {
                "bp": [{"systolic": 131, "diastolic": 79}, {"systolic": 127, "diastolic": 82}],
                "pulse": 73,
                "glucose": {"value": 126, "timing": "post_meal"},
                "sex": "F",
                "height_cm": 153.5,
                "weight_kg": 51.4,
            },
            "medication_adherence": "partial",
            "falls_since_last_visit": 1,
            "meals": "regular",
            "smoking": "current",
            "alcohol": "2_3_week",
            "activity_days": 3,
        },
    }
    screening = {
        **common,
        "id": str(uuid.uuid4()),
        "type": "screening",
        "payload": {
            "instrument_id": "phq9",
            "instrument_version": "phq9-ko-mohw-1",
            "answers": {f"q{i}": 1 if i < 9 else 0 for i in range(1, 10)},
            "total": None,
            "context": {"age": 82, "sex": "F"},
        },
    }
    return [visit, screening]


def save_visit(repeat: int) -> list[Row]:
    from fieldapp import records
    from fieldapp.demo import generate_district

    demo = generate_district(3, 5, today=TODAY, events_per_household=0)
    with temp_dir() as folder, temp_store(folder) as store:
        records.upsert_households(store, demo.households)
        hid = demo.households[0]["id"]
        saves, bare = [], []
        for _ in range(repeat):
            visit, screening = _visit_and_screening(hid, "bench_nurse000", "bench-device")

            def save(visit: dict[str, Any] = visit, screening: dict[str, Any] = screening) -> None:
                with store.atomic():
                    records.append_event(store, visit)
                    records.append_event(store, screening)

            saves.append(timed(save))
            row = [
                str(uuid.uuid4()),
                "visit",
                hid,
                "visiting_health",
                "bench_nurse000",
                "bench-device",
                visit["device_time"],
                str(visit["payload"]),
                None,
                0,
                "pending",
                10**9,
            ]

            def insert(row: list[Any] = row) -> None:
                with store.atomic() as db:
                    db.execute(
                        "INSERT INTO events (id, type, household_id, programme, created_by, "
                        "device_id, device_time, payload, amends, skew_flag, sync_state, "
                        "local_order) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        row,
                    )

            bare.append(timed(insert))
    a, b = median(saves) * 1000, median(bare) * 1000
    return [
        Row(
            NAME,
            "save a visit with a PHQ-9 screening",
            a,
            "ms",
            baseline=b,
            baseline_label="bare INSERT, 1 txn",
            ratio=a / b,
            note=f"median of {repeat}",
        )
    ]


def ui_filter(households: int, repeat: int) -> list[Row]:
    script = ROOT / "bench" / "bench_ui_filter.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--households", str(households), "--repeat", str(repeat)],
        env=_child_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"bench_ui_filter.py failed: {proc.stderr[-1500:]}")
    out = proc.stdout

    def grab(pattern: str) -> float:
        m = re.search(pattern, out)
        if m is None:
            raise RuntimeError(f"bench_ui_filter.py output has no {pattern!r}:\n{out}")
        return float(m.group(1))

    base = grab(r"empty-filter baseline median: ([\d.]+) ms")
    med = grab(r"keystroke median: ([\d.]+) ms")
    p95 = grab(r"keystroke p95:\s+([\d.]+) ms")
    view_med = grab(r"keystroke \+ repaint median: ([\d.]+) ms")
    view_p95 = grab(r"keystroke \+ repaint median: [\d.]+ ms, p95 ([\d.]+) ms")
    return [
        Row(
            NAME,
            f"household filter per keystroke ({households:,} rows)",
            med,
            "ms",
            baseline=base,
            baseline_label="empty filter",
            ratio=med / base,
            target="< 16 ms (one frame)",
            met=med < 16,
            note=f"p95 {p95:.1f} ms",
        ),
        Row(
            NAME,
            f"household filter per keystroke, table shown and repainted ({households:,} rows)",
            view_med,
            "ms",
            target="< 16 ms (one frame)",
            met=view_med < 16,
            note=f"p95 {view_p95:.1f} ms",
        ),
    ]


def run(size: str = "reduced") -> list[Row]:
    rows = cold_start(pick(size, 1, 5, 7), pick(size, 5, 100, 300))
    rows += save_visit(pick(size, 3, 50, 200))
    rows += ui_filter(pick(size, 200, 10_000, 10_000), pick(size, 1, 3, 5))
    return rows


if __name__ == "__main__":
    print("usage: python -m bench --only desktop", file=sys.stderr)
    raise SystemExit(2)
