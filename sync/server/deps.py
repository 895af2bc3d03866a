"""Request dependencies: one session per request, the settings, and the signed-in device."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import security
from sync.server.db import begin_read
from sync.server.errors import ApiError
from sync.server.middleware import version_problem
from sync.server.models import DEVICE_ACTIVE, Device, User
from sync.server.settings import Settings

_bearer = HTTPBearer(auto_error=False, description="The device token from /auth/login")


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    """One session (one transaction at a time) per request, closed afterwards."""
    with request.app.state.sessionmaker() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]


def protocol_header(
    version: Annotated[
        int,
        Header(
            alias=p.PROTOCOL_HEADER,
            description="Protocol version of the client (checked before anything else; "
            "outside the supported range the answer is 426)",
        ),
    ],
) -> int:
    """Documents the protocol header in OpenAPI (the middleware has already checked it)."""
    check_protocol(version)
    return version


ProtocolDep = Annotated[int, Depends(protocol_header)]


def check_protocol(version: int) -> None:
    """426 when *version* (header or body) is outside the supported range."""
    if problem := version_problem(version):
        raise ApiError(426, p.ERR_PROTOCOL, problem)


@dataclass(frozen=True)
class Auth:
    """The signed-in device and its user."""

    device: Device
    user: User


def current_auth(
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Auth:
    """The device behind the bearer token: 401 auth_failed, or 401 device_revoked + wipe."""
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise ApiError(
            401,
            p.ERR_AUTH,
            "sign in first: send 'Authorization: Bearer <token>' from /auth/login",
            headers={"WWW-Authenticate": "Bearer"},
        )
    token_hash = security.hash_token(credentials.credentials, settings.secret_key)
    begin_read(session)  # a read, ended below: on SQLite it does not wait for a writer
    device = session.scalars(select(Device).where(Device.token_hash == token_hash)).first()
    if device is None:
        raise ApiError(
            401,
            p.ERR_AUTH,
            "the device token is not valid (expired or replaced); sign in again",
            headers={"WWW-Authenticate": "Bearer"},
        )
    user = session.scalars(select(User).where(User.username == device.username)).one()
    if device.status != DEVICE_ACTIVE or not user.active:
        why = (
            "this account is deactivated" if not user.active else f"this device is {device.status}"
        )
        raise ApiError(
            401,
            p.ERR_REVOKED,
            f"{why}: the local data on this device must be deleted now",
            wipe=True,
        )
    # End the read transaction now: between this dependency and the route FastAPI waits for
    # a free worker thread, and a request parked there must not hold a pooled connection
    # (on SQLite, the write lock). With 200 devices at once the pool ran dry while every
    # thread waited for a connection: syncs stalled for the 30 s pool timeout (bench/).
    # Objects stay loaded (expire_on_commit=False); the route opens its own transaction.
    session.commit()
    return Auth(device=device, user=user)


CurrentAuth = Annotated[Auth, Depends(current_auth)]


def current_user(auth: CurrentAuth) -> User:
    return auth.user


def current_device(auth: CurrentAuth) -> Device:
    return auth.device


CurrentUser = Annotated[User, Depends(current_user)]
CurrentDevice = Annotated[Device, Depends(current_device)]
