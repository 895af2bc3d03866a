"""The household list as a Qt model for 10,000+ rows: table model, filter proxy, collation.

Sorting happens in the source model with precomputed Korean collation ranks (one
``QCollator`` pass per column, then integer sorts); filtering computes a boolean mask once
per keystroke in plain Python, and the proxy's ``filterAcceptsRow`` only reads it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCollator,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

Index = QModelIndex | QPersistentModelIndex

RISK_ORDER = {"high": 0, "medium": 1, "low": 2, None: 3}
DUE_ORDER = {"immediate": 0, "overdue": 1, "due_today": 2, "upcoming": 3, "not_due": 4, None: 5}


@dataclass(slots=True)
class HouseholdRow:
    """One line of the household list (what the list shows and filters on)."""

    id: str
    name: str
    address: str
    dong: str
    phone: str  # display form, 010-1234-5678
    household_type: str
    risk_level: str | None
    care_group: str | None
    programmes: tuple[str, ...]
    due_state: str | None = None  # immediate | overdue | due_today | upcoming | not_due
    due_date: str | None = None  # YYYY-MM-DD
    search_text: str = ""  # lower-case haystack: names, address, phone (digits too), dong
    extra: dict[str, Any] = field(default_factory=dict)


def make_search_text(*parts: str | None) -> str:
    """A lower-case haystack of *parts*, with digit-only forms of phone-like parts added."""
    text = " ".join(p for p in parts if p).lower()
    digits = "".join(ch for ch in text if ch.isdigit() or ch == " ")
    return f"{text} {' '.join(digits.split())}"


@functools.cache
def _labels() -> dict[str, dict[str | None, str]]:
    """Display labels of coded values, in the UI language (cleared by :func:`clear_labels`)."""
    return {
        "risk_level": {
            "high": QCoreApplication.translate("labels", "높음"),
            "medium": QCoreApplication.translate("labels", "중간"),
            "low": QCoreApplication.translate("labels", "낮음"),
            None: "—",
        },
        "care_group": {
            "intensive": QCoreApplication.translate("labels", "집중관리군"),
            "regular": QCoreApplication.translate("labels", "정기관리군"),
            "self_support": QCoreApplication.translate("labels", "자기역량지원군"),
            None: "—",
        },
        "due_state": {
            "overdue": QCoreApplication.translate("labels", "기한 지남"),
            "due_today": QCoreApplication.translate("labels", "오늘"),
            "immediate": QCoreApplication.translate("labels", "즉시 조치"),
            "upcoming": QCoreApplication.translate("labels", "예정"),
            "not_due": QCoreApplication.translate("labels", "여유"),
            None: "—",
        },
        "household_type": {
            "elderly_alone": QCoreApplication.translate("labels", "독거어르신"),
            "midlife_alone": QCoreApplication.translate("labels", "중장년 1인가구"),
            "youth_alone": QCoreApplication.translate("labels", "청년 1인가구"),
            "jjokbang": QCoreApplication.translate("labels", "쪽방"),
            "other": QCoreApplication.translate("labels", "기타"),
        },
        "programme": {
            "welfare_check": QCoreApplication.translate("labels", "안부확인"),
            "visiting_health": QCoreApplication.translate("labels", "방문건강"),
        },
        "urgency": {
            "immediate": QCoreApplication.translate("labels", "즉시"),
            "urgent": QCoreApplication.translate("labels", "긴급"),
            "routine": QCoreApplication.translate("labels", "일반"),
        },
        "sync_state": {
            "pending": QCoreApplication.translate("labels", "전송 대기"),
            "sent": QCoreApplication.translate("labels", "전송됨"),
            "accepted": QCoreApplication.translate("labels", "서버 반영"),
            "rejected": QCoreApplication.translate("labels", "거부됨"),
        },
    }


def clear_labels() -> None:
    """Forget cached labels (after the UI language changes)."""
    _labels.cache_clear()


def label(kind: str, value: str | None) -> str:
    """The display label of a coded value (risk level, care group, due state, ...)."""
    table = _labels().get(kind, {})
    return table.get(value, value or "—")


class HouseholdTableModel(QAbstractTableModel):
    """The households in scope, one row each; sorts itself by Korean collation."""

    COLUMNS = (
        "name",
        "address",
        "dong",
        "phone",
        "household_type",
        "risk_level",
        "care_group",
        "due",
    )
    IdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[HouseholdRow] = []
        self._collator = QCollator(QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea))
        self._collator.setNumericMode(True)
        self._rank_cache: dict[str, dict[str, int]] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # ------------------------------------------------------------------ data in

    def set_rows(self, rows: list[HouseholdRow]) -> None:
        """Replace every row (a fresh list after a sync or unlock)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._rank_cache.clear()
        if self._sort is not None:
            self._sort_rows(*self._sort)
        self.endResetModel()

    def update_row(self, row: HouseholdRow) -> None:
        """Replace the row with the same id (or append it) without a reset."""
        for i, old in enumerate(self._rows):
            if old.id == row.id:
                self._rows[i] = row
                self._rank_cache.clear()
                self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))
                return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
        self._rows.append(row)
        self._rank_cache.clear()
        self.endInsertRows()

    def rows(self) -> list[HouseholdRow]:
        return self._rows

    def row_at(self, row: int) -> HouseholdRow:
        return self._rows[row]

    def row_of(self, household_id: str) -> int:
        for i, r in enumerate(self._rows):
            if r.id == household_id:
                return i
        return -1

    # ------------------------------------------------------------------ Qt model

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < len(self.COLUMNS):
            return None
        titles = {
            "name": self.tr("이름"),
            "address": self.tr("주소"),
            "dong": self.tr("행정동"),
            "phone": self.tr("전화"),
            "household_type": self.tr("가구 유형"),
            "risk_level": self.tr("위험도"),
            "care_group": self.tr("관리군"),
            "due": self.tr("다음 방문"),
        }
        return titles[self.COLUMNS[section]]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == self.IdRole:
            return row.id
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == "risk_level" and row.risk_level == "high":
                return QBrush(QColor("#b00020"))
            if col == "due" and row.due_state in ("immediate", "overdue"):
                return QBrush(QColor("#b00020"))
        if role == Qt.ItemDataRole.ToolTipRole and col == "address":
            return row.address
        return None

    def _display(self, row: HouseholdRow, col: str) -> str:
        if col == "household_type":
            return label("household_type", row.household_type)
        if col in ("risk_level", "care_group"):
            return label(col, getattr(row, col))
        if col == "due":
            state = label("due_state", row.due_state)
            return f"{state} · {row.due_date}" if row.due_date else state
        return str(getattr(row, col) or "")

    # ------------------------------------------------------------------ sorting

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_rows = list(self._rows)
        self._sort = (column, order)
        self._sort_rows(column, order)
        new_pos = {id(r): i for i, r in enumerate(self._rows)}
        new_indexes = [
            self.index(new_pos[id(old_rows[p.row()])], p.column()) for p in old_persistent
        ]
        self.changePersistentIndexList(old_persistent, new_indexes)
        self.layoutChanged.emit()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        col = self.COLUMNS[column]
        if col == "risk_level":
            key = lambda r: (RISK_ORDER.get(r.risk_level, 3), r.name)  # noqa: E731
        elif col == "due":
            key = lambda r: (DUE_ORDER.get(r.due_state, 5), r.due_date or "9999")  # noqa: E731
        else:
            ranks = self._ranks(col)
            key = lambda r: ranks[self._display(r, col)]  # noqa: E731
        self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)

    def _ranks(self, col: str) -> dict[str, int]:
        """Collation rank of every distinct display value of *col* (cached until rows change)."""
        if col not in self._rank_cache:
            values = sorted(
                {self._display(r, col) for r in self._rows},
                key=functools.cmp_to_key(self._collator.compare),
            )
            self._rank_cache[col] = {v: i for i, v in enumerate(values)}
        return self._rank_cache[col]


