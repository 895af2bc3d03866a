"""validate_event: the one validator for every event type (forms, CLI and server)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.errors import ValidationError
from fieldapp.instruments import get_instrument, load_instruments
from fieldapp.validation import (
    load_crisis_numbers,
    load_form,
    looks_like_rrn,
    validate_event,
    validate_form,
)
from tests.helpers.payloads import welfare_payload


def make_event(etype: str, payload: Any, **extra: Any) -> dict[str, Any]:
    event = {
        "id": str(uuid.uuid4()),
        "type": etype,
        "household_id": "hh-1",
        "created_by": "nurse1",
        "device_id": "device-1",
        "device_time": datetime.now(UTC).isoformat(),
        "payload": payload,
    }
    event.update(extra)
    return event


def problems_of(event: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        validate_event(event)
    return {p.field: p.message for p in info.value.problems}


WELFARE_OK = welfare_payload()


def phq9_payload(**answers: int) -> dict[str, Any]:
    base = {f"q{i}": 0 for i in range(1, 10)}
    base.update(answers)
    return {
        "instrument_id": "phq9",
        "instrument_version": get_instrument("phq9").version,
        "answers": base,
        "context": {"age": 72},
    }


# ------------------------------------------------------------------ envelope


def test_envelope_faults_are_all_reported_at_once() -> None:
    event = make_event("note", {"text": "x"}, id="not-a-uuid", device_time="2026-05-01T09:00")
    del event["created_by"]
    event["device_id"] = ""
    found = problems_of(event)
    assert {"id", "created_by", "device_id", "device_time"} <= set(found)
    assert "offset" in found["device_time"]


def test_unknown_type_and_programme_are_named() -> None:
    found = problems_of(make_event("gossip", {}, programme="nope"))
    assert "gossip" in found["type"]
    assert "nope" in found["programme"]


def test_void_needs_amends_and_a_reason() -> None:
    found = problems_of(make_event("void", {"reason": " "}))
    assert set(found) == {"amends", "payload.reason"}
    ok = validate_event(make_event("void", {"reason": "잘못된 가구"}, amends=str(uuid.uuid4())))
    assert ok["payload"] == {"reason": "잘못된 가구"}


def test_payload_may_arrive_as_a_json_string_and_comes_back_a_dict() -> None:
    out = validate_event(make_event("note", json.dumps({"text": "메모"})))
    assert out["payload"] == {"text": "메모"}


def test_datetime_object_with_offset_is_accepted() -> None:
    validate_event(make_event("note", {"text": "a"}, device_time=datetime.now(UTC)))


# ------------------------------------------------------------------ screening


def test_screening_result_is_recomputed_not_trusted() -> None:
    payload = phq9_payload(q9=1)
    payload["result"] = {"total": 0, "flags": [], "actions": []}
    out = validate_event(make_event("screening", payload))
    result = out["payload"]["result"]
    assert result["total"] == 1
    assert result["actions"][0]["urgency"] == "immediate"
    assert "suicide_risk" in result["flags"]
    assert payload["result"]["total"] == 0  # the caller's dict is left alone


def test_screening_names_every_missing_item() -> None:
    payload = phq9_payload()
    del payload["answers"]["q3"], payload["answers"]["q9"]
    found = problems_of(make_event("screening", payload))
    assert set(found) == {"payload.answers.q3", "payload.answers.q9"}


def test_screening_version_and_instrument_checked() -> None:
    payload = phq9_payload()
    payload["instrument_version"] = "phq9-ko-park-2010"
    assert "payload.instrument_version" in problems_of(make_event("screening", payload))
    payload["instrument_id"] = "beck"
    assert "beck" in problems_of(make_event("screening", payload))["payload.instrument_id"]


def test_score_entry_screening_range() -> None:
    inst = get_instrument("sbq_r")
    payload = {"instrument_id": "sbq_r", "instrument_version": inst.version, "answers": None}
    assert "payload.total" in problems_of(make_event("screening", {**payload, "total": 2}))
    out = validate_event(make_event("screening", {**payload, "total": 7}))
    assert out["payload"]["result"]["band"] == "at_risk"
    assert out["payload"]["result"]["actions"][0]["urgency"] == "immediate"


def test_redacted_clinical_event_is_checked_for_envelope_only() -> None:
    out = validate_event(make_event("screening", {}, redacted=True))
    assert out["payload"] == {}


# ------------------------------------------------------------------ visit


def test_visit_vitals_ranges_and_result() -> None:
    bad = {"vitals": {"bp": [{"systolic": 300, "diastolic": 80}], "pulse": 5}}
    found = problems_of(make_event("visit", bad))
    assert "60 to 260" in found["payload.vitals.bp[0].systolic"]
    assert "payload.vitals.pulse" in found
    good = {
        "vitals": {
            "bp": [{"systolic": 182, "diastolic": 100}, {"systolic": 186, "diastolic": 104}],
            "glucose": {"value": 140, "timing": "fasting"},
        },
        "medication_adherence": "good",
    }
    result = validate_event(make_event("visit", good))["payload"]["result"]
    assert result["flags"][:2] == ["bp_crisis", "glucose_high"]
    assert result["actions"][0]["urgency"] == "immediate"
    assert result["metrics"]["systolic_mean"] == 184


def test_visit_unknown_field_rejected() -> None:
    assert "payload.shoe_size" in problems_of(make_event("visit", {"shoe_size": 270}))


# ------------------------------------------------------------------ welfare check


def test_welfare_check_ok_and_defaults_filled() -> None:
    payload = dict(WELFARE_OK)
    del payload["attempt"], payload["escalation_level"]
    out = validate_event(make_event("welfare_check", payload))
    assert out["payload"]["attempt"] == 1
    assert out["payload"]["escalation_level"] == 0
    assert out["payload"]["result"]["actions"] == []


def test_welfare_check_active_suicidal_talk_is_immediate_with_crisis_numbers() -> None:
    out = validate_event(make_event("welfare_check", {**WELFARE_OK, "suicidal_talk": "active"}))
    result = out["payload"]["result"]
    assert result["actions"][0]["urgency"] == "immediate"
    assert "109" in result["actions"][0]["text_ko"]
    assert "1577-0199" in result["actions"][0]["text_en"]
    assert result["escalation_required"] == 3
    assert "escalation_below_required" in result["flags"]


def test_welfare_check_passive_is_urgent() -> None:
    out = validate_event(make_event("welfare_check", {**WELFARE_OK, "suicidal_talk": "passive"}))
    assert [a["urgency"] for a in out["payload"]["result"]["actions"]] == ["urgent"]


def test_welfare_check_unreached_needs_only_the_contact_fields() -> None:
    payload = {"method": "phone", "reached": "no_answer"}
    out = validate_event(make_event("welfare_check", payload))
    assert out["payload"]["result"]["flags"] == []


def test_welfare_check_required_when_reached() -> None:
    found = problems_of(make_event("welfare_check", {"method": "phone", "reached": "yes"}))
    assert {"payload.health", "payload.suicidal_talk", "payload.mood"} <= set(found)


def test_welfare_check_door_no_answer_with_absence_signs() -> None:
    payload = {
        "method": "visit",
        "reached": "not_home",
        "risk_signs": ["mail_piled", "smell_insects"],
    }
    result = validate_event(make_event("welfare_check", payload))["payload"]["result"]
    ids = [a["id"] for a in result["actions"]]
    assert ids[:2] == ["door_no_answer", "emergency_welfare_check"]
    assert "report_dong" in ids


def test_welfare_check_bad_options_collected() -> None:
    found = problems_of(
        make_event(
            "welfare_check",
            {**WELFARE_OK, "risk_signs": ["ghosts"], "health": "meh", "escalation_level": 7},
        )
    )
    assert {"payload.risk_signs", "payload.health", "payload.escalation_level"} <= set(found)


def test_other_risk_sign_needs_its_text() -> None:
    found = problems_of(make_event("welfare_check", {**WELFARE_OK, "risk_signs": ["other"]}))
    assert set(found) == {"payload.risk_signs_other"}


# ------------------------------------------------------------------ note, referral, access log


@pytest.mark.parametrize(
    "text",
    ["주민번호 800101-1234567 확인", "850505 - 2345678", "번호:991231–1000000", "8001011234567"],
)
def test_note_rejects_resident_registration_numbers(text: str) -> None:
    found = problems_of(make_event("note", {"text": text}))
    assert "do not record it" in found["payload.text"]


def test_phone_numbers_are_not_mistaken_for_rrn() -> None:
    assert not looks_like_rrn("010-1234-5678, 02-123-4567, 2026-05-01, +821012345678")
    assert not looks_like_rrn("1234567890123")  # 13 digits, but month 56 is no birth date
    validate_event(make_event("note", {"text": "보호자 010-1234-5678"}))


def test_note_must_not_be_empty() -> None:
    assert "payload.text" in problems_of(make_event("note", {"text": "   "}))


def test_rrn_rejected_in_welfare_notes_too() -> None:
    found = problems_of(make_event("welfare_check", {**WELFARE_OK, "notes": "800101-1234567"}))
    assert set(found) == {"payload.notes"}


def test_referral_shape() -> None:
    found = problems_of(make_event("referral", {"target": "", "urgency": "soon"}))
    assert {"payload.target", "payload.reason", "payload.urgency"} <= set(found)
    out = validate_event(
        make_event(
            "referral", {"target": "정신건강복지센터", "reason": "PHQ-9 12", "urgency": "urgent"}
        )
    )
    assert out["payload"]["status"] == "open"
    assert out["payload"]["closes"] is None


def test_access_log_export_needs_a_reason() -> None:
    assert "payload.reason" in problems_of(make_event("access_log", {"action": "export"}))
    validate_event(make_event("access_log", {"action": "view"}))
    assert "payload.action" in problems_of(make_event("access_log", {"action": "peek"}))


# ------------------------------------------------------------------ forms and assets


def test_validate_form_live_for_instruments_and_forms() -> None:
    problems, result = validate_form("phq9", {"answers": {"q1": 3}})
    assert result is None and len(problems) == 8
    problems, result = validate_form("welfare_check", WELFARE_OK)
    assert problems == [] and result is not None
    problems, result = validate_form("nope", {})
    assert result is None and problems[0].field == "form"


def test_forms_and_crisis_numbers_load() -> None:
    form = load_form("welfare_check")
    assert {"method", "reached", "suicidal_talk", "risk_signs", "escalation_level"} <= {
        f.id for f in form.fields
    }
    numbers = [n["number"] for n in load_crisis_numbers()]
    assert numbers == ["109", "1577-0199", "129", "119", "112", "120"]


def test_visit_form_ranges_match_the_vitals_panel() -> None:
    """The visit form shows the same ranges the vitals panel enforces."""
    from fieldapp.resources import asset_path
    from fieldapp.vitals import load_panel

    visit = json.loads(asset_path("forms", "visit.json").read_text(encoding="utf-8"))
    panel = load_panel()
    seen = 0
    for field in visit["vitals"]["fields"]:
        for part in [field, *field.get("parts", [])]:
            key = {"value": "glucose"}.get(part["id"], part["id"])
            if "min" in part and key in panel.inputs:
                assert (part["min"], part["max"]) == (panel.inputs[key].min, panel.inputs[key].max)
                seen += 1
    assert seen == 7


# ------------------------------------------------------------------ robustness


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-10, 300)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def _field_values() -> st.SearchStrategy[dict[str, Any]]:
    """Payloads built from the welfare-check form's own field ids and option values."""
    form = load_form("welfare_check")
    per_field = {}
    for f in form.fields:
        options = list(f.option_values)
        if options:
            choices = st.sampled_from(options)
            per_field[f.id] = choices | st.lists(choices, max_size=3, unique=True) | JSON
        else:
            per_field[f.id] = JSON
    return st.fixed_dictionaries({}, optional=per_field)


