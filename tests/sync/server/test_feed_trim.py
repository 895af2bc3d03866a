"""A bounded feed (sync.server.feed_trim): trimming what every device has pulled past loses
nothing. Each test runs on SQLite and on PostgreSQL (the live server's database)."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select, update

from sync import protocol as p
from sync.server import admin, feed_trim, syncing
from sync.server.cli import main as server_cli
from sync.server.models import DEVICE_ACTIVE, DEVICE_LOST, Device, Event, Feed, FeedTrim, utcnow
from tests.helpers.world import phq9_payload


@pytest.fixture(autouse=True)
def every_pull_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every pull writes the device report, and so what the device holds (outside the tests
    a no-op pull within a minute of the last report writes nothing; the position then lags
    by one sync, which only trims less)."""
    monkeypatch.setattr(syncing, "REPORT_REFRESH", timedelta(0))


def trim(live: Any, **kw: Any) -> feed_trim.TrimResult:
    with live.sessions() as s:
        return feed_trim.trim_feeds(s, **kw)


def feed_rows(live: Any, username: str) -> int:
    with live.session() as s:
        return int(
            s.scalar(select(func.count()).select_from(Feed).where(Feed.username == username)) or 0
        )


def trimmed(live: Any, username: str) -> int:
    with live.session() as s:
        return feed_trim.trimmed_seq(s, username)


def pulled_seq(live: Any, device_id: str) -> int | None:
    with live.session() as s:
        return s.get(Device, device_id).pulled_seq


def sync_pull(dev: Any, cursor: str | None, limit: int | None = None) -> tuple[list, str]:
    """Pull everything after *cursor*, then once more from the last cursor (the next sync:
    that request tells the server the device holds everything up to it)."""
    changes, cursor = dev.pull_all(cursor, limit=limit)
    r = dev.pull(cursor)
    assert r.status_code == 200 and r.json()["changes"] == []
    return changes, cursor


def ids(changes: list[dict[str, Any]], kind: str) -> list[str]:
    return [c["data"]["id"] for c in changes if c["kind"] == kind]


