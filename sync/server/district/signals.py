"""The district's early-warning signals: the pure rules of :mod:`fieldapp.signals` over every
household's acknowledged records, with who holds each household (for the board's filter)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp import signals
from fieldapp.records import resolve_amendments
from sync import protocol as p
from sync.server.district.common import (
    assignments_of,
    chunks,
    district_households,
    household_dict,
    household_label,
    today_kst,
)
from sync.server.models import Event


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
