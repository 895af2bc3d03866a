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
