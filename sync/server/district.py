"""The supervisor workspace's operations (issue 6): pure functions over a Session.

Every function takes the acting supervisor's district and works only inside it: anything
outside it is reported as missing (:class:`NotInDistrict`, a 404 at the route), so a
supervisor of another district learns nothing and changes nothing. Writes go through the core
admin operations in :mod:`sync.server.admin` (permission log, revoke entries, feed fan-out);
like them, these functions do NOT commit: the caller commits once, so each call is atomic.

Counts come from what the server has acknowledged; what devices still hold unsynced is
shown apart, as they last reported it.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp import cadence
from sync import protocol as p
from sync.server import admin
from sync.server.admin import AdminError
from sync.server.models import (
    DEVICE_ACTIVE,
    AlertCampaign,
    Assignment,
    Conflict,
    Device,
    Dong,
    Event,
    HandoverInbox,
    Household,
    Incident,
    PermissionLog,
    User,
    utcnow,
)
from sync.server.syncing import (
    FeedWriter,
    conflict_wire,
    event_wire,
    load_household_wire,
    redacts_clinical,
    workers_of,
)

#: How long after applying a reassignment its undo token works (the supervisor's session).
UNDO_WINDOW = timedelta(hours=8)
#: A device whose last sync is older than this may have recorded offline since (a device
#: reports its unsent count at each pull, after its push: usually 0 right after a sync).
STALE_AFTER = timedelta(minutes=15)
#: Roles a supervisor may give (an admin account is made by the admin command only).
ASSIGNABLE_ROLES = (p.Role.volunteer, p.Role.nurse, p.Role.supervisor)
WORKER_ROLES = {p.Role.volunteer.value, p.Role.nurse.value}
KST = cadence.KST


@dataclass(frozen=True)
class Actor:
    """Who acts: the supervisor's username, their district and (over HTTP) their device."""

    username: str
    district: str
    device_id: str | None = None


class NotInDistrict(AdminError):
    """The thing named does not exist in the supervisor's district (answered as 404)."""


class Forbidden(AdminError):
    """The caller may not do this (answered as 403)."""


# --------------------------------------------------------------------------- helpers


def _household(session: Session, district: str, household_id: str) -> Household:
    hh = session.get(Household, household_id)
    if hh is None or hh.deleted or hh.district_code != district:
        raise NotInDistrict(f"there is no household {household_id} in district {district}")
    return hh


