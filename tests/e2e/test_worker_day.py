"""A worker's day through the real windows (issue 14, "Done when").

The real district server runs over loopback, seeded with the synthetic demo district; a nurse
and a volunteer sign in on fresh laptop profiles and work in the real main window (Today, the
households list, the household view, the forms) with QTest keys and clicks, doing each sequence
of issue 14's "What was seen". The records are made at 23:59 KST; the facts are then checked
after midnight KST on Today, the households list (다음 방문 text, the 방문 상태 filter count),
the household view and the supervisor board read from the server, with the machine's zone set
to UTC and to Asia/Seoul. "Now" comes from the one clock (``fieldapp.programme_time``), set
here to the chosen moments; the server's board day follows the same clock.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton

from fieldapp import programme_time, records
from fieldapp.household_state import SIGNAL, household_state, worklist
from fieldapp.programme_time import PROGRAMME_ZONE, kst_text, programme_day, programme_today
from tests.helpers.cheap import CHEAP_KDF
from tests.helpers.driving import (
    answer_next_dialog,
    choose,
    click,
    ctrl_s,
    korean_locale,
    tick,
    type_into,
    type_text,
)
from ui.operations import OpChanges

VH, WC = "visiting_health", "welfare_check"


def _last_2359_kst() -> datetime:
    """The latest 23:59 KST at least ten minutes past (the records are made then); with
    ``FIELDAPP_TEST_DAY=YYYY-MM-DD``, that day's eve (to replay a day the suite failed on:
    the demo district is drawn from its day)."""
    chosen = os.environ.get("FIELDAPP_TEST_DAY")
    if chosen:
        kst_now = datetime.combine(date.fromisoformat(chosen), clock_time(12), PROGRAMME_ZONE)
    else:
        kst_now = datetime.now(PROGRAMME_ZONE) - timedelta(minutes=10)
    return datetime.combine(kst_now.date() - timedelta(days=1), clock_time(23, 59), PROGRAMME_ZONE)


MADE_AT = _last_2359_kst()  # the evening the records are made
LOOKED_AT = MADE_AT + timedelta(minutes=7)  # 00:06 KST, the next programme day


# ------------------------------------------------------------------ the world


@dataclass
class District:
    base_url: str
    users: dict[str, dict[str, Any]]
    zone: str  # the machine's zone for the tests on this district


@pytest.fixture(scope="module", params=["UTC", "Asia/Seoul"])
def district(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[District]:
    """The real server (embedded, SQLite) with the demo district as of the looking day; one
    per machine zone (the nurse and the volunteer work in different programmes on it)."""
    from sqlalchemy.orm import Session as DbSession

    from sync.server import db
    from sync.server.embedded import start_embedded
    from sync.server.seeding import seed_demo

    folder = tmp_path_factory.mktemp("worker-day")
    url = f"sqlite:///{folder / 'district.db'}"
    server = start_embedded(url)
    engine = db.make_engine(url)
    try:
        with DbSession(engine) as session:
            result = seed_demo(session, households=90, seed=3, today=LOOKED_AT.date())
        engine.dispose()
        users = {u["username"]: u for u in result["users"]}
        yield District(server.base_url, users, request.param)
    finally:
        server.stop()


@pytest.fixture
def machine_zone(district: District) -> Iterator[str]:
    """The laptop's (and server's) local zone: the programme's days must not depend on it."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = district.zone
    time.tzset()
    yield district.zone
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


