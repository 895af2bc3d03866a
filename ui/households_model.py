"""The household list as a Qt model for 10,000+ rows: table model, filter proxy, collation.

Sorting happens in the source model with precomputed Korean collation ranks (one
``QCollator`` pass per column, then integer sorts); filtering matches the query once per
keystroke in plain Python over precomputed search keys, and the filter model exposes the
result as its row list (no per-row calls from Qt into Python).
"""

from __future__ import annotations

import bisect
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
    Qt,
)
from PySide6.QtGui import QBrush, QColor

Index = QModelIndex | QPersistentModelIndex

RISK_ORDER = {"high": 0, "medium": 1, "low": 2, None: 3}
DUE_ORDER = {"immediate": 0, "overdue": 1, "due_today": 2, "upcoming": 3, "not_due": 4, None: 5}
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
HIGHLIGHT = "#b00020"
ID_ROLE = Qt.ItemDataRole.UserRole + 1
CELL_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        ID_ROLE,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.ToolTipRole,
    }
)


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


def form_name(form_id: str) -> str:
    """A form's name for people (안부확인, 방문 기록, an instrument's name), never its id."""
    if form_id == "welfare_check":
        return QCoreApplication.translate("labels", "안부확인")
    if form_id == "visit":
        return QCoreApplication.translate("labels", "방문 기록")
    if form_id.startswith("screening:"):
        from fieldapp.instruments import get_instrument
        from ui.lang import pick

        try:
            inst = get_instrument(form_id.split(":", 1)[1])
        except KeyError:
            return form_id
        return pick(inst.name_ko, inst.name_en)
    return form_id


def clear_labels() -> None:
    """Forget cached labels (after the UI language changes)."""
    _labels.cache_clear()


def label(kind: str, value: str | None) -> str:
    """The display label of a coded value (risk level, care group, due state, ...)."""
    table = _labels().get(kind, {})
    return table.get(value, value or "—")


