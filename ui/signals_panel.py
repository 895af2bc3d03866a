"""신호: a household's early-warning signals in its view, with their evidence and the
acknowledgement dialog.

Each signal shows its sentence, severity, kind and since when; choosing one lists the records
behind it (double-click: that record in the timeline). 확인 records a ``signal_ack`` with a note
and an optional follow-up day, which syncs like any record; the signal then shows as
acknowledged (who, when) until newer evidence arrives. The signals come from
:func:`fieldapp.signals.evaluate` over the same records the view shows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldapp import records, signals
from fieldapp.programme_time import programme_today
from ui.lang import pick
from ui.operations import CollectionOp, OpChanges, OpRunner
from ui.session import Session

#: Row colours by severity (the same as the board's signal list).
SEVERITY_BG = {"high": "#fde2e1", "medium": "#fff4d6", "low": "#eef3fb"}


def severity_text(severity: str) -> str:
    entry = signals.load_signal_rules().severities.get(severity, {})
    return pick(entry.get("label_ko", severity), entry.get("label_en", severity))


def kind_text(kind: str) -> str:
    entry = signals.load_signal_rules().kinds.get(kind, {})
    return pick(entry.get("label_ko", kind), entry.get("label_en", kind))


def ack_record(
    signal: signals.Signal, note: str, follow_up: date | None, session: Session, household_id: str
) -> dict[str, Any]:
    """The ``signal_ack`` record acknowledging *signal*."""
    return {
        "id": records.new_id(),
        "type": signals.SIGNAL_ACK,
        "household_id": household_id,
        "programme": session.programme,
        "created_by": session.username,
        "device_id": session.device_id,
        "device_time": records.utc_now(),
        "payload": signals.ack_payload(signal, note, follow_up),
        "amends": None,
    }


class SignalAckDialog(QDialog):
    """확인: a note and an optional follow-up day for one signal (what saving does is the
    subclass's: a local record on a worker's laptop, the district route for a supervisor)."""

    def __init__(self, runner: OpRunner, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signalAckDialog")
        self.runner = runner
        self.setWindowTitle(self.tr("신호 확인"))
        layout = QVBoxLayout(self)
        why = QLabel(text)
        why.setWordWrap(True)
        why.setStyleSheet("font-weight: bold;")
        layout.addWidget(why)
        layout.addWidget(
            QLabel(
                self.tr("무엇을 확인했고 어떻게 하기로 했는지 남기십시오 (기록으로 동기화됩니다).")
            )
        )
        self.note = QLineEdit()
        self.note.setObjectName("signalAckNote")
        self.note.setPlaceholderText(self.tr("예: 전화로 상태 확인, 다음 주 방문 약속"))
        layout.addWidget(self.note)
        row = QHBoxLayout()
        self.follow = QCheckBox(self.tr("후속 확인일"))
        self.follow.setObjectName("signalAckFollow")
        self.follow_date = QDateEdit()
        self.follow_date.setObjectName("signalAckFollowDate")
        self.follow_date.setCalendarPopup(True)
        self.follow_date.setDisplayFormat("yyyy-MM-dd")
        today = programme_today()
        self.follow_date.setDate(QDate(today.year, today.month, today.day).addDays(7))
        self.follow_date.setEnabled(False)
        self.follow.toggled.connect(self.follow_date.setEnabled)
        row.addWidget(self.follow)
        row.addWidget(self.follow_date, 1)
        layout.addLayout(row)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def follow_up(self) -> date | None:
        if not self.follow.isChecked():
            return None
        d = self.follow_date.date()
        return date(d.year(), d.month(), d.day())

    def save(self) -> None:
        raise NotImplementedError

    def _failed(self, err: Exception) -> None:
        from ui import errors as ui_errors

        self.buttons.setEnabled(True)
        ui_errors.show_known_error(self, err)


class LocalAckDialog(SignalAckDialog):
    """신호 확인 on a worker's laptop: a ``signal_ack`` record in the local store."""

    def __init__(
        self,
        runner: OpRunner,
        session: Session,
        signal: signals.Signal,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, pick(signal.text_ko, signal.text_en), parent)
        self.session, self.signal = session, signal

    def save(self) -> None:
        """Record the acknowledgement (one record), then close."""
        event = ack_record(
            self.signal,
            self.note.text().strip(),
            self.follow_up(),
            self.session,
            self.signal.household_id,
        )

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


def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setDefaultSectionSize(28)
    return table


