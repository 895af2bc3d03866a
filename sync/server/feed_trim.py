"""A feed that stays bounded: trim what every device has pulled past; a pull from the start
after a trim is served from the records themselves.

Every sync-visible change is fanned out into ``feed`` once per reader (see
:mod:`sync.server.syncing`). Nothing read those rows again once every device of their reader
had pulled past them, yet they were kept for ever: over years the feed outgrows the records.

What the server knows. Each pull request carries the cursor of the last page the device
applied (the client saves a cursor only with its page), so "device D asked from seq N" means D
holds every change of its user's feed up to N and will not ask for them again. The pull stores
that as ``devices.pulled_seq`` (with the device report it already writes: no extra write for a
routine sync; see :func:`ack_due`).

The trim floor of a user is the lowest ``pulled_seq`` among the devices that still count: the
active devices of an active user, seen within the retention period (``inactive_days``), whose
``pulled_seq`` is not below what was trimmed already (a device that is behind gets a resync
anyway; holding the feed for it would hold it for ever). A device not yet known counts as 0
while it is within the retention period, so no device in the field is sent into a resync by
the upgrade. A user none of whose devices counts (all revoked, long inactive, or none yet) has
the feed trimmed to the district's current seq. :func:`trim_feeds` deletes the rows at or below
the floor and records the floor in ``feed_trims`` in the same transaction.

What a pull does then (:func:`read_pull`):

* a cursor at or above the user's trimmed seq: the feed, as before;
* a cursor below it (a device back after the retention period, or passed over because it was
  behind): ``409 resync_required``. The client re-pushes what it holds and pulls from the start;
* no cursor (a new device, or a resync) while the user's feed has been trimmed: a **snapshot**
  of the current records for the households the user holds, the same set a reassignment gives
  a new worker (:func:`sync.server.admin._fan_out_history`): each household, its conflicts, and
  its events of the user's programme or of no programme (never ``access_log``), redacted for a
  volunteer as in the feed. The snapshot is taken as of the district's seq ``W`` when it
  starts; events are bounded by ``received_seq <= W``, and everything later comes from the feed
  after ``W``, which the device protects meanwhile (its ``pulled_seq`` is ``W``). Its pages carry
  a cursor of the usual ``<something>:<digits>`` shape, opaque as always:
  ``<epoch>/snapshot/<phase>/<position>:<W>``; the page after the last snapshot page has the
  plain cursor ``<epoch>:<W>``.

A trim that commits while a pull is reading is caught by reading the trimmed seq **after** the
page: the trim deletes and records in one transaction, so a page read before it committed is
whole, and a trim that committed before the page was read is seen by the check (the page is
then not sent: a resync, or for a pull from the start, a snapshot).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote

import orjson
from sqlalchemy import (
    and_,
    bindparam,
    case,
    delete,
    false,
    func,
    or_,
    select,
    tuple_,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sl_insert
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import syncing
from sync.server.models import (
    DEVICE_ACTIVE,
    Assignment,
    Conflict,
    Device,
    Event,
    Feed,
    FeedTrim,
    Household,
    User,
    utcnow,
)

#: A device not seen for this long no longer holds its user's feed back (it gets a resync
#: and a snapshot when it returns, nothing lost). ``FIELDAPP_FEED_RETENTION_DAYS``.
DEFAULT_INACTIVE_DAYS = 90

SNAPSHOT = "snapshot"
#: The snapshot's phases, in order: households, conflicts, events.
PHASES = ("h", "c", "e")
#: Households per events query of a snapshot page.
EVENT_CHUNK = 200

TRIMMED = (
    "this device last pulled before the oldest change this server still keeps for you (it "
    "was away, or replaced): push what you hold, then pull from the start"
)
SNAPSHOT_TRIMMED = (
    "the changes after this snapshot were trimmed while it was being read: push what you "
    "hold, then pull from the start"
)

_FEED = Feed.__table__
_TRIMS = FeedTrim.__table__
_EVENTS = Event.__table__
_TRIMMED_SEQ = select(_TRIMS.c.seq).where(_TRIMS.c.username == bindparam("username"))


def trimmed_seq(session: Session, username: str) -> int:
    """The highest seq trimmed from *username*'s feed (0: nothing trimmed)."""
    value = session.execute(_TRIMMED_SEQ, {"username": username}).scalar_one_or_none()
    return int(value or 0)


# --------------------------------------------------------------------------- pull


@dataclass
class PullRead:
    """One pull page, ready for the response, and what the request told about the device."""

    epoch: str
    changes: list[dict[str, Any]]
    cursor: str
    has_more: bool
    #: The device holds (or, in a snapshot, will never again need) the feed up to this seq.
    pulled_seq: int
    snapshot: bool = False


