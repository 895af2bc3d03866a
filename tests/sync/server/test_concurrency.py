"""Commit-order cursor under concurrent writers on PostgreSQL, in several districts at once.

In each of three districts, writer devices push with random delays inside their transactions
while a reader of that district pulls in a loop; all districts run at the same time. With the
server's cursor (each district's counter row updated last in each transaction) every reader
sees every committed change of its district exactly once. The same run against a deliberately naive cursor (a
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

from sync.server import admin, syncing
from sync.server.models import Feed
from tests.helpers.live_server import LiveServer, serving
from tests.helpers.world import PASSWORD, Api, build_world, household_wire

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

#: Writers per district (all districts push at once).
WRITERS = 4
PUSHES_PER_WRITER = 8
MAX_DELAY_S = 0.015
#: The test world's district and two more (서대문구, 강남구), each with a nurse and households.
OTHER_DISTRICTS = ("1141000000", "1168000000")


@dataclass(frozen=True)
class Lane:
    """One district's part of the exchange: its nurse (writers and reader) and households."""

    nurse: str
    households: tuple[str, str]


def build_lanes(server: LiveServer) -> list[Lane]:
    """The test world's district plus :data:`OTHER_DISTRICTS`, one nurse and two households
    each (the nurse holds both)."""
    world = build_world(server)
    lanes = [Lane(world.nurse1, (world.hh[0], world.hh[1]))]
    for code in OTHER_DISTRICTS:
        dong, nurse, vol = f"{code[:5]}55500", f"nurse-{code[:5]}", f"vol-{code[:5]}"
        with server.session() as s:
            admin.create_district(s, code, f"가상구 {code[:5]}")
            admin.create_dong(s, dong, code, "가상동")
            admin.create_user(s, nurse, role="nurse", district_code=code, password=PASSWORD)
            admin.create_user(s, vol, role="volunteer", district_code=code, password=PASSWORD)
        ids = []
        for _ in range(2):
            wire = household_wire(
                district_code=code,
                dong_code=dong,
                assignments={"welfare_check": vol, "visiting_health": nurse},
            )
            with server.session() as s:
                ids.append(admin.create_household(s, wire, actor="admin").id)
        lanes.append(Lane(nurse, (ids[0], ids[1])))
    return lanes


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


def run_exchange(server: LiveServer, lanes: list[Lane]) -> Outcome:
    """In every lane at once, writers push (one event each time) while the lane's reader
    pulls; returns what happened, over all lanes (each reader sees only its own district)."""
    committed: list[str] = []
    seen: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(lanes) * (WRITERS + 1))
    errors: list[BaseException] = []

    def write(client: Api, lane: Lane) -> None:
        try:
            start.wait()
            for i in range(PUSHES_PER_WRITER):
                item = client.event(
                    lane.households[i % 2], "note", {"text": f"동시 {i}"}, "visiting_health"
                )
                r = client.push([item])
                r.raise_for_status()
                if r.json()["results"][0]["status"] == "applied":
                    with lock:
                        committed.append(item["event"]["id"])
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    def read(reader: Api, cursor: str, writers: list[threading.Thread]) -> None:
        got: list[str] = []
        try:
            start.wait()
            writers_done = False
            while not writers_done:
                # After the last commit, one more full pass below.
                writers_done = all(not t.is_alive() for t in writers)
                body = reader.pull(cursor).json()
                got += [c["data"]["id"] for c in body["changes"] if c["kind"] == "event"]
                cursor = body["cursor"]
            changes, _ = reader.pull_all(cursor)
            got += [c["data"]["id"] for c in changes if c["kind"] == "event"]
        except BaseException as exc:
            errors.append(exc)
        with lock:
            seen.extend(got)

    clients: list[Api] = []
    threads: list[threading.Thread] = []
    for lane in lanes:
        writers = [_device(server, lane.nurse) for _ in range(WRITERS)]
        reader = _device(server, lane.nurse)
        _, cursor = reader.pull_all()
        clients += [*writers, reader]
        lane_writers = [threading.Thread(target=write, args=(w, lane)) for w in writers]
        threads += [
            *lane_writers,
            threading.Thread(target=read, args=(reader, cursor, lane_writers)),
        ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for client in clients:
        client.close()
    assert not errors, errors
    assert len(committed) == len(lanes) * WRITERS * PUSHES_PER_WRITER
    return Outcome(committed, seen)


def _jitter() -> None:
    time.sleep(random.uniform(0, MAX_DELAY_S))


def test_every_committed_change_is_seen_exactly_once(pg_live, monkeypatch) -> None:
    lanes = build_lanes(pg_live)
    real = syncing.allocate_seqs

    def slow_allocate(session, district: str, n: int) -> int:
        _jitter()  # other transactions overtake this one here ...
        top = real(session, district, n)
        _jitter()  # ... and here, while it holds the counter row until commit
        return top

    monkeypatch.setattr(syncing, "allocate_seqs", slow_allocate)
    outcome = run_exchange(pg_live, lanes)
    assert outcome.missed == []
    assert outcome.duplicated == []
    assert len(outcome.seen) == len(outcome.committed)


def install_naive_cursor(monkeypatch: pytest.MonkeyPatch, server: LiveServer) -> None:
    """Stamp each change from a plain sequence when it is recorded (the classic bug)."""
    with server.session() as s:
        current = s.execute(text("SELECT max(seq) FROM district_seqs")).scalar_one()
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
        self.session.execute(text("UPDATE district_seqs SET seq = GREATEST(seq, :s)"), {"s": top})
        for c in self.changes:
            if c.on_stamp is not None and c.seq is not None:
                c.on_stamp(c.seq)
        self.changes = []

    monkeypatch.setattr(syncing.FeedWriter, "add", naive_add)
    monkeypatch.setattr(syncing.FeedWriter, "stamp", naive_stamp)


def test_the_same_test_catches_a_naive_sequence_cursor(pg_live, monkeypatch) -> None:
    lanes = build_lanes(pg_live)
    install_naive_cursor(monkeypatch, pg_live)
    missed: list[str] = []
    # A race: it nearly always shows on the first run; on a loaded machine the reader can miss
    # the window, so give it more chances (the loop stops at the first loss).
    for _attempt in range(10):
        outcome = run_exchange(pg_live, lanes)
        assert outcome.duplicated == []
        missed = outcome.missed
        if missed:
            break
    assert missed, "the naive cursor lost nothing: the concurrency test cannot catch the bug"
    print(f"naive cursor: {len(missed)} acknowledged changes never reached the reader")
