"""Conflicts view: per-field conflicts with both values, who and when; resolve by choosing a
value or editing one. The server applies it as a new field version that syncs to everyone
who holds the household."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.empty_state import show_when_empty
from ui.operations import OpRunner
from ui.supervisor.common import error_label, run_net, selected_rows, table_view
from ui.supervisor.models import RecordTableModel, conflict_columns, field_label, person, when


def _show(value: Any) -> str:
    if isinstance(value, str) or value is None:
        return value or ""
    return json.dumps(value, ensure_ascii=False)


def _parse(text: str, like: Any) -> Any:
    """The edited text as a value of the field's kind (JSON for lists and objects)."""
    if isinstance(like, (list, dict)):
        return json.loads(text)
    return text.strip() or None


class ConflictsPage(QWidget):
    resolved = Signal(object)

    def __init__(self, runner: OpRunner, client: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.client = client
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("충돌 검토"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        hint = QLabel(
            self.tr(
                "두 기기에서 같은 항목을 동시에 고친 경우입니다. 어느 값도 자동으로 버리지 "
                "않았습니다. 값을 고르거나 직접 고쳐 저장하면 그 가구를 가진 모든 담당자에게 "
                "전달됩니다."
            )
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.error = error_label()
        layout.addWidget(self.error)
        self.model = RecordTableModel(conflict_columns(), self)
        self.view = table_view(self.model)
        self.empty = show_when_empty(
            self.view,
            self.tr(
                "미해결 충돌 없음. 두 담당자가 같은 가구의 같은 항목을 서로 다르게 고치면 "
                "여기에 나타납니다."
            ),
        )
        layout.addWidget(self.view, 2)
        box = QGroupBox(self.tr("선택한 충돌"))
        detail = QVBoxLayout(box)
        self.detail = QLabel(self.tr("목록에서 충돌을 고르십시오."))
        self.detail.setWordWrap(True)
        detail.addWidget(self.detail)
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText(self.tr("직접 고칠 값"))
        self.editor.setMaximumHeight(70)
        detail.addWidget(self.editor)
        row = QHBoxLayout()
        self.keep_a = QPushButton(self.tr("값 A로 결정"))
        self.keep_b = QPushButton(self.tr("값 B로 결정"))
        self.save_edit = QPushButton(self.tr("고친 값으로 결정"))
        self.save_edit.setObjectName("primary")
        for b in (self.keep_a, self.keep_b, self.save_edit):
            b.setEnabled(False)
            row.addWidget(b)
        row.addStretch(1)
        refresh = QPushButton(self.tr("새로 고침"))
        refresh.clicked.connect(self.reload)
        row.addWidget(refresh)
        detail.addLayout(row)
        layout.addWidget(box, 1)
        self.view.selectionModel().selectionChanged.connect(self._selected)
        self.keep_a.clicked.connect(lambda: self.resolve("mine"))
        self.keep_b.clicked.connect(lambda: self.resolve("theirs"))
        self.save_edit.clicked.connect(lambda: self.resolve("edited"))

    def reload(self) -> None:
        run_net(self, self.runner, self.client.conflicts, self.show_conflicts, self.error)

    def show_conflicts(self, rows: list[dict[str, Any]]) -> None:
        self.model.set_rows(rows)
        self._selected()

    def current(self) -> dict[str, Any] | None:
        rows = selected_rows(self.view)
        return rows[0] if rows else None

    def _selected(self, *_args: Any) -> None:
        c = self.current()
        for b in (self.keep_a, self.keep_b, self.save_edit):
            b.setEnabled(c is not None)
        if c is None:
            self.detail.setText(self.tr("목록에서 충돌을 고르십시오."))
            return
        self.detail.setText(
            self.tr("%1 — A: %2 (%3, %4) / B: %5 (%6, %7)")
            .replace("%1", field_label(c["field"]))
            .replace("%2", _show(c["mine"]) or "—")
            .replace("%3", person(c["mine_by"]))
            .replace("%4", when(c["mine_at"]))
            .replace("%5", _show(c["theirs"]) or "—")
            .replace("%6", person(c["theirs_by"]))
            .replace("%7", when(c["theirs_at"]))
        )
        self.editor.setPlainText(_show(c["mine"]))

    def resolve(self, choice: str) -> None:
        c = self.current()
        if c is None:
            return
        value = None
        if choice == "edited":
            try:
                value = _parse(self.editor.toPlainText(), c["mine"])
            except ValueError:
                self.error.setText(self.tr("고친 값의 형식이 맞지 않습니다 (목록은 JSON으로)."))
                self.error.show()
                return
        cid = c["id"]

        def done(row: dict[str, Any]) -> None:
            self.resolved.emit(row)
            self.reload()

        run_net(
            self, self.runner, lambda: self.client.resolve(cid, choice, value), done, self.error
        )