@dataclass(frozen=True)
class SnapshotCursor:
    epoch: str
    watermark: int
    phase: str
    position: str

    def text(self) -> str:
        return f"{self.epoch}/{SNAPSHOT}/{self.phase}/{self.position}:{self.watermark}"


class CursorError(ValueError):
    """The cursor is malformed (a 422 ``invalid``, not a resync)."""


def parse_snapshot_cursor(cursor: str | None) -> SnapshotCursor | None:
    """The snapshot position in *cursor*, or None when it is an ordinary cursor.

    Raises CursorError for a snapshot cursor that is malformed."""
    if not cursor or f"/{SNAPSHOT}/" not in cursor:
        return None
    head, _sep, watermark = cursor.rpartition(":")
    parts = head.split("/", 3)
    if (
        len(parts) != 4
        or parts[1] != SNAPSHOT
        or parts[2] not in PHASES
        or not (watermark.isascii() and watermark.isdigit())
    ):
        raise CursorError(
            f"malformed cursor {cursor!r}: pass back the cursor of the last page unchanged, "
            "or none to pull from the start"
        )
    return SnapshotCursor(parts[0], int(watermark), parts[2], parts[3])


def read_pull(session: Session, user: User, cursor: str | None, limit: int) -> PullRead:
    """The page for a pull from *cursor* (see the module docstring).

    Raises :class:`syncing.ResyncRequired` like :func:`syncing.check_cursor`, and
    :class:`CursorError` for a malformed cursor."""
    snap = parse_snapshot_cursor(cursor)
    if snap is not None:
        epoch, current = syncing.server_state(session, user.district_code)
        if snap.epoch != epoch:
            syncing.check_cursor(session, f"{snap.epoch}:0", user.district_code)  # raises
        if snap.watermark > current:
            syncing.check_cursor(session, f"{epoch}:{snap.watermark}", user.district_code)
        read = snapshot_page(session, user, snap, limit)
        if trimmed_seq(session, user.username) > snap.watermark:
            raise syncing.ResyncRequired(SNAPSHOT_TRIMMED)
        return read
    try:
        epoch, after = syncing.check_cursor(session, cursor, user.district_code)
    except ValueError as exc:  # ResyncRequired is not one
        raise CursorError(str(exc)) from None
    from_start = not cursor
    if from_start and trimmed_seq(session, user.username) > 0:
        return _start_snapshot(session, user, epoch, limit)
    page = syncing.pull_page(session, user, after, limit)
    # After the page: a trim that committed before the page was read is seen here.
    if after < trimmed_seq(session, user.username):
        if from_start:
            return _start_snapshot(session, user, epoch, limit)
        raise syncing.ResyncRequired(TRIMMED)
    return PullRead(epoch, page.changes, p.make_cursor(epoch, page.last_seq), page.has_more, after)


def _start_snapshot(session: Session, user: User, epoch: str, limit: int) -> PullRead:
    _epoch, watermark = syncing.server_state(session, user.district_code)
    read = snapshot_page(session, user, SnapshotCursor(epoch, watermark, "h", ""), limit)
    if trimmed_seq(session, user.username) > watermark:  # cannot happen: W is the top
        raise syncing.ResyncRequired(SNAPSHOT_TRIMMED)
    return read


def _held(session: Session, username: str) -> dict[str, set[str]]:
    """household id -> the programmes *username* holds it in (households not deleted)."""
    rows = session.execute(
        select(Assignment.household_id, Assignment.programme)
        .join(Household, Household.id == Assignment.household_id)
        .where(Assignment.username == username, Household.deleted == false())
    )
    out: dict[str, set[str]] = {}
    for household_id, programme in rows:
        out.setdefault(household_id, set()).add(programme)
    return out


def _q(value: str) -> str:
    return quote(value, safe="")


