"""The crisis lines: one list, every line named, the same numbers in the dialog and the banner."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QLabel, QPushButton


@pytest.fixture
def korean() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea))
    yield
    QLocale.setDefault(before)


def test_every_line_has_a_name_and_when_to_call(ui_app: Any, qtbot: Any, korean: None) -> None:
    from ui.crisis import CrisisPanel

    panel = CrisisPanel()
    qtbot.addWidget(panel)
    texts = {label.text() for label in panel.findChildren(QLabel)}
    assert [n.number for n in panel.numbers] == ["109", "1577-0199", "129", "119", "112", "120"]
    for n in panel.numbers:
        assert n.name_ko and n.name_en and n.note_ko and n.note_en
        assert n.name_ko in texts and n.note_ko in texts
    assert "자살예방 상담전화" in texts


def test_the_banner_offers_the_dialogs_numbers(ui_app: Any, qtbot: Any) -> None:
    from ui.crisis import load_crisis_numbers
    from ui.forms.banner import RiskBanner

    banner = RiskBanner()
    qtbot.addWidget(banner)
    [button] = [b for b in banner.findChildren(QPushButton) if "위기 상담 전화" in b.text()]
    for n in load_crisis_numbers():
        assert n.number in button.text()
