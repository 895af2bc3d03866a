"""The push's work before its writing transaction (issue 16, item 5): the event rules run and
a stored answer is found without the write lock; the rules complete each event in place, a
NaN or Infinity in a payload is stored as null (as before), and nothing is lost or doubled."""

from __future__ import annotations

import threading
import uuid

import orjson
from sqlalchemy import func, select, text

from sync import protocol as p
from sync.server import syncing
from sync.server.models import Event


def _other_writer(live, done: list[bool], timeout_s: float = 5.0) -> None:
    """Write in another transaction; *done* gets whether it finished within *timeout_s*."""

    def write() -> None:
        with live.session() as s:
            s.execute(text("UPDATE server_meta SET epoch = epoch"))

    other = threading.Thread(target=write)
    other.start()
    other.join(timeout_s)
    done.append(not other.is_alive())
    other.join(60)


def test_the_event_rules_run_while_other_writers_go_on(live, world, api, monkeypatch) -> None:
    nurse = api(world.nurse1)
    real = syncing.validate_event
    done: list[bool] = []

    def rules(event, **kw):
        if not done:
            _other_writer(live, done)  # on SQLite it waits if the push holds the write lock
        return real(event, **kw)

    monkeypatch.setattr(syncing, "validate_event", rules)
    items = [nurse.event(world.hh[0]) for _ in range(3)]
    r = nurse.push(items)
    assert r.status_code == 200
    assert [x["status"] for x in r.json()["results"]] == ["applied"] * 3
    assert done == [True]


def test_a_stored_answer_is_found_while_another_writer_holds_the_lock(live, world, api) -> None:
    nurse = api(world.nurse1)
    items = [nurse.event(world.hh[0])]
    key = uuid.uuid4().hex
    first = nurse.push(items, key=key)
    assert first.status_code == 200
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with live.session() as s:
            s.execute(text("UPDATE server_meta SET epoch = epoch"))  # SQLite: the write lock
            held.set()
            release.wait(60)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        answer: list = []
        replay = threading.Thread(target=lambda: answer.append(nurse.push(items, key=key)))
        replay.start()
        replay.join(8)
        answered_while_held = not replay.is_alive()
    finally:
        release.set()
        holder.join(30)
    replay.join(60)
    assert answered_while_held
    assert answer[0].status_code == 200
    assert answer[0].content == first.content  # the stored answer, byte for byte


def test_the_rules_complete_the_event_and_nothing_is_stored_twice(live, world, api) -> None:
    nurse = api(world.nurse1)
    item = nurse.event(world.hh[0], "visit", {"vitals": {"pulse": 70}})
    dup = {"kind": "event", "event": dict(item["event"])}
    r = nurse.push([item, dup, nurse.event(world.hh[0], "note", {"text": "\ud800"})])
    assert [x["status"] for x in r.json()["results"]] == ["applied", "duplicate", "rejected"]
    with live.session() as s:
        assert s.scalar(select(func.count()).select_from(Event)) == 1
        stored = s.get(Event, item["event"]["id"]).payload
    assert stored["vitals"] == {"pulse": 70}
    assert stored["result"]["metrics"] == {"pulse": 70.0}  # recomputed by the server


def test_a_nan_or_infinity_in_a_payload_is_stored_as_null(live, world, api) -> None:
    """The decision, as the server did before the rules stopped copying payloads: pydantic's
    JSON-mode dump turns NaN and Infinity into null before the rules see them, so a NaN
    pulse is an empty pulse (the rules then judge null), stored and sent as null."""
    nurse = api(world.nurse1)
    items = [
        nurse.event(world.hh[0], "visit", {"vitals": {"pulse": 1}}),
        nurse.event(world.hh[0], "visit", {"vitals": {"pulse": 2}}),
    ]
    body = (
        orjson.dumps(
            {"protocol": p.PROTOCOL_VERSION, "idempotency_key": uuid.uuid4().hex, "items": items}
        )
        .replace(b'"pulse":1', b'"pulse":NaN')
        .replace(b'"pulse":2', b'"pulse":-Infinity')
    )
    assert b"NaN" in body and b"Infinity" in body
    r = nurse.http.post(
        nurse.base_url + p.PUSH_PATH, data=body, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["applied", "applied"]
    ids = [i["event"]["id"] for i in items]
    with live.session() as s:
        for eid in ids:
            stored = s.get(Event, eid).payload
            assert stored["vitals"] == {"pulse": None}
            assert stored["result"]["metrics"] == {}
    changes, _ = nurse.pull_all()
    pulled = [c["data"] for c in changes if c["data"].get("id") in ids]
    assert [e["payload"]["vitals"] for e in pulled] == [{"pulse": None}] * 2