class Clock:
    """The one clock of laptop and server, at a chosen moment."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    from sync.server.district import common

    c = Clock(MADE_AT)
    programme_time.set_clock(c)
    # the board's day (district.common.today_kst) reads the server's clock
    monkeypatch.setattr(common, "utcnow", lambda: c().astimezone(UTC), raising=False)
    yield c
    programme_time.set_clock(None)


@pytest.fixture(autouse=True)
def _no_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BaseException]]:
    """Known-condition dialogs are recorded (none is expected); the crash path fails."""
    from ui import errors

    shown: list[BaseException] = []
    bugs: list[BaseException] = []
    monkeypatch.setattr(errors, "show_known_error", lambda _parent, err: shown.append(err))
    monkeypatch.setattr(errors, "report_bug", lambda _parent, err: bugs.append(err))
    yield shown
    assert not bugs, f"unexpected error reached the crash path: {bugs[:1]!r}"
    assert not shown, f"unexpected message: {shown[:1]!r}"


@pytest.fixture
def korean(qapp: Any) -> Iterator[None]:
    from ui import appsetup

    appsetup.register_fonts(qapp)
    with korean_locale():
        yield


@dataclass
class Laptop:
    window: Any
    store: Any
    username: str
    password: str


@pytest.fixture
def laptop(
    district: District, tmp_path: Path, qtbot: Any, korean: None, machine_zone: str, clock: Clock
) -> Iterator[Callable[[str], Laptop]]:
    """``laptop(username)``: sign in on a fresh profile (online, then a first sync) and open
    the main window (periodic sync off: the test syncs when the worker would)."""
    from fieldapp.profile import Profile
    from sync import client
    from ui.mainwindow import MainWindow
    from ui.operations import OpRunner
    from ui.session import Session
    from ui.taskman import TaskManager

    opened: list[Laptop] = []

    def open_laptop(username: str) -> Laptop:
        password = district.users[username]["password"]
        profile = Profile(tmp_path / username)
        store = client.login(
            profile, district.base_url, username, password, device_name="t", kdf=CHEAP_KDF
        )
        client.SyncEngine(profile, store, password=password).sync_once()
        runner = OpRunner(TaskManager(synchronous=True))
        runner.set_store(store)
        window = MainWindow(
            runner, Session.from_profile(profile, password=password), start_sync=False
        )
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)  # shortcuts (Ctrl+F, Ctrl+S) need it
        device = Laptop(window, store, username, password)
        opened.append(device)
        return device

    yield open_laptop
    for device in opened:
        device.window.sync.stop()
        device.window.idle.stop()
        device.store.close()


# ------------------------------------------------------------------ what a person does


def wait_form(window: Any, qtbot: Any, before: Any) -> Any:
    qtbot.waitUntil(lambda: window.form_page is not None and window.form_page is not before)
    page = window.form_page
    page.activateWindow()
    return page


def find_household(window: Any, qtbot: Any, name: str) -> Any:
    """Ctrl+F, type the name, Enter: the household view opens (as a worker finds someone)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    search = window.households.search
    assert search.hasFocus() or QApplication.focusWidget() is search
    search.selectAll()
    type_text(search, name)
    QTest.keyClick(search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window._household is not None)
    return window._household


def start_form(window: Any, qtbot: Any, button: Any) -> Any:
    before = window.form_page
    click(button)
    return wait_form(window, qtbot, before)


def start_screening(window: Any, qtbot: Any, view: Any, instrument: str) -> Any:
    """선별검사 → the instrument in the menu (arrow keys to it, Enter)."""
    from fieldapp.instruments import get_instrument

    before = window.form_page
    name = get_instrument(instrument).name_ko

    def pick_in_menu() -> None:
        menu = QApplication.activePopupWidget()
        if menu is None:
            QTimer.singleShot(20, pick_in_menu)
            return
        for _ in menu.actions():
            QTest.keyClick(menu, Qt.Key.Key_Down)
            if menu.activeAction() is not None and menu.activeAction().text() == name:
                QTest.keyClick(menu, Qt.Key.Key_Return)
                return
        menu.close()

    QTimer.singleShot(0, pick_in_menu)
    click(view.screen_button)
    return wait_form(window, qtbot, before)


def save(page: Any, qtbot: Any) -> dict[str, Any]:
    with qtbot.waitSignal(page.saved) as saved:
        ctrl_s(page)
    return saved.args[0]


