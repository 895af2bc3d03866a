"""The headless contracts agree with the screens: ``fieldapp-sync worklist --json`` lists the
rows of the worker's Today, and ``fieldapp-server board --json`` gives per worker the counts
the supervisor board shows, its 즉시 조치 equal to the worker's Today immediate rows."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldapp import records
from fieldapp.programme_time import programme_today
from tests.ui.conftest import District, sign_in

VH = "visiting_health"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[District, str]]:
    """A district server (SQLite) seeded with the small demo, and its database URL."""
    from sqlalchemy.orm import Session as DbSession

    from sync.server import db
    from sync.server.embedded import start_embedded
    from sync.server.seeding import seed_demo

    folder = tmp_path_factory.mktemp("contracts")
    url = f"sqlite:///{folder / 'district.db'}"
    server = start_embedded(url)
    engine = db.make_engine(url)
    try:
        with DbSession(engine) as session:
            result = seed_demo(session, households=40, seed=11)
        engine.dispose()
        yield District(server.base_url, {u["username"]: u for u in result["users"]}), url
    finally:
        server.stop()


def run(main: Any, argv: list[str], capsys: Any, stdin: str = "") -> str:
    """Run a command's ``main`` with *stdin*; its standard output (exit 0 asserted)."""
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        status = main(argv)
    finally:
        sys.stdin = old
    out = capsys.readouterr()
    assert status == 0, out.err
    return str(out.out)


def run_json(main: Any, argv: list[str], capsys: Any, stdin: str = "") -> Any:
    return json.loads(run(main, argv, capsys, stdin))


def test_worklist_and_board_commands_agree_with_the_screens(
    served: tuple[District, str], ui_app: Any, tmp_path: Path, capsys: Any
) -> None:
    from sync import cli as sync_cli
    from sync.client import SyncEngine
    from sync.client_supervisor import SupervisorClient
    from sync.server import cli as server_cli
    from ui.today import load_worklist

    district, url = served
    nurse = sign_in(district, tmp_path, "nurse1")
    store = nurse.runner.store
    mine = [h for h in records.list_households(store) if (h.get("assignments") or {}).get(VH)]
    # an open immediate action (no answer recorded), sent to the server
    records.append_event(
        store,
        {
            "id": records.new_id(),
            "type": "visit",
            "household_id": mine[0]["id"],
            "programme": VH,
            "created_by": nurse.session.username,
            "device_id": nurse.session.device_id,
            "device_time": records.utc_now(),
            "payload": {"vitals": {"glucose": {"value": 60, "timing": "fasting"}}},
        },
    )
    SyncEngine(nurse.profile, store, password=nurse.password).sync_once()
    today = programme_today()

    screen, _due = load_worklist(store, VH, today)
    listed = run_json(
        sync_cli.main,
        ["--profile", str(nurse.profile.path), "worklist", "--password-stdin", "--json"],
        capsys,
        nurse.password + "\n",
    )
    assert [
        (r["household_id"], r["code"], r["urgency"], r["due"], r["record_id"]) for r in listed
    ] == [(r.household_id, r.code, r.urgency, r.due_date, r.record_id) for r in screen]
    immediate = [r for r in screen if r.urgency == "immediate"]
    assert immediate, "the open action is on Today"
    text = run(
        sync_cli.main,
        ["--profile", str(nurse.profile.path), "worklist"],
        capsys,
        nurse.password + "\n",
    )
    assert f"{len(screen)} rows ({len(immediate)} immediate) on {today} (Asia/Seoul)" in text
    assert immediate[0].record_id in text

    code = mine[0]["district_code"]
    board = run_json(
        server_cli.main,
        ["--database-url", url, "board", "--district", code, "--json", "--date", today.isoformat()],
        capsys,
    )
    [row] = [w for w in board["workers"] if w["username"] == "nurse1" and w["programme"] == VH]
    assert row["immediate_open"] == len(immediate)
    assert row["overdue"] == sum(1 for r in screen if r.urgency == "overdue")
    assert row["caseload"] == len(mine)
    assert row["last_sync_at"] is not None

    supervisor = sign_in(district, tmp_path, "supervisor1")
    engine = SyncEngine(supervisor.profile, supervisor.runner.store, password=supervisor.password)
    shown = SupervisorClient.for_engine(engine).board()
    [on_screen] = [
        w for w in shown["workers"] if w["username"] == "nurse1" and w["programme"] == VH
    ]
    for key in ("caseload", "overdue", "due_today", "immediate_open"):
        assert on_screen[key] == row[key], key
    supervisor.runner.store.close()
    store.close()

    assert server_cli.main(["--database-url", url, "board", "--district", "99999"]) == 1
    assert f"no district '99999' on this server (known: {code})" in capsys.readouterr().err
