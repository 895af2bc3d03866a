"""Translations: every string extracted, every placeholder kept, the built file in step."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from fieldapp.resources import asset_path

TS = asset_path("i18n", "fieldapp_en.ts")
PLACEHOLDER = re.compile(r"%\d+|\{\w*\}|<[^>]+>")


def messages() -> list[tuple[str, str, str, str]]:
    """(context, source, translation, type) of every message in the English .ts."""
    out = []
    for context in ET.parse(TS).getroot().iter("context"):
        name = context.findtext("name") or ""
        for m in context.iter("message"):
            t = m.find("translation")
            out.append(
                (
                    name,
                    m.findtext("source") or "",
                    (t.text or "") if t is not None else "",
                    t.get("type", "") if t is not None else "",
                )
            )
    return out


def test_every_message_is_translated() -> None:
    unfinished = [(c, s) for c, s, t, kind in messages() if not t or kind == "unfinished"]
    assert not unfinished, f"untranslated: {unfinished[:5]}"


def test_every_message_has_the_context_the_code_asks_for() -> None:
    """A string lupdate files under no context (a call through a local ``tr()`` helper) is
    never found by ``translate("errors", ...)`` at run time: English showed it in Korean."""
    orphans = [s for c, s, _t, _kind in messages() if not c]
    assert not orphans, f"strings with no context: {orphans[:3]}"


def test_english_says_what_the_sign_in_did_to_the_local_database(ui_app: Any) -> None:
    from PySide6.QtCore import QCoreApplication, QLocale

    from fieldapp.outbox_ledger import LostRecordsError
    from fieldapp.profile import LoginNotice
    from ui import appsetup
    from ui.errors import fill, login_notice_text, lost_records_text

    translators = appsetup.install_translators(ui_app, "en")
    try:
        notice = LoginNotice("lost_accepted", "-", file_name="f.db", counted=5, holds=2)
        assert login_notice_text(notice).startswith("This laptop counted 5 records")
        lost = LostRecordsError("-", kind="short", file_name="f.db", counted=5, holds=2)
        assert "3 are missing" in lost_records_text(lost)
    finally:
        for t in translators:
            QCoreApplication.removeTranslator(t)
        QLocale.setDefault(QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea))
    assert fill("%1 → %2", "a%2", 7) == "a%2 → 7"  # one pass, as QString.arg


def test_placeholders_match() -> None:
    """%1, {name} and markup in a translation are exactly those of its source."""
    wrong = [
        (context, source, translation)
        for context, source, translation, _kind in messages()
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation))
    ]
    assert not wrong, f"placeholders differ: {wrong[:5]}"


def test_ts_holds_every_string_of_the_code(tmp_path: Path) -> None:
    """Running lupdate on the code adds nothing new to the checked-in .ts."""
    copy = tmp_path / "check.ts"
    copy.write_bytes(TS.read_bytes())
    ui = Path(__file__).resolve().parents[2] / "ui"
    files = [str(p) for p in sorted(ui.rglob("*.py"))]
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    out = subprocess.run(
        [str(lupdate), *files, "-ts", str(copy)], capture_output=True, text=True, check=True
    )
    found = re.search(r"\((\d+) new and", out.stdout + out.stderr)
    assert found is not None, out.stdout + out.stderr
    assert found.group(1) == "0", "new strings: run pyside6-lupdate and translate them"


def test_built_qm_is_newer_than_its_source() -> None:
    qm = TS.with_suffix(".qm")
    assert qm.exists()
    assert qm.stat().st_mtime >= TS.stat().st_mtime - 1, "run pyside6-lrelease"


def test_english_ui_translates_the_main_window(ui_app: Any, nurse: Any, qtbot: Any) -> None:
    from PySide6.QtCore import QCoreApplication, QLocale, Qt

    from ui import appsetup
    from ui.households_model import clear_labels
    from ui.mainwindow import MainWindow

    translators = appsetup.install_translators(ui_app, "en")
    clear_labels()
    try:
        win = MainWindow(nurse.runner, nurse.session, start_sync=False)
        qtbot.addWidget(win)
        assert win.nav.item(0).text() == "Today"
        assert win.households.model.headerData(0, Qt.Orientation.Horizontal) == "Name"
        assert "Crisis lines" in win.crisis_button.text()
        win.idle.stop()
    finally:
        for t in translators:
            QCoreApplication.removeTranslator(t)
        QLocale.setDefault(QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea))
        clear_labels()
