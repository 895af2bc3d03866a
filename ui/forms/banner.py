"""The immediate-risk banner: it stays until the worker records what was done."""

from __future__ import annotations

from typing import ClassVar

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
        (
            "gave_sugar",
            "당분 15 g 섭취 후 15분 뒤 재측정함",
            "Gave 15 g of sugar, re-measured after 15 minutes",
        ),
        ("remeasured_bp", "5분 안정 후 혈압을 다시 잼", "Re-measured BP after 5 minutes' rest"),
        ("linked_clinic", "오늘 의료기관과 연결함", "Linked to a clinic today"),
        ("called_emergency_contact", "비상연락처에 연락함", "Called the emergency contact"),
    )
    #: The mental-health and emergency steps: for any immediate action not listed below.
    DEFAULT_STEPS = (
        "stayed_safe",
        "called_109",
        "called_1577_0199",
        "called_119",
        "called_112",
        "informed_supervisor",
    )
    #: The steps each immediate action offers, in order (the first is what to do first).
    STEPS_FOR: ClassVar[dict[str, tuple[str, ...]]] = {
        "hypoglycaemia_now": ("gave_sugar", "called_119", "stayed_safe", "informed_supervisor"),
        "bp_same_day_contact": (
            "remeasured_bp",
            "linked_clinic",
            "called_119",
            "informed_supervisor",
        ),
        "door_no_answer": (
            "informed_supervisor",
            "called_emergency_contact",
            "called_112",
            "called_119",
        ),
        "emergency_welfare_check": (
            "called_112",
            "called_119",
            "informed_supervisor",
            "called_emergency_contact",
        ),
        "call_119": ("called_119", "informed_supervisor", "stayed_safe"),
        "report_death": ("called_112", "informed_supervisor"),
    }

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
        self.rule = QLabel()  # the rule behind the banner and what to do first, one line
        self.rule.setObjectName("riskBannerRule")
        self.rule.setStyleSheet("font-weight: bold;")
        self.rule.setWordWrap(True)
        self.rule.hide()
        layout.addWidget(self.rule)
        self.actions_label = QLabel()
        self.actions_label.setWordWrap(True)
        layout.addWidget(self.actions_label)
        ask = QLabel(self.tr("한 일을 기록해야 저장할 수 있습니다:"))
        ask.setStyleSheet("font-weight: bold;")
        layout.addWidget(ask)
        self.grid = QGridLayout()
        self.checks: dict[str, QCheckBox] = {}
        for sid, ko, en in self.STEPS:
            box = QCheckBox(pick(ko, en))
            box.setObjectName(f"step:{sid}")
            box.toggled.connect(self._changed)
            box.hide()
            self.checks[sid] = box
        self._offered: tuple[str, ...] = ()
        self._offer(self.DEFAULT_STEPS)
        layout.addLayout(self.grid)
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
        rules = [self._rule(a.id) for a in actions]
        self.rule.setText(next((r for r in rules if r), ""))
        self.rule.setVisible(bool(self.rule.text()))
        steps: list[str] = []
        for a in actions:
            steps += [s for s in self.STEPS_FOR.get(a.id, self.DEFAULT_STEPS) if s not in steps]
        self._offer(tuple(steps))
        self.show()

    def _rule(self, action_id: str) -> str:
        """One line: why this banner appears and what to do first ('' when its text says it)."""
        if action_id == "door_no_answer":
            return self.tr(
                "위험 가구의 문 앞에서 응답이 없으면 바로 알리는 것이 원칙입니다: 먼저 동 주민센터에 알리십시오."
            )
        if action_id == "hypoglycaemia_now":
            return self.tr(
                "저혈당은 지금 처치합니다: 먼저 당분 15 g을 드시게 하고 15분 뒤 다시 재십시오."
            )
        return ""

    def _offer(self, steps: tuple[str, ...]) -> None:
        """Show the boxes of *steps* (in order, three to a row); hide and clear the others."""
        if steps == self._offered:
            return
        self._offered = steps
        for sid, box in self.checks.items():
            self.grid.removeWidget(box)
            if sid not in steps:
                box.hide()
                box.setChecked(False)
        for i, sid in enumerate(steps):
            self.grid.addWidget(self.checks[sid], i // 3, i % 3)
            self.checks[sid].show()

    def _show_crisis(self) -> None:
        CrisisPanel(self).open()

    def _changed(self) -> None:
        self.recorded_changed.emit(self.recorded)

    @property
    def recorded(self) -> bool:
        return bool(self.steps_done())

    @property
    def offered(self) -> tuple[str, ...]:
        """The steps this banner offers, in order (the first is what to do first)."""
        return self._offered

    def steps_done(self) -> list[str]:
        """The offered steps ticked, in the order offered."""
        return [sid for sid in self._offered if self.checks[sid].isChecked()]

    def note_text(self) -> str:
        return self.note.text().strip()

    def restore(self, steps: list[str], note: str) -> None:
        for sid in steps:
            if sid in self.checks:
                self.checks[sid].setChecked(True)
        self.note.setText(note)
