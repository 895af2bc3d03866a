"""Answer bodies: orjson where it can, the stdlib for what only the stdlib reads."""

from __future__ import annotations

import math

import pytest

from sync.transport import decode_json


def test_plain_json_and_utf8() -> None:
    assert decode_json('{"a": [1, 2.5, null, true], "t": "방문"}'.encode()) == {
        "a": [1, 2.5, None, True],
        "t": "방문",
    }


def test_what_orjson_refuses_is_read_as_the_stdlib_reads_it() -> None:
    value = decode_json(b'{"x": NaN, "y": Infinity, "z": 1e400}')
    assert math.isnan(value["x"]) and value["y"] == math.inf and value["z"] == math.inf


def test_not_json_raises_value_error() -> None:
    with pytest.raises(ValueError):
        decode_json(b"<html>proxy login</html>")
    with pytest.raises(ValueError):
        decode_json(b"\xff\xfe\x00garbage")


def test_request_bodies_read_back_as_the_stdlib_wrote_them() -> None:
    import json
    from datetime import UTC, date, datetime

    from sync.transport import encode_json

    body = {
        "items": [{"t": '가 \u2028 "q"', "n": 0.1, "big": 2**70}],
        "at": datetime(2026, 1, 1, tzinfo=UTC),
        "day": date(2026, 1, 2),
    }
    old = json.dumps(body, ensure_ascii=False, default=str)
    assert json.loads(encode_json(body)) == json.loads(old)
    del body["items"][0]["big"]  # orjson's path
    assert json.loads(encode_json(body)) == json.loads(
        json.dumps(body, ensure_ascii=False, default=str)
    )
