"""Push and pull: pure functions over a Session (no HTTP here).

Commit order. Every sync-visible change of a transaction is collected by a :class:`FeedWriter`
and only at the very end gets its sequence number, from its district's counter row
(``UPDATE district_seqs SET seq = seq + n WHERE district_code = ... RETURNING seq``). On
PostgreSQL that row lock is held until commit, so the district's transactions receive their
numbers in the order they commit and a reader never sees seq N+1 before seq N. A user reads
only their own district's changes, so one counter per district is all the order a cursor needs,
and districts never wait on each other. On SQLite every transaction holds the write lock anyway.
Changes are fanned out on write into ``feed`` (one row per reader), so a pull is one index
range scan on ``(username, seq)`` whatever the size of the database.

Scope. A user reads only households assigned to them (per programme); a volunteer receives
clinical events (visit, screening) with an empty payload and ``redacted=True``: no answers,
no scores, no vitals. Feed entries about a household the user no longer holds are skipped at
read time, except the revoke and tombstone entries that tell the device to let go.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pydantic
from pydantic_core import to_json
from sqlalchemy import (
    LargeBinary,
    Text,
    and_,
    bindparam,
    cast,
    false,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sl_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from fieldapp.errors import ValidationError

# Imported with the server, not at its first push (the rules load with the module).
from fieldapp.validation import (
    amendment_problem,
    device_time_problem,
    household_edit_problem,
    own_programme,
    programme_problem,
    text_problems,
    validate_event,
)
from sync import protocol as p
from sync.server import accesslog
from sync.server.bulk import insert_rows
from sync.server.models import (
    META_ROW_ID,
    Assignment,
    AssignmentHistory,
    Conflict,
    Device,
    DistrictSeq,
    Event,
    Feed,
    HandoverInbox,
    Household,
    HouseholdEditLog,
    PushRequestRecord,
    ServerMeta,
    User,
    utcnow,
)

log = logging.getLogger("fieldapp.server.sync")

OUT_OF_SCOPE = "household is not assigned to you (nothing was stored)"

_FEED = Feed.__table__
_EVENTS = Event.__table__
_ASSIGNMENTS = Assignment.__table__
_HOUSEHOLDS = Household.__table__
_META = ServerMeta.__table__
_PUSHES = PushRequestRecord.__table__
_DEVICES = Device.__table__
_SEQS = DistrictSeq.__table__

_EPOCH = select(_META.c.epoch).where(_META.c.id == META_ROW_ID)
#: Where every district's sequence starts (the old global counter; see ServerMeta).
_FLOOR = select(_META.c.seq).where(_META.c.id == META_ROW_ID).scalar_subquery()
_DISTRICT_SEQ = select(_SEQS.c.seq).where(_SEQS.c.district_code == bindparam("district"))
#: (epoch, a district's highest committed seq) in one round trip: the floor while the district
#: has had no change (no counter row yet).
_STATE = select(
    _META.c.epoch,
    func.coalesce(_DISTRICT_SEQ.scalar_subquery(), _META.c.seq),
).where(_META.c.id == META_ROW_ID)
#: Reserve n sequence numbers of one district (Core: no ORM bulk-update bookkeeping).
_ALLOCATE = (
    update(_SEQS)
    .where(_SEQS.c.district_code == bindparam("district"))
    .values(seq=_SEQS.c.seq + bindparam("n"))
    .returning(_SEQS.c.seq)
)
_DISTRICT_OF = select(_HOUSEHOLDS.c.id, _HOUSEHOLDS.c.district_code).where(
    _HOUSEHOLDS.c.id.in_(bindparam("ids", expanding=True))
)


class IdempotencyMismatch(Exception):
    """The idempotency key was used before with a different request body."""


class ResyncRequired(Exception):
    """The cursor is from another epoch or ahead of this server: pull from zero."""


# --------------------------------------------------------------------------- commit order


def allocate_seqs(session: Session, district: str, n: int) -> int:
    """Reserve *n* sequence numbers of *district*; return the highest. Call LAST before commit.

    The district's counter row is made at its first change, starting from the floor (two
    transactions making it at once: the second's insert waits for the first and does nothing).
    """
    params = {"district": district, "n": n}
    top = session.execute(_ALLOCATE, params).scalar_one_or_none()
    if top is None:
        dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sl_insert
        first_row = dialect_insert(_SEQS).values(district_code=district, seq=_FLOOR)
        session.execute(first_row.on_conflict_do_nothing())
        top = session.execute(_ALLOCATE, params).scalar_one()
    return int(top)


def server_epoch(session: Session) -> str:
    """The server's epoch (a new one after a restore makes every device resync)."""
    return str(session.execute(_EPOCH).scalar_one())


def server_state(session: Session, district: str) -> tuple[str, int]:
    """(epoch, highest committed seq of *district*), in one query."""
    epoch, seq = session.execute(_STATE, {"district": district}).one()
    return str(epoch), int(seq)


@dataclass
class PendingChange:
    """A change waiting for its seq; ``on_stamp`` runs with the seq once it has one."""

    kind: p.ChangeKind
    household_id: str | None
    ref_id: str
    recipients: set[str]
    on_stamp: Callable[[int], None] | None = None
    seq: int | None = None


