"""Today, the households list and the household view all show the household-state rule:
다음 방문 and the 방문 상태 filter, a recorded action that closes its record (one row per
event), a 필요 row closed from 조치·의뢰, drafts by form name, refreshed without reopening."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtWidgets import QPushButton

from fieldapp import records
from fieldapp.household_state import SIGNAL, household_state, worklist
from fieldapp.programme_time import programme_today
from tests.helpers.payloads import welfare_payload
from ui import data
from ui.households_model import COLUMNS, label
from ui.operations import OpChanges

VH, WC = "visiting_health", "welfare_check"
LOW_GLUCOSE = {"bp": [{"systolic": 152, "diastolic": 94}, {"systolic": 148, "diastolic": 92}],
               "glucose": {"value": 65, "timing": "fasting"}}  # fmt: skip


def nurse_household(nurse: Any) -> dict[str, Any]:
    """A household of the nurse's with no open immediate item today."""
    store = nurse.runner.store
    today = programme_today()
    for h in records.list_households(store):
        if not (h.get("assignments") or {}).get(VH):
            continue
        state = household_state(h, records.household_events(store, h["id"]), today)
        if not state.for_programme(VH).immediate:
            return h
    raise AssertionError("the demo nurse has a household with nothing immediate")


def save(nurse: Any, event: dict[str, Any], *more: dict[str, Any]) -> None:
    store = nurse.runner.store
    with store.atomic():
        for e in (event, *more):
            records.append_event(store, e)
    nurse.runner.changed.emit(
        OpChanges(households=frozenset({event["household_id"]}), events=True, sync_state=True)
    )


def flagged_visit(nurse: Any, hid: str) -> dict[str, Any]:
    return {
        "id": records.new_id(),
        "type": "visit",
        "household_id": hid,
        "programme": VH,
        "created_by": nurse.session.username,
        "device_id": nurse.session.device_id,
        "device_time": records.utc_now(),
        "payload": {"vitals": LOW_GLUCOSE},
    }


def banner_answer(visit: dict[str, Any]) -> dict[str, Any]:
    """What the form saves with the record when the banner's action is ticked."""
    return {
        **visit,
        "id": records.new_id(),
        "type": "referral",
        "payload": {
            "target": "곁에 머물며 안전을 확인함",
            "reason": "저혈당(70 mg/dL 미만) / 조치 메모: 사탕 드림",
            "urgency": "immediate",
            "status": "done",
            "closes": visit["id"],
        },
    }


def _hypo(text: str) -> bool:
    """The low-glucose action's text, in either UI language."""
    return "저혈당" in text or "Hypoglycaemia" in text


def draft_buttons(view: Any) -> list[str]:
    """The texts of the view's 작성 중인 양식 buttons (as laid out now)."""
    layout = view.drafts_layout
    widgets = (layout.itemAt(i).widget() for i in range(layout.count()))
    return [w.text() for w in widgets if isinstance(w, QPushButton)]


def today_rows_for(window: Any, hid: str) -> list[Any]:
    return [r for r in window.today.model.rows() if r.household_id == hid]


def actions_tab(view: Any) -> list[list[str]]:
    t = view.actions_table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


# ------------------------------------------------------------------ households list


def test_households_list_shows_the_rules_next_visit_and_filters_by_it(
    window: Any, nurse: Any
) -> None:
    page = window.households
    store = nurse.runner.store
    # the order the worker threads give: Today's states arrive before the list's rows
    page.model.set_rows([])
    window.today.reload()
    page._loaded(data.load_household_rows(store, {}))
    households = [h for h in records.list_households(store) if (h.get("assignments") or {}).get(VH)]
    states: dict[str, Any] = {}
    worklist(
        households,
        records.effective_events_by_household(store, [h["id"] for h in households]),
        VH,
        programme_today(),
        states_out=states,
    )
    due_col = COLUMNS.index("due")
    shown = {
        page.model.index(r, 0).data(page.model.IdRole): page.model.index(r, due_col).data()
        for r in range(page.model.rowCount())
    }
    for hid, state in states.items():
        expected = f"{label('due_state', state.contact_state)} · {state.next_contact_due}"
        assert shown[hid] == expected, hid
    assert shown and all(text != "—" for hid, text in shown.items() if hid in states)
    # a household's most urgent Today row is its 방문 상태 (a household may have several rows;
    # signal rows move no visit)
    top: dict[str, Any] = {}
    for r in window.today.model.rows():
        if r.code == SIGNAL:
            continue
        if r.household_id not in top or r.rank < top[r.household_id].rank:
            top[r.household_id] = r
    seen = 0
    for state in ("overdue", "due_today", "upcoming"):
        on_today = [r for r in top.values() if r.urgency == state]
        page.due_state.setCurrentIndex(page.due_state.findData(state))
        assert page.proxy.rowCount() == len(on_today), state
        assert page.count.text().startswith(f"{len(on_today)} / ")
        seen += len(on_today)
    assert seen, "the demo nurse has work due"


