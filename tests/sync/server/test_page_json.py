"""page_json: stored event payloads are spliced into the page JSON verbatim."""

from __future__ import annotations

import json

from sync.server import syncing


def _change(seq: int, payload: object) -> dict[str, object]:
    return {
        "seq": seq,
        "kind": "event",
        "household_id": "h1",
        "data": {"id": f"e{seq}", "payload": payload},
    }


def test_raw_payloads_are_spliced_and_decode_to_the_same_page() -> None:
    stored = ['{"text": "\\ubb38 \\uc55e"}', '{"a": [1, 2.5, null, true]}']
    body = {
        "cursor": "c",
        "changes": [
            _change(1, syncing.RawJSON(stored[0])),
            _change(2, {"plain": "dict"}),
            _change(3, syncing.RawJSON(stored[1])),
            # a user's text that looks like the placeholder stays a string
            _change(4, {"note": "@raw-0@"}),
        ],
    }
    decoded = json.loads(syncing.page_json(body))
    assert [c["data"]["payload"] for c in decoded["changes"]] == [
        {"text": "문 앞"},
        {"plain": "dict"},
        {"a": [1, 2.5, None, True]},
        {"note": "@raw-0@"},
    ]
    assert decoded["cursor"] == "c"


def test_non_strict_stored_text_is_decoded_not_spliced() -> None:
    nan = syncing._raw_payload('{"x": NaN}')
    assert not isinstance(nan, syncing.RawJSON) and nan["x"] != nan["x"]
    value = syncing._raw_payload('{"x": Infinity}')
    assert not isinstance(value, syncing.RawJSON) and value == {"x": float("inf")}
    assert isinstance(syncing._raw_payload('{"x": 1}'), syncing.RawJSON)
    assert syncing._raw_payload(None) is None


def test_a_page_without_raw_payloads_is_plain_json() -> None:
    body = {"changes": [_change(1, {"k": 1})], "has_more": False}
    assert json.loads(syncing.page_json(body)) == body