class SignalsPanel(QWidget):
    """The 신호 tab: the household's signals, the evidence of the chosen one, 확인."""

    open_record = Signal(str)  # record id (the view shows it in the timeline)

    def __init__(self, runner: OpRunner, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signalsPanel")
        self.runner, self.session = runner, session
        self.signals: list[signals.Signal] = []
        self._summaries: dict[str, str] = {}  # record id -> what the timeline says of it
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = _table(
            [
                self.tr("심각도"),
                self.tr("종류"),
                self.tr("시작"),
                self.tr("신호"),
                self.tr("확인"),
            ],
            "signalsTable",
        )
        for col, width in enumerate((70, 110, 95, 560)):
            self.table.setColumnWidth(col, width)
        self.table.itemSelectionChanged.connect(self._chosen)
        layout.addWidget(self.table, 2)
        layout.addWidget(QLabel(self.tr("근거 기록 (두 번 누르면 타임라인에서 봅니다)")))
        self.evidence = _table(
            [self.tr("날짜"), self.tr("기록"), self.tr("값")], "signalEvidenceTable"
        )
        self.evidence.setColumnWidth(0, 95)
        self.evidence.setColumnWidth(1, 110)
        self.evidence.doubleClicked.connect(self._open_evidence)
        layout.addWidget(self.evidence, 1)
        bar = QHBoxLayout()
        self.source = QLabel()
        self.source.setObjectName("hint")
        self.source.setWordWrap(True)
        bar.addWidget(self.source, 1)
        self.ack_button = QPushButton(self.tr("확인 기록…"))
        self.ack_button.setObjectName("signalAckButton")
        self.ack_button.clicked.connect(self.acknowledge_selected)
        self.ack_button.setEnabled(False)
        self.ack_button.setVisible(session.programme is not None)  # workers record
        bar.addWidget(self.ack_button)
        layout.addLayout(bar)

    def show_signals(self, household: dict[str, Any], events: list[dict[str, Any]]) -> None:
        """Evaluate and show the household's signals (today, KST), active ones first: those of
        the worker's programme (the laptop holds that programme's records only)."""
        from ui.household_view import event_summary

        effective = [e for e in events if e.get("effective")]
        self._summaries = {e["id"]: event_summary(e) for e in effective}
        found = signals.evaluate(household, effective, programme_today())
        mine = self.session.programme  # a worker's laptop holds its own programme's records
        found = [s for s in found if mine is None or s.programme in (None, mine)]
        self.signals = sorted(found, key=lambda s: not s.active)
        active = sum(1 for s in self.signals if s.active)
        self.summary.setText(
            self.tr("확인이 필요한 신호 %1건, 확인된 신호 %2건 (규칙 %3)")
            .replace("%1", str(active))
            .replace("%2", str(len(self.signals) - active))
            .replace("%3", signals.load_signal_rules().version)
        )
        self.table.setRowCount(len(self.signals))
        for r, s in enumerate(self.signals):
            ack = s.acknowledged
            ack_text = (
                self.tr("%1 · %2")
                .replace("%1", ack.by or "")
                .replace("%2", ack.at[:16].replace("T", " "))
                if ack
                else self.tr("확인 필요")
            )
            cells = [
                severity_text(s.severity),
                kind_text(s.kind),
                s.since,
                pick(s.text_ko, s.text_en),
                ack_text,
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text if c != 3 else f"{text}\n{s.source}")
                if s.active and s.severity in SEVERITY_BG:
                    item.setBackground(QBrush(QColor(SEVERITY_BG[s.severity])))
                if not s.active:
                    item.setForeground(QBrush(QColor("#666666")))
                self.table.setItem(r, c, item)
        if self.signals:
            self.table.selectRow(0)
        else:
            self.evidence.setRowCount(0)
            self.source.setText("")
            self.ack_button.setEnabled(False)

    def selected(self) -> signals.Signal | None:
        row = self.table.currentRow()
        return self.signals[row] if 0 <= row < len(self.signals) else None

    def _chosen(self) -> None:
        s = self.selected()
        self.ack_button.setEnabled(s is not None)  # again: records a follow-up
        if s is None:
            return
        self.evidence.setRowCount(len(s.evidence))
        for r, e in enumerate(s.evidence):
            values = self._summaries.get(e.record_id) or ", ".join(
                f"{k}={v}" for k, v in e.values.items()
            )
            for c, text in enumerate((e.day, _type_text(e.type), values)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, e.record_id)
                self.evidence.setItem(r, c, item)
        lines = [self.tr("근거: %1").replace("%1", s.source)]
        if s.acknowledged is not None:
            a = s.acknowledged
            lines.append(
                self.tr("확인: %1, %2 — %3 (후속 확인일 %4)")
                .replace("%1", a.by or "")
                .replace("%2", a.at[:16].replace("T", " "))
                .replace("%3", a.note or "-")
                .replace("%4", a.follow_up or "-")
            )
        self.source.setText("\n".join(lines))

    def _open_evidence(self, index: Any) -> None:
        item = self.evidence.item(index.row(), 0)
        if item is not None:
            self.open_record.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def acknowledge_selected(self) -> LocalAckDialog | None:
        """Open 신호 확인 for the chosen signal (returns the dialog, for tests). Acknowledging
        an acknowledged one records its follow-up (and ends a due follow-up)."""
        s = self.selected()
        if s is None:
            return None
        self.ack_dialog = LocalAckDialog(self.runner, self.session, s, self)
        self.ack_dialog.open()
        return self.ack_dialog


def _type_text(etype: str) -> str:
    from ui.household_view import type_text

    return type_text(etype)