@settings(max_examples=150, deadline=None)
@given(
    etype=st.sampled_from(
        ["visit", "screening", "welfare_check", "referral", "note", "access_log", "void"]
    )
    | JSON,
    payload=JSON | _field_values(),
    amends=st.none() | JSON,
    programme=st.none() | JSON,
)
def test_any_input_is_either_accepted_or_explained(
    etype: Any, payload: Any, amends: Any, programme: Any
) -> None:
    """Untrusted input (the server calls this) never crashes: a result or a ValidationError."""
    event = make_event("note", payload, amends=amends, programme=programme)
    event["type"] = etype
    try:
        out = validate_event(event)
    except ValidationError as err:
        assert err.problems and all(p.field and p.message for p in err.problems)
    else:
        assert isinstance(out["payload"], dict)


@settings(max_examples=150, deadline=None)
@given(payload=_field_values())
def test_welfare_check_payloads_never_crash(payload: dict[str, Any]) -> None:
    try:
        out = validate_event(make_event("welfare_check", payload))
    except ValidationError as err:
        assert all(p.field.startswith("payload.") for p in err.problems)
    else:
        assert set(out["payload"]["result"]) >= {"flags", "actions", "escalation_required"}


@settings(max_examples=100, deadline=None)
@given(
    instrument=st.sampled_from(sorted(load_instruments())), answers=JSON, total=JSON, context=JSON
)
def test_screening_payloads_never_crash(
    instrument: str, answers: Any, total: Any, context: Any
) -> None:
    payload = {
        "instrument_id": instrument,
        "instrument_version": get_instrument(instrument).version,
        "answers": answers,
        "total": total,
        "context": context,
    }
    try:
        out = validate_event(make_event("screening", payload))
    except ValidationError as err:
        assert all(p.field.startswith("payload.") for p in err.problems)
    else:
        assert out["payload"]["result"]["band"] is not None


@settings(max_examples=100, deadline=None)
@given(
    vitals=JSON
    | st.fixed_dictionaries(
        {},
        optional={
            k: JSON for k in ("bp", "pulse", "glucose", "height_cm", "weight_kg", "waist_cm", "sex")
        },
    )
)
def test_visit_payloads_never_crash(vitals: Any) -> None:
    try:
        out = validate_event(make_event("visit", {"vitals": vitals}))
    except ValidationError as err:
        assert all(p.field.startswith("payload.vitals") for p in err.problems)
    else:
        assert "metrics" in out["payload"]["result"]
