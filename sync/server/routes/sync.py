"""``POST /api/v1/sync/push`` and ``GET /api/v1/sync/pull`` (logic in sync.server.syncing)."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.exc import IntegrityError, OperationalError

from sync import protocol as p
from sync.server import feed_trim, syncing
from sync.server.db import begin_read, writes_apart
from sync.server.deps import ProtocolDep, RouteAuth, SessionDep, check_protocol
from sync.server.errors import ApiError
from sync.server.models import utcnow
from sync.server.one_hop import OneHopRoute

# Auth, the route and closing its session in one worker thread (sync.server.one_hop).
router = APIRouter(tags=["sync"], route_class=OneHopRoute)

_AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": p.ErrorBody, "description": "not signed in, or device revoked (wipe)"},
    426: {"model": p.ErrorBody, "description": "protocol version not supported"},
}


def _json(body: dict[str, Any]) -> Response:
    """A PushResponse-shaped dict, serialized once (the same bytes for the stored answer)."""
    return Response(orjson.dumps(body), media_type="application/json")


@router.post(
    "/sync/push",
    response_model=p.PushResponse,
    responses={
        **_AUTH_ERRORS,
        413: {"model": p.ErrorBody, "description": "body too large: send fewer items"},
        422: {"model": p.ErrorBody, "description": "invalid body, or key reused for another"},
    },
)
def push(
    body: p.PushRequest,
    auth: RouteAuth,
    session: SessionDep,
    request: Request,
    _protocol: ProtocolDep,
) -> Any:
    """Apply a batch in one transaction; a retry with the same key gets the same answer.

    Before the writing transaction the event rules run on every item. On SQLite, where
    ``BEGIN IMMEDIATE`` takes the write lock, the stored answer is first looked up in a read
    transaction (a replay never takes the lock), then again inside the write transaction (a
    concurrent retry may have stored it). On PostgreSQL a transaction takes no lock of its
    own: one lookup, in the transaction that writes (and that read the device).
    """
    check_protocol(body.protocol)
    body_hash = syncing.request_hash(body)
    checked = syncing.check_events(body)
    for attempt in range(3):
        try:
            begin_read(session)  # SQLite: the lookup does not wait for a writer
            stored = _stored(session, auth.device.id, body, body_hash)
            if stored is None and writes_apart(session):
                # End the read (a commit keeps the user and device loaded); the write
                # transaction begins here, and the answer may have been stored meanwhile.
                session.commit()
                stored = _stored(session, auth.device.id, body, body_hash)
        except BaseException:
            session.rollback()
            raise
        if stored is not None:
            session.rollback()
            return _json(stored)
        try:
            response = syncing.push(
                session,
                auth.user,
                auth.device,
                body,
                body_hash,
                ip=request.client.host if request.client else None,
                checked=checked,
            )
            session.commit()
            return _json(response)
        except (IntegrityError, OperationalError):
            # A concurrent retry of the same push won (unique key), or PostgreSQL broke a
            # deadlock: start over; the stored response, if any, is answered.
            session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _stored(session: Any, device_id: str, body: p.PushRequest, body_hash: str) -> Any:
    """The answer stored for this push's key, or None; a 422 for a key used for another."""
    try:
        return syncing.stored_response(session, device_id, body.idempotency_key, body_hash, body)
    except syncing.IdempotencyMismatch as exc:
        raise ApiError(422, p.ERR_IDEMPOTENCY, str(exc), field="idempotency_key") from None


@router.get(
    "/sync/pull",
    response_model=p.PullResponse,
    responses={
        **_AUTH_ERRORS,
        409: {"model": p.ErrorBody, "description": "resync required (epoch or cursor)"},
    },
)
def pull(
    auth: RouteAuth,
    session: SessionDep,
    _protocol: ProtocolDep,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
    limit: Annotated[int, Query(ge=1, le=p.MAX_PULL_LIMIT)] = p.DEFAULT_PULL_LIMIT,
    pending: Annotated[int | None, Query(ge=0, le=10**9)] = None,
    oldest_pending_s: Annotated[int | None, Query(ge=0, le=10**10)] = None,
) -> Any:
    """The next page of this user's changes after *cursor*, in commit order."""
    begin_read(session)  # SQLite: the page is read without waiting for writers
    try:  # the feed, or after a trim a snapshot of the records (sync.server.feed_trim)
        page = feed_trim.read_pull(session, auth.user, cursor, limit)
    except syncing.ResyncRequired as exc:
        raise ApiError(409, p.ERR_RESYNC, str(exc), field="cursor") from None
    except feed_trim.CursorError as exc:
        raise ApiError(422, p.ERR_INVALID, str(exc), field="cursor") from None
    now = utcnow()
    report_due = syncing.device_report_due(auth.device, pending, oldest_pending_s, now)
    ack_due = feed_trim.ack_due(auth.device, page, report_due)
    writes = report_due or ack_due
    if not writes or writes_apart(session):
        # End the read; a no-op pull writes nothing. (A commit, not a rollback: the loaded
        # user and device stay loaded, so the report below does not read the device again.)
        session.commit()
    if writes:  # on SQLite a write of its own (BEGIN IMMEDIATE); else in the read's
        if report_due:
            syncing.record_device_report(auth.device, pending, oldest_pending_s, now)
        if ack_due:  # what the device holds: the feed trim floor
            auth.device.pulled_seq = page.pulled_seq
        session.commit()
    body = {
        "epoch": page.epoch,
        "cursor": page.cursor,
        "has_more": page.has_more,
        "changes": page.changes,
        "server_time": now,
    }
    # The page is built in the PullResponse shape already; serialize it once, directly, with
    # the stored event payloads spliced in as they are.
    return Response(syncing.page_json(body), media_type="application/json")
