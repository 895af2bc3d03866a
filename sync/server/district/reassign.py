"""Reassignment: choose households, the dry-run preview (who is affected, which devices may
hold unsynced records, the download size), apply with a reason, and undo."""

from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import admin
from sync.server.admin import AdminError
from sync.server.district.common import (
    Forbidden,
    NotInDistrict,
    assignments_of,
    chunks,
    district_households,
    dong_names,
    household_in,
    household_label,
    user_in,
)
from sync.server.models import (
    DEVICE_ACTIVE,
    Conflict,
    Device,
    Event,
    Household,
    PermissionLog,
    User,
    utcnow,
)
from sync.server.syncing import conflict_wire, event_wire, load_household_wire, redacts_clinical

#: How long after applying a reassignment its undo token works (the supervisor's session).
UNDO_WINDOW = timedelta(hours=8)
#: A device whose last sync is older than this may have recorded offline since (a device
#: reports its unsent count at each pull, after its push: usually 0 right after a sync).
STALE_AFTER = timedelta(minutes=15)


class HouseholdRow(BaseModel):
    id: str
    dong_code: str
    dong_name: str | None
    household_type: str
    risk_level: str | None
    care_group: str | None
    alert_active: bool
    assignments: dict[str, str]
    label: str = Field(description="first person's name and road address (for the supervisor)")


def household_rows(
    session: Session,
    district: str,
    *,
    programme: str | None = None,
    username: str | None = None,
    dong_code: str | None = None,
    risk_level: str | None = None,
) -> list[HouseholdRow]:
    """The district's households (optionally filtered), for choosing what to move."""
    households = district_households(session, district)
    assigned = assignments_of(session, [h.id for h in households])
    dongs = dong_names(session, district)
    rows = []
    for hh in households:
        who = assigned.get(hh.id, {})
        if dong_code and hh.dong_code != dong_code:
            continue
        if risk_level and hh.risk_level != risk_level:
            continue
        if username and (
            (programme and who.get(programme) != username)
            or (not programme and username not in who.values())
        ):
            continue
        rows.append(
            HouseholdRow(
                id=hh.id,
                dong_code=hh.dong_code,
                dong_name=dongs.get(hh.dong_code),
                household_type=hh.household_type,
                risk_level=hh.risk_level,
                care_group=hh.care_group,
                alert_active=bool(hh.alert_active),
                assignments=dict(who),
                label=household_label(hh),
            )
        )
    return rows


class Selection(BaseModel):
    """Which households to move: a list, a filter, or all of one worker (``from_username``)."""

    household_ids: list[str] | None = Field(default=None, max_length=20000)
    from_username: str | None = None
    dong_code: str | None = None
    risk_level: Literal["low", "medium", "high"] | None = None
    household_type: str | None = None


class ReassignRequest(BaseModel):
    programme: p.Programme
    to_username: str = Field(min_length=1, max_length=64)
    selection: Selection
    reason: str | None = Field(default=None, max_length=1000)


class MovingHousehold(BaseModel):
    household_id: str
    dong_code: str
    dong_name: str | None = None
    risk_level: str | None
    from_username: str | None
    label: str = ""


class AffectedWorker(BaseModel):
    username: str
    display_name: str
    losing: int
    gaining: int


class HoldingDevice(BaseModel):
    """A device of a worker losing households that may still hold unsynced records."""

    device_id: str
    username: str
    name: str
    last_sync_at: datetime | None
    reported_pending: int | None
    state: Literal["pending", "unknown"] = Field(
        description="pending: it reported unsent records; unknown: no recent report"
    )
    households: int = Field(description="households of this move its user holds now")


class Preview(BaseModel):
    programme: str
    to_username: str
    moving: list[MovingHousehold]
    already_there: list[str]
    workers: list[AffectedWorker]
    devices_pending: list[HoldingDevice]
    download_bytes: int = Field(description="estimated size the receiver will download")
    download_events: int


def _select(session: Session, district: str, programme: str, sel: Selection) -> list[Household]:
    if sel.household_ids is None and not any(
        (sel.from_username, sel.dong_code, sel.risk_level, sel.household_type)
    ):
        raise AdminError(
            "choose households to move: a list of household ids, a filter (dong, risk, type), "
            "or all households of one worker (from_username)",
            "no_selection",
        )
    if sel.from_username:
        user_in(session, district, sel.from_username)
    if sel.household_ids is not None:
        if not sel.household_ids:
            raise AdminError(
                "the household list is empty; choose at least one household", "empty_selection"
            )
        chosen = [household_in(session, district, hid) for hid in dict.fromkeys(sel.household_ids)]
    else:
        chosen = district_households(session, district)
    assigned = assignments_of(session, [h.id for h in chosen])
    out = []
    for hh in chosen:
        if sel.from_username and assigned.get(hh.id, {}).get(programme) != sel.from_username:
            continue
        if sel.dong_code and hh.dong_code != sel.dong_code:
            continue
        if sel.risk_level and hh.risk_level != sel.risk_level:
            continue
        if sel.household_type and hh.household_type != sel.household_type:
            continue
        out.append(hh)
    if not out:
        raise AdminError(
            "no household matches this selection; nothing would move", "nothing_matches"
        )
    return out


