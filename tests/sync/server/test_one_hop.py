"""Push and pull read the signed-in device in the route's own worker thread
(sync.server.one_hop), with the same answers as when auth was a dependency of its own."""

from __future__ import annotations

import time
import uuid
from typing import Annotated, Any

import anyio.to_thread
import pytest
from fastapi import Depends

from sync import protocol as p
from sync.server import admin
from sync.server.deps import Auth, RouteAuth
from sync.server.one_hop import OneHopRoute


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The worker-thread calls the server makes (every run_in_threadpool goes through here)."""
    calls: list[str] = []
    real = anyio.to_thread.run_sync

    async def counting(func: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(repr(func)[:200])
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    return calls


def _hops_of(hops: list[str], request: Any) -> list[str]:
    hops.clear()
    response = request()
    assert response.status_code == 200, response.text
    time.sleep(0.1)  # a hop after the answer (closing a session) would be counted too
    return list(hops)


def test_push_and_pull_make_one_thread_hop_each(live, world, api, hops) -> None:
    """Auth, the route and closing the session in one worker thread. Before, on PostgreSQL,
    auth made a hop of its own: two per request."""
    client = api(world.vol1)
    client.pull_all()
    assert len(_hops_of(hops, lambda: client.push([client.event(world.hh[0])]))) == 1
    assert len(_hops_of(hops, client.pull)) == 1
    with_report = {"pending": 3, "oldest_pending_s": 60}  # a pull that also writes
    assert len(_hops_of(hops, lambda: client.pull(**with_report))) == 1


def test_auth_is_still_answered_before_an_invalid_request(live, world, api) -> None:
    """Auth was a dependency and failed before the body and query were validated: a revoked
    device or a bad token still gets its 401 (and the wipe), not a 422 or a 426."""
    client = api(world.vol1)
    invalid_push = {"protocol": p.PROTOCOL_VERSION, "items": "not a list"}
    assert client.http.post(client.base_url + p.PUSH_PATH, json=invalid_push).status_code == 422
    assert client.pull(limit=0).status_code == 422
    r = client.http.post(
        client.base_url + p.PUSH_PATH,
        json={
            "protocol": p.MAX_PROTOCOL_VERSION + 1,
            "idempotency_key": uuid.uuid4().hex,
            "items": [],
        },
    )
    assert r.status_code == 426

    with live.session() as s:
        admin.revoke_device(s, client.device_id, actor=world.supervisor)
    for r in (
        client.http.post(client.base_url + p.PUSH_PATH, json=invalid_push),
        client.pull(limit=0),
        client.pull(),
    ):
        assert r.status_code == 401, r.text
        body = p.ErrorBody.model_validate(r.json())
        assert body.code == p.ERR_REVOKED and body.wipe is True

    client.http.headers["Authorization"] = "Bearer not-a-token"
    for r in (
        client.http.post(client.base_url + p.PUSH_PATH, json=invalid_push),
        client.pull(limit=0),
    ):
        assert r.status_code == 401 and r.json()["code"] == p.ERR_AUTH


def _needs_auth(auth: RouteAuth) -> Auth:
    return auth


def _route_with_nested_route_auth(auth: Annotated[Auth, Depends(_needs_auth)]) -> None:
    return None


def test_route_auth_only_as_a_route_parameter() -> None:
    """A dependency given RouteAuth would get the unread token: refused when the route is made."""
    with pytest.raises(TypeError, match="RouteAuth"):
        OneHopRoute("/x", _route_with_nested_route_auth)
