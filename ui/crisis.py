"""The crisis numbers, one click away at all times (a toolbar button opening this panel)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.errors import AssetError
from fieldapp.resources import asset_path


@dataclass(frozen=True)
class CrisisNumber:
    number: str
    name_ko: str
    name_en: str
    note_ko: str = ""
    note_en: str = ""


def load_crisis_numbers() -> list[CrisisNumber]:
    """The numbers of ``assets/crisis_numbers.json`` in their listed order."""
    path = asset_path("crisis_numbers.json")
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise AssetError(f"{path}: cannot read the crisis numbers ({err})") from err
    entries = data.get("numbers", data) if isinstance(data, dict) else data
    numbers = []
    for e in entries:
        numbers.append(
            CrisisNumber(
                number=str(e["number"]),
                name_ko=e.get("name_ko", ""),
                name_en=e.get("name_en", ""),
                note_ko=e.get("note_ko", e.get("hours_ko", "")),
                note_en=e.get("note_en", e.get("hours_en", "")),
            )
        )
    if not numbers:
        raise AssetError(f"{path}: lists no crisis numbers")
    return numbers


def _korean() -> bool:
    return QLocale().language() == QLocale.Language.Korean


class CrisisPanel(QDialog):
    """Large, copyable crisis numbers; available offline, from every screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crisisPanel")
        self.setWindowTitle(self.tr("위기 상담 전화"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "위급하면 지금 전화하세요. 모든 번호는 무료이며 인터넷 없이도 여기에 표시됩니다."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        grid = QGridLayout()
        korean = _korean()
        self.numbers = load_crisis_numbers()
        for row, n in enumerate(self.numbers):
            number = QLabel(n.number)
            number.setObjectName("crisisNumber")
            number.setStyleSheet("font-size: 18pt; font-weight: bold; color: #8e0000;")
            number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            name = QLabel(n.name_ko if korean else (n.name_en or n.name_ko))
            name.setStyleSheet("font-size: 11pt; font-weight: bold;")
            note = QLabel(n.note_ko if korean else (n.note_en or n.note_ko))
            note.setObjectName("hint")
            note.setWordWrap(True)
            copy = QPushButton(self.tr("번호 복사"))
            copy.setAccessibleName(self.tr("%1 번호 복사").replace("%1", n.number))
            copy.clicked.connect(lambda _=False, num=n.number: self._copy(num))
            grid.addWidget(number, row, 0)
            grid.addWidget(name, row, 1)
            grid.addWidget(note, row, 2)
            grid.addWidget(copy, row, 3)
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _copy(self, number: str) -> None:
        QGuiApplication.clipboard().setText(number)
