"""The district board: caseload per worker and programme, overdue and due counts, high risk,
open immediate actions, and each device's last sync with its reported pending count."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp import cadence, household_state
from sync import protocol as p
from sync.server.district.alerts import alerts
from sync.server.district.common import (
    DeviceRow,
    assignments_of,
    chunks,
    devices_of,
    district_households,
    household_dict,
    today_kst,
)
from sync.server.district.conflicts import conflicts
from sync.server.district.inbox import inbox
from sync.server.models import DEVICE_ACTIVE, Event, User

#: The payload parts :mod:`fieldapp.cadence` reads (of ``result`` only its ``actions``). Only
#: these are read from the database, which keeps the board fast on a district's full history;
#: a test checks that the board's worklists equal the rule run over the full payloads.
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


def events_by_household(
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
        Event.device_id,
        *parts,
    ).where(Event.type != p.EventType.access_log.value)
    for chunk in chunks(household_ids):
        for eid, hid, etype, programme, at, amends, device, *values in session.execute(
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
                    "device_id": device,  # old done referrals close by device + instant
                }
            )
    return out


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


def board(session: Session, district: str, today: date | None = None) -> Board:
    """Caseload per worker and programme, overdue and due counts and open immediate actions
    (the household-state rule's worklist over the acknowledged events: the immediate count is
    the worker's Today immediate rows), high-risk households, and each device's last
    successful sync with its reported pending count."""
    today = today or today_kst()
    households = district_households(session, district)
    assigned = assignments_of(session, [h.id for h in households])
    events = events_by_household(session, [h.id for h in households if assigned.get(h.id)])
    users = list(
        session.scalars(
            select(User).where(User.district_code == district).order_by(User.role, User.username)
        )
    )
    devices = devices_of(session, (u.username for u in users))
    by_worker: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    unassigned: Counter[str] = Counter()
    for hh in households:
        row = household_dict(hh)
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
            items = (
                # providers=(): signals read whole payloads (these are reduced); the board's
                # signal list comes from sync.server.district.signals
                household_state.worklist(held, events, prog.value, today, rules=rules, providers=())
                if held
                else []
            )
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
                    # the worker's Today immediate rows: the same rule over the same records
                    immediate_open=household_state.immediate_count(items),
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
