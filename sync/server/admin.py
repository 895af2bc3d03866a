"""Core admin operations shared by the CLI, the supervisor routes and the tests.

Each function works inside the caller's Session and does NOT commit: call
``session.commit()`` right after it (the feed seqs are stamped as the function's last write, see
:mod:`sync.server.syncing`). Each raises :class:`AdminError` with a message saying what is wrong.
Permission changes (users, roles, assignments, devices) are written to ``permission_log``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import security
from sync.server.models import (
    DEVICE_ACTIVE,
    DEVICE_LOST,
    DEVICE_REVOKED,
    META_ROW_ID,
    Assignment,
    AssignmentHistory,
    Conflict,
    Device,
    District,
    Dong,
    Event,
    Household,
    Incident,
    PermissionLog,
    ServerMeta,
    User,
    utcnow,
)
from sync.server.syncing import FeedWriter, workers_of


class AdminError(ValueError):
    """An admin operation cannot be done as asked; the message says why and what to do.

    ``code`` names the reason for programs: the API answers with it (``ErrorBody.code``) and
    the app shows its own translated sentence for it (``ui/server_messages.py``).
    """

    def __init__(self, message: str, code: str = p.ERR_INVALID) -> None:
        super().__init__(message)
        self.code = code


def _log_permission(
    session: Session,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    session.add(
        PermissionLog(
            at=at or utcnow(),
            actor=actor,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            detail=detail or {},
        )
    )


# --------------------------------------------------------------------------- places, users


def create_district(
    session: Session, code: str, name: str, code_system: str = "haengjeong_pyojun"
) -> District:
    """Add a 자치구. Raises AdminError when the code exists."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise AdminError("a district needs a code and a name")
    if session.get(District, code) is not None:
        raise AdminError(f"district {code} already exists")
    district = District(code=code, name=name, code_system=code_system)
    session.add(district)
    session.flush()
    return district


def create_dong(session: Session, code: str, district_code: str, name: str) -> Dong:
    """Add a 행정동 to a district."""
    if session.get(District, district_code) is None:
        raise AdminError(f"district {district_code} does not exist; create it first")
    if session.get(Dong, code) is not None:
        raise AdminError(f"dong {code} already exists")
    dong = Dong(code=code, district_code=district_code, name=name)
    session.add(dong)
    session.flush()
    return dong


def get_user(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise AdminError(f"there is no user {username!r}")
    return user


def create_user(
    session: Session,
    username: str,
    *,
    role: str,
    district_code: str,
    password: str,
    display_name: str | None = None,
    dong_codes: Sequence[str] = (),
    actor: str = "admin",
) -> User:
    """Add a user; the password must meet the rule (>= 10 characters, 2+ classes)."""
    username = username.strip()
    if not username or len(username) > 64:
        raise AdminError("a username needs 1 to 64 characters")
    try:
        role = p.Role(role).value
    except ValueError:
        raise AdminError(
            f"unknown role {role!r}; use one of {', '.join(r.value for r in p.Role)}"
        ) from None
    if session.get(District, district_code) is None:
        raise AdminError(f"district {district_code} does not exist; create it first")
    if session.scalars(select(User.id).where(User.username == username)).first() is not None:
        raise AdminError(f"user {username!r} already exists")
    try:
        password_hash = security.hash_password(password)
    except security.PasswordRuleError as exc:
        raise AdminError(str(exc)) from None
    now = utcnow()
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        district_code=district_code,
        dong_codes=list(dong_codes),
        password_hash=password_hash,
        password_changed_at=now,
    )
    session.add(user)
    _log_permission(
        session, actor, "create_user", "user", username, {"role": role, "district": district_code}
    )
    session.flush()
    return user


def set_password(session: Session, username: str, password: str, actor: str = "admin") -> None:
    """Change a password (rule checked) and lift any lock-out. Devices keep their db keys,
    but their tokens end: each device must sign in online with the new password (which also
    re-wraps its key), and a token stolen before the change stops working."""
    user = get_user(session, username)
    try:
        user.password_hash = security.hash_password(password)
    except security.PasswordRuleError as exc:
        raise AdminError(str(exc)) from None
    user.failed_logins = 0
    user.locked_until = None
    user.password_changed_at = utcnow()
    for device in _devices_of(session, username):
        if device.status == DEVICE_ACTIVE:
            device.token_hash = None  # a lost/revoked device keeps its hash: it must wipe
    _log_permission(session, actor, "set_password", "user", username)


def set_role(session: Session, username: str, role: str, actor: str = "admin") -> None:
    """Change a user's role (logged). Assignments are not moved by this."""
    user = get_user(session, username)
    try:
        new = p.Role(role).value
    except ValueError:
        raise AdminError(f"unknown role {role!r}") from None
    _log_permission(session, actor, "set_role", "user", username, {"from": user.role, "to": new})
    user.role = new


def _devices_of(session: Session, username: str) -> list[Device]:
    return list(session.scalars(select(Device).where(Device.username == username)))


