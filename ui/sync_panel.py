"""Sync in the background: the controller, the status-bar widget and the sync panel."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.assignment_text import reason_text
from ui.empty_state import show_when_empty
from ui.operations import NetworkOp, OpChanges, OpRunner, QueryOp
from ui.session import Session

#: How often the controller asks the policy whether a sync is due.
POLL_MS = 15_000


def _phase_text(phase: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return {
        "push": QCoreApplication.translate("sync", "보내는 중"),
        "pull": QCoreApplication.translate("sync", "받는 중"),
        "apply": QCoreApplication.translate("sync", "저장하는 중"),
        "handover": QCoreApplication.translate("sync", "인계 정리 중"),
    }.get(phase, phase)


class SyncController(QObject):
    """Runs the sync engine on the network executor; reports progress and status by signal."""

    progress = Signal(str, int, int, int)  # phase, done, total (-1 unknown), bytes
    started = Signal()
    finished = Signal(object)  # SyncReport
    failed = Signal(object)  # Exception
    status_changed = Signal(object)  # SyncStatus

    def __init__(
        self,
        runner: OpRunner,
        session: Session,
        *,
        interval_s: float = 300.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.session = session
        self.interval_s = interval_s
        self.cancel_event = threading.Event()
        self._post = runner.taskman.poster()
        # The engine and policy come from sync.client (requests, pydantic): imported on first
        # use, off the start-up path (the first status read builds them on the database worker).
        self._engine: Any = None
        self._policy: Any = None
        self._engine_lock = threading.Lock()
        self.running = False
        #: Whether a sync of this session has reached the server (the saved status may say
        #: "online" from an earlier session: it is not believed until then).
        self.contacted = False
        self.status: Any = None
        self._last_attempt: datetime | None = None
        self._saved_since = False
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)
        self.periodic = False
        runner.changed.connect(self._on_changed)

    @property
    def engine(self) -> Any:
        """The :class:`sync.client.SyncEngine` (built on first use, from any thread)."""
        with self._engine_lock:
            if self._engine is None:
                from sync.client import SyncEngine

                post = self._post

                def on_progress(phase: str, done: int, total: int | None, nbytes: int) -> None:
                    # Network thread: no Qt here; the main thread emits the signal.
                    count = -1 if total is None else total
                    post(lambda: self.progress.emit(phase, done, count, nbytes))

                self._engine = SyncEngine(
                    self.session.profile,
                    self.runner.store,
                    password=self.session.password,
                    progress=on_progress,
                    cancel=self.cancel_event,
                )
            return self._engine

    @property
    def policy(self) -> Any:
        """The :class:`sync.client.SyncPolicy` that says when a sync is due."""
        if self._policy is None:
            from sync.client import SyncPolicy

            self._policy = SyncPolicy(interval_s=self.interval_s)
        return self._policy

    def start_periodic(self) -> None:
        """Sync now, then whenever the policy says so (interval, or soon after a save)."""
        self.periodic = True
        self.timer.start()
        self.maybe_sync()

    def _poll(self) -> None:
        self.refresh_status()
        self.maybe_sync()

    def stop(self) -> None:
        self.periodic = False
        self.timer.stop()
        self.cancel_event.set()

    def _on_changed(self, changes: OpChanges) -> None:
        if changes.from_sync:
            return
        if changes.events or changes.sync_state:
            self._saved_since = True
            self.refresh_status()
            if self.periodic:  # a record was saved: send it soon (the policy keeps a gap)
                QTimer.singleShot(int(self.policy.min_gap_s * 1000), self.maybe_sync)

    def maybe_sync(self) -> None:
        """Start a sync if the policy says one is due."""
        online = getattr(self.status, "online", None)
        if not self.running and self.policy.due(
            datetime.now(UTC),
            last_attempt=self._last_attempt,
            online=online,
            saved_since_last=self._saved_since,
        ):
            self.sync_now()

    def sync_now(self) -> None:
        """Start one push-then-pull cycle in the background (ignored while one runs)."""
        if self.running:
            return
        self.running = True
        self.cancel_event.clear()
        self._last_attempt = datetime.now(UTC)
        self._saved_since = False
        self.started.emit()
        NetworkOp(None, lambda: self.engine.sync_once()).success(self._done).failure(
            self._failed
        ).run(self.runner)

    def cancel(self) -> None:
        self.cancel_event.set()

    def _done(self, report: Any) -> None:
        self.running = False
        self.contacted = True
        self.finished.emit(report)
        if nothing_changed(report):
            # The periodic no-op sync: no list reset, no worklist recomputed every few minutes.
            self.runner.changed.emit(OpChanges(sync_state=True, from_sync=True))
        else:
            self.runner.changed.emit(
                OpChanges(
                    household_list=True,
                    events=True,
                    sync_state=True,
                    conflicts=True,
                    from_sync=True,
                )
            )
        self.refresh_status()

    def _failed(self, err: Exception) -> None:
        self.running = False
        self.failed.emit(err)
        self.refresh_status()

    def refresh_status(self) -> None:
        """Read the engine's status (on the database worker) and announce it."""
        if not self.runner.has_store:
            return
        QueryOp(None, lambda _store: self.engine.status()).success(self._status).run(self.runner)

    def _status(self, status: Any) -> None:
        self.status = status
        self.status_changed.emit(status)


