"""``records.effective_events`` / ``household_events`` against a plain reference.

The reference is the straightforward implementation these functions had before they were
made faster (``json.loads`` per payload, ``resolve_amendments`` on copies, one sort per
order). The fast versions must return exactly the same lists (same dicts, same order) for
every household of a demo district with corrections, chains, voids, voided voids and device
times in mixed formats; and the results must have the documented properties.
"""

from __future__ import annotations

import gc
import json
import random
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from fieldapp import records
from fieldapp.demo import generate_district
from fieldapp.store import Store
from fieldapp.syncstate import _PULLED_EVENT_SQL, _pulled_event_rows

TODAY = date(2026, 11, 20)
KST = timezone(timedelta(hours=9))


# ---------------------------------------------------------------------- reference


def _ref_when(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _ref_decode(row: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["payload"] = json.loads(row["payload"]) if row["payload"] is not None else None
    for name in ("skew_flag", "redacted", "late_handover"):
        out[name] = bool(row[name])
    return out


def ref_household_events(store: Store, household_id: str) -> list[dict[str, Any]]:
    """The timeline: every event decoded, resolved, newest device time first."""
    with store.reading() as db:
        rows = [
            _ref_decode(r)
            for r in db.query("SELECT * FROM events WHERE household_id = ?", [household_id])
        ]
    return sorted(
        records.resolve_amendments(rows),
        key=lambda e: (_ref_when(e["device_time"]), int(e.get("local_order") or 0)),
        reverse=True,
    )


def ref_effective_events(
    store: Store, household_id: str, *, types: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """The effective events of the timeline, newest original device time first."""
    wanted = set(types) if types is not None else None
    out = [
        e
        for e in ref_household_events(store, household_id)
        if e["effective"] and (wanted is None or e["type"] in wanted)
    ]
    return sorted(
        out,
        key=lambda e: (_ref_when(e["original_device_time"]), e["local_order"]),
        reverse=True,
    )


# ---------------------------------------------------------------------- the district


def _time_text(moment: datetime, style: str) -> str:
    """*moment* written the ways devices and the server write times."""
    utc = moment.astimezone(UTC)
    if style == "z":
        return utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == "kst":
        return moment.astimezone(KST).isoformat()
    if style == "naive":
        return utc.replace(tzinfo=None).isoformat()
    if style == "micro":
        return (utc + timedelta(microseconds=123456)).isoformat()
    return utc.isoformat()


def _amendments(events: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    """Corrections (some concurrent, some chained), voids and voided voids for about a third
    of the households, plus odd payloads only the stdlib reads alike."""
    by_household: dict[str, list[dict[str, Any]]] = {}
    for e in events:
        by_household.setdefault(e["household_id"], []).append(e)
    extra: list[dict[str, Any]] = []
    for evs in by_household.values():
        if rng.random() > 0.35:
            continue
        for target in rng.sample(evs, min(len(evs), rng.randint(1, 3))):
            base = _ref_when(str(target["device_time"]))
            parent = target
            for k in range(rng.randint(1, 3)):
                when = base + timedelta(hours=rng.choice([-3, 0, 0, 5, 30]))
                fix = dict(
                    target,
                    id=f"c{k}-{target['id']}",
                    # chains and concurrent corrections of the same event
                    amends=parent["id"] if rng.random() < 0.5 else target["id"],
                    device_time=_time_text(when, rng.choice(["z", "kst", "naive", "micro", ""])),
                )
                extra.append(fix)
                parent = fix
            if rng.random() < 0.5:
                aim = rng.choice([target["id"], parent["id"]])
                void = dict(
                    target,
                    id=f"v-{aim}",
                    type="void",
                    amends=aim,
                    payload={"reason": "잘못 입력"},
                    device_time=_time_text(base + timedelta(days=1), "z"),
                )
                extra.append(void)
                if rng.random() < 0.3:  # the void was itself a mistake
                    extra.append(dict(void, id=f"vv-{aim}", amends=void["id"]))
        odd = dict(rng.choice(evs), id=f"odd-{rng.random()}", amends=None)
        odd["payload"] = {"big": 2**70 + 1, "neg": -(2**64), "small": 2**63 - 1, "text": "x" * 25}
        extra.append(odd)
    return extra


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A laptop store with 120 demo households, ~20 events each, and amendments."""
    demo = generate_district(120, seed=3, today=TODAY, events_per_household=20)
    events = demo.events(with_result=False)
    events += _amendments(events, random.Random(3))
    store = Store.open(tmp_path_factory.mktemp("rec") / "local.db", bytes(range(32)), create=True)
    records.upsert_households(store, demo.households)
    with store.atomic():
        store.conn.executemany(_PULLED_EVENT_SQL, _pulled_event_rows(events, 1))
        # payloads orjson refuses or reads differently, written straight into the table
        store.conn.execute(
            "UPDATE events SET payload = ? WHERE id = (SELECT min(id) FROM events)",
            ('{"x": NaN, "y": Infinity, "s": "\\ud800", "z": 1e400}',),
        )
    yield store
    store.close()


def _household_ids(store: Store) -> list[str]:
    with store.reading():
        return [r[0] for r in store.conn.execute("SELECT DISTINCT household_id FROM events")]


# ---------------------------------------------------------------------- tests


def test_the_district_has_what_the_comparison_needs(district: Store) -> None:
    with district.reading():
        kinds = dict(
            district.conn.execute(
                "SELECT CASE WHEN type = 'void' THEN 'void' WHEN amends IS NOT NULL "
                "THEN 'fix' ELSE 'plain' END, count(*) FROM events GROUP BY 1"
            ).fetchall()
        )
        styles = {
            r[0]
            for r in district.conn.execute(
                "SELECT CASE WHEN device_time LIKE '%Z' THEN 'z' WHEN device_time LIKE "
                "'%+09:00' THEN 'kst' WHEN device_time LIKE '%+00:00' THEN 'utc' ELSE 'naive' "
                "END FROM events"
            )
        }
    assert kinds["plain"] > 1000 and kinds["fix"] > 50 and kinds["void"] > 10
    assert styles == {"z", "kst", "utc", "naive"}


def test_same_results_as_the_reference_for_every_household(district: Store) -> None:
    hids = _household_ids(district)
    assert len(hids) > 100
    for hid in hids:
        assert records.household_events(district, hid) == ref_household_events(district, hid)
        fast = records.effective_events(district, hid)
        assert fast == ref_effective_events(district, hid), hid
        # equal dicts, and the same key order (what a JSON dump would show)
        assert [list(e) for e in fast] == [list(e) for e in ref_effective_events(district, hid)]
        for types in (["visit"], ["note", "welfare_check"], []):
            assert records.effective_events(district, hid, types=types) == ref_effective_events(
                district, hid, types=types
            )
    assert records.effective_events(district, "no-such-household") == []


def test_effective_events_properties(district: Store) -> None:
    for hid in _household_ids(district):
        timeline = {e["id"]: e for e in records.household_events(district, hid)}
        effective = records.effective_events(district, hid)
        ids = {e["id"] for e in effective}
        for e in effective:
            assert e["type"] != "void" and e["voided_by"] is None and e["superseded_by"] is None
            assert e["effective"] is True
            root = timeline[e["original_id"]]
            assert root["device_time"] == e["original_device_time"]
            assert root["voided_by"] is None
        for e in timeline.values():
            # a voided event, a replaced one and a void never count
            if e["voided_by"] or e["superseded_by"] or e["type"] == "void":
                assert e["id"] not in ids
            if e["voided_by"]:
                assert timeline[e["voided_by"]]["amends"] == e["id"]
            if e["superseded_by"]:
                assert timeline[e["superseded_by"]]["amends"] == e["id"]
        # one effective event per chain that is not voided
        assert len({e["original_id"] for e in effective}) == len(effective)
        keys = [(_ref_when(e["original_device_time"]), e["local_order"]) for e in effective]
        assert keys == sorted(keys, reverse=True), "newest original device time first"
        times = [(_ref_when(e["device_time"]), e["local_order"]) for e in timeline.values()]
        assert times == sorted(times, reverse=True), "timeline newest first"


def test_payloads_read_as_the_stdlib_reads_them(district: Store) -> None:
    seen_big = seen_nan = False
    for hid in _household_ids(district):
        for e in records.household_events(district, hid):
            payload = e["payload"]
            if "big" in payload:
                assert payload["big"] == 2**70 + 1 and isinstance(payload["big"], int)
                assert payload["neg"] == -(2**64) and payload["small"] == 2**63 - 1
                seen_big = True
            if "x" in payload and payload["x"] != payload["x"]:  # NaN
                assert payload["s"] == "\ud800" and payload["z"] == float("inf")
                seen_nan = True
    assert seen_big and seen_nan


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "b": [1.5, -0.0, 1e-7, 1.7976931348623157e308], "c": "방문"}',
        '{"n": 18446744073709551615, "m": -9223372036854775808}',
        '{"n": 18446744073709551616, "m": -9223372036854775809}',
        '{"n": 1234567890123456789012345678901}',
        '{"s": "1234567890123456789012345"}',
        '{"x": NaN, "y": -Infinity, "z": 1e400}',
        '{"s": "\\ud800", "t": "\\udc00x"}',
        '{"a": 1, "a": 2}',
        "[]",
        "null",
    ],
)
def test_payload_reader_matches_the_stdlib(text: str) -> None:
    expected = json.loads(text)
    got = records._load_payload(text)
    assert repr(got) == repr(expected)  # repr: NaN != NaN, and 2.0 == 2 would hide a float
    assert repr(records._load_payload(text.encode())) == repr(expected)


def test_events_by_household_equal_one_by_one_and_leave_the_collector_as_found(
    district: Store,
) -> None:
    ids = _household_ids(district)
    assert gc.isenabled()
    bulk = records.effective_events_by_household(district, ids)
    assert gc.isenabled()
    assert list(bulk) == ids
    assert bulk == {hid: records.effective_events(district, hid) for hid in ids}
    gc.disable()
    try:
        records.effective_events_by_household(district, ids[:3])
        assert not gc.isenabled()  # a caller that paused it keeps it paused
    finally:
        gc.enable()


def test_collector_is_resumed_when_reading_fails() -> None:
    with pytest.raises(RuntimeError), records.gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()
