"""Local domain operations on a :class:`~fieldapp.store.Store`.

Households arrive from the server as wire dicts (``sync.protocol.Household`` in JSON form)
and are kept with this device's unanswered field edits applied on top. Events are
append-only: a correction is a new event of the same type whose ``amends`` names the event it
corrects, a void is a ``void`` event naming the one it cancels; nothing is updated in place.
Every write validates first and returns what it wrote or what changed, so views refresh only
what they show.

All functions expect to be called from the thread that owns the store.
"""

from __future__ import annotations

import contextlib
import gc
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

from fieldapp import hangul
from fieldapp.amendments import annotate
from fieldapp.amendments import resolve_amendments as resolve_amendments  # re-exported
from fieldapp.clock import clock_is_off
from fieldapp.errors import FieldProblem, ValidationError

# The households table lives in fieldapp.household_rows; HOUSEHOLD_JSON_COLUMNS,
# settle_household_edits and upsert_households are re-exported from here.
from fieldapp.household_rows import (  # noqa: F401
    HOUSEHOLD_FIELDS,
    HOUSEHOLD_JSON_COLUMNS,
    JSON_DEFAULTS,
    UNSETTLED,
    Changed,
    compact_json,
    decode_household,
    loads,
    problem,
    search_text_for,
    settle_household_edits,
    upsert_households,
)
from fieldapp.phone import normalize_phone
from fieldapp.schema import ACCEPTED, PENDING, SENT, SYNC_STATES
from fieldapp.store import Store

_EVENT_BOOLS = ("skew_flag", "redacted", "late_handover")
#: Event types that cannot be corrected or voided (they are records of the app itself).
_NOT_AMENDABLE = frozenset({"void", "access_log"})
ACCESS_ACTIONS = ("view", "edit", "print", "export")


# ---------------------------------------------------------------------- basics


def new_id() -> str:
    """A new record id (UUID 4, as text), made where the record is made."""
    return str(uuid.uuid4())


def utc_now() -> str:
    """The device's current time, ISO 8601 with offset (data, never order)."""
    from fieldapp.programme_time import current_time  # the one clock (tests replay a day)

    return current_time().astimezone(UTC).isoformat()


def answering_referral(
    record: Mapping[str, Any],
    *,
    done: str,
    reason: str,
    note: str = "",
    user: str,
    device_id: str,
    device_time: str | None = None,
    urgency: str = "immediate",
) -> dict[str, Any]:
    """The done referral that answers *record* (an immediate action, or an open referral): it
    names the record in ``closes`` (the only thing that closes it). *done*: what was done (the
    ticked steps); *reason*: what it answers; *note*: the worker's memo. Same household and
    programme as *record*; *device_time* defaults to now."""
    return {
        "id": new_id(),
        "type": "referral",
        "household_id": record["household_id"],
        "programme": record.get("programme"),
        "created_by": user,
        "device_id": device_id,
        "device_time": device_time or utc_now(),
        "payload": {
            "target": (done or note)[:200],
            "reason": reason + (f" / 조치 메모: {note}" if note else ""),
            "urgency": urgency,
            "status": "done",
            "closes": record["id"],
        },
        "amends": None,
    }


def _time_text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


# ---------------------------------------------------------------------- households


def get_household(store: Store, household_id: str) -> dict[str, Any] | None:
    """The household as shown here (server state + local edits), wire-shaped, or None."""
    with store.reading() as db:
        rows = list(db.query("SELECT * FROM households WHERE id = ?", [household_id]))
    return decode_household(rows[0]) if rows else None


_SELECT_FIELDS = f"SELECT {', '.join(HOUSEHOLD_FIELDS)} FROM households"
_DECODERS = tuple(
    (col, 1 if col in JSON_DEFAULTS else 2 if col == "alert_active" else 0)
    for col in HOUSEHOLD_FIELDS
)


def _decode_tuple(row: tuple[Any, ...]) -> dict[str, Any]:
    """A ``_SELECT_FIELDS`` row as a wire dict (the fast path for long lists)."""
    out: dict[str, Any] = {}
    for (col, kind), v in zip(_DECODERS, row, strict=True):
        if kind == 1:
            out[col] = loads(v) if v is not None else None
        elif kind == 2:
            out[col] = bool(v)
        else:
            out[col] = v
    return out


