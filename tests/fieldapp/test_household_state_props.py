"""For generated histories (flagged records, answers naming them or not, old answers without
``closes``, open referrals, corrections, voids, device times in several zones, any row order),
the three readers of the household-state rule agree: the worker's Today immediate rows (over
the laptop's effective records), the household view's open immediate items (over the whole
annotated timeline) and the supervisor board's count (over the server's rows with payloads
reduced to the parts the rule reads)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.household_state import household_state, immediate_count, worklist
from fieldapp.records import resolve_amendments
from sync.server.district.board import CADENCE_PATHS, _reduced_payload

TODAY = date(2026, 12, 5)
ZONES = (timezone(timedelta(hours=9)), UTC, timezone(timedelta(hours=-5)))
PROGRAMMES = ("visiting_health", "welfare_check")
ACTION = {"immediate": "저혈당: 당 섭취", "urgent": "혈압 높음: 진료 안내"}


def _result(urgency: str | None) -> dict[str, Any]:
    if urgency is None:
        return {"actions": []}
    text = ACTION[urgency]
    return {"actions": [{"id": urgency, "urgency": urgency, "text_ko": text, "text_en": text}]}


@st.composite
def histories(draw: Any) -> tuple[str, list[dict[str, Any]]]:
    programme = draw(st.sampled_from(PROGRAMMES))
    record_type = "visit" if programme == "visiting_health" else "welfare_check"
    events: list[dict[str, Any]] = []
    for n in range(draw(st.integers(1, 12))):
        at = datetime(2026, 11, 1, tzinfo=ZONES[0]) + timedelta(
            minutes=draw(st.integers(0, 35 * 24 * 60))
        )
        device = draw(st.sampled_from(["dev-a", "dev-b"]))
        base = {
            "id": f"e{n}",
            "household_id": "hh",
            "programme": programme,
            "created_by": "worker",
            "device_id": device,
            "device_time": at.isoformat(),
            "amends": None,
        }
        kind = draw(st.sampled_from(["record", "record", "answer", "legacy", "open", "fix"]))
        earlier = [e for e in events if e["type"] != "void"]
        if kind == "record" or not earlier:
            payload: dict[str, Any] = {
                "result": _result(draw(st.sampled_from([None, "immediate", "urgent"])))
            }
            if record_type == "welfare_check":
                payload["reached"] = draw(st.sampled_from(["yes", "no_answer"]))
                payload["actions_taken"] = draw(st.sampled_from([[], ["called_119"]]))
            events.append({**base, "type": record_type, "payload": payload})
            continue
        target = draw(st.sampled_from(earlier))
        if kind in ("answer", "open", "legacy"):
            status = "open" if kind == "open" else "done"
            closes = None if kind == "legacy" else target["id"]
            if kind == "legacy":  # the old form: the flagged record's own time and device
                base.update(device_time=target["device_time"], device_id=target["device_id"])
            payload = {
                "target": "조치",
                "reason": "r",
                "urgency": draw(st.sampled_from(["immediate", "urgent", "routine"])),
                "status": status,
                "closes": closes,
            }
            events.append({**base, "type": "referral", "payload": payload})
        elif draw(st.booleans()):
            events.append(
                {**base, "type": "void", "payload": {"reason": "x"}, "amends": target["id"]}
            )
        else:
            payload = dict(target["payload"])
            if target["type"] != "referral":
                payload["result"] = _result(draw(st.sampled_from([None, "immediate"])))
            events.append(
                {**base, "type": target["type"], "payload": payload, "amends": target["id"]}
            )
    return programme, events


def _extract(payload: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = payload
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return json.dumps(value) if isinstance(value, list | dict) else value


def server_rows(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows the board reads: payloads reduced as its SQL does, device id kept."""
    return [
        {
            **{k: e[k] for k in ("id", "type", "programme", "device_time", "amends", "device_id")},
            "payload": _reduced_payload([_extract(e["payload"], p) for p in CADENCE_PATHS]),
        }
        for e in events
    ]


def readers(programme: str, events: list[dict[str, Any]]) -> tuple[list[str], ...]:
    house = {"id": "hh", "care_group": "regular", "assignments": {programme: "worker"}}
    timeline = resolve_amendments(events)  # what the laptop's store annotates
    effective = [e for e in timeline if e["effective"]]
    today_rows = worklist([house], {"hh": effective}, programme, TODAY)
    view = household_state(house, timeline, TODAY).for_programme(programme).immediate
    board_rows = worklist([house], {"hh": server_rows(events)}, programme, TODAY)
    assert immediate_count(today_rows) == len(view) == immediate_count(board_rows)
    return (
        sorted(r.record_id or "" for r in today_rows if r.state == "immediate"),
        sorted(i.record_id or "" for i in view),
        sorted(r.record_id or "" for r in board_rows if r.state == "immediate"),
    )


@settings(max_examples=150, deadline=None)
@given(histories(), st.randoms(use_true_random=False), st.sampled_from(ZONES))
def test_today_view_and_board_agree(
    history: tuple[str, list[dict[str, Any]]], rnd: Any, zone: timezone
) -> None:
    programme, events = history
    today_ids, view_ids, board_ids = readers(programme, events)
    assert today_ids == view_ids == board_ids
    # the same records in another order, their times written in another zone: same answer
    moved = [
        {**e, "device_time": datetime.fromisoformat(e["device_time"]).astimezone(zone).isoformat()}
        for e in events
    ]
    rnd.shuffle(moved)
    assert readers(programme, moved) == (today_ids, view_ids, board_ids)


def test_an_answer_naming_a_corrected_record_and_a_voided_answer() -> None:
    """Two fixed histories the generator reaches, kept as plain regressions."""
    at = "2026-12-04T23:59:00+09:00"
    flagged = {
        "id": "v1",
        "type": "visit",
        "household_id": "hh",
        "programme": "visiting_health",
        "device_id": "d",
        "device_time": at,
        "amends": None,
        "payload": {"result": _result("immediate")},
    }
    fixed = {**flagged, "id": "v2", "amends": "v1", "device_time": "2026-12-05T00:10:00+09:00"}
    answer = {
        **flagged,
        "id": "r1",
        "type": "referral",
        "payload": {
            "target": "t",
            "reason": "r",
            "urgency": "immediate",
            "status": "done",
            "closes": "v1",
        },
    }
    assert readers("visiting_health", [flagged, fixed, answer]) == ([], [], [])
    void = {**answer, "id": "x1", "type": "void", "amends": "r1", "payload": {"reason": "x"}}
    assert readers("visiting_health", [flagged, fixed, answer, void]) == (["v2"], ["v2"], ["v2"])