def test_a_signal_shows_on_today_but_moves_no_visit_on_the_households_list(
    volunteer: Any, qtbot: Any
) -> None:
    """Three reached checks with low mood today make a signal (a Today row due today); the
    household's 다음 방문 stays its next weekly check and the 오늘 filter leaves it out."""
    from ui.mainwindow import MainWindow

    win = MainWindow(volunteer.runner, volunteer.session, start_sync=False)
    qtbot.addWidget(win)
    store, session = volunteer.runner.store, volunteer.session
    hid = records.list_households(store)[0]["id"]
    now = datetime.now(UTC)
    checks = [
        {
            "id": records.new_id(),
            "type": "welfare_check",
            "household_id": hid,
            "programme": WC,
            "created_by": session.username,
            "device_id": session.device_id,
            "device_time": (now - timedelta(minutes=minutes)).isoformat(),
            "payload": welfare_payload(mood="low"),
        }
        for minutes in (30, 20, 10)
    ]
    save(volunteer, *checks)
    win.households.reload()
    today = programme_today()
    (signal,) = [r for r in today_rows_for(win, hid) if r.code == SIGNAL]
    assert signal.due_date == today.isoformat() and signal.urgency == "due_today"
    state = household_state(
        records.get_household(store, hid), records.household_events(store, hid), today
    ).for_programme(WC)
    assert state.signals and state.next_due == today  # the rule's items still hold it
    next_check = today + timedelta(days=7)  # a weekly check, reached today
    assert (state.contact_state, state.next_contact_due) == ("upcoming", next_check)
    page = win.households
    row = page.model.row_of(hid)
    shown = page.model.index(row, COLUMNS.index("due")).data()
    assert shown == f"{label('due_state', 'upcoming')} · {next_check}"
    page.due_state.setCurrentIndex(page.due_state.findData("due_today"))
    listed = {page.proxy.index(r, 0).data(page.model.IdRole) for r in range(page.proxy.rowCount())}
    assert hid not in listed
    page.due_state.setCurrentIndex(page.due_state.findData("upcoming"))
    listed = {page.proxy.index(r, 0).data(page.model.IdRole) for r in range(page.proxy.rowCount())}
    assert hid in listed


# ------------------------------------------------------------------ a recorded action


def test_a_recorded_action_closes_its_record_on_today_and_the_view(window: Any, nurse: Any) -> None:
    h = nurse_household(nurse)
    visit = flagged_visit(nurse, h["id"])
    save(nurse, visit, banner_answer(visit))
    assert not [r for r in today_rows_for(window, h["id"]) if r.urgency == "immediate"]
    view = window.open_household(h["id"])
    assert view.open_actions.text() == "없음"
    assert view.open_action_items() == []
    rows = [r for r in actions_tab(view) if _hypo(r[3])]
    assert len(rows) == 1, "the record and its answer are one row"
    assert rows[0][2] == "완료" and "곁에 머물며 안전을 확인함" in rows[0][3]


def test_an_open_action_is_closed_from_the_actions_tab(window: Any, nurse: Any, qtbot: Any) -> None:
    h = nurse_household(nurse)
    visit = flagged_visit(nurse, h["id"])
    save(nurse, visit)  # e.g. from before the banner named its record
    [row] = [r for r in today_rows_for(window, h["id"]) if r.urgency == "immediate"]
    assert row.record_id == visit["id"] and row.code == "immediate_action"
    view = window.open_household(h["id"])
    [item] = view.open_action_items()
    assert item.record_id == visit["id"]
    assert _hypo(view.open_actions.text())
    [needed] = [i for i, r in enumerate(actions_tab(view)) if r[2] == "필요"]
    view.actions_table.selectRow(needed)
    assert view.close_action_button.isEnabled()
    view.close_action_button.click()
    dialog = view.action_dialog
    dialog.checks["called_119"].setChecked(True)
    dialog.note.setText("보호자 연락")
    with qtbot.waitSignal(dialog.accepted):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    answers = [
        e
        for e in records.household_events(nurse.runner.store, h["id"])
        if (e.get("payload") or {}).get("closes") == visit["id"]
    ]
    assert len(answers) == 1 and answers[0]["payload"]["status"] == "done"
    assert not [r for r in today_rows_for(window, h["id"]) if r.urgency == "immediate"]
    assert view.open_action_items() == [] and view.open_actions.text() == "없음"
    assert [r[2] for r in actions_tab(view) if _hypo(r[3])] == ["완료"]


