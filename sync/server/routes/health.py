"""``GET /api/v1/health``: liveness plus the epoch and the protocol range (no auth)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from sync import protocol as p
from sync.server.db import begin_read
from sync.server.deps import SessionDep
from sync.server.errors import ApiError
from sync.server.models import utcnow
from sync.server.syncing import server_epoch

router = APIRouter(tags=["health"])


class ProtocolRange(BaseModel):
    min: int
    max: int


class Health(BaseModel):
    status: str
    epoch: str
    server_time: datetime
    protocol: ProtocolRange


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": p.ErrorBody, "description": "the database cannot be reached"}},
)
def health(session: SessionDep) -> Any:
    """Answer ``ok`` when the database answers; the epoch tells a restored server apart."""
    begin_read(session)
    try:
        epoch = server_epoch(session)
    except SQLAlchemyError:
        raise ApiError(
            503, "unavailable", "the server's database cannot be reached or is not migrated"
        ) from None
    finally:
        session.close()  # here, in this thread: the connection goes back to the pool now
    return Health(
        status="ok",
        epoch=epoch,
        server_time=utcnow(),
        protocol=ProtocolRange(min=p.MIN_PROTOCOL_VERSION, max=p.MAX_PROTOCOL_VERSION),
    )