def _select_households(store: Store, where: str, params: list[Any]) -> list[dict[str, Any]]:
    with store.reading():
        cur = store.conn.execute(
            f"{_SELECT_FIELDS} WHERE {where} ORDER BY dong_code, address_road, address_detail, id",
            params,
        )
        return [_decode_tuple(r) for r in cur]


def list_households(store: Store) -> list[dict[str, Any]]:
    """Every household in scope, wire-shaped, ordered by dong and address."""
    return _select_households(store, "1", [])


def search_households(store: Store, text: str) -> list[dict[str, Any]]:
    """Households whose search text holds every word of *text* (phone dashes ignored). A
    word with a bare initial consonant is a 초성 search, as the household table's filter
    (:func:`fieldapp.hangul.matches`): ``ㅂㅈ`` and ``박ㅈ`` find 박점순."""
    words = [w.lower() for w in text.split()]
    words = [w.replace("-", "") if w.replace("-", "").isdigit() else w for w in words]

    def pattern(word: str) -> str:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        # A bare initial stands for any one character in SQL; hangul.matches then decides.
        return "%" + "".join("_" if c in hangul.INITIALS else c for c in escaped) + "%"

    where = " AND ".join("search_text LIKE ? ESCAPE '\\'" for _ in words) or "1"
    found = _select_households(store, where, [pattern(w) for w in words])
    by_initials = [w for w in words if hangul.has_initials(w)]
    if not by_initials:
        return found
    return [h for h in found if all(hangul.matches(w, search_text_for(h)) for w in by_initials)]


# ---------------------------------------------------------------------- household edits


def _normalize_edit_value(name: str, value: Any) -> Any:
    """Clean what a form typed (phones to E.164, blank text to None) before checking it."""
    if isinstance(value, str):
        value = value.strip() or None
    if name == "phone" and value is not None:
        try:
            return normalize_phone(value)
        except ValueError as err:
            raise problem("phone", str(err), "전화번호 형식이 올바르지 않습니다.") from err
    if name == "emergency_contacts" and isinstance(value, list):
        contacts = []
        for i, contact in enumerate(value):
            contact = dict(contact) if isinstance(contact, Mapping) else contact
            if isinstance(contact, dict) and contact.get("phone"):
                try:
                    contact["phone"] = normalize_phone(contact["phone"])
                except ValueError as err:
                    raise problem(
                        f"emergency_contacts[{i}].phone",
                        str(err),
                        "비상연락처 전화번호 형식이 올바르지 않습니다.",
                    ) from err
            contacts.append(contact)
        return contacts
    return value


def _checked_value(household: dict[str, Any], name: str, value: Any) -> Any:
    """Check *value* against the wire type of the field; return its JSON form."""
    from pydantic import ValidationError as PydanticError

    from fieldapp.household_shape import Household

    try:
        model = Household.model_validate({**household, name: value})
    except PydanticError as err:
        problems = [
            FieldProblem(
                ".".join(str(p) for p in e["loc"]) or name,
                e["msg"],
                "입력값을 확인해 주십시오.",
            )
            for e in err.errors()
        ]
        raise ValidationError(problems) from None
    return model.model_dump(mode="json")[name]