@dataclass
class FeedWriter:
    """Collects one transaction's sync-visible changes and stamps them at the end.

    A change takes its seq from the district of its household (its readers work there).
    *district*, when the caller knows that every change is in that one district (a push is
    checked to be), saves looking the households' districts up.
    """

    session: Session
    district: str | None = None
    changes: list[PendingChange] = field(default_factory=list)

    def add(
        self,
        kind: p.ChangeKind,
        household_id: str | None,
        ref_id: str,
        recipients: Iterable[str | None],
        on_stamp: Callable[[int], None] | None = None,
    ) -> PendingChange:
        change = PendingChange(
            kind, household_id, ref_id, {r for r in recipients if r}, on_stamp=on_stamp
        )
        self.changes.append(change)
        return change

    def _by_district(self) -> dict[str, list[PendingChange]]:
        if self.district is not None:
            return {self.district: self.changes}
        ids = {c.household_id for c in self.changes}
        if None in ids:
            raise ValueError("a feed change needs its household (its district orders it)")
        district_of: dict[str, str] = {}
        for chunk in _chunks(i for i in ids if i):
            district_of.update(self.session.execute(_DISTRICT_OF, {"ids": chunk}).all())
        out: dict[str, list[PendingChange]] = {}
        for change in self.changes:
            out.setdefault(district_of[str(change.household_id)], []).append(change)
        return out

    def stamp(self) -> None:
        """Give every collected change its seq (its district's counter row last, districts in
        code order so that two writers never deadlock), then write the feed rows."""
        if not self.changes:
            return
        self.session.flush()  # pending ORM work first: the counter row is locked till commit
        rows = []
        for district, changes in sorted(self._by_district().items()):
            first = allocate_seqs(self.session, district, len(changes)) - len(changes) + 1
            for seq, change in enumerate(changes, start=first):
                change.seq = seq
                rows.extend(
                    {
                        "username": user,
                        "seq": seq,
                        "kind": change.kind.value,
                        "household_id": change.household_id,
                        "ref_id": change.ref_id,
                    }
                    for user in sorted(change.recipients)
                )
                if change.on_stamp is not None:
                    change.on_stamp(seq)
        insert_rows(self.session.connection(), _FEED, rows)
        self.changes = []


# --------------------------------------------------------------------------- reading records


def workers_of(session: Session, household_id: str) -> dict[str, str | None]:
    """programme -> username currently assigned (only programmes with an assignment row)."""
    rows = session.execute(
        select(Assignment.programme, Assignment.username).where(
            Assignment.household_id == household_id
        )
    )
    return {r.programme: r.username for r in rows}


def event_recipients(
    workers: dict[str, str | None], programme: p.Programme | None
) -> set[str | None]:
    """Who receives an event: the household's worker in the event's programme when that
    programme has one, otherwise every worker assigned to the household."""
    if programme is not None and programme.value in workers:
        return {workers[programme.value]}
    return set(workers.values())


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def history_entry(row: AssignmentHistory, names: dict[str, str] | None = None) -> dict[str, Any]:
    """One assignment as the laptop shows it in 담당 이력. The ``*display_name`` keys (the
    people's names, from *names*: username -> display name) are optional on the wire: a laptop
    shows the username where they are missing or None (an older server sends none)."""
    names = names or {}
    return {
        "programme": row.programme,
        "username": row.username,
        "previous_username": row.previous_username,
        "assigned_by": row.assigned_by,
        "at": _iso(row.at),
        "reason": row.reason,
        "display_name": names.get(row.username or ""),
        "previous_display_name": names.get(row.previous_username or ""),
        "assigned_by_display_name": names.get(row.assigned_by or ""),
    }


def history_names(session: Session, history: Iterable[AssignmentHistory]) -> dict[str, str]:
    """username -> display name of everyone *history* names (unknown users left out)."""
    wanted = {u for h in history for u in (h.username, h.previous_username, h.assigned_by) if u}
    names: dict[str, str] = {}
    for chunk in _chunks(wanted):
        rows = session.execute(
            select(User.username, User.display_name).where(User.username.in_(chunk))
        )
        names.update({username: display for username, display in rows if display})
    return names


