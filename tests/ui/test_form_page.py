"""A form is saved exactly once, and what answers its banner names the record it answers.

Driven through the real widgets (keys into the inputs, clicks on the options, Ctrl+S), with
the threaded task manager where the order of background work matters.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from fieldapp import records
from tests.helpers.driving import (
    answer_next_dialog,
    choose,
    ctrl_s,
    korean_locale,
    tick,
    type_into,
)
from ui.operations import OpChanges


def households(worker: Any) -> list[dict[str, Any]]:
    rows = records.list_households(worker.runner.store)
    assert rows, "the demo worker has households"
    return rows


def events_of(worker: Any, hid: str, kind: str) -> list[dict[str, Any]]:
    return [e for e in records.household_events(worker.runner.store, hid) if e["type"] == kind]


@pytest.fixture(autouse=True)
def korean(ui_app: Any) -> Iterator[None]:
    """The Korean UI (the app's default language): banners and panels show Korean texts."""
    with korean_locale():
        yield


@pytest.fixture
def threaded_window(nurse: Any, qtbot: Any) -> Iterator[Any]:
    """The nurse's main window with the real threaded task manager (background work overlaps)."""
    from ui.mainwindow import MainWindow
    from ui.operations import OpRunner
    from ui.taskman import TaskManager

    taskman = TaskManager()
    runner = OpRunner(taskman)
    runner.set_store(nurse.runner.store)
    win = MainWindow(runner, nurse.session, start_sync=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: not taskman.busy)
    yield win
    win.sync.stop()
    win.idle.stop()
    taskman.shutdown()


def open_form(window: Any, qtbot: Any, hid: str, form_id: str, **kw: Any) -> Any:
    before = window.form_page
    window.open_form(hid, form_id, **kw)
    qtbot.waitUntil(lambda: window.form_page is not None and window.form_page is not before)
    page = window.form_page
    page.activateWindow()
    return page


def test_a_saved_visit_leaves_no_draft_even_when_autosave_is_due(
    threaded_window: Any, nurse: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14, seen 2: Ctrl+S within half a second of typing; the autosave timer then fires
    while the record is being written (a slow disk here) and must not bring the draft back."""
    from ui.forms import form_page

    hid = households(nurse)[0]["id"]
    before = {e["id"] for e in events_of(nurse, hid, "visit")}
    page = open_form(threaded_window, qtbot, hid, "visit")
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
    real_append = records.append_event

    def slow_append(store: Any, event: Any, **kwargs: Any) -> Any:
        time.sleep(form_page.DRAFT_DELAY_MS / 1000 + 0.3)  # the autosave timer runs out meanwhile
        return real_append(store, event, **kwargs)

    monkeypatch.setattr(records, "append_event", slow_append)
    with qtbot.waitSignal(page.saved, timeout=10000) as saved:
        ctrl_s(page)
    qtbot.wait(form_page.DRAFT_DELAY_MS + 400)
    qtbot.waitUntil(lambda: not threaded_window.runner.taskman.busy, timeout=5000)
    visits = [e for e in events_of(nurse, hid, "visit") if e["id"] not in before]
    assert [v["id"] for v in visits] == [saved.args[0]["id"]], "one record"
    assert not records.list_drafts(nurse.runner.store, hid), "no draft came back after saving"
    assert saved.args[0]["id"] == page.draft_id, "the draft had the id its record has"


def test_saving_the_same_form_again_makes_no_second_record(
    window: Any, nurse: Any, qtbot: Any, known_errors: list[BaseException]
) -> None:
    """A draft whose record was already saved (left behind by an older version) is refused
    with a clear message, and the stale draft goes away."""
    from fieldapp.errors import AlreadySavedError
    from ui.errors import message_for

    hid = households(nurse)[1]["id"]
    before = len(events_of(nurse, hid, "visit"))
    page = open_form(window, qtbot, hid, "visit")
    type_into(page, "vitals.pulse", "72")
    page.save_draft()
    draft = records.load_draft(nurse.runner.store, page.draft_id)
    assert draft is not None
    with qtbot.waitSignal(page.saved):
        ctrl_s(page)
    records.save_draft(nurse.runner.store, draft["id"], "visit", hid, draft["data"])
    window.runner.changed.emit(OpChanges(drafts=True))  # as the old autosave announced it
    assert not window.today.drafts_box.isHidden(), "Today offers the stale draft"
    again = open_form(window, qtbot, hid, "visit", draft=draft)
    assert again.draft_id == draft["id"]
    with qtbot.waitSignal(again.closed):
        ctrl_s(again)
    assert len(events_of(nurse, hid, "visit")) == before + 1, "no second record"
    assert not records.list_drafts(nurse.runner.store, hid), "the stale draft is gone"
    assert window.today.drafts_box.isHidden(), "Today no longer offers it"
    assert known_errors and isinstance(known_errors[-1], AlreadySavedError)
    assert "이미 저장" in message_for(known_errors[-1])


def test_the_action_recorded_on_the_banner_names_the_record_it_answers(
    window: Any, nurse: Any, qtbot: Any
) -> None:
    hid = households(nurse)[2]["id"]
    before = {e["id"] for e in events_of(nurse, hid, "referral")}
    page = open_form(window, qtbot, hid, "screening:phq9")
    choose(page, "answers.q9", 1)
    assert page.banner.isVisible()
    for i in range(1, 9):
        choose(page, f"answers.q{i}", 0)
    tick(page, "called_109")
    with qtbot.waitSignal(page.saved) as saved:
        ctrl_s(page)
    event = saved.args[0]
    answers = [e for e in events_of(nurse, hid, "referral") if e["id"] not in before]
    assert answers and all(r["payload"]["closes"] == event["id"] for r in answers)
    assert all(r["payload"]["status"] == "done" for r in answers)


def test_an_invalid_reading_elsewhere_does_not_hide_the_hypoglycaemia_alert(
    window: Any, nurse: Any, qtbot: Any, known_errors: list[BaseException]
) -> None:
    """Issue 14, seen 4: BP 90/120 and 88/118 (swapped), glucose 65 fasting."""
    hid = households(nurse)[3]["id"]
    before = len(events_of(nurse, hid, "visit"))
    page = open_form(window, qtbot, hid, "visit")
    for fid, text in (
        ("vitals.bp.0.systolic", "90"),
        ("vitals.bp.0.diastolic", "120"),
        ("vitals.bp.1.systolic", "88"),
        ("vitals.bp.1.diastolic", "118"),
        ("vitals.glucose.value", "65"),
    ):
        type_into(page, fid, text)
    choose(page, "vitals.glucose.timing", "fasting")
    assert page.banner.isVisible(), "the glucose alert shows whatever the BP"
    assert "저혈당" in page.banner.actions_label.text()
    panel = page.panel.actions.text()
    assert "필요한 조치 없음" not in panel
    assert "저혈당" in panel
    assert "혈압 1회차" in panel and "혈압 2회차" in panel, "the invalid readings are named"
    tick(page, "stayed_safe")
    ctrl_s(page)
    assert len(events_of(nurse, hid, "visit")) == before, "not saved while the BP is wrong"
    assert not known_errors, "the problems are shown at their fields, not in a dialog"
    errors = {fid: e.error.text() for fid, e in page.form.editors.items() if e.error.isVisible()}
    assert "혈압 1회차" in errors["vitals.bp.0.diastolic"]
    assert "혈압 2회차" in errors["vitals.bp.1.diastolic"]
    type_into(page, "vitals.bp.0.systolic", "128")
    type_into(page, "vitals.bp.0.diastolic", "78")
    type_into(page, "vitals.bp.1.systolic", "126")
    type_into(page, "vitals.bp.1.diastolic", "76")
    assert "확인 필요" not in page.panel.actions.text()
    with qtbot.waitSignal(page.saved):
        ctrl_s(page)
    assert len(events_of(nurse, hid, "visit")) == before + 1


def test_a_refused_record_names_each_problem_once() -> None:
    """The save dialog's lines: one per problem, each naming its field (which reading)."""
    from fieldapp.errors import ValidationError
    from fieldapp.vitals import evaluate_vitals
    from ui.errors import message_for

    with pytest.raises(ValidationError) as info:
        evaluate_vitals(
            {"bp": [{"systolic": 90, "diastolic": 120}, {"systolic": 88, "diastolic": 118}]}
        )
    lines = message_for(info.value).splitlines()[1:]
    assert len(lines) == len(set(lines)) == 2
    assert "혈압 1회차" in lines[0] and "혈압 2회차" in lines[1]


def test_a_risk_cannot_be_parked_silently(window: Any, nurse: Any, qtbot: Any) -> None:
    """Issue 14, seen 3: PHQ-9 item 9 = 1, then 닫기. The question names the risk and its
    default is to record the action now; kept as a draft, the draft carries the risk."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from tests.helpers.driving import click

    hid = households(nurse)[4]["id"]
    page = open_form(window, qtbot, hid, "screening:phq9")
    choose(page, "answers.q9", 1)
    assert page.banner.isVisible()
    seen = answer_next_dialog(lambda box: QTest.keyClick(box, Qt.Key.Key_Return))
    click(page.cancel_button)
    assert seen, "closing asked"
    text, default = seen[0]
    assert "자살" in text, "the question names the risk"
    assert default == "지금 조치 기록"
    assert window.form_page is page and page.isVisible(), "Enter keeps the form open"

    def park(box: Any) -> None:
        click(next(b for b in box.buttons() if b.text() == "임시 저장하고 닫기"))

    answer_next_dialog(park)
    with qtbot.waitSignal(page.closed):
        click(page.cancel_button)
    drafts = records.list_drafts(nurse.runner.store, hid)
    assert [d["id"] for d in drafts] == [page.draft_id]
    data = drafts[0]["data"]
    assert data["result"]["immediate"], "the draft carries the risk"
    assert data["action_recorded"] is False


def offered_steps(page: Any) -> list[str]:
    steps = list(page.banner.offered)
    assert all(page.banner.checks[s].isVisible() for s in steps)
    return steps


def test_each_banner_offers_its_own_steps(window: Any, nurse: Any, qtbot: Any) -> None:
    """Issue 15, item 11: the hypoglycaemia banner offers the sugar-and-re-measure step
    first, not only the mental-health lines; PHQ-9 item 9 keeps those lines."""
    hid = households(nurse)[0]["id"]
    page = open_form(window, qtbot, hid, "visit")
    type_into(page, "vitals.glucose.value", "62")
    choose(page, "vitals.glucose.timing", "random")
    steps = offered_steps(page)
    assert steps[0] == "gave_sugar"
    assert "15분 뒤 재측정" in page.banner.checks["gave_sugar"].text()
    assert "called_109" not in steps
    assert "당분" in page.banner.rule.text()
    tick(page, "gave_sugar")
    with qtbot.waitSignal(page.saved) as saved:
        ctrl_s(page)
    answer = next(e for e in events_of(nurse, hid, "referral") if e["payload"]["closes"])
    assert answer["payload"]["closes"] == saved.args[0]["id"]
    assert "당분" in answer["payload"]["target"]

    page = open_form(window, qtbot, hid, "screening:phq9")
    choose(page, "answers.q9", 2)
    assert {"called_109", "called_1577_0199", "stayed_safe"} <= set(offered_steps(page))
    assert not page.banner.rule.isVisible()


def test_no_answer_at_the_door_says_the_rule_and_the_first_step(
    window: Any, nurse: Any, qtbot: Any
) -> None:
    """Issue 15, item 12: one '부재' at the door raises the banner; it says why, in one line,
    and the first step offered is to tell the 동 주민센터."""
    hid = households(nurse)[1]["id"]
    page = open_form(window, qtbot, hid, "welfare_check")
    choose(page, "method", "visit")
    choose(page, "reached", "not_home")
    assert page.banner.isVisible()
    rule = page.banner.rule.text()
    assert "\n" not in rule and "원칙" in rule and "먼저 동 주민센터" in rule
    assert offered_steps(page)[0] == "informed_supervisor"
    assert "동 주민센터" in page.banner.checks["informed_supervisor"].text()


def test_leaving_a_risky_form_for_another_page_asks_too(
    window: Any, nurse: Any, qtbot: Any
) -> None:
    """Ctrl+1 (Today) from a form with an unrecorded risk asks as 닫기 does: Enter goes back
    to the form; keeping it as a draft shows Today, with the risk on the draft."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from tests.helpers.driving import click

    hid = households(nurse)[2]["id"]
    page = open_form(window, qtbot, hid, "screening:phq9")
    choose(page, "answers.q9", 2)
    seen = answer_next_dialog(lambda box: QTest.keyClick(box, Qt.Key.Key_Return))
    QTest.keyClick(page, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert seen and "자살" in seen[0][0]
    assert window.pages.currentWidget() is page, "back to the form"
    assert window.nav.currentRow() == 0, "the navigation stays where it was"

    answer_next_dialog(
        lambda box: click(next(b for b in box.buttons() if b.text() == "임시 저장하고 닫기"))
    )
    window.activateWindow()  # offscreen: the window is not re-activated after a dialog
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(page, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.households)
    [draft] = records.list_drafts(nurse.runner.store, hid)
    assert draft["data"]["result"]["immediate"] and not draft["data"]["action_recorded"]
