"""The screenshot scripts run no event loop: what the app deletes between events (a closed form
page with its draft timer, the closed main window) must still go before the store closes, or a
draft timer fires on a closed store and ``python -m ui.screenshots`` aborts at exit."""

from __future__ import annotations

from typing import Any

from shiboken6 import isValid

from fieldapp import records
from ui.screenshots import VISIT_VALUES, close_window, fill, settle


def test_closed_pages_and_the_window_are_deleted_before_the_store_closes(
    nurse: Any, ui_app: Any, qtbot: Any
) -> None:
    from ui.mainwindow import MainWindow

    win = MainWindow(nurse.runner, nurse.session, start_sync=False)
    win.resize(1366, 768)
    win.show()
    household = records.list_households(nurse.runner.store)[0]["id"]
    win.open_form(household, "visit")
    page = win.form_page
    fill(page, VISIT_VALUES)
    assert page._draft_timer.isActive()  # the autosave is due
    page.closed.emit()  # the page is deleteLater-ed, as when the nurse closes it
    settle(ui_app)
    assert not isValid(page)  # gone with its timer: no autosave on a closed store later
    timers_before = win.idle
    close_window(ui_app, win)
    assert not isValid(win)
    assert not isValid(timers_before)