def household_wire(
    hh: Household,
    assignments: dict[str, str | None],
    history: list[AssignmentHistory],
    names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The full current record as ``sync.protocol.Household`` JSON (*names*: see
    :func:`history_entry`)."""
    return {
        "id": hh.id,
        "district_code": hh.district_code,
        "dong_code": hh.dong_code,
        "household_type": hh.household_type,
        "address_road": hh.address_road,
        "address_detail": hh.address_detail,
        "phone": hh.phone,
        "risk_level": hh.risk_level,
        "care_group": hh.care_group,
        "isolation_band": hh.isolation_band,
        "notes": hh.notes,
        "emergency_contacts": list(hh.emergency_contacts or []),
        "consent_general": hh.consent_general,
        "consent_health": hh.consent_health,
        "persons": list(hh.persons or []),
        "assignments": dict(assignments),
        "assignment_history": [history_entry(h, names) for h in history],
        "field_versions": dict(hh.field_versions or {}),
        "alert_active": bool(hh.alert_active),
    }


def load_household_wire(session: Session, household_id: str) -> dict[str, Any] | None:
    hh = session.get(Household, household_id)
    if hh is None:
        return None
    history = list(
        session.scalars(
            select(AssignmentHistory)
            .where(AssignmentHistory.household_id == household_id)
            .order_by(AssignmentHistory.id)
        )
    )
    return household_wire(
        hh, workers_of(session, household_id), history, history_names(session, history)
    )


def event_wire(ev: Event, *, redact: bool) -> dict[str, Any]:
    """The event as ``sync.protocol.Event`` JSON, its payload emptied when *redact*."""
    redacted = redact and ev.type in p.CLINICAL_EVENT_TYPES
    return {
        "id": ev.id,
        "type": ev.type,
        "household_id": ev.household_id,
        "programme": ev.programme,
        "created_by": ev.created_by,
        "device_id": ev.device_id,
        "device_time": _iso(ev.device_time),
        "payload": {} if redacted else ev.payload,
        "amends": ev.amends,
        "skew_flag": ev.skew_flag,
        "server_time": _iso(ev.server_time),
        "redacted": redacted,
        "late_handover": ev.late_handover,
    }


def conflict_wire(c: Conflict) -> dict[str, Any]:
    return {
        "id": c.id,
        "household_id": c.household_id,
        "field": c.field,
        "base_version": c.base_version,
        "mine": c.mine,
        "mine_by": c.mine_by,
        "mine_at": _iso(c.mine_at),
        "theirs": c.theirs,
        "theirs_by": c.theirs_by,
        "theirs_at": _iso(c.theirs_at),
        "status": c.status,
        "resolved_value": c.resolved_value,
        "resolved_by": c.resolved_by,
        "resolved_at": _iso(c.resolved_at),
    }


def revoke_wire(h: AssignmentHistory) -> dict[str, Any]:
    return {
        "household_id": h.household_id,
        "programme": h.programme,
        "moved_to": h.username,
        "moved_at": _iso(h.at),
        "reason": h.reason,
    }


def redacts_clinical(role: str) -> bool:
    """True when this role receives clinical events without their payload."""
    return role == p.Role.volunteer


# --------------------------------------------------------------------------- pull


@dataclass
class PullPage:
    """One page: the changes as ``sync.protocol.Change`` JSON dicts, the last seq read."""

    changes: list[dict[str, Any]]
    last_seq: int
    has_more: bool


def check_cursor(session: Session, cursor: str | None, district: str) -> tuple[str, int]:
    """Return (epoch, seq) for a pull from *cursor* by a user of *district*; raise
    ResyncRequired when it is stale. A cursor from before the per-district sequences (the one
    global counter) needs no mapping: each district's sequence continues above it."""
    epoch, current = server_state(session, district)
    cur_epoch, seq = p.parse_cursor(cursor)  # ValueError: malformed (a 422, not a resync)
    if cur_epoch is not None and cur_epoch != epoch:
        raise ResyncRequired(
            "this server was restored or re-initialised (new epoch): push what you hold, "
            "then pull from the start"
        )
    if seq > current:
        raise ResyncRequired(
            "the cursor is ahead of this server (restored from an older backup?): push what "
            "you hold, then pull from the start"
        )
    return epoch, seq


def _page_statement(wire: Any) -> Any:
    """One page of a user's feed, each event change with its event's type and stored wire
    JSON: one range scan of the ``(username, seq)`` index and a primary-key lookup per event."""
    return (
        select(
            _FEED.c.seq, _FEED.c.kind, _FEED.c.household_id, _FEED.c.ref_id, _EVENTS.c.type, wire
        )
        .select_from(
            _FEED.outerjoin(
                _EVENTS,
                and_(_FEED.c.kind == p.ChangeKind.event.value, _EVENTS.c.id == _FEED.c.ref_id),
            )
        )
        .where(_FEED.c.username == bindparam("username"), _FEED.c.seq > bindparam("after"))
        .order_by(_FEED.c.seq)
        .limit(bindparam("limit"))
    )


_PAGE = _page_statement(_EVENTS.c.wire)
#: SQLite hands the stored text over as bytes when asked for a BLOB: no UTF-8 decoding per
#: row here and no encoding again when the page is written (~20% of a 2,000-row page).
_PAGE_SQLITE = _page_statement(cast(_EVENTS.c.wire, LargeBinary))

#: Which of some households the user holds now (and are not deleted).
_HELD = (
    select(_ASSIGNMENTS.c.household_id)
    .join(_HOUSEHOLDS, _HOUSEHOLDS.c.id == _ASSIGNMENTS.c.household_id)
    .where(
        _ASSIGNMENTS.c.username == bindparam("username"),
        _HOUSEHOLDS.c.deleted == false(),
        _ASSIGNMENTS.c.household_id.in_(bindparam("ids", expanding=True)),
    )
)


def pull_page(session: Session, user: User, after_seq: int, limit: int) -> PullPage:
    """The user's changes after *after_seq* in commit order, resolved to current data.

    One range scan of the ``(username, seq)`` index, whatever the size of the database.
    """
    stmt = _PAGE_SQLITE if session.get_bind().dialect.name == "sqlite" else _PAGE
    rows = session.execute(
        stmt, {"username": user.username, "after": after_seq, "limit": limit + 1}
    ).all()
    has_more = len(rows) > limit
    if has_more:
        rows = rows[:limit]
    if not rows:
        return PullPage([], after_seq, False)
    return PullPage(resolve_feed(session, user, rows), rows[-1][0], has_more)


def _raw_payload(text: str | None) -> Any:
    """A stored payload's JSON text as an :class:`orjson.Fragment` (spliced in as it is)."""
    if text is None:
        return None
    if "NaN" in text or "Infinity" in text:  # json.loads accepts them, strict JSON does not
        return orjson.Fragment(to_json(json.loads(text)))
    return orjson.Fragment(text)


def page_json(body: dict[str, Any]) -> bytes:
    """*body* (a PullResponse-shaped dict) as JSON bytes; each :class:`orjson.Fragment` in it
    (an event's stored wire JSON, or a stored payload) is spliced in verbatim."""
    return orjson.dumps(body, option=orjson.OPT_UTC_Z)


def _utc_iso(value: datetime) -> str:
    """ISO 8601 in UTC, as a :class:`~sync.server.models.UTCDateTime` column reads back."""
    if value.tzinfo is None:
        raise ValueError("naive datetime given; use an aware UTC datetime")
    return value.astimezone(UTC).isoformat()


def event_wire_text(row: dict[str, Any], payload_json: str | None = None) -> str | None:
    """The ``events.wire`` text of an event row about to be inserted: its whole
    ``sync.protocol.Event`` JSON, not redacted, exactly what a pull would build from the
    stored columns (*payload_json*: the payload's JSON text, when already made). None when
    it cannot be made (the pull then builds it from the columns)."""
    try:
        if payload_json is None:
            payload_json = to_json(row["payload"]).decode()
        return orjson.dumps(
            {
                "id": row["id"],
                "type": row["type"],
                "household_id": row["household_id"],
                "programme": row["programme"],
                "created_by": row["created_by"],
                "device_id": row["device_id"],
                "device_time": _utc_iso(row["device_time"]),
                "payload": orjson.Fragment(payload_json),
                "amends": row["amends"],
                "skew_flag": bool(row["skew_flag"]),
                "server_time": _utc_iso(row["server_time"]),
                "redacted": False,
                "late_handover": bool(row["late_handover"]),
            }
        ).decode()
    except (ValueError, TypeError):
        return None


def event_row(
    ev: p.Event,
    checked: dict[str, Any],
    *,
    skew_flag: bool,
    server_time: datetime,
    late_handover: bool,
) -> dict[str, Any]:
    """The ``events`` row (for :func:`insert_events`) of *ev* after validation: *checked* is
    what :func:`_validate_event` returned (its payload has the results recomputed);
    ``received_seq`` is filled in when the feed change gets its seq."""
    return {
        "id": ev.id,
        "household_id": ev.household_id,
        "type": ev.type.value,
        "programme": ev.programme.value if ev.programme else None,
        "created_by": ev.created_by,
        "device_id": ev.device_id,
        "device_time": ev.device_time,
        "payload": checked.get("payload", ev.payload),
        "amends": ev.amends,
        "skew_flag": skew_flag,
        "server_time": server_time,
        "late_handover": late_handover,
        "received_seq": None,
    }


def insert_events(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert event rows (the ``events`` columns, ``payload`` a dict) in one statement
    (:func:`sync.server.bulk.insert_rows`: COPY on PostgreSQL); each payload is encoded
    once, for its column and for its ``wire`` text."""
    if not rows:
        return
    params = []
    for row in rows:
        values = dict(row)
        try:
            text = to_json(row["payload"]).decode()
        except (ValueError, TypeError):
            text = json.dumps(row["payload"])  # what the JSON column would store
            values["wire"] = None
        else:
            values["wire"] = event_wire_text(row, text)
        values["payload"] = text
        params.append(values)
    # The payload is stored as it is, not encoded again; on PostgreSQL with COPY.
    insert_rows(session.connection(), _EVENTS, params, as_text={"payload"})


def _redacted_wire(wire: str | bytes) -> dict[str, Any]:
    """A clinical event for a volunteer: the stored wire JSON without its payload."""
    data: dict[str, Any] = orjson.loads(wire)
    data["payload"] = {}
    data["redacted"] = True
    return data


def _event_rows_wire(session: Session, ids: set[str], redact: bool) -> dict[str, dict[str, Any]]:
    """Events built from their columns (those stored without ``wire``)."""
    out: dict[str, dict[str, Any]] = {}
    columns = [c for c in _EVENTS.c if c.name not in ("payload", "wire")]
    raw_payload = cast(_EVENTS.c.payload, Text).label("payload")
    for chunk in _chunks(ids):  # stay under SQLite's bound-parameter limit
        rows = session.execute(select(*columns, raw_payload).where(_EVENTS.c.id.in_(chunk))).all()
        for r in rows:
            redacted = redact and r.type in p.CLINICAL_EVENT_TYPES
            out[r.id] = {
                "id": r.id,
                "type": r.type,
                "household_id": r.household_id,
                "programme": r.programme,
                "created_by": r.created_by,
                "device_id": r.device_id,
                "device_time": _iso(r.device_time),
                "payload": {} if redacted else _raw_payload(r.payload),
                "amends": r.amends,
                "skew_flag": r.skew_flag,
                "server_time": _iso(r.server_time),
                "redacted": redacted,
                "late_handover": r.late_handover,
            }
    return out


def _held_households(session: Session, username: str, ids: set[str]) -> set[str]:
    held: set[str] = set()
    for chunk in _chunks(ids):
        held.update(session.scalars(_HELD, {"username": username, "ids": chunk}))
    return held


@dataclass
class _HouseholdData:
    households: dict[str, Household] = field(default_factory=dict)
    assignments: dict[str, dict[str, str | None]] = field(default_factory=dict)
    histories: dict[str, list[AssignmentHistory]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def wire(self, household_id: str) -> dict[str, Any]:
        hh = self.households[household_id]
        history = self.histories.get(hh.id, [])
        return household_wire(hh, self.assignments.get(hh.id, {}), history, self.names)


def _load_households(session: Session, ids: set[str]) -> _HouseholdData:
    out = _HouseholdData()
    for chunk in _chunks(ids):
        out.households.update(
            (h.id, h)
            for h in session.scalars(select(Household).where(Household.id.in_(chunk)))
            if not h.deleted
        )
        for a in session.scalars(select(Assignment).where(Assignment.household_id.in_(chunk))):
            out.assignments.setdefault(a.household_id, {})[a.programme] = a.username
        for h in session.scalars(
            select(AssignmentHistory)
            .where(AssignmentHistory.household_id.in_(chunk))
            .order_by(AssignmentHistory.id)
        ):
            out.histories.setdefault(h.household_id, []).append(h)
    out.names = history_names(session, (h for hs in out.histories.values() for h in hs))
    return out


def _load_conflicts(session: Session, ids: set[str]) -> dict[str, Conflict]:
    out: dict[str, Conflict] = {}
    for chunk in _chunks(ids):
        out.update(
            (c.id, c) for c in session.scalars(select(Conflict).where(Conflict.id.in_(chunk)))
        )
    return out


def _load_revokes(session: Session, ids: set[str]) -> dict[str, AssignmentHistory]:
    out: dict[str, AssignmentHistory] = {}
    for chunk in _chunks(ids):
        out.update(
            (str(h.id), h)
            for h in session.scalars(
                select(AssignmentHistory).where(AssignmentHistory.id.in_([int(i) for i in chunk]))
            )
        )
    return out


_KIND_EVENT = p.ChangeKind.event.value
_KIND_HOUSEHOLD = p.ChangeKind.household.value
_KIND_REVOKE = p.ChangeKind.revoke.value
_KIND_TOMBSTONE = p.ChangeKind.tombstone.value
_KIND_CONFLICT = p.ChangeKind.conflict.value


def resolve_feed(session: Session, user: User, rows: list[Any]) -> list[dict[str, Any]]:
    """Turn feed rows (seq, kind, household_id, ref_id, event type, event wire) into Change
    dicts with current data; an event's data is its stored wire JSON as a fragment."""
    held = _held_households(session, user.username, {r[2] for r in rows if r[2]})
    other: dict[str, set[str]] = {}
    missing: set[str] = set()  # events stored without wire: built from their columns
    for _seq, kind, household_id, ref_id, _type, wire in rows:
        if kind != _KIND_EVENT:
            other.setdefault(kind, set()).add(ref_id)
        elif wire is None and household_id in held:
            missing.add(ref_id)
    redact = redacts_clinical(user.role)
    built = _event_rows_wire(session, missing, redact) if missing else {}
    hh_data = _load_households(session, other.get(_KIND_HOUSEHOLD, set()) & held)
    conflicts = _load_conflicts(session, other.get(_KIND_CONFLICT, set()))
    revokes = _load_revokes(session, other.get(_KIND_REVOKE, set()))
    # The household data is the current record, so one copy per page is enough: the first
    # (the device then has the household before its events), again after a revoke/tombstone.
    sent_households: set[str] = set()
    clinical = p.CLINICAL_EVENT_TYPES
    fragment = orjson.Fragment

    changes: list[dict[str, Any]] = []
    append = changes.append
    for seq, kind, household_id, ref_id, ev_type, wire in rows:
        data: Any = None
        if kind == _KIND_EVENT:
            if household_id not in held:
                continue  # left this user's scope since (a revoke follows) or deleted
            if wire is None:
                data = built.get(ref_id)
            elif redact and ev_type in clinical:
                data = _redacted_wire(wire)
            else:
                data = fragment(wire)
        elif kind == _KIND_REVOKE:
            if (h := revokes.get(ref_id)) is not None:
                data = revoke_wire(h)
            sent_households.discard(household_id or "")
        elif kind == _KIND_TOMBSTONE:
            entity = "household" if ref_id == household_id else "event"
            data = {"entity": entity, "id": ref_id}
            sent_households.discard(household_id or "")
        elif household_id not in held:
            continue  # left this user's scope since (a revoke follows) or deleted
        elif kind == _KIND_HOUSEHOLD:
            if household_id in sent_households or household_id not in hh_data.households:
                continue
            sent_households.add(household_id)
            data = hh_data.wire(household_id)
        elif kind == _KIND_CONFLICT and (c := conflicts.get(ref_id)) is not None:
            data = conflict_wire(c)
        if data is not None:
            append({"seq": seq, "kind": kind, "household_id": household_id, "data": data})
    return changes


#: How often an unchanged device report is written anyway (keeps last_sync_at fresh).
REPORT_REFRESH = timedelta(seconds=60)


def device_report_due(
    device: Device, pending: int | None, oldest_pending_s: int | None, now: datetime
) -> bool:
    """True when the report differs from the stored one or the stored one is stale."""
    changed = (pending is not None and pending != device.reported_pending) or (
        oldest_pending_s is not None and oldest_pending_s != device.reported_oldest_pending_s
    )
    return changed or device.last_sync_at is None or now - device.last_sync_at >= REPORT_REFRESH


def record_device_report(
    device: Device, pending: int | None, oldest_pending_s: int | None, now: datetime
) -> bool:
    """Note what the device says about its outbox and that it synced; True when changed.

    An unchanged report within REPORT_REFRESH of the last one is not written, so that a
    no-op pull stays a read.
    """
    if not device_report_due(device, pending, oldest_pending_s, now):
        return False
    device.last_seen = now
    device.last_sync_at = now
    if pending is not None:
        device.reported_pending = pending
    if oldest_pending_s is not None:
        device.reported_oldest_pending_s = oldest_pending_s
    return True


# --------------------------------------------------------------------------- push


def request_hash(body: p.PushRequest) -> str:
    """A stable hash of a push body: sha256 of its canonical JSON (sorted keys, orjson)."""
    try:
        canonical = orjson.dumps(body.model_dump(), option=orjson.OPT_SORT_KEYS)
    except (orjson.JSONEncodeError, TypeError):  # e.g. an integer beyond 64 bits
        return legacy_request_hash(body)
    return hashlib.sha256(canonical).hexdigest()


def legacy_request_hash(body: p.PushRequest) -> str:
    """The hash stored by servers before :func:`request_hash` used orjson (stdlib JSON of
    the JSON-mode dump): a retry of a push stored by such a server still matches it."""
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


_STORED_PUSH = select(_PUSHES.c.request_hash, _PUSHES.c.response).where(
    _PUSHES.c.device_id == bindparam("device_id"),
    _PUSHES.c.idempotency_key == bindparam("key"),
)


def stored_response(
    session: Session,
    device_id: str,
    key: str,
    body_hash: str,
    body: p.PushRequest | None = None,
) -> dict[str, Any] | None:
    """The response stored for (device, key), or None; IdempotencyMismatch on another body.

    With *body*, a stored hash of the older form (:func:`legacy_request_hash`) matches too.
    """
    rec = session.execute(_STORED_PUSH, {"device_id": device_id, "key": key}).first()
    if rec is None:
        return None
    if rec.request_hash != body_hash and (
        body is None or rec.request_hash != legacy_request_hash(body)
    ):
        raise IdempotencyMismatch(
            "this idempotency key was already used for a different push; use a new key for "
            "new items"
        )
    return rec.response


def _validate_event(event: dict[str, Any]) -> dict[str, Any]:
    """Run the shared event rules (``fieldapp.validation``); returns the normalized event."""
    return validate_event(event)


#: What :func:`check_events` found for one item: the normalized event, or why not.
Checked = dict[str, Any] | ValidationError | None


def check_events(body: p.PushRequest) -> list[Checked]:
    """The shared event rules (``fieldapp.validation``) run on every event of *body*, one
    entry per item (None for a household edit): the normalized event or its
    ValidationError.

    Pure work on the request alone, so the route runs it before any transaction: on SQLite
    the write lock is not held while the rules run (the most CPU of a push). Each event's
    JSON-mode dump is fresh and plain JSON, so the rules check and complete it in place
    (no deep copy; a NaN or Infinity the body held is already null in it, as it is stored).
    An item later found a duplicate or out of scope was checked for nothing, which changes
    no answer: :func:`apply_event` still decides in the same order.
    """
    out: list[Checked] = []
    for item in body.items:
        if not isinstance(item, p.EventItem):
            out.append(None)
            continue
        try:
            out.append(validate_event(item.event.model_dump(mode="json"), copy=False))
        except ValidationError as exc:
            out.append(exc)
    return out


def _programme_scope_problem(ctx: _PushContext, ev: p.Event) -> str | None:
    """Why the user may not write *ev* (not a record of their role's own programme), or None."""
    problem = programme_problem(
        ctx.user.role, ev.type.value, ev.programme.value if ev.programme else None
    )
    return None if problem is None else f"{problem.field}: {problem.message}"


def _is_skewed(ctx: _PushContext, ev: p.Event) -> bool:
    """True when *ev* was recorded while its device's clock was off: it says so, or its
    device time lies more than ``SKEW_LIMIT_SECONDS`` in the server's future, or before
    the device was registered (its first sign-in; nothing can be recorded on it earlier)."""
    limit = timedelta(seconds=p.SKEW_LIMIT_SECONDS)
    registered = ctx.device.registered_at or ctx.now
    return (
        ev.skew_flag
        or ev.device_time > ctx.now + limit
        or ev.device_time < min(registered, ctx.now) - limit
    )


def _amend_target(
    household_id: str, ev_type: str, programme: str | None, author_role: str | None
) -> dict[str, Any]:
    """What :func:`~fieldapp.validation.amendment_problem` needs of an amended record: its
    household, type and programme (its author's role's when it names none)."""
    if programme is None:
        own = own_programme(author_role)
        programme = own.value if own else None
    return {"household_id": household_id, "type": ev_type, "programme": programme}


def _amend_scope_problem(ctx: _PushContext, ev: p.Event) -> str | None:
    """Why the user may not write *ev* as a correction or void, or None (not an amendment,
    or one of a record of this household in the user's own programme, keeping its type)."""
    if ev.amends is None:
        return None
    target = ctx.batch_events.get(ev.amends) or ctx.amend_targets.get(ev.amends)
    event = {
        "type": ev.type.value,
        "household_id": ev.household_id,
        "programme": ev.programme.value if ev.programme else None,
        "amends": ev.amends,
    }
    problem = amendment_problem(ctx.user.role, event, target)
    return None if problem is None else f"{problem.field}: {problem.message}"


@dataclass
class _PushContext:
    session: Session
    user: User
    device: Device
    feed: FeedWriter
    now: datetime
    ip: str | None = None
    seen_ids: set[str] = field(default_factory=set)
    #: events of this request (for amends within one push): id -> see _amend_target
    batch_events: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: the events to store, inserted together after all items
    event_rows: list[dict[str, Any]] = field(default_factory=list)
    #: access-log entries to chain after all items (one lock order: rows, chain, counter)
    access_entries: list[dict[str, Any]] = field(default_factory=list)
    #: read once per request (see _prefetch): no query per item, so inserts go out in bulk
    #: id -> (id, deleted, district_code) of each household the request touches (locked)
    households: dict[str, Any] = field(default_factory=dict)
    workers: dict[str, dict[str, str | None]] = field(default_factory=dict)
    held_before: set[str] = field(default_factory=set)
    stored_ids: set[str] = field(default_factory=set)
    #: the feed change of each event stored by this request (for ``received_seq``)
    event_changes: list[PendingChange] = field(default_factory=list)
    #: stored events named by ``amends``: id -> see _amend_target
    amend_targets: dict[str, dict[str, Any]] = field(default_factory=dict)


def _chunks(values: Iterable[str], size: int = 900) -> Iterator[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


_IDS = bindparam("ids", expanding=True)
_STORED_EVENTS = select(_EVENTS.c.id).where(_EVENTS.c.id.in_(_IDS))
_STORED_EDITS = select(HouseholdEditLog.id).where(HouseholdEditLog.id.in_(_IDS))
_USERS = User.__table__
#: Stored events named by ``amends``, each with its author's role (a record that names no
#: programme was written in its author's).
_AMEND_TARGETS = (
    select(
        _EVENTS.c.id,
        _EVENTS.c.household_id,
        _EVENTS.c.type,
        _EVENTS.c.programme,
        _USERS.c.role,
    )
    .select_from(_EVENTS.outerjoin(_USERS, _USERS.c.username == _EVENTS.c.created_by))
    .where(_EVENTS.c.id.in_(_IDS))
)
_LOCK_HOUSEHOLDS = (
    select(_HOUSEHOLDS.c.id, _HOUSEHOLDS.c.deleted, _HOUSEHOLDS.c.district_code)
    .where(_HOUSEHOLDS.c.id.in_(_IDS))
    .order_by(_HOUSEHOLDS.c.id)
    .with_for_update(key_share=True)
)
_WORKERS = select(
    _ASSIGNMENTS.c.household_id, _ASSIGNMENTS.c.programme, _ASSIGNMENTS.c.username
).where(_ASSIGNMENTS.c.household_id.in_(_IDS))
_HELD_BEFORE = (
    select(AssignmentHistory.household_id)
    .where(
        AssignmentHistory.household_id.in_(_IDS),
        AssignmentHistory.username == bindparam("username"),
    )
    .distinct()
)


def _prefetch(ctx: _PushContext, body: p.PushRequest) -> None:
    """Load everything the items refer to with a few set queries."""
    session = ctx.session
    event_ids, edit_ids, hh_ids, amends = set(), set(), set(), set()
    for item in body.items:
        if isinstance(item, p.EventItem):
            event_ids.add(item.event.id)
            hh_ids.add(item.event.household_id)
            if item.event.amends:
                amends.add(item.event.amends)
        else:
            edit_ids.add(item.edit.id)
            hh_ids.add(item.edit.household_id)
    for chunk in _chunks(event_ids):
        ctx.stored_ids.update(session.scalars(_STORED_EVENTS, {"ids": chunk}))
    for chunk in _chunks(edit_ids):
        ctx.stored_ids.update(session.scalars(_STORED_EDITS, {"ids": chunk}))
    for chunk in _chunks(amends):
        for ev_id, household_id, ev_type, programme, role in session.execute(
            _AMEND_TARGETS, {"ids": chunk}
        ):
            ctx.amend_targets[ev_id] = _amend_target(household_id, ev_type, programme, role)
    # Every household the request touches is locked (one sorted statement per chunk, so two
    # requests never deadlock): an edit of the same field waits and then sees the new version,
    # and a reassignment (admin.assign_households locks the same rows) cannot slip between
    # reading the assignments here and the commit, which would send the items to the
    # worker who just lost the household and never to the new one.
    for chunk in _chunks(hh_ids):
        ctx.households.update((h.id, h) for h in session.execute(_LOCK_HOUSEHOLDS, {"ids": chunk}))
    for chunk in _chunks(hh_ids):
        for household_id, programme, username in session.execute(_WORKERS, {"ids": chunk}):
            ctx.workers.setdefault(household_id, {})[programme] = username
    # Who held a household before matters only where the user does not hold it now.
    username = ctx.user.username
    elsewhere = [h for h in hh_ids if username not in ctx.workers.get(h, {}).values()]
    for chunk in _chunks(elsewhere):
        ctx.held_before.update(session.scalars(_HELD_BEFORE, {"ids": chunk, "username": username}))


def _result(
    id: str, status: p.ItemStatus, reason: str | None = None, conflict_id: str | None = None
) -> dict[str, Any]:
    """One ``sync.protocol.ItemResult`` as JSON."""
    return {"id": id, "status": status.value, "reason": reason, "conflict_id": conflict_id}


def _scope(ctx: _PushContext, household_id: str) -> tuple[Any, bool] | None:
    """(household row, late) when the user may write to it; None when out of scope."""
    hh = ctx.households.get(household_id)
    if hh is None or hh.deleted or hh.district_code != ctx.user.district_code:
        return None
    if ctx.user.username in ctx.workers.get(household_id, {}).values():
        return hh, False
    if household_id in ctx.held_before:
        return hh, True
    return None


def _authorship_problem(ctx: _PushContext, created_by: str, device_id: str) -> str | None:
    if created_by != ctx.user.username:
        return f"created_by {created_by!r} is not the signed-in user {ctx.user.username!r}"
    if device_id != ctx.device.id:
        return f"device_id {device_id!r} is not this device"
    return None


def _late_handover(ctx: _PushContext, household_id: str, kind: str, ref_id: str) -> None:
    """Put a late record in the inbox of whoever now holds the programme(s) the sender held."""
    held = set(
        ctx.session.scalars(
            select(AssignmentHistory.programme).where(
                AssignmentHistory.household_id == household_id,
                AssignmentHistory.username == ctx.user.username,
            )
        )
    )
    workers = ctx.workers.get(household_id, {})
    successors = {workers.get(prog) for prog in held} - {None}
    for to in sorted(u for u in successors if u) or [None]:
        ctx.session.add(
            HandoverInbox(
                household_id=household_id,
                kind=kind,
                ref_id=ref_id,
                from_username=ctx.user.username,
                to_username=to,
                received_at=ctx.now,
            )
        )


def apply_event(ctx: _PushContext, ev: p.Event, checked: Checked = None) -> dict[str, Any]:
    """Store one event (or say why not). *checked*: what :func:`check_events` found for it
    (the rules are run here when None)."""
    if ev.id in ctx.seen_ids or ev.id in ctx.stored_ids:
        return _result(id=ev.id, status=p.ItemStatus.duplicate)
    if problem := _authorship_problem(ctx, ev.created_by, ev.device_id):
        return _result(id=ev.id, status=p.ItemStatus.rejected, reason=problem)
    if ev.redacted:
        return _result(
            id=ev.id,
            status=p.ItemStatus.rejected,
            reason="a redacted copy (received without its details) cannot be pushed",
        )
    scope = _scope(ctx, ev.household_id)
    if scope is None:
        return _result(id=ev.id, status=p.ItemStatus.rejected, reason=OUT_OF_SCOPE)
    hh, late = scope
    if problem := _amend_scope_problem(ctx, ev):
        return _result(id=ev.id, status=p.ItemStatus.rejected, reason=problem)
    if problem := _programme_scope_problem(ctx, ev):
        return _result(id=ev.id, status=p.ItemStatus.rejected, reason=problem)
    if checked is None:
        try:
            checked = validate_event(ev.model_dump(mode="json"), copy=False)
        except ValidationError as exc:
            checked = exc
    if isinstance(checked, ValidationError):
        return _result(id=ev.id, status=p.ItemStatus.rejected, reason=str(checked))
    skew = _is_skewed(ctx, ev)
    row = event_row(ev, checked, skew_flag=skew, server_time=ctx.now, late_handover=late)
    ctx.event_rows.append(row)
    ctx.seen_ids.add(ev.id)
    ctx.batch_events[ev.id] = _amend_target(
        ev.household_id, ev.type.value, ev.programme.value if ev.programme else None, ctx.user.role
    )
    if ev.type is p.EventType.access_log:
        ctx.access_entries.append(
            dict(
                username=ev.created_by,
                action=str(ev.payload.get("action", "view")),
                household_id=ev.household_id,
                device_id=ev.device_id,
                ip=ctx.ip,
                reason=ev.payload.get("reason"),
                event_id=ev.id,
                device_time=ev.device_time,
                at=ctx.now,
            )
        )
        recipients: set[str | None] = set()  # audit only: not sent to devices
    else:
        recipients = event_recipients(ctx.workers.get(hh.id, {}), ev.programme)
    if late:
        _late_handover(ctx, hh.id, "event", ev.id)

    ctx.event_changes.append(ctx.feed.add(p.ChangeKind.event, hh.id, ev.id, recipients))
    return _result(id=ev.id, status=p.ItemStatus.applied)


def _last_applied_edit(session: Session, household_id: str, fld: str) -> HouseholdEditLog | None:
    return session.scalars(
        select(HouseholdEditLog)
        .where(
            HouseholdEditLog.household_id == household_id,
            HouseholdEditLog.field == fld,
            HouseholdEditLog.outcome == "applied",
        )
        .order_by(HouseholdEditLog.server_time.desc())
        .limit(1)
    ).first()


def apply_household_edit(ctx: _PushContext, edit: p.HouseholdEdit) -> dict[str, Any]:
    """Merge one field edit: apply, keep as a conflict (both values), or reject."""
    session = ctx.session
    if edit.id in ctx.seen_ids or edit.id in ctx.stored_ids:
        return _result(id=edit.id, status=p.ItemStatus.duplicate)
    if problem := _authorship_problem(ctx, edit.created_by, edit.device_id):
        return _result(id=edit.id, status=p.ItemStatus.rejected, reason=problem)
    if edit.device_time.tzinfo is None:
        return _result(
            id=edit.id,
            status=p.ItemStatus.rejected,
            reason="device_time must carry a UTC offset, e.g. 2026-05-01T09:30:00+09:00",
        )
    if problem := device_time_problem(edit.device_time) or next(
        iter(text_problems(edit.value, "value")), None
    ):
        return _result(
            id=edit.id, status=p.ItemStatus.rejected, reason=f"{problem.field}: {problem.message}"
        )
    scope = _scope(ctx, edit.household_id)
    if scope is None:
        return _result(id=edit.id, status=p.ItemStatus.rejected, reason=OUT_OF_SCOPE)
    late = scope[1]
    if problem := household_edit_problem(ctx.user.role, edit.field):
        return _result(
            id=edit.id, status=p.ItemStatus.rejected, reason=f"{problem.field}: {problem.message}"
        )
    hh = session.get(Household, edit.household_id)  # locked by _prefetch
    if hh is None:
        return _result(id=edit.id, status=p.ItemStatus.rejected, reason=OUT_OF_SCOPE)
    current = load_household_wire(session, hh.id) or {}
    try:
        checked = p.Household.model_validate({**current, edit.field: edit.value})
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        return _result(
            id=edit.id,
            status=p.ItemStatus.rejected,
            reason=f"value of {edit.field} is not valid: {first['msg']}",
        )
    value = checked.model_dump(mode="json")[edit.field]
    versions = dict(hh.field_versions or {})
    version = int(versions.get(edit.field, 0))
    if edit.base_version > version:
        return _result(
            id=edit.id,
            status=p.ItemStatus.rejected,
            reason=f"base_version {edit.base_version} of {edit.field} is newer than the "
            f"server's version {version}; pull first",
        )
    ctx.seen_ids.add(edit.id)
    workers = set(ctx.workers.get(hh.id, {}).values())
    log_row = HouseholdEditLog(
        id=edit.id,
        household_id=hh.id,
        field=edit.field,
        value=value,
        base_version=edit.base_version,
        created_by=edit.created_by,
        device_id=edit.device_id,
        device_time=edit.device_time,
        server_time=ctx.now,
        late_handover=late,
    )
    if late:
        _late_handover(ctx, hh.id, "household_edit", edit.id)
    theirs = current[edit.field]
    if edit.base_version == version or theirs == value:
        if theirs != value:
            setattr(hh, edit.field, value)
            versions[edit.field] = version + 1
            hh.field_versions = versions
            ctx.feed.add(p.ChangeKind.household, hh.id, hh.id, workers)
        log_row.outcome = "applied"
        log_row.new_version = versions.get(edit.field, version)
        session.add(log_row)
        return _result(id=edit.id, status=p.ItemStatus.applied)
    last = _last_applied_edit(session, hh.id, edit.field)
    conflict = Conflict(
        id=_conflict_id(edit.id),
        household_id=hh.id,
        field=edit.field,
        base_version=edit.base_version,
        mine=value,
        mine_by=edit.created_by,
        mine_at=edit.device_time,
        edit_id=edit.id,
        theirs=theirs,
        theirs_by=last.created_by if last else None,
        theirs_at=last.device_time if last else None,
        created_at=ctx.now,
    )
    log_row.outcome = "conflict"
    session.add(log_row)
    session.add(conflict)
    ctx.feed.add(p.ChangeKind.conflict, hh.id, conflict.id, workers)
    return _result(id=edit.id, status=p.ItemStatus.conflict, conflict_id=conflict.id)


def _conflict_id(edit_id: str) -> str:
    """The conflict made by an edit has an id derived from the edit (stable across retries)."""
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"fieldapp:conflict:{edit_id}"))


def push(
    session: Session,
    user: User,
    device: Device,
    body: p.PushRequest,
    body_hash: str,
    now: datetime | None = None,
    ip: str | None = None,
    checked: list[Checked] | None = None,
) -> dict[str, Any]:
    """Apply one push in the caller's transaction and return the PushResponse JSON.

    The caller commits. Order: items, stored response, the seqs (the district's counter row),
    then the events with their seqs (``received_seq``) in one insert; the counter's row lock
    orders the district's commits whatever is written after it. *checked*: what
    :func:`check_events` found for *body*, when the caller ran it before the transaction.
    """
    now = now or utcnow()
    # Every item is checked to be in the user's district (_scope): one counter row.
    feed = FeedWriter(session, district=user.district_code)
    ctx = _PushContext(session, user, device, feed, now, ip=ip)
    _prefetch(ctx, body)
    results: list[dict[str, Any]] = []
    if checked is None or len(checked) != len(body.items):
        checked = [None] * len(body.items)
    for item, item_checked in zip(body.items, checked, strict=True):
        if isinstance(item, p.EventItem):
            result = apply_event(ctx, item.event, item_checked)
        else:
            result = apply_household_edit(ctx, item.edit)
        results.append(result)
    for entry in ctx.access_entries:
        accesslog.append_access_log(session, **entry)
    conn = session.connection()
    if device.last_seen is None or now - device.last_seen >= REPORT_REFRESH:
        # Like the pull's report: not one more write per push for a device seen just now.
        conn.execute(update(_DEVICES).where(_DEVICES.c.id == device.id).values(last_seen=now))
        set_committed_value(device, "last_seen", now)
    response = {"results": results, "server_time": json_time(now)}
    conn.execute(
        insert(_PUSHES),
        {
            "device_id": device.id,
            "idempotency_key": body.idempotency_key,
            "request_hash": body_hash,
            "response": response,
            "created_at": now,
        },
    )
    ctx.feed.stamp()
    if ctx.event_rows:  # one executemany, each row with its seq: one write per event
        for row, change in zip(ctx.event_rows, ctx.event_changes, strict=True):
            row["received_seq"] = change.seq
        insert_events(session, ctx.event_rows)
    counts: dict[str, int] = {}
    for r in results:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    log.info("push device=%s items=%d %s", device.id, len(results), counts)
    return response


def json_time(value: datetime) -> str:
    """A datetime as pydantic writes it in JSON (UTC as ``Z``)."""
    return orjson.dumps(value, option=orjson.OPT_UTC_Z)[1:-1].decode()


def purge_stored_pushes(session: Session, older_than: datetime) -> int:
    """Forget stored push responses made before *older_than*; return how many went.

    A device retries a push within minutes or days; after the retention period
    (``Settings.idempotency_retention_days``) a replay would be answered item by item as
    ``duplicate`` instead, which is just as safe.
    """
    from sqlalchemy import delete

    result = session.execute(
        delete(PushRequestRecord).where(PushRequestRecord.created_at < older_than)
    )
    return int(getattr(result, "rowcount", 0) or 0)
