"""The stored wire JSON of events (``events.wire``): a pull built from it is the pull built
from the columns, redaction included; the migration backfills it the same way."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from alembic import command
from sqlalchemy import select, update

from sync.server import db, syncing
from sync.server.models import Event
from tests.helpers.world import phq9_payload


def _push_mix(world: Any, api: Any) -> None:
    """Events of every kind a pull must render: clinical with and without programme,
    a correction, a void, a future device time (skew flagged by the server), Korean text."""
    nurse, vol = api(world.nurse1), api(world.vol1)
    note = nurse.event(world.hh[0], "note", {"text": '문 앞에서 인사 "따옴표" \\ 끝'})
    items = [
        nurse.event(world.hh[0], "screening", phq9_payload(), "visiting_health"),
        nurse.event(world.hh[0], "screening", phq9_payload()),  # no programme: shared
        note,
        nurse.event(world.hh[1], "note", {"text": "x"}),
    ]
    ahead = nurse.event(world.hh[1])
    ahead["event"]["device_time"] = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    items.append(ahead)
    assert nurse.push(items).status_code == 200
    oid = note["event"]["id"]
    fixes = [
        nurse.event(world.hh[0], "note", {"text": "고친 메모"}, amends=oid),
        nurse.event(world.hh[0], "void", {"reason": "잘못 입력"}, amends=oid),
    ]
    r = nurse.push(fixes)
    assert [x["status"] for x in r.json()["results"]] == ["applied", "applied"]
    r = vol.push([vol.event(world.hh[0]), vol.event(world.hh[1], "note", {"text": "안부"})])
    assert [x["status"] for x in r.json()["results"]] == ["applied", "applied"]


def _pulls(world: Any, api: Any) -> dict[tuple[str, int | None], list[dict[str, Any]]]:
    """Every user's whole pull from a fresh device, in pages of 3 and of the default size."""
    users = (world.nurse1, world.vol1, world.vol2, world.nurse2)
    return {(u, n): api(u).pull_all(limit=n)[0] for u in users for n in (3, None)}


def test_a_pull_from_stored_wire_equals_one_built_from_the_columns(live, world, api) -> None:
    _push_mix(world, api)
    with live.session() as s:
        events = s.scalars(select(Event)).all()
        assert events and all(e.wire is not None for e in events)
        for e in events:  # the stored text is the column-built event, not redacted
            assert json.loads(e.wire or "") == json.loads(
                json.dumps(syncing.event_wire(e, redact=False))
            )
    from_wire = _pulls(world, api)
    with live.session() as s:
        s.execute(update(Event).values(wire=None))
    assert _pulls(world, api) == from_wire
    redacted = [
        c["data"]
        for c in from_wire[world.vol1, None]
        if c["kind"] == "event" and c["data"]["redacted"]
    ]
    assert redacted and all(d["payload"] == {} and d["type"] == "screening" for d in redacted)
    assert any(c["data"]["skew_flag"] for c in from_wire[world.nurse1, 3] if c["kind"] == "event")


def test_the_migration_backfills_the_wire_of_stored_events(live, world, api) -> None:
    _push_mix(world, api)
    with live.session() as s:
        stored = {r.id: r.wire for r in s.execute(select(Event.id, Event.wire))}
    cfg = db.alembic_config(live.database_url)
    command.downgrade(cfg, "0002")
    db.upgrade(live.database_url)
    with live.session() as s:
        again = {r.id: r.wire for r in s.execute(select(Event.id, Event.wire))}
    assert again == stored


def test_pushed_text_of_every_kind_is_stored_and_pulled_as_sent(live, world, api) -> None:
    """Push rows go in with PostgreSQL's COPY (sync.server.bulk): text that COPY's own format
    escapes (tabs, new lines, backslashes, a literal backslash-N, quotes, a JSON escape) and
    text beyond the basic plane comes back exactly as sent, in the column and on the wire."""
    nurse = api(world.nurse1)
    texts = [
        "탭\t사이\n줄바꿈\r\n끝",
        "역슬래시 \\ 두 개 \\\\ 그리고 \\N 과 \\t",
        '따옴표 "안" 과 \'작은\' 과 \\" 섞임',
        "이모지 🙂 와 한자 漢字 와 결합 문자 한글",
    ]
    items = [nurse.event(world.hh[0], "note", {"text": t}) for t in texts]
    r = nurse.push(items)
    assert [x["status"] for x in r.json()["results"]] == ["applied"] * len(texts)
    ids = [i["event"]["id"] for i in items]
    with live.session() as s:
        stored = {e.id: e for e in s.scalars(select(Event).where(Event.id.in_(ids)))}
    for item, text in zip(items, texts, strict=True):
        e = stored[item["event"]["id"]]
        assert e.payload == {"text": text}
        assert json.loads(e.wire or "")["payload"] == {"text": text}
        assert e.device_time == datetime.fromisoformat(item["event"]["device_time"])
    pulled = {
        c["data"]["id"]: c["data"] for c in api(world.nurse1).pull_all()[0] if c["kind"] == "event"
    }
    assert [pulled[i]["payload"]["text"] for i in ids] == texts
