"""The supervisor screens against the real district server (synchronous background work)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sync.client_supervisor import SupervisorClient
from sync.server.models import Assignment, Household
from sync.transport import Transport
from tests.helpers.cheap import cheapen_server_hashing
from tests.helpers.live_server import LiveServer, serving
from tests.helpers.payloads import welfare_payload
from tests.helpers.world import Api, World


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    cheapen_server_hashing(monkeypatch, memory_cost_kib=1024)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    with serving(f"sqlite:///{tmp_path / 'server.sqlite3'}") as server:
        yield server


@pytest.fixture
def devices(live: LiveServer) -> Iterator[dict[str, Api]]:
    made: dict[str, Api] = {}
    yield made
    for api in made.values():
        api.close()


def device(live: LiveServer, devices: dict[str, Api], username: str) -> Api:
    if username not in devices:
        api = Api(live.base_url)
        assert api.login(username).status_code == 200
        devices[username] = api
    return devices[username]


@pytest.fixture
def client(live: LiveServer, world: World, devices: dict[str, Api]) -> SupervisorClient:
    sup = device(live, devices, world.supervisor)
    assert sup.token is not None
    return SupervisorClient.for_token(Transport(live.base_url, max_attempts=1), sup.token)


@pytest.fixture
def runner(ui_app: Any) -> Any:
    from ui.operations import OpRunner
    from ui.taskman import TaskManager

    return OpRunner(TaskManager(synchronous=True))


def test_board_shows_workers_and_reported_pending(
    live, world, devices, client, runner, qtbot, qtmodeltester
) -> None:
    from ui.supervisor.board import BoardPage

    vol1 = device(live, devices, world.vol1)
    vol1.pull(pending=5).raise_for_status()
    page = BoardPage(runner, client)
    qtbot.addWidget(page)
    page.reload()
    qtmodeltester.check(page.model)
    rows = {r["username"]: r for r in page.model.rows}
    assert rows[world.vol1]["pending_reported"] == 5
    row = list(rows).index(world.vol1)
    texts = [page.model.index(row, c).data() for c in range(page.model.columnCount())]
    assert "안부확인" in texts and "5" in texts
    assert "가구 4" in page.summary.text()


def test_reassign_dialog_previews_applies_and_undoes(
    live, world, devices, client, runner, qtbot, qtmodeltester
) -> None:
    from ui.supervisor.board import BoardPage
    from ui.supervisor.reassign import MODE_ALL, ReassignDialog

    vol1 = device(live, devices, world.vol1)
    vol1.pull(pending=2).raise_for_status()
    board = BoardPage(runner, client)
    qtbot.addWidget(board)
    board.reload()
    vol1_row = next(w for w in board.board["workers"] if w["username"] == world.vol1)
    dialog = ReassignDialog(runner, client, board.board["workers"], from_worker=vol1_row)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.households_model)
    assert {r["id"] for r in dialog.households_model.rows} == set(world.hh[:2])
    dialog.mode.button(MODE_ALL).click()
    dialog.to_worker.setCurrentIndex(dialog.to_worker.findData(world.vol2))
    dialog.run_preview()
    qtmodeltester.check(dialog.preview_model)
    qtmodeltester.check(dialog.devices_model)
    assert {r["household_id"] for r in dialog.preview_model.rows} == set(world.hh[:2])
    [held] = dialog.devices_model.rows
    assert (held["device_id"], held["reported_pending"]) == (vol1.device_id, 2)
    assert "2가구" in dialog.summary.text() and "미전송" in dialog.summary.text()
    assert not dialog.apply_button.isEnabled()  # no reason yet
    dialog.reason.setText("퇴사")
    assert dialog.apply_button.isEnabled()
    with qtbot.waitSignal(dialog.applied) as applied:
        dialog.apply_button.click()
    assert len(applied.args[0]["moved"]) == 2
    with live.session() as s:
        assert s.get(Assignment, (world.hh[0], "welfare_check")).username == world.vol2
    assert dialog.undo_button.isEnabled()
    with qtbot.waitSignal(dialog.applied):
        dialog.undo_button.click()
    with live.session() as s:
        assert s.get(Assignment, (world.hh[0], "welfare_check")).username == world.vol1
    assert "되돌렸습니다" in dialog.outcome.text()


def test_changing_the_selection_invalidates_the_preview(world, client, runner, qtbot) -> None:
    from ui.supervisor.reassign import ReassignDialog

    workers = client.board()["workers"]
    dialog = ReassignDialog(runner, client, workers)
    qtbot.addWidget(dialog)
    dialog.select_households([world.hh[0]])
    dialog.to_worker.setCurrentIndex(dialog.to_worker.findData(world.vol2))
    dialog.reason.setText("담당 조정")
    dialog.run_preview()
    assert dialog.apply_button.isEnabled()
    dialog.select_households([world.hh[1]])
    assert dialog.preview is None and not dialog.apply_button.isEnabled()
    dialog.to_worker.setCurrentIndex(-1)
    dialog.run_preview()
    assert dialog.error.isVisibleTo(dialog)


def _conflict(live, world, devices) -> None:
    vol1, nurse1 = device(live, devices, world.vol1), device(live, devices, world.nurse1)
    assert vol1.push([vol1.edit(world.hh[0], "notes", "열쇠는 경비실", 0)]).status_code == 200
    r = nurse1.push([nurse1.edit(world.hh[0], "notes", "열쇠는 옆집", 0)])
    assert r.json()["results"][0]["status"] == "conflict"


def test_conflicts_view_resolves_with_an_edited_value(
    live, world, devices, client, runner, qtbot, qtmodeltester
) -> None:
    from ui.supervisor.conflicts import ConflictsPage

    _conflict(live, world, devices)
    page = ConflictsPage(runner, client)
    qtbot.addWidget(page)
    page.reload()
    qtmodeltester.check(page.model)
    assert len(page.model.rows) == 1
    page.view.selectRow(0)
    assert "메모" in page.detail.text() and "열쇠는 옆집" in page.detail.text()
    page.editor.setPlainText("열쇠는 경비실과 옆집")
    with qtbot.waitSignal(page.resolved):
        page.save_edit.click()
    assert page.model.rows == []
    with live.session() as s:
        assert s.get(Household, world.hh[0]).notes == "열쇠는 경비실과 옆집"


def test_inbox_page_acknowledges(live, world, devices, client, runner, qtbot) -> None:
    from ui.supervisor.inbox import InboxPage

    vol1 = device(live, devices, world.vol1)
    client.reassign("welfare_check", world.vol2, {"household_ids": [world.hh[0]]}, "이동")
    assert vol1.push([vol1.event(world.hh[0], "note", {"text": "늦은 기록"})]).status_code == 200
    page = InboxPage(runner, client)
    qtbot.addWidget(page)
    page.reload()
    assert [r["from_username"] for r in page.model.rows] == [world.vol1]
    page.view.selectRow(0)
    page.acknowledge()
    assert page.model.rows == []


def test_people_page_adds_users_and_marks_a_device_lost(
    live, world, devices, client, runner, qtbot, qtmodeltester
) -> None:
    from ui.supervisor.people import PeoplePage

    vol1 = device(live, devices, world.vol1)
    page = PeoplePage(runner, client)
    qtbot.addWidget(page)
    page.reload()
    page.add_user({"username": "vol9", "role": "volunteer", "password": "짧음"})
    assert page.error.isVisibleTo(page) and "vol9" not in {
        u["username"] for u in page.users_model.rows
    }
    page.add_user({"username": "vol9", "role": "volunteer", "password": "Synthetic-pass-2026"})
    assert "vol9" in {u["username"] for u in page.users_model.rows}
    row = next(i for i, d in enumerate(page.devices_model.rows) if d["id"] == vol1.device_id)
    page.devices_view.selectRow(row)
    page.mark_lost("버스에 두고 내림")
    assert "72시간" in page.message.text()
    for model in (page.users_model, page.devices_model, page.incidents_model):
        qtmodeltester.check(model)
    [incident] = page.incidents_model.rows
    assert incident["device_id"] == vol1.device_id and incident["note"] == "버스에 두고 내림"
    assert vol1.pull().json()["wipe"] is True


def test_alerts_page_declares_and_shows_completion(
    live, world, devices, client, runner, qtbot, qtmodeltester
) -> None:
    from ui.supervisor.alerts import AlertsPage

    vol1 = device(live, devices, world.vol1)
    page = AlertsPage(runner, client)
    qtbot.addWidget(page)
    page.declare()
    qtmodeltester.check(page.alerts_model)
    qtmodeltester.check(page.board_model)
    assert len(page.alerts_model.rows) == 1 and page.alerts_model.rows[0]["active"]
    assert len(page.board_model.rows) == 4  # every household of the world is medium risk
    check = vol1.event(world.hh[0], "welfare_check", welfare_payload(), "welfare_check")
    assert vol1.push([check]).status_code == 200
    page.reload()
    assert "연락 완료 1가구" in page.progress.text()
    page.end_selected()
    assert not page.alerts_model.rows[0]["active"]


def test_indicators_export_asks_for_a_reason(
    live, world, client, runner, qtbot, qtmodeltester, tmp_path
) -> None:
    from ui.supervisor.indicators import IndicatorsPage

    page = IndicatorsPage(runner, client)
    qtbot.addWidget(page)
    page.reload()
    qtmodeltester.check(page.model)
    assert any(r["indicator"] == "vh_registered" for r in page.model.rows)
    target = tmp_path / "out.csv"
    page.export("csv", reason="  ", path=target)
    assert page.error.isVisibleTo(page) and not target.exists()
    page.export("csv", reason="분기 보고", path=target)
    assert page.saved_to == target
    rows = list(csv.reader(io.StringIO(target.read_text("utf-8-sig"))))
    assert ["indicator", "지표", "indicator (en)", "단위", "구분", "값"] in rows


def test_workspace_loads_tabs_and_opens_the_dialog(world, client, runner, qtbot) -> None:
    from ui.supervisor import SupervisorWorkspace

    workspace = SupervisorWorkspace(runner, client)
    qtbot.addWidget(workspace)
    workspace.start()
    assert workspace.board.board is not None
    for index in range(workspace.tabs.count()):
        workspace.tabs.setCurrentIndex(index)
    assert not workspace.board.error.isVisibleTo(workspace)
    dialog = workspace.open_reassign(None)
    assert dialog.to_worker.count() >= 2
    dialog.select_households([world.hh[0]])
    dialog.to_worker.setCurrentIndex(dialog.to_worker.findData(world.vol2))
    dialog.reason.setText("담당 조정")
    dialog.run_preview()
    dialog.apply()
    dialog.close()
    assert workspace.board.undo_button.isEnabled()
    moved = {w["username"]: w["caseload"] for w in workspace.board.board["workers"]}
    assert (moved[world.vol1], moved[world.vol2]) == (1, 2)
    workspace.board.undo_button.click()
    assert not workspace.board.undo_button.isEnabled()
    back = {w["username"]: w["caseload"] for w in workspace.board.board["workers"]}
    assert (back[world.vol1], back[world.vol2]) == (2, 1)


def test_workers_see_their_own_inbox(live, world, devices, client, runner, qtbot) -> None:
    from ui.supervisor.inbox import InboxPage

    vol1, vol2 = device(live, devices, world.vol1), device(live, devices, world.vol2)
    client.reassign("welfare_check", world.vol2, {"household_ids": [world.hh[0]]}, "이동")
    late = vol1.event(world.hh[0], "note", {"text": "늦은 기록"})
    assert vol1.push([late]).status_code == 200
    assert vol2.token is not None and vol1.token is not None
    transport = Transport(live.base_url, max_attempts=1)
    page = InboxPage(runner, SupervisorClient.for_token(transport, vol2.token), mine=True)
    qtbot.addWidget(page)
    page.reload()
    assert [r["ref_id"] for r in page.model.rows] == [late["event"]["id"]]
    assert "가나다" in page.model.index(0, 0).data()  # the household's label
    page.view.selectRow(0)
    page.acknowledge()
    assert page.model.rows == []
    other = InboxPage(runner, SupervisorClient.for_token(transport, vol1.token), mine=True)
    qtbot.addWidget(other)
    other.reload()
    assert other.model.rows == [] and not other.error.isVisibleTo(other)


def test_main_window_shows_the_workspace_to_supervisors_and_the_inbox_to_workers(
    ui_app, district, tmp_path, qtbot
) -> None:
    from tests.ui.conftest import sign_in
    from ui.mainwindow import PAGE_INBOX, PAGE_SUPERVISOR, MainWindow

    supervisor = next(u for u, info in district.users.items() if info["role"] == "supervisor")
    for username, expected in ((supervisor, "관리자 화면"), ("volunteer1", "인계함")):
        worker = sign_in(district, tmp_path, username)
        try:
            win = MainWindow(worker.runner, worker.session, start_sync=False)
            qtbot.addWidget(win)
            assert win.nav.count() == 4 and win.nav.item(3).text() == expected
            if expected == "관리자 화면":
                assert win.pages.currentWidget() is win.supervisor
                assert win.supervisor.board.board is not None  # loaded when shown
                assert win.supervisor.board.model.rowCount() > 0
            else:
                assert win.supervisor is None
                win.show_page(PAGE_INBOX)
                assert win.pages.currentWidget() is win.inbox_page
                assert not win.inbox_page.error.isVisibleTo(win.inbox_page)
            assert PAGE_INBOX == PAGE_SUPERVISOR
            win.sync.stop()
            win.idle.stop()
        finally:
            worker.runner.store.close()


def test_column_headers_are_translated(ui_app) -> None:
    from PySide6.QtCore import QCoreApplication, QLocale

    from ui import appsetup
    from ui.supervisor.models import board_columns

    assert board_columns()[3].header == "담당 가구"
    translators = appsetup.install_translators(ui_app, "en")
    try:
        header = board_columns()[3].header
        assert header != "담당 가구" and header.isascii()
    finally:
        for t in translators:
            QCoreApplication.removeTranslator(t)
        QLocale.setDefault(QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea))


def test_the_lost_button_asks_first(live, world, devices, client, runner, qtbot, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from ui.supervisor.people import PeoplePage

    vol1 = device(live, devices, world.vol1)
    asked: list[str] = []

    def cancel(_parent, title, _label, *args, **kwargs):
        asked.append(title)
        return "", False

    monkeypatch.setattr(QInputDialog, "getText", cancel)
    page = PeoplePage(runner, client)
    qtbot.addWidget(page)
    page.reload()
    row = next(i for i, d in enumerate(page.devices_model.rows) if d["id"] == vol1.device_id)
    page.devices_view.selectRow(row)
    page.lost_button.click()
    assert asked == ["분실·도난 처리"]
    assert vol1.pull().status_code == 200  # cancelled: the device still works


@pytest.mark.parametrize(
    ("utc", "day", "kind"),
    [
        ("2026-12-31T15:30:00+00:00", (2027, 1, 1), "cold"),  # 00:30 KST, a new year
        ("2027-06-30T16:00:00+00:00", (2027, 7, 1), "heat"),  # 01:00 KST, July
    ],
)
def test_alerts_page_defaults_to_the_programme_day(
    client, runner, qtbot, utc: str, day: tuple[int, int, int], kind: str
) -> None:
    """The alert form starts on the programme's day (KST, from the one clock), not the
    machine's: just after midnight KST the UTC date is still the day before."""
    from datetime import datetime

    from PySide6.QtCore import QDate

    from fieldapp import programme_time
    from ui.supervisor.alerts import AlertsPage

    at = datetime.fromisoformat(utc)
    programme_time.set_clock(lambda: at)
    try:
        page = AlertsPage(runner, client)
        qtbot.addWidget(page)
    finally:
        programme_time.set_clock(None)
    assert page.start.date() == QDate(*day)
    assert page.end.date() == QDate(*day).addDays(2)
    assert page.kind.currentData() == kind
