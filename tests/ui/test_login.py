"""The lock screen and the status bar say what is true: tries left as a number, and no
"온라인" before this session has reached the server."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest


def test_the_lock_screen_counts_the_tries_left(window: Any, qtbot: Any) -> None:
    """Issue 14, seen 6: the count comes from the error's field, not from its English text."""
    from fieldapp.profile import MAX_UNLOCK_ATTEMPTS

    window.lock()
    screen = window.lock_screen
    for attempt in (1, 2):
        QTest.keyClicks(screen.password, f"wrong-{attempt}")
        QTest.keyClick(screen.password, Qt.Key.Key_Return)
        text = screen.message.text()
        left = MAX_UNLOCK_ATTEMPTS - attempt
        assert f"(온라인 로그인이 필요해지기까지 {left}번 남음)" in text, text
        assert "한/영)" not in text


def test_the_status_bar_is_not_online_before_a_contact(window: Any, qtbot: Any) -> None:
    """Issue 14, seen 8: the last session ended online (status.json says so); this one has
    not reached the server yet, so the bar says 오프라인, then 확인 중 while it tries."""
    window.sync.refresh_status()
    assert "온라인" not in window.status.online.text()
    assert "오프라인" in window.status.online.text()
    seen: list[str] = []
    window.sync.started.connect(lambda: seen.append(window.status.online.text()))
    with qtbot.waitSignal(window.sync.finished, timeout=30000):
        window.sync.sync_now()
    assert seen and "확인 중" in seen[0]
    assert "온라인" in window.status.online.text()