def low_glucose_visit(window: Any, qtbot: Any, name: str) -> dict[str, Any]:
    """Seen 1: 가구 목록 → the household → 방문 기록: BP 152/94 and 148/92, glucose 65 공복;
    the banner; tick '곁에 머물며 안전을 확인함', a memo, Ctrl+S."""
    view = find_household(window, qtbot, name)
    page = start_form(window, qtbot, view.visit_button)
    for fid, text in (
        ("vitals.bp.0.systolic", "152"),
        ("vitals.bp.0.diastolic", "94"),
        ("vitals.bp.1.systolic", "148"),
        ("vitals.bp.1.diastolic", "92"),
        ("vitals.glucose.value", "65"),
    ):
        type_into(page, fid, text)
    choose(page, "vitals.glucose.timing", "fasting")
    assert page.banner.isVisible() and "저혈당" in page.banner.actions_label.text()
    tick(page, "stayed_safe")
    page.banner.note.setFocus()
    type_text(page.banner.note, "사탕 드리고 곁에 머묾")
    return save(page, qtbot)


def phq9_item9(window: Any, qtbot: Any, name: str, *, record: bool) -> Any:
    """Seen 1 / seen 3: PHQ-9 with item 9 = 1; with *record* the banner is answered (109 연결
    + 관리자 알림) and saved, else the form is closed and kept as a draft."""
    view = find_household(window, qtbot, name)
    page = start_screening(window, qtbot, view, "phq9")
    choose(page, "answers.q9", 1)
    assert page.banner.isVisible()
    if record:
        for i in range(1, 9):
            choose(page, f"answers.q{i}", 0)
        tick(page, "called_109")
        tick(page, "informed_supervisor")
        return save(page, qtbot)
    seen = answer_next_dialog(
        lambda box: click(next(b for b in box.buttons() if "임시" in b.text()))
    )
    with qtbot.waitSignal(page.closed):
        click(page.cancel_button)
    assert seen and "자살" in seen[0][0], "closing asked about the risk by name"
    return page


def quick_visit_from_today(window: Any, qtbot: Any, hid: str) -> Any:
    """Seen 2: Today → the household's row → Enter; BP 128/78 and 126/76, pulse 72, glucose
    110 식후, Ctrl+S at once (within the autosave delay)."""
    window.show_page(0)
    table = window.today.table
    row = next(
        i
        for i, r in enumerate(window.today.model.rows())
        if r.household_id == hid and r.code == "cadence" and r.form == "visit"
    )
    table.setFocus()
    table.setCurrentIndex(window.today.model.index(row, 0))
    before = window.form_page
    QTest.keyClick(table, Qt.Key.Key_Return)
    page = wait_form(window, qtbot, before)
    for fid, text in (
        ("vitals.bp.0.systolic", "128"),
        ("vitals.bp.0.diastolic", "78"),
        ("vitals.bp.1.systolic", "126"),
        ("vitals.bp.1.diastolic", "76"),
        ("vitals.pulse", "72"),
        ("vitals.glucose.value", "110"),
    ):
        type_into(page, fid, text)
    choose(page, "vitals.glucose.timing", "post_meal")
    event = save(page, qtbot)
    qtbot.wait(700)  # the autosave delay runs out: no draft may come back
    return event


def swapped_bp_low_glucose(window: Any, qtbot: Any, name: str) -> dict[str, Any]:
    """Seen 4: BP 90/120 and 88/118 (diastolic above systolic), glucose 65 공복: the alert
    shows at once, the readings are named as incomplete; fixed, it saves."""
    view = find_household(window, qtbot, name)
    page = start_form(window, qtbot, view.visit_button)
    for fid, text in (
        ("vitals.bp.0.systolic", "90"),
        ("vitals.bp.0.diastolic", "120"),
        ("vitals.bp.1.systolic", "88"),
        ("vitals.bp.1.diastolic", "118"),
        ("vitals.glucose.value", "65"),
    ):
        type_into(page, fid, text)
    choose(page, "vitals.glucose.timing", "fasting")
    assert page.banner.isVisible() and "저혈당" in page.banner.actions_label.text()
    panel = page.panel.actions.text()
    assert "필요한 조치 없음" not in panel and "혈압 2회차" in panel
    tick(page, "gave_sugar")
    ctrl_s(page)
    assert page.isVisible() and not page.saving, "not saved while a reading is wrong"
    for fid, text in (("vitals.bp.0.diastolic", "60"), ("vitals.bp.1.diastolic", "58")):
        type_into(page, fid, text)
    return save(page, qtbot)


