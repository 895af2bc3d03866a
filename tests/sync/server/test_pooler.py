"""The server through PgBouncer in transaction mode (``?pooler=transaction``).

In transaction mode a client's next transaction may run on another server connection, so
psycopg's automatic prepared statements (made on a statement's 5th run) break: one client's
``_pg3_0`` is already there for another, or missing where it now runs. The test shows that
break with a plain URL, then the same work through the marked URL, and a sync round trip of
the real server behind the pooler.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from sync.server import db
from tests.helpers.live_server import serving
from tests.helpers.pg_processes import PgBouncer, pgbouncer
from tests.helpers.world import Api, build_world

pytestmark = pytest.mark.postgres

#: More runs of one statement than psycopg's prepare threshold (5).
RUNS = 8


@pytest.fixture
def bouncer(migrated_pg_url: str) -> Iterator[PgBouncer]:
    """A pooler of its own with ONE server connection: two clients always share it."""
    url = make_url(migrated_pg_url)
    with pgbouncer(
        str(url.username), target_port=url.port or 5432, host=url.host or "127.0.0.1", pool_size=1
    ) as running:
        yield running


def _same_statement_from_two_clients(url: str) -> None:
    engine = db.make_engine(url)
    try:
        with engine.connect() as first, engine.connect() as second:
            for _ in range(RUNS):
                for conn in (first, second):
                    conn.execute(
                        text("SELECT count(*) FROM districts WHERE code <> :c"), {"c": "x"}
                    )
                    conn.commit()
    finally:
        engine.dispose()


def test_plain_url_through_the_pooler_breaks_on_prepared_statements(
    bouncer: PgBouncer, migrated_pg_url: str
) -> None:
    plain = make_url(bouncer.url(migrated_pg_url)).difference_update_query(["pooler"])
    with pytest.raises(DBAPIError, match="prepared statement"):
        _same_statement_from_two_clients(plain.render_as_string(hide_password=False))


def test_marked_url_works_through_the_pooler(bouncer: PgBouncer, migrated_pg_url: str) -> None:
    _same_statement_from_two_clients(bouncer.url(migrated_pg_url))


def test_unknown_pooler_option_is_refused_with_the_fix() -> None:
    with pytest.raises(ValueError, match=r"\?pooler=transaction"):
        db.make_engine("postgresql+psycopg://u@127.0.0.1:1/d?pooler=session")


def test_sync_round_trip_through_the_pooler(bouncer: PgBouncer, migrated_pg_url: str) -> None:
    with serving(bouncer.url(migrated_pg_url)) as server:
        world = build_world(server)
        writer, reader = Api(server.base_url), Api(server.base_url)
        assert writer.login(world.nurse1).status_code == 200
        assert reader.login(world.nurse1).status_code == 200
        _, cursor = reader.pull_all()
        pushed = []
        for i in range(RUNS):
            item = writer.event(world.hh[i % 2], "note", {"text": f"풀러 {i}"}, "visiting_health")
            assert writer.push([item]).json()["results"][0]["status"] == "applied"
            pushed.append(item["event"]["id"])
            changes, cursor = reader.pull_all(cursor)
            assert [c["data"]["id"] for c in changes if c["kind"] == "event"] == [
                item["event"]["id"]
            ]
        for client in (writer, reader):
            client.close()
