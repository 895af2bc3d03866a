"""``fieldapp-sync sync`` killed with SIGKILL mid-push and mid-pull, then run again.

The fault proxy holds the server's answer at the chosen moment (the server has committed),
signals it, and the test kills the client process there: no sleeps, no guessing. After the
restart: no duplicate, nothing missing, the cursor invariant holds (every change at or below
the saved cursor is present locally) and ``PRAGMA integrity_check`` is ok.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fieldapp import syncstate
from sync import protocol
from sync.server import models
from tests.helpers.live_server import LiveServer
from tests.helpers.world import PASSWORD, Api, World
from tests.sync.client.conftest import BOTH_DATABASES, Device, server_event_ids, server_view
from tests.sync.client.faults import FaultProxy

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")

MakeDevice = Callable[..., Device]


def fieldapp_sync(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("fieldapp-sync")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "sync.cli"]
    return [*base, *args]


def start_sync(device: Device, *extra: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        fieldapp_sync(
            "--profile", str(device.profile.path), "sync", "--password-stdin", "--quiet", *extra
        ),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None
    proc.stdin.write(PASSWORD + "\n")
    proc.stdin.close()
    return proc


def kill_when_held(proc: subprocess.Popen[str], held: threading.Event) -> None:
    if not held.wait(60):
        proc.kill()
        _out, err = proc.communicate(timeout=30)
        raise AssertionError(f"the client never reached the held request: {err}")
    proc.send_signal(signal.SIGKILL)
    code = proc.wait(30)
    assert code == -signal.SIGKILL, (code, proc.stderr.read() if proc.stderr else "")
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def run_sync(device: Device, *extra: str) -> None:
    out = subprocess.run(
        fieldapp_sync(
            "--profile", str(device.profile.path), "sync", "--password-stdin", "--quiet", *extra
        ),
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr


def assert_cursor_invariant(device: Device, live: LiveServer) -> None:
    """Every household and event change the server numbered at or below the saved cursor is
    present locally (unless a later revoke at or below the cursor took the household away)."""
    cursor = device.store.get_meta(syncstate.META_CURSOR)
    _epoch, seq = protocol.parse_cursor(cursor)
    api = Api(live.base_url)
    try:
        assert api.login(device.username).status_code == 200
        changes, _ = api.pull_all()
    finally:
        api.close()
    upto = [c for c in changes if c["seq"] <= seq]
    gone = {c["household_id"] for c in upto if c["kind"] in ("revoke", "tombstone")}
    events = device.event_ids()
    households = device.household_ids()
    for change in upto:
        if change["household_id"] in gone:
            continue
        if change["kind"] == "event":
            assert change["data"]["id"] in events, change
        elif change["kind"] == "household":
            assert change["data"]["id"] in households, change


@BOTH_DATABASES
def test_killed_mid_push_then_restarted(
    live: LiveServer, world: World, make_device: MakeDevice, proxy: FaultProxy
) -> None:
    vol = make_device("vol1", url=proxy.base_url)
    vol.sync()
    ids = {vol.note(world.hh[i % 2], f"기록 {i}") for i in range(30)}
    vol.close()
    rule = proxy.add("/sync/push", "hold", after=1)  # the 2nd batch: committed, answer held
    proc = start_sync(vol, "--batch-size", "10")
    kill_when_held(proc, rule.held)
    proxy.clear()
    vol.reopen()
    assert vol.store.integrity_check() == ["ok"]
    assert len(server_event_ids(live)) == 20  # two batches committed on the server
    waiting = syncstate.current_batch(vol.store)
    assert waiting is not None and len(waiting) == 10  # the unanswered batch, key kept
    assert vol.states() == {"accepted": 10, "sent": 10, "pending": 10}
    vol.close()
    run_sync(vol, "--batch-size", "10")
    vol.reopen()
    held = server_event_ids(live)
    assert len(held) == 30 and set(held) == ids  # no duplicate, nothing missing
    assert vol.states() == {"accepted": 30}
    with live.session() as s:  # the retry reused the stored key: three push keys in all
        keys = s.scalar(select(func.count()).select_from(models.PushRequestRecord))
    assert keys == 3
    assert vol.store.integrity_check() == ["ok"]


@pytest.mark.parametrize(
    "moment",
    [
        "hold",  # waiting for the third page (the server has answered nothing yet)
        "notify",  # the third page has just arrived: parsing or applying it
    ],
)
def test_killed_mid_pull_then_restarted(
    live: LiveServer, world: World, make_device: MakeDevice, proxy: FaultProxy, moment: str
) -> None:
    writer = make_device("vol1")
    writer.sync()
    ids = {writer.note(world.hh[i % 2], f"다른 노트북 {i}") for i in range(40)}
    writer.sync()
    reader = make_device("vol1", url=proxy.base_url)
    reader.close()
    rule = proxy.add("/sync/pull", moment, after=2)
    proc = start_sync(reader, "--page-size", "7")
    kill_when_held(proc, rule.held)
    proxy.clear()
    reader.reopen()
    assert reader.store.integrity_check() == ["ok"]
    _epoch, seq = protocol.parse_cursor(reader.store.get_meta(syncstate.META_CURSOR))
    assert seq > 0
    if moment == "hold":
        assert len(reader.event_ids()) < 40  # stopped part-way
    assert_cursor_invariant(reader, live)
    reader.close()
    run_sync(reader, "--page-size", "7")
    reader.reopen()
    households, events = server_view(live, "vol1")
    assert reader.event_ids() == events and ids <= events
    assert reader.household_ids() == households
    assert_cursor_invariant(reader, live)
    assert reader.store.integrity_check() == ["ok"]
    assert len(server_event_ids(live)) == 40