class HouseholdTableModel(QAbstractTableModel):
    """The households in scope, one row each; sorts itself by Korean collation."""

    COLUMNS = COLUMNS
    IdRole = ID_ROLE

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[HouseholdRow] = []
        self._collator = QCollator(QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea))
        self._collator.setNumericMode(True)
        self._rank_cache: dict[str, dict[str, int]] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # ------------------------------------------------------------------ data in

    def set_rows(self, rows: list[HouseholdRow]) -> None:
        """Replace every row (a fresh list after a sync or unlock) as one layout change:
        persistent indexes (a view's selection and current row) follow their household."""
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_ids = [self._rows[p.row()].id if p.row() < len(self._rows) else None for p in old]
        self._rows = list(rows)
        self._rank_cache.clear()
        if self._sort is not None:
            self._sort_rows(*self._sort)
        if old:
            pos = {r.id: i for i, r in enumerate(self._rows)}
            new = [
                self.index(pos[hid], p.column()) if hid in pos else QModelIndex()
                for hid, p in zip(old_ids, old, strict=True)
            ]
            self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def update_row(self, row: HouseholdRow) -> None:
        """Replace the row with the same id (or append it) without a reset; the list is sorted
        again only when the value it is sorted by changed."""
        for i, old in enumerate(self._rows):
            if old.id == row.id:
                moved = self._sort is not None and self._sort_value(old) != self._sort_value(row)
                self._rows[i] = row
                self._rank_cache.clear()
                self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))
                if moved:
                    self.resort()
                return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
        self._rows.append(row)
        self._rank_cache.clear()
        self.endInsertRows()
        self.resort()

    def resort(self, columns: tuple[str, ...] | None = None) -> None:
        """Apply the current sort again (if sorted, and by one of *columns* when given)."""
        if self._sort is not None and (columns is None or COLUMNS[self._sort[0]] in columns):
            self.sort(*self._sort)

    def _sort_value(self, row: HouseholdRow) -> Any:
        """What *row* is sorted by under the current sort."""
        col = COLUMNS[self._sort[0]] if self._sort is not None else "name"
        if col == "risk_level":
            return row.risk_level, row.name
        if col == "due":
            return row.due_state, row.due_date
        return self._display(row, col)

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
        if role not in CELL_ROLES or not index.isValid() or index.row() >= len(self._rows):
            return None
        return self.cell(self._rows[index.row()], index.column(), role)

    @classmethod
    def cell(cls, row: HouseholdRow, column: int, role: int) -> Any:
        """What *row* shows in *column* for *role* (shared with the filter model)."""
        col = COLUMNS[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return cls._display(row, col)
        if role == cls.IdRole:
            return row.id
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == "risk_level" and row.risk_level == "high":
                return QBrush(QColor(HIGHLIGHT))
            if col == "due" and row.due_state in ("immediate", "overdue"):
                return QBrush(QColor(HIGHLIGHT))
        if role == Qt.ItemDataRole.ToolTipRole and col == "address":
            return row.address
        return None

    @staticmethod
    def _display(row: HouseholdRow, col: str) -> str:
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


class HouseholdFilterProxy(QAbstractTableModel):
    """Search-as-you-type and filters over a :class:`HouseholdTableModel`.

    Not a ``QSortFilterProxyModel``: that one asks a Python ``filterAcceptsRow`` about every
    source row on every change (10,000 calls into Python per keystroke). Here the matching
    runs in one pass over the source rows' precomputed search keys (list comprehensions,
    narrowed from the previous result while the user keeps typing), and the model exposes
    the matching rows, in source order, through one ``layoutChanged`` with the persistent
    indexes (selection, current row) moved. Sorting is the source model's collation sort.
    Rows are shown as the source shows them (:meth:`HouseholdTableModel.cell`).
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._filter = HouseholdFilter()
        self._source: HouseholdTableModel | None = None
        self._src_rows: list[HouseholdRow] = []  # the source's rows when last indexed
        self._keys: list[str] = []  # their search keys
        self._idx: list[int] = []  # source rows shown, ascending
        self._rows: list[HouseholdRow] = []  # the rows shown (self._src_rows[i] for i in _idx)
        self._words: list[str] = []  # the query words behind _idx
        self._fields: tuple[Any, ...] = ()  # the other filter fields behind _idx

    # ------------------------------------------------------------------ source

    def setSourceModel(self, model: HouseholdTableModel) -> None:
        self.beginResetModel()
        self._source = model
        model.modelReset.connect(self._source_reset)
        model.rowsInserted.connect(self._source_changed)
        model.rowsRemoved.connect(self._source_changed)
        model.layoutChanged.connect(self._source_changed)
        model.dataChanged.connect(self._source_data_changed)
        self._reindex()
        self._idx, self._rows = self._match()
        self.endResetModel()

    def sourceModel(self) -> HouseholdTableModel | None:
        return self._source

    def mapToSource(self, index: Index) -> QModelIndex:
        """The source index of a proxy index."""
        if self._source is None or not index.isValid() or index.row() >= len(self._idx):
            return QModelIndex()
        return self._source.index(self._idx[index.row()], index.column())

    def mapFromSource(self, index: Index) -> QModelIndex:
        """The proxy index of a source index (invalid when the row is filtered out)."""
        if not index.isValid():
            return QModelIndex()
        pos = bisect.bisect_left(self._idx, index.row())
        if pos < len(self._idx) and self._idx[pos] == index.row():
            return self.index(pos, index.column())
        return QModelIndex()

    def _reindex(self) -> None:
        """Take the source's current rows and their search keys."""
        self._src_rows = list(self._source.rows()) if self._source is not None else []
        self._keys = [r.search_text for r in self._src_rows]
        self._words, self._fields = [], ()  # nothing to narrow from

    def _source_reset(self) -> None:
        self.beginResetModel()
        self._reindex()
        self._idx, self._rows = self._match()
        self.endResetModel()

    def _source_changed(self, *args: Any) -> None:
        """Rows added, removed or reordered in the source: match again, move persistents."""
        self._reindex()
        self._relayout(*self._match(), by_identity=True)

    def _source_data_changed(self, top_left: Index, bottom_right: Index, *args: Any) -> None:
        self._reindex()
        idx, rows = self._match()
        if idx != self._idx:
            self._relayout(idx, rows, by_identity=True)
            top, bottom = 0, len(self._idx) - 1
        else:
            self._rows = rows
            top = bisect.bisect_left(self._idx, top_left.row())
            bottom = bisect.bisect_right(self._idx, bottom_right.row()) - 1
        if 0 <= top <= bottom:
            self.dataChanged.emit(self.index(top, 0), self.index(bottom, len(COLUMNS) - 1))

    # ------------------------------------------------------------------ filtering

    @property
    def current_filter(self) -> HouseholdFilter:
        return self._filter

    def set_filter(self, flt: HouseholdFilter) -> None:
        """Apply *flt*: one matching pass, then one layout change (none if nothing changed)."""
        self._filter = flt
        idx, rows = self._match()
        if idx != self._idx:
            self._relayout(idx, rows, by_identity=False)

    def set_text(self, text: str) -> None:
        """Narrow to rows whose names, address, phone or dong contain every word of *text*."""
        f = self._filter
        self.set_filter(HouseholdFilter(text, f.programme, f.risk_level, f.care_group, f.due_state))

    def _match(self) -> tuple[list[int], list[HouseholdRow]]:
        """Source rows matching the filter (ascending) and the rows themselves."""
        f = self._filter
        words = [_query_word(w) for w in f.text.lower().split()]
        fields = (f.programme, f.risk_level, f.care_group, f.due_state)
        keys = self._keys
        # Same other filters and every earlier word inside a new one (the user typed on):
        # the matches are a subset of the last ones, so only those are searched again.
        before = self._words
        narrows = fields == self._fields and all(any(o in w for w in words) for o in before)
        self._words, self._fields = words, fields
        if narrows:
            idx = self._idx
            for w in words:
                if w not in before:  # words the last result already satisfies are skipped
                    idx = [i for i in idx if w in keys[i]]
        else:
            idx = list(range(len(keys)))
            for n, w in enumerate(words):
                if n == 0:
                    idx = [i for i, hay in enumerate(keys) if w in hay]
                else:
                    idx = [i for i in idx if w in keys[i]]
            idx = self._match_fields(idx, f)
        return idx, [self._src_rows[i] for i in idx]

    def _match_fields(self, idx: list[int], f: HouseholdFilter) -> list[int]:
        src = self._src_rows
        if f.programme is not None:
            idx = [i for i in idx if f.programme in src[i].programmes]
        if f.risk_level is not None:
            idx = [i for i in idx if src[i].risk_level == f.risk_level]
        if f.care_group is not None:
            idx = [i for i in idx if src[i].care_group == f.care_group]
        if f.due_state is not None:
            idx = [i for i in idx if src[i].due_state == f.due_state]
        return idx

    def _relayout(self, idx: list[int], rows: list[HouseholdRow], *, by_identity: bool) -> None:
        """Show *rows* (source rows *idx*), moving persistent indexes to where their rows went.

        *by_identity*: the source changed, so find rows by household id; otherwise by source row.
        """
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_idx, old_rows = self._idx, self._rows
        self._idx, self._rows = idx, rows
        if old:
            if by_identity:
                pos = {r.id: i for i, r in enumerate(rows)}
                where = [
                    pos.get(old_rows[p.row()].id, -1) if p.row() < len(old_rows) else -1
                    for p in old
                ]
            else:
                where = [_position(idx, old_idx[p.row()]) for p in old]
            new = [
                self.index(w, p.column()) if w >= 0 else QModelIndex()
                for w, p in zip(where, old, strict=True)
            ]
            self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    # ------------------------------------------------------------------ Qt model

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self._source is None:
            return None
        return self._source.headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in CELL_ROLES or not index.isValid():
            return None  # a view asks ~10 roles per cell per paint: most answered here
        row = index.row()
        rows = self._rows
        return (
            HouseholdTableModel.cell(rows[row], index.column(), role) if row < len(rows) else None
        )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self._source is not None:
            self._source.sort(column, order)


def _position(idx: list[int], source_row: int) -> int:
    """Where *source_row* is in the ascending *idx*, or -1."""
    pos = bisect.bisect_left(idx, source_row)
    return pos if pos < len(idx) and idx[pos] == source_row else -1


def _query_word(word: str) -> str:
    """A search word as matched: a phone-like word loses its dashes."""
    stripped = word.replace("-", "")
    return stripped if stripped.isdigit() else word
