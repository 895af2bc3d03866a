"""Push: idempotency, per-item statuses, protocol check, size limit, validation, scope."""

from __future__ import annotations

import gzip
import json
import uuid

from sqlalchemy import func, select

from sync import protocol as p
from sync.server import syncing
from sync.server.models import AccessLog, Event, Feed, PushRequestRecord
from tests.helpers.world import phq9_payload


def _count(live, model) -> int:
    with live.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_retry_with_same_key_returns_the_stored_answer_and_stores_once(live, world, api) -> None:
    nurse = api(world.nurse1)
    items = [nurse.event(world.hh[0]) for _ in range(3)]
    first = nurse.push(items, key="k" * 20)
    assert first.status_code == 200
    feed_rows = _count(live, Feed)
    again = nurse.push(items, key="k" * 20)
    assert again.status_code == 200
    assert again.json() == first.json()  # byte-for-byte the stored response (same server_time)
    assert [r["status"] for r in again.json()["results"]] == ["applied"] * 3
    assert _count(live, Event) == 3
    assert _count(live, Feed) == feed_rows
    assert _count(live, PushRequestRecord) == 1
    # A new key with the same items: each item is a duplicate, nothing new is stored.
    third = nurse.push(items)
    assert [r["status"] for r in third.json()["results"]] == ["duplicate"] * 3
    assert _count(live, Event) == 3


def test_same_key_with_another_body_is_refused(live, world, api) -> None:
    nurse = api(world.nurse1)
    assert nurse.push([nurse.event(world.hh[0])], key="same-key-123456789").status_code == 200
    r = nurse.push([nurse.event(world.hh[1])], key="same-key-123456789")
    assert r.status_code == 422
    assert r.json()["code"] == p.ERR_IDEMPOTENCY
    assert _count(live, Event) == 1


def test_each_item_gets_its_own_status(live, world, api) -> None:
    nurse = api(world.nurse1)
    stored = nurse.event(world.hh[0])
    assert nurse.push([stored]).status_code == 200
    good = nurse.event(world.hh[1], "screening", phq9_payload(), "visiting_health")
    invalid = nurse.event(world.hh[0], "note", {"text": ""})
    foreign = nurse.event(world.hh[2])  # nurse2's household
    not_mine = nurse.event(world.hh[0])
    not_mine["event"]["created_by"] = world.nurse2
    later = nurse.event(world.hh[1])
    r = nurse.push([stored, good, invalid, foreign, not_mine, later])
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x["status"] for x in results] == [
        "duplicate",
        "applied",
        "rejected",
        "rejected",
        "rejected",
        "applied",
    ]
    assert "payload.text" in results[2]["reason"]
    assert "not assigned to you" in results[3]["reason"]
    assert "created_by" in results[4]["reason"]
    with live.session() as s:
        ids = set(s.scalars(select(Event.id)))
        screening = s.get(Event, good["event"]["id"])
        assert screening is not None
        assert screening.payload["result"]["band"]  # recomputed by the server
        assert screening.received_seq is not None  # the feed seq it was stored under
    assert ids == {stored["event"]["id"], good["event"]["id"], later["event"]["id"]}


def test_protocol_outside_range_gets_426_before_any_write(live, world, api) -> None:
    nurse = api(world.nurse1)
    items = [nurse.event(world.hh[0])]
    nurse.http.headers[p.PROTOCOL_HEADER] = str(p.MAX_PROTOCOL_VERSION + 1)
    r = nurse.push(items)
    assert r.status_code == 426
    assert r.json()["code"] == p.ERR_PROTOCOL
    assert "upgrade" in r.json()["detail"]
    assert p.SERVER_TIME_HEADER in r.headers  # even answers made before any route runs
    del nurse.http.headers[p.PROTOCOL_HEADER]
    assert nurse.push(items).status_code == 426
    assert nurse.pull().status_code == 426
    nurse.http.headers[p.PROTOCOL_HEADER] = str(p.PROTOCOL_VERSION)
    body = {"protocol": 0, "idempotency_key": uuid.uuid4().hex, "items": items}
    r = nurse.http.post(live.base_url + p.PUSH_PATH, json=body)
    assert r.status_code == 426
    assert _count(live, Event) == 0
    assert _count(live, PushRequestRecord) == 0


