"""The household list page: search as you type, filters, sortable columns, Korean collation."""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldapp import records
from ui import data
from ui.empty_state import show_when_empty
from ui.households_model import (
    HouseholdFilter,
    HouseholdFilterProxy,
    HouseholdTableModel,
    label,
)
from ui.operations import OpChanges, OpRunner, QueryOp
from ui.session import Session


class HouseholdsPage(QWidget):
    """All households in scope; Enter or double-click opens one."""

    open_household = Signal(str)

    def __init__(self, runner: OpRunner, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.session = session
        self.model = HouseholdTableModel(self)
        self.proxy = HouseholdFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.due: dict[str, tuple[str | None, str | None]] = {}

        layout = QVBoxLayout(self)
        title = QLabel(self.tr("가구 목록"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("householdSearch")
        self.search.setPlaceholderText(self.tr("이름, 주소, 전화번호, 행정동으로 찾기 (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._apply)
        self.search.returnPressed.connect(self._open_first)
        bar.addWidget(self.search, 3)
        self.programme = self._combo(
            self.tr("모든 사업"),
            [
                ("welfare_check", label("programme", "welfare_check")),
                ("visiting_health", label("programme", "visiting_health")),
            ],
        )
        self.risk = self._combo(
            self.tr("모든 위험도"), [(v, label("risk_level", v)) for v in ("high", "medium", "low")]
        )
        self.care = self._combo(
            self.tr("모든 관리군"),
            [(v, label("care_group", v)) for v in ("intensive", "regular", "self_support")],
        )
        self.due_state = self._combo(
            self.tr("모든 방문 상태"),
            [
                (v, label("due_state", v))
                for v in ("immediate", "overdue", "due_today", "upcoming", "not_due")
            ],
        )
        for combo in (self.programme, self.risk, self.care, self.due_state):
            bar.addWidget(combo, 1)
        layout.addLayout(bar)
        self.count = QLabel()
        self.count.setObjectName("hint")
        layout.addWidget(self.count)

        self.table = QTableView()
        self.table.setObjectName("householdTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((90, 300, 90, 130, 110, 70, 110)):
            self.table.setColumnWidth(col, width)
        self.table.doubleClicked.connect(self._activate)
        self.table.activated.connect(self._activate)
        layout.addWidget(self.table, 1)
        self.empty = show_when_empty(  # a search with no hits says so (ui/empty_state.py)
            self.table,
            self.tr(
                "해당하는 가구 없음. 검색어나 필터를 바꾸십시오. "
                "이름은 초성으로도 찾을 수 있습니다 (예: ㅂㅈ)."
            ),
        )
        self.setFocusProxy(self.search)
        order = [self.search, self.programme, self.risk, self.care, self.due_state, self.table]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self.proxy.modelReset.connect(self._count)
        self.proxy.layoutChanged.connect(self._count)
        self.proxy.rowsInserted.connect(self._count)
        self.proxy.rowsRemoved.connect(self._count)
        runner.changed.connect(self._on_changed)

    def _combo(self, any_text: str, items: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox()
        combo.addItem(any_text, None)
        for value, text in items:
            combo.addItem(text, value)
        combo.currentIndexChanged.connect(self._apply)
        return combo

    # ------------------------------------------------------------------ data

    def reload(self) -> None:
        """Load every household from the local database (on the database worker)."""
        due = dict(self.due)
        QueryOp(self, lambda store: data.load_household_rows(store, due)).success(self._loaded).run(
            self.runner
        )

    def set_due(self, due: dict[str, tuple[str | None, str | None]]) -> None:
        """Due states from the household-state rule (Today's computation of it hands them
        over, so the rule runs once per change); refreshes the column."""
        self.due = due
        rows = self.model.rows()
        self._apply_due(rows)
        if rows:
            self.model.dataChanged.emit(
                self.model.index(0, 0),
                self.model.index(len(rows) - 1, self.model.columnCount() - 1),
            )
            self.model.resort(("due",))  # sorted by due date: the order may have changed

    def _apply_due(self, rows: list[Any]) -> None:
        """Give *rows* the latest due states (rows read before those arrived would show —)."""
        due = self.due
        for r in rows:
            r.due_state, r.due_date = due.get(r.id, (None, None))

    def _loaded(self, rows: list[Any]) -> None:
        self._apply_due(rows)
        self.model.set_rows(rows)
        self._count()

    def _on_changed(self, changes: OpChanges) -> None:
        if changes.households:
            # A record saved or a household edited: refresh just their rows (no reset, so the
            # selection, scroll position and sort stay).
            ids, due = sorted(changes.households), dict(self.due)

            def read(store: Any) -> list[Any] | None:
                found = [records.get_household(store, hid) for hid in ids]
                if any(h is None for h in found):
                    return None  # one is gone from this device: read the whole list
                return [data.row_of(h, due) for h in found if h is not None]

            QueryOp(self, read).success(self._update_rows).run(self.runner)
        elif changes.household_list:  # e.g. a sync: which ones changed is unknown
            self.reload()

    def _update_rows(self, rows: list[Any] | None) -> None:
        if rows is None:
            self.reload()
            return
        self._apply_due(rows)
        for row in rows:
            self.model.update_row(row)

    # ------------------------------------------------------------------ filters

    def _apply(self) -> None:
        self.proxy.set_filter(
            HouseholdFilter(
                text=self.search.text(),
                programme=self.programme.currentData(),
                risk_level=self.risk.currentData(),
                care_group=self.care.currentData(),
                due_state=self.due_state.currentData(),
            )
        )
        self._count()

    def _count(self, *args: Any) -> None:
        self.count.setText(
            self.tr("%1 / %2 가구")
            .replace("%1", f"{self.proxy.rowCount():,}")
            .replace("%2", f"{self.model.rowCount():,}")
        )

    def _activate(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_household.emit(index.data(HouseholdTableModel.IdRole))

    def _open_first(self) -> None:
        if self.proxy.rowCount():
            self._activate(self.proxy.index(0, 0))
