"""The district board: caseloads, overdue, high risk, open immediate actions, device sync."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.operations import OpRunner
from ui.supervisor.board_signals import BoardSignals
from ui.supervisor.common import error_label, run_net, selected_rows, table_view
from ui.supervisor.models import RecordTableModel, board_columns, by_username, remember_names


class BoardPage(QWidget):
    """현황판: one row per worker; counts are what the server acknowledged, pending apart."""

    reassign_requested = Signal(object)  # the selected worker's row, or None
    undo_requested = Signal()
    loaded = Signal(object)  # the board JSON

    def __init__(self, runner: OpRunner, client: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.client = client
        self.board: dict[str, Any] | None = None
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("담당자별 현황판"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.note = QLabel(
            self.tr(
                "건수는 서버가 받은 기록 기준입니다. 기기에 남은 미전송 기록은 "
                "'미전송(기기 보고)' 열에 따로 표시합니다 (마지막 동기화 때 보고된 값)."
            )
        )
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.error = error_label()
        layout.addWidget(self.error)
        self.model = RecordTableModel(board_columns(), self, order=by_username)
        self.view = table_view(self.model)
        layout.addWidget(self.view, 1)
        self.signals = BoardSignals(runner, client)  # the district's households with signals
        layout.addWidget(self.signals, 1)
        row = QHBoxLayout()
        self.refresh_button = QPushButton(self.tr("새로 고침"))
        self.refresh_button.clicked.connect(self.reload)
        self.reassign_button = QPushButton(self.tr("가구 재배정…"))
        self.reassign_button.setObjectName("primary")
        self.reassign_button.clicked.connect(self._reassign)
        self.undo_button = QPushButton(self.tr("마지막 재배정 되돌리기"))
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo_requested)
        row.addWidget(self.refresh_button)
        row.addStretch(1)
        row.addWidget(self.undo_button)
        row.addWidget(self.reassign_button)
        layout.addLayout(row)

    def reload(self) -> None:
        run_net(self, self.runner, self.client.board, self.show_board, self.error)
        self.signals.reload()

    def show_board(self, board: dict[str, Any]) -> None:
        self.board = board
        remember_names(board["workers"])
        if self.signals.rows:  # arrived first: name their workers now that names are known
            self.signals.show_signals({"signals": self.signals.rows})
        self.model.set_rows(board["workers"])
        un = board["unassigned"]
        self.summary.setText(
            self.tr(
                "가구 %1 · 미배정 (안부확인 %2, 방문건강 %3) · 미해결 충돌 %4 · "
                "미확인 인계 기록 %5 · 진행 중 폭염·한파 %6"
            )
            .replace("%1", str(board["households"]))
            .replace("%2", str(un.get("welfare_check", 0)))
            .replace("%3", str(un.get("visiting_health", 0)))
            .replace("%4", str(board["open_conflicts"]))
            .replace("%5", str(board["inbox_open"]))
            .replace("%6", str(board["active_alerts"]))
        )
        self.loaded.emit(board)

    def _reassign(self) -> None:
        rows = selected_rows(self.view)
        self.reassign_requested.emit(rows[0] if rows else None)
