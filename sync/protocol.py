"""Wire types shared by the sync client and the district server.

Pure pydantic: no Qt, no HTTP, no database. Both ends import only this module to agree on
the shape of every request and response. The protocol is stateless: a push is idempotent by
its key, a pull is a function of the cursor.

Protocol versions (one line each, never reuse a number):

* 1 -- first version: login, push (events + household field edits), pull (changes in commit
  order, cursor ``"<epoch>:<seq>"``), revoke entries, conflicts, wipe orders.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

# The domain's vocabulary, re-exported for the wire (``X as X``: an explicit re-export).
from fieldapp.household_shape import Consent as Consent
from fieldapp.household_shape import EmergencyContact as EmergencyContact
from fieldapp.household_shape import Household as Household
from fieldapp.household_shape import Person as Person
from fieldapp.vocabulary import CLINICAL_EVENT_TYPES as CLINICAL_EVENT_TYPES
from fieldapp.vocabulary import EDITABLE_HOUSEHOLD_FIELDS as EDITABLE_HOUSEHOLD_FIELDS
from fieldapp.vocabulary import PROGRAMME_EVENT_TYPES as PROGRAMME_EVENT_TYPES
from fieldapp.vocabulary import ROLE_PROGRAMME as ROLE_PROGRAMME
from fieldapp.vocabulary import EventType as EventType
from fieldapp.vocabulary import Programme as Programme
from fieldapp.vocabulary import Role as Role

PROTOCOL_VERSION = 1
MIN_PROTOCOL_VERSION = 1
MAX_PROTOCOL_VERSION = 1

#: Header naming the protocol version on every request (besides ``protocol`` in bodies).
PROTOCOL_HEADER = "X-Fieldapp-Protocol"
#: Header carrying the server's time (ISO 8601, UTC) on every response.
SERVER_TIME_HEADER = "X-Server-Time"

API_PREFIX = "/api/v1"
LOGIN_PATH = f"{API_PREFIX}/auth/login"
PUSH_PATH = f"{API_PREFIX}/sync/push"
PULL_PATH = f"{API_PREFIX}/sync/pull"
HEALTH_PATH = f"{API_PREFIX}/health"

#: Largest request body the server accepts (bytes, after gzip decoding). Larger gets 413.
MAX_BODY_BYTES = 8 * 1024 * 1024
#: Default and largest number of changes in one pull page.
DEFAULT_PULL_LIMIT = 2000
MAX_PULL_LIMIT = 10000
#: Largest number of items in one push.
MAX_PUSH_ITEMS = 2000
#: Clock skew above which records are flagged (seconds).
SKEW_LIMIT_SECONDS = 300


class Strict(BaseModel):
    """Base for wire models: unknown fields are an error, not silently dropped. Booleans
    and integers are ``StrictBool``/``StrictInt``: ``"yes"``, ``"1"`` or ``1.0`` are refused,
    not coerced."""

    model_config = ConfigDict(extra="forbid")


class ItemStatus(StrEnum):
    applied = "applied"
    duplicate = "duplicate"
    rejected = "rejected"
    conflict = "conflict"  # household edit kept in a conflict record, not applied


class ChangeKind(StrEnum):
    household = "household"  # data: Household (the full current record)
    event = "event"  # data: Event (possibly redacted)
    revoke = "revoke"  # data: Revoke -- the household left this user's scope
    tombstone = "tombstone"  # data: Tombstone -- deleted on the server
    conflict = "conflict"  # data: Conflict (open or resolved)


# --------------------------------------------------------------------------- records


class Event(Strict):
    """An append-only event, made where it happened, identified by a client UUID."""

    id: str = Field(min_length=32, max_length=36)
    type: EventType
    household_id: str
    programme: Programme | None = None
    created_by: str
    device_id: str
    device_time: datetime
    payload: dict[str, Any]
    amends: str | None = None  # the event this one corrects (same type) or voids (type void)
    skew_flag: StrictBool = False  # recorded while the device clock was off by > SKEW_LIMIT_SECONDS
    # filled in by the server on the way out:
    server_time: datetime | None = None
    redacted: StrictBool = False
    late_handover: StrictBool = False  # arrived after the household moved to another worker


class HouseholdEdit(Strict):
    """One field of one household changed on a device, based on a known field version."""

    id: str = Field(min_length=32, max_length=36)
    household_id: str
    field: str
    value: Any
    base_version: StrictInt = Field(ge=0)
    created_by: str
    device_id: str
    device_time: datetime


class Revoke(Strict):
    household_id: str
    programme: Programme
    moved_to: str | None = None
    moved_at: datetime
    reason: str | None = None


class Tombstone(Strict):
    entity: Literal["household", "event"]
    id: str


class Conflict(Strict):
    id: str
    household_id: str
    field: str
    base_version: StrictInt
    mine: Any
    mine_by: str
    mine_at: datetime
    theirs: Any
    theirs_by: str | None = None
    theirs_at: datetime | None = None
    status: Literal["open", "resolved"] = "open"
    resolved_value: Any = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None


# --------------------------------------------------------------------------- requests


class LoginRequest(Strict):
    protocol: StrictInt
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    device_id: str = Field(min_length=8, max_length=64)
    device_name: str = Field(default="", max_length=128)


class UserInfo(Strict):
    username: str
    display_name: str
    role: Role
    district_code: str
    dong_codes: list[str] = Field(default_factory=list)


class LoginResponse(Strict):
    token: str
    user: UserInfo
    device_id: str
    #: The device's database key (base64, 32 bytes), released only after a good login.
    db_key: str
    epoch: str
    server_time: datetime


class EventItem(Strict):
    kind: Literal["event"] = "event"
    event: Event


class HouseholdEditItem(Strict):
    kind: Literal["household_edit"] = "household_edit"
    edit: HouseholdEdit


PushItem = Annotated[EventItem | HouseholdEditItem, Field(discriminator="kind")]


class PushRequest(Strict):
    protocol: StrictInt
    idempotency_key: str = Field(min_length=16, max_length=64)
    items: list[PushItem] = Field(max_length=MAX_PUSH_ITEMS)


class ItemResult(Strict):
    id: str
    status: ItemStatus
    reason: str | None = None
    conflict_id: str | None = None


class PushResponse(Strict):
    results: list[ItemResult]
    server_time: datetime


class Change(Strict):
    seq: StrictInt
    kind: ChangeKind
    household_id: str | None = None
    data: dict[str, Any]


class PullResponse(Strict):
    epoch: str
    cursor: str  # "<epoch>:<seq>": pass back unchanged as ?cursor=
    has_more: StrictBool
    changes: list[Change]
    server_time: datetime


class ErrorBody(BaseModel):
    """Body of every 4xx/5xx answer. ``code`` is for programs, ``detail`` for people."""

    detail: str
    code: str
    wipe: bool = False  # the device must delete its local data (revoked, lost, deactivated)
    field: str | None = None


# Error codes (ErrorBody.code)
ERR_PROTOCOL = "protocol_unsupported"  # 426
ERR_RESYNC = "resync_required"  # 409: cursor from another epoch or ahead of the server
ERR_AUTH = "auth_failed"  # 401
ERR_LOCKED = "account_locked"  # 429 / 403 lock-out
ERR_REVOKED = "device_revoked"  # 401 with wipe=True
ERR_FORBIDDEN = "forbidden"  # 403
ERR_NOT_FOUND = "not_found"  # 404
ERR_TOO_LARGE = "too_large"  # 413
ERR_INVALID = "invalid"  # 422
ERR_IDEMPOTENCY = "idempotency_mismatch"  # 422: same key, different body
ERR_UNAVAILABLE = "unavailable"  # 503 (with Retry-After): the database cannot be reached now


def make_cursor(epoch: str, seq: int) -> str:
    """Return the opaque cursor string for *epoch* and *seq*."""
    return f"{epoch}:{seq}"


def parse_cursor(cursor: str | None) -> tuple[str | None, int]:
    """Split a cursor into (epoch, seq); an empty cursor is (None, 0).

    Raises ValueError with a readable message for a malformed cursor.
    """
    if not cursor:
        return None, 0
    epoch, sep, seq = cursor.rpartition(":")
    if not sep or not epoch or not (seq.isascii() and seq.isdigit()):
        raise ValueError(
            f"malformed cursor {cursor!r}: expected '<epoch>:<seq>' with <seq> in ASCII "
            "digits 0-9; pass back the cursor of the last page unchanged, or none to pull "
            "from the start"
        )
    return epoch, int(seq)