def deactivate_user(session: Session, username: str, actor: str = "admin") -> None:
    """Deactivate an account: its devices are told to wipe at their next contact."""
    user = get_user(session, username)
    user.active = False
    _log_permission(session, actor, "deactivate_user", "user", username)


def revoke_device(session: Session, device_id: str, actor: str = "admin") -> Device:
    """Revoke a device's token: it gets 401 plus a wipe order at its next contact."""
    return _end_device(session, device_id, DEVICE_REVOKED, actor)


def mark_device_lost(
    session: Session, device_id: str, actor: str = "admin", note: str | None = None
) -> Incident:
    """Mark a device lost: revoked with a wipe order, plus an incident record (72-hour clock)."""
    device = _end_device(session, device_id, DEVICE_LOST, actor)
    incident = Incident(
        kind="device_lost",
        device_id=device.id,
        username=device.username,
        reported_by=actor,
        at=device.revoked_at or utcnow(),
        note=note,
    )
    session.add(incident)
    session.flush()
    return incident


def _end_device(session: Session, device_id: str, status: str, actor: str) -> Device:
    device = session.get(Device, device_id)
    if device is None:
        raise AdminError(f"there is no device {device_id!r}")
    if device.status != DEVICE_ACTIVE and status == DEVICE_REVOKED:
        return device
    device.status = status
    device.revoked_at = utcnow()
    # The token hash stays: the device is recognised at its next contact and told to wipe.
    _log_permission(
        session, actor, f"device_{status}", "device", device_id, {"user": device.username}
    )
    return device


def new_epoch(session: Session) -> str:
    """Give the server a new epoch (after a restore): every device resyncs from zero."""
    meta = session.get(ServerMeta, META_ROW_ID)
    if meta is None:
        raise AdminError("the database is not migrated; run `fieldapp-server migrate` first")
    meta.epoch = str(uuid.uuid4())
    return meta.epoch


# --------------------------------------------------------------------------- households


def create_household(
    session: Session,
    household: p.Household | dict[str, Any],
    *,
    actor: str = "admin",
    reason: str | None = "created",
) -> Household:
    """Insert a household from its wire shape; its ``assignments`` are made too (feed incl.)."""
    wire = (
        household if isinstance(household, p.Household) else p.Household.model_validate(household)
    )
    if session.get(District, wire.district_code) is None:
        raise AdminError(f"district {wire.district_code} does not exist; create it first")
    if session.get(Household, wire.id) is not None:
        raise AdminError(f"household {wire.id} already exists")
    data = wire.model_dump(mode="json")
    row = Household(
        **{
            k: v
            for k, v in data.items()
            if k not in {"assignments", "assignment_history", "field_versions"}
        },
        field_versions=data["field_versions"],
    )
    session.add(row)
    session.flush()
    wanted = {prog: user for prog, user in wire.assignments.items() if user}
    feed = FeedWriter(session)
    for prog, user in wanted.items():
        _assign_one(session, feed, row, p.Programme(prog), user, actor, reason, utcnow())
    feed.stamp()
    return row


def delete_household(session: Session, household_id: str, actor: str = "admin") -> None:
    """Delete a household on the server: its workers receive a tombstone."""
    hh = session.get(Household, household_id, with_for_update=True)
    if hh is None or hh.deleted:
        raise AdminError(f"there is no household {household_id}")
    hh.deleted = True
    feed = FeedWriter(session)
    feed.add(p.ChangeKind.tombstone, hh.id, hh.id, workers_of(session, hh.id).values())
    _log_permission(session, actor, "delete_household", "household", hh.id)
    feed.stamp()


@dataclass(frozen=True)
class AssignmentChange:
    """One household x programme moved from ``old`` to ``new``."""

    household_id: str
    programme: str
    old: str | None
    new: str | None
    history_id: int


def _check_worker(session: Session, username: str, programme: p.Programme, hh: Household) -> None:
    user = get_user(session, username)
    if not user.active:
        raise AdminError(f"user {username!r} is deactivated")
    role_programme = p.ROLE_PROGRAMME.get(p.Role(user.role))
    if role_programme is not programme:
        raise AdminError(
            f"user {username!r} is a {user.role} and cannot hold {programme.value} households"
        )
    if user.district_code != hh.district_code:
        raise AdminError(
            f"user {username!r} works in district {user.district_code}, "
            f"household {hh.id} is in {hh.district_code}"
        )