def snapshot_page(session: Session, user: User, snap: SnapshotCursor, limit: int) -> PullRead:
    """Up to *limit* changes of the snapshot from *snap*'s position on."""
    held = _held(session, user.username)
    ids = sorted(held)
    w = snap.watermark
    changes: list[dict[str, Any]] = []

    def page(phase: str, position: str) -> PullRead:
        cursor = SnapshotCursor(snap.epoch, w, phase, position).text()
        return PullRead(snap.epoch, changes, cursor, True, w, snapshot=True)

    phase, position = snap.phase, snap.position
    if phase == "h":
        after = unquote(position)
        todo = [i for i in ids if i > after] if position else ids
        take = todo[:limit]
        data = syncing._load_households(session, set(take))
        for household_id in take:
            if household_id in data.households:
                changes.append(
                    _change(w, p.ChangeKind.household, household_id, data.wire(household_id))
                )
        if len(take) < len(todo):
            return page("h", _q(take[-1]))
        phase, position = "c", ""
    if phase == "c":
        after = unquote(position)
        found: list[Conflict] = []
        for chunk in syncing._chunks(ids):
            found.extend(session.scalars(select(Conflict).where(Conflict.household_id.in_(chunk))))
        todo_c = sorted((c for c in found if not position or c.id > after), key=lambda c: c.id)
        room = limit - len(changes)
        take_c = todo_c[: max(room, 0)]
        for c in take_c:
            changes.append(
                _change(w, p.ChangeKind.conflict, c.household_id, syncing.conflict_wire(c))
            )
        if len(take_c) < len(todo_c):
            return page("c", _q(take_c[-1].id) if take_c else position)
        phase, position = "e", ""
    # phase "e": events by (household, received_seq, id)
    key = _event_key(position)
    start = [i for i in ids if not key or i >= key[0]]
    redact = syncing.redacts_clinical(user.role)
    for chunk in _slices(start, EVENT_CHUNK):
        room = limit - len(changes)
        if room <= 0:
            return page("e", position)
        rows = _snapshot_events(session, chunk, held, w, key, room)
        changes.extend(_event_changes(session, rows, held, w, redact))
        if rows:
            last = rows[-1]
            position = f"{_q(last.household_id)},{int(last.rs)},{_q(last.id)}"
            key = (last.household_id, int(last.rs), last.id)
        if len(rows) >= room:
            return page("e", position)
    # The snapshot is complete: the feed after W follows.
    return PullRead(snap.epoch, changes, p.make_cursor(snap.epoch, w), True, w, snapshot=True)


def _change(seq: int, kind: p.ChangeKind, household_id: str | None, data: Any) -> dict[str, Any]:
    return {"seq": seq, "kind": kind.value, "household_id": household_id, "data": data}


def _event_key(position: str) -> tuple[str, int, str] | None:
    if not position:
        return None
    parts = position.split(",")
    if len(parts) != 3 or not parts[1].isdigit():
        raise CursorError("malformed snapshot cursor: pass back the cursor of the last page")
    return unquote(parts[0]), int(parts[1]), unquote(parts[2])