def edit_household_field(
    store: Store,
    household_id: str,
    field_name: str,
    value: Any,
    *,
    user: str,
    device_id: str,
    device_time: str | None = None,
    role: str | None = None,
) -> dict[str, Any] | None:
    """Change one editable field here and queue the change for the server.

    Records a ``household_edits`` row based on the field's current server version and shows
    the new value at once. Returns the edit (wire-shaped) or None when the value is the same
    as the one shown (nothing recorded). With *role* (the signed-in worker's), the field must
    be one that role may edit, as the server checks
    (:func:`fieldapp.validation.household_edit_problem`).
    """
    from fieldapp.validation import household_edit_problem
    from fieldapp.vocabulary import EDITABLE_HOUSEHOLD_FIELDS

    if field_name not in EDITABLE_HOUSEHOLD_FIELDS:
        raise problem(
            field_name,
            f"{field_name!r} cannot be edited on a device; editable fields are "
            + ", ".join(EDITABLE_HOUSEHOLD_FIELDS),
            "이 항목은 현장에서 수정할 수 없습니다.",
        )
    if role is not None and (refused := household_edit_problem(role, field_name)):
        raise ValidationError([refused])
    value = _normalize_edit_value(field_name, value)
    with store.atomic() as db:
        rows = list(db.query("SELECT * FROM households WHERE id = ?", [household_id]))
        if not rows:
            raise problem(
                "household_id",
                f"household {household_id} is not on this device",
                "이 기기에 없는 가구입니다.",
            )
        current = decode_household(rows[0])
        value = _checked_value(current, field_name, value)
        if current[field_name] == value:
            return None
        server_values = json.loads(rows[0]["server_values"] or "{}")
        server_values.setdefault(field_name, current[field_name])
        edit = {
            "id": new_id(),
            "household_id": household_id,
            "field": field_name,
            "value": value,
            "base_version": int(current["field_versions"].get(field_name, 0)),
            "created_by": user,
            "device_id": device_id,
            "device_time": device_time or utc_now(),
        }
        order = db.execute(
            "SELECT coalesce(max(local_order), 0) + 1 FROM household_edits"
        ).fetchone()[0]
        db.execute(
            "INSERT INTO household_edits (id, household_id, field, value, base_version, "
            "created_by, device_id, device_time, sync_state, local_order) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                edit["id"],
                household_id,
                field_name,
                compact_json(value),
                edit["base_version"],
                user,
                device_id,
                edit["device_time"],
                PENDING,
                order,
            ],
        )
        current[field_name] = value
        encoded = (
            compact_json(value) if field_name in JSON_DEFAULTS and value is not None else value
        )
        db.execute(
            f"UPDATE households SET {field_name} = ?, search_text = ?, server_values = ? "
            "WHERE id = ?",
            [encoded, search_text_for(current), compact_json(server_values), household_id],
        )
    return edit


def pending_edits(store: Store, household_id: str) -> list[dict[str, Any]]:
    """This device's edits of a household not yet answered, or refused, oldest first."""
    with store.reading() as db:
        rows = db.query(
            "SELECT * FROM household_edits WHERE household_id = ? AND sync_state != ? "
            "ORDER BY local_order",
            [household_id, ACCEPTED],
        )
        out = []
        for r in rows:
            d = dict(r)
            d["value"] = json.loads(r["value"]) if r["value"] is not None else None
            out.append(d)
        return out


# ---------------------------------------------------------------------- events


