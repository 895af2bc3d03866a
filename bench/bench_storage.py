"""Storage per district-year: the change feed against the records, before and after trimming.

Every change is fanned out into ``feed`` once per reader (issue 16, item 6). This benchmark
seeds the synthetic demo district (:func:`sync.server.seeding.seed_demo`: nurses and
volunteers, two years of history, every event through the push rules and the fan-out), gives
every worker one laptop that has yet to pull the last day's share of its feed (a laptop that
syncs daily), and measures on SQLite and PostgreSQL:

* rows and bytes of ``feed`` (table and its indexes) against the records (households,
  assignments and their history, events, edits, conflicts; tables and indexes), per
  district-year (the history's span), before and after ``trim_feeds``;
* the trim's own time;
* a new laptop's first pull of the nurse with the most households, in-process
  (:func:`sync.server.feed_trim.read_pull` page by page plus the JSON): from the feed before
  trimming (the baseline) and from the snapshot of the records after.

Bytes: PostgreSQL ``pg_total_relation_size`` after ``VACUUM FULL`` (what the tables hold; a
plain ``VACUUM``, as autovacuum runs, makes the trimmed space reusable without giving it back);
SQLite ``dbstat`` page bytes after ``VACUUM``.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime

from bench.common import (
    TODAY,
    Row,
    pick,
    postgres_available,
    server_database,
    session_for,
)

NAME = "storage"
RECORD_TABLES = (
    "households",
    "assignments",
    "assignment_history",
    "events",
    "household_edits",
    "conflicts",
)


def _vacuum(url: str, kind: str) -> None:
    import sqlite3

    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from sync.server import db

    if kind == "sqlite":  # outside the server's engine, which begins every transaction itself
        conn = sqlite3.connect(make_url(url).database or "", isolation_level=None)
        try:
            conn.execute("VACUUM")
        finally:
            conn.close()
        return
    engine = db.make_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM FULL ANALYZE"))
    finally:
        engine.dispose()


def _bytes(url: str, kind: str) -> dict[str, int]:
    """Bytes of each table with its indexes (after a vacuum)."""
    from sqlalchemy import text

    _vacuum(url, kind)
    out: dict[str, int] = {}
    with session_for(url) as s:
        for table in ("feed", *RECORD_TABLES):
            if kind == "postgres":
                out[table] = int(
                    s.execute(text(f"SELECT pg_total_relation_size('{table}')")).scalar()
                )
            else:
                out[table] = int(
                    s.execute(
                        text(
                            "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN "
                            "(SELECT name FROM sqlite_master WHERE tbl_name = :t)"
                        ),
                        {"t": table},
                    ).scalar()
                )
    return out


def _counts(url: str) -> dict[str, int]:
    from sqlalchemy import func, select, table

    with session_for(url) as s:
        return {
            t: int(s.scalar(select(func.count()).select_from(table(t))) or 0)
            for t in ("feed", *RECORD_TABLES)
        }


def _first_pull_seconds(url: str, username: str) -> tuple[float, int]:
    """Best of 3: a new laptop's whole first pull, in-process (pages of the default size)."""
    from sqlalchemy import select

    from sync import protocol as p
    from sync.server import feed_trim, syncing
    from sync.server.models import User

    best, changes = float("inf"), 0
    for _ in range(3):
        with session_for(url) as s:
            user = s.scalars(select(User).where(User.username == username)).one()
            start = time.perf_counter()
            cursor, n = None, 0
            while True:
                page = feed_trim.read_pull(s, user, cursor, p.DEFAULT_PULL_LIMIT)
                body = {"epoch": page.epoch, "cursor": page.cursor, "has_more": page.has_more}
                syncing.page_json({**body, "changes": page.changes, "server_time": "x"})
                n += len(page.changes)
                s.rollback()
                cursor = page.cursor
                if not page.has_more:
                    break
            best = min(best, time.perf_counter() - start)
            changes = n
    return best, changes