def _assign_one(
    session: Session,
    feed: FeedWriter,
    hh: Household,
    programme: p.Programme,
    username: str | None,
    actor: str,
    reason: str | None,
    now: datetime,
) -> AssignmentChange | None:
    if username is not None:
        _check_worker(session, username, programme, hh)
    current = session.get(Assignment, (hh.id, programme.value))
    old = current.username if current else None
    if old == username:
        return None
    if current is None:
        current = Assignment(household_id=hh.id, programme=programme.value)
        session.add(current)
    current.username = username
    current.assigned_by = actor
    current.assigned_at = now
    current.reason = reason
    hist = AssignmentHistory(
        household_id=hh.id,
        programme=programme.value,
        username=username,
        previous_username=old,
        assigned_by=actor,
        at=now,
        reason=reason,
    )
    session.add(hist)
    session.flush()
    _log_permission(
        session,
        actor,
        "assign",
        "assignment",
        f"{hh.id}:{programme.value}",
        {"from": old, "to": username, "reason": reason},
        at=now,
    )
    if old is not None:
        feed.add(p.ChangeKind.revoke, hh.id, str(hist.id), [old])
    others = {u for prog, u in workers_of(session, hh.id).items() if prog != programme.value}
    feed.add(p.ChangeKind.household, hh.id, hh.id, others | {username})
    if username is not None:
        _fan_out_history(session, feed, hh.id, programme, username)
    return AssignmentChange(hh.id, programme.value, old, username, hist.id)


def _fan_out_history(
    session: Session, feed: FeedWriter, household_id: str, programme: p.Programme, username: str
) -> None:
    """Give the new worker the household's full history (events of the programme, conflicts)."""
    events = session.scalars(
        select(Event.id)
        .where(
            Event.household_id == household_id,
            Event.type != p.EventType.access_log.value,
            (Event.programme == programme.value) | Event.programme.is_(None),
        )
        .order_by(Event.received_seq, Event.server_time)
    )
    for event_id in events:
        feed.add(p.ChangeKind.event, household_id, event_id, [username])
    for conflict_id in session.scalars(
        select(Conflict.id)
        .where(Conflict.household_id == household_id)
        .order_by(Conflict.created_at)
    ):
        feed.add(p.ChangeKind.conflict, household_id, conflict_id, [username])


def assign_households(
    session: Session,
    household_ids: Iterable[str],
    programme: p.Programme | str,
    username: str | None,
    *,
    actor: str,
    reason: str | None,
) -> list[AssignmentChange]:
    """Assign (or with ``username=None`` unassign) households for one programme, atomically.

    The old worker of each household receives a revoke entry; the new one the household with
    its full history, under new seqs. Households already held by *username* are left alone.
    """
    programme = p.Programme(programme)
    now = utcnow()
    feed = FeedWriter(session)
    changes: list[AssignmentChange] = []
    household_ids = list(household_ids)
    # Lock the rows in id order (as a push does): a push in flight for these households
    # finishes first, and its items are then part of the history fanned out below.
    session.scalars(
        select(Household.id)
        .where(Household.id.in_(sorted(set(household_ids))))
        .order_by(Household.id)
        .with_for_update()
    ).all()
    for hid in household_ids:
        hh = session.get(Household, hid)
        if hh is None or hh.deleted:
            raise AdminError(f"there is no household {hid}")
        change = _assign_one(session, feed, hh, programme, username, actor, reason, now)
        if change is not None:
            changes.append(change)
    feed.stamp()
    return changes


def assign_household(
    session: Session,
    household_id: str,
    programme: p.Programme | str,
    username: str | None,
    *,
    actor: str,
    reason: str | None,
) -> AssignmentChange | None:
    """Assign one household (see :func:`assign_households`)."""
    changes = assign_households(
        session, [household_id], programme, username, actor=actor, reason=reason
    )
    return changes[0] if changes else None


def resolve_conflict(session: Session, conflict_id: str, value: Any, *, resolved_by: str) -> None:
    """Resolve a conflict with *value*: the household field takes it (new version), everyone
    who holds the household receives the resolved conflict and the household."""
    conflict = session.get(Conflict, conflict_id)
    if conflict is None:
        raise AdminError(f"there is no conflict {conflict_id}")
    if conflict.status == "resolved":
        raise AdminError(f"conflict {conflict_id} is already resolved")
    hh = session.get(Household, conflict.household_id, with_for_update=True)
    if hh is None:
        raise AdminError(f"household {conflict.household_id} is gone")
    from sync.server.syncing import load_household_wire

    current = load_household_wire(session, hh.id) or {}
    try:
        checked = p.Household.model_validate({**current, conflict.field: value})
    except ValueError as exc:
        raise AdminError(f"value for {conflict.field} is not valid: {exc}") from None
    value = checked.model_dump(mode="json")[conflict.field]
    now = utcnow()
    conflict.status = "resolved"
    conflict.resolved_value = value
    conflict.resolved_by = resolved_by
    conflict.resolved_at = now
    feed = FeedWriter(session)
    workers = workers_of(session, hh.id).values()
    if current.get(conflict.field) != value:
        setattr(hh, conflict.field, value)
        versions = dict(hh.field_versions or {})
        versions[conflict.field] = int(versions.get(conflict.field, 0)) + 1
        hh.field_versions = versions
        feed.add(p.ChangeKind.household, hh.id, hh.id, workers)
    feed.add(p.ChangeKind.conflict, hh.id, conflict.id, workers)
    feed.stamp()
