"""Bytes on the wire: gzip-compressed vs raw size of pull pages and of a push body.

Pull: a nurse's full history is pulled page by page (default page size) from a real server
process, once asking for gzip (what the client sends) and once without; the compressed size
is the ``Content-Length`` the server sent, the raw size the decoded body. Push: a body of
500 demo events as the client builds it, gzip level 6 as ``sync.transport`` does.
Target: >= 3x smaller.
"""

from __future__ import annotations

import gzip
import json
import uuid
from typing import Any

from bench.common import (
    TODAY,
    RawApi,
    Row,
    dumps,
    pick,
    seed_world,
    server_database,
    server_process,
)

NAME = "wire_bytes"
TARGET = 3.0


def _pull_sizes(base: str, worker: str) -> tuple[int, int, int]:
    """(raw bytes, gzip bytes on the wire, pages) of a full pull."""
    from sync import protocol as p

    api = RawApi(base)
    try:
        api.login(worker)
        raw = wire = pages = 0
        cursor = None
        while True:
            params = {"cursor": cursor} if cursor else {}
            r = api.http.get(
                base + p.PULL_PATH,
                params=params,
                headers={"Accept-Encoding": "gzip"},
                stream=True,
                timeout=60,
            )
            r.raise_for_status()
            compressed = r.raw.read(decode_content=False)
            encoding = r.headers.get("Content-Encoding", "")
            body = gzip.decompress(compressed) if encoding == "gzip" else compressed
            raw += len(body)
            wire += len(compressed)
            pages += 1
            data = json.loads(body)
            cursor = data["cursor"]
            if not data["has_more"]:
                return raw, wire, pages
    finally:
        api.close()


def _push_body(events: list[dict[str, Any]]) -> bytes:
    from sync import protocol as p

    return dumps(
        {
            "protocol": p.PROTOCOL_VERSION,
            "idempotency_key": uuid.uuid4().hex,
            "items": [{"kind": "event", "event": e} for e in events],
        }
    )


def run(size: str = "reduced") -> list[Row]:
    from fieldapp.demo import generate_district
    from fieldapp.validation import validate_event

    households = pick(size, 5, 50, 200)
    with server_database("sqlite") as url:
        seeded = seed_world(url, households, 100, workers=1)
        with server_process(url) as base:
            raw, wire, pages = _pull_sizes(base, seeded.workers[0])
    demo = generate_district(20, 3, today=TODAY, events_per_household=40)
    events = []
    for ev in demo.iter_events(with_result=False):
        if len(events) >= 500:
            break
        events.append(validate_event(ev))
    body = _push_body(events)
    zipped = len(gzip.compress(body, compresslevel=6))
    pull_ratio = raw / wire
    push_ratio = len(body) / zipped
    return [
        Row(
            NAME,
            f"pull pages compression ({pages} pages)",
            wire / 1024,
            "KiB",
            baseline=raw / 1024,
            baseline_label="raw JSON KiB",
            ratio=pull_ratio,
            target=f">= {TARGET}x smaller",
            met=pull_ratio >= TARGET,
            note=f"{seeded.households + seeded.events:,} rows, {wire / (seeded.households + seeded.events):.0f} B/row on the wire",
        ),
        Row(
            NAME,
            f"push body compression ({len(events)} events)",
            zipped / 1024,
            "KiB",
            baseline=len(body) / 1024,
            baseline_label="raw JSON KiB",
            ratio=push_ratio,
            target=f">= {TARGET}x smaller",
            met=push_ratio >= TARGET,
        ),
    ]
