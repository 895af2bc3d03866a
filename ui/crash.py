"""Crash handling: uncaught exceptions become a report file, a log entry and a dialog.

:func:`install_excepthook` replaces ``sys.excepthook`` and ``threading.excepthook``. For every
exception nobody caught, the handler writes ``crash-<time>.txt`` to the log folder (traceback,
app/Python/Qt versions, platform; never local variables, every line passed through
:func:`fieldapp.logs.redact` and exception messages stripped of Hangul words, which in a bug's
message can only be data), logs it on ``fieldapp.crash``, and, when a ``QApplication``
exists, shows a dialog saying what happened and where the report is. Exceptions from other
threads reach the dialog through a queued signal, so no widget is touched off the main thread.

At the next start :func:`pending_crash_reports` lists the reports not yet shown to the user;
:func:`acknowledge_crash_reports` files them away once they have been.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
import re
import secrets
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

import fieldapp
from fieldapp import logs

REPORT_PREFIX = "crash-"
REPORT_SUFFIX = ".txt"
SEEN_DIR = "crash-reports-seen"

# ``show_dialog(summary, report_path)``: tells the user; injectable for tests.
DialogFn = Callable[[str, Path], None]
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


# ------------------------------------------------------------------ reports


def _versions() -> list[str]:
    lines = [
        f"fieldapp {fieldapp.__version__}",
        f"python {platform.python_version()} ({platform.python_implementation()})",
        f"platform {platform.platform()} ({platform.machine()})",
        f"frozen {bool(getattr(sys, 'frozen', False))}",
    ]
    with contextlib.suppress(Exception):
        import PySide6
        from PySide6.QtCore import qVersion

        lines.append(f"pyside6 {PySide6.__version__}, qt {qVersion()}")
    with contextlib.suppress(Exception):
        import sqlcipher3

        lines.append(f"sqlcipher3 sqlite {sqlcipher3.sqlite_version}")
    platform_name = os.environ.get("QT_QPA_PLATFORM")
    if platform_name:
        lines.append(f"qt platform {platform_name}")
    return lines


_HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]+")
_TRACE_HEADERS = (
    "Traceback (most recent call last):",
    "The above exception was the direct cause of the following exception:",
    "During handling of the above exception, another exception occurred:",
)


def scrub_message(text: str) -> str:
    """Redact an exception message: secrets and phone numbers, and every Hangul word.

    Bugs' messages are English (known conditions never reach a crash report), so Hangul in
    one is almost certainly a value a worker typed, such as a name or an address.
    """
    return _HANGUL_RUN.sub(logs.REDACTED, logs.redact(text))


def format_trace(exc_info: ExcInfo) -> str:
    """The traceback of *exc_info* (chained ones included) with every message scrubbed.

    Source lines and file names are kept; exception messages (the unindented lines other
    than Python's own headers) go through :func:`scrub_message`. No local variables.
    """
    exc_type, exc, tb = exc_info
    lines = "".join(traceback.format_exception(exc_type, exc, tb)).splitlines()
    kept = [
        line if line.startswith(" ") or line in _TRACE_HEADERS or not line else scrub_message(line)
        for line in lines
    ]
    return "\n".join(kept)


def format_crash_report(exc_info: ExcInfo, *, thread_name: str | None = None) -> str:
    """Return the text of a crash report for *exc_info*, redacted, without local variables."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    trace = format_trace(exc_info)
    parts = [
        "돌봄노트 crash report (no personal data: messages are redacted, no local variables)",
        f"time {now}",
        f"thread {thread_name or threading.current_thread().name}",
        *_versions(),
        "",
        trace.rstrip(),
        "",
    ]
    return logs.redact("\n".join(parts))


def write_crash_report(log_dir: Path, exc_info: ExcInfo, *, thread_name: str | None = None) -> Path:
    """Write a crash report for *exc_info* into *log_dir*; return its path."""
    folder = Path(log_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"{REPORT_PREFIX}{stamp}-{secrets.token_hex(3)}{REPORT_SUFFIX}"
    text = format_crash_report(exc_info, thread_name=thread_name)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def pending_crash_reports(log_dir: Path) -> list[Path]:
    """Crash reports in *log_dir* not yet acknowledged, oldest first."""
    folder = Path(log_dir)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{REPORT_PREFIX}*{REPORT_SUFFIX}"))


def acknowledge_crash_reports(reports: list[Path]) -> list[Path]:
    """Move *reports* into the ``crash-reports-seen`` folder beside them; return new paths."""
    moved: list[Path] = []
    for report in reports:
        seen = report.parent / SEEN_DIR
        seen.mkdir(exist_ok=True)
        target = seen / report.name
        report.replace(target)
        moved.append(target)
    return moved


# ------------------------------------------------------------------ dialog


def crash_message(report: Path) -> str:
    """The dialog's text: what happened, that saved records are safe, where the report is."""
    return QCoreApplication.translate(
        "crash",
        "예상하지 못한 오류로 작업을 끝내지 못했습니다. 이미 저장된 기록은 안전합니다.\n"
        "오류 보고서(개인정보 없음)를 저장했습니다:\n{path}\n"
        "문제가 계속되면 이 파일을 구청 IT 담당자에게 보내 주십시오.",
    ).format(path=report)


def qt_dialog(summary: str, report: Path) -> None:
    """Show the crash dialog (modal) if a QApplication exists; otherwise do nothing."""
    if not isinstance(QCoreApplication.instance(), QApplication):
        return
    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("errors", "돌봄노트 오류"))
    box.setText(crash_message(report))
    box.setDetailedText(summary)
    box.exec()


class _MainThreadBridge(QObject):
    """Carries a dialog request from any thread to the main thread (queued signal)."""

    requested = Signal(str, str)

    def __init__(self, show: DialogFn) -> None:
        super().__init__()
        self._show = show
        self.requested.connect(self._on_requested, Qt.ConnectionType.QueuedConnection)

    def _on_requested(self, summary: str, report: str) -> None:
        self._show(summary, Path(report))


# ------------------------------------------------------------------ the hook


class CrashHandler:
    """Writes the report, logs it, tells the user; chains to the previous hook on stderr."""

    def __init__(self, log_dir: Path, show_dialog: DialogFn | None = None) -> None:
        self.log_dir = Path(log_dir)
        self.show_dialog: DialogFn = show_dialog or qt_dialog
        self.reports: list[Path] = []
        self._busy = threading.local()
        self._bridge: _MainThreadBridge | None = None
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook

    def _bridge_for_main_thread(self) -> _MainThreadBridge | None:
        if QCoreApplication.instance() is None:
            return None
        if self._bridge is None and threading.current_thread() is threading.main_thread():
            self._bridge = _MainThreadBridge(self.show_dialog)
        return self._bridge

    def handle(self, exc_info: ExcInfo, *, thread_name: str | None = None) -> Path | None:
        """Deal with one uncaught exception; return the report written (None if re-entered)."""
        if getattr(self._busy, "active", False):  # the handler itself failed: do not loop
            return None
        self._busy.active = True
        try:
            try:
                report = write_crash_report(self.log_dir, exc_info, thread_name=thread_name)
            except OSError as err:  # disk full, folder gone: keep Python's own report at least
                logs.crash.error("could not write a crash report in %s: %s", self.log_dir, err)
                self._previous_hook(*exc_info)
                return None
            self.reports.append(report)
            logs.crash.error(
                "uncaught exception, report %s\n%s", report.name, format_trace(exc_info)
            )
            summary = scrub_message("".join(traceback.format_exception_only(exc_info[1])).strip())
            print(f"돌봄노트: unexpected error, report written to {report}", file=sys.stderr)
            self._tell_user(summary, report)
            return report
        finally:
            self._busy.active = False

    def _tell_user(self, summary: str, report: Path) -> None:
        on_main = threading.current_thread() is threading.main_thread()
        if on_main:
            self._bridge_for_main_thread()
            self.show_dialog(summary, report)
            return
        bridge = self._bridge
        if bridge is not None:
            bridge.requested.emit(summary, str(report))

    # sys.excepthook / threading.excepthook entry points

    def excepthook(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous_hook(exc_type, exc, tb)
            return
        self.handle((exc_type, exc, tb))

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            self._previous_thread_hook(args)
            return
        name = args.thread.name if args.thread is not None else None
        self.handle((args.exc_type, args.exc_value, args.exc_traceback), thread_name=name)


_current: CrashHandler | None = None


def install_excepthook(log_dir: Path, *, show_dialog: DialogFn | None = None) -> CrashHandler:
    """Install the crash handler for the main thread and other threads; return it.

    *show_dialog* replaces the Qt dialog (tests pass a recorder). Call it after the
    QApplication exists so that exceptions from worker threads can reach the dialog.
    Installing again replaces the handler (the original hooks are kept for uninstall).
    """
    global _current
    previous = _current
    handler = CrashHandler(log_dir, show_dialog)
    if previous is not None:
        handler._previous_hook = previous._previous_hook
        handler._previous_thread_hook = previous._previous_thread_hook
    handler._bridge_for_main_thread()
    sys.excepthook = handler.excepthook
    threading.excepthook = handler.thread_excepthook
    _current = handler
    return handler


def uninstall_excepthook() -> None:
    """Put back the hooks that were there before :func:`install_excepthook`."""
    global _current
    if _current is None:
        return
    sys.excepthook = _current._previous_hook
    threading.excepthook = _current._previous_thread_hook
    _current = None


def current_handler() -> CrashHandler | None:
    """The installed handler, if any (used by :mod:`ui.errors` for caught bugs)."""
    return _current


def record_bug(err: BaseException) -> Path | None:
    """Write a crash report for a bug that was caught (e.g. in a background operation).

    Returns the report's path, or None when no handler is installed. Shows no dialog: the
    caller already tells the user.
    """
    if _current is None:
        return None
    report = write_crash_report(_current.log_dir, (type(err), err, err.__traceback__))
    _current.reports.append(report)
    return report


def previous_crash_message(reports: list[Path]) -> str:
    """The start-up notice about crash reports left by an earlier run."""
    listing = "\n".join(str(r) for r in reports)
    return QCoreApplication.translate(
        "crash",
        "지난번에 돌봄노트가 예상하지 못한 오류로 종료되었습니다. 저장된 기록은 안전합니다.\n"
        "오류 보고서(개인정보 없음):\n{reports}\n"
        "문제가 반복되면 이 파일을 구청 IT 담당자에게 보내 주십시오.",
    ).format(reports=listing)


def announce_pending_reports(
    log_dir: Path, show: Callable[[str], None] | None = None
) -> list[Path]:
    """At start: tell the user about crash reports from earlier runs, then file them away.

    *show* receives the notice (default: a non-blocking information box). Returns the reports
    announced, at their new place in the ``crash-reports-seen`` folder.
    """
    reports = pending_crash_reports(log_dir)
    if not reports:
        return []
    logs.crash.info("%d crash report(s) from an earlier run", len(reports))
    (show or _information_box)(previous_crash_message(reports))
    return acknowledge_crash_reports(reports)


def _information_box(text: str) -> None:
    if not isinstance(QCoreApplication.instance(), QApplication):
        return
    box = QMessageBox(
        QMessageBox.Icon.Information, QCoreApplication.translate("errors", "돌봄노트"), text
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