def wrong_password_on_the_lock_screen(device: Laptop, password: str, qtbot: Any) -> None:
    """Seen 6: Ctrl+L, a wrong password: the tries left as a number; then the right one."""
    window = device.window
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.locked
    screen = window.lock_screen
    type_text(screen.password, "wrong-password")
    QTest.keyClick(screen.password, Qt.Key.Key_Return)
    assert "(온라인 로그인이 필요해지기까지 4번 남음)" in screen.message.text()
    type_text(screen.password, password)
    with qtbot.waitSignal(screen.unlocked):
        QTest.keyClick(screen.password, Qt.Key.Key_Return)
    assert not window.locked


def not_home_at_the_door(window: Any, qtbot: Any, name: str) -> dict[str, Any]:
    """Seen 1 (volunteer): 안부확인 기록, 방문 / 부재; the banner says why; tick
    '관리자·동 주민센터에 알림', Ctrl+S."""
    view = find_household(window, qtbot, name)
    page = start_form(window, qtbot, view.welfare_button)
    choose(page, "method", "visit")
    choose(page, "reached", "not_home")
    assert page.banner.isVisible() and "동 주민센터" in page.banner.rule.text()
    tick(page, "informed_supervisor")
    return save(page, qtbot)


# ------------------------------------------------------------------ what the screens say


def sync(device: Laptop, qtbot: Any) -> None:
    with qtbot.waitSignal(device.window.sync.finished, timeout=30000) as done:
        device.window.sync.sync_now()
    assert done.args[0].completed


def households_of(device: Laptop, programme: str) -> list[dict[str, Any]]:
    return [
        h
        for h in records.list_households(device.store)
        if (h.get("assignments") or {}).get(programme) == device.username
    ]


def today_rows(device: Laptop) -> list[Any]:
    device.window.today.reload()
    return device.window.today.model.rows()


def immediate_rows(device: Laptop, hid: str | None = None) -> list[Any]:
    return [
        r
        for r in today_rows(device)
        if r.urgency == "immediate" and (hid is None or r.household_id == hid)
    ]


def board_row(district: District, tmp_path: Path, username: str) -> Any:
    """The supervisor board as supervisor1's laptop reads it from the server."""
    from fieldapp.profile import Profile
    from sync import client
    from sync.client_supervisor import SupervisorClient

    password = district.users["supervisor1"]["password"]
    profile = Profile(tmp_path / "supervisor1")
    store = client.login(
        profile, district.base_url, "supervisor1", password, device_name="s", kdf=CHEAP_KDF
    )
    try:
        engine = client.SyncEngine(profile, store, password=password)
        board = SupervisorClient.for_engine(engine).board()
    finally:
        store.close()
    return next(w for w in board["workers"] if w["username"] == username)


def check_households_list(device: Laptop, programme: str) -> None:
    """Seen 5: 다음 방문 is the rule's next due on every row; the 방문 상태 filter counts the
    households Today lists in that state."""
    from ui.households_model import COLUMNS, label

    window = device.window
    window.show_page(1)
    page = window.households
    page.search.clear()
    today = programme_today()
    due_col = COLUMNS.index("due")
    shown = {
        page.model.index(r, 0).data(page.model.IdRole): page.model.index(r, due_col).data()
        for r in range(page.model.rowCount())
    }
    mine = households_of(device, programme)
    ids = [h["id"] for h in mine]
    states: dict[str, Any] = {}
    worklist(
        mine,
        records.effective_events_by_household(device.store, ids),
        programme,
        today,
        drafts_by_household={hid: records.list_drafts(device.store, hid) for hid in ids},
        states_out=states,
    )
    for hid, state in states.items():  # the visit's state (a signal moves no visit)
        expected = f"{label('due_state', state.contact_state)} · {state.next_contact_due}"
        assert shown[hid] == expected, hid
    assert all(shown[hid] != "—" for hid in ids)
    top: dict[str, Any] = {}
    for r in today_rows(device):
        if r.code == SIGNAL:
            continue
        if r.household_id not in top or r.rank < top[r.household_id].rank:
            top[r.household_id] = r
    overdue = sum(1 for r in top.values() if r.urgency == "overdue")
    page.due_state.setCurrentIndex(page.due_state.findData("overdue"))
    assert page.proxy.rowCount() == overdue
    assert page.count.text().startswith(f"{overdue} / ")
    page.due_state.setCurrentIndex(0)


