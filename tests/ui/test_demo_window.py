"""``fieldapp --demo``'s first seconds: a window with progress while the district is seeded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer

from ui.demo_window import DemoStartWindow, launch_demo, overall_percent


def test_window_shows_progress_before_seeding_ends_and_stays_responsive(
    ui_app: Any, qtbot: Any, tmp_path: Path
) -> None:
    from ui.taskman import TaskManager

    taskman = TaskManager()  # the real threaded manager: seeding runs beside the event loop
    ready: list[Any] = []
    seen: list[tuple[str, int, int, bool]] = []
    window = launch_demo(taskman, "nurse1", ready.append, folder=tmp_path, households=40)
    qtbot.addWidget(window)
    assert window.isVisible()  # at once, before any seeding
    real = window.show_progress

    def spy(phase: str, done: int, total: int) -> None:
        seen.append((phase, done, total, window.isVisible() and not ready))
        real(phase, done, total)

    window.show_progress = spy  # type: ignore[method-assign]
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    try:
        qtbot.waitUntil(lambda: bool(ready), timeout=120_000)
    finally:
        timer.stop()
        taskman.shutdown()
    demo = ready[0]
    try:
        phases = [s[0] for s in seen]
        assert phases[0] == "server" and phases[-1] == "sign-in"
        assert {"users", "households", "events"} <= set(phases)
        assert all(shown for *_, shown in seen)  # every step shown in the open window
        events = [(d, t) for ph, d, t, _ in seen if ph == "events"]
        assert len(events) >= 2 and events[-1][0] == events[-1][1] == 40
        assert len(ticks) >= 5  # the event loop ran while the worker seeded
        assert not window.isVisible()  # closed once the main window can open
        assert demo.username == "nurse1"
    finally:
        demo.store.close()
        demo.server.stop()


def test_failure_is_said_in_the_window(ui_app: Any, qtbot: Any) -> None:
    window = DemoStartWindow("nurse3")
    qtbot.addWidget(window)
    window.show_failure("no demo user 'nobody'")
    assert "no demo user 'nobody'" in window.step.text()
    assert not window.close_button.isHidden()


def test_overall_percent_moves_forward_through_the_phases() -> None:
    steps = [("server", 0, 0), ("users", 23, 23), ("households", 100, 200), ("events", 1, 200)]
    steps += [("events", 200, 200), ("sign-in", 0, 0)]
    values = [overall_percent(*s) for s in steps]
    assert values == sorted(values) and values[0] == 0 and values[-1] >= 90


def test_an_interrupted_first_run_seeds_again_from_an_empty_database(tmp_path: Path) -> None:
    from ui.demo import start_demo

    (tmp_path / "district.db").write_bytes(b"half a database: the first run was closed")
    demo = start_demo(folder=tmp_path, households=10, username="nurse1")
    try:
        assert demo.username == "nurse1"
    finally:
        demo.store.close()
        demo.server.stop()
