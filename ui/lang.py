"""The UI language as the screens ask for it (kept light: imported by the first screen)."""

from __future__ import annotations

from PySide6.QtCore import QLocale


def korean_ui() -> bool:
    """Whether the interface is in Korean (the default locale the app installs)."""
    return QLocale().language() == QLocale.Language.Korean


def pick(ko: str, en: str) -> str:
    """The Korean or English text for the current UI language (Korean when English is empty)."""
    return ko if korean_ui() or not en else en
