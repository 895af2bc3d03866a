"""The district server's tables (SQLAlchemy 2 declarative, dialect-neutral).

The same models run on SQLite (demo, tests, small pilots) and PostgreSQL (production). Only
portable column types are used: JSON columns hold lists and objects, times are stored as
timezone-aware UTC datetimes, booleans are real booleans.

Sync ordering never uses these tables' own ids or times: every sync-visible change gets a
``seq`` from its district's counter row in :class:`DistrictSeq`, taken last in the writing
transaction (see :mod:`sync.server.syncing`), and is fanned out to its readers in :class:`Feed`.
Every user, household and feed row belongs to one district, so districts never wait on each
other's counter.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Naming convention so that constraint names are the same on every dialect (Alembic batch
#: mode on SQLite needs named constraints).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Device status values.
DEVICE_ACTIVE, DEVICE_REVOKED, DEVICE_LOST = "active", "revoked", "lost"
#: The id of the one ServerMeta row.
META_ROW_ID = 1


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every dialect (SQLite stores no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


# --------------------------------------------------------------------------- places, people


class District(Base):
    """A 자치구, with its 행정표준코드 (or another code system, named)."""

    __tablename__ = "districts"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    code_system: Mapped[str] = mapped_column(String(32), default="haengjeong_pyojun")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Dong(Base):
    """A 행정동 of a district."""

    __tablename__ = "dongs"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    name: Mapped[str] = mapped_column(String(100))


class User(Base):
    """One account per person. ``username`` is the key used everywhere else."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))  # sync.protocol.Role
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    dong_codes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    password_hash: Mapped[str] = mapped_column(String(255))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(default=None)


class Device(Base):
    """A laptop, registered at its first login. The id is made by the client."""

    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("users.username"), index=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    #: HMAC-SHA256 of the current bearer token (the token itself is never stored).
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    #: The device's random database key, released only after a good login.
    db_key: Mapped[bytes] = mapped_column(LargeBinary(64))
    status: Mapped[str] = mapped_column(String(16), default=DEVICE_ACTIVE)
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)
    last_seen: Mapped[datetime | None] = mapped_column(default=None)
    last_sync_at: Mapped[datetime | None] = mapped_column(default=None)
    #: What the device said at its last pull: records still pending, age of the oldest.
    reported_pending: Mapped[int | None] = mapped_column(Integer, default=None)
    reported_oldest_pending_s: Mapped[int | None] = mapped_column(Integer, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    #: The seq of the cursor this device last pulled from: it holds every change of its
    #: user's feed up to it, and will not ask for those again (the feed trim floor; see
    #: :mod:`sync.server.feed_trim`). None: not known yet (a new device, or one from before
    #: migration 0005).
    pulled_seq: Mapped[int | None] = mapped_column(BigInteger, default=None)


# --------------------------------------------------------------------------- households


class Household(Base):
    """A household (가구): the fields of ``sync.protocol.Household`` except the assignments."""

    __tablename__ = "households"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    dong_code: Mapped[str] = mapped_column(String(16), index=True)
    household_type: Mapped[str] = mapped_column(String(32))
    address_road: Mapped[str] = mapped_column(String(300))
    address_detail: Mapped[str | None] = mapped_column(String(300), default=None)
    phone: Mapped[str | None] = mapped_column(String(20), default=None)
    risk_level: Mapped[str | None] = mapped_column(String(16), default=None)
    care_group: Mapped[str | None] = mapped_column(String(16), default=None)
    isolation_band: Mapped[str | None] = mapped_column(String(16), default=None)
    notes: Mapped[str | None] = mapped_column(Text, default=None)
    emergency_contacts: Mapped[list[Any]] = mapped_column(JSON, default=list)
    consent_general: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    consent_health: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    persons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    field_versions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    alert_active: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Assignment(Base):
    """Household x programme -> the worker who holds it now (None: unassigned)."""

    __tablename__ = "assignments"

    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), primary_key=True)
    programme: Mapped[str] = mapped_column(String(32), primary_key=True)
    username: Mapped[str | None] = mapped_column(
        ForeignKey("users.username"), index=True, default=None
    )
    assigned_by: Mapped[str | None] = mapped_column(String(64), default=None)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text, default=None)


class AssignmentHistory(Base):
    """Every assignment ever made (newest last); also tells who held a household before."""

    __tablename__ = "assignment_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    programme: Mapped[str] = mapped_column(String(32))
    username: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    previous_username: Mapped[str | None] = mapped_column(String(64), default=None)
    assigned_by: Mapped[str | None] = mapped_column(String(64), default=None)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text, default=None)


class Event(Base):
    """An append-only event as received (``sync.protocol.Event``), never changed after."""

    __tablename__ = "events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    type: Mapped[str] = mapped_column(String(32))
    programme: Mapped[str | None] = mapped_column(String(32), default=None)
    created_by: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(String(64))
    device_time: Mapped[datetime] = mapped_column()
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    amends: Mapped[str | None] = mapped_column(String(36), default=None)
    skew_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    server_time: Mapped[datetime] = mapped_column(default=utcnow)
    late_handover: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The feed seq stamped when the event was stored (commit order).
    received_seq: Mapped[int | None] = mapped_column(BigInteger, default=None)
    #: The event's whole ``sync.protocol.Event`` JSON (not redacted), made once at ingest so a
    #: pull splices it into the page as it is; None: built from the columns at pull time.
    wire: Mapped[str | None] = mapped_column(Text, default=None)


