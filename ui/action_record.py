"""조치 기록: record what was done about an open immediate action or referral, naming its record.

Opened from a 필요 or 진행 중 row of the household's 조치·의뢰 tab (double-click, context menu or
the button) and from such a row on Today. Saving writes one done referral whose ``closes`` is
that record's id; the household-state rule then shows it as closed everywhere.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldapp import records
from fieldapp.household_state import OpenItem
from ui.forms.banner import RiskBanner
from ui.lang import pick
from ui.operations import CollectionOp, OpChanges, OpRunner
from ui.session import Session


def closing_referral(
    item: OpenItem, steps: list[str], note: str, session: Session
) -> dict[str, Any]:
    """The done referral that answers *item* (an open immediate action or referral) by naming
    its record."""
    labels = {sid: ko for sid, ko, _en in RiskBanner.STEPS}
    record = {
        "id": item.record_id,
        "household_id": item.household_id,
        "programme": item.programme or session.programme,
    }
    return records.answering_referral(
        record,
        done=", ".join(labels[s] for s in steps if s in labels),
        reason=item.text_ko,
        note=note,
        user=session.username,
        device_id=session.device_id,
        urgency="immediate" if item.immediate else "routine",
    )


class ActionRecordDialog(QDialog):
    """What was done about one open immediate action (at least one step or a memo)."""

    def __init__(
        self,
        runner: OpRunner,
        session: Session,
        item: OpenItem,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("actionRecordDialog")
        self.runner, self.session, self.item = runner, session, item
        self.setWindowTitle(self.tr("조치 기록"))
        layout = QVBoxLayout(self)
        why = QLabel(pick(item.text_ko, item.text_en))
        why.setWordWrap(True)
        why.setStyleSheet("font-weight: bold; color: #b00020;")
        layout.addWidget(why)
        layout.addWidget(QLabel(self.tr("한 일을 모두 고르고 필요하면 메모를 남기십시오.")))
        grid = QGridLayout()
        self.checks: dict[str, QCheckBox] = {}
        for i, (sid, ko, en) in enumerate(RiskBanner.STEPS):
            box = QCheckBox(pick(ko, en))
            box.setObjectName(f"step:{sid}")
            box.toggled.connect(self._changed)
            self.checks[sid] = box
            grid.addWidget(box, i // 2, i % 2)
        layout.addLayout(grid)
        self.note = QLineEdit()
        self.note.setObjectName("actionNote")
        self.note.setPlaceholderText(self.tr("조치 내용 메모 (예: 보호자에게 연락, 병원 동행)"))
        self.note.textChanged.connect(self._changed)
        layout.addWidget(self.note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._changed()

    def steps(self) -> list[str]:
        return [sid for sid, box in self.checks.items() if box.isChecked()]

    def _changed(self) -> None:
        ok = bool(self.steps() or self.note.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(ok)

    def save(self) -> None:
        """Record the closing referral (one transaction), then close the dialog."""
        if not (self.steps() or self.note.text().strip()):
            return
        event = closing_referral(self.item, self.steps(), self.note.text().strip(), self.session)

        role = self.session.role

        def op(store: Any) -> tuple[dict[str, Any], OpChanges]:
            stored = records.append_event(store, event, role=role)
            return stored, OpChanges(
                households=frozenset({event["household_id"]}), events=True, sync_state=True
            )

        self.buttons.setEnabled(False)
        CollectionOp(self, op).success(lambda _e: self.accept()).failure(self._failed).run(
            self.runner
        )

    def _failed(self, err: Exception) -> None:
        from ui import errors as ui_errors

        self.buttons.setEnabled(True)
        ui_errors.show_known_error(self, err)


def record_action(
    parent: QWidget, runner: OpRunner, session: Session, item: OpenItem
) -> ActionRecordDialog:
    """Open the 조치 기록 dialog for *item* (window-modal; returns it, for tests)."""
    dialog = ActionRecordDialog(runner, session, item, parent)
    dialog.open()
    return dialog
