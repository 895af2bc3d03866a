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
    from ui.operations import OpRunner
    from ui.taskman import TaskManager

    runner = OpRunner(TaskManager())
    # The main window's modules load when it first opens (0.8 s): the demo's start window
    # shows before that.
    flow = AppFlow(app, runner, idle_minutes=args.idle_minutes)
    if args.demo:
        from ui.demo import DEMO_DEFAULT_USER
        from ui.demo_window import launch_demo

        print("starting the demo district server (the first run seeds synthetic data)…", flush=True)
        starting = launch_demo(runner.taskman, args.demo_user or DEMO_DEFAULT_USER, flow.demo_ready)
        flow.windows.append(starting)
    else:
        flow.profile = Profile(args.profile or default_profile_dir())
        flow.ask_login()
        if not flow.windows:
            return 0
    code = app.exec()
    if args.demo and flow.demo is None:  # closed while the demo was starting: do not wait
        logging.shutdown()
        os._exit(int(code))  # the next start seeds again from an empty database
    runner.taskman.shutdown()
    if flow.demo is not None:
        flow.demo.server.stop()
    return int(code)


class AppFlow:
    """The windows of one run: the main window, signing out back to the sign-in dialog, and
    the demo's window once it is ready. *main_window* and *login_dialog* are the classes
    (default: :class:`ui.mainwindow.MainWindow`, :class:`ui.login.LoginDialog`, imported
    when first needed)."""

    def __init__(
        self,
        app: Any,
        runner: Any,
        main_window: Any = None,
        login_dialog: Any = None,
        *,
        idle_minutes: float = 10.0,
    ) -> None:
        self.app = app
        self.runner = runner
        self.main_window = main_window
        self.login_dialog = login_dialog
        self.idle_minutes = idle_minutes
        self.windows: list[Any] = []
        self.profile: Any = None
        self.demo: Any = None
        #: The box telling what the last sign-in did (None when it had nothing to say).
        self.notices: Any = None

    def open_window(self, session: Any) -> Any:
        if self.main_window is None:
            from ui.mainwindow import MainWindow

            self.main_window = MainWindow
        win = self.main_window(self.runner, session, idle_minutes=self.idle_minutes)
        win.signed_out.connect(lambda: self.sign_out(win))
        self.windows.append(win)
        win.show()
        return win

    def sign_out(self, _win: Any) -> None:
        """Close the store, then ask to sign in again (the app stays open in between)."""
        from ui.operations import DbCallOp

        # The main window closes now and the sign-in dialog opens once the store is closed:
        # in between no window is open, which must not end the app.
        self.app.setQuitOnLastWindowClosed(False)
        store = self.runner.store if self.runner.has_store else None

        def closed(_r: Any = None) -> None:
            self.runner.set_store(None)
            self.ask_login()

        DbCallOp(None, lambda: store.close() if store else None).success(closed).run(self.runner)

    def ask_login(self) -> None:
        if self.login_dialog is None:
            from ui.login import LoginDialog

            self.login_dialog = LoginDialog
        dialog = self.login_dialog(self.runner, self.profile)
        if dialog.exec() and dialog.session is not None:
            win = self.open_window(dialog.session)
            self.app.setQuitOnLastWindowClosed(True)
            # What the sign-in did about the local database (a damaged file moved aside,
            # records given up) is said once, over the window that now opens.
            from ui.errors import show_notices, sign_in_notices

            self.notices = show_notices(win, sign_in_notices(self.profile))
        else:
            self.app.quit()

    def demo_ready(self, setup: Any) -> None:
        """The demo is seeded, signed in and synced: open its main window."""
        from ui.demo import users_text
        from ui.session import Session

        self.demo, self.profile = setup, setup.profile
        print(users_text(setup.users, setup.server.base_url), flush=True)
        self.runner.set_store(setup.store)
        self.open_window(Session.from_profile(setup.profile, password=setup.password))


if __name__ == "__main__":
    os.environ.setdefault("QT_ENABLE_HIGHDPI_SCALING", "1")
    sys.exit(main())