def by_id(changes: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return {c["data"]["id"]: c["data"] for c in changes if c["kind"] == kind}


def push_ok(dev: Any, items: list[dict[str, Any]]) -> None:
    r = dev.push(items)
    assert r.status_code == 200, r.text
    assert {x["status"] for x in r.json()["results"]} <= {"applied", "conflict"}, r.text


def set_away(live: Any, device_id: str, days: int) -> None:
    then = utcnow() - timedelta(days=days)
    with live.session() as s:
        s.execute(
            update(Device)
            .where(Device.id == device_id)
            .values(last_seen=then, last_login_at=then, registered_at=then, last_sync_at=then)
        )


# --------------------------------------------------------------------------- the floor


def test_a_device_pulls_trim_then_it_pulls_more_without_loss_or_duplicate(live, world, api):
    a = api(world.nurse1)
    first = [a.event(world.hh[i % 2]) for i in range(10)]
    push_ok(a, first)
    changes, cursor = sync_pull(a, None)
    assert set(ids(changes, "event")) == {i["event"]["id"] for i in first}
    assert pulled_seq(live, a.device_id) == p.parse_cursor(cursor)[1]
    before = feed_rows(live, world.nurse1)
    result = trim(live)
    assert feed_rows(live, world.nurse1) == 0 and before >= 12
    assert trimmed(live, world.nurse1) == p.parse_cursor(cursor)[1]
    assert result.rows_trimmed >= before
    later = [a.event(world.hh[0]) for _ in range(5)]
    push_ok(a, later)
    more, cursor2 = a.pull_all(cursor, limit=2)
    assert ids(more, "event") == [i["event"]["id"] for i in later]  # each once, in order
    # A cursor below what was trimmed is answered with a resync.
    epoch = p.parse_cursor(cursor)[0]
    r = a.pull(p.make_cursor(epoch, 1))
    assert r.status_code == 409 and r.json()["code"] == p.ERR_RESYNC
    assert "pull from the start" in r.json()["detail"]
    # A second trim goes on from the first.
    a.pull(cursor2)
    trim(live)
    assert feed_rows(live, world.nurse1) == 0


def test_a_device_behind_the_floor_keeps_its_rows(live, world, api):
    a, b = api(world.nurse1), api(world.nurse1)
    events = [a.event(world.hh[i % 2]) for i in range(12)]
    push_ok(a, events)
    sync_pull(a, None)
    # b reads two small pages and stops (its next sync goes on from its saved cursor).
    page1 = b.pull(None, limit=3).json()
    page2 = b.pull(page1["cursor"], limit=3).json()
    assert page2["has_more"]
    held = pulled_seq(live, b.device_id)
    assert held is not None and held <= p.parse_cursor(page1["cursor"])[1]
    trim(live)
    assert trimmed(live, world.nurse1) <= held  # nothing b still needs went
    rest, _ = sync_pull(b, page2["cursor"], limit=3)
    got = ids(page1["changes"] + page2["changes"] + rest, "event")
    assert sorted(got) == sorted(i["event"]["id"] for i in events) and len(got) == len(set(got))
    # Once b has pulled past them too, the rows go.
    trim(live)
    assert feed_rows(live, world.nurse1) == 0


# --------------------------------------------------------------------------- snapshots


def _rich_history(world: Any, api: Any) -> tuple[Any, Any]:
    """Events of both programmes, a clinical one, a note for no programme and a conflict."""
    nurse, vol = api(world.nurse1), api(world.vol1)
    push_ok(
        nurse,
        [nurse.event(world.hh[0], "screening", phq9_payload(), "visiting_health")]
        + [nurse.event(world.hh[1], "screening", phq9_payload())]  # shared: redacted for vol1
        + [nurse.event(world.hh[i % 2], "note", {"text": f"메모 {i}"}) for i in range(7)],
    )
    push_ok(vol, [vol.event(world.hh[i % 2], "note", {"text": "안부"}) for i in range(5)])
    push_ok(nurse, [nurse.edit(world.hh[1], "phone", "+821000000077", 0)])
    push_ok(vol, [vol.edit(world.hh[1], "phone", "+821000000078", 0)])  # a conflict
    return nurse, vol


def _same_records(feed: list[dict[str, Any]], snapshot: list[dict[str, Any]]) -> None:
    for kind in ("household", "event", "conflict"):
        assert by_id(snapshot, kind) == by_id(feed, kind), kind
    events = ids(snapshot, "event")
    assert len(events) == len(set(events))


@pytest.mark.parametrize("who", ["nurse1", "vol1"])
def test_a_new_device_after_trimming_gets_every_record(live, world, api, who):
    _rich_history(world, api)
    username = getattr(world, who)
    reference = api(username)
    feed, _ = reference.pull_all()  # what the untrimmed feed gives
    assert by_id(feed, "conflict") and by_id(feed, "event")
    with live.session() as s:  # every device of the user goes away for good
        s.execute(update(Device).where(Device.username == username).values(status=DEVICE_LOST))
    trim(live)
    assert feed_rows(live, username) == 0 and trimmed(live, username) > 0
    new = api(username)
    snapshot, cursor = new.pull_all(limit=3)  # small pages: every phase is cut somewhere
    _same_records(feed, snapshot)
    assert p.parse_cursor(cursor)[1] == trimmed(live, username)
    if who == "vol1":  # redacted as in the feed
        clinical = [e for e in by_id(snapshot, "event").values() if e["type"] == "screening"]
        assert clinical and all(e["redacted"] and e["payload"] == {} for e in clinical)
    # The snapshot's W is held for the device; what comes after it arrives through the feed.
    assert pulled_seq(live, new.device_id) == p.parse_cursor(cursor)[1]
    writer = api(world.nurse1)
    late = writer.event(world.hh[0], "note", {"text": "늦은 메모"})
    push_ok(writer, [late])
    after, _ = new.pull_all(cursor)
    assert ids(after, "event") == [late["event"]["id"]]


def test_a_device_back_after_the_retention_period_resyncs_and_gets_every_record(live, world, api):
    nurse, _vol = _rich_history(world, api)
    away = api(world.nurse1)
    _, away_cursor = sync_pull(away, None)
    set_away(live, away.device_id, days=120)
    push_ok(nurse, [nurse.event(world.hh[1]) for _ in range(4)])
    _, nurse_cursor = sync_pull(nurse, None)
    result = trim(live)
    mine = next(u for u in result.users if u.username == world.nurse1)
    assert mine.devices_passed_over == 1 and mine.devices_counted == 1
    assert trimmed(live, world.nurse1) == p.parse_cursor(nurse_cursor)[1]
    r = away.pull(away_cursor)
    assert r.status_code == 409 and r.json()["code"] == p.ERR_RESYNC
    # The client's resync: push what it holds again (duplicates), then pull from the start.
    snapshot, _ = away.pull_all(limit=4)
    reference, _ = nurse.pull_all()
    _same_records(reference, snapshot)
    with live.session() as s:
        expected = set(
            s.scalars(
                select(Event.id).where(
                    Event.household_id.in_(world.hh[:2]),
                    (Event.programme == "visiting_health") | Event.programme.is_(None),
                )
            )
        )
    assert set(ids(snapshot, "event")) == expected


def test_a_snapshot_cursor_is_checked(live, world, api):
    nurse, _ = _rich_history(world, api)
    sync_pull(nurse, None)
    trim(live)
    new = api(world.nurse1)
    body = new.pull(None, limit=1).json()
    assert "/snapshot/" in body["cursor"] and body["has_more"]
    _epoch, w = p.parse_cursor(body["cursor"])
    assert new.pull(body["cursor"].replace("/h/", "/x/")).status_code == 422
    assert new.pull(body["cursor"].replace(body["epoch"], str(uuid.uuid4()))).status_code == 409
    # A trim past the snapshot's W while it is read: resync, never a gap.
    with live.session() as s:
        s.execute(update(FeedTrim).where(FeedTrim.username == world.nurse1).values(seq=w + 1))
    r = new.pull(body["cursor"])
    assert r.status_code == 409 and r.json()["code"] == p.ERR_RESYNC


# --------------------------------------------------------------------------- who holds the floor


def _dev(status: str = DEVICE_ACTIVE, pulled: int | None = 0, days_ago: int = 0) -> Any:
    seen = utcnow() - timedelta(days=days_ago)
    return SimpleNamespace(
        status=status, pulled_seq=pulled, last_seen=seen, last_login_at=None, registered_at=seen
    )


def test_the_floor_is_the_lowest_device_that_counts() -> None:
    cutoff = utcnow() - timedelta(days=90)
    floor = feed_trim.user_floor
    assert floor(0, [_dev(pulled=40), _dev(pulled=25)], True, 99, cutoff) == (25, 2, 0)
    # revoked, lost, long away: passed over
    devs = [_dev(pulled=40), _dev(DEVICE_LOST, pulled=5), _dev(pulled=3, days_ago=200)]
    assert floor(0, devs, True, 99, cutoff) == (40, 1, 2)
    # a device not known yet (from before the upgrade) holds everything while it is active
    assert floor(0, [_dev(pulled=40), _dev(pulled=None)], True, 99, cutoff) == (0, 2, 0)
    # ... but not once the feed was trimmed (it resyncs: a snapshot)
    assert floor(10, [_dev(pulled=40), _dev(pulled=None)], True, 99, cutoff) == (40, 1, 1)
    # nobody left: everything up to the district's top goes; a deactivated user likewise
    assert floor(10, [_dev(DEVICE_LOST, pulled=50)], True, 99, cutoff) == (99, 0, 1)
    assert floor(0, [], True, 99, cutoff) == (99, 0, 0)
    assert floor(0, [_dev(pulled=40)], False, 99, cutoff) == (99, 0, 1)


# --------------------------------------------------------------------------- reassignment


def test_reassignment_after_trimming_delivers_the_household_to_the_new_worker(live, world, api):
    nurse1, _ = _rich_history(world, api)
    nurse2 = api(world.nurse2)
    sync_pull(nurse1, None)
    _, cursor2 = sync_pull(nurse2, None)
    trim(live)
    assert feed_rows(live, world.nurse1) == 0 and feed_rows(live, world.nurse2) == 0
    history, _ = nurse1.pull_all()  # a new device of nurse1: the snapshot
    with live.session() as s:
        admin.assign_household(
            s, world.hh[0], "visiting_health", world.nurse2, actor=world.supervisor, reason="t"
        )
    got, _ = nurse2.pull_all(cursor2)
    assert world.hh[0] in ids(got, "household")
    expected = {e for e, d in by_id(history, "event").items() if d["household_id"] == world.hh[0]}
    assert expected and expected <= set(ids(got, "event"))


# --------------------------------------------------------------------------- concurrency


def test_pushes_and_pulls_during_trimming_lose_nothing(live, world, api):
    """Writers push, a reader pulls (and so moves its floor) and trims run, all at once."""
    writers = [api(world.nurse1) for _ in range(2)]
    reader = api(world.nurse1)
    pushed: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    errors: list[BaseException] = []

    def write(dev: Any) -> None:
        try:
            for i in range(15):
                items = [dev.event(world.hh[(i + j) % 2]) for j in range(3)]
                push_ok(dev, items)
                with lock:
                    pushed.extend(x["event"]["id"] for x in items)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def trim_loop() -> None:
        try:
            while not stop.is_set():
                trim(live)
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    got: list[str] = []
    cursor = None
    threads = [threading.Thread(target=write, args=(w,)) for w in writers]
    trimmer = threading.Thread(target=trim_loop)
    for t in [*threads, trimmer]:
        t.start()
    resyncs = 0
    for _ in range(10_000):  # bounded: a broken server must fail the test, not hang it
        if not any(t.is_alive() for t in threads) and cursor is not None:
            break
        r = reader.pull(cursor, limit=5)
        if r.status_code == 409:  # passed over: resync from the start (the client's way)
            resyncs += 1
            cursor = None
            continue
        body = r.json()
        got += ids(body["changes"], "event")
        cursor = body["cursor"]
    stop.set()
    trimmer.join()
    for t in threads:
        t.join()
    assert not errors, errors
    rest, _ = reader.pull_all(cursor)
    got += ids(rest, "event")
    assert set(got) >= set(pushed)  # nothing lost
    if resyncs == 0:  # the reader held the floor all along: no duplicate either
        assert len(got) == len(set(got))


# --------------------------------------------------------------------------- command


def test_trim_feed_command_counts_then_trims(live, world, api, capsys):
    nurse = api(world.nurse1)
    push_ok(nurse, [nurse.event(world.hh[0]) for _ in range(3)])
    sync_pull(nurse, None)
    before = feed_rows(live, world.nurse1)
    url = ["--database-url", live.database_url]
    assert server_cli([*url, "trim-feed", "--dry-run", "--district", "1144000000"]) == 0
    out = capsys.readouterr().out
    assert "would delete" in out and feed_rows(live, world.nurse1) == before
    assert server_cli([*url, "trim-feed"]) == 0
    assert "deleted" in capsys.readouterr().out and feed_rows(live, world.nurse1) == 0
    assert server_cli([*url, "trim-feed", "--district", "0000"]) == 1
