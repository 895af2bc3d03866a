"""The handover inbox: late records for households that moved, and their acknowledgement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.district.common import NotInDistrict, household_label
from sync.server.models import Event, HandoverInbox, Household, utcnow


class InboxItem(BaseModel):
    id: int
    household_id: str
    kind: str
    ref_id: str
    from_username: str
    to_username: str | None
    received_at: datetime
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    summary: str = Field(description="event type, or the household field edited")
    label: str = ""


def inbox(
    session: Session,
    district: str,
    *,
    username: str | None = None,
    include_acknowledged: bool = False,
) -> list[InboxItem]:
    """Late records for households that moved. With *username*, only that worker's."""
    stmt = (
        select(HandoverInbox, Household)
        .join(Household, Household.id == HandoverInbox.household_id)
        .where(Household.district_code == district)
        .order_by(HandoverInbox.id)
    )
    if username is not None:
        stmt = stmt.where(HandoverInbox.to_username == username)
    if not include_acknowledged:
        stmt = stmt.where(HandoverInbox.acknowledged_at.is_(None))
    pairs = list(session.execute(stmt))
    rows = [r for r, _hh in pairs]
    labels = {hh.id: household_label(hh) for _r, hh in pairs}
    event_types = {
        e.id: e.type
        for e in session.scalars(
            select(Event).where(Event.id.in_([r.ref_id for r in rows if r.kind == "event"]))
        )
    }
    out = []
    for r in rows:
        summary = event_types.get(r.ref_id, r.kind) if r.kind == "event" else "household_edit"
        out.append(
            InboxItem(
                id=r.id,
                household_id=r.household_id,
                kind=r.kind,
                ref_id=r.ref_id,
                from_username=r.from_username,
                to_username=r.to_username,
                received_at=r.received_at,
                acknowledged_by=r.acknowledged_by,
                acknowledged_at=r.acknowledged_at,
                summary=summary,
                label=labels.get(r.household_id, ""),
            )
        )
    return out


def acknowledge_inbox(
    session: Session,
    district: str,
    actor: str,
    ids: Sequence[int],
    *,
    own_only: bool,
    now: datetime | None = None,
) -> list[int]:
    """Acknowledge inbox items; with *own_only* (a worker) only items addressed to *actor*.
    Returns the ids newly acknowledged (already acknowledged ones are left as they were)."""
    now = now or utcnow()
    done = []
    for item_id in dict.fromkeys(ids):
        row = session.get(HandoverInbox, item_id)
        hh = session.get(Household, row.household_id) if row else None
        if row is None or hh is None or hh.district_code != district:
            raise NotInDistrict(f"there is no inbox item {item_id}")
        if own_only and row.to_username != actor:
            raise NotInDistrict(f"there is no inbox item {item_id} for {actor}")
        if row.acknowledged_at is None:
            row.acknowledged_by = actor
            row.acknowledged_at = now
            done.append(item_id)
    session.flush()
    return done
