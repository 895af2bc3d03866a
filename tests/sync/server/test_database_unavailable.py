"""A database that cannot be reached is 503 ``unavailable`` with Retry-After, never a 500
(issue 13, 7): PostgreSQL backends terminated between requests and during one, and a pool
that has no connection free. The failed pooled connections are replaced at once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import select
from sqlalchemy.engine import make_url

from sync import protocol as p
from sync.server import syncing
from sync.server.models import Event


def _terminate_backends(request: pytest.FixtureRequest, live) -> int:
    """Terminate every PostgreSQL backend of the server's database; return how many."""
    if not live.database_url.startswith("postgresql"):
        pytest.skip("terminating backends is a PostgreSQL matter")
    admin = request.getfixturevalue("_pg_server").admin
    rows = admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        [make_url(live.database_url).database],
    ).fetchall()
    live.sessions.kw["bind"].dispose()  # the test's own connections went too
    return len(rows)


def _assert_unavailable(r) -> None:
    assert r.status_code == 503, r.text
    assert r.json()["code"] == p.ERR_UNAVAILABLE
    assert int(r.headers["Retry-After"]) > 0


def test_backends_terminated_between_requests(request, live, world, api) -> None:
    nurse = api(world.nurse1)
    assert nurse.pull().status_code == 200
    for _ in range(3):
        assert _terminate_backends(request, live) > 0
        answers = [nurse.pull() for _ in range(3)]
        answers.append(nurse.push([nurse.event(world.hh[0])]))
        for r in answers:
            if r.status_code != 200:
                _assert_unavailable(r)
        assert answers[-1].status_code == 200  # the pool's dead connections were replaced
        assert answers[-2].status_code == 200


def test_backends_terminated_during_a_push(request, live, world, api, monkeypatch) -> None:
    nurse = api(world.nurse1)
    assert nurse.pull().status_code == 200
    inside, resume = threading.Event(), threading.Event()
    real = syncing.apply_event

    def held_once(ctx, ev, checked=None):
        if not inside.is_set():
            inside.set()
            assert resume.wait(10)
        return real(ctx, ev, checked)

    monkeypatch.setattr(syncing, "apply_event", held_once)
    item = nurse.event(world.hh[0])
    answer: list = []
    pushing = threading.Thread(target=lambda: answer.append(nurse.push([item], key="k" * 20)))
    pushing.start()
    assert inside.wait(10)  # the push is inside its transaction
    assert _terminate_backends(request, live) > 0
    resume.set()
    pushing.join(30)
    [r] = answer
    if r.status_code != 200:
        _assert_unavailable(r)
    again = nurse.push([item], key="k" * 20)  # what a client does after a 503
    assert again.status_code == 200
    assert again.json()["results"][0]["status"] in ("applied", "duplicate")
    with live.session() as s:
        assert s.scalars(select(Event.id).where(Event.id == item["event"]["id"])).all() == [
            item["event"]["id"]
        ]


def test_no_pooled_connection_free_is_503_and_a_bug_is_still_500(
    live, world, api, monkeypatch
) -> None:
    nurse = api(world.nurse1)

    def pool_timeout(*_args, **_kwargs):
        raise sa_exc.TimeoutError("QueuePool limit of size 10 overflow 20 reached")

    monkeypatch.setattr(syncing, "pull_page", pool_timeout)
    _assert_unavailable(nurse.pull())

    def bug(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(syncing, "pull_page", bug)
    r = nurse.pull()
    assert r.status_code == 500 and r.json()["code"] == "internal"