def test_enter_on_an_immediate_row_opens_the_action_record(window: Any, nurse: Any) -> None:
    h = nurse_household(nurse)
    visit = flagged_visit(nurse, h["id"])
    save(nurse, visit)
    page = window.today
    pos = next(i for i, r in enumerate(page.model.rows()) if r.record_id == visit["id"])
    page.table.activated.emit(page.model.index(pos, 0))
    assert page.action_dialog.item.record_id == visit["id"]
    assert page.action_dialog.isVisible()
    page.action_dialog.reject()


# ------------------------------------------------------------------ drafts


def test_drafts_show_by_form_name_and_refresh_the_open_view(window: Any, nurse: Any) -> None:
    h = nurse_household(nurse)
    view = window.open_household(h["id"])
    store = nurse.runner.store
    risk = {"text_ko": "자살 위험: 109 연결", "text_en": "Suicide risk"}
    records.save_draft(
        store,
        "draft-phq9",
        "screening:phq9",
        h["id"],
        {"values": {}, "result": {"immediate": [risk]}, "action_recorded": False},
    )
    nurse.runner.changed.emit(OpChanges(drafts=True))  # what the form's autosave says
    texts = draft_buttons(view)
    assert len(texts) == 1 and "PHQ-9" in texts[0] and "screening:" not in texts[0]
    assert texts[0].startswith("⚠")
    [first] = window.today.model.rows()[:1]
    assert (first.household_id, first.code, first.record_id) == (
        h["id"],
        "draft_risk",
        "draft-phq9",
    )
    assert "자살 위험" in view.open_actions.text() or "Suicide risk" in view.open_actions.text()
    records.delete_draft(store, "draft-phq9")
    nurse.runner.changed.emit(OpChanges(drafts=True))
    assert draft_buttons(view) == []
    assert not [r for r in today_rows_for(window, h["id"]) if r.code == "draft_risk"]


def test_enter_on_a_risky_draft_row_resumes_that_draft(window: Any, nurse: Any, qtbot: Any) -> None:
    h = nurse_household(nurse)
    risk = {"text_ko": "자살 위험: 109 연결", "text_en": "Suicide risk"}
    records.save_draft(
        nurse.runner.store,
        "draft-risky",
        "screening:phq9",
        h["id"],
        {"values": {}, "result": {"immediate": [risk]}, "action_recorded": False},
    )
    nurse.runner.changed.emit(OpChanges(drafts=True))
    page = window.today
    first = page.model.rows()[0]
    assert (first.code, first.record_id, first.urgency) == (
        "draft_risk",
        "draft-risky",
        "immediate",
    )
    with qtbot.waitSignal(page.resume_draft) as resumed:
        page.table.activated.emit(page.model.index(0, 0))
    assert resumed.args[0] == h["id"] and resumed.args[1]["id"] == "draft-risky"


def test_todays_to_do_column_says_what_enter_does(window: Any, nurse: Any) -> None:
    h = nurse_household(nurse)
    visit = flagged_visit(nurse, h["id"])
    save(nurse, visit)
    model = window.today.model
    pos = next(i for i, r in enumerate(model.rows()) if r.record_id == visit["id"])
    assert model.index(pos, model.COLUMNS.index("form")).data() == "조치 기록"


def test_an_open_referral_is_closed_from_the_actions_tab(
    window: Any, nurse: Any, qtbot: Any
) -> None:
    h = nurse_household(nurse)
    referral = {
        **flagged_visit(nurse, h["id"]),
        "type": "referral",
        "payload": {
            "target": "치매안심센터",
            "reason": "CIST 저하",
            "urgency": "urgent",
            "status": "open",
            "closes": None,
        },
    }
    save(nurse, referral)
    view = window.open_household(h["id"])
    assert [i.record_id for i in view.detail.state.referrals] == [referral["id"]]
    [pos] = [i for i, r in enumerate(actions_tab(view)) if "치매안심센터" in r[3]]
    assert actions_tab(view)[pos][2] == "진행 중"
    view.actions_table.selectRow(pos)
    view.close_selected_action()
    dialog = view.action_dialog
    dialog.note.setText("연계 완료, 검사 예약")
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    assert view.detail.state.referrals == []
    [row] = [r for r in actions_tab(view) if "치매안심센터" in r[3]]
    assert row[2] == "완료" and "연계 완료" in row[3]
    assert not [r for r in today_rows_for(window, h["id"]) if r.code == "referral"]


def test_enter_on_a_referral_row_opens_the_action_record(window: Any, nurse: Any) -> None:
    h = nurse_household(nurse)
    referral = {
        **flagged_visit(nurse, h["id"]),
        "type": "referral",
        "payload": {"target": "보건소", "reason": "r", "urgency": "immediate", "status": "open"},
    }
    save(nurse, referral)
    page = window.today
    pos = next(i for i, r in enumerate(page.model.rows()) if r.record_id == referral["id"])
    assert page.model.rows()[pos].urgency == "immediate"
    page.table.activated.emit(page.model.index(pos, 0))
    assert page.action_dialog.item.record_id == referral["id"]
    page.action_dialog.reject()
