"""Process-wide setup of the Qt application: font, translations, look."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication

from fieldapp.resources import asset_path

log = logging.getLogger("fieldapp.ui")

LANGUAGES = ("ko", "en")
FONT_FILES = ("NanumGothic.ttf", "NanumGothicBold.ttf")
#: Base point size: large enough to read in a moving car, scales with the OS setting.
BASE_POINT_SIZE = 10


def configure_high_dpi() -> None:
    """Let fractional scale factors (125 %, 150 %) through unrounded. Call before QApplication."""
    from PySide6.QtCore import Qt

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )


def register_fonts(app: QApplication) -> str:
    """Register the bundled NanumGothic files and make the family the app font; return it."""
    family = ""
    for name in FONT_FILES:
        path = asset_path("fonts", name)
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            raise RuntimeError(f"the bundled font {path} could not be loaded")
        families = QFontDatabase.applicationFontFamilies(font_id)
        family = family or (families[0] if families else "")
    font = QFont(family, BASE_POINT_SIZE)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    app.setFont(font)
    return family


def set_window_icon(app: QApplication) -> None:
    """The app's icon on every window."""
    from PySide6.QtGui import QIcon

    app.setWindowIcon(QIcon(str(asset_path("icons", "fieldapp.png"))))


def translation_file(lang: str) -> Path:
    """The built translation of the app for *lang* (Korean is the source language)."""
    return asset_path("i18n", f"fieldapp_{lang}.qm")


def install_translators(app: QApplication, lang: str) -> list[QTranslator]:
    """Install Qt's own qtbase translator and the app's for *lang*; return them (keep alive)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    QLocale.setDefault(
        QLocale(
            QLocale.Language.Korean if lang == "ko" else QLocale.Language.English,
            QLocale.Country.SouthKorea,
        )
    )
    translators: list[QTranslator] = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qtbase = QTranslator(app)
    if qtbase.load(f"qtbase_{lang}", qt_dir):
        QCoreApplication.installTranslator(qtbase)
        translators.append(qtbase)
    else:
        log.warning("Qt's qtbase_%s translation was not found in %s", lang, qt_dir)
    if lang != "ko":  # the source strings are Korean
        own = QTranslator(app)
        path = translation_file(lang)
        if not own.load(str(path)):
            raise RuntimeError(f"the app's translation {path} could not be loaded")
        QCoreApplication.installTranslator(own)
        translators.append(own)
    return translators


STYLE_SHEET = """
QMainWindow, QDialog { background: #f6f7f9; }
QToolBar { background: #ffffff; border-bottom: 1px solid #d9dde3; spacing: 6px; padding: 4px; }
QToolButton { padding: 4px 10px; border-radius: 4px; }
QToolButton:hover { background: #e8eef7; }
QToolButton#crisisButton { background: #c62828; color: white; font-weight: bold; }
QToolButton#crisisButton:hover { background: #a31f1f; }
QListWidget#navigation { background: #23395d; color: #e9eef6; border: none; font-size: 11pt; }
QListWidget#navigation::item { padding: 10px 14px; }
QListWidget#navigation::item:selected { background: #3d5a8a; color: white; }
QTableView, QTreeView, QListView { background: white; alternate-background-color: #f3f6fa;
    selection-background-color: #cfe0f7; selection-color: black; gridline-color: #e3e6ea; }
QHeaderView::section { background: #eef1f5; padding: 4px 6px; border: none;
    border-right: 1px solid #d9dde3; border-bottom: 1px solid #d9dde3; font-weight: bold; }
QGroupBox { background: white; border: 1px solid #d9dde3; border-radius: 6px; margin-top: 1.4em;
    padding: 10px 8px 8px 8px; font-weight: bold; }
QGroupBox::title { subcontrol-origin: margin; left: 10px; padding: 0 4px; }
QFrame#riskBanner { background: #fdecea; border: 2px solid #c62828; border-radius: 6px; }
QLabel#riskBannerTitle { color: #8e0000; font-weight: bold; font-size: 12pt; }
QLabel#pageTitle { font-size: 15pt; font-weight: bold; color: #1d2b45; }
QLabel#fieldError { color: #b00020; }
QLabel#hint { color: #5b6576; }
QPushButton { padding: 5px 14px; }
QPushButton#primary { background: #23395d; color: white; border-radius: 4px; font-weight: bold; }
QPushButton#primary:disabled { background: #9aa6b8; }
QStatusBar { background: #ffffff; border-top: 1px solid #d9dde3; }
"""


def apply_style(app: QApplication) -> None:
    """The app's look: Fusion with a calm, high-contrast stylesheet."""
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE_SHEET)