def check_closed_in_view(device: Laptop, qtbot: Any, name: str, event: dict[str, Any]) -> None:
    """The household view: nothing open, one 조치·의뢰 row for the event (완료), its day the
    KST day it was made."""
    view = find_household(device.window, qtbot, name)
    assert view.open_actions.text() == "없음"
    table = view.actions_table
    rows = [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]
    made = kst_text(event["device_time"])
    assert made.startswith(MADE_AT.date().isoformat()), "the day it was made, in KST"
    day = MADE_AT.date().isoformat()
    immediate = [r for r in rows if r[0].startswith(day) and r[1] == "즉시"]
    assert len(immediate) == 1, "the record and its answer are one row"
    assert immediate[0][2] == "완료"
    assert not [r for r in rows if r[2] == "필요"], "nothing left to close"


# ------------------------------------------------------------------ the days


def pick_households(device: Laptop, programme: str, n: int) -> list[dict[str, Any]]:
    """*n* of the worker's households with nothing immediate open and nothing recorded on
    the evening's day (the district is shared by the runs in both zones)."""
    today = programme_today()
    out = []
    for h in households_of(device, programme):
        events = records.effective_events(device.store, h["id"])
        if household_state(h, events, today).for_programme(programme).immediate:
            continue
        if any(programme_day(e["device_time"]) == MADE_AT.date() for e in events):
            continue
        out.append(h)
    assert len(out) >= n
    return out[:n]


def name_of(h: dict[str, Any]) -> str:
    from ui import data

    return data.primary_name(h)


def test_a_nurses_day(
    laptop: Callable[[str], Laptop], clock: Clock, district: District, qtbot: Any, tmp_path: Path
) -> None:
    nurse = laptop("nurse3")
    win = nurse.window
    due_row = next(r for r in today_rows(nurse) if r.code == "cadence" and r.form == "visit")
    others = [h for h in pick_households(nurse, VH, 4) if h["id"] != due_row.household_id]
    hypo, phq, parked = others[:3]
    swapped = phq  # a second record for that household: a visit besides its screening
    win.sync.refresh_status()
    assert "오프라인" in win.status.online.text(), "seen 8: not 온라인 before a contact"
    wrong_password_on_the_lock_screen(nurse, nurse.password, qtbot)
    # 23:59 KST: the evening's records
    visit = low_glucose_visit(win, qtbot, name_of(hypo))
    screening = phq9_item9(win, qtbot, name_of(phq), record=True)
    visits_before = len(
        [
            e
            for e in records.household_events(nurse.store, due_row.household_id)
            if e["type"] == "visit"
        ]
    )
    quick = quick_visit_from_today(win, qtbot, due_row.household_id)
    phq9_item9(win, qtbot, name_of(parked), record=False)
    fixed = swapped_bp_low_glucose(win, qtbot, name_of(swapped))
    sync(nurse, qtbot)
    assert "온라인" in win.status.online.text() and "오프라인" not in win.status.online.text()

    # 00:06 KST, the next programme day: what every screen says
    clock.at = LOOKED_AT
    rows = today_rows(nurse)
    for h, event in ((hypo, visit), (phq, screening), (swapped, fixed)):
        assert not immediate_rows(nurse, h["id"]), "a recorded action never stays open"
        answers = [
            e
            for e in records.household_events(nurse.store, h["id"])
            if (e.get("payload") or {}).get("closes") == event["id"]
        ]
        assert answers, "the banner's answer names its record"
    assert rows[0].household_id == parked["id"] and rows[0].urgency == "immediate", (
        "the parked risk is Today's first row",
        [(r.household_id, r.code, r.due_date, r.reason_ko) for r in rows[:4]],
    )
    assert rows[0].code == "draft_risk"
    assert not records.list_drafts(nurse.store, due_row.household_id), "saved: no draft left"
    visits = [
        e
        for e in records.household_events(nurse.store, due_row.household_id)
        if e["type"] == "visit"
    ]
    assert len(visits) == visits_before + 1 and quick["id"] in {e["id"] for e in visits}
    drafts_shown = [b.text() for b in win.today.drafts_box.findChildren(QPushButton)]
    assert not [t for t in drafts_shown if due_row.name in t], "Today lists no draft of it"
    check_households_list(nurse, VH)
    check_closed_in_view(nurse, qtbot, name_of(hypo), visit)
    on_laptop = [r for r in immediate_rows(nurse) if r.code != "draft_risk"]
    assert board_row(district, tmp_path, "nurse3")["immediate_open"] == len(on_laptop)