def _decode_event(row: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["payload"] = json.loads(row["payload"]) if row["payload"] is not None else None
    for name in _EVENT_BOOLS:
        out[name] = bool(row[name])
    return out


def get_event(store: Store, event_id: str) -> dict[str, Any] | None:
    """One event with its local sync state, or None."""
    with store.reading() as db:
        rows = list(db.query("SELECT * FROM events WHERE id = ?", [event_id]))
    return _decode_event(rows[0]) if rows else None


def _programme_of(db: Any, target: Mapping[str, Any], role: str, user: str) -> str | None:
    """The programme *target* was written in: its own, else its author's (this user's role's,
    or the programme the household's assignments say its author held); None when unknown."""
    from fieldapp.validation import own_programme

    if target["programme"]:
        return str(target["programme"])
    author = target["created_by"]
    if author == user:
        own = own_programme(role)
        return own.value if own else None
    rows = list(db.query("SELECT * FROM households WHERE id = ?", [target["household_id"]]))
    if not rows:
        return None
    household = decode_household(rows[0])
    held = [prog for prog, who in (household.get("assignments") or {}).items() if who == author]
    held += [
        h.get("programme")
        for h in household.get("assignment_history") or []
        if h.get("username") == author
    ]
    return str(held[0]) if held and held[0] else None


def _check_amends(db: Any, event: Mapping[str, Any], role: str | None = None) -> None:
    """Refuse an amendment of an event that is unknown, of another kind, or already void;
    with *role*, also one of another programme's record, as the server does
    (:func:`fieldapp.validation.amendment_problem`)."""
    target_id = event.get("amends")
    if not target_id:
        if event["type"] == "void":
            raise problem(
                "amends", "a void must name the event it cancels", "취소할 기록이 없습니다."
            )
        return
    rows = list(db.query("SELECT * FROM events WHERE id = ?", [target_id]))
    if not rows:
        raise problem(
            "amends",
            f"event {target_id} is not on this device, so it cannot be corrected or voided",
            "수정하거나 취소할 원래 기록을 찾을 수 없습니다.",
        )
    target = rows[0]
    if target["type"] in _NOT_AMENDABLE:
        raise problem(
            "amends",
            f"a {target['type']} event cannot be corrected or voided",
            "이 기록은 수정하거나 취소할 수 없습니다.",
        )
    if target["household_id"] != event["household_id"]:
        raise problem(
            "household_id",
            "a correction or void must belong to the same household as the original",
            "원래 기록과 같은 가구여야 합니다.",
        )
    if event["type"] != "void" and event["type"] != target["type"]:
        raise problem(
            "type",
            f"a correction of a {target['type']} event must also be a {target['type']} event",
            "수정 기록은 원래 기록과 같은 종류여야 합니다.",
        )
    programme = None if role is None else _programme_of(db, target, role, event["created_by"])
    if programme is not None:  # unknown: the server decides
        from fieldapp.validation import amendment_problem

        facts = {"household_id": target["household_id"], "type": target["type"]}
        refused = amendment_problem(str(role), event, {**facts, "programme": programme})
        if refused is not None:
            raise ValidationError([refused])
    voided = list(db.query("SELECT id FROM events WHERE type = 'void' AND amends = ?", [target_id]))
    if voided:
        raise problem(
            "amends",
            f"event {target_id} was already voided; it cannot be corrected or voided again",
            "이미 취소된 기록입니다.",
        )


def check_amendment(store: Store, event: Mapping[str, Any], *, role: str | None = None) -> None:
    """Raise :class:`~fieldapp.errors.ValidationError` when *event* (validated) may not amend
    the record it names, as :func:`append_event` would; nothing is written."""
    with store.reading() as db:
        _check_amends(db, event, role)


def append_event(
    store: Store, event: Mapping[str, Any], *, role: str | None = None
) -> dict[str, Any]:
    """Validate *event*, store it as ``pending`` and return it as stored.

    *event* has the wire fields of ``sync.protocol.Event``; ``id`` and ``device_time`` are
    filled in when missing. The payload's ``result`` is computed by
    :func:`fieldapp.validation.validate_event`, never taken from the caller. With *role* (the
    signed-in worker's), the record must be one that role may write, and a correction or void
    one of a record of its own programme, as the server checks. Raises
    :class:`~fieldapp.errors.ValidationError` naming each bad field; nothing is written then.
    """
    from fieldapp.validation import validate_event

    draft = dict(event)
    draft.setdefault("id", new_id())
    draft.setdefault("device_time", utc_now())
    draft.setdefault("amends", None)
    for server_field in ("sync_state", "reject_reason", "local_order", "server_time"):
        draft.pop(server_field, None)
    ev = validate_event(draft, role=role)
    with store.atomic() as db:
        if not list(db.query("SELECT 1 FROM households WHERE id = ?", [ev["household_id"]])):
            raise problem(
                "household_id",
                f"household {ev['household_id']} is not on this device",
                "이 기기에 없는 가구입니다.",
            )
        if list(db.query("SELECT 1 FROM events WHERE id = ?", [ev["id"]])):
            raise problem(
                "id",
                f"an event with id {ev['id']} already exists; events are never changed, "
                "record a correction instead",
                "이미 저장된 기록입니다.",
            )
        _check_amends(db, ev, role)
        order = db.execute("SELECT coalesce(max(local_order), 0) + 1 FROM events").fetchone()[0]
        skew = bool(ev.get("skew_flag")) or clock_is_off(store)
        db.execute(
            "INSERT INTO events (id, type, household_id, programme, created_by, device_id, "
            "device_time, payload, amends, skew_flag, sync_state, local_order) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                ev["id"],
                str(ev["type"]),
                ev["household_id"],
                None if ev.get("programme") is None else str(ev["programme"]),
                ev["created_by"],
                ev["device_id"],
                _time_text(ev["device_time"]),
                compact_json(ev["payload"]),
                ev.get("amends"),
                int(skew),
                PENDING,
                order,
            ],
        )
        rows = list(db.query("SELECT * FROM events WHERE id = ?", [ev["id"]]))
    return _decode_event(rows[0])


