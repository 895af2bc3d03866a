"""A form is saved exactly once: its draft has its record's id; saving writes the record,
its answers (``closes``) and drops the draft in one transaction (records.save_form_record)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp import records
from fieldapp.errors import AlreadySavedError, ValidationError
from fieldapp.store import Store
from tests.fieldapp.conftest import TEST_KEY
from tests.fieldapp.test_records import DEVICE, HID, USER, household

FORM_A, FORM_B = "0a0a0a0a-0000-4000-8000-00000000000a", "0b0b0b0b-0000-4000-8000-00000000000b"
FORMS = (FORM_A, FORM_B)


def visit(form_id: str, glucose: int = 65) -> dict[str, Any]:
    """The record a visit form with id *form_id* makes (glucose 65 raises an immediate action)."""
    return {
        "id": form_id,
        "type": "visit",
        "household_id": HID,
        "programme": "visiting_health",
        "created_by": USER,
        "device_id": DEVICE,
        "device_time": records.utc_now(),
        "payload": {"vitals": {"glucose": {"value": glucose, "timing": "fasting"}}},
    }


def answer(record: dict[str, Any]) -> dict[str, Any]:
    """The banner's answer: a done referral that closes *record*."""
    return {
        **record,
        "id": records.new_id(),
        "type": "referral",
        "payload": {
            "target": "곁에 머물며 안전을 확인함",
            "reason": "저혈당",
            "urgency": "immediate",
            "status": "done",
            "closes": record["id"],
        },
    }


def open_store(folder: str) -> Store:
    store = Store.open(Path(folder) / "local.db", TEST_KEY, create=True)
    records.upsert_households(store, [household(assignments={"visiting_health": USER})])
    return store


def events_of(store: Store, kind: str) -> list[dict[str, Any]]:
    return [e for e in records.household_events(store, HID) if e["type"] == kind]


def test_saving_writes_record_and_answer_and_drops_the_draft(store: Store) -> None:
    records.upsert_households(store, [household(assignments={"visiting_health": USER})])
    records.save_draft(store, FORM_A, "visit", HID, {"values": {}})
    record = visit(FORM_A)
    stored = records.save_form_record(store, record, [answer(record)], draft_id=FORM_A)
    assert stored["id"] == FORM_A
    assert [r["payload"]["closes"] for r in events_of(store, "referral")] == [FORM_A]
    assert records.load_draft(store, FORM_A) is None
    records.save_draft(store, FORM_A, "visit", HID, {"values": {}})  # a stale copy
    with pytest.raises(AlreadySavedError) as info:
        records.save_form_record(store, record, [answer(record)], draft_id=FORM_A)
    assert info.value.event_id == FORM_A
    assert len(events_of(store, "visit")) == 1 and len(events_of(store, "referral")) == 1
    assert records.load_draft(store, FORM_A) is None, "the stale draft is removed"


def test_a_refused_record_writes_nothing(store: Store) -> None:
    records.upsert_households(store, [household(assignments={"visiting_health": USER})])
    records.save_draft(store, FORM_A, "visit", HID, {"values": {}})
    bad = visit(FORM_A, glucose=5000)
    with pytest.raises(ValidationError):
        records.save_form_record(store, bad, [answer(bad)], draft_id=FORM_A)
    assert not events_of(store, "visit") and not events_of(store, "referral")
    assert records.load_draft(store, FORM_A) is not None, "nothing already saved is lost"


OPS = st.lists(
    st.tuples(st.sampled_from(("autosave", "save", "save_refused")), st.sampled_from(FORMS)),
    max_size=12,
)


@settings(max_examples=40, deadline=None)
@given(OPS)
def test_no_history_gives_two_records_from_one_form(ops: list[tuple[str, str]]) -> None:
    """Autosaves, saves (again and again) and refused saves in any order: at most one record
    and one answer per form, an answer only with its record, and no draft of a saved form
    unless an autosave came after its save (the form never autosaves once saving began)."""
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(folder)
        try:
            saved: set[str] = set()
            for op, form in ops:
                if op == "autosave":
                    records.save_draft(store, form, "visit", HID, {"values": {"x": 1}})
                    continue
                record = visit(form, glucose=5000 if op == "save_refused" else 65)
                try:
                    records.save_form_record(store, record, [answer(record)], draft_id=form)
                    saved.add(form)
                except AlreadySavedError:
                    assert form in saved
                except ValidationError:
                    assert op == "save_refused"
                if form in saved:
                    assert records.load_draft(store, form) is None
            for form in FORMS:
                made = [e for e in events_of(store, "visit") if e["id"] == form]
                answers = [
                    e for e in events_of(store, "referral") if e["payload"]["closes"] == form
                ]
                assert len(made) == len(answers) == (1 if form in saved else 0)
        finally:
            store.close()
