"""로그아웃 returns to the sign-in window instead of ending the app."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget


class FakeMainWindow(QWidget):
    signed_out = Signal()
    made: ClassVar[list[FakeMainWindow]] = []

    def __init__(self, runner: Any, session: Any, idle_minutes: float = 10.0) -> None:
        super().__init__()
        self.session = session
        FakeMainWindow.made.append(self)


class FakeLogin:
    shown: ClassVar[list[FakeLogin]] = []

    def __init__(self, runner: Any, profile: Any) -> None:
        self.session = {"username": "nurse3", "again": len(FakeLogin.shown)}
        FakeLogin.shown.append(self)

    def exec(self) -> bool:
        return True


def test_signing_out_opens_the_sign_in_window_and_the_app_stays(ui_app: Any, qtbot: Any) -> None:
    from ui.main import AppFlow
    from ui.operations import OpRunner
    from ui.taskman import TaskManager

    quits: list[int] = []
    ui_app.aboutToQuit.connect(lambda: quits.append(1))
    runner = OpRunner(TaskManager(synchronous=True))
    flow = AppFlow(ui_app, runner, FakeMainWindow, FakeLogin)
    flow.open_window({"username": "nurse3"})
    first = FakeMainWindow.made[-1]
    qtbot.addWidget(first)
    first.signed_out.emit()  # MainWindow.sign_out emits this, then closes itself
    first.close()
    assert FakeLogin.shown, "the sign-in window opened"
    assert len(flow.windows) == 2 and flow.windows[-1].isVisible()
    qtbot.addWidget(flow.windows[-1])
    assert not quits
    assert ui_app.quitOnLastWindowClosed()  # restored once signed in again


def test_what_the_sign_in_did_to_the_local_database_is_said_over_the_window(
    ui_app: Any, qtbot: Any, tmp_path: Any
) -> None:
    """An online sign-in that moved a damaged database aside, or gave up records the file
    had lost, says so in the UI language once the main window opens (not only on the CLI)."""
    from fieldapp.profile import LoginNotice, Profile
    from ui.main import AppFlow
    from ui.operations import OpRunner
    from ui.taskman import TaskManager

    runner = OpRunner(TaskManager(synchronous=True))
    flow = AppFlow(ui_app, runner, FakeMainWindow, FakeLogin)
    flow.profile = Profile(tmp_path)
    flow.profile.login_notices = [
        LoginNotice("lost_accepted", "English", file_name="fieldapp.db", counted=5, holds=2)
    ]
    flow.ask_login()
    qtbot.addWidget(flow.windows[-1])
    box = flow.notices
    assert box is not None and box.isVisible() and box.parent() is flow.windows[-1]
    text = box.text()
    assert "5건" in text and "2건만" in text and "fieldapp.db" in text and "English" not in text
    box.close()

    flow.profile.login_notices = []  # a sign-in with nothing to say shows no box
    flow.ask_login()
    qtbot.addWidget(flow.windows[-1])
    assert flow.notices is None