def _slices(values: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


_rs = func.coalesce(_EVENTS.c.received_seq, 0)


def _snapshot_events(
    session: Session,
    households: list[str],
    held: dict[str, set[str]],
    watermark: int,
    key: tuple[str, int, str] | None,
    limit: int,
) -> list[Any]:
    """Up to *limit* events of *households* for the snapshot, after *key*, in key order."""
    programmes = set().union(*(held[h] for h in households)) if households else set()
    stmt = (
        select(
            _EVENTS.c.id,
            _EVENTS.c.household_id,
            _EVENTS.c.type,
            _EVENTS.c.programme,
            _EVENTS.c.wire,
            _rs.label("rs"),
        )
        .where(
            _EVENTS.c.household_id.in_(households),
            _EVENTS.c.type != p.EventType.access_log.value,
            or_(_EVENTS.c.programme.is_(None), _EVENTS.c.programme.in_(sorted(programmes))),
            _rs <= watermark,
        )
        .order_by(_EVENTS.c.household_id, _rs, _EVENTS.c.id)
        .limit(limit)
    )
    if key is not None:
        stmt = stmt.where(tuple_(_EVENTS.c.household_id, _rs, _EVENTS.c.id) > tuple_(*key))
    return list(session.execute(stmt).all())


def _event_changes(
    session: Session, rows: list[Any], held: dict[str, set[str]], w: int, redact: bool
) -> list[dict[str, Any]]:
    """The event changes of *rows*: a household held in one programme gets the events of that
    programme or of none (the query asked for every programme the user holds anything in)."""
    wanted = [r for r in rows if r.programme is None or r.programme in held[r.household_id]]
    missing = {r.id for r in wanted if r.wire is None}
    built = syncing._event_rows_wire(session, missing, redact) if missing else {}
    out = []
    for r in wanted:
        if r.wire is None:
            data: Any = built.get(r.id)
        elif redact and r.type in p.CLINICAL_EVENT_TYPES:
            data = syncing._redacted_wire(r.wire)
        else:
            data = orjson.Fragment(r.wire)
        if data is not None:
            out.append(_change(w, p.ChangeKind.event, r.household_id, data))
    return out


# --------------------------------------------------------------------------- the device's part


def ack_due(device: Device, read: PullRead, report_due: bool) -> bool:
    """True when the pull should store ``read.pulled_seq`` on the device now.

    Written with the device report when that is due anyway (at most once a minute), and
    otherwise on the last page of a pull that brought changes (one write per such sync), on a
    snapshot page (its ``W`` protects the feed after it) and for a device whose position is
    not known yet. A pull that brings nothing writes nothing unless the report is due (a
    no-op sync stays a read). A value lagging behind only trims less."""
    if read.pulled_seq == device.pulled_seq:
        return False
    last_with_changes = not read.has_more and bool(read.changes)
    return report_due or last_with_changes or read.snapshot or device.pulled_seq is None


# --------------------------------------------------------------------------- trimming


@dataclass
class UserTrim:
    username: str
    district_code: str
    trimmed_before: int
    floor: int
    rows: int  # rows deleted (or, in a dry run, that would be)
    #: devices that count for the floor, and those passed over (revoked, inactive, behind)
    devices_counted: int = 0
    devices_passed_over: int = 0


@dataclass
class TrimResult:
    users: list[UserTrim] = field(default_factory=list)
    rows_before: int = 0

    @property
    def rows_trimmed(self) -> int:
        return sum(u.rows for u in self.users)

    def by_district(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for u in self.users:
            d = out.setdefault(
                u.district_code, {"users": 0, "users_trimmed": 0, "rows": 0, "passed_over": 0}
            )
            d["users"] += 1
            d["users_trimmed"] += 1 if u.rows else 0
            d["rows"] += u.rows
            d["passed_over"] += u.devices_passed_over
        return out


def _last_active(d: Any) -> datetime | None:
    times = [t for t in (d.last_seen, d.last_login_at, d.registered_at) if t is not None]
    return max(times) if times else None


def user_floor(
    trimmed: int, devices: Iterable[Any], user_active: bool, top: int, cutoff: datetime
) -> tuple[int, int, int]:
    """(floor, devices counted, devices passed over) for one user (see the module docstring):
    *trimmed* is what was trimmed already, *top* the district's committed seq."""
    acks: list[int] = []
    passed = 0
    for d in devices:
        seen = _last_active(d)
        ack = int(d.pulled_seq or 0)
        if (
            user_active
            and d.status == DEVICE_ACTIVE
            and seen is not None
            and seen >= cutoff
            and ack >= trimmed
        ):
            acks.append(ack)
        else:
            passed += 1
    return (min(acks) if acks else top), len(acks), passed


def trim_feeds(
    session: Session,
    district: str | None = None,
    *,
    inactive_days: int = DEFAULT_INACTIVE_DAYS,
    dry_run: bool = False,
    now: datetime | None = None,
) -> TrimResult:
    """Trim every user's feed (of *district*, or all) to its floor; one transaction per user,
    committed here (a dry run counts and changes nothing)."""
    now = now or utcnow()
    cutoff = now - timedelta(days=inactive_days)
    q = select(User.username, User.district_code, User.active).order_by(User.username)
    if district is not None:
        q = q.where(User.district_code == district)
    users = session.execute(q).all()
    result = TrimResult()
    tops: dict[str, int] = {}
    for username, code, active in users:
        if code not in tops:
            tops[code] = syncing.server_state(session, code)[1]
        trimmed = trimmed_seq(session, username)
        devices = session.execute(
            select(
                Device.status,
                Device.pulled_seq,
                Device.last_seen,
                Device.last_login_at,
                Device.registered_at,
            ).where(Device.username == username)
        ).all()
        floor, counted, passed = user_floor(trimmed, devices, bool(active), tops[code], cutoff)
        rows = 0
        if floor > trimmed:
            rows = _trim_user(session, username, floor, now, dry_run)
        result.users.append(UserTrim(username, code, trimmed, floor, rows, counted, passed))
        if dry_run:
            session.rollback()
        else:
            session.commit()
    return result


def _trim_user(session: Session, username: str, floor: int, now: datetime, dry_run: bool) -> int:
    where = and_(_FEED.c.username == username, _FEED.c.seq <= floor)
    if dry_run:
        return int(session.execute(select(func.count()).select_from(_FEED).where(where)).scalar())
    deleted = session.execute(delete(_FEED).where(where))
    dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sl_insert
    stmt = dialect_insert(_TRIMS).values(username=username, seq=floor, trimmed_at=now)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[_TRIMS.c.username],
            set_={
                "seq": case(
                    (stmt.excluded.seq > _TRIMS.c.seq, stmt.excluded.seq), else_=_TRIMS.c.seq
                ),
                "trimmed_at": stmt.excluded.trimmed_at,
            },
        )
    )
    return int(getattr(deleted, "rowcount", 0) or 0)


def feed_storage(session: Session, district: str | None = None) -> dict[str, int]:
    """Feed rows (of *district*'s users, or all) and trimmed users: for reports."""
    q = select(func.count()).select_from(_FEED)
    if district is not None:
        q = q.join(User.__table__, User.__table__.c.username == _FEED.c.username).where(
            User.__table__.c.district_code == district
        )
    return {"feed_rows": int(session.execute(q).scalar() or 0)}
