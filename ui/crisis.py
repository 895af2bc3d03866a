"""The crisis numbers, one click away at all times (a toolbar button opening this panel)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
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
from ui.lang import pick


@dataclass(frozen=True)
class CrisisNumber:
    """One line of ``assets/crisis_numbers.json``: the number, its name, when to call it."""

    number: str
    name_ko: str
    name_en: str
    note_ko: str = ""
    note_en: str = ""

    @property
    def name(self) -> str:
        """The line's name in the UI language."""
        return pick(self.name_ko, self.name_en)

    @property
    def note(self) -> str:
        """When to call it and its hours, in the UI language."""
        return pick(self.note_ko, self.note_en)


def _note(entry: dict[str, Any], lang: str) -> str:
    parts = [entry.get(f"use_{lang}", ""), entry.get(f"hours_{lang}", "")]
    return " · ".join(p for p in parts if p)


def load_crisis_numbers() -> list[CrisisNumber]:
    """The numbers of ``assets/crisis_numbers.json`` in their listed order: the ONE list
    behind the crisis-lines dialog and the risk banner's button."""
    path = asset_path("crisis_numbers.json")
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise AssetError(f"{path}: cannot read the crisis numbers ({err})") from err
    entries = data.get("numbers", data) if isinstance(data, dict) else data
    numbers = []
    for e in entries:
        name_ko = e.get("label_ko", "")
        if not name_ko:
            raise AssetError(f"{path}: the line {e.get('number')} has no label_ko (its name)")
        numbers.append(
            CrisisNumber(
                number=str(e["number"]),
                name_ko=name_ko,
                name_en=e.get("label_en", ""),
                note_ko=_note(e, "ko"),
                note_en=_note(e, "en"),
            )
        )
    if not numbers:
        raise AssetError(f"{path}: lists no crisis numbers")
    return numbers


def crisis_button_text() -> str:
    """The label of a button opening the crisis-lines dialog: every number of the one list."""
    numbers = " · ".join(n.number for n in load_crisis_numbers())
    return QCoreApplication.translate("crisis", "위기 상담 전화 (%1)").replace("%1", numbers)


class CrisisPanel(QDialog):
    """Large, copyable crisis numbers; available offline, from every screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crisisPanel")
        self.setWindowTitle(self.tr("위기 상담 전화"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "위급하면 지금 전화하십시오. 모든 번호는 무료이며 인터넷 없이도 여기에 표시됩니다."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        grid = QGridLayout()
        self.numbers = load_crisis_numbers()
        for row, n in enumerate(self.numbers):
            number = QLabel(n.number)
            number.setObjectName("crisisNumber")
            number.setStyleSheet("font-size: 18pt; font-weight: bold; color: #8e0000;")
            number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            name = QLabel(n.name)
            name.setStyleSheet("font-size: 11pt; font-weight: bold;")
            note = QLabel(n.note)
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
