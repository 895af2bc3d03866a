"""Operations: the answer of a read whose widget was closed meanwhile goes nowhere."""

from __future__ import annotations

import threading
from typing import Any

import shiboken6
from PySide6.QtWidgets import QWidget


def test_an_answer_for_a_closed_widget_is_dropped(nurse: Any, qtbot: Any) -> None:
    """A household view replaced while its read is on the database worker: the read's answer
    must not reach the deleted view (before: 'Internal C++ object already deleted')."""
    from ui.operations import OpRunner, QueryOp
    from ui.taskman import TaskManager

    taskman = TaskManager()
    runner = OpRunner(taskman)
    runner.set_store(nurse.runner.store)
    view = QWidget()
    child = QWidget(view)
    release = threading.Event()
    answers: list[int] = []

    def read(_store: Any) -> int:
        release.wait(5)
        return 1

    def show(value: int) -> None:
        child.setObjectName("filled")  # what a view's callback does with its tables
        answers.append(value)

    try:
        QueryOp(view, read).success(show).run(runner)
        shiboken6.delete(view)  # the worker closes the view meanwhile
        release.set()
        qtbot.waitUntil(lambda: not taskman.busy, timeout=5000)
        qtbot.wait(50)
        assert answers == []
    finally:
        taskman.shutdown()