def save_form_record(
    store: Store,
    event: Mapping[str, Any],
    answers: Iterable[Mapping[str, Any]] = (),
    *,
    draft_id: str | None = None,
    role: str | None = None,
) -> dict[str, Any]:
    """Save a filled-in form: its record, the records that answer it (``closes`` its id) and
    the removal of its draft, in one transaction; return the stored record.

    With *role* (the signed-in worker's), every record is checked as :func:`append_event`
    and the server check it: one the server would refuse is refused here and nothing is
    written.

    A form's draft has the id its record gets, so a second save of the same form finds the
    record: :class:`~fieldapp.errors.AlreadySavedError` then, with the (stale) draft removed
    and nothing written twice.
    """
    from fieldapp.errors import AlreadySavedError

    with store.atomic() as db:
        if list(db.query("SELECT 1 FROM events WHERE id = ?", [event["id"]])):
            if draft_id is not None:
                db.execute("DELETE FROM drafts WHERE id = ?", [draft_id])
            already = True
        else:
            already = False
            stored = append_event(store, event, role=role)
            for answer in answers:
                append_event(store, answer, role=role)
            if draft_id is not None:
                db.execute("DELETE FROM drafts WHERE id = ?", [draft_id])
    if already:
        raise AlreadySavedError(str(event["id"]))
    return stored


def _original(store: Store, event_id: str) -> dict[str, Any]:
    original = get_event(store, event_id)
    if original is None:
        raise problem(
            "amends",
            f"event {event_id} is not on this device, so it cannot be corrected or voided",
            "수정하거나 취소할 원래 기록을 찾을 수 없습니다.",
        )
    return original


def _append_amendment(
    store: Store,
    original: Mapping[str, Any],
    event_type: str,
    payload: dict[str, Any],
    *,
    user: str,
    device_id: str,
    device_time: str | None,
) -> dict[str, Any]:
    """Append an event of *event_type* that amends *original* (same household and programme)."""
    return append_event(
        store,
        {
            "type": event_type,
            "household_id": original["household_id"],
            "programme": original["programme"],
            "created_by": user,
            "device_id": device_id,
            "device_time": device_time or utc_now(),
            "payload": payload,
            "amends": original["id"],
        },
    )


def correct_event(
    store: Store,
    original_id: str,
    new_payload: Mapping[str, Any],
    *,
    user: str,
    device_id: str,
    device_time: str | None = None,
) -> dict[str, Any]:
    """Record a correction: a new event of the same type whose ``amends`` is *original_id*."""
    original = _original(store, original_id)
    return _append_amendment(
        store,
        original,
        original["type"],
        dict(new_payload),
        user=user,
        device_id=device_id,
        device_time=device_time,
    )


def void_event(
    store: Store,
    original_id: str,
    reason: str,
    *,
    user: str,
    device_id: str,
    device_time: str | None = None,
) -> dict[str, Any]:
    """Cancel an event: a new ``void`` event with the *reason*, pointing at *original_id*."""
    original = _original(store, original_id)
    return _append_amendment(
        store,
        original,
        "void",
        {"reason": reason},
        user=user,
        device_id=device_id,
        device_time=device_time,
    )


#: Every byte to a space but ASCII digits (to "0"): a run of 19 zeros after translating
#: marks an integer orjson would read as a float (it keeps 64 bits, the stdlib all).
_DIGIT_MASK = bytes(48 if 48 <= i <= 57 else 32 for i in range(256))
_LONG_NUMBER = b"0" * 19
_BOOL_COLUMNS = frozenset(_EVENT_BOOLS)
#: What :func:`fieldapp.amendments.annotate` adds to each event, in this order.
_ANNOTATIONS = ("voided_by", "superseded_by", "effective", "original_id", "original_device_time")


