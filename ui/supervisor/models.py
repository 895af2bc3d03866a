"""Table models of the supervisor screens: rows are the district routes' JSON objects.

One small generic model (:class:`RecordTableModel`) with a column spec per screen; the
column headers and coded values are translated (Korean first) through ``QCoreApplication``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from fieldapp.hangul import natural_key

Index = QModelIndex | QPersistentModelIndex
Row = dict[str, Any]

WARN = QColor("#b00020")
DONE = QColor("#1b5e20")


def when(value: Any) -> str:
    """An ISO time from the server as local (KST) 'MM-DD HH:MM', or '—'."""
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    from fieldapp.cadence import KST  # here: the window's first screen needs no cadence rules

    return moment.astimezone(KST).strftime("%m-%d %H:%M")


def risk_label(value: Any) -> str:
    return {
        "high": QCoreApplication.translate("supervisor", "높음"),
        "medium": QCoreApplication.translate("supervisor", "중간"),
        "low": QCoreApplication.translate("supervisor", "낮음"),
    }.get(value, "—")


def role_label(value: Any) -> str:
    return {
        "volunteer": QCoreApplication.translate("supervisor", "돌봄단"),
        "nurse": QCoreApplication.translate("supervisor", "방문간호사"),
        "supervisor": QCoreApplication.translate("supervisor", "관리자"),
        "admin": QCoreApplication.translate("supervisor", "시스템 관리자"),
    }.get(value, str(value))


def programme_label(value: Any) -> str:
    return {
        "welfare_check": QCoreApplication.translate("supervisor", "안부확인"),
        "visiting_health": QCoreApplication.translate("supervisor", "방문건강관리"),
    }.get(value, "—")


def size_label(nbytes: int) -> str:
    if nbytes < 1024:
        return f"{nbytes} B"
    if nbytes < 1024 * 1024:
        return f"{nbytes / 1024:.1f} KB"
    return f"{nbytes / 1024 / 1024:.1f} MB"


def short_id(value: Any) -> str:
    return str(value or "")[:8]


def household_text(r: Row) -> str:
    """The household's label from the server, else the start of its id."""
    return str(r.get("label") or short_id(r.get("household_id")))


_NAMES: dict[str, str] = {}


def remember_names(people: Sequence[Row]) -> None:
    """Learn the display names of the district's workers (from the board or the user list)."""
    _NAMES.update(
        {str(r["username"]): str(r["display_name"]) for r in people if r.get("display_name")}
    )


def person(username: Any) -> str:
    """A worker as people know them: the display name once known, else the username."""
    if not username:
        return "—"
    return _NAMES.get(str(username), str(username))


def record_label(kind: Any) -> str:
    """What kind of record a hand-over item is (the server says its type, or household_edit)."""
    return {
        "note": QCoreApplication.translate("supervisor", "메모"),
        "visit": QCoreApplication.translate("supervisor", "방문"),
        "welfare_check": QCoreApplication.translate("supervisor", "안부확인"),
        "screening": QCoreApplication.translate("supervisor", "선별검사"),
        "referral": QCoreApplication.translate("supervisor", "조치·의뢰"),
        "household_edit": QCoreApplication.translate("supervisor", "가구 정보 수정"),
    }.get(str(kind), str(kind))


def pending_label(value: Any) -> str:
    return QCoreApplication.translate("supervisor", "보고 없음") if value is None else str(value)


@dataclass(frozen=True)
class Column:
    """One column: its header, the shown text, and optionally a warning test. *stretch*: this
    column takes the table's spare width (names, not the last column)."""

    header: str
    text: Callable[[Row], Any]
    warn: Callable[[Row], bool] | None = None
    good: Callable[[Row], bool] | None = None
    numeric: bool = False
    stretch: bool = False


def by_username(r: Row) -> tuple[Any, ...]:
    """Workers in natural order of their username (volunteer2 before volunteer10)."""
    return natural_key(str(r.get("username") or ""))


