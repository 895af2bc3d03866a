"""Empty tables say "없음" and what would appear; 초성 search finds names."""

from __future__ import annotations

from typing import Any

from fieldapp.hangul import initials


def test_conflicts_and_inbox_say_none_and_what_would_appear(ui_app: Any, qtbot: Any) -> None:
    from ui.supervisor.conflicts import ConflictsPage
    from ui.supervisor.inbox import InboxPage

    conflicts = ConflictsPage(None, None)  # type: ignore[arg-type]
    inbox = InboxPage(None, None, mine=True)  # type: ignore[arg-type]
    for page in (conflicts, inbox):
        qtbot.addWidget(page)
        page.show()
    conflicts.show_conflicts([])
    assert conflicts.empty.label.isVisible()
    assert (
        "충돌 없음" in conflicts.empty.label.text() and "나타납니다" in conflicts.empty.label.text()
    )
    inbox.model.set_rows([])
    assert inbox.empty.label.isVisible() and "인계 기록 없음" in inbox.empty.label.text()
    row = {
        "id": 1,
        "household_id": "h",
        "label": "가나다",
        "summary": "메모",
        "from_username": "a",
        "to_username": "b",
        "received_at": None,
        "acknowledged_by": None,
    }
    inbox.model.set_rows([row])
    assert not inbox.empty.label.isVisible()


def test_search_without_hits_says_so_and_initials_find_names(window: Any, qtbot: Any) -> None:
    page = window.households
    window.show_page(1)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    name = page.model.row_at(0).name
    page.search.setText("없는사람이름")
    assert page.proxy.rowCount() == 0 and page.empty.label.isVisible()
    page.search.setText(initials(name.split()[0]))
    assert page.proxy.rowCount() >= 1 and not page.empty.label.isVisible()
    shown = {page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())}
    assert name in shown


def test_the_sync_panels_empty_tables_say_none(window: Any) -> None:
    from ui.empty_state import EmptyState

    panel = window.sync_panel
    notes = [e.label.text() for e in panel.findChildren(EmptyState)]
    assert len(notes) == 3 and all("없음" in n and "나타납니다" in n for n in notes)


def test_a_table_going_away_does_not_trip_its_empty_state(ui_app: Any) -> None:
    from PySide6.QtWidgets import QTableWidget
    from shiboken6 import delete

    from ui.empty_state import show_when_empty

    table = QTableWidget(0, 2)
    empty = show_when_empty(table, "없음")
    delete(table)  # as when a window closes: the model may still signal
    empty.update()
