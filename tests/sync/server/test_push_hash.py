"""Push idempotency across the request-hash change: a push stored with the older hash form
(stdlib JSON) is still answered from storage on retry; another body is still refused."""

from __future__ import annotations

import uuid

from sqlalchemy import update

from sync import protocol as p
from sync.server import syncing
from sync.server.models import PushRequestRecord


def _body(items: list[dict], key: str) -> dict:
    return {"protocol": p.PROTOCOL_VERSION, "idempotency_key": key, "items": items}


def test_a_push_stored_with_the_legacy_hash_is_answered_on_retry(live, world, api) -> None:
    nurse = api(world.nurse1)
    items = [nurse.event(world.hh[0], "note", {"text": "문 앞 메모", "n": 1.5})]
    key = uuid.uuid4().hex
    first = nurse.push(items, key=key)
    assert first.status_code == 200
    legacy = syncing.legacy_request_hash(p.PushRequest.model_validate(_body(items, key)))
    assert legacy != syncing.request_hash(p.PushRequest.model_validate(_body(items, key)))
    with live.session() as s:  # as an older server stored it
        s.execute(update(PushRequestRecord).values(request_hash=legacy))
    again = nurse.push(items, key=key)
    assert again.status_code == 200
    assert again.content == first.content  # byte for byte
    other = nurse.push([nurse.event(world.hh[0])], key=key)
    assert other.status_code == 422
    assert other.json()["code"] == p.ERR_IDEMPOTENCY


def test_the_hash_ignores_key_order_and_sees_every_value() -> None:
    event = {
        "id": str(uuid.uuid4()),
        "type": "note",
        "household_id": "h",
        "created_by": "u",
        "device_id": "d",
        "device_time": "2026-11-24T10:12:00+09:00",
        "payload": {"a": 1, "b": [1, 2]},
    }
    one = p.PushRequest.model_validate(_body([{"kind": "event", "event": event}], "k" * 20))
    swapped = {**event, "payload": {"b": [1, 2], "a": 1}}
    two = p.PushRequest.model_validate(_body([{"kind": "event", "event": swapped}], "k" * 20))
    assert syncing.request_hash(one) == syncing.request_hash(two)
    changed = {**event, "payload": {"a": 2, "b": [1, 2]}}
    three = p.PushRequest.model_validate(_body([{"kind": "event", "event": changed}], "k" * 20))
    assert syncing.request_hash(three) != syncing.request_hash(one)
    huge = {**event, "payload": {"a": 10**30}}  # beyond orjson: the legacy form is used
    four = p.PushRequest.model_validate(_body([{"kind": "event", "event": huge}], "k" * 20))
    assert syncing.request_hash(four) == syncing.legacy_request_hash(four)
