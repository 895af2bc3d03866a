"""A server that answers 503 ``unavailable`` (its database cannot be reached just now) is
waited for as it asks (Retry-After, bounded), then said in words as temporarily unavailable,
not as an internal error; nothing is lost (issue 13, 7, the client's side). The real server
answers the 503: its push is made to meet a pool with no connection free."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import exc as sa_exc

from sync import transport
from sync.client import ServerError
from sync.client_errors import ServerUnavailableError
from sync.server import middleware, syncing
from tests.helpers.live_server import LiveServer
from tests.helpers.world import World
from tests.sync.client.conftest import BOTH_DATABASES, Device, server_event_ids

MakeDevice = Callable[..., Device]


def _pool_timeout(*_args, **_kwargs):
    raise sa_exc.TimeoutError("QueuePool limit of size 10 overflow 20 reached")


@BOTH_DATABASES
def test_503_waits_as_asked_then_says_temporarily_unavailable(
    live: LiveServer, world: World, make_device: MakeDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    vol = make_device("vol1")
    vol.sync()
    ids = {vol.note(world.hh[0]) for _ in range(2)}
    monkeypatch.setattr(syncing, "push", _pool_timeout)
    vol.slept.clear()
    with pytest.raises(ServerUnavailableError) as info:
        vol.sync()  # three attempts (the test engine's max_attempts)
    message = str(info.value)
    assert "temporarily unavailable" in message and "internal error" not in message
    assert "HTTP 503" in message and "kept" in message
    assert isinstance(info.value, ServerError) and info.value.status == 503
    assert vol.slept == [5.0, 5.0]  # the server's Retry-After, not the short backoff
    assert vol.engine().status().pending == 2 and server_event_ids(live) == []
    monkeypatch.undo()
    assert vol.sync().applied == 2
    assert sorted(server_event_ids(live)) == sorted(ids)


def test_503_once_is_retried_within_the_cycle(
    live: LiveServer, world: World, make_device: MakeDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    vol = make_device("vol1")
    vol.sync()
    ids = {vol.note(world.hh[0])}
    real = syncing.push
    calls: list[int] = []

    def once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            _pool_timeout()
        return real(*args, **kwargs)

    monkeypatch.setattr(syncing, "push", once)
    vol.slept.clear()
    assert vol.sync().applied == 1
    assert vol.slept == [5.0] and sorted(server_event_ids(live)) == sorted(ids)


def test_a_long_retry_after_is_bounded(
    live: LiveServer, world: World, make_device: MakeDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    vol = make_device("vol1")
    vol.sync()
    vol.note(world.hh[0])
    monkeypatch.setattr(syncing, "push", _pool_timeout)
    monkeypatch.setattr(middleware, "RETRY_AFTER_S", 86400)
    vol.slept.clear()
    with pytest.raises(ServerUnavailableError):
        vol.sync()
    assert vol.slept == [transport.RETRY_AFTER_MAX] * 2


def test_retry_after_reads_seconds_and_http_dates_within_the_bound() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 12, 4, 9, 0, 0, tzinfo=UTC)
    read = transport.retry_after_seconds
    assert read("5") == 5.0 and read("0") == 0.0
    assert read("Fri, 04 Dec 2026 09:00:12 GMT", now=now) == 12.0
    assert read("Fri, 04 Dec 2026 08:00:00 GMT", now=now) == 0.0  # already past
    assert read("99999") == transport.RETRY_AFTER_MAX
    assert read(None) is None and read("soon") is None and read("٣") is None
