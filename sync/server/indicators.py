"""The plan's own indicators for a period, de-identified, and their CSV / XLSX export.

The indicators follow the 2023 서울시 1인가구 안심 시행계획 (추진목표 및 예산): 우리동네돌봄단
운영 -- 활동인원(명); 방문건강관리 -- 등록관리 인원(명); 생명이음 청진기 -- 검사인원(명), plus the
welfare-check work behind them (households supported, checks done), screenings by instrument and
referrals made. Only counts leave the server: no names, phones, addresses or household ids.
Small cells are suppressed: a count from 1 to 4 is shown as ``"<5"``, and when a breakdown has
exactly one suppressed cell, the next smallest one is suppressed too, so the total cannot give
it away. Every export needs a reason and writes an access-log event.
"""

from __future__ import annotations

import base64
import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.cadence import KST
from sync import protocol as p
from sync.server.accesslog import append_access_log
from sync.server.admin import AdminError
from sync.server.models import Assignment, Dong, Event, Household, User, utcnow
from sync.server.spreadsheet_text import as_text_cell

#: Counts below this (and above zero) are not shown.
SUPPRESS_BELOW = 5
SUPPRESSED = f"<{SUPPRESS_BELOW}"
#: Longest period one request may cover.
MAX_PERIOD_DAYS = 366 * 2
TOTAL = "합계"

#: (id, Korean label, English label, unit) in the order of the export.
INDICATORS: tuple[tuple[str, str, str, str], ...] = (
    ("volunteers_active", "우리동네돌봄단 활동인원", "active volunteers", "명"),
    ("volunteers_registered", "우리동네돌봄단 등록인원", "registered volunteers", "명"),
    ("households_supported", "안부확인 지원가구", "households supported", "가구"),
    ("welfare_checks", "안부확인 실적", "welfare checks done", "건"),
    ("vh_registered", "방문건강관리 등록관리 인원", "visiting health: registered", "명"),
    ("vh_managed", "방문건강관리 관리 인원(기간 중 방문)", "visiting health: managed", "명"),
    ("vh_visits", "방문건강관리 방문", "visiting health visits", "건"),
    ("screenings", "선별검사", "screenings done", "건"),
    ("referrals", "서비스 연계·의뢰", "referrals made", "건"),
)
_LABELS = {i: (ko, en, unit) for i, ko, en, unit in INDICATORS}


class IndicatorRow(BaseModel):
    indicator: str
    label_ko: str
    label_en: str
    unit: str
    breakdown: str = Field(description="'합계' (district total), a dong's name, or an instrument")
    value: int | str = Field(description="the count, or '<5' when suppressed")


class IndicatorTable(BaseModel):
    district_code: str
    start: date
    end: date
    generated_at: datetime
    rows: list[IndicatorRow]
    note: str


class ExportRequest(BaseModel):
    start: date
    end: date
    format: Literal["csv", "xlsx"]
    reason: str = Field(default="", max_length=500)


class ExportFile(BaseModel):
    filename: str
    content_type: str
    content_base64: str
    rows: int
    access_log_id: int


def check_period(start: date, end: date) -> None:
    if end < start:
        raise AdminError("the period ends before it starts; check the dates")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise AdminError(f"a period may cover at most {MAX_PERIOD_DAYS} days; choose a shorter one")


def suppress(cells: dict[str, int]) -> dict[str, int | str]:
    """Suppress small cells of one breakdown (see the module docstring)."""
    small = {k for k, v in cells.items() if 0 < v < SUPPRESS_BELOW}
    if len(small) == 1:
        rest = sorted((v, k) for k, v in cells.items() if k not in small and v > 0)
        if rest:
            small.add(rest[0][1])
    return {k: (SUPPRESSED if k in small else v) for k, v in cells.items()}


@dataclass(frozen=True, slots=True)
class _Ev:
    """What the indicators read of an event."""

    id: str
    household_id: str
    type: str
    created_by: str
    device_time: datetime
    amends: str | None
    instrument_id: str | None
    closes: str | None


