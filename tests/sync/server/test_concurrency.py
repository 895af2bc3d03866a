"""Commit-order cursor under concurrent writers on PostgreSQL.

Eight writer devices push with random delays inside their transactions while a reader pulls
in a loop. With the server's cursor (a counter row updated last in each transaction) the reader
sees every committed change exactly once. The same run against a deliberately naive cursor (a
plain sequence value taken when the change is recorded, before the rest of the transaction)
misses changes: a later transaction commits first, the reader's cursor passes the earlier
number, and the earlier transaction's change becomes visible below the cursor. The naive
version lives only here, to show that the test catches the bug.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import insert, text

from sync.server import syncing
from sync.server.models import Feed
from tests.helpers.live_server import LiveServer, serving
from tests.helpers.world import Api, World, build_world

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

WRITERS = 8
PUSHES_PER_WRITER = 8
MAX_DELAY_S = 0.015


@dataclass
class Outcome:
    committed: list[str]
    seen: list[str]

    @property
    def missed(self) -> list[str]:
        """Changes a writer was told were applied that the reader never received."""
        seen = set(self.seen)
        return [c for c in self.committed if c not in seen]

    @property
    def duplicated(self) -> list[str]:
        return [c for c, n in Counter(self.seen).items() if n > 1]


@pytest.fixture
def pg_live(migrated_pg_url: str) -> Iterator[LiveServer]:
    with serving(migrated_pg_url) as server:
        yield server


def _device(server: LiveServer, username: str) -> Api:
    client = Api(server.base_url)
    r = client.login(username)
    assert r.status_code == 200, r.text
    return client


def run_exchange(server: LiveServer, world: World) -> Outcome:
    """Writers push (one event each time) while the reader pulls; returns what happened."""
    writers = [_device(server, world.nurse1) for _ in range(WRITERS)]
    reader = _device(server, world.nurse1)
    _, cursor = reader.pull_all()
    committed: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(WRITERS + 1)
    writers_done = threading.Event()
    errors: list[BaseException] = []

    def write(client: Api) -> None:
        try:
            start.wait()
            for i in range(PUSHES_PER_WRITER):
                item = client.event(
                    world.hh[i % 2], "note", {"text": f"동시 {i}"}, "visiting_health"
                )
                r = client.push([item])
                r.raise_for_status()
                if r.json()["results"][0]["status"] == "applied":
                    with lock:
                        committed.append(item["event"]["id"])
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in writers]
    for t in threads:
        t.start()
    seen: list[str] = []
    start.wait()
    while not writers_done.is_set():
        if all(not t.is_alive() for t in threads):
            writers_done.set()  # one more full pass below after the last commit
        body = reader.pull(cursor).json()
        seen += [c["data"]["id"] for c in body["changes"] if c["kind"] == "event"]
        cursor = body["cursor"]
    changes, _ = reader.pull_all(cursor)
    seen += [c["data"]["id"] for c in changes if c["kind"] == "event"]
    for t in threads:
        t.join()
    for client in [*writers, reader]:
        client.close()
    assert not errors, errors
    assert len(committed) == WRITERS * PUSHES_PER_WRITER
    return Outcome(committed, seen)


def _jitter() -> None:
    time.sleep(random.uniform(0, MAX_DELAY_S))


def test_every_committed_change_is_seen_exactly_once(pg_live, monkeypatch) -> None:
    world = build_world(pg_live)
    real = syncing.allocate_seqs

    def slow_allocate(session, n: int) -> int:
        _jitter()  # other transactions overtake this one here ...
        top = real(session, n)
        _jitter()  # ... and here, while it holds the counter row until commit
        return top

    monkeypatch.setattr(syncing, "allocate_seqs", slow_allocate)
    outcome = run_exchange(pg_live, world)
    assert outcome.missed == []
    assert outcome.duplicated == []
    assert len(outcome.seen) == len(outcome.committed)


def install_naive_cursor(monkeypatch: pytest.MonkeyPatch, server: LiveServer) -> None:
    """Stamp each change from a plain sequence when it is recorded (the classic bug)."""
    with server.session() as s:
        _, current = syncing.server_state(s)
        s.execute(text(f"CREATE SEQUENCE naive_feed_seq START {current + 1}"))
    real_add: Callable[..., syncing.PendingChange] = syncing.FeedWriter.add

    def naive_add(self: syncing.FeedWriter, *args, **kwargs) -> syncing.PendingChange:
        change = real_add(self, *args, **kwargs)
        change.seq = self.session.execute(text("SELECT nextval('naive_feed_seq')")).scalar_one()
        _jitter()  # the rest of the transaction runs after the number is taken
        return change

    def naive_stamp(self: syncing.FeedWriter) -> None:
        if not self.changes:
            return
        rows = [
            {
                "username": user,
                "seq": c.seq,
                "kind": c.kind.value,
                "household_id": c.household_id,
                "ref_id": c.ref_id,
            }
            for c in self.changes
            for user in c.recipients
        ]
        if rows:
            self.session.execute(insert(Feed), rows)
        top = max(int(c.seq or 0) for c in self.changes)
        self.session.execute(
            text("UPDATE server_meta SET seq = GREATEST(seq, :s) WHERE id = 1"), {"s": top}
        )
        for c in self.changes:
            if c.on_stamp is not None and c.seq is not None:
                c.on_stamp(c.seq)
        self.changes = []

    monkeypatch.setattr(syncing.FeedWriter, "add", naive_add)
    monkeypatch.setattr(syncing.FeedWriter, "stamp", naive_stamp)


def test_the_same_test_catches_a_naive_sequence_cursor(pg_live, monkeypatch) -> None:
    world = build_world(pg_live)
    install_naive_cursor(monkeypatch, pg_live)
    missed: list[str] = []
    # A race: it nearly always shows on the first run; on a loaded machine the reader can miss
    # the window, so give it more chances (the loop stops at the first loss).
    for _attempt in range(10):
        outcome = run_exchange(pg_live, world)
        assert outcome.duplicated == []
        missed = outcome.missed
        if missed:
            break
    assert missed, "the naive cursor lost nothing: the concurrency test cannot catch the bug"
    print(f"naive cursor: {len(missed)} acknowledged changes never reached the reader")
