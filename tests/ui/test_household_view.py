"""Household view details: conflict cards, corrections as amendments, field edits, the sync
panel's rejected items, Today's Enter, sign-out, the demo command."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from fieldapp import records


def a_household(worker: Any) -> dict[str, Any]:
    return records.list_households(worker.runner.store)[0]


def test_conflict_card_shows_both_values_and_choosing_queues_an_edit(
    window: Any, nurse: Any
) -> None:
    from ui.household_view import ConflictCard

    h = a_household(nurse)
    conflict = {
        "id": "c-1",
        "household_id": h["id"],
        "field": "notes",
        "base_version": 1,
        "mine": "계단 난간 수리 필요",
        "mine_by": "nurse1",
        "mine_at": "2026-11-20T09:00:00+09:00",
        "theirs": "난간 수리 완료",
        "theirs_by": "volunteer1",
        "theirs_at": "2026-11-21T10:00:00+09:00",
        "status": "open",
    }
    with nurse.runner.store.atomic() as db:
        db.execute(
            "INSERT INTO conflicts (id, household_id, field, status, data) VALUES (?, ?, ?, 'open', ?)",
            ["c-1", h["id"], "notes", json.dumps(conflict, ensure_ascii=False)],
        )
    view = window.open_household(h["id"])
    cards = view.findChildren(ConflictCard)
    assert len(cards) == 1
    text = " ".join(label.text() for label in cards[0].findChildren(type(view.title)))
    assert "계단 난간 수리 필요" in text and "난간 수리 완료" in text
    assert "volunteer1" in text and "nurse1" in text
    cards[0].chosen.emit("notes", "난간 수리 완료")
    edits = records.pending_edits(nurse.runner.store, h["id"])
    assert [(e["field"], e["value"]) for e in edits] == [("notes", "난간 수리 완료")]


def test_profile_edit_is_queued_per_field(window: Any, nurse: Any, full_loads: list[int]) -> None:
    h = a_household(nurse)
    view = window.open_household(h["id"])
    view.editors["notes"].setText("현관 비밀번호는 가족에게 확인")
    view.editors["risk_level"].setCurrentIndex(view.editors["risk_level"].findData("high"))
    loads = full_loads
    view.save_edits()
    page = window.households
    assert page.model.row_at(page.model.row_of(h["id"])).risk_level == "high"
    assert not loads, "the edited household's row is refreshed, not the whole list"
    fields = sorted(e["field"] for e in records.pending_edits(nurse.runner.store, h["id"]))
    expected = sorted({"notes"} | ({"risk_level"} if h.get("risk_level") != "high" else set()))
    assert fields == expected
    assert (
        records.get_household(nurse.runner.store, h["id"])["notes"]
        == "현관 비밀번호는 가족에게 확인"
    )


def test_a_correction_is_a_new_event_that_amends_the_old(
    window: Any, nurse: Any, qtbot: Any
) -> None:
    store = nurse.runner.store
    visit = next(
        (
            e
            for h in records.list_households(store)
            for e in records.household_events(store, h["id"])
            if e["type"] == "visit" and e["effective"] and not e["redacted"]
        ),
        None,
    )
    assert visit is not None, "the demo nurse has visits"
    view = window.open_household(visit["household_id"])
    row = next(
        r
        for r in range(view.timeline.rowCount())
        if view.timeline.item(r, 0).data(Qt.ItemDataRole.UserRole) == visit["id"]
    )
    view.timeline.selectRow(row)
    view._correct_selected()
    page = window.form_page
    assert page.amends is not None and page.amends["id"] == visit["id"]
    first_bp = visit["payload"]["vitals"].get("bp") or []
    if first_bp:
        assert page.form.editors["vitals.bp.0.systolic"].value() == first_bp[0]["systolic"]
    page.form.editors["vitals.pulse"].set_value(77)
    with qtbot.waitSignal(page.saved) as saved:
        page.save()
    new = records.get_event(store, saved.args[0]["id"])
    assert new["amends"] == visit["id"] and new["type"] == "visit"
    events = {e["id"]: e for e in records.household_events(store, visit["household_id"])}
    assert events[visit["id"]]["superseded_by"] == new["id"], "the original stays, superseded"


def test_sync_panel_lists_rejected_records_with_their_reason(window: Any, nurse: Any) -> None:
    h = a_household(nurse)
    event = records.log_access(
        nurse.runner.store, h["id"], "view", user="nurse1", device_id=nurse.session.device_id
    )
    with nurse.runner.store.atomic() as db:
        db.execute(
            "UPDATE events SET sync_state = 'rejected', reject_reason = ? WHERE id = ?",
            ["household not in your scope", event["id"]],
        )
    window.sync_panel.reload()
    table = window.sync_panel.rejected
    assert table.rowCount() == 1
    assert table.item(0, 3).text() == "household not in your scope"
    assert "거부됨: 1건" in window.sync_panel.summary.text()


def test_enter_on_today_starts_the_rows_form(window: Any, qtbot: Any) -> None:
    rows = window.today.model.rows()
    assert rows
    # a signal's row opens the household instead (tests/ui/test_signals_ui.py); an open action
    # or referral opens 조치 기록, a risky draft the draft (test_household_state_screens.py)
    i = next(
        i
        for i, r in enumerate(rows)
        if r.code not in ("signal", "immediate_action", "referral", "draft_risk")
    )
    with qtbot.waitSignal(window.today.start_form) as started:
        window.today.table.activated.emit(window.today.model.index(i, 0))
    assert started.args == [rows[i].household_id, rows[i].form]
    assert window.form_page.household_id == rows[i].household_id


def test_sign_out_closes_the_window(window: Any, qtbot: Any, monkeypatch: Any) -> None:
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []

    def answer(_parent: Any, _title: str, text: str) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.No if len(asked) == 1 else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    window.sign_out_action.trigger()  # asked first: "No" keeps the window
    assert asked and "로그아웃하시겠습니까" in asked[0] and window.isVisible()
    with qtbot.waitSignal(window.signed_out):
        window.sign_out_action.trigger()
    assert not window.isVisible()
    assert not window.sync.timer.isActive()


def test_demo_starts_a_server_seeds_once_and_signs_in(tmp_path: Path) -> None:
    from ui.demo import start_demo, users_text

    demo = start_demo(folder=tmp_path, households=30, role="volunteer")
    try:
        assert demo.username.startswith("volunteer")
        assert records.list_households(demo.store), "the worker's households were pulled"
        text = users_text(demo.users, demo.server.base_url)
        assert demo.username in text and demo.password in text
    finally:
        demo.store.close()
        demo.server.stop()
    again = start_demo(folder=tmp_path, households=30, username="nurse1")  # seeded already
    try:
        assert again.users == demo.users
    finally:
        again.store.close()
        again.server.stop()


def test_keyboard_order_on_the_household_list(window: Any) -> None:
    """Tab goes from the search box through the filters to the table; Ctrl+F finds."""
    from ui.mainwindow import PAGE_HOUSEHOLDS, PAGE_TODAY

    page = window.households
    window.show_page(PAGE_HOUSEHOLDS)
    chain = [page.search, page.programme, page.risk, page.care, page.due_state, page.table]
    for here, there in itertools.pairwise(chain):
        assert _next_focusable(here) is there
    window.show_page(PAGE_TODAY)
    window.find_action.trigger()
    assert window.pages.currentWidget() is page
    assert (
        page.search.hasFocus() or window.focusWidget() is page.search or not window.isActiveWindow()
    )


def _next_focusable(widget: Any) -> Any:
    from PySide6.QtCore import Qt

    nxt = widget.nextInFocusChain()
    while nxt is not widget and not (
        nxt.focusPolicy() & Qt.FocusPolicy.TabFocus and nxt.isVisible()
    ):
        nxt = nxt.nextInFocusChain()
    return nxt


def test_today_offers_unfinished_forms_after_a_restart(window: Any, nurse: Any, qtbot: Any) -> None:
    """A draft left by a crash shows on Today; one click continues it."""
    from ui.mainwindow import MainWindow

    h = a_household(nurse)
    records.save_draft(
        nurse.runner.store,
        "draft-after-crash",
        "welfare_check",
        h["id"],
        {"values": {"method": "visit", "attempt": 2}, "steps": [], "note": ""},
    )
    fresh = MainWindow(nurse.runner, nurse.session, start_sync=False)  # as after a restart
    qtbot.addWidget(fresh)
    assert fresh.today.drafts_box.isVisibleTo(fresh)
    buttons = fresh.today.drafts_box.findChildren(type(fresh.lock_screen.unlock_button))
    assert buttons
    buttons[0].click()
    page = fresh.form_page
    assert page.draft_id == "draft-after-crash"
    assert page.form.editors["method"].value() == "visit"
    assert page.form.editors["attempt"].value() == 2
    fresh.idle.stop()


def test_ctrl_enter_on_today_opens_the_household(window: Any, qtbot: Any) -> None:
    rows = window.today.model.rows()
    window.today.table.selectRow(0)
    with qtbot.waitSignal(window.today.open_household) as opened:
        window.today._open_selected()
    assert opened.args == [rows[0].household_id]
    assert window._household is not None and window._household.household_id == rows[0].household_id


def test_a_field_of_the_other_programme_is_shown_but_not_editable(
    volunteer: Any, nurse: Any, qtbot: Any
) -> None:
    from ui.household_view import HouseholdView

    for worker, editable in ((volunteer, False), (nurse, True)):
        view = HouseholdView(worker.runner, worker.session, a_household(worker)["id"])
        qtbot.addWidget(view)
        assert view.editors["care_group"].isEnabled() is editable
        assert view.editors["phone"].isEnabled() and view.editors["notes"].isEnabled()
