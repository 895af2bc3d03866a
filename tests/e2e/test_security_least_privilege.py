"""Least privilege: a volunteer (돌봄단) never receives clinical details.

In a seeded demo district, nurses have recorded visits (with vitals) and screenings (with
answers and scores) for households that volunteers also look after. The volunteer's pull, and
the local database of the volunteer's laptop after a real sync, hold those events only as
redacted stubs, if at all: no answers, totals, bands, vitals or computed metrics anywhere. The nurse of
the same households receives them in full (the control). (This server sends a volunteer no
clinical events at all; a redacted stub, ``payload == {}`` with ``redacted``, would pass too.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from fieldapp.profile import Profile
from sync import protocol as p
from sync.client import SyncEngine, login
from sync.server import db
from sync.server.models import Assignment, Event
from sync.server.seeding import seed_demo
from tests.e2e.conftest import CHEAP_KDF
from tests.helpers.world import Api

#: Keys that only clinical payloads carry (screening answers and scores, visit vitals).
CLINICAL_KEYS = (
    "answers",
    "total",
    "band",
    "vitals",
    "systolic",
    "diastolic",
    "glucose",
    "pulse",
    "bmi",
    "weight_kg",
    "height_cm",
    "waist_cm",
    "metrics",
    "instrument_id",
    "q9",
)


#: A welfare check scores itself (its own ``result.total``/``band``): not clinical.
WELFARE_OWN = frozenset({"total", "band"})


def clinical_keys_in(value: Any, ignore: frozenset[str] = frozenset()) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in CLINICAL_KEYS and key not in ignore:
                found.add(key)
            found |= clinical_keys_in(inner, ignore)
    elif isinstance(value, list):
        for inner in value:
            found |= clinical_keys_in(inner, ignore)
    return found


def leaks_in(kind: str, data: Any) -> set[str]:
    """Clinical keys in one change or event payload (a welfare check's own score aside)."""
    return clinical_keys_in(data, WELFARE_OWN if kind == p.EventType.welfare_check else frozenset())


def seeded(live: Any) -> dict[str, dict[str, Any]]:
    engine = db.make_engine(live.database_url)
    try:
        with DbSession(engine) as session:
            result = seed_demo(session, households=30, seed=11)
    finally:
        engine.dispose()
    return {u["username"]: u for u in result["users"]}


def volunteer_with_clinical_history(live: Any) -> tuple[str, str, set[str]]:
    """A volunteer, the nurse of the same households, and the clinical event ids there."""
    with live.session() as s:
        rows = s.execute(
            select(Assignment.household_id, Assignment.programme, Assignment.username)
        ).all()
        by_hh: dict[str, dict[str, str]] = {}
        for hid, programme, username in rows:
            if username:
                by_hh.setdefault(hid, {})[programme] = username
        clinical = s.execute(
            select(Event.id, Event.household_id).where(
                Event.type.in_([t.value for t in p.CLINICAL_EVENT_TYPES])
            )
        ).all()
    for hid, workers in by_hh.items():
        vol, nurse = workers.get("welfare_check"), workers.get("visiting_health")
        if vol and nurse and any(h == hid for _i, h in clinical):
            shared = {
                h
                for h, w in by_hh.items()
                if w.get("welfare_check") == vol and w.get("visiting_health") == nurse
            }
            return vol, nurse, {i for i, h in clinical if h in shared}
    raise AssertionError("the demo district has no volunteer household with clinical events")


def test_a_volunteer_never_receives_screening_answers_scores_or_vitals(
    live, memory_keyring, tmp_path: Path
) -> None:
    users = seeded(live)
    volunteer, nurse, clinical_ids = volunteer_with_clinical_history(live)

    # The control: the nurse receives the clinical events in full.
    nurse_api = Api(live.base_url)
    vol_api = Api(live.base_url)
    try:
        assert nurse_api.login(nurse, users[nurse]["password"]).status_code == 200
        nurse_events = {
            c["data"]["id"]: c["data"] for c in nurse_api.pull_all()[0] if c["kind"] == "event"
        }
        assert clinical_ids <= set(nurse_events)
        assert any(clinical_keys_in(nurse_events[i]["payload"]) for i in clinical_ids)

        assert vol_api.login(volunteer, users[volunteer]["password"]).status_code == 200
        changes, _cursor = vol_api.pull_all()
    finally:
        nurse_api.close()
        vol_api.close()
    vol_events = {c["data"]["id"]: c["data"] for c in changes if c["kind"] == "event"}
    assert vol_events, "the volunteer receives the welfare-check history (the control)"
    # Clinical events reach a volunteer not at all, or only as redacted stubs.
    for event in vol_events.values():
        if event["type"] in p.CLINICAL_EVENT_TYPES:
            assert event["payload"] == {} and event["redacted"] is True, event["id"]
    leaked = set().union(*(leaks_in(c["data"].get("type", c["kind"]), c["data"]) for c in changes))
    assert not leaked, f"clinical keys in the volunteer's pull: {sorted(leaked)}"

    # The volunteer's laptop after a real sync holds no clinical detail either.
    profile = Profile(tmp_path / "volunteer")
    store = login(profile, live.base_url, volunteer, users[volunteer]["password"], kdf=CHEAP_KDF)
    try:
        SyncEngine(profile, store, password=users[volunteer]["password"]).sync_once()
        rows = store.db.execute("SELECT id, type, payload FROM events").fetchall()
    finally:
        store.close()
    local = {r[0]: (r[1], json.loads(r[2]) if r[2] else {}) for r in rows}
    assert set(vol_events) <= set(local), "the laptop applied the pull"
    for event_id, (kind, payload) in local.items():
        if kind in p.CLINICAL_EVENT_TYPES:
            assert payload == {}, event_id
        assert not leaks_in(kind, payload), (event_id, kind)
