"""Fixed household histories for the signal tests: records built and validated like real ones."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from fieldapp.instruments import get_instrument
from fieldapp.records import resolve_amendments
from fieldapp.validation import validate_event

DAY0 = date(2026, 9, 1)
DEVICE = "6f1c9a3e-0000-4000-8000-000000000001"


def _answers(iid: str, total: int) -> dict[str, Any]:
    """Answers to *iid* that score *total* (the first items score, the rest do not)."""
    inst = get_instrument(iid)
    out: dict[str, Any] = {}
    left = total
    for item in inst.items or ():
        options = sorted(item.options, key=lambda o: o.points)
        top = options[-1].points
        if iid == "phq9" and item.id == "q9":
            out[item.id] = 0
            continue
        take = min(left, top)
        out[item.id] = next(o.value for o in options if o.points == take)
        left -= take
    assert left == 0, f"{iid} cannot score {total}"
    return out


class History:
    """One household's records, added day by day (KST), validated by the real validator."""

    def __init__(self, **household: Any) -> None:
        self.household = {
            "id": str(uuid.uuid4()),
            "risk_level": "medium",
            "assignments": {"welfare_check": "volunteer1", "visiting_health": "nurse1"},
            **household,
        }
        self.events: list[dict[str, Any]] = []

    @property
    def hid(self) -> str:
        return self.household["id"]

    def add(self, etype: str, day: int | date, payload: dict[str, Any], **extra: Any) -> str:
        when = day if isinstance(day, date) else DAY0 + timedelta(days=day)
        programme = "welfare_check" if etype == "welfare_check" else "visiting_health"
        event = {
            "id": str(uuid.uuid4()),
            "type": etype,
            "household_id": self.hid,
            "programme": programme,
            "created_by": "volunteer1" if programme == "welfare_check" else "nurse1",
            "device_id": DEVICE,
            "device_time": f"{when.isoformat()}T{extra.pop('time', '10:00:00')}+09:00",
            "payload": payload,
            "amends": extra.pop("amends", None),
        }
        event.update(extra)
        self.events.append(validate_event(event))
        return event["id"]

    def check(self, day: int, reached: str = "yes", **fields: Any) -> str:
        payload: dict[str, Any] = {"method": "phone", "attempt": 1, "reached": reached}
        if reached == "yes":
            payload.update(
                respondent="self",
                health="usual",
                meals_24h=3,
                medication="taken",
                mood="usual",
                suicidal_talk="none",
                social_contact_7d=True,
                went_out_7d=True,
            )
        payload.update(fields)
        return self.add("welfare_check", day, payload)

    def visit(self, day: int, sys_: int = 128, dia: int = 78, **vitals: Any) -> str:
        v = {"bp": [{"systolic": sys_, "diastolic": dia}], "sex": "F", **vitals}
        return self.add("visit", day, {"vitals": v})

    def screen(self, day: int, iid: str, total: int) -> str:
        inst = get_instrument(iid)
        answers = None if inst.items is None else _answers(iid, total)
        payload = {
            "instrument_id": iid,
            "instrument_version": inst.version,
            "answers": answers,
            "total": None if answers else total,
            "context": {"age": 72, "sex": "F"},
        }
        return self.add("screening", day, payload)

    def amend(self, target: str, day: int, payload: dict[str, Any]) -> str:
        old = next(e for e in self.events if e["id"] == target)
        return self.add(old["type"], day, payload, amends=target, time="18:00:00")

    def void(self, target: str, day: int) -> str:
        return self.add("void", day, {"reason": "잘못 입력"}, amends=target, time="18:00:00")

    def effective(self) -> list[dict[str, Any]]:
        """The records that count (as records.effective_events gives them)."""
        return [e for e in resolve_amendments(self.events) if e["effective"]]
