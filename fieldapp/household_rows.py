"""The households table of the laptop's store: rows as the server sent them with this device's
unanswered edits on top, their search text, and settling edits once answered.

Below both :mod:`fieldapp.records` (which re-exports the public names) and
:mod:`fieldapp.syncstate` (which writes pulled households here), so neither imports the other.
"""

from __future__ import annotations

import contextlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fieldapp.errors import FieldProblem, ValidationError
from fieldapp.phone import format_phone
from fieldapp.schema import PENDING, REJECTED, SENT
from fieldapp.store import Store

#: Household columns holding JSON (lists / objects); the rest are scalars.
HOUSEHOLD_JSON_COLUMNS = (
    "emergency_contacts",
    "consent_general",
    "consent_health",
    "persons",
    "assignments",
    "assignment_history",
    "field_versions",
)
JSON_DEFAULTS: dict[str, Any] = {
    "emergency_contacts": [],
    "consent_general": None,
    "consent_health": None,
    "persons": [],
    "assignments": {},
    "assignment_history": [],
    "field_versions": {},
}
_REQUIRED = ("id", "district_code", "dong_code", "household_type", "address_road")
#: Household fields as they travel on the wire, in column order.
HOUSEHOLD_FIELDS = (
    "id",
    "district_code",
    "dong_code",
    "household_type",
    "address_road",
    "address_detail",
    "phone",
    "risk_level",
    "care_group",
    "isolation_band",
    "notes",
    "emergency_contacts",
    "consent_general",
    "consent_health",
    "persons",
    "assignments",
    "assignment_history",
    "field_versions",
    "alert_active",
)
_HOUSEHOLD_COLUMNS = (*HOUSEHOLD_FIELDS, "search_text", "server_values")
UPSERT_SQL = (
    f"INSERT INTO households ({', '.join(_HOUSEHOLD_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_HOUSEHOLD_COLUMNS))}) ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _HOUSEHOLD_COLUMNS if c != "id")
)
UNSETTLED = (PENDING, SENT)
_UPSERT_CHUNK = 2000


@dataclass
class Changed:
    """What a domain operation changed, by kind, as sets of ids."""

    households: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    edits: set[str] = field(default_factory=set)
    drafts: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.households or self.events or self.edits or self.drafts)

    def __or__(self, other: Changed) -> Changed:
        return Changed(
            self.households | other.households,
            self.events | other.events,
            self.edits | other.edits,
            self.drafts | other.drafts,
        )


def problem(field_name: str, message: str, message_ko: str = "") -> ValidationError:
    return ValidationError([FieldProblem(field_name, message, message_ko)])


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
loads = json.JSONDecoder().decode


def compact_json(value: Any) -> str:
    """Compact JSON (one shared encoder: ``json.dumps`` with options builds one per call)."""
    if not value and isinstance(value, list | dict):
        return "[]" if isinstance(value, list) else "{}"
    return _ENCODER.encode(value)


def _phone_forms(e164: str | None) -> list[str]:
    """A phone number as people search for it: 010-1234-5678, 01012345678, 821012345678."""
    if not e164:
        return []
    digits = "".join(ch for ch in e164 if ch.isdigit())
    forms = [digits]
    if digits.startswith("82"):
        forms.append("0" + digits[2:])
    with contextlib.suppress(ValueError):
        forms.append(format_phone(e164))
    return forms


def search_text_for(household: Mapping[str, Any]) -> str:
    """The lower-case haystack the household list searches: names, address, phones, dong."""
    parts: list[str] = [p.get("name") or "" for p in household.get("persons") or []]
    parts += [
        household.get("address_road") or "",
        household.get("address_detail") or "",
        household.get("dong_code") or "",
    ]
    parts += _phone_forms(household.get("phone"))
    for person in household.get("persons") or []:
        parts += _phone_forms(person.get("phone"))
    return " ".join(p for p in parts if p).lower()


