"""A route class that runs a plain ``def`` route in one worker thread with its auth read.

FastAPI runs a ``def`` route in a worker thread (a thread hop: a queue, a wake-up of the event
loop, a context switch), and on PostgreSQL :func:`sync.server.deps.current_auth` made a hop
of its own for its query: two per request, about 12% of the server's CPU per sync on the
push and pull routes (docs/PERFORMANCE.md, City scale). On a :class:`OneHopRoute` a route
parameter declared :data:`sync.server.deps.RouteAuth` is read in the route's own worker
thread, just before the route runs, in the read transaction the route then goes on with (no
COMMIT and BEGIN between them), and a session the route leaves inside a transaction is
closed there too (only when the route answered with a ready :class:`Response` or raised):
one hop per request.

The answers stay exactly as before. The bearer header is still checked (401) where the
dependency ran; the device is read before the route body, so a revoked device writes
nothing; and when something after the auth dependency fails before the route runs (a body
or query that does not validate, an unsupported protocol), the device is read first and its
401 answered instead, as when auth was a dependency of its own (dependencies run, and raise,
in order, before the body is validated). That error path makes a thread hop of its own.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from sync.server.deps import ONE_HOP_SCOPE, DeferredAuth, route_auth
from sync.server.json_route import OrjsonRoute


def _in_one_thread(endpoint: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
    """In the worker thread: read the device, run the route, end its sessions."""
    try:
        for name, value in kwargs.items():
            if isinstance(value, DeferredAuth):
                kwargs[name] = value.resolve(keep_open=True)
        result = endpoint(**kwargs)
    except BaseException:
        _close_sessions(kwargs)
        raise
    if isinstance(result, Response):  # nothing reads the session after this
        _close_sessions(kwargs)
    return result


def _close_sessions(kwargs: dict[str, Any]) -> None:
    """Close the sessions still inside a transaction (a rollback: a query), here rather than
    in another hop when the request's session dependency closes them."""
    for value in kwargs.values():
        if isinstance(value, Session) and value.in_transaction():
            value.close()


def _one_hop(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(endpoint)  # FastAPI reads the parameters through __wrapped__
    async def in_threadpool(**kwargs: Any) -> Any:
        return await run_in_threadpool(_in_one_thread, endpoint, kwargs)

    return in_threadpool


def _nested_route_auth(dependant: Dependant, depth: int = 0) -> bool:
    return any(
        (depth > 0 and sub.call is route_auth) or _nested_route_auth(sub, depth + 1)
        for sub in dependant.dependencies
    )


class OneHopRoute(OrjsonRoute):
    """An :class:`OrjsonRoute` whose plain ``def`` route runs with its auth in one worker
    thread (see the module). An ``async def`` route is left as it is."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = _one_hop(endpoint)
        super().__init__(path, endpoint, **kwargs)
        if _nested_route_auth(self.dependant):
            raise TypeError(f"{path}: RouteAuth is for route parameters, not dependencies")

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            request.scope[ONE_HOP_SCOPE] = None
            try:
                return await handler(request)
            except Exception:
                # Failed before the route ran: auth would have failed first (see the module).
                deferred = request.scope.get(ONE_HOP_SCOPE)
                if isinstance(deferred, DeferredAuth) and not deferred.tried:
                    await run_in_threadpool(deferred.resolve)
                raise

        return route
