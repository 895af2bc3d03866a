"""Screenshots of the supervisor workspace: ``python -m ui.supervisor.screenshots [OUT_DIR]``.

Starts the demo district (embedded server, synthetic data) in a temporary folder, makes some
field activity through the real client (two workers edit the same household field, another
volunteer's laptop has not synced since signing in), signs in the demo supervisor and saves the board, the reassignment
preview and the conflicts view at 1366x768 as ``supervisor_*.png``. Run offscreen or under
Xvfb (``xvfb-run -s "-screen 0 1366x768x24" python -m ui.supervisor.screenshots``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from ui.screenshots import SIZE, run_cli, settle


def _worker_laptop(folder: Path, base_url: str, user: dict[str, Any]) -> tuple[Any, Any]:
    """Sign a demo worker in on a fresh profile and sync once: (engine, store)."""
    from fieldapp.profile import Profile
    from sync import client

    profile = Profile(folder / "profiles" / user["username"])
    store = client.login(
        profile, base_url, user["username"], user["password"], device_name="노트북"
    )
    engine = client.SyncEngine(profile, store, password=user["password"])
    engine.sync_once()
    return engine, store


def _field_activity(folder: Path, base_url: str, sup: Any, users: list[dict[str, Any]]) -> str:
    """Two workers change the same household field (a conflict); a third volunteer signs in
    on a laptop that has not synced since (it may hold records made offline). Returns the
    third volunteer's username."""
    from fieldapp import records
    from fieldapp.profile import Profile
    from sync import client

    by_name = {u["username"]: u for u in users}
    shared = next(
        h
        for h in sup.households()
        if h["assignments"].get("welfare_check") and h["assignments"].get("visiting_health")
    )
    vol = by_name[shared["assignments"]["welfare_check"]]
    nurse = by_name[shared["assignments"]["visiting_health"]]
    laptops = [_worker_laptop(folder, base_url, u) for u in (vol, nurse)]
    for (engine, store), text in zip(
        laptops, ("현관 열쇠는 경비실에 맡겨 둠", "열쇠는 옆집(302호)에서 받기"), strict=True
    ):
        records.edit_household_field(
            store, shared["id"], "notes", text, user=engine.username, device_id=engine.device_id
        )
        engine.sync_once()
    for _engine, store in laptops:
        store.close()
    other = max(
        (u for u in users if u["role"] == "volunteer" and u["username"] != vol["username"]),
        key=lambda u: len(sup.households(programme="welfare_check", username=u["username"])),
    )
    profile = Profile(folder / "profiles" / other["username"])
    store = client.login(
        profile, base_url, other["username"], other["password"], device_name="돌봄단 노트북"
    )
    store.close()
    return str(other["username"])


def take(out: Path, *, households: int = 300, lang: str = "ko") -> list[Path]:
    """Save the screenshots into *out*; return their paths."""
    from ui.main import make_app

    app, _translators = make_app(lang)
    from sync.client_supervisor import SupervisorClient
    from ui.demo import start_demo
    from ui.mainwindow import PAGE_SUPERVISOR, MainWindow
    from ui.operations import OpRunner
    from ui.session import Session
    from ui.supervisor.reassign import MODE_ALL
    from ui.taskman import TaskManager

    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        demo = start_demo(folder=Path(tmp), households=households, role="supervisor")
        try:
            runner = OpRunner(TaskManager(synchronous=True))
            runner.set_store(demo.store)
            session = Session.from_profile(demo.profile, password=demo.password)
            win = MainWindow(runner, session, start_sync=False)
            client = SupervisorClient.for_engine(win.sync.engine)
            leaving = _field_activity(Path(tmp), demo.server.base_url, client, demo.users)
            win.resize(*SIZE)
            win.show()

            def shot(widget: Any, name: str) -> None:
                settle(app)
                path = out / f"supervisor_{name}.png"
                widget.grab().save(str(path))
                saved.append(path)

            win.show_page(PAGE_SUPERVISOR)
            workspace = win.supervisor
            shot(win, "board")
            workers = workspace.board.board["workers"]
            busiest = next(w for w in workers if w["username"] == leaving)
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
            win.idle.stop()
            win.close()
        finally:
            demo.store.close()
            demo.server.stop()
    return saved


def main(argv: list[str] | None = None) -> int:
    return run_cli(take, __doc__.splitlines()[0], 300, argv)


if __name__ == "__main__":
    sys.exit(main())