def _check_receiver(session: Session, district: str, username: str, programme: str) -> User:
    user = user_in(session, district, username)
    if not user.active:
        raise AdminError(
            f"user {username!r} is deactivated; choose an active worker", "worker_inactive"
        )
    if p.ROLE_PROGRAMME.get(p.Role(user.role)) != p.Programme(programme):
        raise AdminError(
            f"user {username!r} is a {user.role} and cannot hold {programme} households; "
            "choose a worker of that programme",
            "worker_wrong_programme",
        )
    return user


def _download_estimate(
    session: Session, household_ids: Sequence[str], programme: str, role: str
) -> tuple[int, int]:
    """Bytes (uncompressed JSON) and events the receiver will get for *household_ids*."""
    total, n_events = 0, 0
    redact = redacts_clinical(role)
    for chunk in chunks(list(household_ids)):
        for ev in session.scalars(
            select(Event).where(
                Event.household_id.in_(chunk),
                Event.type != p.EventType.access_log.value,
                (Event.programme == programme) | Event.programme.is_(None),
            )
        ):
            total += len(json.dumps(event_wire(ev, redact=redact), ensure_ascii=False))
            n_events += 1
        for c in session.scalars(select(Conflict).where(Conflict.household_id.in_(chunk))):
            total += len(json.dumps(conflict_wire(c), ensure_ascii=False, default=str))
    for hid in household_ids:
        total += len(json.dumps(load_household_wire(session, hid), ensure_ascii=False))
    return total, n_events


def preview_reassignment(session: Session, district: str, req: ReassignRequest) -> Preview:
    """The dry run: what would move, who is affected, which devices may still hold unsynced
    records for these households (their reported pending count and last sync), and the size
    the receiver will download. Writes nothing."""
    programme = req.programme.value
    receiver = _check_receiver(session, district, req.to_username, programme)
    chosen = _select(session, district, programme, req.selection)
    assigned = assignments_of(session, [h.id for h in chosen])
    dongs = dong_names(session, district)
    moving, already = [], []
    for hh in chosen:
        old = assigned.get(hh.id, {}).get(programme)
        if old == req.to_username:
            already.append(hh.id)
            continue
        moving.append(
            MovingHousehold(
                household_id=hh.id,
                dong_code=hh.dong_code,
                dong_name=dongs.get(hh.dong_code),
                risk_level=hh.risk_level,
                from_username=old,
                label=household_label(hh),
            )
        )
    losing = Counter(m.from_username for m in moving if m.from_username)
    names = {
        u.username: u.display_name
        for u in session.scalars(
            select(User).where(User.username.in_([*losing, receiver.username]))
        )
    }
    workers = [
        AffectedWorker(username=u, display_name=names.get(u, u), losing=n, gaining=0)
        for u, n in sorted(losing.items())
    ]
    if moving:
        workers.append(
            AffectedWorker(
                username=receiver.username,
                display_name=receiver.display_name,
                losing=0,
                gaining=len(moving),
            )
        )
    devices = []
    now = utcnow()
    for username, n in sorted(losing.items()):
        for d in session.scalars(
            select(Device)
            .where(Device.username == username, Device.status == DEVICE_ACTIVE)
            .order_by(Device.registered_at)
        ):
            # Pending is reported per device at each pull, not per household: a non-zero
            # count may be for these households; a device that never reported, or has not
            # synced for a while, may have recorded offline since (unknown). Only a device
            # that synced within STALE_AFTER with nothing pending is left out.
            if d.reported_pending:
                state = "pending"
            elif (
                d.reported_pending is None
                or d.last_sync_at is None
                or (now - d.last_sync_at > STALE_AFTER)
            ):
                state = "unknown"
            else:
                continue
            devices.append(
                HoldingDevice(
                    device_id=d.id,
                    username=username,
                    name=d.name,
                    last_sync_at=d.last_sync_at,
                    reported_pending=d.reported_pending,
                    state=state,
                    households=n,
                )
            )
    size, n_events = _download_estimate(
        session, [m.household_id for m in moving], programme, receiver.role
    )
    return Preview(
        programme=programme,
        to_username=receiver.username,
        moving=moving,
        already_there=already,
        workers=workers,
        devices_pending=devices,
        download_bytes=size,
        download_events=n_events,
    )


class MoveRow(BaseModel):
    household_id: str
    from_username: str | None
    to_username: str | None


