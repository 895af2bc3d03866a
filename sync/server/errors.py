"""API errors: every 4xx/5xx answer is a ``sync.protocol.ErrorBody``."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync import protocol as p

log = logging.getLogger("fieldapp.server.errors")

#: Seconds a client is asked to wait (Retry-After) when the database cannot be reached.
RETRY_AFTER_S = 5
UNAVAILABLE_DETAIL = (
    "the server cannot reach its database just now; send the same request again in a few "
    "seconds (a push is safe to repeat: its items are stored once)"
)

_STATUS_CODES = {
    400: p.ERR_INVALID,
    401: p.ERR_AUTH,
    403: p.ERR_FORBIDDEN,
    404: p.ERR_NOT_FOUND,
    405: p.ERR_INVALID,
    413: p.ERR_TOO_LARGE,
    426: p.ERR_PROTOCOL,
}


class ApiError(Exception):
    """Raise from a route to answer with an ErrorBody."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        wipe: bool = False,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.body = p.ErrorBody(detail=detail, code=code, wipe=wipe, field=field)
        self.headers = headers


def error_response(
    status: int,
    code: str,
    detail: str,
    *,
    wipe: bool = False,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = p.ErrorBody(detail=detail, code=code, wipe=wipe, field=field)
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def _field_name(loc: tuple[Any, ...]) -> str | None:
    parts = [str(x) for x in loc]
    if parts and parts[0] in {"body", "query", "header", "path", "cookie"}:
        parts = parts[1:]
    return ".".join(parts) or None


def validation_detail(errors: list[dict[str, Any]]) -> tuple[str, str | None]:
    """A sentence naming the first bad field (and how many more), and that field's name."""
    if not errors:
        return "the request is not valid", None
    first = errors[0]
    if first.get("type") == "json_invalid":
        return "the body is not valid JSON: " + str(first.get("msg", "")), None
    name = _field_name(tuple(first.get("loc", ())))
    msg = str(first.get("msg", "is not valid"))
    if first.get("type") == "extra_forbidden":
        msg = "is not a known field; remove it"
    elif first.get("type") == "missing":
        msg = "is required"
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    return f"{name or 'request'}: {msg}{more}", name


def database_unavailable(exc: BaseException) -> bool:
    """True when *exc* says the database could not be used just now (retryable): a lost or
    refused connection (SQLAlchemy marks the connection invalidated and replaces the pool's
    connections), an operational failure (PostgreSQL terminated the backend, a lock or
    serialization failure, SQLite busy), or no pooled connection free in time. The
    middleware's catch-all answers these 503 ``unavailable`` with Retry-After (no traceback);
    everything else is a bug: 500 ``internal``, logged with its traceback."""
    if isinstance(exc, sa_exc.TimeoutError):  # pool exhausted
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        return exc.connection_invalidated or isinstance(
            exc, sa_exc.OperationalError | sa_exc.InterfaceError
        )
    return False


#: What FastAPI says when a JSON body cannot be decoded (said more usefully here).
_FASTAPI_BODY_ERROR = "There was an error parsing the body"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body.model_dump(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        detail, name = validation_detail(list(exc.errors()))
        return error_response(422, p.ERR_INVALID, detail, field=name)

    @app.exception_handler(DataError)
    async def _data(_request: Request, _exc: DataError) -> JSONResponse:
        # e.g. a NUL character or an over-long value that PostgreSQL refuses to store
        return error_response(
            422,
            p.ERR_INVALID,
            "a value holds characters or a size the database cannot store (e.g. NUL); "
            "remove them and send again",
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, p.ERR_INVALID)
        detail = exc.detail if isinstance(exc.detail, str) else "request refused"
        if detail == _FASTAPI_BODY_ERROR:  # FastAPI's words for a body json.loads refused
            detail = (
                "the request body is not JSON text in UTF-8 (or is nested too deep); send one "
                "JSON object with Content-Type: application/json"
            )
        return error_response(exc.status_code, code, detail, headers=exc.headers)