def legacy_open_action(device: Laptop, hid: str) -> dict[str, Any]:
    """A door check recorded before the banner's answer named its record (no answer): the
    state seen 1 left behind, an immediate action open on Today and on the board."""
    event = {
        "type": "welfare_check",
        "household_id": hid,
        "programme": WC,
        "created_by": device.username,
        "device_id": device.window.session.device_id,
        "payload": {"method": "visit", "reached": "not_home"},
    }
    stored = records.append_event(device.store, event)
    device.window.runner.changed.emit(
        OpChanges(households=frozenset({hid}), events=True, sync_state=True)
    )
    return stored


def close_from_the_actions_tab(device: Laptop, qtbot: Any, name: str, record_id: str) -> None:
    """Seen 1: the 필요 row is closed from 조치·의뢰 (double-click, tick, 저장)."""
    view = find_household(device.window, qtbot, name)
    view.tabs.setCurrentWidget(view.actions_table.parentWidget())
    table = view.actions_table
    row = next(r for r in range(table.rowCount()) if table.item(r, 2).text() == "필요")
    rect = table.visualItemRect(table.item(row, 0))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = view.action_dialog
    assert dialog.item.record_id == record_id
    click(dialog.checks["informed_supervisor"])
    with qtbot.waitSignal(dialog.accepted):
        click(dialog.buttons.button(dialog.buttons.StandardButton.Save))


def test_a_volunteers_day(
    laptop: Callable[[str], Laptop], clock: Clock, district: District, qtbot: Any, tmp_path: Path
) -> None:
    volunteer = laptop("volunteer1")
    win = volunteer.window
    door, legacy = pick_households(volunteer, WC, 2)
    check = not_home_at_the_door(win, qtbot, name_of(door))
    clock.at = MADE_AT - timedelta(minutes=1)
    old = legacy_open_action(volunteer, legacy["id"])
    sync(volunteer, qtbot)

    clock.at = LOOKED_AT
    assert not immediate_rows(volunteer, door["id"]), "the door's action was recorded"
    [open_row] = immediate_rows(volunteer, legacy["id"])
    assert open_row.record_id == old["id"], "the unanswered record stays open after midnight"
    on_laptop = [r for r in immediate_rows(volunteer) if r.code != "draft_risk"]
    board = board_row(district, tmp_path, "volunteer1")
    assert board["immediate_open"] == len(on_laptop) >= 1, "the board counts what Today lists"
    close_from_the_actions_tab(volunteer, qtbot, name_of(legacy), old["id"])
    sync(volunteer, qtbot)
    assert not immediate_rows(volunteer, legacy["id"])
    check_households_list(volunteer, WC)
    check_closed_in_view(volunteer, qtbot, name_of(door), check)
    on_laptop = [r for r in immediate_rows(volunteer) if r.code != "draft_risk"]
    board = board_row(district, tmp_path / "again", "volunteer1")
    assert board["immediate_open"] == len(on_laptop), "closed on the laptop and the board"
