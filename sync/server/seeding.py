"""Fill a server with the synthetic demo district (:mod:`fieldapp.demo`).

Everything goes in through the server's own operations, so the result is what real use would
leave behind: the district and its 행정동, users (argon2 hashes, permission log), households
with their assignments (:func:`sync.server.admin.create_household`: history, feed, revoke
rules), and two years of events under the push rules of :func:`sync.server.syncing.apply_event`
(the shared validation with results recomputed, authorship and scope, fan-out to the workers'
feeds) with their seqs from the same :class:`~sync.server.syncing.FeedWriter`, in commit order.

Efficiency: events go in :data:`BATCH` at a time, one transaction and one counter update per
batch, with the assignments read once for the whole district and rows written with one
``INSERT`` per batch (see :class:`_EventLoader`); 200 households with two years of history
take a few seconds. Every demo account has the same published password, so it is hashed once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import admin, security, syncing
from sync.server.demo_workflows import add_open_work, declare_demo_alert
from sync.server.models import Assignment, District, Event

log = logging.getLogger("fieldapp.server.seeding")

#: Events per transaction while seeding.
BATCH = 2000
#: Who the history says set the demo up (the district's administrator account), and why the
#: households were first assigned: what 담당 이력 shows, in the app's language.
SEED_ACTOR = "admin"
FIRST_ASSIGNMENT_REASON = "신규 등록 (최초 배정)"


class SeedError(Exception):
    """The demo district cannot be seeded here (the message says why)."""


def _users_summary(demo: Any) -> list[dict[str, Any]]:
    return [
        {
            "username": u.username,
            "display_name": u.display_name,
            "role": u.role,
            "district": u.district_code,
            "dong_codes": list(u.dong_codes),
            "password": u.password,
        }
        for u in demo.users
    ]


def _batches(events: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for event in events:
        batch.append(event)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _HouseholdCounter:
    """Counts the households an event stream (household by household) has reached."""

    def __init__(self) -> None:
        self.households = 0
        self._last: str | None = None

    def count(self, events: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for event in events:
            if event["household_id"] != self._last:
                self._last = event["household_id"]
                self.households += 1
            yield event


class _EventLoader:
    """Stores demo events the way a push does, in bulk.

    Per event, exactly the push rules of :func:`sync.server.syncing.apply_event`: the shared
    validation (results recomputed), authorship by the household's worker, ``amends`` naming
    an earlier event of the same household, fan-out to the worker of the event's programme
    (else to every worker of the household), a feed seq per event from the counter row.
    What differs is only the cost: assignments are read once, and rows go in with one
    ``INSERT`` per batch instead of one per event.
    """

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now
        self.workers: dict[str, dict[str, str | None]] = {}
        self.household_of: dict[str, str] = {}
        for row in session.execute(
            select(Assignment.household_id, Assignment.programme, Assignment.username)
        ):
            self.workers.setdefault(row.household_id, {})[row.programme] = row.username

    def _check(self, ev: p.Event) -> None:
        workers = self.workers.get(ev.household_id, {})
        if ev.created_by not in workers.values():
            raise SeedError(
                f"demo event {ev.id} by {ev.created_by} is for household {ev.household_id}, "
                "which is not assigned to them; the demo generator and the server disagree"
            )
        if ev.amends is not None and self.household_of.get(ev.amends) != ev.household_id:
            raise SeedError(f"demo event {ev.id} amends {ev.amends}, not an earlier event")
        if ev.type is p.EventType.access_log:
            raise SeedError("demo access-log events are not seeded (they belong to the audit)")

    def load(self, batch: list[dict[str, Any]]) -> int:
        """Validate and store one batch in one transaction; commit; return its size."""
        from fieldapp.errors import ValidationError

        feed = syncing.FeedWriter(self.session)
        rows: list[dict[str, Any]] = []
        for raw in batch:
            ev = p.Event.model_validate(raw)
            self._check(ev)
            try:
                checked = syncing._validate_event(ev.model_dump(mode="json"))
            except ValidationError as exc:
                raise SeedError(f"demo event {ev.id} is not valid: {exc}") from None
            row = syncing.event_row(
                ev, checked, skew_flag=ev.skew_flag, server_time=self.now, late_handover=False
            )
            rows.append(row)
            self.household_of[ev.id] = ev.household_id
            recipients = syncing.event_recipients(
                self.workers.get(ev.household_id, {}), ev.programme
            )

            def _set_seq(seq: int, row: dict[str, Any] = row) -> None:
                row["received_seq"] = seq

            feed.add(p.ChangeKind.event, ev.household_id, ev.id, recipients, on_stamp=_set_seq)
        feed.stamp()
        syncing.insert_events(self.session, rows)
        self.session.commit()
        return len(rows)


def _create_users(session: Session, users: list[Any]) -> None:
    """Create the demo users, hashing each distinct password once (argon2 is slow on
    purpose; the demo gives every account the same published password)."""
    hashes: dict[str, str] = {}
    real_hash = security.hash_password

    def cached_hash(password: str) -> str:
        if password not in hashes:
            hashes[password] = real_hash(password)
        return hashes[password]

    security.hash_password = cached_hash  # type: ignore[assignment]
    try:
        for u in users:
            admin.create_user(
                session,
                u.username,
                role=u.role,
                district_code=u.district_code,
                password=u.password,
                display_name=u.display_name,
                dong_codes=u.dong_codes,
                actor=SEED_ACTOR,
            )
    finally:
        security.hash_password = real_hash  # type: ignore[assignment]


def seed_demo(
    session: Session,
    households: int = 200,
    seed: int = 1,
    *,
    today: date | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """Create the demo district in the empty-of-it database behind *session*; commit.

    Returns ``{"districts": [...], "dongs": [...], "users": [{username, display_name, role,
    district, dong_codes, password}], "households": N, "events": N, "seed": S, "open_work":
    {...}, "alert": {...} | None}`` (the open work:
    :func:`sync.server.demo_workflows.add_open_work`; the heat or cold alert the history's
    heat exposure runs under, declared for the district:
    :func:`sync.server.demo_workflows.declare_demo_alert`). *today* (default: the
    programme's today, KST, as the server's screens count it) ends the history. Raises
    SeedError when the district already exists (seed a fresh database instead).
    *progress(phase, done, total)* is called as work proceeds: phase "users", then
    "households" (created so far of all), then "events" (households whose history is stored).
    """
    from fieldapp.demo import generate_district
    from fieldapp.programme_time import programme_today

    today = today or programme_today()
    if households < 0:
        raise SeedError("--households must be 0 or more")
    try:
        demo = generate_district(households, seed, today=today)
    except ValueError as exc:
        raise SeedError(str(exc)) from None
    code = demo.district["code"]
    if session.get(District, code) is not None:
        raise SeedError(
            f"district {code} ({demo.district['name']}) already exists in this database; "
            "seed-demo fills a fresh database: point --database-url at a new one"
        )
    report = progress or (lambda phase, done, total: None)

    try:
        admin.create_district(
            session, code, demo.district["name"], code_system=demo.district["code_system"]
        )
        for dong in demo.dongs:
            admin.create_dong(session, dong["code"], code, dong["name"])
        _create_users(session, demo.users)
        report("users", len(demo.users), len(demo.users))
        session.commit()
        for n, household in enumerate(demo.households, 1):
            admin.create_household(
                session, household, actor=SEED_ACTOR, reason=FIRST_ASSIGNMENT_REASON
            )
            if n % 500 == 0:
                session.commit()
            if n % 10 == 0 or n == len(demo.households):
                report("households", n, len(demo.households))
        session.commit()
    except admin.AdminError as exc:
        session.rollback()
        raise SeedError(f"seeding stopped: {exc}") from None

    loader = _EventLoader(session, datetime.now(UTC))
    applied = 0
    reached = _HouseholdCounter()
    for batch in _batches(reached.count(demo.iter_events(with_result=False)), BATCH):
        applied += loader.load(batch)
        report("events", reached.households, len(demo.households))
    report("events", len(demo.households), len(demo.households))
    open_work = add_open_work(session, demo, datetime.now(UTC))
    alert = declare_demo_alert(session, demo, today)
    events_total = session.scalar(select(func.count()).select_from(Event)) or 0
    log.info("seeded demo district %s: %d households, %d events", code, households, applied)
    return {
        "districts": [dict(demo.district)],
        "dongs": [dict(d) for d in demo.dongs],
        "users": _users_summary(demo),
        "households": len(demo.households),
        "events": int(events_total),
        "seed": seed,
        "open_work": open_work,
        "alert": alert,
    }