def nothing_changed(report: Any) -> bool:
    """Whether a finished sync changed no local record: nothing sent, received, handed over,
    rejected, in conflict or flagged (then only the sync state and status are to refresh)."""
    return not any(
        getattr(report, name, True)
        for name in (
            "pushed",
            "pulled",
            "handed_over",
            "wiped",
            "resynced",
            "rejected",
            "conflicts",
            "skew_flagged",
        )
    )


def _ago(moment: datetime | None) -> str:
    from PySide6.QtCore import QCoreApplication

    if moment is None:
        return QCoreApplication.translate("sync", "없음")
    seconds = (datetime.now(UTC) - moment).total_seconds()
    if seconds < 60:
        return QCoreApplication.translate("sync", "방금")
    if seconds < 3600:
        return QCoreApplication.translate("sync", "%1분 전").replace("%1", str(int(seconds // 60)))
    local = moment.astimezone()
    return local.strftime("%m-%d %H:%M")


class SyncStatusWidget(QWidget):
    """The status bar's part: online dot, last sync, pending count, progress, Sync now."""

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        self.online = QLabel()
        self.online.setObjectName("syncOnline")
        self.last = QLabel()
        self.pending = QLabel()
        self.pending.setObjectName("syncPending")
        self.skew = QLabel()
        self.skew.setStyleSheet("color: #b00020; font-weight: bold;")
        self.skew.hide()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(220)
        self.bar.setTextVisible(True)
        self.bar.hide()
        self.button = QPushButton(self.tr("지금 동기화 (F5)"))
        self.button.clicked.connect(controller.sync_now)
        for w in (self.online, self.last, self.pending, self.skew, self.bar, self.button):
            layout.addWidget(w)
        controller.started.connect(self._started)
        controller.progress.connect(self._progress)
        controller.finished.connect(lambda _r: self._ended())
        controller.failed.connect(lambda _e: self._ended())
        controller.status_changed.connect(self.show_status)

    def _started(self) -> None:
        if not self.controller.contacted:
            self._show_online(None)
        self.bar.setRange(0, 0)
        self.bar.setFormat(self.tr("연결 중…"))
        self.bar.show()
        self.button.setEnabled(False)

    def _progress(self, phase: str, done: int, total: int, _bytes: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
            self.bar.setFormat(f"{_phase_text(phase)} {done}/{total}")
        else:
            self.bar.setRange(0, 0)
            self.bar.setFormat(f"{_phase_text(phase)} {done}")

    def _ended(self) -> None:
        self.bar.hide()
        self.button.setEnabled(True)

    def _show_online(self, online: bool | None) -> None:
        """온라인 only once this session reached the server; 확인 중 while it tries."""
        if online is None and self.controller.running:
            text, colour = self.tr("확인 중"), "#888888"
        elif online:
            text, colour = self.tr("온라인"), "#2e7d32"
        else:
            text, colour = self.tr("오프라인"), "#b00020"
        self.online.setText(f'<span style="color:{colour}">●</span> {text}')

    def show_status(self, status: Any) -> None:
        self._show_online(status.online if self.controller.contacted else None)
        self.last.setText(self.tr("마지막 동기화: %1").replace("%1", _ago(status.last_success)))
        self.pending.setText(self.tr("전송 대기 %1건").replace("%1", str(status.pending)))
        if status.skew_warning:
            self.skew.setText(
                self.tr("⚠ 기기 시계가 %1분 어긋남").replace(
                    "%1", str(int(abs(status.skew_seconds) // 60))
                )
            )
            self.skew.show()
        else:
            self.skew.hide()


def load_problems(
    store: Any,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Rejected items, quarantined records and hand-overs, for the sync panel."""
    with store.reading() as db:
        rejected = list(
            db.query(
                "SELECT id, household_id, type AS kind, device_time, reject_reason FROM events "
                "WHERE sync_state = 'rejected' UNION ALL "
                "SELECT id, household_id, 'edit:' || field, device_time, reject_reason "
                "FROM household_edits WHERE sync_state = 'rejected' ORDER BY 4 DESC"
            )
        )
        quarantine = list(
            db.query(
                "SELECT household_id, kind, reason, created_at FROM quarantine ORDER BY created_at DESC"
            )
        )
        handovers = list(
            db.query(
                "SELECT label, programme, moved_to, moved_at, reason, purged_at FROM handovers ORDER BY moved_at DESC"
            )
        )
    return rejected, quarantine, handovers


class SyncPanel(QWidget):
    """Everything about sync: state, progress, Sync now / Cancel, rejected and quarantined items."""

    def __init__(
        self, runner: OpRunner, controller: SyncController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.controller = controller
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("동기화"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        state_box = QGroupBox(self.tr("상태"))
        state = QVBoxLayout(state_box)
        self.summary = QLabel()
        self.summary.setObjectName("syncSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.skew = QLabel()
        self.skew.setWordWrap(True)
        self.skew.setStyleSheet("color: #b00020; font-weight: bold;")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setObjectName("fieldError")
        self.bar = QProgressBar()
        self.bar.hide()
        row = QHBoxLayout()
        self.sync_button = QPushButton(self.tr("지금 동기화 (F5)"))
        self.sync_button.setObjectName("primary")
        self.sync_button.clicked.connect(controller.sync_now)
        self.cancel_button = QPushButton(self.tr("취소"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(controller.cancel)
        row.addWidget(self.sync_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        for w in (self.summary, self.skew, self.error, self.bar):
            state.addWidget(w)
        state.addLayout(row)
        layout.addWidget(state_box)
        self.rejected = self._table(
            self.tr("서버가 거부한 기록 (대기열을 막지 않고 따로 보관됨)"),
            [self.tr("종류"), self.tr("가구"), self.tr("기록 시각"), self.tr("사유")],
            layout,
            self.tr(
                "거부된 기록 없음. 서버가 받지 않은 기록이 있으면 사유와 함께 여기에 나타납니다."
            ),
        )
        self.quarantine = self._table(
            self.tr("격리된 기록 (인계 중 서버가 받지 않은 기록)"),
            [self.tr("가구"), self.tr("종류"), self.tr("사유"), self.tr("시각")],
            layout,
            self.tr(
                "격리된 기록 없음. 가구가 다른 담당자에게 넘어간 뒤 서버가 받지 않은 기록이 "
                "여기에 나타납니다."
            ),
        )
        self.handovers = self._table(
            self.tr("다른 담당자에게 인계된 가구"),
            [
                self.tr("가구"),
                self.tr("사업"),
                self.tr("새 담당자"),
                self.tr("시각"),
                self.tr("사유"),
            ],
            layout,
            self.tr("인계된 가구 없음. 맡던 가구가 다른 담당자에게 넘어가면 여기에 나타납니다."),
        )
        controller.started.connect(self._started)
        controller.progress.connect(self._progress)
        controller.finished.connect(self._finished)
        controller.failed.connect(self._failed)
        controller.status_changed.connect(self.show_status)
        runner.changed.connect(lambda ch: ch.sync_state and self.reload())

    def _table(
        self, title: str, headers: list[str], layout: QVBoxLayout, empty: str
    ) -> QTableWidget:
        box = QGroupBox(title)
        inner = QVBoxLayout(box)
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setMinimumHeight(90)
        show_when_empty(table, empty)  # says 없음 and what would appear (ui/empty_state.py)
        inner.addWidget(table)
        layout.addWidget(box, 1)
        return table

    def reload(self) -> None:
        QueryOp(self, load_problems).success(self._show_problems).run(self.runner)
        self.controller.refresh_status()

    def _show_problems(
        self, result: tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]
    ) -> None:
        rejected, quarantine, handovers = result
        self._fill(
            self.rejected,
            [
                [
                    r["kind"],
                    r["household_id"][:8],
                    str(r["device_time"])[:16],
                    r["reject_reason"] or "",
                ]
                for r in rejected
            ],
        )
        self._fill(
            self.quarantine,
            [
                [q["household_id"][:8], q["kind"], q["reason"], str(q["created_at"])[:16]]
                for q in quarantine
            ],
        )
        self._fill(
            self.handovers,
            [
                [
                    h["label"] or "",
                    h["programme"],
                    h["moved_to"] or "",
                    str(h["moved_at"])[:16],
                    reason_text(h["reason"]),
                ]
                for h in handovers
            ],
        )

    @staticmethod
    def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(text))

    def _started(self) -> None:
        self.sync_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.bar.setRange(0, 0)
        self.bar.show()
        self.error.clear()

    def _progress(self, phase: str, done: int, total: int, nbytes: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        else:
            self.bar.setRange(0, 0)
        count = f"{done}/{total}" if total > 0 else str(done)
        self.bar.setFormat(f"{_phase_text(phase)} {count} · {nbytes / 1024:.0f} KB")

    def _finished(self, report: Any) -> None:
        self.sync_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.bar.hide()
        if report is not None and not report.completed:
            self.error.setText(
                self.tr("동기화를 취소했습니다. 지금까지 보낸 기록은 반영되었습니다.")
            )
        self.reload()

    def _failed(self, err: Exception) -> None:
        from ui import errors as ui_errors

        self.sync_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.bar.hide()
        self.error.setText(ui_errors.message_for(err))
        self.reload()

    def show_status(self, status: Any) -> None:
        online = {
            None: self.tr("연결 확인 전"),
            True: self.tr("온라인"),
            False: self.tr("오프라인"),
        }[status.online]
        age = ""
        if status.oldest_pending_age_s:
            age = self.tr(" (가장 오래된 것 %1분 전)").replace(
                "%1", str(int(status.oldest_pending_age_s // 60))
            )
        lines = [
            self.tr("연결: <b>%1</b>").replace("%1", online),
            self.tr("마지막 동기화: %1").replace("%1", _ago(status.last_success)),
            self.tr("전송 대기: <b>%1건</b>").replace("%1", str(status.pending)) + age,
            self.tr("거부됨: %1건 · 격리: %2건 · 미해결 충돌: %3건")
            .replace("%1", str(status.rejected))
            .replace("%2", str(status.quarantined))
            .replace("%3", str(getattr(status, "conflicts_open", 0))),
        ]
        self.summary.setText("<br>".join(lines))
        if status.skew_warning:
            self.skew.setText(
                self.tr(
                    "⚠ 이 기기의 시계가 서버와 %1분 다릅니다. 그동안 만든 기록에는 표시가 붙습니다. 컴퓨터의 날짜와 시간을 맞춰 주십시오."
                ).replace("%1", str(int(abs(status.skew_seconds) // 60)))
            )
            self.skew.show()
        else:
            self.skew.hide()
        if status.last_error and not self.controller.running:
            self.error.setText(self.tr("마지막 오류: %1").replace("%1", status.last_error))
