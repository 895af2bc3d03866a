"""The board's signal list: the district's households with active early-warning signals,
most severe first, filterable by worker (from ``GET /district/signals``, the same rules as the
workers' screens and ``fieldapp-server signals``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.lang import pick
from ui.operations import OpRunner
from ui.signals_panel import SEVERITY_BG, SignalAckDialog, kind_text, severity_text
from ui.supervisor.common import error_label, run_net
from ui.supervisor.models import person


class BoardSignals(QWidget):
    """신호: one row per signal (household, workers, kind, since, the sentence)."""

    def __init__(self, runner: OpRunner, client: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("boardSignals")
        self.runner, self.client = runner, client
        self.rows: list[dict[str, Any]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        title = QLabel(self.tr("조기 경보 신호"))
        title.setObjectName("sectionTitle")
        head.addWidget(title)
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        head.addWidget(self.summary, 1)
        head.addWidget(QLabel(self.tr("담당자")))
        self.worker = QComboBox()
        self.worker.setObjectName("signalWorkerFilter")
        self.worker.addItem(self.tr("전체"), None)
        self.worker.currentIndexChanged.connect(self._show)
        head.addWidget(self.worker)
        layout.addLayout(head)
        self.error = error_label()
        layout.addWidget(self.error)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("boardSignalsTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("심각도"),
                self.tr("가구"),
                self.tr("담당"),
                self.tr("종류"),
                self.tr("시작"),
                self.tr("신호"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((60, 230, 170, 100, 95)):
            self.table.setColumnWidth(col, width)
        self.table.itemSelectionChanged.connect(self._chosen)
        layout.addWidget(self.table, 1)
        bar = QHBoxLayout()
        bar.addStretch(1)
        self.ack_button = QPushButton(self.tr("확인 기록…"))
        self.ack_button.setObjectName("boardSignalAckButton")
        self.ack_button.setEnabled(False)
        self.ack_button.clicked.connect(self.acknowledge_selected)
        bar.addWidget(self.ack_button)
        layout.addLayout(bar)

    def selected(self) -> dict[str, Any] | None:
        rows = self.visible_rows()
        row = self.table.currentRow()
        return rows[row] if 0 <= row < len(rows) else None

    def _chosen(self) -> None:
        self.ack_button.setEnabled(self.selected() is not None)

    def acknowledge_selected(self) -> BoardAckDialog | None:
        """Open 신호 확인 for the chosen row (returns the dialog, for tests)."""
        row = self.selected()
        if row is None:
            return None
        self.ack_dialog = BoardAckDialog(self.runner, self.client, row, self)
        self.ack_dialog.accepted.connect(self.reload)
        self.ack_dialog.open()
        return self.ack_dialog

    def reload(self) -> None:
        run_net(self, self.runner, self.client.signals, self.show_signals, self.error)

    def show_signals(self, data: dict[str, Any]) -> None:
        self.rows = list(data.get("signals") or [])
        chosen = self.worker.currentData()
        workers = sorted({w for r in self.rows for w in acting_workers(r)})
        self.worker.blockSignals(True)
        self.worker.clear()
        self.worker.addItem(self.tr("전체"), None)
        for w in workers:
            self.worker.addItem(person(w), w)
        self.worker.setCurrentIndex(max(0, self.worker.findData(chosen)) if chosen else 0)
        self.worker.blockSignals(False)
        self._show()

    def visible_rows(self) -> list[dict[str, Any]]:
        """The rows the worker filter keeps (most severe first, as the server sent them)."""
        chosen = self.worker.currentData()
        return [r for r in self.rows if chosen is None or chosen in acting_workers(r)]

    def _show(self) -> None:
        rows = self.visible_rows()
        households = len({r["household_id"] for r in rows})
        high = sum(1 for r in rows if r["severity"] == "high")
        self.summary.setText(
            self.tr("가구 %1 · 신호 %2 (높음 %3)")
            .replace("%1", str(households))
            .replace("%2", str(len(rows)))
            .replace("%3", str(high))
        )
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            cells = [
                severity_text(r["severity"]),
                r["household_label"],
                ", ".join(person(w) for w in acting_workers(r)),
                kind_text(r["kind"]),
                r["since"],
                pick(r["text_ko"], r["text_en"]),
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text if c != 5 else f"{text}\n{r['source']}")
                if r["severity"] in SEVERITY_BG:
                    item.setBackground(QBrush(QColor(SEVERITY_BG[r["severity"]])))
                self.table.setItem(i, c, item)


def acting_workers(row: dict[str, Any]) -> list[str]:
    """Who acts on a signal: the worker of the programme it names, the one whose Today shows
    it (a nurse filtering for herself does not get her volunteer's contact signals); every
    worker of the household when that programme has nobody assigned."""
    workers = row.get("workers") or {}
    acting = workers.get(row.get("programme") or "")
    return [acting] if acting else sorted(w for w in workers.values() if w)


class BoardAckDialog(SignalAckDialog):
    """신호 확인 by a supervisor: the district route records it for the household's workers."""

    def __init__(
        self, runner: OpRunner, client: Any, row: dict[str, Any], parent: QWidget | None = None
    ) -> None:
        super().__init__(runner, pick(row["text_ko"], row["text_en"]), parent)
        self.client, self.row = client, row
        self.error = error_label()
        self.layout().insertWidget(self.layout().count() - 1, self.error)

    def save(self) -> None:
        row, note, follow_up = self.row, self.note.text().strip(), self.follow_up()
        run_net(
            self,
            self.runner,
            lambda: self.client.acknowledge_signal(
                row["household_id"], row["id"], row["rule"], note, follow_up
            ),
            lambda _result: self.accept(),
            self.error,
        )
