"""Heat / cold alert campaigns: declare one for the district, watch today's completion."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.programme_time import programme_today
from ui.operations import OpRunner
from ui.supervisor.common import error_label, run_net, selected_rows, table_view
from ui.supervisor.models import RecordTableModel, alert_columns, alert_household_columns

#: Months whose alerts are 한파 (cold); the others' are 폭염 (heat).
COLD_MONTHS = frozenset({11, 12, 1, 2, 3})


def _today() -> QDate:
    """Today in Korea (programme dates are KST, whatever the machine's zone)."""
    d = programme_today()
    return QDate(d.year, d.month, d.day)


def season_kind(month: int) -> str:
    """The alert a supervisor most likely declares in *month*: cold from November to March."""
    return "cold" if month in COLD_MONTHS else "heat"


class AlertsPage(QWidget):
    def __init__(self, runner: OpRunner, client: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.client = client
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("폭염·한파 집중관리"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        declare = QGroupBox(
            self.tr("특보 선포: 고위험·중위험 가구는 특보 기간 동안 매일 연락 대상이 됩니다")
        )
        row = QHBoxLayout(declare)
        self.kind = QComboBox()
        self.kind.addItem(self.tr("폭염"), "heat")
        self.kind.addItem(self.tr("한파"), "cold")
        self.level = QComboBox()
        self.level.addItem(self.tr("주의보"), "advisory")
        self.level.addItem(self.tr("경보"), "warning")
        self.kind.setCurrentIndex(self.kind.findData(season_kind(_today().month())))
        self.start = QDateEdit(_today())
        self.end = QDateEdit(_today().addDays(2))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.declare_button = QPushButton(self.tr("선포"))
        self.declare_button.setObjectName("primary")
        for w in (self.kind, self.level, QLabel(self.tr("시작")), self.start,
                  QLabel(self.tr("끝")), self.end, self.declare_button):  # fmt: skip
            row.addWidget(w)
        row.addStretch(1)
        layout.addWidget(declare)
        self.error = error_label()
        layout.addWidget(self.error)
        self.alerts_model = RecordTableModel(alert_columns(), self)
        self.alerts_view = table_view(self.alerts_model)
        self.alerts_view.setMaximumHeight(150)
        layout.addWidget(self.alerts_view)
        buttons = QHBoxLayout()
        self.end_button = QPushButton(self.tr("선택한 특보 종료"))
        refresh = QPushButton(self.tr("새로 고침"))
        buttons.addWidget(self.end_button)
        buttons.addStretch(1)
        buttons.addWidget(refresh)
        layout.addLayout(buttons)
        self.progress = QLabel(self.tr("특보를 고르면 오늘 연락 현황을 보여 줍니다."))
        layout.addWidget(self.progress)
        self.board_model = RecordTableModel(alert_household_columns(), self)
        self.board_view = table_view(self.board_model)
        layout.addWidget(self.board_view, 1)
        self.declare_button.clicked.connect(self.declare)
        self.end_button.clicked.connect(self.end_selected)
        refresh.clicked.connect(self.reload)
        self.alerts_view.selectionModel().selectionChanged.connect(self._show_selected)

    def reload(self) -> None:
        def show(rows: list[dict[str, Any]]) -> None:
            self.alerts_model.set_rows(rows)
            if rows:
                self.alerts_view.selectRow(0)

        run_net(self, self.runner, self.client.alerts, show, self.error)

    def declare(self) -> None:
        kind, level = self.kind.currentData(), self.level.currentData()
        start = self.start.date().toPython()
        end = self.end.date().toPython()
        if end < start:
            end = start
        run_net(
            self,
            self.runner,
            lambda: self.client.declare_alert(kind, level, start, end),
            lambda _row: self.reload(),
            self.error,
        )

    def _selected_alert(self) -> dict[str, Any] | None:
        rows = selected_rows(self.alerts_view)
        return rows[0] if rows else None

    def _show_selected(self, *_args: Any) -> None:
        alert = self._selected_alert()
        if alert is None:
            self.board_model.set_rows([])
            return
        alert_id = alert["id"]

        def show(board: dict[str, Any]) -> None:
            self.board_model.set_rows(board["households"])
            self.progress.setText(
                self.tr("오늘(%1) 연락 완료 %2가구 / 남은 가구 %3")
                .replace("%1", board["today"])
                .replace("%2", str(board["contacted"]))
                .replace("%3", str(board["remaining"]))
            )

        run_net(self, self.runner, lambda: self.client.alert_board(alert_id), show, self.error)

    def end_selected(self) -> None:
        alert = self._selected_alert()
        if alert is None:
            return
        alert_id = alert["id"]
        run_net(
            self,
            self.runner,
            lambda: self.client.end_alert(alert_id),
            lambda _row: self.reload(),
            self.error,
        )