def _events(session: Session, household_ids: list[str], start: date, end: date) -> list[_Ev]:
    """The households' events around the period (a day of margin for time zones), and every
    void (a void may come later than what it voids); only the columns the indicators read."""
    lo = datetime.combine(start - timedelta(days=1), time(0), tzinfo=UTC)
    hi = datetime.combine(end + timedelta(days=2), time(0), tzinfo=UTC)
    stmt = select(
        Event.id,
        Event.household_id,
        Event.type,
        Event.created_by,
        Event.device_time,
        Event.amends,
        Event.payload["instrument_id"].as_string(),
        Event.payload["closes"].as_string(),
    ).where(
        Event.type != p.EventType.access_log.value,
        (Event.type == p.EventType.void.value) | Event.device_time.between(lo, hi),
    )
    out: list[_Ev] = []
    for i in range(0, len(household_ids), 500):
        chunk = household_ids[i : i + 500]
        out.extend(_Ev(*row) for row in session.execute(stmt.where(Event.household_id.in_(chunk))))
    return out


def _effective(events: Iterable[_Ev]) -> list[_Ev]:
    """Events that count: voided ones and corrections (counted as their original) left out."""
    evs = list(events)
    voided = {e.amends for e in evs if e.type == p.EventType.void.value and e.amends}
    return [
        e for e in evs if e.type != p.EventType.void.value and not e.amends and e.id not in voided
    ]


def _day(e: _Ev) -> date:
    return e.device_time.astimezone(KST).date()


def compute(session: Session, district: str, start: date, end: date) -> IndicatorTable:
    """The indicators of *district* for the days *start*..*end* (KST, inclusive)."""
    check_period(start, end)
    dongs = {
        d.code: d.name for d in session.scalars(select(Dong).where(Dong.district_code == district))
    }
    households = {
        h.id: h
        for h in session.scalars(
            select(Household).where(
                Household.district_code == district, Household.deleted.is_(False)
            )
        )
    }
    dong_of = {hid: dongs.get(h.dong_code, h.dong_code) for hid, h in households.items()}
    effective = _effective(_events(session, list(households), start, end))
    in_period = [e for e in effective if start <= _day(e) <= end]
    checks = [e for e in in_period if e.type == p.EventType.welfare_check.value]
    visits = [e for e in in_period if e.type == p.EventType.visit.value]
    volunteers = list(
        session.scalars(
            select(User).where(User.district_code == district, User.role == p.Role.volunteer.value)
        )
    )
    vh_assigned = set(
        session.scalars(
            select(Assignment.household_id).where(
                Assignment.programme == p.Programme.visiting_health.value,
                Assignment.username.is_not(None),
                Assignment.household_id.in_(list(households) or [""]),
            )
        )
    )

    def persons(hid: str) -> int:
        return max(1, len(households[hid].persons or []))

    by_dong: dict[str, Counter[str]] = defaultdict(Counter)
    volunteer_dongs: dict[str, set[str]] = defaultdict(set)
    for e in checks:
        volunteer_dongs[e.created_by].add(dong_of[e.household_id])
        by_dong["welfare_checks"][dong_of[e.household_id]] += 1
    for hid in {e.household_id for e in checks}:
        by_dong["households_supported"][dong_of[hid]] += 1
    active_names = {v.username for v in volunteers}
    totals: Counter[str] = Counter()
    totals["volunteers_active"] = len(active_names & set(volunteer_dongs))
    totals["volunteers_registered"] = sum(1 for v in volunteers if v.active)
    for name in active_names & set(volunteer_dongs):
        for dong in volunteer_dongs[name]:
            by_dong["volunteers_active"][dong] += 1
    for hid in vh_assigned:
        by_dong["vh_registered"][dong_of[hid]] += persons(hid)
    for hid in vh_assigned & {e.household_id for e in visits}:
        by_dong["vh_managed"][dong_of[hid]] += persons(hid)
    for e in visits:
        by_dong["vh_visits"][dong_of[e.household_id]] += 1
    screenings: Counter[str] = Counter()
    for e in in_period:
        if e.type == p.EventType.screening.value:
            screenings[e.instrument_id or "unknown"] += 1
            by_dong["screenings"][dong_of[e.household_id]] += 1
        if e.type == p.EventType.referral.value and not e.closes:
            by_dong["referrals"][dong_of[e.household_id]] += 1
    for key in _LABELS:
        if key not in ("volunteers_active", "volunteers_registered"):
            totals[key] = sum(by_dong[key].values())

    rows: list[IndicatorRow] = []
    all_dongs = sorted(set(dongs.values()) | set(dong_of.values()))

    def add(key: str, breakdown: str, value: int | str) -> None:
        ko, en, unit = _LABELS[key]
        rows.append(
            IndicatorRow(
                indicator=key,
                label_ko=ko,
                label_en=en,
                unit=unit,
                breakdown=breakdown,
                value=value,
            )
        )

    for key, *_ in INDICATORS:
        add(key, TOTAL, suppress({TOTAL: totals[key]})[TOTAL])
        if key == "screenings":
            for inst, value in sorted(suppress(dict(screenings)).items()):
                add(key, inst, value)
        if key in by_dong or key == "volunteers_active":
            cells = suppress({d: by_dong[key][d] for d in all_dongs})
            for dong in all_dongs:
                add(key, dong, cells[dong])
    return IndicatorTable(
        district_code=district,
        start=start,
        end=end,
        generated_at=utcnow(),
        rows=rows,
        note=(
            f"비식별 집계: 1~{SUPPRESS_BELOW - 1} 은 '{SUPPRESSED}'로 표시 "
            f"(counts 1-{SUPPRESS_BELOW - 1} shown as '{SUPPRESSED}')"
        ),
    )


