"""Crash handling: report file without personal data, dialog (injected), next-start listing."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

import fieldapp
from ui import crash
from ui.errors import report_bug as real_report_bug  # taken before conftest replaces it

# Synthetic personal data that must never reach a report.
PHONE = "010-0123-4567"
NAME = "가온누리"


class Recorder:
    """Stands in for the Qt dialog: remembers what the user would have been told."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Path, bool]] = []

    def __call__(self, summary: str, report: Path) -> None:
        on_main = threading.current_thread() is threading.main_thread()
        self.calls.append((summary, report, on_main))


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def handler(tmp_path: Path, recorder: Recorder, qapp: object) -> Iterator[crash.CrashHandler]:
    before = sys.excepthook, threading.excepthook
    installed = crash.install_excepthook(tmp_path, show_dialog=recorder)
    try:
        yield installed
    finally:
        crash.uninstall_excepthook()
        assert (sys.excepthook, threading.excepthook) == before


def _failing_visit_save() -> None:
    household_name = NAME  # a local variable: must not appear in the report
    message = f"could not save visit for {household_name}, phone {PHONE}"
    raise ValueError(message)


def _exc_info() -> crash.ExcInfo:
    try:
        _failing_visit_save()
    except ValueError as err:
        return type(err), err, err.__traceback__
    raise AssertionError("unreachable")


def test_uncaught_exception_writes_report_and_shows_dialog(
    handler: crash.CrashHandler, recorder: Recorder, tmp_path: Path
) -> None:
    assert sys.excepthook == handler.excepthook
    sys.excepthook(*_exc_info())

    reports = crash.pending_crash_reports(tmp_path)
    assert len(reports) == 1
    text = reports[0].read_text(encoding="utf-8")
    assert "Traceback" in text and "_failing_visit_save" in text and "ValueError" in text
    assert f"fieldapp {fieldapp.__version__}" in text and "python " in text and "qt " in text
    assert NAME not in text and "0123-4567" not in text
    [(summary, shown, on_main)] = recorder.calls
    assert shown == reports[0] and on_main
    assert "ValueError" in summary and NAME not in summary


def test_report_is_logged_redacted(
    handler: crash.CrashHandler, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from fieldapp import logs

    log_dir = tmp_path / "logs"
    logs.setup_logging(log_dir)
    try:
        handler.excepthook(*_exc_info())
    finally:
        logs.shutdown_logging()
    text = (log_dir / logs.LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "fieldapp.crash" in text and "uncaught exception" in text
    assert NAME not in text and "0123-4567" not in text


def test_exception_in_worker_thread_reaches_dialog_on_main_thread(
    handler: crash.CrashHandler, recorder: Recorder, qtbot: QtBot, tmp_path: Path
) -> None:
    worker = threading.Thread(target=_failing_visit_save, name="db-worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(recorder.calls))
    [(_, report, on_main)] = recorder.calls
    assert on_main
    assert "thread db-worker" in report.read_text(encoding="utf-8")


def test_crash_reports_are_listed_at_next_start_until_acknowledged(tmp_path: Path) -> None:
    assert crash.pending_crash_reports(tmp_path / "missing") == []
    first = crash.write_crash_report(tmp_path, _exc_info())
    second = crash.write_crash_report(tmp_path, _exc_info())
    assert crash.pending_crash_reports(tmp_path) == sorted([first, second])
    moved = crash.acknowledge_crash_reports([first])
    assert crash.pending_crash_reports(tmp_path) == [second]
    assert moved[0].parent.name == crash.SEEN_DIR and moved[0].exists()


def test_keyboard_interrupt_goes_to_previous_hook(
    handler: crash.CrashHandler, recorder: Recorder, tmp_path: Path
) -> None:
    seen: list[type[BaseException]] = []
    original = handler._previous_hook
    handler._previous_hook = lambda t, e, tb: seen.append(t)
    try:
        handler.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
    finally:
        handler._previous_hook = original
    assert seen == [KeyboardInterrupt]
    assert recorder.calls == [] and crash.pending_crash_reports(tmp_path) == []


def test_failing_dialog_does_not_loop(tmp_path: Path, qapp: object) -> None:
    def broken_dialog(summary: str, report: Path) -> None:
        raise RuntimeError("dialog failed")

    handler = crash.CrashHandler(tmp_path, broken_dialog)
    with pytest.raises(RuntimeError, match="dialog failed"):
        handler.handle(_exc_info())
    assert len(crash.pending_crash_reports(tmp_path)) == 1  # the report was written first


def test_record_bug_uses_installed_handler(handler: crash.CrashHandler, tmp_path: Path) -> None:
    try:
        _failing_visit_save()
    except ValueError as err:
        report = crash.record_bug(err)
    assert report is not None and report in crash.pending_crash_reports(tmp_path)
    crash.uninstall_excepthook()
    assert crash.record_bug(ValueError("x")) is None
    crash.install_excepthook(tmp_path, show_dialog=lambda s, p: None)


def test_dialog_text_says_where_the_report_is(tmp_path: Path) -> None:
    report = tmp_path / "crash-x.txt"
    text = crash.crash_message(report)
    assert str(report) in text and "안전" in text


def test_reports_from_last_run_are_announced_once(tmp_path: Path) -> None:
    report = crash.write_crash_report(tmp_path, _exc_info())
    shown: list[str] = []
    announced = crash.announce_pending_reports(tmp_path, show=shown.append)
    assert len(shown) == 1 and str(report) in shown[0]
    assert [p.name for p in announced] == [report.name]
    assert crash.announce_pending_reports(tmp_path, show=shown.append) == []
    assert len(shown) == 1


def test_caught_bug_in_an_operation_gets_a_report_named_in_its_dialog(
    handler: crash.CrashHandler, tmp_path: Path, caplog: pytest.LogCaptureFixture, qtbot: QtBot
) -> None:
    from PySide6.QtWidgets import QMessageBox, QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    try:
        _failing_visit_save()
    except ValueError as err:
        real_report_bug(parent, err)
    [report] = crash.pending_crash_reports(tmp_path)
    [box] = parent.findChildren(QMessageBox)
    assert str(report) in box.informativeText()
    box.close()
    assert NAME not in caplog.text and "ValueError" in caplog.text


def test_unwritable_log_folder_falls_back_to_the_previous_hook(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be", encoding="utf-8")
    seen: list[str] = []
    handler = crash.CrashHandler(blocker, lambda s, p: seen.append("dialog"))
    handler._previous_hook = lambda t, e, tb: seen.append(f"previous hook: {t.__name__}")
    assert handler.handle(_exc_info()) is None
    assert seen == ["previous hook: ValueError"]  # Python's own report, no dialog
