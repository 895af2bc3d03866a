"""The sync engine against the real server: round trip, lost responses, outages, 413, cancel.

Every test counts what reached the server and what the laptop holds; nothing may be lost or
doubled whatever the network does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from sync.client import OfflineError, ServerError, SyncEngine
from sync.transport import Transport
from tests.helpers.live_server import LiveServer
from tests.helpers.world import World
from tests.sync.client.conftest import BOTH_DATABASES, Device, server_event_ids
from tests.sync.client.faults import FaultProxy

MakeDevice = Callable[..., Device]


@BOTH_DATABASES
def test_first_sync_pulls_the_assigned_households_then_pushes_records(
    live: LiveServer, world: World, make_device: MakeDevice
) -> None:
    vol = make_device("vol1")
    first = vol.sync()
    assert first.completed and first.pushed == 0
    assert vol.household_ids() == {world.hh[0], world.hh[1]}  # only vol1's scope
    ids = {vol.note(world.hh[0], f"메모 {i}") for i in range(3)}
    assert vol.engine().status().pending == 3
    report = vol.sync()
    assert (report.pushed, report.applied, report.rejected) == (3, 3, 0)
    assert sorted(server_event_ids(live)) == sorted(ids)
    assert vol.states() == {"accepted": 3}
    status = vol.engine().status()
    assert status.pending == 0 and status.last_success is not None and status.online
    assert status.cursor and status.last_error is None
    # A second laptop of another worker sees nothing of vol1's households.
    other = make_device("vol2")
    other.sync()
    assert other.household_ids() == {world.hh[2]} and other.event_ids() == set()


@BOTH_DATABASES
def test_response_lost_after_commit_retry_keeps_one_copy(
    live: LiveServer, world: World, make_device: MakeDevice, proxy: FaultProxy
) -> None:
    vol = make_device("vol1", url=proxy.base_url)
    vol.sync()
    ids = {vol.note(world.hh[i % 2], f"메모 {i}") for i in range(6)}
    proxy.add("/sync/push", "drop")  # the server commits, the answer is lost
    proxy.add("/sync/pull", "drop", after=1)  # and the second page of the pull as well
    report = vol.sync(push_limit=4, pull_limit=3)
    assert report.completed
    assert proxy.count("/sync/push") == 3  # batch 1 twice (same key), batch 2 once
    assert (report.applied, report.duplicates, report.rejected) == (6, 0, 0)
    held = server_event_ids(live)
    assert sorted(held) == sorted(ids)  # exactly one copy of every event
    assert vol.states() == {"accepted": 6}
    assert len(vol.slept) == 2  # one backoff per lost answer


def test_server_down_then_back_drains_everything(
    live: LiveServer, world: World, make_device: MakeDevice, proxy: FaultProxy
) -> None:
    vol = make_device("vol1", url=proxy.base_url)
    vol.sync()
    ids = {vol.note(world.hh[0], f"메모 {i}") for i in range(4)}
    proxy.down()
    with pytest.raises(OfflineError, match=r"Cannot reach the server at .* connection refused"):
        vol.sync()
    status = vol.engine().status()
    assert status.online is False and "connection refused" in (status.last_error or "")
    assert status.pending == 4
    assert len(vol.slept) == 2 and vol.slept[1] > vol.slept[0] / 2  # backed off, bounded
    assert vol.profile.read_status()["pending"] == 4  # readable without the password
    proxy.up()
    report = vol.sync()
    assert report.completed and report.applied == 4
    assert sorted(server_event_ids(live)) == sorted(ids)
    assert vol.engine().status().online is True


def test_server_answering_500_backs_off_and_loses_nothing(
    live: LiveServer, world: World, make_device: MakeDevice, proxy: FaultProxy
) -> None:
    vol = make_device("vol1", url=proxy.base_url)
    vol.sync()
    ids = {vol.note(world.hh[1]) for _ in range(3)}
    proxy.add("/sync/push", "error", times=None)
    with pytest.raises(ServerError, match="internal error"):
        vol.sync()
    assert vol.engine().status().pending == 3 and server_event_ids(live) == []
    proxy.clear()
    proxy.add("/sync/push", "error", times=1)  # one more 500, retried inside the cycle
    assert vol.sync().applied == 3
    assert sorted(server_event_ids(live)) == sorted(ids)


def test_server_timing_out_is_offline_in_words(
    live: LiveServer, world: World, make_device: MakeDevice, proxy: FaultProxy
) -> None:
    vol = make_device("vol1", url=proxy.base_url)
    vol.sync()
    ids = {vol.note(world.hh[0]) for _ in range(2)}
    proxy.add("/api/v1/health", "stall", times=None)
    quick = Transport(proxy.base_url, timeout=(2.0, 0.3), max_attempts=2, sleep=vol.slept.append)
    with pytest.raises(OfflineError, match="did not answer in time"):
        vol.sync(transport=quick)
    proxy.clear()
    assert vol.sync().applied == 2
    assert sorted(server_event_ids(live)) == sorted(ids)


def test_413_halves_the_batch_until_it_fits(
    live: LiveServer, world: World, make_device: MakeDevice, proxy: FaultProxy
) -> None:
    vol = make_device("vol1", url=proxy.base_url)
    vol.sync()
    ids = {vol.note(world.hh[1], f"{'나' * 200} {i}") for i in range(24)}
    # The proxy plays the server's size limit: a body of 6 of these notes fits, 12 do not.
    proxy.add("/sync/push", "limit", times=None, max_bytes=_body_limit_for(vol, 6))
    report = vol.sync(push_limit=24)
    assert report.completed and report.applied == 24
    statuses = [s for _m, p, s in proxy.log if "push" in p]
    assert statuses[:2] == [413, 413]  # 24 -> 12 -> 6
    assert statuses[2:] == [200] * 4
    assert sorted(server_event_ids(live)) == sorted(ids)


def _body_limit_for(vol: Device, items: int) -> int:
    """Roughly the gzip size of a push of *items* of these notes (enough for 6, not 12)."""
    import gzip
    import json

    from fieldapp import syncstate

    rows = list(
        vol.store.db.query("SELECT * FROM events WHERE sync_state = 'pending' LIMIT ?", [items])
    )
    body = {
        "protocol": 1,
        "idempotency_key": "x" * 32,
        "items": [{"kind": "event", "event": syncstate.event_to_wire(r)} for r in rows],
    }
    return int(len(gzip.compress(json.dumps(body, ensure_ascii=False).encode())) * 1.3)


def test_cancel_between_batches_keeps_what_was_sent(
    live: LiveServer, world: World, make_device: MakeDevice
) -> None:
    vol = make_device("vol1")
    vol.sync()
    ids = {vol.note(world.hh[0]) for _ in range(9)}
    cancel = threading.Event()
    phases: list[tuple[str, int, int | None, int]] = []

    def progress(phase: str, done: int, total: int | None, nbytes: int) -> None:
        phases.append((phase, done, total, nbytes))
        if phase == "push" and done == 3:
            cancel.set()

    report = vol.sync(push_limit=3, progress=progress, cancel=cancel)
    assert not report.completed and report.applied == 3
    assert len(server_event_ids(live)) == 3
    assert vol.engine().status().pending == 6
    phases.clear()
    report = vol.sync(push_limit=3, progress=progress)
    assert report.completed and report.applied == 6
    assert sorted(server_event_ids(live)) == sorted(ids)
    seen = [p for p, *_ in phases]
    assert seen[0] == "push" and "pull" in seen and "apply" in seen
    assert phases[-1][3] > 0  # bytes counted


def test_clock_skew_is_measured_warned_and_flagged(
    live: LiveServer, world: World, make_device: MakeDevice, proxy: FaultProxy
) -> None:
    vol = make_device("vol1", url=proxy.base_url)
    vol.sync()
    ok = vol.note(world.hh[0])
    vol.sync()
    proxy.time_shift = 600.0  # the server is 10 minutes ahead of this laptop
    late = vol.note(world.hh[0])
    report = vol.sync()
    assert report.skew_seconds is not None and 590 < report.skew_seconds < 610
    assert report.skew_flagged == 1
    status = vol.engine().status()
    assert status.skew_warning
    flags = {
        r["id"]: r["skew_flag"] for r in vol.store.db.query("SELECT id, skew_flag FROM events")
    }
    assert flags == {ok: 0, late: 1}
    from sqlalchemy import select

    from sync.server import models

    with live.session() as s:
        assert s.scalar(select(models.Event.skew_flag).where(models.Event.id == late)) is True
    # Records made while the clock is known to be off are flagged when they are made.
    assert vol.store.get_meta("sync.skew_seconds") > 300
    third = vol.note(world.hh[0])
    assert (
        next(vol.store.db.query("SELECT skew_flag FROM events WHERE id = ?", [third]))["skew_flag"]
        == 1
    )


def test_engine_without_token_or_password_asks_for_the_password(
    world: World, make_device: MakeDevice
) -> None:
    from sync.client import AuthError

    vol = make_device("vol1")
    vol.profile.memory_token = None  # a new app start on a computer without a keyring
    with pytest.raises(AuthError, match="Enter your password"):
        SyncEngine(vol.profile, vol.store).sync_once()
    assert vol.sync(password="Synthetic-pass-2026").completed  # the password logs in again


def test_an_item_the_server_cannot_read_is_set_aside_not_blocking(
    live: LiveServer, world: World, make_device: MakeDevice
) -> None:
    import json
    import uuid

    from fieldapp import syncstate

    vol = make_device("vol1")
    vol.sync()
    good = [vol.note(world.hh[0], f"기록 {i}") for i in range(3)]
    bad = str(uuid.uuid4())
    with vol.store.atomic() as db:  # e.g. written by a damaged or newer app: wrong programme
        order = syncstate._next_local_order(vol.store)
        db.execute(
            "INSERT INTO events (id, type, household_id, programme, created_by, device_id, "
            "device_time, payload, sync_state, local_order) VALUES (?, 'note', ?, 'astrology', "
            "'vol1', ?, '2026-11-24T09:00:00+09:00', ?, 'pending', ?)",
            [bad, world.hh[0], vol.device_id, json.dumps({"text": "?"}), order],
        )
    more = [vol.note(world.hh[1], f"그 뒤 기록 {i}") for i in range(3)]
    report = vol.sync()
    assert report.completed and report.applied == 6 and report.rejected == 1
    assert [i for i, _ in report.rejected_items] == [bad]
    assert sorted(server_event_ids(live)) == sorted(good + more)
    rejected = syncstate.list_rejected(vol.store)
    assert [r["id"] for r in rejected] == [bad] and "refused by the server" in rejected[0][
        "reject_reason"
    ]
    assert vol.engine().status().rejected == 1 and vol.sync().pushed == 0  # not retried forever