class ReassignResult(BaseModel):
    batch_id: str
    undo_token: str = Field(description="pass to .../assignments/{batch_id}/undo")
    programme: str
    moved: list[MoveRow]
    reason: str
    undo_of: str | None = None


BATCH_ACTION, UNDO_ACTION = "reassign_batch", "reassign_undo"


def _need_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise AdminError(
            "give a reason for the reassignment (it is kept in the permission log)",
            "reason_required",
        )
    return reason


def _log_batch(
    session: Session,
    actor: str,
    action: str,
    batch_id: str,
    district: str,
    programme: str,
    moved: list[MoveRow],
    reason: str,
    undo_of: str | None = None,
) -> None:
    session.add(
        PermissionLog(
            actor=actor,
            action=action,
            subject_type="assignment",
            subject_id=batch_id,
            detail={
                "district": district,
                "programme": programme,
                "reason": reason,
                "undo_of": undo_of,
                "moved": [m.model_dump() for m in moved],
            },
        )
    )


def apply_reassignment(
    session: Session, district: str, actor: str, req: ReassignRequest
) -> ReassignResult:
    """Move the selected households to ``req.to_username`` atomically, with a reason, through
    :func:`sync.server.admin.assign_households` (revoke entries for the old workers, full
    history to the new one's feed). The batch is logged as a permission change; the result
    carries the undo token."""
    reason = _need_reason(req.reason)
    preview = preview_reassignment(session, district, req)
    if not preview.moving:
        raise AdminError(
            f"every selected household is already held by {req.to_username}", "already_held"
        )
    changes = admin.assign_households(
        session,
        [m.household_id for m in preview.moving],
        req.programme,
        req.to_username,
        actor=actor,
        reason=reason,
    )
    moved = [
        MoveRow(household_id=c.household_id, from_username=c.old, to_username=c.new)
        for c in changes
    ]
    batch_id = str(uuid.uuid4())
    _log_batch(session, actor, BATCH_ACTION, batch_id, district, req.programme.value, moved, reason)
    session.flush()
    return ReassignResult(
        batch_id=batch_id,
        undo_token=batch_id,
        programme=req.programme.value,
        moved=moved,
        reason=reason,
    )


def undo_reassignment(
    session: Session,
    district: str,
    actor: str,
    batch_id: str,
    reason: str | None = None,
    now: datetime | None = None,
) -> ReassignResult:
    """Reverse a batch (a reverse reassignment, also logged). Only its own actor, within
    :data:`UNDO_WINDOW`, once, and only while nobody has moved those households since."""
    now = now or utcnow()
    entry = session.scalars(
        select(PermissionLog).where(
            PermissionLog.action == BATCH_ACTION, PermissionLog.subject_id == batch_id
        )
    ).first()
    if entry is None or entry.detail.get("district") != district:
        raise NotInDistrict(f"there is no reassignment {batch_id} in district {district}")
    if entry.actor != actor:
        raise Forbidden("only the supervisor who made a reassignment can undo it")
    if now - entry.at > UNDO_WINDOW:
        raise AdminError(
            "this reassignment is too old to undo; move the households back with a new "
            "reassignment instead",
            "undo_too_old",
        )
    done = session.scalars(
        select(PermissionLog.id).where(
            PermissionLog.action == UNDO_ACTION, PermissionLog.subject_id == batch_id
        )
    ).first()
    if done is not None:
        raise AdminError(f"reassignment {batch_id} was already undone", "undo_done")
    programme = str(entry.detail["programme"])
    moved = [MoveRow.model_validate(m) for m in entry.detail["moved"]]
    current = assignments_of(session, [m.household_id for m in moved])
    changed = [
        m.household_id
        for m in moved
        if current.get(m.household_id, {}).get(programme) != m.to_username
    ]
    if changed:
        raise AdminError(
            f"{len(changed)} of these households were moved again since; undo is not possible, "
            "make a new reassignment instead",
            "undo_moved_again",
        )
    why = (reason or "").strip() or f"undo of {batch_id}: {entry.detail.get('reason')}"
    back: dict[str | None, list[str]] = defaultdict(list)
    for m in moved:
        back[m.from_username].append(m.household_id)
    reversed_rows: list[MoveRow] = []
    for old, hids in back.items():
        for c in admin.assign_households(session, hids, programme, old, actor=actor, reason=why):
            reversed_rows.append(
                MoveRow(household_id=c.household_id, from_username=c.old, to_username=c.new)
            )
    undo_id = str(uuid.uuid4())
    # Logged under the batch it reverses (so a second undo is refused).
    _log_batch(
        session, actor, UNDO_ACTION, batch_id, district, programme, reversed_rows, why, batch_id
    )
    session.flush()
    return ReassignResult(
        batch_id=undo_id,
        undo_token="",
        programme=programme,
        moved=reversed_rows,
        reason=why,
        undo_of=batch_id,
    )
