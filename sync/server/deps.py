"""Request dependencies: one session per request, the settings, and the signed-in device.

FastAPI runs a plain ``def`` dependency in a worker thread (one thread hop each: a queue, a
wake-up of the event loop, a context switch). None of these is one: the settings, session,
protocol and user/device dependencies touch no database, and :func:`current_auth` reads its
one row inline on SQLite (a local WAL read by a unique index, ~0.1 ms, which never waits for
a writer; the pool is sized so that a connection is always free, see ``db.make_engine``)
and in a worker thread on PostgreSQL (a network round trip). A route parameter declared
:data:`RouteAuth` on a :class:`sync.server.one_hop.OneHopRoute` (push and pull) reads it in
the route's own worker thread instead: one hop for auth and the route.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from sync import protocol as p
from sync.server import security
from sync.server.db import begin_read
from sync.server.errors import ApiError
from sync.server.middleware import version_problem
from sync.server.models import DEVICE_ACTIVE, Device, User
from sync.server.settings import Settings

_bearer = HTTPBearer(auto_error=False, description="The device token from /auth/login")


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session (one transaction at a time) per request, closed afterwards.

    Making a session touches no database, and neither does closing one whose transactions
    have all ended (the routes commit or roll back): both run inline. A session left inside
    a transaction (a route that raised) is closed in a worker thread, as that rolls back.
    """
    session = request.app.state.sessionmaker()
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(session.close)
        else:
            session.close()


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]


async def get_read_session(request: Request, session: SessionDep) -> AsyncIterator[Session]:
    """For a request that only reads: a session on the read replica while it is fresh enough
    (:class:`sync.server.replica.ReadRouter`), else the request's own session (the primary:
    without a replica nothing changes). Measuring the replica's lag (a query, at most every
    half second) runs in a worker thread."""
    router = request.app.state.read_router
    if router.standby is None or not await run_in_threadpool(router.standby_is_fresh):
        yield session  # the request's own (FastAPI makes one per request)
        return
    read = router.standby()
    try:
        yield read
    finally:
        if read.in_transaction():
            await run_in_threadpool(read.close)
        else:
            read.close()


#: A session for reads that only read (the board, indicators, exports): see get_read_session.
ReadSessionDep = Annotated[Session, Depends(get_read_session)]


async def protocol_header(
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


#: The device behind a token hash, with its user, in one query.
_AUTH_QUERY = (
    select(Device, User)
    .join(User, User.username == Device.username)
    .where(Device.token_hash == bindparam("token_hash"))
    .limit(1)
)


@dataclass(frozen=True)
class Auth:
    """The signed-in device and its user."""

    device: Device
    user: User


def _token_hash(credentials: HTTPAuthorizationCredentials | None, settings: Settings) -> str:
    """The stored hash of the bearer token, or 401 auth_failed when there is none."""
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise ApiError(
            401,
            p.ERR_AUTH,
            "sign in first: send 'Authorization: Bearer <token>' from /auth/login",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return security.hash_token(credentials.credentials, settings.secret_key)


def _authenticate(session: Session, token_hash: str, *, keep_open: bool = False) -> Auth:
    """The device behind *token_hash* (one query): 401 auth_failed, or 401 device_revoked
    and wipe for a device no longer active or a deactivated user. *keep_open*: the read
    transaction goes on for the caller (see :meth:`DeferredAuth.resolve`)."""
    row = _device_and_user(session, token_hash, keep_open=keep_open)
    if row is None:
        raise ApiError(
            401,
            p.ERR_AUTH,
            "the device token is not valid (expired or replaced); sign in again",
            headers={"WWW-Authenticate": "Bearer"},
        )
    device, user = row
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
    return Auth(device=device, user=user)


async def current_auth(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Auth:
    """The device behind the bearer token: 401 auth_failed, or 401 device_revoked + wipe."""
    return await _authenticate_now(request, session, _token_hash(credentials, settings))


async def _authenticate_now(request: Request, session: Session, token_hash: str) -> Auth:
    if request.app.state.engine.dialect.name == "sqlite":
        return _authenticate(session, token_hash)
    return await run_in_threadpool(_authenticate, session, token_hash)


def _device_and_user(
    session: Session, token_hash: str, *, keep_open: bool = False
) -> tuple[Device, User] | None:
    """The device with *token_hash* and its user, read in a transaction of its own (with
    *keep_open*, one the caller goes on with)."""
    begin_read(session)  # on SQLite it does not wait for a writer
    try:
        row = session.execute(_AUTH_QUERY, {"token_hash": token_hash}).first()
    except BaseException:
        session.rollback()
        raise
    if keep_open and row is not None:
        return row[0], row[1]
    # End the read transaction now: between this dependency and the route FastAPI waits for
    # a free worker thread, and a request parked there must not hold a pooled connection (on
    # SQLite, the write lock). With 200 devices at once the pool ran dry while every thread
    # waited for a connection: syncs stalled for the 30 s pool timeout (bench/). Objects stay
    # loaded (expire_on_commit=False; a rollback would expire them); the route opens its own
    # transaction.
    session.commit()
    return None if row is None else (row[0], row[1])


CurrentAuth = Annotated[Auth, Depends(current_auth)]


#: ``request.scope`` key a :class:`sync.server.one_hop.OneHopRoute` sets while it handles a
#: request; :func:`route_auth` puts its :class:`DeferredAuth` there.
ONE_HOP_SCOPE = "fieldapp.one_hop_auth"


class DeferredAuth:
    """A request's bearer token whose device is read later, in the route's own worker thread
    (:class:`sync.server.one_hop.OneHopRoute`), not in a thread hop of its own."""

    __slots__ = ("session", "token_hash", "tried")

    def __init__(self, session: Session, token_hash: str) -> None:
        self.session = session
        self.token_hash = token_hash
        self.tried = False

    def resolve(self, *, keep_open: bool = False) -> Auth:
        """The signed-in device, or the 401 :func:`current_auth` raises (blocking: a query).

        *keep_open*: for the route that runs next in the same thread: the read transaction
        stays open for it (on PostgreSQL a COMMIT and the route's BEGIN fewer, two round
        trips). Nothing waits between the two, so no parked request holds a connection."""
        self.tried = True
        return _authenticate(self.session, self.token_hash, keep_open=keep_open)


async def route_auth(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Auth | DeferredAuth:
    """:func:`current_auth` for a parameter of the route itself. On a OneHopRoute the header
    is checked here (401 when there is no token, as before) and the device is read in the
    route's worker thread, in the same hop as the route (the route class resolves it); on
    any other route it is :func:`current_auth`."""
    token_hash = _token_hash(credentials, settings)
    if ONE_HOP_SCOPE not in request.scope:
        return await _authenticate_now(request, session, token_hash)
    deferred = DeferredAuth(session, token_hash)
    request.scope[ONE_HOP_SCOPE] = deferred
    return deferred


#: The signed-in device, for a parameter of a route (not of another dependency): on a
#: OneHopRoute it is read in the route's own worker thread (see :func:`route_auth`).
RouteAuth = Annotated[Auth, Depends(route_auth)]