def test_too_large_body_gets_413(live, world, api) -> None:
    nurse = api(world.nurse1)
    big = b'{"protocol": 1, "idempotency_key": "' + b"x" * p.MAX_BODY_BYTES + b'"}'
    r = nurse.http.post(
        live.base_url + p.PUSH_PATH, data=big, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 413
    assert r.json()["code"] == p.ERR_TOO_LARGE
    assert "fewer items" in r.json()["detail"]
    assert p.SERVER_TIME_HEADER in r.headers
    # A small gzip body that inflates past the limit is refused too.
    bomb = gzip.compress(b" " * (p.MAX_BODY_BYTES + 10))
    r = nurse.http.post(
        live.base_url + p.PUSH_PATH,
        data=bomb,
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert r.status_code == 413
    assert _count(live, Event) == 0


def test_gzip_request_and_response_bodies(live, world, api) -> None:
    nurse = api(world.nurse1)
    items = [nurse.event(world.hh[0]) for _ in range(20)]
    body = {"protocol": 1, "idempotency_key": uuid.uuid4().hex, "items": items}
    r = nurse.http.post(
        live.base_url + p.PUSH_PATH,
        data=gzip.compress(json.dumps(body).encode()),
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["applied"] * 20
    r = nurse.http.get(live.base_url + p.PULL_PATH, headers={"Accept-Encoding": "gzip"})
    assert r.headers.get("Content-Encoding") == "gzip"
    assert len(r.json()["changes"]) == 22  # 2 households + 20 events


def test_invalid_body_gets_422_naming_the_field(live, world, api) -> None:
    nurse = api(world.nurse1)
    item = nurse.event(world.hh[0])
    del item["event"]["household_id"]
    r = nurse.push([item])
    assert r.status_code == 422
    body = p.ErrorBody.model_validate(r.json())
    assert body.code == p.ERR_INVALID
    assert body.field is not None and body.field.endswith("household_id")
    assert "household_id" in body.detail
    item = nurse.event(world.hh[0])
    item["event"]["colour"] = "blue"
    r = nurse.push([item])
    assert r.status_code == 422
    assert r.json()["field"].endswith("colour")
    assert "not a known field" in r.json()["detail"]
    r = nurse.http.post(
        live.base_url + p.PUSH_PATH, data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 422 and "JSON" in r.json()["detail"]
    assert _count(live, Event) == 0
    # the routes FastAPI parses say the same, not "There was an error parsing the body"
    r = nurse.http.post(
        live.base_url + p.LOGIN_PATH,
        data=b"\xff\xfe{",
        headers={"Content-Type": "application/json", p.PROTOCOL_HEADER: "1"},
    )
    assert r.status_code == 400 and "not JSON text in UTF-8" in r.json()["detail"], r.text


def test_unexpected_error_gets_500_without_details(live, world, api, monkeypatch) -> None:
    nurse = api(world.nurse1)

    def broken(*_args, **_kwargs):
        raise RuntimeError("secret internals of household 1234")

    monkeypatch.setattr(syncing, "pull_page", broken)
    r = nurse.pull()
    assert r.status_code == 500
    assert r.json()["code"] == "internal"
    assert "secret" not in r.text and "Traceback" not in r.text
    assert p.SERVER_TIME_HEADER in r.headers


def test_access_log_events_are_chained_and_not_sent_back(live, world, api) -> None:
    nurse = api(world.nurse1)
    items = [
        nurse.event(world.hh[0], "access_log", {"action": "view"}),
        nurse.event(world.hh[0], "access_log", {"action": "export", "reason": "referral"}),
    ]
    assert [x["status"] for x in nurse.push(items).json()["results"]] == ["applied"] * 2
    with live.session() as s:
        entries = list(s.scalars(select(AccessLog).order_by(AccessLog.id)))
    assert [e.action for e in entries] == ["view", "export"]
    assert entries[1].prev_hash == entries[0].hash
    assert entries[0].username == world.nurse1 and entries[0].ip == "127.0.0.1"
    changes, _ = nurse.pull_all()
    assert all(c["kind"] != "event" for c in changes)


def test_values_the_database_cannot_store_get_422(live, world, api) -> None:
    client = api()
    r = client.login("vol\x001")
    assert r.status_code in (401, 422)  # SQLite stores NUL, PostgreSQL refuses it: never 500
    assert r.json()["code"] in (p.ERR_AUTH, p.ERR_INVALID)
    nurse = api(world.nurse1)
    edit = nurse.edit(world.hh[0], "notes", "메모", 0)
    edit["edit"]["device_time"] = "2026-05-01T09:30:00"  # no offset
    r = nurse.push([edit])
    assert r.status_code == 200
    assert r.json()["results"][0]["status"] == "rejected"
    assert "offset" in r.json()["results"][0]["reason"]
