"""When the app starts a sync: at start, every N minutes while online, after a save."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sync.client import SyncPolicy

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def due(
    policy: SyncPolicy, seconds_since: float | None, *, online: bool | None, saved: bool
) -> bool:
    last = None if seconds_since is None else T0 - timedelta(seconds=seconds_since)
    return policy.due(T0, last_attempt=last, online=online, saved_since_last=saved)


def test_at_start_a_sync_is_due() -> None:
    assert due(SyncPolicy(), None, online=None, saved=False)


def test_every_interval_while_online() -> None:
    p = SyncPolicy(interval_s=300)
    assert not due(p, 299, online=True, saved=False)
    assert due(p, 300, online=True, saved=False)


def test_after_a_save_when_online_but_not_in_a_burst() -> None:
    p = SyncPolicy(interval_s=300, min_gap_s=2)
    assert due(p, 5, online=True, saved=True)
    assert not due(p, 1, online=True, saved=True)  # right after the last try: wait a moment
    assert not due(p, 5, online=False, saved=True)  # offline: a save does not start one


def test_offline_probes_at_the_interval_to_notice_the_network() -> None:
    p = SyncPolicy(interval_s=120)
    assert not due(p, 60, online=False, saved=False)
    assert due(p, 120, online=False, saved=True)


def test_a_clock_set_back_does_not_stop_syncing() -> None:
    assert due(SyncPolicy(), -3600, online=True, saved=False)
