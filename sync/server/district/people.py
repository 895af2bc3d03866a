"""Users and devices: create, deactivate, change role (all logged); mark a device lost (an
incident starts the 72-hour report clock)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import admin
from sync.server.admin import AdminError
from sync.server.district.common import (
    ASSIGNABLE_ROLES,
    DeviceRow,
    Forbidden,
    NotInDistrict,
    devices_of,
    dong_names,
    user_in,
)
from sync.server.models import DEVICE_ACTIVE, Device, Incident, User


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
    devices = devices_of(session, (u.username for u in rows))
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
    known = set(dong_names(session, district))
    unknown = [d for d in new.dong_codes if d not in known]
    if unknown:
        raise AdminError(
            f"dong(s) {', '.join(unknown)} are not in district {district}", "unknown_dong"
        )
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
    user = user_in(session, district, username)
    if user.username == actor:
        raise AdminError("you cannot deactivate your own account", "own_account")
    if user.role == p.Role.admin.value:
        raise Forbidden("a supervisor cannot deactivate an admin account")
    admin.deactivate_user(session, username, actor=actor)
    session.flush()
    return _user_row(session, district, username)


def set_role(session: Session, district: str, actor: str, username: str, role: p.Role) -> UserRow:
    """Change a user's role (logged). A worker who still holds households keeps them until
    they are reassigned; the answer's caseload on the board shows them."""
    user = user_in(session, district, username)
    if role not in ASSIGNABLE_ROLES or user.role == p.Role.admin.value:
        raise Forbidden("a supervisor cannot give or take the admin role")
    if user.username == actor:
        raise AdminError("you cannot change your own role", "own_account")
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
    user_in(session, district, device.username)
    if device.status != DEVICE_ACTIVE:
        raise AdminError(f"device {device_id} is already {device.status}", "device_not_active")
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