def _one(kind: str, households: int) -> list[Row]:
    from sqlalchemy import func, select, update

    from sync.server import feed_trim, seeding
    from sync.server.models import Assignment, Device, Event, Feed, User, utcnow

    with server_database(kind) as url:
        with session_for(url) as s:
            info = seeding.seed_demo(s, households=households, seed=1, today=TODAY)
        code = info["districts"][0]["code"]
        with session_for(url) as s:
            first, last = s.execute(
                select(func.min(Event.device_time), func.max(Event.device_time))
            ).one()
            years = max((last - first).days / 365.25, 1 / 365.25)
            workers = list(
                s.scalars(select(User.username).where(User.role.in_(("nurse", "volunteer"))))
            )
            # Each laptop last pulled a day ago: its user's feed less one day's share of it.
            now = utcnow()
            unpulled = 0  # the rows the laptops have yet to pull: what a trim must leave
            for i, username in enumerate(workers):
                n = s.scalar(
                    select(func.count()).select_from(Feed).where(Feed.username == username)
                )
                day = math.ceil((n or 0) / (years * 365.25))
                pulled = s.scalar(
                    select(Feed.seq)
                    .where(Feed.username == username)
                    .order_by(Feed.seq.desc())
                    .offset(day)
                    .limit(1)
                )
                pulled = int(pulled or 0)
                unpulled += min(day, n or 0)
                mine = s.execute(
                    update(Device)
                    .where(Device.username == username)
                    .values(pulled_seq=pulled, last_seen=now)
                )
                if not mine.rowcount:  # the demo made laptops for some workers already
                    s.add(
                        Device(
                            id=f"bench-laptop-{i:04d}",
                            username=username,
                            name="bench",
                            db_key=b"\0" * 32,
                            last_seen=now,
                            pulled_seq=pulled,
                        )
                    )
            nurse = s.execute(
                select(Assignment.username, func.count())
                .join(User, User.username == Assignment.username)
                .where(User.role == "nurse")
                .group_by(Assignment.username)
                .order_by(func.count().desc())
            ).first()[0]
            s.commit()
        counts_before, bytes_before = _counts(url), _bytes(url, kind)
        feed_s, feed_changes = _first_pull_seconds(url, nurse)
        with session_for(url) as s:
            start = time.perf_counter()
            result = feed_trim.trim_feeds(s, code, now=datetime.now(UTC))
            trim_s = time.perf_counter() - start
        counts_after, bytes_after = _counts(url), _bytes(url, kind)
        snap_s, snap_changes = _first_pull_seconds(url, nurse)

    def per_year(value: float) -> float:
        return value / years

    records_rows = sum(counts_before[t] for t in ("households", "events"))
    records_bytes = sum(bytes_before[t] for t in RECORD_TABLES)
    mb = 1024 * 1024
    label = f"{households} households, {years:.2f} years of history, {len(workers)} workers"
    db_name = "PostgreSQL" if kind == "postgres" else "SQLite"
    return [
        Row(
            NAME,
            f"{db_name}: feed rows per district-year, untrimmed",
            per_year(counts_before["feed"]),
            "rows",
            per_year(records_rows),
            "households + events",
            counts_before["feed"] / records_rows if records_rows else None,
            note=label,
        ),
        Row(
            NAME,
            f"{db_name}: feed MB per district-year, untrimmed",
            per_year(bytes_before["feed"]) / mb,
            "MB",
            per_year(records_bytes) / mb,
            "records MB (tables + indexes)",
            bytes_before["feed"] / records_bytes if records_bytes else None,
            note=f"records: {', '.join(RECORD_TABLES)}",
        ),
        Row(
            NAME,
            f"{db_name}: feed MB after trim-feed (whole history)",
            bytes_after["feed"] / mb,
            "MB",
            records_bytes / mb,
            f"records MB, all {years:.2f} years",
            bytes_after["feed"] / records_bytes if records_bytes else None,
            target="bounded: about a day of changes, not years",
            met=counts_after["feed"] <= unpulled,
            note=f"{counts_after['feed']} rows left of {counts_before['feed']} (each laptop "
            f"has yet to pull its last day's share of its feed: {unpulled} rows); records "
            "unchanged: "
            f"{counts_after['events'] == counts_before['events']}",
        ),
        Row(
            NAME,
            f"{db_name}: trim-feed time",
            trim_s * 1000,
            "ms",
            note=f"{result.rows_trimmed} rows deleted for {len(result.users)} users",
        ),
        Row(
            NAME,
            f"{db_name}: new laptop's first pull from the snapshot (after trim)",
            snap_s * 1000,
            "ms",
            feed_s * 1000,
            "from the untrimmed feed",
            snap_s / feed_s if feed_s else None,
            note=f"{nurse}: {snap_changes} changes vs {feed_changes} from the feed; "
            "in-process read_pull + page JSON, best of 3",
        ),
    ]


def run(size: str = "reduced") -> list[Row]:
    households = pick(size, 20, 300, 2000)
    rows = _one("sqlite", households)
    if postgres_available():
        rows += _one("postgres", households)
    else:
        rows.append(Row(NAME, "PostgreSQL", 0, "", note="not measured (no PostgreSQL)"))
    return rows