@dataclass
class HouseholdFilter:
    """What the list is narrowed to; ``None`` means any."""

    text: str = ""
    programme: str | None = None
    risk_level: str | None = None
    care_group: str | None = None
    due_state: str | None = None


class HouseholdFilterProxy(QSortFilterProxyModel):
    """Search-as-you-type and filters over a :class:`HouseholdTableModel`.

    The accept decision for every row is computed in one pass per change
    (:meth:`set_filter`); sorting is delegated to the source model's collation sort.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._filter = HouseholdFilter()
        self._mask: list[bool] | None = None  # None: accept everything
        self.setDynamicSortFilter(False)

    def setSourceModel(self, model: HouseholdTableModel) -> None:
        super().setSourceModel(model)
        model.modelReset.connect(self._recompute)
        model.rowsInserted.connect(self._recompute)
        model.layoutChanged.connect(self._recompute)
        model.dataChanged.connect(self._recompute)

    @property
    def current_filter(self) -> HouseholdFilter:
        return self._filter

    def set_filter(self, flt: HouseholdFilter) -> None:
        """Apply *flt* (one mask computation, then one proxy invalidation)."""
        self._filter = flt
        self.beginFilterChange()
        self._compute_mask()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        """Narrow to rows whose names, address, phone or dong contain every word of *text*."""
        f = self._filter
        self.set_filter(HouseholdFilter(text, f.programme, f.risk_level, f.care_group, f.due_state))

    def _recompute(self, *args: Any) -> None:
        self.beginFilterChange()
        self._compute_mask()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def _compute_mask(self) -> None:
        source = self.sourceModel()
        f = self._filter
        words = [_query_word(w) for w in f.text.lower().split()]
        if not words and not (f.programme or f.risk_level or f.care_group or f.due_state):
            self._mask = None
            return
        rows: list[HouseholdRow] = source.rows() if source is not None else []
        mask = []
        append = mask.append
        for r in rows:
            hay = r.search_text
            ok = all(w in hay for w in words)
            if ok and f.programme is not None:
                ok = f.programme in r.programmes
            if ok and f.risk_level is not None:
                ok = r.risk_level == f.risk_level
            if ok and f.care_group is not None:
                ok = r.care_group == f.care_group
            if ok and f.due_state is not None:
                ok = r.due_state == f.due_state
            append(ok)
        self._mask = mask

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        mask = self._mask
        if mask is None:
            return True
        return source_row < len(mask) and mask[source_row]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)


def _query_word(word: str) -> str:
    """A search word as matched: a phone-like word loses its dashes."""
    stripped = word.replace("-", "")
    return stripped if stripped.isdigit() else word
