"""A sync cycle holds Python's cyclic garbage collector off and gives it back after."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from sync import client
from sync.client import SyncEngine, SyncError, collector_paused


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def _engine(cycle) -> SyncEngine:
    engine = object.__new__(SyncEngine)  # only sync_once's own steps are needed here
    engine._cycle = cycle  # type: ignore[method-assign]
    engine._save_status = lambda *a, **k: None  # type: ignore[method-assign]
    return engine


def test_the_cycle_runs_with_the_collector_off_and_it_is_back_after() -> None:
    seen: list[bool] = []
    report = _engine(lambda report: seen.append(gc.isenabled())).sync_once()
    assert report.completed and seen == [False]
    assert gc.isenabled()


def test_a_failed_cycle_gives_the_collector_back() -> None:
    def fail(report):
        raise SyncError("offline")

    with pytest.raises(SyncError):
        _engine(fail).sync_once()
    assert gc.isenabled()


def test_holds_nest_and_an_app_that_turned_it_off_keeps_it_off() -> None:
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer hold still runs
    assert gc.isenabled()
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_two_threads_holding_at_once() -> None:
    inside, release = threading.Event(), threading.Event()

    def hold() -> None:
        with collector_paused():
            inside.set()
            release.wait(5)

    other = threading.Thread(target=hold)
    other.start()
    assert inside.wait(5)
    with collector_paused():
        pass
    assert not gc.isenabled()  # the other thread's hold is still on
    release.set()
    other.join(5)
    assert gc.isenabled()
    assert client._gc_holds == 0
