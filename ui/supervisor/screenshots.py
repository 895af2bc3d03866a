"""Screenshots of the supervisor workspace: ``python -m ui.supervisor.screenshots [OUT_DIR]``.

From the demo district as ``fieldapp --demo`` builds it (same seed and size, with its open
work: a conflict and a late hand-over), signed in as the demo's supervisor (supervisor1):
the board, the reassignment preview of the volunteer with the largest caseload, the conflicts
view and the hand-over inbox at 1366x768 as ``supervisor_*.png``. Nothing is added to the
demo's data. Run offscreen or under Xvfb (``xvfb-run -s "-screen 0 1366x768x24" python -m
ui.supervisor.screenshots``); ``python -m ui.screenshots`` takes these with all the others.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from ui.screenshots import SIZE, close_window, run_cli, settle

#: The demo's supervisor (sync/server/demo_workflows.py leaves their open work).
DEMO_SUPERVISOR = "supervisor1"


def take(
    out: Path, *, households: int | None = None, lang: str = "ko", folder: Path | None = None
) -> list[Path]:
    """Save the screenshots into *out*; return their paths. *folder*: a demo folder to use
    (seeded on first use), else a temporary one."""
    from ui.main import make_app

    app, _translators = make_app(lang)
    from sync.client_supervisor import SupervisorClient
    from ui.demo import DEMO_HOUSEHOLDS, start_demo
    from ui.mainwindow import PAGE_SUPERVISOR, MainWindow
    from ui.operations import OpRunner
    from ui.session import Session
    from ui.supervisor.reassign import MODE_ALL
    from ui.taskman import TaskManager

    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        demo = start_demo(
            folder=folder or Path(tmp),
            households=households or DEMO_HOUSEHOLDS,
            username=DEMO_SUPERVISOR,
        )
        try:
            runner = OpRunner(TaskManager(synchronous=True))
            runner.set_store(demo.store)
            session = Session.from_profile(demo.profile, password=demo.password)
            win = MainWindow(runner, session, start_sync=False)
            client = SupervisorClient.for_engine(win.sync.engine)
            win.resize(*SIZE)
            win.show()
            win.sync.sync_now()  # online, as the demo is

            def shot(widget: Any, name: str) -> None:
                settle(app)
                path = out / f"supervisor_{name}.png"
                widget.grab().save(str(path))
                saved.append(path)

            win.show_page(PAGE_SUPERVISOR)
            workspace = win.supervisor
            shot(win, "board")
            workers = workspace.board.board["workers"]
            volunteers = [w for w in workers if w["role"] == "volunteer" and w["active"]]
            busiest = max(
                volunteers,
                key=lambda w: len(
                    client.households(programme="welfare_check", username=w["username"])
                ),
            )
            dialog = workspace.open_reassign(busiest)
            dialog.resize(*SIZE)
            dialog.mode.button(MODE_ALL).click()
            others = [
                dialog.to_worker.itemData(i)
                for i in range(dialog.to_worker.count())
                if dialog.to_worker.itemData(i) != busiest["username"]
            ]
            dialog.to_worker.setCurrentIndex(dialog.to_worker.findData(others[0]))
            dialog.reason.setText("돌봄단 활동 종료 (2026년 12월)")
            dialog.run_preview()
            if dialog.preview is None:
                raise RuntimeError(f"the preview failed: {dialog.error.text()}")
            shot(dialog, "reassign_preview")
            dialog.close()
            workspace.tabs.setCurrentWidget(workspace.conflicts)
            workspace.conflicts.view.selectRow(0)
            shot(win, "conflicts")
            workspace.tabs.setCurrentWidget(workspace.inbox)
            shot(win, "inbox")
            close_window(app, win)
        finally:
            demo.store.close()
            demo.server.stop()
    return saved


def main(argv: list[str] | None = None) -> int:
    from ui.demo import DEMO_HOUSEHOLDS

    return run_cli(take, __doc__.splitlines()[0], DEMO_HOUSEHOLDS, argv)


if __name__ == "__main__":
    sys.exit(main())
