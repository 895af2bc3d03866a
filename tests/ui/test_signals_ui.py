"""Signals on the screens: a reason row on Today, the household's 신호 tab (evidence one click
away, 확인 with a note and a follow-up day), the board's signal list filterable by worker."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fieldapp import records, signals
from fieldapp.household_state import SIGNAL
from fieldapp.programme_time import programme_day, programme_today
from sync.client_supervisor import SupervisorClient
from sync.transport import Transport
from tests.helpers.cheap import cheapen_server_hashing
from tests.helpers.live_server import LiveServer, serving
from tests.helpers.world import DISTRICT, Api, World


def _event(store: Any) -> Any:
    return lambda eid: records.get_event(store, eid)


@pytest.fixture(autouse=True)
def korean_ui() -> Iterator[None]:
    """The app runs in Korean (ui.appsetup installs the locale); so do these tests."""
    from PySide6.QtCore import QLocale

    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea))
    yield
    QLocale.setDefault(before)


def missed_checks(store: Any, hid: str, session: Any) -> list[str]:
    """Three unanswered calls in the last half hour: after anything the history holds (its
    records end on the seeding day, in working hours)."""
    now = datetime.now(UTC)
    made = []
    for minutes in (30, 20, 10):
        ev = records.append_event(
            store,
            {
                "type": "welfare_check",
                "household_id": hid,
                "programme": "welfare_check",
                "created_by": session.username,
                "device_id": session.device_id,
                "device_time": (now - timedelta(minutes=minutes)).isoformat(),
                "payload": {"method": "phone", "attempt": 1, "reached": "no_answer"},
            },
        )
        made.append(ev["id"])
    return made


def reached_last(store: Any) -> str:
    """A household whose newest welfare check reached the person: the three missed calls
    are then the whole run (the seeded history's end varies with the seeding day)."""
    for h in records.list_households(store):
        checks = [
            e for e in records.household_events(store, h["id"]) if e["type"] == "welfare_check"
        ]
        newest = max(checks, key=lambda e: e["device_time"], default=None)
        if newest is not None and newest["payload"].get("reached") == "yes":
            return h["id"]
    raise AssertionError("no household's newest welfare check reached the person")


def test_today_row_household_tab_evidence_and_acknowledgement(volunteer: Any, qtbot: Any) -> None:
    from ui.household_view import HouseholdView
    from ui.today import TodayPage

    store, session = volunteer.runner.store, volunteer.session
    hid = reached_last(store)
    made = missed_checks(store, hid, session)

    today = TodayPage(volunteer.runner, session)
    qtbot.addWidget(today)
    today.reload()
    rows = today.model.rows()
    (row,) = [r for r in rows if r.household_id == hid and r.code == SIGNAL]
    i = rows.index(row)
    cell = lambda c: today.model.index(i, c).data()  # noqa: E731
    assert cell(0) == "신호 · 높음"
    assert cell(4) == "신호 확인"
    assert "연속 3회 연락 안 됨" in cell(3) and cell(3).startswith("신호 · 연락 두절: ")
    with qtbot.waitSignal(today.open_household) as opened:
        today._activate(today.model.index(i, 0))
    assert opened.args == [hid]

    # the headless command reads the same: its rows are Today's signal rows
    from sync.cli_signals import store_signals

    headless = store_signals(store, programme_today(), programme=session.programme)
    assert sorted((s.household_id, s.evidence_ids[-1]) for s in headless) == sorted(
        (r.household_id, r.record_id) for r in rows if r.code == SIGNAL
    )

    view = HouseholdView(volunteer.runner, session, hid)
    qtbot.addWidget(view)
    view.open()
    panel = view.signals_panel
    assert {s.id for s in panel.signals if s.active} == {
        s.id for s in headless if s.household_id == hid
    }
    ours = [s for s in panel.signals if s.rule == "contact_missed"]
    assert len(ours) == 1 and ours[0].active
    active = sum(1 for s in panel.signals if s.active)
    assert view.tabs.tabText(view.tabs.indexOf(panel)) == f"신호 ({active})"
    panel.table.selectRow(panel.signals.index(ours[0]))
    assert panel.table.item(panel.table.currentRow(), 4).text() == "확인 필요"
    days = {programme_day(e["device_time"]).isoformat() for e in map(_event(store), made)}
    assert [panel.evidence.item(r, 0).text() for r in range(3)] == [
        programme_day(_event(store)(m)["device_time"]).isoformat() for m in made
    ]
    assert days <= {programme_today().isoformat(), (programme_today() - timedelta(1)).isoformat()}
    assert panel.ack_button.isEnabled()

    # each evidence record is one click away: double-click shows it in the timeline
    with qtbot.waitSignal(panel.open_record) as shown:
        panel._open_evidence(panel.evidence.model().index(1, 0))
    assert shown.args == [made[1]]
    assert view.tabs.currentWidget() is view.timeline.parentWidget()
    picked = view.timeline.item(view.timeline.currentRow(), 0)
    assert picked.data(256) == made[1]  # Qt.UserRole

    view.tabs.setCurrentWidget(panel)
    dialog = panel.acknowledge_selected()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.note.setText("동 주민센터와 방문 약속")
    dialog.follow.setChecked(True)
    dialog.save()  # synchronous runner: the record is stored and the view reloads
    acks = [e for e in records.household_events(store, hid) if e["type"] == signals.SIGNAL_ACK]
    assert len(acks) == 1 and acks[0]["payload"]["signal_id"] == ours[0].id
    assert acks[0]["payload"]["follow_up"] == (programme_today() + timedelta(days=7)).isoformat()
    (seen,) = [s for s in panel.signals if s.rule == "contact_missed"]
    assert not seen.active and seen.acknowledged is not None
    assert seen.acknowledged.by == session.username
    assert seen.acknowledged.note == "동 주민센터와 방문 약속"
    row_text = panel.table.item(panel.signals.index(seen), 4).text()
    assert row_text.startswith(session.username)
    assert "신호 확인 (contact_missed): 동 주민센터와 방문 약속" in view.timeline.item(0, 2).text()
    today.reload()  # the signal's row is gone; its follow-up is listed for its day
    (follow,) = [r for r in today.model.rows() if r.household_id == hid and r.code == SIGNAL]
    assert follow.due_date == (programme_today() + timedelta(days=7)).isoformat()
    assert follow.urgency == "upcoming" and "후속 확인" in follow.reason_ko


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    cheapen_server_hashing(monkeypatch, memory_cost_kib=1024)
    with serving(f"sqlite:///{tmp_path / 'server.sqlite3'}") as server:
        yield server


def test_board_lists_the_districts_signals_by_worker(
    live: LiveServer, world: World, ui_app: Any, qtbot: Any
) -> None:
    from ui.operations import OpRunner
    from ui.supervisor.board import BoardPage
    from ui.taskman import TaskManager

    vol1, sup = Api(live.base_url), Api(live.base_url)
    try:
        assert vol1.login(world.vol1).status_code == 200
        assert sup.login(world.supervisor).status_code == 200
        day = programme_today()
        items = [
            vol1.event(
                world.hh[0],
                "welfare_check",
                {"method": "phone", "attempt": 1, "reached": "no_answer"},
                programme="welfare_check",
                device_time=f"{(day - timedelta(days=d)).isoformat()}T10:00:00+09:00",
            )
            for d in (15, 8, 1)
        ]
        assert all(r["status"] == "applied" for r in vol1.push(items).json()["results"])
        client = SupervisorClient.for_token(Transport(live.base_url, max_attempts=1), sup.token)
        page = BoardPage(OpRunner(TaskManager(synchronous=True)), client)
        qtbot.addWidget(page)
        page.reload()
        board = page.signals
        rows = board.visible_rows()
        assert [(r["household_id"], r["rule"]) for r in rows] == [(world.hh[0], "contact_missed")]
        assert board.table.rowCount() == 1
        assert board.table.item(0, 0).text() == "높음"
        assert world.vol1 in board.table.item(0, 2).text()
        assert "연속 3회 연락 안 됨" in board.table.item(0, 5).text()
        assert "가구 1 · 신호 1 (높음 1)" in board.summary.text()
        # fieldapp-server signals --json prints the same rows
        import io
        import json
        import sys

        from sync.server.cli import main as server_main

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(sys, "stdin", io.StringIO(""))
            out = io.StringIO()
            mp.setattr(sys, "stdout", out)
            args = ["--database-url", live.database_url, "signals", "--district", DISTRICT]
            assert server_main([*args, "--json"]) == 0
        assert json.loads(out.getvalue()) == rows
        assert board.table.item(0, 2).text() == world.vol1  # who acts on it, as on Today
        # nurse1 holds the household too, but a contact signal is the volunteer's to act on
        # (it is not on nurse1's Today): the filter does not offer nurse1 for it
        assert board.worker.findData(world.nurse1) == -1
        board.worker.setCurrentIndex(board.worker.findData(world.vol1))
        assert board.table.rowCount() == 1
        board.worker.setCurrentIndex(board.worker.findData(None))
        assert board.worker.findData(world.vol2) == -1  # only workers with signals are offered

        # the supervisor acknowledges from the board: a record for the household's workers
        board.table.selectRow(0)
        assert board.ack_button.isEnabled()
        dialog = board.acknowledge_selected()
        assert dialog is not None
        qtbot.addWidget(dialog)
        dialog.note.setText("동 주민센터 방문 요청함")
        dialog.save()
        assert page.signals.visible_rows() == [] and page.signals.table.rowCount() == 0
        changes, _cursor = vol1.pull_all()
        (ack,) = [
            c["data"]
            for c in changes
            if c["kind"] == "event" and c["data"]["type"] == signals.SIGNAL_ACK
        ]
        assert ack["created_by"] == world.supervisor and ack["programme"] is None
        assert ack["payload"]["signal_id"] == rows[0]["id"]
        assert ack["payload"]["note"] == "동 주민센터 방문 요청함"
        args = ["--database-url", live.database_url, "signals", "--district", DISTRICT]
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(sys, "stdin", io.StringIO(""))
            out = io.StringIO()
            mp.setattr(sys, "stdout", out)
            assert server_main([*args, "--all", "--json"]) == 0
        (seen,) = json.loads(out.getvalue())
        assert seen["acknowledged"]["by"] == world.supervisor
    finally:
        vol1.close()
        sup.close()
