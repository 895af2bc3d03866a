"""Today: the worklist from the household-state rule (:mod:`fieldapp.household_state`), most
urgent first, each row saying why and naming the record it comes from."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldapp import records
from fieldapp.household_state import (
    DRAFT_RISK,
    IMMEDIATE_ACTION,
    REFERRAL,
    SIGNAL,
    OpenItem,
    draft_info,
    leads,
)
from fieldapp.programme_time import kst_text, programme_today
from fieldapp.signals import SIGNAL_ACK
from ui import data
from ui.households_model import form_name
from ui.lang import pick
from ui.operations import OpChanges, OpRunner, QueryOp
from ui.session import Session
from ui.signals_panel import severity_text

Index = QModelIndex | QPersistentModelIndex

#: Immediate rows that Enter answers with 조치 기록 (a done referral naming the row's record);
#: a referral's routine or urgent follow-up starts the programme's form (closed from the
#: household's 조치·의뢰).
_CLOSED_BY_ACTION = (IMMEDIATE_ACTION, REFERRAL)
#: Rows that keep their open item (to act on it from the row).
_ITEM_ROWS = (IMMEDIATE_ACTION, REFERRAL, DRAFT_RISK, SIGNAL)


def shows_as_signal(row: TodayRow) -> bool:
    """Whether *row*'s urgency cell reads "신호 · <severity>" (an early-warning signal)."""
    return row.code == SIGNAL and row.item is not None


URGENCY_BG = {"immediate": "#fde0e0", "overdue": "#fff1d6", "due_today": "#e8f1fd"}


@dataclass(frozen=True)
class TodayRow:
    household_id: str
    name: str
    address: str
    urgency: str  # immediate | overdue | due_today | upcoming (the cadence engine's words)
    reason_ko: str
    reason_en: str
    form: str  # form id to start (welfare_check, visit, screening:<id>)
    due_date: str | None
    rank: int = 3
    code: str = ""  # the rule's item kind (immediate_action, draft_risk, referral, cadence...)
    record_id: str | None = None  # the record (or draft) the row comes from
    item: OpenItem | None = None


def _records_action(row: TodayRow) -> bool:
    """Whether Enter on *row* opens 조치 기록 (an open immediate action or referral)."""
    return row.code in _CLOSED_BY_ACTION and row.urgency == "immediate"


def load_drafts(store: Any) -> list[tuple[dict[str, Any], str]]:
    """Every unfinished form with the name of its household, newest first."""
    out = []
    for draft in records.list_drafts(store):
        h = (
            records.get_household(store, draft["household_id"])
            if draft.get("household_id")
            else None
        )
        if h is not None:
            out.append((draft, data.primary_name(h) or data.household_label(h)))
    return out


def form_of(form_id: str) -> str:
    """The app's form id for a cadence form id (instrument ids become ``screening:<id>``)."""
    if not form_id:
        return "welfare_check"
    if form_id in ("welfare_check", "visit") or form_id.startswith("screening:"):
        return form_id
    return f"screening:{form_id}"


Due = dict[str, tuple[str | None, str | None]]  # household id -> (due state, due date)


def row_order(row: TodayRow) -> tuple[int, bool, str, str, str]:
    """Most urgent first (a risky draft leading its urgency), then by due date (the same
    order for a full and a merged list, and as :func:`fieldapp.household_state.worklist`)."""
    return (
        row.rank,
        not leads(row.code),
        row.due_date or "9999",
        row.household_id,
        row.record_id or "",
    )


def load_worklist(
    store: Any, programme: str | None, today: date, only: Collection[str] | None = None
) -> tuple[list[TodayRow], Due]:
    """The worklist rows and each household's due state (for the household list), from the
    household-state rule over the local records and drafts.

    *programme* None (supervisors): every programme each household is assigned in.
    *only*: just these households (a save touched them; see :func:`merge_worklist`).
    """
    from fieldapp.worklist import read_worklist

    items, states, by_id = read_worklist(store, programme, today, only)
    # the households list's 다음 방문 and 방문 상태: contacts only (a signal is a Today row and
    # a 신호 tab entry, it moves no visit)
    due: Due = {
        hid: (st.contact_state, nd.isoformat() if (nd := st.next_contact_due) else None)
        for hid, st in states.items()
    }
    rows: list[TodayRow] = []
    for item in items:
        h = by_id[item.household_id]
        rows.append(
            TodayRow(
                household_id=item.household_id,
                name=data.primary_name(h),
                address=data.household_label(h).split(" · ", 1)[-1],
                urgency=item.state,
                reason_ko=item.reason_ko,
                reason_en=item.reason_en,
                form=item.form_id if item.code == SIGNAL else form_of(item.form_id),
                due_date=item.due.isoformat(),
                rank=item.urgency_rank,
                code=item.code,
                record_id=item.record_id,
                item=item.item if item.code in _ITEM_ROWS else None,
            )
        )
    rows.sort(key=row_order)
    return rows, due


