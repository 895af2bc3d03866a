"""page_json: stored event JSON (whole events or payloads) is spliced into the page verbatim."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import orjson

from sync.server import syncing


def _change(seq: int, data: object) -> dict[str, object]:
    return {"seq": seq, "kind": "event", "household_id": "h1", "data": data}


def test_stored_json_is_spliced_and_decodes_to_the_same_page() -> None:
    stored = ['{"text": "\\ubb38 \\uc55e"}', '{"a": [1, 2.5, null, true]}']
    body = {
        "cursor": "c",
        "changes": [
            _change(1, {"id": "e1", "payload": syncing._raw_payload(stored[0])}),
            _change(2, {"id": "e2", "payload": {"plain": "dict"}}),
            _change(3, orjson.Fragment('{"id":"e3","payload":' + stored[1] + "}")),
            # a user's text that looks like JSON stays a string
            _change(4, {"id": "e4", "payload": {"note": '{"x": 1}'}}),
        ],
    }
    decoded = json.loads(syncing.page_json(body))
    assert [c["data"]["payload"] for c in decoded["changes"]] == [
        {"text": "문 앞"},
        {"plain": "dict"},
        {"a": [1, 2.5, None, True]},
        {"note": '{"x": 1}'},
    ]
    assert decoded["changes"][2]["data"]["id"] == "e3"
    assert decoded["cursor"] == "c"


def test_non_strict_stored_text_is_decoded_and_encoded_as_before() -> None:
    nan = syncing._raw_payload('{"x": NaN}')
    assert isinstance(nan, orjson.Fragment)
    assert json.loads(syncing.page_json({"p": nan}))["p"]["x"] != 0  # NaN, as json.loads reads
    value = syncing._raw_payload('{"x": Infinity}')
    assert json.loads(syncing.page_json({"p": value})) == {"p": {"x": float("inf")}}
    assert syncing._raw_payload(None) is None


def test_a_page_without_stored_json_is_plain_json_with_utc_times_as_before() -> None:
    now = datetime(2026, 11, 25, 1, 15, 10, 467801, tzinfo=UTC)
    body = {"changes": [_change(1, {"k": 1})], "has_more": False, "server_time": now}
    raw = syncing.page_json(body)
    assert b'"server_time":"2026-11-25T01:15:10.467801Z"' in raw
    assert json.loads(raw) == {**body, "server_time": "2026-11-25T01:15:10.467801Z"}


def test_event_wire_text_is_none_when_it_cannot_be_made() -> None:
    row = {
        "id": "e1",
        "type": "note",
        "household_id": "h1",
        "programme": None,
        "created_by": "u",
        "device_id": "d",
        "device_time": datetime(2026, 1, 1),  # naive: the insert refuses it too
        "payload": {},
        "amends": None,
        "skew_flag": False,
        "server_time": datetime(2026, 1, 1, tzinfo=UTC),
        "late_handover": False,
    }
    assert syncing.event_wire_text(row) is None
    row["device_time"] = datetime(2026, 1, 1, 9, tzinfo=UTC)
    wire = syncing.event_wire_text(row)
    assert wire is not None
    assert json.loads(wire)["device_time"] == "2026-01-01T09:00:00+00:00"
    assert json.loads(wire)["redacted"] is False
