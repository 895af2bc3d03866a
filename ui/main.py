"""``fieldapp``: the desktop app for 돌봄단 volunteers and 방문간호사."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger("fieldapp.ui")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="fieldapp", description="돌봄노트: field app for care workers"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start a local demo district server with synthetic data and sign in",
    )
    parser.add_argument(
        "--demo-user",
        metavar="USERNAME",
        help="with --demo: the demo account to sign in as (default: nurse3)",
    )
    parser.add_argument(
        "--profile", metavar="DIR", type=Path, help="profile folder (default: the user data folder)"
    )
    parser.add_argument(
        "--lang", choices=("ko", "en"), default="ko", help="language of the interface (default: ko)"
    )
    parser.add_argument(
        "--idle-minutes",
        type=float,
        default=10.0,
        help="lock after this many idle minutes (default: 10)",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check the installation offscreen, print one line and exit",
    )
    parser.add_argument("--debug", action="store_true", help="log debug messages to stderr")
    return parser.parse_args(argv)


def make_app(lang: str) -> tuple[Any, list[Any]]:
    """The QApplication with font, translations and look; returns (app, translators)."""
    from PySide6.QtWidgets import QApplication

    from ui import appsetup

    appsetup.configure_high_dpi()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("fieldapp")
    app.setApplicationDisplayName("돌봄노트")
    appsetup.register_fonts(app)
    appsetup.set_window_icon(app)
    translators = appsetup.install_translators(app, lang)
    appsetup.apply_style(app)
    from PySide6.QtGui import QIcon

    from fieldapp.resources import asset_path

    app.setWindowIcon(QIcon(str(asset_path("icons", "fieldapp.png"))))
    return app, translators


def _self_test(args: argparse.Namespace) -> int:
    try:
        from ui import selftest
    except ImportError:
        print("self-test: ui.selftest is not available in this build", file=sys.stderr)
        return 2
    runner = getattr(selftest, "main", None) or getattr(selftest, "run", None)
    if runner is None:
        print("self-test: ui.selftest has no entry point", file=sys.stderr)
        return 2
    return int(runner() or 0)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``fieldapp`` command."""
    args = parse_args(argv)
    if args.self_test:
        logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING)
        return _self_test(args)
    from ui.desktop_libs import EXIT_MISSING_LIBRARIES, check_desktop_libraries

    problem = check_desktop_libraries()  # before Qt loads its xcb plugin and aborts
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_MISSING_LIBRARIES
    from fieldapp import logs
    from ui import crash

    log_dir = logs.setup_logging(debug=args.debug)  # rotating, redacted, user log folder
    app, _translators = make_app(args.lang)
    crash.install_excepthook(log_dir)  # bugs: report file + dialog (needs the QApplication)
    crash.announce_pending_reports(log_dir)  # reports left by an earlier crash
    from fieldapp.profile import Profile, default_profile_dir
    from ui.login import LoginDialog
    from ui.mainwindow import MainWindow
    from ui.operations import OpRunner
    from ui.session import Session
    from ui.taskman import TaskManager

    runner = OpRunner(TaskManager())
    windows: list[Any] = []
    profile: Any = None
    demo: Any = None

    def open_window(sess: Session) -> None:
        win = MainWindow(runner, sess, idle_minutes=args.idle_minutes)
        win.signed_out.connect(lambda: sign_out(win))
        windows.append(win)
        win.show()

    def sign_out(win: Any) -> None:
        # The main window closes now and the sign-in dialog opens once the store is closed:
        # in between no window is open, which must not end the app.
        app.setQuitOnLastWindowClosed(False)

        def closed(_r: Any = None) -> None:
            runner.set_store(None)
            ask_login()

        from ui.operations import DbCallOp

        store = runner.store if runner.has_store else None
        DbCallOp(None, lambda: store.close() if store else None).success(closed).run(runner)

    def ask_login() -> None:
        dialog = LoginDialog(runner, profile)
        if dialog.exec() and dialog.session is not None:
            open_window(dialog.session)
            app.setQuitOnLastWindowClosed(True)
        else:
            app.quit()

    def demo_ready(setup: Any) -> None:
        nonlocal demo, profile
        demo, profile = setup, setup.profile
        print(users_text(setup.users, setup.server.base_url), flush=True)
        runner.set_store(setup.store)
        open_window(Session.from_profile(setup.profile, password=setup.password))

    if args.demo:
        from ui.demo import DEMO_DEFAULT_USER, users_text
        from ui.demo_window import launch_demo

        print("starting the demo district server (the first run seeds synthetic data)…", flush=True)
        starting = launch_demo(runner.taskman, args.demo_user or DEMO_DEFAULT_USER, demo_ready)
        windows.append(starting)
    else:
        profile = Profile(args.profile or default_profile_dir())
        ask_login()
        if not windows:
            return 0
    code = app.exec()
    if args.demo and demo is None:  # closed while the demo was starting: do not wait for it
        logging.shutdown()
        os._exit(int(code))  # the next start seeds again from an empty database
    runner.taskman.shutdown()
    if demo is not None:
        demo.server.stop()
    return int(code)


if __name__ == "__main__":
    os.environ.setdefault("QT_ENABLE_HIGHDPI_SCALING", "1")
    sys.exit(main())
