"""The laptop against a trimmed feed (sync.server.feed_trim), with the real client: a laptop
back after the retention period resyncs and ends up with every record; a new laptop after the
trim gets everything from the snapshot."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from sync.server import feed_trim, models, syncing
from tests.helpers.world import World
from tests.sync.client.conftest import BOTH_DATABASES, server_view


@pytest.fixture(autouse=True)
def every_pull_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every pull records what the laptop holds (normally at most once a minute)."""
    monkeypatch.setattr(syncing, "REPORT_REFRESH", timedelta(0))


@BOTH_DATABASES
def test_a_laptop_back_after_the_retention_period_resyncs_and_holds_everything(
    live, world: World, make_device: Any
) -> None:
    away, active = make_device(world.nurse1), make_device(world.nurse1)
    away.sync()
    active.sync()
    mine = {away.note(world.hh[0], f"메모 {i}") for i in range(3)}
    away.sync()
    away.sync()  # the next sync: the server now knows what it holds
    theirs = {active.note(world.hh[i % 2], f"다른 메모 {i}") for i in range(4)}
    active.sync()
    active.sync()
    then = models.utcnow() - timedelta(days=200)
    with live.session() as s:
        s.execute(
            update(models.Device)
            .where(models.Device.id == away.device_id)
            .values(last_seen=then, last_login_at=then, registered_at=then, last_sync_at=then)
        )
    with live.sessions() as s:
        feed_trim.trim_feeds(s)
    with live.session() as s:
        assert feed_trim.trimmed_seq(s, world.nurse1) > 0
    offline = away.note(world.hh[1], "오프라인 메모")  # recorded while away
    report = away.sync()
    assert report.resynced and report.completed
    households, events = server_view(live, world.nurse1)
    assert away.household_ids() == households and away.event_ids() == events
    assert mine | theirs | {offline} <= away.event_ids()
    assert away.states() == {"accepted": len(away.event_ids())}
    fresh = make_device(world.nurse1)
    fresh.sync()
    assert fresh.event_ids() == events and fresh.household_ids() == households
