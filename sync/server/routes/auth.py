"""``POST /api/v1/auth/login``: password -> device token and the device's database key."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import security
from sync.server.db import begin_read
from sync.server.deps import ProtocolDep, SessionDep, SettingsDep, check_protocol
from sync.server.errors import ApiError
from sync.server.login_slots import LoginSlots
from sync.server.models import DEVICE_ACTIVE, Device, PermissionLog, User, utcnow
from sync.server.one_hop import OneHopRoute
from sync.server.settings import Settings
from sync.server.syncing import server_epoch

log = logging.getLogger("fieldapp.server.auth")
# OneHopRoute: a session a refusal leaves inside a transaction is closed in the route's own
# thread, not in a second thread hop when the request's session closes (at 100 refused logins
# at once on a pool of 2 those hops queued until the pool timed out: 503).
router = APIRouter(tags=["auth"], route_class=OneHopRoute)

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {
        "model": p.ErrorBody,
        "description": "wrong credentials or account locked (one answer), or device revoked (wipe)",
    },
    403: {"model": p.ErrorBody, "description": "device registered to another user"},
    426: {"model": p.ErrorBody, "description": "protocol version not supported"},
    503: {
        "model": p.ErrorBody,
        "description": "every sign-in slot is checking a password: try again after Retry-After",
    },
}


def _refused(settings: Settings) -> ApiError:
    """The one answer for an unknown user, a wrong password and a locked account alike, so
    that neither the answer nor its timing tells an attacker whether a username exists."""
    return ApiError(
        401,
        p.ERR_AUTH,
        f"wrong username or password. After {settings.lockout_threshold} failed sign-ins in a "
        f"row an account is locked for {settings.lockout_minutes} minutes: wait, or ask your "
        "supervisor to reset the password",
    )


@router.post("/auth/login", response_model=p.LoginResponse, responses=_ERRORS)
def login(
    request: Request,
    body: p.LoginRequest,
    session: SessionDep,
    settings: SettingsDep,
    _protocol: ProtocolDep,
) -> Any:
    """Check the password, register the device on its first login, hand out a new token."""
    check_protocol(body.protocol)
    slots: LoginSlots = request.app.state.login_slots
    with slots.held():  # before any database work: a busy server answers at once
        return _login(body, session, settings)


def _login(body: p.LoginRequest, session: Session, settings: Settings) -> p.LoginResponse:
    now = utcnow()
    # The account is read, then the password checked with no transaction open: the check
    # takes tens of milliseconds by design, and inside the transaction it held SQLite's write
    # lock (every push on the server waited for it) or, on PostgreSQL, a pooled connection.
    begin_read(session)
    account = session.execute(
        select(User.id, User.password_hash).where(User.username == body.username)
    ).first()
    session.rollback()
    checked_hash = account.password_hash if account is not None else None
    # The hash is always checked (an unknown user against a dummy hash), locked or not, so
    # every refusal costs the same time and carries the same answer (_refused).
    password_ok = security.verify_password(checked_hash, body.password)
    new_hash = (
        security.hash_password(body.password)
        if password_ok and checked_hash and security.needs_rehash(checked_hash)
        else None
    )
    if account is None:
        raise _refused(settings)
    # FOR UPDATE: parallel guesses at one account count one by one (PostgreSQL row lock;
    # SQLite: the write lock of BEGIN IMMEDIATE).
    user = session.scalars(select(User).where(User.id == account.id).with_for_update()).first()
    if user is None or user.password_hash != checked_hash:  # removed or changed meanwhile
        session.rollback()
        raise _refused(settings)
    if security.is_locked(user.locked_until, now):
        session.rollback()
        raise _refused(settings)
    if not password_ok:
        user.failed_logins, locked_until = security.register_failure(
            user.failed_logins, now, settings.lockout_threshold, settings.lockout_minutes
        )
        if locked_until is not None:
            user.locked_until = locked_until
            log.warning("account locked after repeated failures (user id %s)", user.id)
        session.commit()
        raise _refused(settings)
    if not user.active:
        session.rollback()
        raise ApiError(
            401,
            p.ERR_REVOKED,
            "this account is deactivated: the local data on this device must be deleted",
            wipe=True,
        )
    user.failed_logins = 0
    user.locked_until = None
    if new_hash is not None:
        user.password_hash = new_hash
    device = session.get(Device, body.device_id)
    if device is None:
        device = Device(
            id=body.device_id,
            username=user.username,
            name=body.device_name,
            db_key=security.new_db_key(),
            registered_at=now,
        )
        session.add(device)
        session.add(
            PermissionLog(
                at=now,
                actor=user.username,
                action="device_registered",
                subject_type="device",
                subject_id=body.device_id,
                detail={"user": user.username},
            )
        )
    elif device.username != user.username:
        session.rollback()
        raise ApiError(
            403,
            p.ERR_FORBIDDEN,
            "this device is registered to another user; each person signs in on their own "
            "device profile",
        )
    elif device.status != DEVICE_ACTIVE:
        session.rollback()
        raise ApiError(
            401,
            p.ERR_REVOKED,
            f"this device is {device.status}: the local data on it must be deleted",
            wipe=True,
        )
    token = security.new_token()
    device.token_hash = security.hash_token(token, settings.secret_key)
    device.last_login_at = now
    device.last_seen = now
    if body.device_name:
        device.name = body.device_name
    epoch = server_epoch(session)
    response = p.LoginResponse(
        token=token,
        user=p.UserInfo(
            username=user.username,
            display_name=user.display_name,
            role=p.Role(user.role),
            district_code=user.district_code,
            dong_codes=list(user.dong_codes or []),
        ),
        device_id=device.id,
        db_key=security.encode_db_key(device.db_key),
        epoch=epoch,
        server_time=now,
    )
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ApiError(
            409, "conflict", "this device signed in twice at the same moment; try again"
        ) from None
    log.info("login ok (user id %s, device %s)", user.id, device.id)
    return response