def _unsettled_edits(store: Store) -> dict[str, list[tuple[str, Any]]]:
    """household id -> [(field, value)] of edits not yet answered, oldest first."""
    out: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    rows = store.db.query(
        "SELECT household_id, field, value FROM household_edits "
        "WHERE sync_state IN (?, ?) ORDER BY local_order",
        list(UNSETTLED),
    )
    for r in rows:
        value = json.loads(r["value"]) if r["value"] is not None else None
        out[r["household_id"]].append((r["field"], value))
    return out


def _household_row(wire: Mapping[str, Any], edits: list[tuple[str, Any]]) -> tuple[Any, ...]:
    """The column values of *wire* with *edits* applied on top (server values kept aside)."""
    for col in _REQUIRED:
        if not wire.get(col):
            raise problem(col, f"household {wire.get('id')!r} from the server has no {col}")
    merged: Mapping[str, Any] = wire
    server_values: dict[str, Any] = {}
    if edits:
        merged = dict(wire)
        for name, value in edits:
            if name not in server_values:
                server_values[name] = merged.get(name, JSON_DEFAULTS.get(name))
            merged[name] = value
    get = merged.get
    values: list[Any] = []
    for col in HOUSEHOLD_FIELDS:
        if col in JSON_DEFAULTS:
            v = get(col, JSON_DEFAULTS[col])
            values.append(None if v is None else compact_json(v))
        elif col == "alert_active":
            values.append(1 if get(col) else 0)
        else:
            values.append(get(col))
    values.append(search_text_for(merged))
    values.append(compact_json(server_values))
    return tuple(values)


def upsert_households(store: Store, households: Iterable[Mapping[str, Any]]) -> Changed:
    """Store households as the server sent them, then this device's unanswered edits on top.

    *households* are wire dicts (``Household.model_dump(mode="json")``). Fast for large
    batches: one transaction, ``executemany`` in chunks. Returns the ids written.
    """
    changed = Changed()
    with store.atomic():
        edits = _unsettled_edits(store)
        chunk: list[tuple[Any, ...]] = []
        for wire in households:
            hid = wire.get("id")
            chunk.append(_household_row(wire, edits.get(hid, []) if hid else []))
            changed.households.add(str(hid))
            if len(chunk) >= _UPSERT_CHUNK:
                store.conn.executemany(UPSERT_SQL, chunk)
                chunk.clear()
        if chunk:
            store.conn.executemany(UPSERT_SQL, chunk)
    return changed


def decode_household(row: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col in HOUSEHOLD_FIELDS:
        v = row[col]
        if col in JSON_DEFAULTS:
            out[col] = loads(v) if v is not None else None
        elif col == "alert_active":
            out[col] = bool(v)
        else:
            out[col] = v
    return out


def settle_household_edits(store: Store, household_ids: Iterable[str] | None = None) -> Changed:
    """Show the server's value again where a local edit was refused or lost a conflict.

    Call after push results are applied. For each edited field with no edit still waiting
    for an answer: if its latest edit was accepted, the local value is the server's now;
    if it was rejected or turned into a conflict record, the server's value comes back.
    """
    changed = Changed()
    with store.atomic() as db:
        if household_ids is None:
            rows = list(db.query("SELECT * FROM households WHERE server_values != '{}'"))
        else:
            rows = []
            for hid in household_ids:
                rows += db.query(
                    "SELECT * FROM households WHERE id = ? AND server_values != '{}'", [hid]
                )
        for row in rows:
            server_values = json.loads(row["server_values"])
            household = decode_household(row)
            touched = False
            for name in list(server_values):
                edits = list(
                    db.query(
                        "SELECT sync_state, reject_reason FROM household_edits WHERE "
                        "household_id = ? AND field = ? ORDER BY local_order DESC",
                        [row["id"], name],
                    )
                )
                if any(e["sync_state"] in UNSETTLED for e in edits):
                    continue
                latest = edits[0] if edits else None
                lost = latest is None or latest["sync_state"] == REJECTED
                lost = lost or (latest["reject_reason"] or "").startswith("conflict")
                if lost:
                    household[name] = server_values[name]
                del server_values[name]
                touched = True
            if touched:
                values = list(_household_row(household, []))
                values[-1] = compact_json(server_values)
                store.conn.execute(UPSERT_SQL, values)
                changed.households.add(row["id"])
    return changed
