"""The open work a demo shows on every screen: a conflict, a late hand-over, an open referral.

The demo history (:mod:`fieldapp.demo`) is two years of finished work. What a worker and a
supervisor also meet in a real week is work still open, and the conflict view and the
hand-over inbox are blank without it. After the history is loaded, :func:`add_open_work` does
for the demo's default nurse (``fieldapp --demo`` signs in ``nurse3``) and supervisor what a
few days of use would leave behind, through the server's own operations (pushes from the
workers' demo laptops, a reassignment by the supervisor):

* a per-field conflict: the 돌봄단 volunteer and the nurse of a household in both programmes
  change its notes from the same version on their laptops (the nurse's push comes second);
* an open referral the nurse made yesterday for another household in both programmes;
* a hand-over: the supervisor moves a household from another nurse to this one, and the other
  nurse's laptop then sends a note written before the move (a late record: the inbox).

Ids and idempotency keys are derived from the seed, so the result is deterministic.

When the demo's history has a heat exposure (a crisis day a few days ahead in a heat or cold
season, :func:`fieldapp.demo_scenarios.demo_scenarios`), :func:`declare_demo_alert` declares
its alert for the district as the supervisor would (``declare_alert``): every high- and
medium-risk household is under it, ``alert_active``, and the history has the alert's daily
calls to them.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import admin, security, syncing
from sync.server.district.alerts import NewAlert, declare_alert
from sync.server.models import Assignment, Device, Household

log = logging.getLogger("fieldapp.server.seeding")

#: Whose open work the demo shows (``ui.demo.DEMO_DEFAULT_USER`` and the district's team lead).
DEMO_NURSE = "nurse3"
DEMO_SUPERVISOR = "supervisor1"
#: What each side wrote into the household's notes (the conflict).
VOLUNTEER_NOTE = "열쇠는 1층 경비실에 맡겨 두심 (돌봄단 확인)"
NURSE_NOTE = "오전 10시 이전 방문 선호, 현관 비밀번호는 본인에게 직접 확인"
REFERRAL = {
    "target": "의료기관",
    "reason": "무릎 통증 악화로 보행 어려움: 정형외과 진료 연계",
    "urgency": "urgent",
    "status": "open",
    "closes": None,
}
LATE_NOTE = "담당 변경 전 마지막 방문: 혈압약 복용 잘 하심. 다음 방문 때 약 봉투 확인 필요"
HANDOVER_REASON = "담당 지역 조정"


def _uid(seed: int, label: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"fieldapp:demo:{seed}:{label}"))


class _Laptops:
    """Each demo worker's laptop (the device their demo history names), registered once."""

    def __init__(self, session: Session, demo: Any, now: datetime) -> None:
        self.session = session
        self.demo = demo
        self.now = now

    def device(self, username: str) -> Device:
        device_id = self.demo.user(username).device_id
        device = self.session.get(Device, device_id)
        if device is None:
            device = Device(
                id=device_id,
                username=username,
                name="데모 노트북",
                db_key=security.new_db_key(),
                registered_at=self.now - timedelta(days=800),
                last_sync_at=self.now,
            )
            self.session.add(device)
            self.session.flush()
        return device

    def push(self, username: str, key: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Push *items* from *username*'s laptop, as the app would; return the results."""
        body = p.PushRequest.model_validate(
            {"protocol": p.PROTOCOL_VERSION, "idempotency_key": key, "items": items}
        )
        user = admin.get_user(self.session, username)
        device = self.device(username)
        response = syncing.push(
            self.session, user, device, body, syncing.request_hash(body), now=self.now
        )
        self.session.commit()
        return response["results"]


def _event(
    demo: Any,
    label: str,
    household_id: str,
    etype: str,
    username: str,
    when: datetime,
    payload: dict[str, Any],
) -> dict[str, Any]:
    return {
        "kind": "event",
        "event": {
            "id": _uid(demo.seed, label),
            "type": etype,
            "household_id": household_id,
            "programme": p.Programme.visiting_health.value,
            "created_by": username,
            "device_id": demo.user(username).device_id,
            "device_time": when.isoformat(),
            "payload": payload,
        },
    }


def _both_programmes(session: Session, nurse: str) -> list[str]:
    """The nurse's households that also have a 돌봄단 volunteer, in id order."""
    held = select(Assignment.household_id).where(
        Assignment.username == nurse, Assignment.programme == p.Programme.visiting_health.value
    )
    rows = session.scalars(
        select(Assignment.household_id)
        .where(
            Assignment.household_id.in_(held),
            Assignment.programme == p.Programme.welfare_check.value,
            Assignment.username.is_not(None),
        )
        .order_by(Assignment.household_id)
    )
    return list(rows)


def _volunteer_of(session: Session, household_id: str) -> str:
    return session.scalars(
        select(Assignment.username).where(
            Assignment.household_id == household_id,
            Assignment.programme == p.Programme.welfare_check.value,
        )
    ).one()


def _other_nurses_household(session: Session, nurse: str) -> tuple[str, str] | None:
    """A household of another nurse, in a 행정동 this nurse covers if there is one:
    (household id, that nurse)."""
    dongs = set(admin.get_user(session, nurse).dong_codes or [])
    rows = session.execute(
        select(Assignment.household_id, Assignment.username, Household.dong_code)
        .join(Household, Household.id == Assignment.household_id)
        .where(
            Assignment.programme == p.Programme.visiting_health.value,
            Assignment.username.is_not(None),
            Assignment.username != nurse,
        )
        .order_by(Assignment.household_id)
    )
    candidates = [(dong not in dongs, household_id, other) for household_id, other, dong in rows]
    if not candidates:
        return None
    _, household_id, other = min(candidates)
    return household_id, other


def add_open_work(
    session: Session,
    demo: Any,
    now: datetime,
    *,
    nurse: str = DEMO_NURSE,
    supervisor: str = DEMO_SUPERVISOR,
) -> dict[str, int]:
    """Leave a conflict, an open referral and a late hand-over for *nurse*; commit.

    Returns how many of each were made (0 where the district has no household to make it
    on, e.g. a tiny test district without *nurse*).
    """
    made = {"conflicts": 0, "referrals": 0, "handovers": 0}
    names = {u.username for u in demo.users}
    if nurse not in names or supervisor not in names:
        return made
    laptops = _Laptops(session, demo, now)
    shared = _both_programmes(session, nurse)
    if shared:
        household_id = shared[0]
        hh = session.get(Household, household_id)
        assert hh is not None
        version = int((hh.field_versions or {}).get("notes", 0))
        volunteer = _volunteer_of(session, household_id)
        for who, note, hours, label in (
            (volunteer, VOLUNTEER_NOTE, 30, "conflict-volunteer"),
            (nurse, NURSE_NOTE, 26, "conflict-nurse"),
        ):
            edit = {
                "kind": "household_edit",
                "edit": {
                    "id": _uid(demo.seed, label),
                    "household_id": household_id,
                    "field": "notes",
                    "value": note,
                    "base_version": version,
                    "created_by": who,
                    "device_id": demo.user(who).device_id,
                    "device_time": (now - timedelta(hours=hours)).isoformat(),
                },
            }
            results = laptops.push(who, _uid(demo.seed, f"push-{label}").replace("-", ""), [edit])
        made["conflicts"] = sum(r["status"] == p.ItemStatus.conflict.value for r in results)
    if len(shared) > 1:
        item = _event(
            demo, "referral", shared[1], "referral", nurse, now - timedelta(hours=20), REFERRAL
        )
        results = laptops.push(nurse, _uid(demo.seed, "push-referral").replace("-", ""), [item])
        made["referrals"] = sum(r["status"] == p.ItemStatus.applied.value for r in results)
    moved = _other_nurses_household(session, nurse)
    if moved is not None:
        household_id, before = moved
        written = now - timedelta(hours=6)
        late = _event(demo, "late-note", household_id, "note", before, written, {"text": LATE_NOTE})
        laptops.device(before)  # the old nurse's laptop knew the household before the move
        admin.assign_household(
            session,
            household_id,
            p.Programme.visiting_health.value,
            nurse,
            actor=supervisor,
            reason=HANDOVER_REASON,
        )
        session.commit()
        results = laptops.push(before, _uid(demo.seed, "push-late").replace("-", ""), [late])
        made["handovers"] = sum(r["status"] == p.ItemStatus.applied.value for r in results)
    log.info("demo open work for %s: %s", nurse, made)
    return made


def declare_demo_alert(
    session: Session, demo: Any, today: date, *, supervisor: str = DEMO_SUPERVISOR
) -> dict[str, Any] | None:
    """Declare the demo history's district alert (its heat exposure's days; a cold alert in
    the cold season) as *supervisor*, if it has one still running on *today*; commit.
    Returns the alert (``AlertRow`` as JSON) or None."""
    from fieldapp.demo_scenarios import season_of

    running = [(a, b) for a, b in demo.declared_alerts() if b >= today]
    if not running:
        return None
    names = {u.username for u in demo.users}
    actor = supervisor if supervisor in names else "admin"
    start, end = running[0]
    kind = season_of(end) or season_of(start) or "heat"
    row = declare_alert(
        session,
        demo.district["code"],
        actor,
        NewAlert(kind=kind, level="advisory", start=start, end=end),
        today=today,
    )
    session.commit()
    log.info("demo %s alert %s to %s: %d households", kind, start, end, row.households)
    return row.model_dump(mode="json")
