"""The first seconds of ``fieldapp --demo``: a window saying what is happening and how far.

The first run seeds the synthetic district (a minute on a slow laptop). :func:`launch_demo`
shows :class:`DemoStartWindow` at once and runs :func:`ui.demo.start_demo` on the task
manager's database worker (which then owns the demo's store); the worker reports each step
through the task manager's poster, so the window is updated on the main thread and stays
responsive. When the demo is ready, *on_ready* gets the :class:`~ui.demo.DemoSetup` and the
window closes; if it fails the window says why and offers to close.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.demo import DEMO_HOUSEHOLDS, DemoSetup, start_demo

log = logging.getLogger("fieldapp.ui")

#: Where each phase starts and ends on the overall bar (percent).
PHASE_SPAN: dict[str, tuple[int, int]] = {
    "server": (0, 4),
    "users": (4, 8),
    "households": (8, 20),
    "events": (20, 92),
    "sign-in": (92, 100),
}


def overall_percent(phase: str, done: int, total: int) -> int:
    """How far the whole start is, 0-100, after *done* of *total* in *phase*."""
    start, end = PHASE_SPAN.get(phase, (0, 0))
    if total <= 0:
        return start
    return start + (end - start) * min(done, total) // total


class DemoStartWindow(QWidget):
    """Progress of the demo's start: what is happening, how far, and failure if any."""

    def __init__(self, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoStart")
        self.setWindowTitle(self.tr("돌봄노트 데모 준비"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("데모를 준비하고 있습니다"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.step = QLabel(self.tr("시작하는 중…"))
        self.step.setObjectName("demoStep")
        layout.addWidget(self.step)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setValue(0)
        layout.addWidget(self.bar)
        self.hint = QLabel(
            self.tr(
                "처음 실행할 때만 합성 데이터(실존 인물 없음)로 데모 지역을 만듭니다. "
                "준비되면 {user} 계정으로 로그인한 창이 열립니다."
            ).format(user=username)
        )
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.close_button = QPushButton(self.tr("닫기"))
        self.close_button.clicked.connect(self.close)
        self.close_button.hide()
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignRight)
        self.phases: list[str] = []

    def step_text(self, phase: str, done: int, total: int) -> str:
        """What is happening, in a few words."""
        if phase == "server":
            return self.tr("데모 지역 서버를 시작하는 중…")
        if phase == "users":
            return self.tr("데모 계정을 만드는 중…")
        if phase == "households":
            return self.tr("가구를 등록하는 중… ({done}/{total}가구)").format(
                done=done, total=total
            )
        if phase == "events":
            return self.tr("2년간의 방문·안부확인 기록을 넣는 중… ({done}/{total}가구)").format(
                done=done, total=total
            )
        if phase == "sign-in":
            return self.tr("로그인하고 담당 가구를 내려받는 중…")
        return self.tr("준비하는 중…")

    def show_progress(self, phase: str, done: int, total: int) -> None:
        """One step of the start: the words and the bar."""
        if not self.phases or self.phases[-1] != phase:
            self.phases.append(phase)
        self.step.setText(self.step_text(phase, done, total))
        self.bar.setValue(overall_percent(phase, done, total))

    def show_failure(self, message: str) -> None:
        """The demo could not start: say why; the user closes the window."""
        self.step.setText(self.tr("데모를 시작하지 못했습니다: {reason}").format(reason=message))
        self.bar.hide()
        self.hint.setText(
            self.tr("터미널에서 fieldapp --demo --debug 로 실행하면 자세한 기록이 나옵니다.")
        )
        self.close_button.show()


def launch_demo(
    taskman: Any,
    username: str,
    on_ready: Callable[[DemoSetup], None],
    *,
    folder: Path | None = None,
    households: int = DEMO_HOUSEHOLDS,
) -> DemoStartWindow:
    """Show the progress window now and start the demo in the background.

    *taskman* is the app's :class:`~ui.taskman.TaskManager`; *on_ready(demo)* runs on the main
    thread once the worker is signed in and synced, and the window then closes.
    """
    window = DemoStartWindow(username)
    window.show()
    post = taskman.poster()

    def progress(phase: str, done: int, total: int) -> None:  # worker thread: no Qt
        post(lambda: window.show_progress(phase, done, total))

    def task() -> DemoSetup:
        return start_demo(
            folder=folder, username=username, households=households, progress=progress
        )

    def finished(future: Future[DemoSetup]) -> None:
        try:
            demo = future.result()
        except Exception as exc:  # shown in the window; the user closes it
            log.exception("the demo did not start")
            print(f"fieldapp --demo: the demo did not start: {exc}", file=sys.stderr, flush=True)
            window.show_failure(str(exc))
            return
        on_ready(demo)
        window.close()

    taskman.run_db(task, finished)
    return window
