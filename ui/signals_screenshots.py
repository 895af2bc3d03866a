"""Screenshots of the early-warning signals: ``python -m ui.signals_screenshots [OUT_DIR]``.

Starts the demo district (embedded server, synthetic data with its injected declines) in a
temporary folder. As nurse3 it saves the household with the most active signals on its 신호 tab
(``household_signals.png``) and Today (``today_signals.png``, the signal rows); as the demo
supervisor, the board's signal list (``supervisor_board_signals.png``). 1366x768, offscreen or
under Xvfb.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from ui.screenshots import SIZE, close_window, run_cli, settle


def _most_signalled(store: Any, programme: str | None) -> str:
    """The household on this laptop with the most active signals of *programme* (what its
    신호 tab shows; ties: the most evidence)."""
    from fieldapp.programme_time import programme_today
    from sync.cli_signals import store_signals

    score: dict[str, tuple[int, int]] = {}
    for s in store_signals(store, programme_today(), programme=programme):
        n, ev = score.get(s.household_id, (0, 0))
        score[s.household_id] = (n + 1, ev + len(s.evidence))
    if not score:
        raise RuntimeError("no household on this laptop has an active signal")
    return max(score, key=lambda hid: score[hid])


def take(out: Path, *, households: int = 300, lang: str = "ko") -> list[Path]:
    """Save the screenshots into *out*; return their paths."""
    from ui.main import make_app

    app, _translators = make_app(lang)
    from ui.demo import start_demo
    from ui.mainwindow import PAGE_SUPERVISOR, PAGE_TODAY, MainWindow
    from ui.operations import OpRunner
    from ui.session import Session
    from ui.taskman import TaskManager

    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []

    def window(demo: Any) -> Any:
        runner = OpRunner(TaskManager(synchronous=True))
        runner.set_store(demo.store)
        session = Session.from_profile(demo.profile, password=demo.password)
        win = MainWindow(runner, session, start_sync=False)
        win.resize(*SIZE)
        win.show()
        win.sync.sync_now()  # online, as the demo is
        return win

    def shot(widget: Any, name: str) -> None:
        settle(app)
        path = out / f"{name}.png"
        widget.grab().save(str(path))
        saved.append(path)

    with tempfile.TemporaryDirectory() as tmp:
        demo = start_demo(folder=Path(tmp), households=households, username="nurse3")
        try:
            win = window(demo)
            win.show_page(PAGE_TODAY)
            today = win.today
            first = next((i for i, r in enumerate(today.model.rows()) if r.code == "signal"), None)
            if first is not None:
                today.table.selectRow(first)
                today.table.scrollTo(today.model.index(first, 0))
            shot(win, "today_signals")
            view = win.open_household(_most_signalled(demo.store, win.session.programme))
            view.tabs.setCurrentWidget(view.signals_panel)
            shot(win, "household_signals")
            close_window(app, win)
        finally:
            demo.store.close()
            demo.server.stop()
        sup = start_demo(folder=Path(tmp), households=households, role="supervisor")
        try:
            win = window(sup)
            win.show_page(PAGE_SUPERVISOR)
            board = win.supervisor.board
            board.view.setMaximumHeight(230)  # the workers' table short: the list in view
            shot(win, "supervisor_board_signals")
            close_window(app, win)
        finally:
            sup.store.close()
            sup.server.stop()
    return saved


def main(argv: list[str] | None = None) -> int:
    return run_cli(take, __doc__.splitlines()[0], 300, argv)


if __name__ == "__main__":
    sys.exit(main())
