"""The lock, as someone who finds an unlocked-then-idle laptop would meet it.

A nurse signs in for real and opens the main window (idle time set to a fraction of a second
through the window's setting, ``--idle-minutes`` in the app). Left alone, the window locks:
nothing of the records is visible (every visible widget's text is searched for the
households' addresses and names). Wrong passwords do not unlock; after five in a row even the
right password is refused until an online sign-in; the online sign-in lifts the limit.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from typing import Any

import pytest

from fieldapp import profile as profiles
from fieldapp.errors import OnlineLoginRequired, WrongKeyError
from sync.client import SyncEngine, login
from tests.e2e.conftest import CHEAP_KDF
from tests.helpers.world import PASSWORD

#: Text of the world's households that must not show while locked.
RECORD_TEXT = ("가상로", "가나다", "+821000000001", "010-0000-0001")


@pytest.fixture
def no_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BaseException]]:
    """Known-condition dialogs are recorded; anything reaching the crash path fails."""
    from ui import errors

    shown: list[BaseException] = []
    bugs: list[BaseException] = []
    monkeypatch.setattr(errors, "show_known_error", lambda _parent, err: shown.append(err))
    monkeypatch.setattr(errors, "report_bug", lambda _parent, err: bugs.append(err))
    yield shown
    assert not bugs, f"unexpected error reached the crash path: {bugs[0]!r}"


@pytest.fixture
def window(qapp: Any, live, world, laptop, memory_keyring, qtbot, no_dialogs) -> Iterator[Any]:
    from ui.mainwindow import MainWindow
    from ui.operations import OpRunner
    from ui.session import Session
    from ui.taskman import TaskManager

    device = laptop(world.nurse1)
    SyncEngine(device.profile, device.store, password=PASSWORD).sync_once()
    runner = OpRunner(TaskManager(synchronous=True))
    runner.set_store(device.store)
    session = Session.from_profile(device.profile, password=PASSWORD)
    win = MainWindow(runner, session, idle_minutes=0.002, start_sync=False)  # 120 ms
    qtbot.addWidget(win)
    win.show()
    yield win
    win.sync.stop()
    win.idle.stop()


def visible_text(window: Any) -> str:
    from PySide6.QtCore import QAbstractListModel
    from PySide6.QtWidgets import QAbstractItemView, QWidget

    parts: list[str] = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        for getter in ("text", "toPlainText", "windowTitle", "toolTip"):
            value = getattr(widget, getter, None)
            if callable(value):
                result = value()
                if isinstance(result, str):
                    parts.append(result)
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            root = widget.rootIndex()
            columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(root)
            for row in range(min(model.rowCount(root), 200)):
                for col in range(columns):
                    parts.append(str(model.index(row, col, root).data() or ""))
    return "\n".join(parts)


def try_unlock(window: Any, password: str) -> None:
    window.lock_screen.password.setText(password)
    window.lock_screen._unlock()


def test_idle_lock_hides_the_records_and_wrong_passwords_do_not_unlock(
    window: Any, qtbot: Any
) -> None:
    assert window.idle.timer.interval() == 120, "the configured idle time"
    window.idle.timer.stop()  # hold the clock while the control looks at the records
    if window.locked:  # the idle time may have passed already while the fixture set up
        window.unlock()
        window.idle.timer.stop()
    window.show_page(1)  # the households list, with addresses
    qtbot.waitUntil(lambda: window.pages.isVisible() and "가상로" in visible_text(window))
    window.idle.timer.start()  # as after the last key press
    qtbot.waitUntil(lambda: window.locked, timeout=5000)  # nobody touched anything

    assert not window.pages.isVisible()
    shown = visible_text(window)
    for text in RECORD_TEXT:
        assert text not in shown, f"{text!r} is visible while locked"

    profile = window.session.profile
    for attempt in range(1, profiles.MAX_UNLOCK_ATTEMPTS):
        try_unlock(window, f"wrong-{attempt}")
        assert window.locked
        assert window.lock_screen.message.text()
        assert profiles.failed_unlocks(profile) == attempt
    # The fifth wrong password uses up the limit: no more tries at this laptop.
    try_unlock(window, "wrong-5")
    assert window.locked
    assert not window.lock_screen.unlock_button.isEnabled()
    assert not window.lock_screen.password.isEnabled()
    # Even the right password (e.g. typed into a re-enabled field) is refused now, and the
    # offline unlock at start-up is refused too.
    try_unlock(window, PASSWORD)
    assert window.locked
    with pytest.raises(OnlineLoginRequired):
        profiles.check_password(profile, PASSWORD)
    with pytest.raises(OnlineLoginRequired):
        profiles.unlock(profile, PASSWORD)


def test_an_online_sign_in_lifts_the_unlock_limit(window: Any, live, qtbot: Any) -> None:
    profile = window.session.profile
    window.lock()
    for attempt in range(profiles.MAX_UNLOCK_ATTEMPTS):
        try_unlock(window, f"wrong-{attempt}")
    with pytest.raises(OnlineLoginRequired):
        profiles.check_password(profile, PASSWORD)
    # The online sign-in (the server checks the password, with its own lock-out).
    login(profile, live.base_url, profile.info["username"], PASSWORD, kdf=CHEAP_KDF).close()
    assert profiles.failed_unlocks(profile) == 0
    window.lock()
    window.lock_screen.prepare()
    with qtbot.waitSignal(window.lock_screen.unlocked):
        try_unlock(window, PASSWORD)
    assert not window.locked and window.pages.isVisible()


def test_a_good_unlock_resets_the_count_and_ctrl_l_locks(window: Any, qtbot: Any) -> None:
    assert window.lock_action.shortcut().toString() == "Ctrl+L"
    window.lock_action.trigger()
    assert window.locked and not window.pages.isVisible()
    try_unlock(window, "wrong")
    assert profiles.failed_unlocks(window.session.profile) == 1
    with pytest.raises(WrongKeyError, match="tries left"):
        profiles.check_password(window.session.profile, "wrong again")
    with qtbot.waitSignal(window.lock_screen.unlocked):
        try_unlock(window, PASSWORD)
    assert not window.locked
    assert profiles.failed_unlocks(window.session.profile) == 0


def test_the_offline_unlock_at_start_switches_to_online_after_the_limit(
    qapp: Any, live, world, laptop, memory_keyring, qtbot, no_dialogs
) -> None:
    from ui.login import LoginDialog
    from ui.operations import OpRunner
    from ui.taskman import TaskManager

    device = laptop(world.nurse1)
    device.close()
    runner = OpRunner(TaskManager(synchronous=True))
    dialog = LoginDialog(runner, device.profile)
    qtbot.addWidget(dialog)
    assert not dialog.server.isEnabled(), "a signed-in profile starts with offline unlock"
    for attempt in range(profiles.MAX_UNLOCK_ATTEMPTS):
        dialog.password.setText(f"wrong-{attempt}")
        dialog._submit()
        assert dialog.session is None
    assert dialog.server.isEnabled(), "after the limit the dialog asks for an online sign-in"
    assert "online" in dialog.message.text() or "온라인" in dialog.message.text()
    with pytest.raises(OnlineLoginRequired):
        profiles.unlock(device.profile, PASSWORD)
    # Online, with the right password, it opens (and the limit is lifted).
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        dialog._submit()
    assert profiles.failed_unlocks(device.profile) == 0
    runner.store.close()