HEADER = ("indicator", "지표", "indicator (en)", "단위", "구분", "값")


def _table_rows(table: IndicatorTable) -> list[tuple[Any, ...]]:
    return [(r.indicator, r.label_ko, r.label_en, r.unit, r.breakdown, r.value) for r in table.rows]


def to_csv(table: IndicatorTable) -> bytes:
    """UTF-8 with a BOM (Excel opens Korean text right), one header block, then the rows."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["district", table.district_code])
    w.writerow(["period", table.start.isoformat(), table.end.isoformat()])
    w.writerow(["note", table.note])
    w.writerow([])
    w.writerow(HEADER)
    w.writerows(
        [as_text_cell(v) if isinstance(v, str) else v for v in row] for row in _table_rows(table)
    )
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(table: IndicatorTable) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "지표"
    ws.append(["district", table.district_code])
    ws.append(["period", table.start.isoformat(), table.end.isoformat()])
    ws.append(["note", table.note])
    ws.append([])
    ws.append(list(HEADER))
    for cell in ws[5]:
        cell.font = Font(bold=True)
    for row in _table_rows(table):
        ws.append(list(row))
    for cells in ws.iter_rows():
        for cell in cells:
            if cell.data_type == "f":  # openpyxl takes text beginning with '=' as a formula
                cell.data_type = "s"
    for col, width in zip("ABCDEF", (22, 30, 30, 6, 16, 8), strict=True):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export(
    session: Session,
    district: str,
    actor: str,
    req: ExportRequest,
    *,
    device_id: str | None = None,
    ip: str | None = None,
    read: Session | None = None,
) -> ExportFile:
    """Build the file and write the access-log event (with the reason) in *session*'s
    transaction; the figures are read through *read* when given (the read replica).
    Refuses an export without a reason."""
    reason = req.reason.strip()
    if not reason:
        raise AdminError("an export needs a reason (it is kept in the access log)")
    table = compute(read or session, district, req.start, req.end)
    data = to_csv(table) if req.format == "csv" else to_xlsx(table)
    entry = append_access_log(
        session,
        username=actor,
        action="export",
        device_id=device_id,
        ip=ip,
        reason=f"indicators {district} {req.start}..{req.end} {req.format}: {reason}",
    )
    name = f"indicators_{district}_{req.start:%Y%m%d}-{req.end:%Y%m%d}.{req.format}"
    ctype = (
        "text/csv; charset=utf-8"
        if req.format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return ExportFile(
        filename=name,
        content_type=ctype,
        content_base64=base64.b64encode(data).decode("ascii"),
        rows=len(table.rows),
        access_log_id=entry.id,
    )
