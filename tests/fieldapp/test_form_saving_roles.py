"""A form saved on the laptop is checked against the signed-in worker's role, as the server
checks it: a volunteer's visit or screening is refused before anything is stored, instead of
being stored, pushed, refused by the server and set aside."""

from __future__ import annotations

import pytest

from fieldapp import records
from fieldapp.errors import ValidationError
from fieldapp.store import Store
from tests.fieldapp.test_form_saving import FORM_A, answer, events_of, visit
from tests.fieldapp.test_records import HID, USER, household


def test_a_volunteer_cannot_save_a_visit_and_nothing_is_written(store: Store) -> None:
    records.upsert_households(store, [household(assignments={"visiting_health": USER})])
    records.save_draft(store, FORM_A, "visit", HID, {"values": {}})
    record = visit(FORM_A)
    with pytest.raises(ValidationError) as refused:
        records.save_form_record(store, record, [answer(record)], draft_id=FORM_A, role="volunteer")
    assert any(p.field == "programme" or p.field == "type" for p in refused.value.problems)
    assert events_of(store, "visit") == [] and events_of(store, "referral") == []
    assert records.load_draft(store, FORM_A) is not None, "the draft is kept, nothing lost"


def test_a_nurse_saves_the_same_visit(store: Store) -> None:
    records.upsert_households(store, [household(assignments={"visiting_health": USER})])
    record = visit(FORM_A)
    stored = records.save_form_record(store, record, [answer(record)], role="nurse")
    assert stored["id"] == FORM_A and len(events_of(store, "referral")) == 1


def test_a_volunteer_cannot_correct_a_nurses_visit(store: Store) -> None:
    records.upsert_households(store, [household(assignments={"visiting_health": USER})])
    original = records.save_form_record(store, visit(FORM_A), role="nurse")
    fix = {**visit(records.new_id(), glucose=90), "amends": original["id"]}
    with pytest.raises(ValidationError):
        records.save_form_record(store, fix, role="volunteer")
    assert [e["id"] for e in events_of(store, "visit")] == [FORM_A]