def _load_payload(text: str | bytes) -> Any:
    """Stored payload JSON, exactly as ``json.loads`` reads it (orjson where that is the same).

    orjson is about three times as fast; the stdlib reads what orjson refuses (NaN, Infinity,
    lone surrogates, out-of-range floats) or reads differently (integers beyond 64 bits; the
    digit check costs less than a regular expression over non-ASCII text).
    """
    data = text.encode() if isinstance(text, str) else text
    if _LONG_NUMBER in data.translate(_DIGIT_MASK):
        return json.loads(text)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _household_timeline(
    store: Store, household_id: str
) -> tuple[list[dict[str, Any]], dict[str, datetime]]:
    """The household's events decoded (as :func:`_decode_event`) and annotated (as
    :func:`resolve_amendments`), in the order the database returns them, and each event's
    device time by id. The dicts are built once (no copies) and each time parsed once: the
    texts are not uniformly formatted (offsets differ, fractions of seconds and offsets may
    be missing), so order needs the parsed instants, not the text."""
    with store.reading():
        cur = store.conn.execute("SELECT * FROM events WHERE household_id = ?", (household_id,))
        names = tuple(d[0] for d in cur.description)
        rows = cur.fetchall()
    at = names.index
    i_id, i_type, i_time, i_amends, i_payload = (
        at("id"),
        at("type"),
        at("device_time"),
        at("amends"),
        at("payload"),
    )
    bools = [i for i, name in enumerate(names) if name in _BOOL_COLUMNS]
    keys = (*names, *_ANNOTATIONS)
    evs: dict[str, dict[str, Any]] = {}
    when: dict[str, datetime] = {}
    fromisoformat = datetime.fromisoformat
    linked = False
    for row in rows:
        values = list(row)
        if values[i_payload] is not None:
            values[i_payload] = _load_payload(values[i_payload])
        for i in bools:
            values[i] = bool(values[i])
        eid, device_time = values[i_id], values[i_time]
        # the annotations of an event nothing corrects or voids (see amendments.annotate)
        values += (None, None, values[i_type] != "void", eid, device_time)
        linked = linked or bool(values[i_amends])
        evs[eid] = dict(zip(keys, values, strict=True))
        moment = fromisoformat(device_time)
        when[eid] = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if linked:
        annotate(evs, when.__getitem__)
    return list(evs.values()), when


def household_events(store: Store, household_id: str) -> list[dict[str, Any]]:
    """The household's whole timeline, newest first, each event with its sync state and
    ``voided_by`` / ``superseded_by`` / ``effective`` (see :func:`resolve_amendments`)."""
    events, when = _household_timeline(store, household_id)
    return sorted(
        events, key=lambda e: (when[e["id"]], int(e.get("local_order") or 0)), reverse=True
    )