class HouseholdEditLog(Base):
    """Every household field edit received, applied or kept as a conflict."""

    __tablename__ = "household_edits"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the client's edit id
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    base_version: Mapped[int] = mapped_column(Integer)
    #: The field version this edit produced (None when it became a conflict).
    new_version: Mapped[int | None] = mapped_column(Integer, default=None)
    outcome: Mapped[str] = mapped_column(String(16))  # applied | conflict
    created_by: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(String(64))
    device_time: Mapped[datetime] = mapped_column()
    server_time: Mapped[datetime] = mapped_column(default=utcnow)
    late_handover: Mapped[bool] = mapped_column(Boolean, default=False)


class Conflict(Base):
    """A concurrent change to one household field: both values kept, server value unchanged."""

    __tablename__ = "conflicts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    base_version: Mapped[int] = mapped_column(Integer)
    mine: Mapped[Any] = mapped_column(JSON, nullable=True)
    mine_by: Mapped[str] = mapped_column(String(64))
    mine_at: Mapped[datetime] = mapped_column()
    edit_id: Mapped[str] = mapped_column(String(36))
    theirs: Mapped[Any] = mapped_column(JSON, nullable=True)
    theirs_by: Mapped[str | None] = mapped_column(String(64), default=None)
    theirs_at: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    resolved_value: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)
    resolved_by: Mapped[str | None] = mapped_column(String(64), default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HandoverInbox(Base):
    """A record that arrived late for a household that had moved to another worker.

    Shown to the new worker and the supervisor until acknowledged (issue 6 builds the view).
    """

    __tablename__ = "handover_inbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # event | household_edit
    ref_id: Mapped[str] = mapped_column(String(36))
    from_username: Mapped[str] = mapped_column(String(64))
    to_username: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_by: Mapped[str | None] = mapped_column(String(64), default=None)
    acknowledged_at: Mapped[datetime | None] = mapped_column(default=None)


# --------------------------------------------------------------------------- sync machinery


class PushRequestRecord(Base):
    """A push already applied: its key, a hash of its body, and the response sent."""

    __tablename__ = "push_requests"

    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ServerMeta(Base):
    """The one row: the server's epoch, and where the district sequences start.

    ``seq`` was the one commit-order counter of every district until migration 0004; it is no
    longer written. It is the floor every :class:`DistrictSeq` starts from, so a cursor a
    device took from the old counter keeps its meaning (nothing seen twice, nothing lost).
    """

    __tablename__ = "server_meta"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    epoch: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DistrictSeq(Base):
    """A district's commit-order counter (made at the district's first change).

    ``seq`` is updated LAST in every writing transaction of the district (``UPDATE ... SET
    seq = seq + n RETURNING seq``), so its row lock orders that district's commits, and only
    those: a push in one district never waits for another district's counter.
    """

    __tablename__ = "district_seqs"

    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)


class Feed(Base):
    """The per-user change feed: one row per reader per change, in commit order.

    ``ref_id`` names what changed (household id, event id, conflict id, assignment_history id
    for a revoke, or the deleted record's id for a tombstone); the data is read at pull time.
    """

    __tablename__ = "feed"
    __table_args__ = (UniqueConstraint("username", "seq", name="uq_feed_username_seq"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))  # sync.protocol.ChangeKind
    household_id: Mapped[str | None] = mapped_column(String(36), default=None)
    ref_id: Mapped[str] = mapped_column(String(64))


class FeedTrim(Base):
    """How far a user's feed has been trimmed: every row of it with ``seq <= seq`` is gone.

    A pull from a cursor below this is answered ``resync_required``; a pull from the start is
    served from the records themselves (a snapshot), not from the feed. See
    :mod:`sync.server.feed_trim`.
    """

    __tablename__ = "feed_trims"

    username: Mapped[str] = mapped_column(ForeignKey("users.username"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    trimmed_at: Mapped[datetime] = mapped_column(default=utcnow)


# --------------------------------------------------------------------------- audit


class AccessLog(Base):
    """Append-only access log (view/edit/print/export of a household), hash-chained.

    ``hash`` = sha256 over ``prev_hash`` and the entry's canonical JSON; the verify command
    recomputes the chain and names the first entry that does not match.
    """

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str | None] = mapped_column(String(64), default=None)
    ip: Mapped[str | None] = mapped_column(String(64), default=None)
    household_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    action: Mapped[str] = mapped_column(String(32))  # view | edit | print | export | ...
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    #: The device event this entry came from (None for entries the server made itself).
    event_id: Mapped[str | None] = mapped_column(String(36), unique=True, default=None)
    device_time: Mapped[datetime | None] = mapped_column(default=None)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class PermissionLog(Base):
    """Permission changes: roles, assignments, device revokes, user (de)activation."""

    __tablename__ = "permission_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))  # create_user | set_role | assign | ...
    subject_type: Mapped[str] = mapped_column(String(16))  # user | assignment | device
    subject_id: Mapped[str] = mapped_column(String(128))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Incident(Base):
    """A security incident, e.g. a lost device (the 72-hour report clock starts at ``at``)."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))  # device_lost
    device_id: Mapped[str | None] = mapped_column(String(64), default=None)
    username: Mapped[str | None] = mapped_column(String(64), default=None)
    reported_by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(Text, default=None)


class AlertCampaign(Base):
    """A heat or cold alert declared for a district (issue 6): while it runs, every high- and
    medium-risk household has ``alert_active`` set, and the cadence makes it due daily."""

    __tablename__ = "alert_campaigns"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # heat | cold
    level: Mapped[str] = mapped_column(String(16))  # advisory (주의보) | warning (경보)
    start: Mapped[datetime] = mapped_column()
    end: Mapped[datetime] = mapped_column()
    declared_by: Mapped[str] = mapped_column(String(64))
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)
    household_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_by: Mapped[str | None] = mapped_column(String(64), default=None)


Index("ix_events_received_seq", Event.received_seq)
Index("ix_feed_household", Feed.household_id)
