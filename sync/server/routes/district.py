"""Supervisor routes under ``/api/v1/district/...`` and the worker's own hand-over inbox.

Every ``/district`` route requires the role supervisor (or admin) and acts only inside the
caller's district (``user.district_code``): a volunteer or nurse gets 403, and anything outside
the district is 404 with nothing written. The logic lives in :mod:`sync.server.district` and
:mod:`sync.server.indicators`; each writing route commits once, so it is atomic.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Body, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import district as d
from sync.server import indicators
from sync.server.admin import AdminError
from sync.server.deps import CurrentAuth, ProtocolDep, ReadSessionDep, SessionDep
from sync.server.district import signals as district_signals
from sync.server.errors import ApiError

T = TypeVar("T")

SUPERVISOR_ROLES = frozenset({p.Role.supervisor.value, p.Role.admin.value})


def require_supervisor(auth: CurrentAuth, _protocol: ProtocolDep) -> d.Actor:
    """403 unless the signed-in user is a supervisor or an admin."""
    if auth.user.role not in SUPERVISOR_ROLES:
        raise ApiError(
            403,
            p.ERR_FORBIDDEN,
            "this needs the supervisor role; ask your district's supervisor",
        )
    return d.Actor(auth.user.username, auth.user.district_code, auth.device.id)


Supervisor = Annotated[d.Actor, Depends(require_supervisor)]

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": p.ErrorBody, "description": "not signed in, or device revoked (wipe)"},
    403: {"model": p.ErrorBody, "description": "not a supervisor, or not allowed"},
    404: {"model": p.ErrorBody, "description": "not found in your district"},
    422: {"model": p.ErrorBody, "description": "the request cannot be done as asked"},
    426: {"model": p.ErrorBody, "description": "protocol version not supported"},
}

router = APIRouter(
    prefix="/district",
    tags=["district"],
    dependencies=[Depends(require_supervisor)],
    responses=_ERRORS,
)
worker_router = APIRouter(tags=["district"], responses=_ERRORS)


def _run(session: Session, op: Callable[[], T], *, write: bool = False) -> T:
    """Run an operation; map its errors to answers; commit writes once, roll back on error."""
    try:
        result = op()
    except d.NotInDistrict as exc:
        session.rollback()
        raise ApiError(404, p.ERR_NOT_FOUND, str(exc)) from None
    except d.Forbidden as exc:
        session.rollback()
        raise ApiError(403, p.ERR_FORBIDDEN, str(exc)) from None
    except AdminError as exc:
        session.rollback()
        raise ApiError(422, exc.code, str(exc)) from None
    if write:
        session.commit()
    else:
        session.rollback()
    return result


# --------------------------------------------------------------------------- board


@router.get("/board", response_model=d.Board)
def get_board(sup: Supervisor, session: SessionDep, read: ReadSessionDep) -> Any:
    """Caseloads, overdue counts, high risk, open immediate actions, device sync state (read
    from the read replica when there is a fresh one; alerts are started/ended on the primary)."""
    _run(session, lambda: d.refresh_alerts(session, sup.district), write=True)
    return _run(read, lambda: d.board(read, sup.district))


@router.get("/signals", response_model=district_signals.DistrictSignals)
def get_signals(
    sup: Supervisor,
    read: ReadSessionDep,
    worker: Annotated[str | None, Query(description="only this worker's households")] = None,
    day: Annotated[date | None, Query(description="evaluate as of this day (KST)")] = None,
) -> Any:
    """The district's active early-warning signals, most severe first (docs/signals.md); read
    from the read replica when there is a fresh one."""
    return _run(
        read,
        lambda: district_signals.district_signals(read, sup.district, day, worker=worker),
    )


@router.post("/signals/ack", response_model=district_signals.SignalAckResult)
def acknowledge_signal(
    body: district_signals.SignalAck, sup: Supervisor, session: SessionDep
) -> Any:
    """Acknowledge a signal: a signal_ack record sent to every worker of the household."""
    return _run(session, lambda: district_signals.acknowledge(session, sup, body), write=True)


@router.get("/households", response_model=list[d.HouseholdRow])
def get_households(
    sup: Supervisor,
    session: SessionDep,
    programme: p.Programme | None = None,
    username: Annotated[str | None, Query(max_length=64)] = None,
    dong_code: Annotated[str | None, Query(max_length=16)] = None,
    risk_level: Annotated[str | None, Query(max_length=16)] = None,
) -> Any:
    """The district's households, optionally filtered (for choosing what to move)."""
    return _run(
        session,
        lambda: d.household_rows(
            session,
            sup.district,
            programme=programme.value if programme else None,
            username=username,
            dong_code=dong_code,
            risk_level=risk_level,
        ),
    )


