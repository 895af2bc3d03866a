"""The district's early-warning signals: the pure rules of :mod:`fieldapp.signals` over every
household's acknowledged records, with who holds each household (for the board's filter)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp import signals
from fieldapp.errors import ValidationError
from fieldapp.records import resolve_amendments
from fieldapp.validation import validate_event
from sync import protocol as p
from sync.server import syncing
from sync.server.admin import AdminError
from sync.server.district.common import (
    Actor,
    assignments_of,
    chunks,
    district_households,
    household_dict,
    household_in,
    household_label,
    today_kst,
)
from sync.server.models import Event, utcnow


class SignalRow(BaseModel):
    """One signal of one household (``fieldapp.signals.Signal.to_dict`` plus who holds it)."""

    id: str
    household_id: str
    household_label: str
    dong_code: str
    workers: dict[str, str] = Field(description="programme -> assigned username")
    rule: str
    kind: str
    severity: str
    since: str
    raised_on: str
    evidence_record_ids: list[str]
    evidence: list[dict[str, Any]]
    text_ko: str
    text_en: str
    source: str
    rules_version: str
    acknowledged: dict[str, Any] | None
    programme: str | None = Field(description="whose Today lists it (None: every programme)")


class DistrictSignals(BaseModel):
    district_code: str
    day: date
    rules_version: str
    signals: list[SignalRow]


def effective_records(
    session: Session, household_ids: Sequence[str]
) -> dict[str, list[dict[str, Any]]]:
    """household id -> its records that count (corrections applied, voided ones left out),
    as :func:`fieldapp.records.effective_events` gives them on a laptop."""
    raw: dict[str, list[dict[str, Any]]] = defaultdict(list)
    stmt = select(
        Event.id,
        Event.household_id,
        Event.type,
        Event.programme,
        Event.created_by,
        Event.device_time,
        Event.amends,
        Event.payload,
    ).where(Event.type != p.EventType.access_log.value)
    for chunk in chunks(household_ids):
        for eid, hid, etype, programme, by, at, amends, payload in session.execute(
            stmt.where(Event.household_id.in_(chunk))
        ):
            raw[hid].append(
                {
                    "id": eid,
                    "type": etype,
                    "programme": programme,
                    "created_by": by,
                    "device_time": at,
                    "amends": amends,
                    "payload": payload or {},
                }
            )
    return {hid: [e for e in resolve_amendments(evs) if e["effective"]] for hid, evs in raw.items()}


def district_signals(
    session: Session,
    district: str,
    day: date | None = None,
    *,
    worker: str | None = None,
    include_acknowledged: bool = False,
) -> DistrictSignals:
    """Every household's signals on *day* (KST, default today), most severe first; only the
    households *worker* holds when given; acknowledged ones only with *include_acknowledged*."""
    day = day or today_kst()
    households = district_households(session, district)
    assigned = assignments_of(session, [h.id for h in households])
    if worker:
        households = [h for h in households if worker in assigned.get(h.id, {}).values()]
    by_id = {h.id: h for h in households}
    records = effective_records(session, list(by_id))
    held = [{**household_dict(h), "assignments": dict(assigned.get(h.id, {}))} for h in households]
    found = signals.district_signals(held, records, day)
    rows = [
        SignalRow(
            **s.to_dict(),
            household_label=household_label(by_id[s.household_id]),
            dong_code=by_id[s.household_id].dong_code,
            workers=dict(assigned.get(s.household_id, {})),
        )
        for s in found
        if include_acknowledged or s.active
    ]
    return DistrictSignals(
        district_code=district,
        day=day,
        rules_version=signals.load_signal_rules().version,
        signals=rows,
    )


class SignalAck(BaseModel):
    """A supervisor's acknowledgement of one signal (``POST /district/signals/ack``)."""

    household_id: str
    signal_id: str = Field(min_length=1, max_length=200)
    rule: str = Field(min_length=1, max_length=64)
    note: str = Field(default="", max_length=5000)
    follow_up: date | None = None


class SignalAckResult(BaseModel):
    id: str = Field(description="the signal_ack record's id")
    household_id: str
    signal_id: str


def acknowledge(session: Session, actor: Actor, ack: SignalAck) -> SignalAckResult:
    """Record a supervisor's acknowledgement as a ``signal_ack`` record of no programme: it
    goes to every worker who holds the household, like any record (the caller commits)."""
    hh = household_in(session, actor.district, ack.household_id)  # 404 outside the district
    now = utcnow()
    event = p.Event(
        id=str(uuid.uuid4()),
        type=p.EventType.signal_ack,
        household_id=hh.id,
        programme=None,
        created_by=actor.username,
        device_id=actor.device_id or "server",
        device_time=now,
        payload={
            "signal_id": ack.signal_id,
            "rule": ack.rule,
            "note": ack.note,
            "follow_up": ack.follow_up.isoformat() if ack.follow_up else None,
            "rules_version": signals.load_signal_rules().version,
        },
    )
    try:
        checked = validate_event(event.model_dump(mode="json"))
    except ValidationError as exc:
        raise AdminError(str(exc)) from None
    row = syncing.event_row(event, checked, skew_flag=False, server_time=now, late_handover=False)

    def set_seq(seq: int) -> None:
        row["received_seq"] = seq

    feed = syncing.FeedWriter(session, district=actor.district)
    recipients = syncing.event_recipients(syncing.workers_of(session, hh.id), None)
    feed.add(p.ChangeKind.event, hh.id, event.id, recipients, on_stamp=set_seq)
    feed.stamp()
    syncing.insert_events(session, [row])
    return SignalAckResult(id=event.id, household_id=hh.id, signal_id=ack.signal_id)