def _user(session: Session, district: str, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None or user.district_code != district:
        raise NotInDistrict(f"there is no user {username!r} in district {district}")
    return user


def _district_households(session: Session, district: str) -> list[Household]:
    return list(
        session.scalars(
            select(Household)
            .where(Household.district_code == district, Household.deleted.is_(False))
            .order_by(Household.id)
        )
    )


def _assignments(session: Session, household_ids: Sequence[str]) -> dict[str, dict[str, str]]:
    """household id -> programme -> username (assigned rows only)."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for chunk in _chunks(household_ids):
        for row in session.execute(
            select(Assignment.household_id, Assignment.programme, Assignment.username).where(
                Assignment.household_id.in_(chunk), Assignment.username.is_not(None)
            )
        ):
            out[row.household_id][row.programme] = row.username
    return out


def _chunks(items: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


#: The payload parts :mod:`fieldapp.cadence` reads (of ``result`` only its ``actions``). Only
#: these are read from the database, which keeps the board fast on a district's full history;
#: a test checks that the board's worklists equal the cadence run over the full payloads.
CADENCE_PATHS: tuple[tuple[str, ...], ...] = (
    ("status",),
    ("closes",),
    ("result", "actions"),
    ("reached",),
    ("method",),
    ("actions_taken",),
    ("urgency",),
    ("target",),
)


#: Parts holding lists (JSON text to decode); the others are plain strings.
_LIST_PATHS = frozenset({("result", "actions"), ("actions_taken",)})


def _reduced_columns() -> list[Any]:
    """One text column per :data:`CADENCE_PATHS` entry (``json_extract`` on SQLite, ``#>>`` on
    PostgreSQL): strings come back as they are, lists as JSON text."""
    return [Event.payload[path if len(path) > 1 else path[0]].as_string() for path in CADENCE_PATHS]


def _reduced_payload(values: Sequence[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in zip(CADENCE_PATHS, values, strict=True):
        if value is None or value == "[]":
            continue
        if path in _LIST_PATHS:
            value = json.loads(value)
        if len(path) > 1:
            out.setdefault(path[0], {})[path[1]] = value
        else:
            out[path[0]] = value
    return out


def _events_by_household(
    session: Session, household_ids: Sequence[str], *, full: bool = False
) -> dict[str, list[dict[str, Any]]]:
    """The acknowledged events (no access-log entries) of the households, as cadence dicts
    with their payloads reduced to :data:`CADENCE_KEYS` (*full*: whole payloads)."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    parts = [Event.payload] if full else _reduced_columns()
    stmt = select(
        Event.id,
        Event.household_id,
        Event.type,
        Event.programme,
        Event.device_time,
        Event.amends,
        *parts,
    ).where(Event.type != p.EventType.access_log.value)
    for chunk in _chunks(household_ids):
        for eid, hid, etype, programme, at, amends, *values in session.execute(
            stmt.where(Event.household_id.in_(chunk))
        ):
            out[hid].append(
                {
                    "id": eid,
                    "type": etype,
                    "programme": programme,
                    "device_time": at,
                    "payload": (values[0] or {}) if full else _reduced_payload(values),
                    "amends": amends,
                }
            )
    return out


def _household_dict(hh: Household) -> dict[str, Any]:
    return {
        "id": hh.id,
        "district_code": hh.district_code,
        "dong_code": hh.dong_code,
        "risk_level": hh.risk_level,
        "care_group": hh.care_group,
        "isolation_band": hh.isolation_band,
        "household_type": hh.household_type,
        "alert_active": bool(hh.alert_active),
    }


def household_label(hh: Household) -> str:
    """First person's name and the road address: how a supervisor recognises a household."""
    persons = hh.persons or []
    first = str(persons[0].get("name", "")) if persons else ""
    return f"{first} · {hh.address_road}".strip(" ·")


def _dong_names(session: Session, district: str) -> dict[str, str]:
    return {
        d.code: d.name for d in session.scalars(select(Dong).where(Dong.district_code == district))
    }


def today_kst(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(KST).date()


# --------------------------------------------------------------------------- board


class DeviceRow(BaseModel):
    id: str
    username: str
    name: str
    status: str
    last_sync_at: datetime | None
    reported_pending: int | None
    reported_oldest_pending_s: int | None


class WorkerRow(BaseModel):
    username: str
    display_name: str
    role: str
    active: bool
    programme: str | None
    caseload: int = Field(description="households assigned to this worker (server's view)")
    overdue: int
    due_today: int
    high_risk: int
    immediate_open: int
    devices: list[DeviceRow]
    #: Records the worker's devices reported as not yet sent (shown apart from the counts).
    pending_reported: int
    last_sync_at: datetime | None


class Board(BaseModel):
    district_code: str
    today: date
    workers: list[WorkerRow]
    households: int
    unassigned: dict[str, int]
    open_conflicts: int
    inbox_open: int
    active_alerts: int


def _devices(session: Session, usernames: Iterable[str]) -> dict[str, list[DeviceRow]]:
    names = sorted(set(usernames))
    out: dict[str, list[DeviceRow]] = defaultdict(list)
    for chunk in _chunks(names):
        for d in session.scalars(
            select(Device).where(Device.username.in_(chunk)).order_by(Device.registered_at)
        ):
            out[d.username].append(_device_row(d))
    return out


def _device_row(d: Device) -> DeviceRow:
    return DeviceRow(
        id=d.id,
        username=d.username,
        name=d.name,
        status=d.status,
        last_sync_at=d.last_sync_at,
        reported_pending=d.reported_pending,
        reported_oldest_pending_s=d.reported_oldest_pending_s,
    )


def board(session: Session, district: str, today: date | None = None) -> Board:
    """Caseload per worker and programme, overdue and due counts (the cadence engine over the
    acknowledged events), high-risk households, open immediate actions, and each device's
    last successful sync with its reported pending count."""
    today = today or today_kst()
    households = _district_households(session, district)
    assigned = _assignments(session, [h.id for h in households])
    events = _events_by_household(session, [h.id for h in households if assigned.get(h.id)])
    users = list(
        session.scalars(
            select(User).where(User.district_code == district).order_by(User.role, User.username)
        )
    )
    devices = _devices(session, (u.username for u in users))
    by_worker: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    unassigned: Counter[str] = Counter()
    for hh in households:
        row = _household_dict(hh)
        for prog in p.Programme:
            who = assigned.get(hh.id, {}).get(prog.value)
            if who is None:
                unassigned[prog.value] += 1
            else:
                by_worker[(who, prog.value)].append(row)
    rules = cadence.load_rules()
    workers: list[WorkerRow] = []
    for user in users:
        role_programme = p.ROLE_PROGRAMME.get(p.Role(user.role))
        # The role's programme, and any other one the user still holds (after a role change
        # their households stay until reassigned: shown so that nobody is forgotten).
        progs = [
            prog
            for prog in p.Programme
            if prog is role_programme or (user.username, prog.value) in by_worker
        ]
        devs = devices.get(user.username, [])
        synced = [d.last_sync_at for d in devs if d.last_sync_at is not None]
        for prog in progs:
            held = by_worker.get((user.username, prog.value), [])
            items = cadence.worklist(held, events, prog.value, today, rules) if held else []
            workers.append(
                WorkerRow(
                    username=user.username,
                    display_name=user.display_name,
                    role=user.role,
                    active=user.active,
                    programme=prog.value,
                    caseload=len(held),
                    overdue=sum(1 for i in items if i.urgency_rank == cadence.OVERDUE),
                    due_today=sum(1 for i in items if i.urgency_rank == cadence.DUE_TODAY),
                    high_risk=sum(1 for h in held if h["risk_level"] == "high"),
                    immediate_open=sum(1 for i in items if i.urgency_rank == cadence.IMMEDIATE),
                    devices=devs,
                    pending_reported=sum(
                        d.reported_pending or 0 for d in devs if d.status == DEVICE_ACTIVE
                    ),
                    last_sync_at=max(synced) if synced else None,
                )
            )
    return Board(
        district_code=district,
        today=today,
        workers=workers,
        households=len(households),
        unassigned={prog.value: unassigned[prog.value] for prog in p.Programme},
        open_conflicts=len(conflicts(session, district)),
        inbox_open=len(inbox(session, district)),
        active_alerts=len(alerts(session, district, active_only=True)),
    )


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
    households = _district_households(session, district)
    assigned = _assignments(session, [h.id for h in households])
    dongs = _dong_names(session, district)
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


# --------------------------------------------------------------------------- reassignment


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
            "or all households of one worker (from_username)"
        )
    if sel.from_username:
        _user(session, district, sel.from_username)
    if sel.household_ids is not None:
        if not sel.household_ids:
            raise AdminError("the household list is empty; choose at least one household")
        chosen = [_household(session, district, hid) for hid in dict.fromkeys(sel.household_ids)]
    else:
        chosen = _district_households(session, district)
    assigned = _assignments(session, [h.id for h in chosen])
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
        raise AdminError("no household matches this selection; nothing would move")
    return out


def _check_receiver(session: Session, district: str, username: str, programme: str) -> User:
    user = _user(session, district, username)
    if not user.active:
        raise AdminError(f"user {username!r} is deactivated; choose an active worker")
    if p.ROLE_PROGRAMME.get(p.Role(user.role)) != p.Programme(programme):
        raise AdminError(
            f"user {username!r} is a {user.role} and cannot hold {programme} households; "
            "choose a worker of that programme"
        )
    return user


def _download_estimate(
    session: Session, household_ids: Sequence[str], programme: str, role: str
) -> tuple[int, int]:
    """Bytes (uncompressed JSON) and events the receiver will get for *household_ids*."""
    total, n_events = 0, 0
    redact = redacts_clinical(role)
    for chunk in _chunks(list(household_ids)):
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
    assigned = _assignments(session, [h.id for h in chosen])
    dongs = _dong_names(session, district)
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
        raise AdminError("give a reason for the reassignment (it is kept in the permission log)")
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
        raise AdminError(f"every selected household is already held by {req.to_username}")
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
            "reassignment instead"
        )
    done = session.scalars(
        select(PermissionLog.id).where(
            PermissionLog.action == UNDO_ACTION, PermissionLog.subject_id == batch_id
        )
    ).first()
    if done is not None:
        raise AdminError(f"reassignment {batch_id} was already undone")
    programme = str(entry.detail["programme"])
    moved = [MoveRow.model_validate(m) for m in entry.detail["moved"]]
    current = _assignments(session, [m.household_id for m in moved])
    changed = [
        m.household_id
        for m in moved
        if current.get(m.household_id, {}).get(programme) != m.to_username
    ]
    if changed:
        raise AdminError(
            f"{len(changed)} of these households were moved again since; undo is not possible, "
            "make a new reassignment instead"
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


# --------------------------------------------------------------------------- inbox


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


# --------------------------------------------------------------------------- conflicts


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
    _household(session, district, conflict.household_id)
    value = {"mine": conflict.mine, "theirs": conflict.theirs}.get(req.choice, req.value)
    admin.resolve_conflict(session, conflict_id, value, resolved_by=actor)
    session.flush()
    return next(
        c for c in conflicts(session, district, include_resolved=True) if c.id == conflict_id
    )


# --------------------------------------------------------------------------- users, devices


class UserRow(BaseModel):
    username: str
    display_name: str
    role: str
    active: bool
    dong_codes: list[str]
    devices: list[DeviceRow]


class NewUser(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    display_name: str | None = Field(default=None, max_length=100)
    role: p.Role
    password: str = Field(min_length=1, max_length=256)
    dong_codes: list[str] = Field(default_factory=list)


def users(session: Session, district: str) -> list[UserRow]:
    rows = list(
        session.scalars(
            select(User).where(User.district_code == district).order_by(User.role, User.username)
        )
    )
    devices = _devices(session, (u.username for u in rows))
    return [
        UserRow(
            username=u.username,
            display_name=u.display_name,
            role=u.role,
            active=u.active,
            dong_codes=list(u.dong_codes or []),
            devices=devices.get(u.username, []),
        )
        for u in rows
    ]


def _user_row(session: Session, district: str, username: str) -> UserRow:
    return next(u for u in users(session, district) if u.username == username)


def create_user(session: Session, district: str, actor: str, new: NewUser) -> UserRow:
    """Add a volunteer, nurse or supervisor to the district (logged)."""
    if new.role not in ASSIGNABLE_ROLES:
        raise Forbidden("a supervisor cannot create admin accounts; ask the server's admin")
    known = set(_dong_names(session, district))
    unknown = [d for d in new.dong_codes if d not in known]
    if unknown:
        raise AdminError(f"dong(s) {', '.join(unknown)} are not in district {district}")
    admin.create_user(
        session,
        new.username,
        role=new.role.value,
        district_code=district,
        password=new.password,
        display_name=new.display_name,
        dong_codes=new.dong_codes,
        actor=actor,
    )
    return _user_row(session, district, new.username.strip())


def deactivate_user(session: Session, district: str, actor: str, username: str) -> UserRow:
    """Deactivate an account (logged): its devices are told to wipe at their next contact."""
    user = _user(session, district, username)
    if user.username == actor:
        raise AdminError("you cannot deactivate your own account")
    if user.role == p.Role.admin.value:
        raise Forbidden("a supervisor cannot deactivate an admin account")
    admin.deactivate_user(session, username, actor=actor)
    session.flush()
    return _user_row(session, district, username)


def set_role(session: Session, district: str, actor: str, username: str, role: p.Role) -> UserRow:
    """Change a user's role (logged). A worker who still holds households keeps them until
    they are reassigned; the answer's caseload on the board shows them."""
    user = _user(session, district, username)
    if role not in ASSIGNABLE_ROLES or user.role == p.Role.admin.value:
        raise Forbidden("a supervisor cannot give or take the admin role")
    if user.username == actor:
        raise AdminError("you cannot change your own role")
    admin.set_role(session, username, role.value, actor=actor)
    session.flush()
    return _user_row(session, district, username)


class IncidentRow(BaseModel):
    id: int
    kind: str
    device_id: str | None
    username: str | None
    reported_by: str
    at: datetime
    report_due: datetime = Field(description="at + 72 h: the PIPC/KISA report clock")
    note: str | None


def mark_device_lost(
    session: Session, district: str, actor: str, device_id: str, note: str | None
) -> IncidentRow:
    """The device's token dies, it wipes at next contact, and an incident starts the clock."""
    device = session.get(Device, device_id)
    if device is None:
        raise NotInDistrict(f"there is no device {device_id}")
    _user(session, district, device.username)
    if device.status != DEVICE_ACTIVE:
        raise AdminError(f"device {device_id} is already {device.status}")
    incident = admin.mark_device_lost(session, device_id, actor=actor, note=note)
    return _incident_row(incident)


def _incident_row(i: Incident) -> IncidentRow:
    return IncidentRow(
        id=i.id,
        kind=i.kind,
        device_id=i.device_id,
        username=i.username,
        reported_by=i.reported_by,
        at=i.at,
        report_due=i.at + timedelta(hours=72),
        note=i.note,
    )


def incidents(session: Session, district: str) -> list[IncidentRow]:
    names = set(session.scalars(select(User.username).where(User.district_code == district)))
    return [
        _incident_row(i)
        for i in session.scalars(select(Incident).order_by(Incident.at.desc()))
        if i.username in names
    ]


# --------------------------------------------------------------------------- alerts


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
        raise AdminError("the alert ends before it starts; check the dates")
    if new.end < today:
        raise AdminError("the alert's end date is already past")
    covered = [
        h.id for h in _district_households(session, district) if h.risk_level in ("high", "medium")
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
        raise AdminError("this alert has already ended")
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
    assigned = _assignments(session, ids)
    last: dict[str, datetime] = {}
    since = max(alert.start, _day_start(today) - timedelta(days=30))
    for chunk in _chunks(ids):
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
