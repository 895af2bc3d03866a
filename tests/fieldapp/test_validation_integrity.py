"""The shared validator refuses what cannot be stored: broken text anywhere, device times a
datetime cannot hold in UTC, and records outside the writer's programme (issue 13)."""

from __future__ import annotations

import pytest

from fieldapp.errors import ValidationError
from fieldapp.validation import (
    amendment_problem,
    find_bad_text,
    household_edit_problem,
    programme_problem,
    validate_event,
    validate_form,
)
from tests.fieldapp.test_validation import make_event, phq9_payload
from tests.helpers.payloads import welfare_payload

LONE = "\ud800x"


def refused(event: dict, **kw: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        validate_event(event, **kw)  # type: ignore[arg-type]
    return {p.field: p.message for p in info.value.problems}


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        ({"text": LONE}, "payload.text"),
        ({"text": "ok", "\udc00": 1}, "payload.<key>"),
        ({"text": "ok", "extra": {"deep": [1, {"x": LONE}]}}, "payload.extra.deep[1].x"),
    ],
)
def test_a_lone_surrogate_anywhere_in_a_payload_is_refused_with_its_place(
    payload: dict, where: str
) -> None:
    problems = refused(make_event("note", payload))
    assert list(problems) == [where]
    assert "surrogate" in problems[where]


def test_a_lone_surrogate_in_the_envelope_is_refused_too() -> None:
    assert "created_by" in refused(make_event("note", {"text": "ok"}, created_by="a\udfffb"))


def test_the_refusal_message_itself_holds_only_good_text() -> None:
    with pytest.raises(ValidationError) as info:
        validate_event(make_event("note", {"text": "ok", LONE: LONE}))
    assert find_bad_text(str(info.value)) is None
    str(info.value).encode("utf-8")


def test_good_text_of_every_script_passes() -> None:
    payload = {"text": "가나다 𝄞 emoji 🙂 ١٢٣ \u00e9"}
    assert find_bad_text(payload) is None
    assert validate_event(make_event("note", payload))["payload"] == payload


def test_a_form_being_filled_in_names_the_broken_field() -> None:
    problems, result = validate_form("welfare_check", welfare_payload(notes=LONE))
    assert result is None
    assert [p.field for p in problems] == ["notes"]


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
def test_a_device_time_outside_the_utc_range_is_refused(when: str) -> None:
    problems = refused(make_event("note", {"text": "ok"}, device_time=when))
    assert "outside the years 1-9999" in problems["device_time"]


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59+09:00", "0001-01-01T09:00:00+09:00"])
def test_the_edges_of_the_range_still_pass(when: str) -> None:
    validate_event(make_event("note", {"text": "ok"}, device_time=when))


@pytest.mark.parametrize(
    ("role", "etype", "programme", "payload"),
    [
        ("volunteer", "screening", "visiting_health", phq9_payload()),
        ("volunteer", "screening", None, phq9_payload()),
        ("volunteer", "welfare_check", "visiting_health", welfare_payload()),
        ("nurse", "welfare_check", "welfare_check", welfare_payload()),
        ("nurse", "note", "welfare_check", {"text": "ok"}),
        ("supervisor", "note", None, {"text": "ok"}),
    ],
)
def test_a_record_outside_the_writers_programme_is_refused(
    role: str, etype: str, programme: str | None, payload: dict
) -> None:
    problems = refused(make_event(etype, payload, programme=programme), role=role)
    assert set(problems) & {"programme", "type"}


@pytest.mark.parametrize(
    ("role", "etype", "programme", "payload"),
    [
        ("volunteer", "welfare_check", "welfare_check", welfare_payload()),
        ("volunteer", "note", None, {"text": "ok"}),
        ("nurse", "screening", "visiting_health", phq9_payload()),
        ("nurse", "note", None, {"text": "ok"}),
    ],
)
def test_a_record_of_the_writers_own_programme_passes(
    role: str, etype: str, programme: str | None, payload: dict
) -> None:
    validate_event(make_event(etype, payload, programme=programme), role=role)
    assert programme_problem(role, etype, programme) is None


NOTE = {"household_id": "h1", "type": "note"}


@pytest.mark.parametrize(
    ("role", "event", "target", "field", "said"),
    [
        ("volunteer", {"type": "void"}, {"programme": "visiting_health"}, "amends", "note record"),
        ("nurse", {"type": "note"}, {"programme": "welfare_check"}, "amends", "welfare_check"),
        ("volunteer", {"type": "referral"}, {"programme": "welfare_check"}, "type", "(note)"),
        (
            "volunteer",
            {"type": "void", "household_id": "h2"},
            {"programme": "welfare_check"},
            "amends",
            "not a stored event of this household",
        ),
        ("supervisor", {"type": "void"}, {"programme": "welfare_check"}, "amends", "own"),
    ],
)
def test_an_amendment_is_of_the_writers_own_programme_and_keeps_the_original(
    role: str, event: dict, target: dict, field: str, said: str
) -> None:
    problem = amendment_problem(role, {**NOTE, **event}, {**NOTE, **target})
    assert problem is not None and problem.field == field and said in problem.message
    assert problem.message_ko


def test_an_amendment_of_ones_own_programme_passes() -> None:
    target = {**NOTE, "programme": "welfare_check"}
    assert amendment_problem("volunteer", {**NOTE, "type": "void"}, target) is None
    assert amendment_problem("volunteer", {**NOTE, "programme": "welfare_check"}, target) is None
    assert amendment_problem("volunteer", NOTE, None) is not None  # unknown record


def test_household_fields_by_role() -> None:
    for field in ("phone", "address_road", "emergency_contacts", "notes", "risk_level"):
        assert household_edit_problem("volunteer", field) is None
        assert household_edit_problem("nurse", field) is None
    for field in ("care_group", "consent_health"):
        problem = household_edit_problem("volunteer", field)
        assert problem is not None and problem.field == field
        assert "visiting_health" in problem.message and problem.message_ko
        assert household_edit_problem("nurse", field) is None
    assert "cannot be edited" in household_edit_problem("nurse", "persons").message  # type: ignore[union-attr]
    assert household_edit_problem("supervisor", "phone") is not None
