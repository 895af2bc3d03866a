"""Heat and cold alerts: declare, end, start and end by date, and the completion board."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server.admin import AdminError
from sync.server.district.common import (
    KST,
    NotInDistrict,
    assignments_of,
    chunks,
    district_households,
    household_label,
    today_kst,
)
from sync.server.models import AlertCampaign, Event, Household, utcnow
from sync.server.syncing import FeedWriter, workers_of


class NewAlert(BaseModel):
    kind: Literal["heat", "cold"]
    level: Literal["advisory", "warning"] = Field(description="주의보 (advisory) or 경보 (warning)")
    start: date
    end: date


class AlertRow(BaseModel):
    id: str
    kind: str
    level: str
    start: date
    end: date
    declared_by: str
    declared_at: datetime
    ended_at: datetime | None
    households: int
    active: bool


class AlertHousehold(BaseModel):
    household_id: str
    dong_code: str
    risk_level: str | None
    workers: dict[str, str]
    contacted_today: bool
    last_contact: datetime | None
    label: str = ""


class AlertBoard(BaseModel):
    alert: AlertRow
    today: date
    households: list[AlertHousehold]
    contacted: int
    remaining: int


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=KST).astimezone(UTC)


def _alert_row(a: AlertCampaign, today: date) -> AlertRow:
    start, end = a.start.astimezone(KST).date(), a.end.astimezone(KST).date()
    return AlertRow(
        id=a.id,
        kind=a.kind,
        level=a.level,
        start=start,
        end=end,
        declared_by=a.declared_by,
        declared_at=a.declared_at,
        ended_at=a.ended_at,
        households=len(a.household_ids or []),
        active=a.ended_at is None and start <= today <= end,
    )


def _set_alert_flags(session: Session, household_ids: Iterable[str], on: bool) -> None:
    """Set ``alert_active`` and send the household to everyone who holds it."""
    feed = FeedWriter(session)
    for hid in household_ids:
        hh = session.get(Household, hid)
        if hh is None or hh.deleted or bool(hh.alert_active) == on:
            continue
        hh.alert_active = on
        feed.add(p.ChangeKind.household, hh.id, hh.id, workers_of(session, hh.id).values())
    feed.stamp()


def declare_alert(
    session: Session, district: str, actor: str, new: NewAlert, today: date | None = None
) -> AlertRow:
    """Declare a heat/cold alert: every high- and medium-risk household gets ``alert_active``
    (synced to the workers' devices, where the cadence makes it due daily)."""
    today = today or today_kst()
    if new.end < new.start:
        raise AdminError("the alert ends before it starts; check the dates", "alert_dates")
    if new.end < today:
        raise AdminError("the alert's end date is already past", "alert_past")
    covered = [
        h.id for h in district_households(session, district) if h.risk_level in ("high", "medium")
    ]
    alert = AlertCampaign(
        id=str(uuid.uuid4()),
        district_code=district,
        kind=new.kind,
        level=new.level,
        start=_day_start(new.start),
        end=_day_start(new.end),
        declared_by=actor,
        household_ids=covered,
    )
    session.add(alert)
    session.flush()
    if new.start <= today:
        _set_alert_flags(session, covered, True)
    return _alert_row(alert, today)


def _still_alerted(session: Session, district: str, today: date, but: str) -> set[str]:
    out: set[str] = set()
    for a in session.scalars(
        select(AlertCampaign).where(
            AlertCampaign.district_code == district, AlertCampaign.ended_at.is_(None)
        )
    ):
        row = _alert_row(a, today)
        if a.id != but and row.active:
            out.update(a.household_ids or [])
    return out


def end_alert(
    session: Session, district: str, actor: str, alert_id: str, today: date | None = None
) -> AlertRow:
    """End an alert now: households it covered (and no other running alert does) lose
    ``alert_active``."""
    today = today or today_kst()
    alert = session.get(AlertCampaign, alert_id)
    if alert is None or alert.district_code != district:
        raise NotInDistrict(f"there is no alert {alert_id} in district {district}")
    if alert.ended_at is not None:
        raise AdminError("this alert has already ended", "alert_ended")
    alert.ended_at = utcnow()
    alert.ended_by = actor
    keep = _still_alerted(session, district, today, alert.id)
    _set_alert_flags(session, [h for h in alert.household_ids or [] if h not in keep], False)
    return _alert_row(alert, today)


def refresh_alerts(session: Session, district: str, today: date | None = None) -> None:
    """Start alerts whose day has come and end those whose last day has passed (idempotent;
    the routes call it before answering about alerts)."""
    today = today or today_kst()
    for a in session.scalars(
        select(AlertCampaign).where(
            AlertCampaign.district_code == district, AlertCampaign.ended_at.is_(None)
        )
    ):
        row = _alert_row(a, today)
        if row.end < today:
            a.ended_at = utcnow()
            a.ended_by = "system"
            keep = _still_alerted(session, district, today, a.id)
            _set_alert_flags(session, [h for h in a.household_ids or [] if h not in keep], False)
        elif row.active:
            _set_alert_flags(session, a.household_ids or [], True)


def alerts(
    session: Session, district: str, *, active_only: bool = False, today: date | None = None
) -> list[AlertRow]:
    today = today or today_kst()
    rows = [
        _alert_row(a, today)
        for a in session.scalars(
            select(AlertCampaign)
            .where(AlertCampaign.district_code == district)
            .order_by(AlertCampaign.declared_at.desc())
        )
    ]
    return [r for r in rows if r.active] if active_only else rows


#: Event types that count as contacting a household during an alert.
CONTACT_TYPES = (p.EventType.welfare_check.value, p.EventType.visit.value)


def alert_board(
    session: Session, district: str, alert_id: str, today: date | None = None
) -> AlertBoard:
    """Completion of an alert: each covered household, contacted today (KST) or not."""
    today = today or today_kst()
    alert = session.get(AlertCampaign, alert_id)
    if alert is None or alert.district_code != district:
        raise NotInDistrict(f"there is no alert {alert_id} in district {district}")
    ids = list(alert.household_ids or [])
    assigned = assignments_of(session, ids)
    last: dict[str, datetime] = {}
    since = max(alert.start, _day_start(today) - timedelta(days=30))
    for chunk in chunks(ids):
        for hid, at in session.execute(
            select(Event.household_id, Event.device_time).where(
                Event.household_id.in_(chunk),
                Event.type.in_(CONTACT_TYPES),
                Event.device_time >= since,
            )
        ):
            if hid not in last or at > last[hid]:
                last[hid] = at
    rows = []
    for hid in ids:
        hh = session.get(Household, hid)
        if hh is None or hh.deleted:
            continue
        seen = last.get(hid)
        rows.append(
            AlertHousehold(
                household_id=hid,
                dong_code=hh.dong_code,
                risk_level=hh.risk_level,
                workers=assigned.get(hid, {}),
                contacted_today=seen is not None and seen.astimezone(KST).date() == today,
                last_contact=seen,
                label=household_label(hh),
            )
        )
    rows.sort(key=lambda r: (r.contacted_today, r.risk_level != "high", r.dong_code))
    done = sum(1 for r in rows if r.contacted_today)
    return AlertBoard(
        alert=_alert_row(alert, today),
        today=today,
        households=rows,
        contacted=done,
        remaining=len(rows) - done,
    )
