"""The shared validator refuses what cannot be stored: broken text anywhere, device times a
datetime cannot hold in UTC, and records outside the writer's programme (issue 13)."""

from __future__ import annotations

import pytest

from fieldapp.errors import ValidationError
from fieldapp.validation import (
    find_bad_text,
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