def merge_worklist(
    rows: list[TodayRow], due: Due, ids: Collection[str], new_rows: list[TodayRow], new_due: Due
) -> tuple[list[TodayRow], Due]:
    """The worklist with households *ids* replaced by a fresh partial result for them."""
    kept = [r for r in rows if r.household_id not in ids]
    merged = {hid: d for hid, d in due.items() if hid not in ids}
    merged.update(new_due)
    return sorted(kept + new_rows, key=row_order), merged


class WorklistModel(QAbstractTableModel):
    """The worklist as a table: urgency, name, address, why, form, due date."""

    COLUMNS = ("urgency", "name", "address", "reason", "form", "due")
    RowRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[TodayRow] = []

    def set_rows(self, rows: list[TodayRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[TodayRow]:
        return self._rows

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = (
            self.tr("긴급도"),
            self.tr("이름"),
            self.tr("주소"),
            self.tr("이유"),
            self.tr("할 일"),
            self.tr("기한"),
        )
        return titles[section] if 0 <= section < len(titles) else None

    def urgency_text(self, urgency: str) -> str:
        return {
            "immediate": self.tr("즉시 조치"),
            "overdue": self.tr("기한 지남"),
            "due_today": self.tr("오늘"),
            "upcoming": self.tr("예정"),
        }.get(urgency, urgency)

    def todo_text(self, row: TodayRow) -> str:
        """What Enter does on *row*: record the action, continue the draft, or start a form."""
        if _records_action(row):
            return self.tr("조치 기록")
        if row.code == DRAFT_RISK:
            return self.tr("이어서 작성: %1").replace("%1", self.form_text(row.form))
        return self.form_text(row.form)

    def form_text(self, form: str) -> str:
        if form == SIGNAL_ACK:
            return self.tr("신호 확인")
        return form_name(form)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == "urgency" and shows_as_signal(row):
                return self.tr("신호 · %1").replace("%1", severity_text(row.item.severity or ""))
            return {
                "urgency": self.urgency_text(row.urgency),
                "name": row.name,
                "address": row.address,
                "reason": pick(row.reason_ko, row.reason_en),
                "form": self.todo_text(row),
                "due": row.due_date or "",
            }[col]
        if role == Qt.ItemDataRole.BackgroundRole and row.urgency in URGENCY_BG:
            return QBrush(QColor(URGENCY_BG[row.urgency]))
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and col == "urgency"
            and row.urgency == "immediate"
        ):
            return QBrush(QColor("#b00020"))
        if role == Qt.ItemDataRole.ToolTipRole and col == "reason":
            return pick(row.reason_ko, row.reason_en)
        if role == self.RowRole:
            return row
        return None


class TodayPage(QWidget):
    """The day's work. Enter or double-click starts the row's form."""

    start_form = Signal(str, str)  # household id, form id
    resume_draft = Signal(str, dict)  # household id, draft
    open_household = Signal(str)  # household id (Ctrl+Enter on a row)
    due_states = Signal(dict)  # household id -> (due state, due date)

    def __init__(self, runner: OpRunner, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.session = session
        self.model = WorklistModel(self)
        layout = QVBoxLayout(self)
        self.title = QLabel(self.tr("오늘 할 일"))
        self.title.setObjectName("pageTitle")
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        # Forms left unfinished (a crash, a lock, a closed form): one click continues them.
        self.drafts_box = QGroupBox(self.tr("작성 중인 양식"))
        self.drafts_box.setObjectName("todayDrafts")
        self.drafts_layout = QHBoxLayout(self.drafts_box)
        self.drafts_box.hide()
        layout.addWidget(self.drafts_box)
        self.table = QTableView()
        self.table.setObjectName("todayTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for col, width in enumerate((90, 80, 320, 420, 110, 100)):
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        # The urgency fits whatever the language ("Immediate action" was cut to "Immediate ···").
        words = [self.model.urgency_text(u) for u in ("immediate", "overdue", "due_today")]
        widest = max(self.table.fontMetrics().horizontalAdvance(w) for w in words)
        self.table.setColumnWidth(0, max(90, widest + 24))
        self.table.activated.connect(self._activate)
        self.table.doubleClicked.connect(self._activate)
        layout.addWidget(self.table, 1)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self.table, activated=self._open_selected)
        hint = QLabel(
            self.tr(
                "행을 선택하고 Enter를 누르면 알맞은 양식이(즉시 조치는 조치 기록이), Ctrl+Enter를 누르면 가구 화면이 열립니다."
            )
        )
        hint.setObjectName("hint")
        layout.addWidget(hint)
        self.setFocusProxy(self.table)
        self._basis: tuple[date, str] | None = None  # (day, role) of the list shown
        self._due: Due = {}
        self._draft_risks: dict[str, set[tuple[str, str]]] | None = None
        runner.changed.connect(self._on_changed)

    def reload(self, today: date | None = None, households: Collection[str] | None = None) -> None:
        """Compute the worklist again: all of it, or only *households* when the list shown is
        for the same day and programme (a save touched a few: the others cannot change)."""
        session = self.session
        day = today or programme_today()
        basis = (day, session.role)
        ids = frozenset(households) if households is not None and basis == self._basis else None

        def done(result: tuple[list[TodayRow], Due]) -> None:
            self._loaded(result, basis, ids)

        def read(store: Any) -> tuple[list[TodayRow], Due]:
            # session.programme imports sync.protocol (pydantic): here, off the UI thread
            return load_worklist(store, session.programme, day, ids)

        QueryOp(self, read).success(done).run(self.runner)
        QueryOp(self, load_drafts).success(self._show_drafts).run(self.runner)

    def _show_drafts(self, drafts: list[tuple[dict[str, Any], str]]) -> None:
        while self.drafts_layout.count():
            item = self.drafts_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self._track_draft_risks([d for d, _who in drafts])
        for draft, who in drafts[:6]:
            when = kst_text(draft.get("updated_at"))[5:]
            button = QPushButton(
                self.tr("%1 · %2 (%3)")
                .replace("%1", who)
                .replace("%2", self.model.form_text(draft["form"]))
                .replace("%3", when)
            )
            button.setObjectName("resumeDraft")
            button.clicked.connect(
                lambda _=False, d=draft: self.resume_draft.emit(d["household_id"], d)
            )
            self.drafts_layout.addWidget(button)
        if len(drafts) > 6:
            self.drafts_layout.addWidget(
                QLabel(self.tr("외 %1건").replace("%1", str(len(drafts) - 6)))
            )
        self.drafts_layout.addStretch(1)
        self.drafts_box.setVisible(bool(drafts))

    def _track_draft_risks(self, drafts: list[dict[str, Any]]) -> None:
        """Recompute the rows of households whose drafts' unhandled risks changed (a risky
        draft is an immediate row; an autosave that changes no risk recomputes nothing)."""
        risks: dict[str, set[tuple[str, str]]] = {}
        for d in drafts:
            info = draft_info(d)
            if info.household_id and info.risk_unhandled:
                day = kst_text(info.updated_at)[:10]
                risks.setdefault(info.household_id, set()).add((info.id, day))
        before, self._draft_risks = self._draft_risks, risks
        if before is None or self._basis is None:
            return
        changed = {h for h in before.keys() | risks.keys() if before.get(h) != risks.get(h)}
        if changed:
            self.reload(households=changed)

    def _loaded(
        self,
        result: tuple[list[TodayRow], Due],
        basis: tuple[date, str],
        ids: frozenset[str] | None,
    ) -> None:
        rows, due = result
        if ids is not None:
            if basis != self._basis:  # a full list for another day came in between
                self.reload()
                return
            rows, due = merge_worklist(self.model.rows(), self._due, ids, rows, due)
        self._basis, self._due = basis, due
        self.model.set_rows(rows)
        # Each row counts where its urgency cell puts it: a signal row reads "신호 · …", not
        # 오늘, so it is counted apart (the board's 오늘 counts visits due, as this does).
        counts = Counter("signal" if shows_as_signal(r) else r.urgency for r in rows)
        self.summary.setText(
            self.tr("즉시 조치 %1 · 신호 %5 · 기한 지남 %2 · 오늘 %3 · 예정 %4")
            .replace("%1", str(counts["immediate"]))
            .replace("%2", str(counts["overdue"]))
            .replace("%3", str(counts["due_today"]))
            .replace("%4", str(counts["upcoming"]))
            .replace("%5", str(counts["signal"]))
        )
        if rows and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        self.due_states.emit(due)

    def _on_changed(self, changes: OpChanges) -> None:
        if self._basis is not None and self._basis[0] != programme_today():
            self.reload()  # a new day (e.g. left open overnight): everything is due anew
            return
        if changes.access_log_only:
            return  # an access-log entry changes no due state
        if changes.households:  # records or edits of known households: only theirs change
            self.reload(households=changes.households)
        elif changes.household_list or changes.events:  # e.g. a sync: which ones is unknown
            self.reload()
        elif changes.drafts:
            QueryOp(self, load_drafts).success(self._show_drafts).run(self.runner)

    def _open_selected(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            row: TodayRow = self.model.index(index.row(), 0).data(WorklistModel.RowRole)
            self.open_household.emit(row.household_id)

    def _activate(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        row: TodayRow = self.model.index(index.row(), 0).data(WorklistModel.RowRole)
        if row.code == DRAFT_RISK and row.record_id:
            draft_id, hid = row.record_id, row.household_id
            QueryOp(self, lambda store: records.load_draft(store, draft_id)).success(
                lambda d: self.resume_draft.emit(hid, d) if d else None
            ).run(self.runner)
        elif _records_action(row) and row.item is not None:
            from ui.action_record import record_action

            self.action_dialog = record_action(self, self.runner, self.session, row.item)
        elif row.code == SIGNAL:  # its evidence and 확인 are in the household's 신호 tab
            self.open_household.emit(row.household_id)
        else:
            self.start_form.emit(row.household_id, row.form)