RISK_ORDER = {"high": 0, "medium": 1, "low": 2}


def by_risk_then_place(r: Row) -> tuple[Any, ...]:
    """Households: high risk first, then by 행정동 and the label (name and address)."""
    return (
        RISK_ORDER.get(r.get("risk_level") or "", 3),
        str(r.get("dong_name") or r.get("dong_code") or ""),
        natural_key(str(r.get("label") or "")),
    )


class RecordTableModel(QAbstractTableModel):
    """Rows of JSON objects shown through a column spec (read-only), in *order* if given."""

    def __init__(
        self,
        columns: Sequence[Column],
        parent: Any = None,
        *,
        order: Callable[[Row], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.order = order
        self.rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self.rows = sorted(rows, key=self.order) if self.order else list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Row:
        return self.rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].header
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        col = self.columns[index.column()]
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = col.text(row)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col.warn is not None and col.warn(row):
                return QBrush(WARN)
            if col.good is not None and col.good(row):
                return QBrush(DONE)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and col.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None


# --------------------------------------------------------------------------- column specs


def board_columns() -> list[Column]:
    def devices(r: Row) -> str:
        return ", ".join(d["name"] or short_id(d["id"]) for d in r["devices"]) or "—"

    return [
        Column(
            QCoreApplication.translate("supervisor", "담당자"),
            lambda r: f"{r['display_name']} ({r['username']})",
            stretch=True,
        ),
        Column(QCoreApplication.translate("supervisor", "역할"), lambda r: role_label(r["role"])),
        Column(
            QCoreApplication.translate("supervisor", "사업"),
            lambda r: programme_label(r["programme"]),
        ),
        Column(
            QCoreApplication.translate("supervisor", "담당 가구"),
            lambda r: r["caseload"],
            numeric=True,
        ),
        Column(
            QCoreApplication.translate("supervisor", "기한 지남"),
            lambda r: r["overdue"],
            warn=lambda r: r["overdue"] > 0,
            numeric=True,
        ),
        Column(
            QCoreApplication.translate("supervisor", "오늘"), lambda r: r["due_today"], numeric=True
        ),
        Column(
            QCoreApplication.translate("supervisor", "고위험"),
            lambda r: r["high_risk"],
            numeric=True,
        ),
        Column(
            QCoreApplication.translate("supervisor", "즉시 조치"),
            lambda r: r["immediate_open"],
            warn=lambda r: r["immediate_open"] > 0,
            numeric=True,
        ),
        Column(
            QCoreApplication.translate("supervisor", "마지막 동기화"),
            lambda r: when(r["last_sync_at"]),
        ),
        Column(
            QCoreApplication.translate("supervisor", "미전송(기기 보고)"),
            lambda r: r["pending_reported"],
            warn=lambda r: r["pending_reported"] > 0,
            numeric=True,
        ),
        Column(QCoreApplication.translate("supervisor", "기기"), devices),
    ]


def household_columns(programme: str | None = None) -> list[Column]:
    """The reassignment list: with *programme*, only that programme's worker (narrow enough
    that no column hides behind a horizontal scroll bar)."""
    columns = [
        Column(
            QCoreApplication.translate("supervisor", "가구"), lambda r: r["label"], stretch=True
        ),
        Column(
            QCoreApplication.translate("supervisor", "행정동"),
            lambda r: r.get("dong_name") or r["dong_code"],
        ),
        Column(
            QCoreApplication.translate("supervisor", "위험도"),
            lambda r: risk_label(r["risk_level"]),
            warn=lambda r: r["risk_level"] == "high",
        ),
    ]
    if programme is not None:
        columns.append(
            Column(
                QCoreApplication.translate("supervisor", "현재 담당"),
                lambda r: person(r["assignments"].get(programme)),
            )
        )
        return columns
    return [
        *columns,
        Column(
            QCoreApplication.translate("supervisor", "안부확인 담당"),
            lambda r: person(r["assignments"].get("welfare_check")),
        ),
        Column(
            QCoreApplication.translate("supervisor", "방문건강 담당"),
            lambda r: person(r["assignments"].get("visiting_health")),
        ),
    ]


def preview_columns(labels: dict[str, str] | None = None) -> list[Column]:
    names = labels or {}
    return [
        Column(
            QCoreApplication.translate("supervisor", "가구"),
            lambda r: r.get("label") or names.get(r["household_id"], short_id(r["household_id"])),
            stretch=True,
        ),
        Column(
            QCoreApplication.translate("supervisor", "행정동"),
            lambda r: r.get("dong_name") or r["dong_code"],
        ),
        Column(
            QCoreApplication.translate("supervisor", "위험도"),
            lambda r: risk_label(r["risk_level"]),
            warn=lambda r: r["risk_level"] == "high",
        ),
        Column(
            QCoreApplication.translate("supervisor", "현재 담당"),
            lambda r: (
                person(r["from_username"])
                if r["from_username"]
                else QCoreApplication.translate("supervisor", "미배정")
            ),
        ),
    ]


def moved_columns(labels: dict[str, str] | None = None) -> list[Column]:
    """The households a reassignment moved: from whom to whom (after 적용 or 되돌리기)."""
    names = labels or {}
    return [
        Column(
            QCoreApplication.translate("supervisor", "가구"),
            lambda r: names.get(r["household_id"], short_id(r["household_id"])),
            stretch=True,
        ),
        Column(
            QCoreApplication.translate("supervisor", "이전 담당"),
            lambda r: (
                person(r["from_username"])
                if r["from_username"]
                else QCoreApplication.translate("supervisor", "미배정")
            ),
        ),
        Column(
            QCoreApplication.translate("supervisor", "새 담당"),
            lambda r: person(r["to_username"]),
            good=lambda r: True,
        ),
    ]


def holding_device_columns() -> list[Column]:
    return [
        Column(
            QCoreApplication.translate("supervisor", "기기"),
            lambda r: r["name"] or short_id(r["device_id"]),
            stretch=True,
        ),
        Column(QCoreApplication.translate("supervisor", "담당자"), lambda r: person(r["username"])),
        Column(
            QCoreApplication.translate("supervisor", "마지막 동기화"),
            lambda r: when(r["last_sync_at"]),
        ),
        Column(
            QCoreApplication.translate("supervisor", "미전송 기록"),
            lambda r: pending_label(r["reported_pending"]),
            warn=lambda r: True,
        ),
        Column(
            QCoreApplication.translate("supervisor", "판단"),
            lambda r: (
                QCoreApplication.translate("supervisor", "미전송 있음")
                if r.get("state") == "pending"
                else QCoreApplication.translate("supervisor", "최근 보고 없음 (오프라인 기록 가능)")
            ),
        ),
    ]


def conflict_columns() -> list[Column]:
    def value(v: Any) -> str:
        return "—" if v in (None, "", []) else str(v)

    return [
        Column(QCoreApplication.translate("supervisor", "가구"), household_text),
        Column(QCoreApplication.translate("supervisor", "항목"), lambda r: field_label(r["field"])),
        Column(
            QCoreApplication.translate("supervisor", "값 A"),
            lambda r: value(r["mine"]),
            stretch=True,
        ),
        Column(
            QCoreApplication.translate("supervisor", "A 입력"),
            lambda r: f"{person(r['mine_by'])} · {when(r['mine_at'])}",
        ),
        Column(
            QCoreApplication.translate("supervisor", "값 B"),
            lambda r: value(r["theirs"]),
            stretch=True,
        ),
        Column(
            QCoreApplication.translate("supervisor", "B 입력"),
            lambda r: f"{person(r['theirs_by'])} · {when(r['theirs_at'])}",
        ),
        Column(
            QCoreApplication.translate("supervisor", "상태"),
            lambda r: (
                QCoreApplication.translate("supervisor", "해결됨")
                if r["status"] == "resolved"
                else QCoreApplication.translate("supervisor", "미해결")
            ),
            warn=lambda r: r["status"] == "open",
        ),
    ]


def field_label(name: str) -> str:
    return {
        "phone": QCoreApplication.translate("supervisor", "전화번호"),
        "address_road": QCoreApplication.translate("supervisor", "도로명주소"),
        "address_detail": QCoreApplication.translate("supervisor", "상세주소"),
        "household_type": QCoreApplication.translate("supervisor", "가구 유형"),
        "risk_level": QCoreApplication.translate("supervisor", "위험도"),
        "care_group": QCoreApplication.translate("supervisor", "관리군"),
        "isolation_band": QCoreApplication.translate("supervisor", "고립 위험"),
        "notes": QCoreApplication.translate("supervisor", "메모"),
        "emergency_contacts": QCoreApplication.translate("supervisor", "비상연락처"),
        "consent_general": QCoreApplication.translate("supervisor", "일반 동의"),
        "consent_health": QCoreApplication.translate("supervisor", "민감정보 동의"),
    }.get(name, name)


def inbox_columns() -> list[Column]:
    return [
        Column(QCoreApplication.translate("supervisor", "가구"), household_text, stretch=True),
        Column(
            QCoreApplication.translate("supervisor", "기록"), lambda r: record_label(r["summary"])
        ),
        Column(
            QCoreApplication.translate("supervisor", "보낸 이(이전 담당)"),
            lambda r: person(r["from_username"]),
        ),
        Column(
            QCoreApplication.translate("supervisor", "받는 이(새 담당)"),
            lambda r: person(r["to_username"]),
        ),
        Column(QCoreApplication.translate("supervisor", "도착"), lambda r: when(r["received_at"])),
        Column(
            QCoreApplication.translate("supervisor", "확인"),
            lambda r: (
                person(r["acknowledged_by"])
                if r["acknowledged_by"]
                else QCoreApplication.translate("supervisor", "미확인")
            ),
            warn=lambda r: not r["acknowledged_by"],
        ),
    ]


def user_columns() -> list[Column]:
    return [
        Column(QCoreApplication.translate("supervisor", "아이디"), lambda r: r["username"]),
        Column(
            QCoreApplication.translate("supervisor", "이름"),
            lambda r: r["display_name"],
            stretch=True,
        ),
        Column(QCoreApplication.translate("supervisor", "역할"), lambda r: role_label(r["role"])),
        Column(
            QCoreApplication.translate("supervisor", "상태"),
            lambda r: (
                QCoreApplication.translate("supervisor", "사용")
                if r["active"]
                else QCoreApplication.translate("supervisor", "비활성")
            ),
            warn=lambda r: not r["active"],
        ),
        Column(
            QCoreApplication.translate("supervisor", "기기 수"),
            lambda r: len(r["devices"]),
            numeric=True,
        ),
    ]


def device_columns() -> list[Column]:
    status = {
        "active": QCoreApplication.translate("supervisor", "사용 중"),
        "revoked": QCoreApplication.translate("supervisor", "회수됨"),
        "lost": QCoreApplication.translate("supervisor", "분실"),
    }
    return [
        Column(
            QCoreApplication.translate("supervisor", "기기"),
            lambda r: r["name"] or short_id(r["id"]),
            stretch=True,
        ),
        Column(QCoreApplication.translate("supervisor", "기기 ID"), lambda r: r["id"]),
        Column(QCoreApplication.translate("supervisor", "담당자"), lambda r: person(r["username"])),
        Column(
            QCoreApplication.translate("supervisor", "상태"),
            lambda r: status.get(r["status"], r["status"]),
            warn=lambda r: r["status"] != "active",
        ),
        Column(
            QCoreApplication.translate("supervisor", "마지막 동기화"),
            lambda r: when(r["last_sync_at"]),
        ),
        Column(
            QCoreApplication.translate("supervisor", "미전송(보고)"),
            lambda r: pending_label(r["reported_pending"]),
            warn=lambda r: bool(r["reported_pending"]),
        ),
    ]


def alert_columns() -> list[Column]:
    kinds = {
        "heat": QCoreApplication.translate("supervisor", "폭염"),
        "cold": QCoreApplication.translate("supervisor", "한파"),
    }
    levels = {
        "advisory": QCoreApplication.translate("supervisor", "주의보"),
        "warning": QCoreApplication.translate("supervisor", "경보"),
    }
    return [
        Column(
            QCoreApplication.translate("supervisor", "종류"),
            lambda r: f"{kinds.get(r['kind'], r['kind'])} {levels.get(r['level'], r['level'])}",
            stretch=True,
        ),
        Column(
            QCoreApplication.translate("supervisor", "기간"), lambda r: f"{r['start']} ~ {r['end']}"
        ),
        Column(
            QCoreApplication.translate("supervisor", "대상 가구"),
            lambda r: r["households"],
            numeric=True,
        ),
        Column(
            QCoreApplication.translate("supervisor", "상태"),
            lambda r: (
                QCoreApplication.translate("supervisor", "진행 중")
                if r["active"]
                else QCoreApplication.translate("supervisor", "종료/대기")
            ),
            warn=lambda r: r["active"],
        ),
    ]


def alert_household_columns() -> list[Column]:
    return [
        Column(QCoreApplication.translate("supervisor", "가구"), household_text, stretch=True),
        Column(
            QCoreApplication.translate("supervisor", "행정동"),
            lambda r: r.get("dong_name") or r["dong_code"],
        ),
        Column(
            QCoreApplication.translate("supervisor", "위험도"),
            lambda r: risk_label(r["risk_level"]),
        ),
        Column(
            QCoreApplication.translate("supervisor", "담당"),
            lambda r: ", ".join(person(w) for w in r["workers"].values() if w) or "—",
        ),
        Column(
            QCoreApplication.translate("supervisor", "오늘 연락"),
            lambda r: (
                QCoreApplication.translate("supervisor", "완료")
                if r["contacted_today"]
                else QCoreApplication.translate("supervisor", "미완료")
            ),
            warn=lambda r: not r["contacted_today"],
            good=lambda r: r["contacted_today"],
        ),
        Column(
            QCoreApplication.translate("supervisor", "마지막 연락"),
            lambda r: when(r["last_contact"]),
        ),
    ]


def indicator_columns() -> list[Column]:
    return [
        Column(
            QCoreApplication.translate("supervisor", "지표"), lambda r: r["label_ko"], stretch=True
        ),
        Column(QCoreApplication.translate("supervisor", "구분"), lambda r: r["breakdown"]),
        Column(QCoreApplication.translate("supervisor", "값"), lambda r: r["value"], numeric=True),
        Column(QCoreApplication.translate("supervisor", "단위"), lambda r: r["unit"]),
    ]


def incident_columns() -> list[Column]:
    return [
        Column(
            QCoreApplication.translate("supervisor", "기기"), lambda r: short_id(r["device_id"])
        ),
        Column(QCoreApplication.translate("supervisor", "담당자"), lambda r: person(r["username"])),
        Column(QCoreApplication.translate("supervisor", "분실 처리 시각"), lambda r: when(r["at"])),
        Column(
            QCoreApplication.translate("supervisor", "신고 기한 (72시간)"),
            lambda r: when(r["report_due"]),
            warn=lambda r: True,
        ),
        Column(QCoreApplication.translate("supervisor", "처리자"), lambda r: r["reported_by"]),
        Column(
            QCoreApplication.translate("supervisor", "메모"),
            lambda r: r["note"] or "",
            stretch=True,
        ),
    ]
