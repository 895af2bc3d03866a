"""The worker's day against the real district server: sign in, unlock, open a household,
record a welfare check and a PHQ-9 with item 9 = 1, sync, and see nothing left pending."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from fieldapp import records
from ui.households_model import HouseholdTableModel


def pending(worker: Any) -> int:
    return records.pending_counts(worker.runner.store)["unsent"]


def first_household(worker: Any) -> dict[str, Any]:
    rows = records.list_households(worker.runner.store)
    assert rows, "the demo worker has households"
    return rows[0]


def test_first_login_online_then_offline_unlock(
    ui_app: Any, district: Any, tmp_path: Path, qtbot: Any
) -> None:
    from fieldapp.profile import Profile
    from ui.login import LoginDialog
    from ui.operations import OpRunner
    from ui.taskman import TaskManager

    profile = Profile(tmp_path / "laptop")
    runner = OpRunner(TaskManager(synchronous=True))
    dialog = LoginDialog(runner, profile)
    qtbot.addWidget(dialog)
    assert dialog.server.isEnabled(), "no profile yet: the first login is online"
    dialog.server.setText(district.base_url)
    dialog.username.setText("volunteer1")
    dialog.password.setText("not-the-password")
    dialog.submit.click()
    assert dialog.session is None
    assert dialog.message.text(), "a wrong password says so"
    dialog.password.setText(district.users["volunteer1"]["password"])
    with qtbot.waitSignal(dialog.accepted):
        dialog.submit.click()
    assert dialog.session is not None and dialog.session.username == "volunteer1"
    assert dialog.session.programme == "welfare_check"
    assert runner.has_store, "the store is open (the main window syncs at start)"
    runner.store.close()
    runner.set_store(None)

    # Afterwards: offline unlock with the password only.
    again = LoginDialog(runner, profile)
    qtbot.addWidget(again)
    assert not again.server.isEnabled()
    again.password.setText("wrong password")
    again.submit.click()
    assert again.session is None
    assert "비밀번호" in again.message.text()
    again.password.setText(district.users["volunteer1"]["password"])
    with qtbot.waitSignal(again.accepted):
        again.submit.click()
    assert runner.has_store
    runner.store.close()


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("https://mapo sync.example.kr", "서버 주소가 올바르지 않습니다"),  # a space
        ("https://sync.example.kr:99999", "서버 주소가 올바르지 않습니다"),  # port
        ("https://nurse1:secret-pw@127.0.0.1:9", "서버 주소가 올바르지 않습니다"),
        ("127.0.0.1:9", "서버 주소가 올바르지 않습니다"),  # no https://
        ("http://203.0.113.7:8750", "보안되지 않은 주소(http://)"),
    ],
)
def test_a_mistyped_server_address_says_what_is_wrong(
    ui_app: Any, tmp_path: Path, qtbot: Any, typed: str, said: str
) -> None:
    """A space or a bad port in the address took the crash path (requests' InvalidURL), and
    an address without https:// was called 'plain http://': each now says what is wrong in
    Korean, sends nothing, and never echoes a password typed into the address."""
    from fieldapp.profile import Profile
    from ui.login import LoginDialog
    from ui.operations import OpRunner
    from ui.taskman import TaskManager

    profile = Profile(tmp_path / "p")
    dialog = LoginDialog(OpRunner(TaskManager(synchronous=True)), profile)
    qtbot.addWidget(dialog)
    QTest.keyClicks(dialog.server, typed)
    QTest.keyClicks(dialog.username, "nurse1")
    QTest.keyClicks(dialog.password, "whatever-password")
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    shown = dialog.message.text()
    assert dialog.session is None and said in shown, shown
    assert "secret-pw" not in shown and not profile.key_path.exists()
    assert dialog.server.isEnabled(), "the address can be corrected at once"


def test_server_unreachable_is_a_clear_message(ui_app: Any, tmp_path: Path, qtbot: Any) -> None:
    from fieldapp.profile import Profile
    from ui.login import LoginDialog
    from ui.operations import OpRunner
    from ui.taskman import TaskManager

    dialog = LoginDialog(OpRunner(TaskManager(synchronous=True)), Profile(tmp_path / "p"))
    qtbot.addWidget(dialog)
    dialog.server.setText("http://127.0.0.1:9")  # nothing listens on the discard port
    dialog.username.setText("nurse1")
    dialog.password.setText("whatever-password")
    dialog.submit.click()
    assert dialog.session is None
    assert "서버에 연결할 수 없습니다" in dialog.message.text()


def test_lock_hides_the_records_and_unlocks_with_the_password(
    window: Any, nurse: Any, qtbot: Any
) -> None:
    window.lock()
    assert window.locked
    assert not window.pages.isVisible(), "nothing of the records shows while locked"
    window.lock_screen.password.setText("wrong")
    window.lock_screen.unlock_button.click()
    assert window.locked
    assert window.lock_screen.message.text()
    window.lock_screen.password.setText(nurse.password)
    with qtbot.waitSignal(window.lock_screen.unlocked):
        window.lock_screen.unlock_button.click()
    assert not window.locked and window.pages.isVisible()


def test_five_wrong_passwords_require_an_online_sign_in(
    window: Any, nurse: Any, qtbot: Any
) -> None:
    from fieldapp.profile import MAX_UNLOCK_ATTEMPTS

    window.lock()
    screen = window.lock_screen
    for attempt in range(MAX_UNLOCK_ATTEMPTS):
        screen.password.setText(f"wrong-{attempt}")
        screen.unlock_button.click()
        if attempt < MAX_UNLOCK_ATTEMPTS - 1:
            assert "남음" in screen.message.text(), "says how many tries are left"
    assert not screen.password.isEnabled() and not screen.unlock_button.isEnabled()
    assert "온라인" in screen.message.text()
    screen.password.setEnabled(True)  # even the right password is refused now
    screen.password.setText(nurse.password)
    screen._unlock()
    assert window.locked


def test_idle_watcher_locks_after_the_idle_time(window: Any, qtbot: Any) -> None:
    window.idle.timer.setInterval(50)
    window.idle.timer.start()
    qtbot.waitUntil(lambda: window.locked, timeout=5000)


def test_today_lists_due_households_with_a_reason(window: Any) -> None:
    rows = window.today.model.rows()
    assert rows, "the synthetic district has work due"
    assert all(r.reason_ko for r in rows)
    ranks = [r.rank for r in rows]
    assert ranks == sorted(ranks), "most urgent first"


def test_household_list_and_opening_writes_the_access_log(
    window: Any, nurse: Any, qtbot: Any, qtmodeltester: Any
) -> None:
    page = window.households
    qtmodeltester.check(page.model)
    qtmodeltester.check(window.today.model)
    assert page.model.rowCount() == len(records.list_households(nurse.runner.store))
    hid = page.model.index(0, 0).data(HouseholdTableModel.IdRole)
    before = pending(nurse)
    view = window.open_household(hid)
    assert view.detail is not None and view.detail.household["id"] == hid
    logs = [
        e for e in records.household_events(nurse.runner.store, hid) if e["type"] == "access_log"
    ]
    assert any(e["payload"]["action"] == "view" and e["created_by"] == "nurse1" for e in logs)
    assert pending(nurse) == before + 1
    assert view.timeline.rowCount() == len(view.detail.events)


def test_welfare_check_is_recorded(volunteer_window: Any, volunteer: Any, qtbot: Any) -> None:
    """A volunteer's 안부확인 (a nurse is not offered the form: the server refuses it)."""
    window, nurse = volunteer_window, volunteer
    hid = first_household(nurse)["id"]
    window.open_household(hid)
    window.open_form(hid, "welfare_check")
    page = window.form_page
    page.save()
    assert page.form.editors["method"].error.isVisible(), "required fields are checked inline"
    values = {
        "method": "phone",
        "reached": "yes",
        "respondent": "self",
        "meals_24h": 2,
        "medication": "taken",
        "health": "usual",
        "mood": "usual",
        "suicidal_talk": "none",
        "risk_signs": ["mail_piled"],
        "escalation_level": 1,
    }
    for fid, value in values.items():
        page.form.editors[fid].set_value(value)
    assert not page.banner.isVisible()
    with qtbot.waitSignal(page.saved) as saved:
        page.save()
    event = saved.args[0]
    stored = records.get_event(nurse.runner.store, event["id"])
    assert stored["type"] == "welfare_check" and stored["sync_state"] == "pending"
    assert stored["payload"]["reached"] == "yes"
    assert not records.list_drafts(nurse.runner.store, hid), "the draft is gone once saved"


def test_phq9_item9_shows_the_banner_and_requires_an_action(
    window: Any, nurse: Any, qtbot: Any
) -> None:
    hid = first_household(nurse)["id"]
    window.open_form(hid, "screening:phq9")
    page = window.form_page
    page.form.editors["answers.q9"].set_value(1)
    assert page.banner.isVisible(), "item 9 >= 1 raises the banner at once"
    assert page.result.immediate
    for i in range(1, 9):
        page.form.editors[f"answers.q{i}"].set_value(0)
    assert page.banner.isVisible(), "the banner stays whatever the total"
    assert not page.save_button.isEnabled(), "saving waits for what was done"
    page.save()
    assert not records.get_event(nurse.runner.store, page.draft_id), "nothing saved yet"
    page.save_draft()
    drafts = records.list_drafts(nurse.runner.store, hid)
    assert drafts and drafts[0]["data"]["values"]["answers.q9"] == 1, "drafts are saved"
    page.banner.checks["called_109"].setChecked(True)
    page.banner.note.setText("109 상담 연결")
    assert page.save_button.isEnabled()
    with qtbot.waitSignal(page.saved) as saved:
        page.save()
    event = records.get_event(nurse.runner.store, saved.args[0]["id"])
    assert event["payload"]["instrument_id"] == "phq9"
    assert event["payload"]["total"] == 1
    assert any(a["urgency"] == "immediate" for a in event["payload"]["result"]["actions"])
    referrals = [
        e for e in records.household_events(nurse.runner.store, hid) if e["type"] == "referral"
    ]
    assert referrals and referrals[0]["payload"]["urgency"] == "immediate"
    assert "109" in referrals[0]["payload"]["target"]


def test_a_draft_survives_and_resumes(window: Any, nurse: Any) -> None:
    hid = first_household(nurse)["id"]
    window.open_form(hid, "visit")
    page = window.form_page
    page.form.editors["vitals.bp.0.systolic"].set_value(185)
    page.form.editors["vitals.bp.0.diastolic"].set_value(112)
    page.form.editors["vitals.bp.1.systolic"].set_value(182)
    page.form.editors["vitals.bp.1.diastolic"].set_value(111)
    assert page.banner.isVisible(), "BP >= 180/110 is an immediate action"
    window.lock()  # locking keeps the draft
    drafts = records.list_drafts(nurse.runner.store, hid)
    assert drafts and drafts[0]["form"] == "visit"
    window.unlock()
    window.resume_draft(hid, drafts[0])
    resumed = window.form_page
    assert resumed is not page
    assert resumed.form.editors["vitals.bp.0.systolic"].value() == 185


def test_sync_sends_everything_and_pending_goes_to_zero(
    window: Any, nurse: Any, qtbot: Any
) -> None:
    hid = first_household(nurse)["id"]
    window.open_household(hid)  # an access-log event to send
    window.sync.refresh_status()
    assert window.sync.status.pending >= 1
    assert "전송 대기 0건" not in window.status.pending.text()
    with qtbot.waitSignal(window.sync.finished, timeout=30000) as done:
        window.sync.sync_now()
    assert done.args[0].completed
    assert pending(nurse) == 0
    assert window.sync.status.pending == 0
    assert window.status.pending.text() == "전송 대기 0건"
    assert "온라인" in window.status.online.text()


def test_sync_runs_in_the_background_with_the_threaded_task_manager(nurse: Any, qtbot: Any) -> None:
    """The real executors: the cycle runs off the main thread and its result comes back by signal."""
    from ui.operations import OpRunner
    from ui.sync_panel import SyncController
    from ui.taskman import TaskManager

    taskman = TaskManager()
    runner = OpRunner(taskman)
    runner.set_store(nurse.runner.store)
    controller = SyncController(runner, nurse.session)
    phases: list[str] = []
    controller.progress.connect(lambda phase, *_: phases.append(phase))
    try:
        with qtbot.waitSignal(controller.finished, timeout=30000):
            controller.sync_now()
            assert controller.running
        assert "pull" in phases
        qtbot.waitUntil(lambda: controller.status is not None and controller.status.pending == 0)
    finally:
        taskman.shutdown()


def test_crisis_numbers_are_one_click_away(window: Any) -> None:
    from ui.crisis import CrisisPanel

    window.crisis_button.click()
    panels = window.findChildren(CrisisPanel)
    assert panels
    numbers = {n.number for n in panels[-1].numbers}
    assert {"109", "1577-0199", "119", "112", "129"} <= numbers


def test_a_second_person_on_the_same_laptop_is_told_whose_data_it_is(
    ui_app: Any, district: Any, tmp_path: Path, qtbot: Any
) -> None:
    """Another worker typing their own id on a laptop signed in by someone else was told
    'wrong password or locked account'; now whose data it is, that it is untouched, and the
    way (a computer account each)."""
    from fieldapp.profile import Profile
    from sync.client import login
    from ui.login import LoginDialog
    from ui.operations import OpRunner
    from ui.taskman import TaskManager

    profile = Profile(tmp_path / "shared")
    owner = district.users["volunteer1"]
    login(profile, district.base_url, "volunteer1", owner["password"]).close()
    runner = OpRunner(TaskManager(synchronous=True))
    dialog = LoginDialog(runner, profile)
    qtbot.addWidget(dialog)
    dialog.switch.click()  # 온라인 로그인
    dialog.username.clear()
    QTest.keyClicks(dialog.username, "nurse1")
    QTest.keyClicks(dialog.password, district.users["nurse1"]["password"])
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    shown = dialog.message.text()
    assert dialog.session is None and not runner.has_store
    assert f"{profile.info['display_name']} 님의 것이라" in shown, shown
    assert "비밀번호가 틀렸거나" not in shown
    assert profile.info["username"] == "volunteer1"