def effective_events(
    store: Store, household_id: str, *, types: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """The events that count, newest first by ``original_device_time``: corrections in place
    of what they correct, voided events and voids left out. Optionally only *types*.

    Ties keep the :func:`household_events` order (newest device time, then local order):
    one sort on both keys gives what sorting by one and then the other gave.
    """
    wanted = set(types) if types is not None else None
    events, when = _household_timeline(store, household_id)
    out = [e for e in events if e["effective"] and (wanted is None or e["type"] in wanted)]
    out.sort(
        key=lambda e: (
            when[e["original_id"]],  # the time of original_device_time
            e["local_order"],
            when[e["id"]],
            int(e.get("local_order") or 0),
        ),
        reverse=True,
    )
    return out


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a burst of allocation.

    Reading many households' events creates hundreds of thousands of dicts that all stay
    alive; each automatic collection on the way walks every one of them again, which makes
    the read grow faster than linearly (``bench --only scale``). Nothing is freed late that
    reference counting frees anyway; cycles wait until the block ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def effective_events_by_household(
    store: Store, household_ids: Iterable[str]
) -> dict[str, list[dict[str, Any]]]:
    """:func:`effective_events` of each of *household_ids* (the worklist's read), with the
    garbage collector paused while they are built (:func:`gc_paused`)."""
    with gc_paused():
        return {hid: effective_events(store, hid) for hid in household_ids}


def log_access(
    store: Store,
    household_id: str,
    action: str,
    *,
    user: str,
    device_id: str,
    reason: str | None = None,
) -> dict[str, Any]:
    """Append an access-log event: *user* on *device_id* did *action* to the household's record."""
    if action not in ACCESS_ACTIONS:
        raise problem(
            "action",
            f"access action {action!r} is not one of {', '.join(ACCESS_ACTIONS)}",
        )
    payload: dict[str, Any] = {"action": action}
    if reason is not None:
        payload["reason"] = reason
    return append_event(
        store,
        {
            "type": "access_log",
            "household_id": household_id,
            "created_by": user,
            "device_id": device_id,
            "payload": payload,
        },
    )


# ---------------------------------------------------------------------- drafts


def save_draft(
    store: Store,
    draft_id: str,
    form: str,
    household_id: str | None,
    data: Mapping[str, Any],
) -> Changed:
    """Keep a form's unsaved contents (replacing the previous copy of the same draft)."""
    with store.atomic() as db:
        db.execute(
            "INSERT INTO drafts (id, household_id, form, data, updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET household_id = excluded.household_id, "
            "form = excluded.form, data = excluded.data, updated_at = excluded.updated_at",
            [draft_id, household_id, form, compact_json(dict(data)), utc_now()],
        )
    return Changed(drafts={draft_id})


def _decode_draft(row: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["data"] = json.loads(row["data"])
    return out


def load_draft(store: Store, draft_id: str) -> dict[str, Any] | None:
    """A draft as ``{id, household_id, form, data, updated_at}``, or None."""
    with store.reading() as db:
        rows = list(db.query("SELECT * FROM drafts WHERE id = ?", [draft_id]))
    return _decode_draft(rows[0]) if rows else None


def delete_draft(store: Store, draft_id: str) -> Changed:
    """Forget a draft (after its record was saved, or the worker discarded it)."""
    with store.atomic() as db:
        cur = db.execute("DELETE FROM drafts WHERE id = ?", [draft_id])
    return Changed(drafts={draft_id} if cur.rowcount else set())


def list_drafts(store: Store, household_id: str | None = None) -> list[dict[str, Any]]:
    """Drafts, newest first; only one household's when *household_id* is given."""
    sql = "SELECT * FROM drafts"
    params: list[Any] = []
    if household_id is not None:
        sql += " WHERE household_id = ?"
        params.append(household_id)
    with store.reading() as db:
        return [_decode_draft(r) for r in db.query(sql + " ORDER BY updated_at DESC", params)]


# ---------------------------------------------------------------------- people and places


def save_user(store: Store, user: Mapping[str, Any]) -> None:
    """Remember a user as the server described them (``sync.protocol.UserInfo`` shape)."""
    with store.atomic() as db:
        db.execute(
            "INSERT INTO users (username, display_name, role, district_code) VALUES "
            "(?, ?, ?, ?) ON CONFLICT(username) DO UPDATE SET display_name = "
            "excluded.display_name, role = excluded.role, district_code = excluded.district_code",
            [user["username"], user["display_name"], str(user["role"]), user.get("district_code")],
        )


def get_user(store: Store, username: str) -> dict[str, Any] | None:
    """A user known on this device, or None."""
    with store.reading() as db:
        rows = list(db.query("SELECT * FROM users WHERE username = ?", [username]))
    return rows[0] if rows else None


def save_districts(store: Store, districts: Iterable[Any]) -> int:
    """Store 자치구 and their 행정동 (``fieldapp.districts.District`` objects); returns
    how many dongs were written."""
    count = 0
    with store.atomic() as db:
        for d in districts:
            db.execute(
                "INSERT INTO districts (code, name, code_system) VALUES (?, ?, ?) "
                "ON CONFLICT(code) DO UPDATE SET name = excluded.name, "
                "code_system = excluded.code_system",
                [d.code, d.name, d.code_system],
            )
            for dong in d.dongs:
                db.execute(
                    "INSERT INTO dongs (code, district_code, name) VALUES (?, ?, ?) "
                    "ON CONFLICT(code) DO UPDATE SET district_code = excluded.district_code, "
                    "name = excluded.name",
                    [dong.code, d.code, dong.name],
                )
                count += 1
    return count


def dong_names(store: Store, district_code: str | None = None) -> dict[str, str]:
    """행정동 code -> name, for one district or all stored ones."""
    sql, params = "SELECT code, name FROM dongs", []
    if district_code is not None:
        sql, params = sql + " WHERE district_code = ?", [district_code]
    with store.reading() as db:
        return {r["code"]: r["name"] for r in db.query(sql, params)}


# ---------------------------------------------------------------------- counts


def pending_counts(store: Store) -> dict[str, Any]:
    """Counts for the status bar: events and edits by sync state, and the device time of the
    oldest record not yet accepted or refused (``None`` when everything is settled)."""
    with store.reading() as db:
        out: dict[str, Any] = {}
        for table, key in (("events", "events"), ("household_edits", "edits")):
            counts = dict.fromkeys(SYNC_STATES, 0)
            for r in db.query(f"SELECT sync_state, count(*) AS n FROM {table} GROUP BY 1"):
                counts[r["sync_state"]] = r["n"]
            out[key] = counts
        oldest = next(
            db.query(
                "SELECT min(t) AS t FROM (SELECT min(device_time) AS t FROM events "
                "WHERE sync_state IN (?, ?) UNION ALL SELECT min(device_time) FROM "
                "household_edits WHERE sync_state IN (?, ?))",
                [*UNSETTLED, *UNSETTLED],
            )
        )["t"]
    out["unsent"] = sum(out[k][PENDING] + out[k][SENT] for k in ("events", "edits"))
    out["oldest_pending_device_time"] = oldest
    return out
