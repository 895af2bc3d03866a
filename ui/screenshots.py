"""Take EVERY README screenshot from the demo data: ``python -m ui.screenshots [OUT_DIR]``.

One command, one demo district: the one ``fieldapp --demo`` builds (same seed, same number of
households, with its open work: a conflict, a late hand-over, an open referral), seeded once
in a temporary folder. As the demo's default user (nurse3) it saves Today, Households, the
household with the open conflict, the vitals trends of the most visited household, a PHQ-9 form with the immediate-risk
banner, a welfare check (reached; and not reached at the door, with the banner and the later
sections), a home visit with vitals and the sync panel; the demo's start window; then as
supervisor1 the board, the reassignment preview, the conflicts and the hand-over inbox
(:mod:`ui.supervisor.screenshots`), and the signal screenshots (:mod:`ui.signals_screenshots`).
1366x768, under Xvfb (``xvfb-run -s "-screen 0 1366x768x24" python -m ui.screenshots``) or
offscreen.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

SIZE = (1366, 768)


def settle(app: Any) -> None:
    """Let Qt lay out and paint before a grab, and delete what was ``deleteLater``-ed (a
    closed form page, with its draft timer), as the app's event loop does between events:
    ``processEvents`` alone never deletes, so a closed page lived on and its timer fired
    later, on a store already closed (an error dialog, then a crash at exit)."""
    from PySide6.QtCore import QEvent

    for _ in range(5):
        app.processEvents()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def close_window(app: Any, win: Any) -> None:
    """Close a main window and delete it (with its pages, timers and sync controller) now,
    before its store closes and while the QApplication lives, not at interpreter exit."""
    win.idle.stop()
    win.close()
    win.deleteLater()
    settle(app)


#: A home visit as the nurse types it: two BP readings (high), glucose, body measures.
VISIT_VALUES: dict[str, Any] = {
    "vitals.bp.0.systolic": 148,
    "vitals.bp.0.diastolic": 92,
    "vitals.bp.1.systolic": 144,
    "vitals.bp.1.diastolic": 90,
    "vitals.pulse": 78,
    "vitals.glucose.value": 118,
    "vitals.glucose.timing": "fasting",
    "vitals.height_cm": 156,
    "vitals.weight_kg": 61.5,
    "vitals.waist_cm": 88,
    "vitals.sex": "F",
}


def fill(page: Any, values: dict[str, Any]) -> None:
    """Type *values* (field id: value) into a form page's fields."""
    form = page.form
    for fid, value in values.items():
        form.editors[fid].set_value(value)


def scroll_to(page: Any, section_id: str) -> None:
    """Scroll a form page so that the section *section_id* starts at the top."""
    from PySide6.QtWidgets import QScrollArea

    box = page.form.section_boxes[section_id]
    scroll = page.findChild(QScrollArea)
    page.form.adjustSize()
    scroll.verticalScrollBar().setValue(box.y())


def _with_conflict(store: Any) -> str | None:
    """A household with an open conflict (the demo leaves one for nurse3), if any."""
    with store.reading() as db:
        rows = list(db.query("SELECT household_id FROM conflicts WHERE status = 'open'"))
    return str(rows[0]["household_id"]) if rows else None


def _most_visited(store: Any) -> str:
    """The household with the most home visits: the fullest trends."""
    from fieldapp import records

    households = records.list_households(store)
    return max(
        households,
        key=lambda h: sum(
            1 for e in records.household_events(store, h["id"]) if e["type"] == "visit"
        ),
    )["id"]


def take_start_window(out: Path, *, lang: str = "ko") -> list[Path]:
    """The window ``fieldapp --demo`` shows from its first second, mid-seeding."""
    from ui.main import make_app

    app, _translators = make_app(lang)
    from ui.demo import DEMO_DEFAULT_USER, DEMO_HOUSEHOLDS
    from ui.demo_window import DemoStartWindow

    window = DemoStartWindow(DEMO_DEFAULT_USER)
    window.show()
    window.show_progress("events", DEMO_HOUSEHOLDS * 3 // 5, DEMO_HOUSEHOLDS)
    settle(app)
    path = out / "demo_start.png"
    out.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(path))
    window.close()
    return [path]