# --------------------------------------------------------------------------- assignments


@router.post("/assignments/preview", response_model=d.Preview)
def preview_assignments(body: d.ReassignRequest, sup: Supervisor, session: SessionDep) -> Any:
    """Dry run: what would move, who is affected, devices with unsynced records, size."""
    return _run(session, lambda: d.preview_reassignment(session, sup.district, body))


@router.post("/assignments", response_model=d.ReassignResult)
def apply_assignments(body: d.ReassignRequest, sup: Supervisor, session: SessionDep) -> Any:
    """Move households atomically, with a reason (logged); the answer holds the undo token."""
    return _run(
        session,
        lambda: d.apply_reassignment(session, sup.district, sup.username, body),
        write=True,
    )


class UndoRequest(BaseModel):
    reason: str | None = Field(default=None, max_length=1000)


@router.post("/assignments/{batch_id}/undo", response_model=d.ReassignResult)
def undo_assignments(
    batch_id: str,
    sup: Supervisor,
    session: SessionDep,
    body: Annotated[UndoRequest | None, Body()] = None,
) -> Any:
    """Reverse a reassignment made by you in this session (a reverse move, also logged)."""
    reason = body.reason if body else None
    return _run(
        session,
        lambda: d.undo_reassignment(session, sup.district, sup.username, batch_id, reason),
        write=True,
    )


# --------------------------------------------------------------------------- inbox


class AckRequest(BaseModel):
    ids: list[int] = Field(min_length=1, max_length=5000)


class AckResponse(BaseModel):
    acknowledged: list[int]


@router.get("/inbox", response_model=list[d.InboxItem])
def get_inbox(
    sup: Supervisor,
    session: SessionDep,
    username: Annotated[str | None, Query(max_length=64)] = None,
    include_acknowledged: bool = False,
) -> Any:
    """Late records for households that moved, for the whole district (or one worker)."""
    return _run(
        session,
        lambda: d.inbox(
            session, sup.district, username=username, include_acknowledged=include_acknowledged
        ),
    )


@router.post("/inbox/ack", response_model=AckResponse)
def ack_inbox(body: AckRequest, sup: Supervisor, session: SessionDep) -> Any:
    ids = _run(
        session,
        lambda: d.acknowledge_inbox(session, sup.district, sup.username, body.ids, own_only=False),
        write=True,
    )
    return AckResponse(acknowledged=ids)


@worker_router.get("/inbox", response_model=list[d.InboxItem])
def get_my_inbox(
    auth: CurrentAuth,
    session: SessionDep,
    _protocol: ProtocolDep,
    include_acknowledged: bool = False,
) -> Any:
    """Your own hand-over inbox: late records for households that came to you."""
    return _run(
        session,
        lambda: d.inbox(
            session,
            auth.user.district_code,
            username=auth.user.username,
            include_acknowledged=include_acknowledged,
        ),
    )


@worker_router.post("/inbox/ack", response_model=AckResponse)
def ack_my_inbox(
    body: AckRequest, auth: CurrentAuth, session: SessionDep, _protocol: ProtocolDep
) -> Any:
    """Acknowledge items of your own inbox (another worker's items are 404)."""
    ids = _run(
        session,
        lambda: d.acknowledge_inbox(
            session, auth.user.district_code, auth.user.username, body.ids, own_only=True
        ),
        write=True,
    )
    return AckResponse(acknowledged=ids)


# --------------------------------------------------------------------------- conflicts


@router.get("/conflicts", response_model=list[d.ConflictRow])
def get_conflicts(sup: Supervisor, session: SessionDep, include_resolved: bool = False) -> Any:
    """Per-field conflicts with both values, who and when."""
    return _run(
        session, lambda: d.conflicts(session, sup.district, include_resolved=include_resolved)
    )


@router.post("/conflicts/{conflict_id}/resolve", response_model=d.ConflictRow)
def resolve_conflict(
    conflict_id: str, body: d.ResolveRequest, sup: Supervisor, session: SessionDep
) -> Any:
    """Keep one value or an edited one: the household gets a new field version, synced to
    everyone who holds it."""
    return _run(
        session,
        lambda: d.resolve(session, sup.district, sup.username, conflict_id, body),
        write=True,
    )


# --------------------------------------------------------------------------- users, devices


