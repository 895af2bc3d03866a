"""Per-field conflicts of the district's households and their resolution."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server import admin
from sync.server.district.common import NotInDistrict, household_in, household_label
from sync.server.models import Conflict, Household


class ConflictRow(BaseModel):
    id: str
    household_id: str
    dong_code: str
    field: str
    base_version: int
    mine: Any
    mine_by: str
    mine_at: datetime
    theirs: Any
    theirs_by: str | None
    theirs_at: datetime | None
    status: str
    resolved_value: Any = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    label: str = ""


def conflicts(
    session: Session, district: str, *, include_resolved: bool = False
) -> list[ConflictRow]:
    """Per-field conflicts of the district's households, oldest first."""
    stmt = (
        select(Conflict, Household)
        .join(Household, Household.id == Conflict.household_id)
        .where(Household.district_code == district)
        .order_by(Conflict.created_at, Conflict.id)
    )
    if not include_resolved:
        stmt = stmt.where(Conflict.status == "open")
    return [
        ConflictRow(
            id=c.id,
            household_id=c.household_id,
            dong_code=hh.dong_code,
            label=household_label(hh),
            field=c.field,
            base_version=c.base_version,
            mine=c.mine,
            mine_by=c.mine_by,
            mine_at=c.mine_at,
            theirs=c.theirs,
            theirs_by=c.theirs_by,
            theirs_at=c.theirs_at,
            status=c.status,
            resolved_value=c.resolved_value,
            resolved_by=c.resolved_by,
            resolved_at=c.resolved_at,
        )
        for c, hh in session.execute(stmt)
    ]


class ResolveRequest(BaseModel):
    """Choose ``mine`` or ``theirs``, or ``edited`` with your own ``value``."""

    choice: Literal["mine", "theirs", "edited"]
    value: Any = None


def resolve(
    session: Session, district: str, actor: str, conflict_id: str, req: ResolveRequest
) -> ConflictRow:
    """Resolve a conflict through :func:`admin.resolve_conflict`: the household takes the
    value (a new field version) and everyone holding it receives the change."""
    conflict = session.get(Conflict, conflict_id)
    if conflict is None:
        raise NotInDistrict(f"there is no conflict {conflict_id}")
    household_in(session, district, conflict.household_id)
    value = {"mine": conflict.mine, "theirs": conflict.theirs}.get(req.choice, req.value)
    admin.resolve_conflict(session, conflict_id, value, resolved_by=actor)
    session.flush()
    return next(
        c for c in conflicts(session, district, include_resolved=True) if c.id == conflict_id
    )
