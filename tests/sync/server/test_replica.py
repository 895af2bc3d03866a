"""Reads that only read go to a real streaming hot standby while it is fresh; sync stays on the
primary; a standby that lags past the bound, or is gone, is passed over.

A primary and a standby are made with the installed PostgreSQL 15 binaries (``initdb``,
``pg_basebackup -R``) on free loopback ports. Replay on the standby is paused to make it lag
while the primary moves on: the board then shows the standby's older state under a loose
bound (proof that it reads there) and the primary's under a tight one (the fallback).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from sync.server import admin, db, replica
from sync.server.settings import Settings
from tests.helpers.live_server import LiveServer, start_server
from tests.helpers.pg_processes import Cluster, primary_and_standby
from tests.helpers.supervisor import call, ok
from tests.helpers.world import Api, World, build_world, household_wire

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with primary_and_standby() as running:
        yield running


def _sql(cluster: Cluster, port: int, query: str) -> Any:
    conninfo = f"host=127.0.0.1 port={port} user={cluster.user} dbname=postgres"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        cur = conn.execute(query)
        return cur.fetchone()[0] if cur.description else None  # type: ignore[index]


def _wait_until_replayed(cluster: Cluster) -> None:
    target = _sql(cluster, cluster.primary_port, "SELECT pg_current_wal_lsn()::text")
    query = f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"
    deadline = time.monotonic() + 30
    while not _sql(cluster, cluster.standby_port, query):
        assert time.monotonic() < deadline, "the standby did not catch up within 30 s"
        time.sleep(0.05)


def _server(cluster: Cluster, max_lag_ms: int) -> LiveServer:
    settings = Settings(
        read_database_url=cluster.url(cluster.standby_port, "fieldapp"),
        read_max_lag_ms=max_lag_ms,
    )
    return start_server(cluster.url(cluster.primary_port, "fieldapp"), settings)


def _caseload(server: LiveServer, world: World, supervisor: Api) -> int:
    time.sleep(replica.CHECK_EVERY_S)  # the router measures the lag again
    board = ok(call(supervisor, "GET", "/board"))
    return sum(
        w["caseload"]
        for w in board["workers"]
        if w["username"] == world.nurse1 and w["programme"] == "visiting_health"
    )


def test_board_reads_the_fresh_standby_sync_the_primary_and_a_lagging_standby_is_passed_over(
    cluster: Cluster,
) -> None:
    _sql(cluster, cluster.primary_port, "CREATE DATABASE fieldapp")
    db.upgrade(cluster.url(cluster.primary_port, "fieldapp"))
    loose, tight = _server(cluster, 3_600_000), _server(cluster, 300)
    try:
        world = build_world(loose)
        _wait_until_replayed(cluster)
        supervisors, nurse = {}, Api(loose.base_url)
        for name, server in (("loose", loose), ("tight", tight)):
            supervisors[name] = Api(server.base_url)
            assert supervisors[name].login(world.supervisor).status_code == 200
        assert nurse.login(world.nurse1).status_code == 200
        _, cursor = nurse.pull_all()
        assert _caseload(loose, world, supervisors["loose"]) == 2
        assert _caseload(tight, world, supervisors["tight"]) == 2

        # The standby stops replaying; the primary gets a third household for nurse1.
        _sql(cluster, cluster.standby_port, "SELECT pg_wal_replay_pause()")
        with loose.session() as s:
            wire = household_wire(
                assignments={"welfare_check": world.vol1, "visiting_health": world.nurse1}
            )
            new_id = admin.create_household(s, wire, actor=world.supervisor).id
        time.sleep(0.5)  # the standby's last replayed commit is now older than the tight bound
        # Sync reads the primary whatever the bound: the nurse receives the new household.
        changes, cursor = nurse.pull_all(cursor)
        assert new_id in {c["household_id"] for c in changes}
        # The board under the loose bound reads the (lagging) standby: still two ...
        assert _caseload(loose, world, supervisors["loose"]) == 2
        # ... under the tight bound the standby is passed over: the primary's three.
        assert _caseload(tight, world, supervisors["tight"]) == 3
        assert not tight.app.state.read_router.standby_is_fresh()

        # Replay resumes: once caught up, the standby is fresh again for both.
        _sql(cluster, cluster.standby_port, "SELECT pg_wal_replay_resume()")
        _wait_until_replayed(cluster)
        assert _caseload(loose, world, supervisors["loose"]) == 3
        assert _caseload(tight, world, supervisors["tight"]) == 3
        assert tight.app.state.read_router.standby_is_fresh()

        # The standby goes away: reads fall back to the primary, nothing fails.
        cluster.stop_standby()
        assert _caseload(loose, world, supervisors["loose"]) == 3
        assert not loose.app.state.read_router.standby_is_fresh()
        for client in (*supervisors.values(), nurse):
            client.close()
    finally:
        loose.stop()
        tight.stop()


def test_a_read_url_that_is_not_a_standby_is_never_used(migrated_pg_url: str) -> None:
    """FIELDAPP_READ_DATABASE_URL pointed at a primary by mistake: reads stay on the primary
    (a primary has no replay lag to measure: it could be any other database)."""
    primary, not_a_standby = db.make_engine(migrated_pg_url), db.make_engine(migrated_pg_url)
    try:
        assert replica.replay_lag_s(not_a_standby) is None
        router = replica.ReadRouter(
            db.make_sessionmaker(primary), db.make_sessionmaker(not_a_standby)
        )
        assert not router.standby_is_fresh()
        with router.session() as s:
            assert s.get_bind() is primary
    finally:
        primary.dispose()
        not_a_standby.dispose()