def take(
    out: Path,
    *,
    households: int | None = None,
    lang: str = "ko",
    username: str | None = None,
    folder: Path | None = None,
) -> list[Path]:
    """Save the worker's screenshots into *out*; return their paths. *folder*: a demo folder
    to use (seeded on first use), else a temporary one."""
    from ui.main import make_app

    app, _translators = make_app(lang)
    from ui.demo import DEMO_DEFAULT_USER, DEMO_HOUSEHOLDS, start_demo
    from ui.mainwindow import PAGE_HOUSEHOLDS, PAGE_SYNC, PAGE_TODAY, MainWindow
    from ui.operations import OpRunner
    from ui.session import Session
    from ui.taskman import TaskManager

    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        demo = start_demo(
            folder=folder or Path(tmp),
            households=households or DEMO_HOUSEHOLDS,
            username=username or DEMO_DEFAULT_USER,
        )
        try:
            runner = OpRunner(TaskManager(synchronous=True))
            runner.set_store(demo.store)
            session = Session.from_profile(demo.profile, password=demo.password)
            win = MainWindow(runner, session, start_sync=False)
            win.resize(*SIZE)
            win.show()
            win.sync.sync_now()

            def shot(name: str) -> None:
                settle(app)
                path = out / f"{name}.png"
                win.grab().save(str(path))
                saved.append(path)

            win.show_page(PAGE_TODAY)
            shot("today")
            win.show_page(PAGE_HOUSEHOLDS)
            shot("households")
            richest = {"id": _most_visited(demo.store)}
            win.open_household(_with_conflict(demo.store) or richest["id"])
            shot("household_view")
            view = win.open_household(richest["id"])
            view.tabs.setCurrentIndex(2)  # vitals trends
            shot("household_trends")
            win.open_form(richest["id"], "screening:phq9")
            page = win.form_page
            for i in range(1, 10):
                page.form.editors[f"answers.q{i}"].set_value(1 if i in (2, 4, 9) else 0)
            shot("screening_risk_banner")
            page.closed.emit()
            win.open_form(richest["id"], "welfare_check")
            wpage = win.form_page
            for fid, value in (
                ("method", "visit"),
                ("reached", "yes"),
                ("health", "worse"),
                ("mood", "low"),
                ("suicidal_talk", "passive"),
                ("risk_signs", ["mail_piled", "no_food"]),
            ):
                wpage.form.editors[fid].set_value(value)
            shot("welfare_check")
            wpage.closed.emit()
            win.open_form(richest["id"], "welfare_check")
            fill(
                win.form_page,
                {
                    "method": "visit",
                    "reached": "not_home",
                    "risk_signs": ["mail_piled", "smell_insects"],
                    "escalation_level": 3,
                },
            )
            scroll_to(win.form_page, "risk_environment")
            shot("welfare_check_risk")
            win.form_page.closed.emit()
            win.open_form(richest["id"], "visit")
            fill(win.form_page, VISIT_VALUES)
            shot("visit_form")
            win.form_page.closed.emit()
            win.show_page(PAGE_SYNC)
            taken: list[str] = []

            def during_sync(phase: str, done: int, total: int, _bytes: int) -> None:
                # Synchronous mode: the panel is mid-sync while this runs; show its progress.
                if phase == "push" and done > 0 and not taken:
                    taken.append(phase)
                    shot("sync_panel")

            win.sync.progress.connect(during_sync)
            win.sync.sync_now()  # sends the access-log entries written by the views above
            if not taken:
                shot("sync_panel")
            win.sync.progress.disconnect(during_sync)
            close_window(app, win)
        finally:
            demo.store.close()
            demo.server.stop()
    return saved


def run_cli(
    take_shots: Callable[..., list[Path]], description: str, households: int, argv: list[str] | None
) -> int:
    """The command line shared by the screenshot scripts: ``[OUT] [--households N] [--lang]``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("out", nargs="?", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--households", type=int, default=households)
    parser.add_argument("--lang", choices=("ko", "en"), default="ko")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for path in take_shots(args.out, households=args.households, lang=args.lang):
        print(path)
    return 0


def take_all(out: Path, *, households: int | None = None, lang: str = "ko") -> list[Path]:
    """Every README screenshot, from one demo district seeded once."""
    from ui import signals_screenshots
    from ui.demo import DEMO_HOUSEHOLDS
    from ui.supervisor import screenshots as supervisor_screenshots

    households = households or DEMO_HOUSEHOLDS
    saved = take_start_window(out, lang=lang)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "demo"
        saved += take(out, households=households, lang=lang, folder=folder)
        saved += supervisor_screenshots.take(out, households=households, lang=lang, folder=folder)
    saved += signals_screenshots.take(out, households=households, lang=lang)
    return saved


def main(argv: list[str] | None = None) -> int:
    from ui.demo import DEMO_HOUSEHOLDS

    return run_cli(take_all, __doc__.splitlines()[0], DEMO_HOUSEHOLDS, argv)


if __name__ == "__main__":
    sys.exit(main())
