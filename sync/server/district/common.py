"""What every part of the supervisor workspace shares: who acts, the errors, the district
lookups (households, users, assignments, dongs, devices) and today's date in Seoul."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp import cadence
from fieldapp.programme_time import programme_today
from sync import protocol as p
from sync.server.admin import AdminError
from sync.server.models import Assignment, Device, Dong, Household, User, utcnow

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


def household_in(session: Session, district: str, household_id: str) -> Household:
    """The household, if it exists, is not deleted and is in *district* (else NotInDistrict)."""
    hh = session.get(Household, household_id)
    if hh is None or hh.deleted or hh.district_code != district:
        raise NotInDistrict(f"there is no household {household_id} in district {district}")
    return hh


def user_in(session: Session, district: str, username: str) -> User:
    """The user, if they belong to *district* (else NotInDistrict)."""
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None or user.district_code != district:
        raise NotInDistrict(f"there is no user {username!r} in district {district}")
    return user


def district_households(session: Session, district: str) -> list[Household]:
    """The district's households that are not deleted, by id."""
    return list(
        session.scalars(
            select(Household)
            .where(Household.district_code == district, Household.deleted.is_(False))
            .order_by(Household.id)
        )
    )


def assignments_of(session: Session, household_ids: Sequence[str]) -> dict[str, dict[str, str]]:
    """household id -> programme -> username (assigned rows only)."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for chunk in chunks(household_ids):
        for row in session.execute(
            select(Assignment.household_id, Assignment.programme, Assignment.username).where(
                Assignment.household_id.in_(chunk), Assignment.username.is_not(None)
            )
        ):
            out[row.household_id][row.programme] = row.username
    return out


def chunks(items: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    """*items* in slices of *size* (for ``IN (...)`` lists of bounded length)."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def household_dict(hh: Household) -> dict[str, Any]:
    """The household fields :mod:`fieldapp.cadence` reads."""
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


def dong_names(session: Session, district: str) -> dict[str, str]:
    """dong code -> name, for the district."""
    return {
        d.code: d.name for d in session.scalars(select(Dong).where(Dong.district_code == district))
    }


def today_kst(now: datetime | None = None) -> date:
    """Today's programme date (Asia/Seoul) by the server's clock."""
    return programme_today(now or utcnow())


class DeviceRow(BaseModel):
    id: str
    username: str
    name: str
    status: str
    last_sync_at: datetime | None
    reported_pending: int | None
    reported_oldest_pending_s: int | None


def devices_of(session: Session, usernames: Iterable[str]) -> dict[str, list[DeviceRow]]:
    """username -> that user's devices, oldest registration first."""
    names = sorted(set(usernames))
    out: dict[str, list[DeviceRow]] = defaultdict(list)
    for chunk in chunks(names):
        for d in session.scalars(
            select(Device).where(Device.username.in_(chunk)).order_by(Device.registered_at)
        ):
            out[d.username].append(device_row(d))
    return out


def device_row(d: Device) -> DeviceRow:
    return DeviceRow(
        id=d.id,
        username=d.username,
        name=d.name,
        status=d.status,
        last_sync_at=d.last_sync_at,
        reported_pending=d.reported_pending,
        reported_oldest_pending_s=d.reported_oldest_pending_s,
    )
