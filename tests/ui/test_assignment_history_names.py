"""담당 이력 names people ("이름 (username)") and says the servers' reasons in the UI's
language; what an older server sent (usernames only, "seed-demo" / "demo data") still shows."""

from __future__ import annotations

from typing import Any

from fieldapp import records
from ui.assignment_text import person_text, reason_text


def _rows(view: Any) -> list[list[str]]:
    table = view.assignments
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_the_history_names_people_as_the_server_sent_them(
    window: Any, nurse: Any, district: Any
) -> None:
    h = records.list_households(nurse.runner.store)[0]
    view = window.open_household(h["id"])
    rows = _rows(view)
    nurse1 = district.users["nurse1"]["display_name"]  # "정은윤 (방문간호사)"
    admin = district.users["admin"]["display_name"]
    assert nurse1.endswith(")") and admin.endswith(")")
    shown = {cell for row in rows for cell in row}
    assert f"{nurse1[:-1]} · nurse1)" in shown  # the current assignment and its history entry
    assert f"{admin[:-1]} · admin)" in shown  # who made the first assignment
    assert "nurse1" not in shown and "admin" not in shown  # no bare usernames
    assert all(row[4] in ("", "신규 등록 (최초 배정)") for row in rows)


def test_an_older_servers_history_shows_usernames_and_korean_reasons(window: Any) -> None:
    """No display-name keys (an older server), the old demo's reason codes and a typed one."""
    view = window.open_household(records.list_households(window.runner.store)[0]["id"])
    view._show_assignments(
        {
            "assignments": {"welfare_check": "volunteer7"},
            "assignment_history": [
                {
                    "programme": "welfare_check",
                    "username": "volunteer1",
                    "assigned_by": "seed-demo",
                    "at": "2026-11-02T09:00:00+00:00",
                    "reason": "demo data",
                },
                {
                    "programme": "welfare_check",
                    "username": "volunteer7",
                    "previous_username": "volunteer1",
                    "assigned_by": "supervisor1",
                    "at": "2026-11-20T09:00:00+00:00",
                    "reason": "undo of 3f2b9c1e-1111-4222-8333-444455556666: 돌봄단 활동 종료",
                },
            ],
        }
    )
    rows = _rows(view)
    assert [r[1] for r in rows] == ["volunteer7", "volunteer7", "volunteer1"]
    assert rows[1][2:] and rows[1][2] == "supervisor1"
    assert rows[1][4] == "재배정 되돌림: 돌봄단 활동 종료"
    assert rows[2][2] == "데모 준비"
    assert rows[2][4] == "데모 자료 (최초 배정)"
    text = " ".join(cell for row in rows for cell in row)
    assert "seed-demo" not in text and "demo data" not in text and "undo of" not in text


def test_the_laptops_own_hand_over_reason_reads_in_korean(ui_app: Any) -> None:
    """A household a resync (trimmed feed, restored server) no longer lists is handed over
    with the client's reason; the sync panel and 담당 이력 say it in the UI language."""
    from sync.client import UNLISTED_REASON

    assert reason_text(UNLISTED_REASON).startswith("서버에서 더 이상 내 담당이 아님")
    old = "no longer assigned to you on the server (it was restored from a backup)"
    assert reason_text(old) == reason_text(UNLISTED_REASON)


def test_names_and_reasons_in_english(ui_app: Any) -> None:
    from ui import appsetup

    translators = appsetup.install_translators(ui_app, "en")
    try:
        assert reason_text("demo data") == "Demo data (first assignment)"
        assert reason_text("신규 등록 (최초 배정)") == "New registration (first assignment)"
        assert reason_text("이사") == "이사"  # typed by a supervisor: as typed
        assert person_text("seed-demo", {}) == "Demo setup"
        assert person_text("vol1", {"vol1": "김하나"}) == "김하나 (vol1)"
        assert (
            person_text("nurse3", {"nurse3": "정은윤 (방문간호사)"})
            == "정은윤 (방문간호사 · nurse3)"
        )
        assert person_text(None, {}) == "—"
    finally:
        for t in translators:
            ui_app.removeTranslator(t)


def test_a_conflict_card_names_who_wrote_each_value(ui_app: Any) -> None:
    from PySide6.QtWidgets import QLabel

    from ui.household_view import ConflictCard

    card = ConflictCard(
        {
            "field": "notes",
            "mine": "열쇠는 경비실",
            "mine_by": "nurse3",
            "mine_at": "2026-12-04T04:17:00+00:00",
            "theirs": "열쇠는 이웃집",
            "theirs_by": "volunteer12",
            "theirs_at": "2026-12-04T00:17:00+00:00",
        },
        names={"nurse3": "정은윤", "volunteer12": "김다솜"},
    )
    texts = [label.text() for label in card.findChildren(QLabel)]
    assert any(t.startswith("정은윤 (nurse3) · ") for t in texts), texts
    assert any(t.startswith("김다솜 (volunteer12) · ") for t in texts), texts
    card.deleteLater()