@router.get("/users", response_model=list[d.UserRow])
def get_users(sup: Supervisor, session: SessionDep) -> Any:
    return _run(session, lambda: d.users(session, sup.district))


@router.post("/users", response_model=d.UserRow)
def create_user(body: d.NewUser, sup: Supervisor, session: SessionDep) -> Any:
    """Add a volunteer, nurse or supervisor to your district (logged)."""
    return _run(
        session, lambda: d.create_user(session, sup.district, sup.username, body), write=True
    )


@router.post("/users/{username}/deactivate", response_model=d.UserRow)
def deactivate_user(username: str, sup: Supervisor, session: SessionDep) -> Any:
    """Deactivate an account (logged); its devices wipe at their next contact."""
    return _run(
        session,
        lambda: d.deactivate_user(session, sup.district, sup.username, username),
        write=True,
    )


class RoleRequest(BaseModel):
    role: p.Role


@router.post("/users/{username}/role", response_model=d.UserRow)
def set_role(username: str, body: RoleRequest, sup: Supervisor, session: SessionDep) -> Any:
    return _run(
        session,
        lambda: d.set_role(session, sup.district, sup.username, username, body.role),
        write=True,
    )


@router.get("/devices", response_model=list[d.DeviceRow])
def get_devices(sup: Supervisor, session: SessionDep) -> Any:
    return _run(session, lambda: [dev for u in d.users(session, sup.district) for dev in u.devices])


class LostRequest(BaseModel):
    note: str | None = Field(default=None, max_length=1000)


@router.post("/devices/{device_id}/lost", response_model=d.IncidentRow)
def mark_device_lost(
    device_id: str,
    sup: Supervisor,
    session: SessionDep,
    body: Annotated[LostRequest | None, Body()] = None,
) -> Any:
    """The token dies, the device wipes at next contact, an incident starts the 72-hour clock."""
    note = body.note if body else None
    return _run(
        session,
        lambda: d.mark_device_lost(session, sup.district, sup.username, device_id, note),
        write=True,
    )


@router.get("/incidents", response_model=list[d.IncidentRow])
def get_incidents(sup: Supervisor, session: SessionDep) -> Any:
    return _run(session, lambda: d.incidents(session, sup.district))


# --------------------------------------------------------------------------- alerts


@router.get("/alerts", response_model=list[d.AlertRow])
def get_alerts(sup: Supervisor, session: SessionDep) -> Any:
    _run(session, lambda: d.refresh_alerts(session, sup.district), write=True)
    return _run(session, lambda: d.alerts(session, sup.district))


@router.post("/alerts", response_model=d.AlertRow)
def declare_alert(body: d.NewAlert, sup: Supervisor, session: SessionDep) -> Any:
    """Declare a heat/cold alert: high- and medium-risk households become due daily."""
    return _run(
        session, lambda: d.declare_alert(session, sup.district, sup.username, body), write=True
    )


@router.get("/alerts/{alert_id}/board", response_model=d.AlertBoard)
def get_alert_board(alert_id: str, sup: Supervisor, session: SessionDep) -> Any:
    """Completion: each covered household, contacted today or not."""
    _run(session, lambda: d.refresh_alerts(session, sup.district), write=True)
    return _run(session, lambda: d.alert_board(session, sup.district, alert_id))


@router.post("/alerts/{alert_id}/end", response_model=d.AlertRow)
def end_alert(alert_id: str, sup: Supervisor, session: SessionDep) -> Any:
    return _run(
        session, lambda: d.end_alert(session, sup.district, sup.username, alert_id), write=True
    )


# --------------------------------------------------------------------------- indicators


@router.get("/indicators", response_model=indicators.IndicatorTable)
def get_indicators(sup: Supervisor, read: ReadSessionDep, start: date, end: date) -> Any:
    """The plan's indicators for the period, de-identified (small cells suppressed)."""
    return _run(read, lambda: indicators.compute(read, sup.district, start, end))


@router.post("/indicators/export", response_model=indicators.ExportFile)
def export_indicators(
    body: indicators.ExportRequest,
    sup: Supervisor,
    session: SessionDep,
    read: ReadSessionDep,
    request: Request,
) -> Any:
    """CSV or XLSX (base64 in the answer); needs a reason; writes an access-log event (the
    figures are read from the read replica when there is a fresh one)."""
    ip = request.client.host if request.client else None
    result = _run(
        session,
        lambda: indicators.export(
            session, sup.district, sup.username, body, device_id=sup.device_id, ip=ip, read=read
        ),
        write=True,
    )
    read.rollback()
    return result
