"""The immediate-risk banner: it stays until the worker records what was done."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.instruments import Action
from ui.crisis import CrisisPanel, crisis_button_text
from ui.forms.builder import pick


class RiskBanner(QFrame):
    """Red banner with the immediate actions, the crisis numbers and a record of what was done."""

    recorded_changed = Signal(bool)

    #: What a worker can record having done (ids are stored in the referral event).
    STEPS = (
        ("called_109", "109 자살예방 상담전화에 연결함", "Connected to 109"),
        ("called_1577_0199", "1577-0199 정신건강 위기상담에 연결함", "Connected to 1577-0199"),
        ("called_119", "119에 신고함", "Called 119"),
        ("called_112", "112에 신고함", "Called 112"),
        ("informed_supervisor", "관리자·동 주민센터에 알림", "Told the supervisor / 주민센터"),
        ("stayed_safe", "곁에 머물며 안전을 확인함", "Stayed and checked safety"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("riskBanner")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = QLabel(self.tr("⚠ 즉시 조치가 필요합니다"))
        self.title.setObjectName("riskBannerTitle")
        crisis = QPushButton(crisis_button_text())  # the one list of ui/crisis.py
        crisis.clicked.connect(self._show_crisis)
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(crisis)
        layout.addLayout(top)
        self.actions_label = QLabel()
        self.actions_label.setWordWrap(True)
        layout.addWidget(self.actions_label)
        ask = QLabel(self.tr("한 일을 기록해야 저장할 수 있습니다:"))
        ask.setStyleSheet("font-weight: bold;")
        layout.addWidget(ask)
        grid = QGridLayout()
        self.checks: dict[str, QCheckBox] = {}
        for i, (sid, ko, en) in enumerate(self.STEPS):
            box = QCheckBox(pick(ko, en))
            box.setObjectName(f"step:{sid}")
            box.toggled.connect(self._changed)
            self.checks[sid] = box
            grid.addWidget(box, i // 3, i % 3)
        layout.addLayout(grid)
        self.note = QLineEdit()
        self.note.setPlaceholderText(
            self.tr("조치 내용 메모 (예: 109 상담사와 통화 연결, 딸에게 연락)")
        )
        self.note.textChanged.connect(self._changed)
        layout.addWidget(self.note)
        self._actions: list[Action] = []
        self.hide()

    def set_actions(self, actions: list[Action]) -> None:
        """Show the banner for *actions* (immediate ones); an empty list hides it."""
        self._actions = actions
        if not actions:
            self.hide()
            return
        self.actions_label.setText("\n".join(f"• {pick(a.text_ko, a.text_en)}" for a in actions))
        self.show()

    def _show_crisis(self) -> None:
        CrisisPanel(self).open()

    def _changed(self) -> None:
        self.recorded_changed.emit(self.recorded)

    @property
    def recorded(self) -> bool:
        return any(b.isChecked() for b in self.checks.values())

    def steps_done(self) -> list[str]:
        return [sid for sid, b in self.checks.items() if b.isChecked()]

    def note_text(self) -> str:
        return self.note.text().strip()

    def restore(self, steps: list[str], note: str) -> None:
        for sid in steps:
            if sid in self.checks:
                self.checks[sid].setChecked(True)
        self.note.setText(note)
