"""Indicators for a period (de-identified, small cells suppressed) and their export, which
asks for a reason (kept in the server's access log)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.errors import FieldappError
from ui.operations import OpRunner
from ui.supervisor.common import error_label, run_net, save_file_dialog, table_view
from ui.supervisor.models import RecordTableModel, indicator_columns


class IndicatorsPage(QWidget):
    def __init__(self, runner: OpRunner, client: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.client = client
        self.saved_to: Path | None = None
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("사업 지표 (비식별 집계)"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        row = QHBoxLayout()
        today = QDate.currentDate()
        self.start = QDateEdit(QDate(today.year(), today.month(), 1))
        self.end = QDateEdit(today)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.show_button = QPushButton(self.tr("조회"))
        self.csv_button = QPushButton(self.tr("CSV로 내보내기…"))
        self.xlsx_button = QPushButton(self.tr("엑셀(XLSX)로 내보내기…"))
        for w in (QLabel(self.tr("기간")), self.start, QLabel("~"), self.end, self.show_button):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.csv_button)
        row.addWidget(self.xlsx_button)
        layout.addLayout(row)
        self.note = QLabel(
            self.tr(
                "이름·전화번호·주소는 들어가지 않습니다. 1~4명(건)은 '<5'로 가립니다. "
                "내보내기는 사유를 묻고 접근 기록에 남깁니다."
            )
        )
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.error = error_label()
        layout.addWidget(self.error)
        self.message = QLabel()
        layout.addWidget(self.message)
        self.model = RecordTableModel(indicator_columns(), self)
        self.view = table_view(self.model)
        layout.addWidget(self.view, 1)
        self.show_button.clicked.connect(self.reload)
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))

    def period(self) -> tuple[Any, Any]:
        return self.start.date().toPython(), self.end.date().toPython()

    def reload(self) -> None:
        start, end = self.period()
        run_net(
            self,
            self.runner,
            lambda: self.client.indicators(start, end),
            lambda table: self.model.set_rows(table["rows"]),
            self.error,
        )

    def export(self, fmt: str, reason: str | None = None, path: Path | None = None) -> None:
        """Ask for a reason (required) and a file, then fetch and save the export."""
        if reason is None:
            reason, ok = QInputDialog.getText(
                self,
                self.tr("내보내기 사유"),
                self.tr("내보내는 이유를 입력하십시오 (접근 기록에 남습니다):"),
            )
            if not ok:
                return
        if not reason.strip():
            self.error.setText(self.tr("사유를 입력해야 내보낼 수 있습니다."))
            self.error.show()
            return
        self.error.hide()  # a valid reason: the old complaint goes
        start, end = self.period()
        if path is None:
            dialog = save_file_dialog(
                self,
                self.tr("저장할 곳"),
                f"indicators_{start:%Y%m%d}-{end:%Y%m%d}.{fmt}",
                "CSV (*.csv)" if fmt == "csv" else "Excel (*.xlsx)",
            )
            if not dialog.exec() or not dialog.selectedFiles():
                return
            path = Path(dialog.selectedFiles()[0])
        target = path

        def fetch() -> Path:
            _name, data = self.client.export_indicators(start, end, fmt, reason)
            try:
                target.write_bytes(data)
            except OSError as exc:
                raise FieldappError(
                    f"Cannot write {target}: {exc.strerror}. Choose another folder."
                ) from None
            return target

        def done(saved: Path) -> None:
            self.saved_to = saved
            self.message.setText(self.tr("저장했습니다: %1").replace("%1", str(saved)))

        run_net(self, self.runner, fetch, done, self.error)
