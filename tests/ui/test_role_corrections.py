"""A volunteer is not offered the correction of a nurse's record in the window (the server
would refuse it and the laptop set it aside); her own records still open for correction."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from fieldapp import records


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts of the information boxes the window would have shown."""
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "information", lambda _parent, _title, text, *a, **kw: shown.append(text)
    )
    return shown


def test_a_nurses_visit_is_not_opened_for_correction_by_a_volunteer(
    volunteer_window: Any, volunteer: Any, told: list[str]
) -> None:
    h = records.list_households(volunteer.runner.store)[0]
    nurses_visit = {
        "id": records.new_id(),
        "type": "visit",
        "household_id": h["id"],
        "programme": "visiting_health",
        "payload": {"vitals": {"pulse": 70}},
    }
    volunteer_window.correct_event(h["id"], nurses_visit)
    assert volunteer_window.form_page is None
    assert told and "다른 사업의 기록" in told[0]


def test_a_volunteers_own_check_opens_for_correction(
    volunteer_window: Any, volunteer: Any, told: list[str]
) -> None:
    store = volunteer.runner.store
    check = next(
        e
        for h in records.list_households(store)
        for e in records.household_events(store, h["id"])
        if e["type"] == "welfare_check" and e["effective"] and not e["redacted"]
    )
    volunteer_window.correct_event(check["household_id"], check)
    assert not told
    assert volunteer_window.form_page is not None
    assert volunteer_window.form_page.amends["id"] == check["id"]


def test_each_worker_is_offered_the_forms_of_their_own_programme(
    window: Any, nurse: Any, volunteer_window: Any, volunteer: Any
) -> None:
    """A nurse's household view has 방문 기록 and 선별검사 but no 안부확인 (the server refuses a
    nurse's welfare check); a volunteer's has only 안부확인."""
    nurse_view = window.open_household(records.list_households(nurse.runner.store)[0]["id"])
    assert nurse_view.visit_button.isVisible() and nurse_view.screen_button.isVisible()
    assert not nurse_view.welfare_button.isVisible()
    hid = records.list_households(volunteer.runner.store)[0]["id"]
    volunteer_view = volunteer_window.open_household(hid)
    assert volunteer_view.welfare_button.isVisible()
    assert not volunteer_view.visit_button.isVisible()
    assert not volunteer_view.screen_button.isVisible()
