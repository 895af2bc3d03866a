"""Corrections and voids: which records count (pure; shared by the laptop's store, the
household-state rule and the server).

:func:`resolve_amendments` annotates events with ``voided_by``, ``superseded_by``,
``effective``, ``original_id`` and ``original_device_time``: a void cancels its target and
every correction built on it (a voided void cancels nothing); of two corrections of the same
event the later device time wins (ties by id), so every device resolves alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any


def _moment(value: Any) -> datetime:
    """A device time (ISO text or datetime) as an aware datetime (naive means UTC)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _when(event: Mapping[str, Any]) -> datetime:
    return _moment(event["device_time"])


def annotate(evs: dict[str, dict[str, Any]], moment_of: Callable[[str], datetime]) -> None:
    """Add the amendment fields of :func:`resolve_amendments` to *evs* (id -> event) in place.

    *moment_of* gives an event's device time by id (asked only for competing corrections).
    """
    voids: dict[str, list[str]] = defaultdict(list)
    children: dict[str, list[str]] = defaultdict(list)
    for e in evs.values():
        target = e.get("amends")
        if target and target in evs:
            (voids if e["type"] == "void" else children)[target].append(e["id"])
    if not voids and not children:  # nothing corrected or voided: every non-void counts
        for e in evs.values():
            e["voided_by"] = None
            e["superseded_by"] = None
            e["effective"] = e["type"] != "void"
            e["original_id"] = e["id"]
            e["original_device_time"] = e["device_time"]
        return

    memo: dict[str, str | None] = {}

    def voided_by(eid: str, depth: int = 0) -> str | None:
        # a void that is itself voided no longer cancels anything
        if eid not in memo:
            memo[eid] = None
            if depth < 64:
                for v in sorted(voids.get(eid, [])):
                    if voided_by(v, depth + 1) is None:
                        memo[eid] = v
                        break
        return memo[eid]

    for e in evs.values():
        e["voided_by"] = voided_by(e["id"])
        e["superseded_by"] = None
        e["effective"] = False
        e["original_id"] = e["id"]
        e["original_device_time"] = e["device_time"]

    def later(eid: str) -> tuple[datetime, str]:
        return moment_of(eid), eid

    roots = [
        e
        for e in evs.values()
        if e["type"] != "void" and not (e.get("amends") and e["amends"] in evs)
    ]
    for root in roots:
        current = root
        seen = {root["id"]}
        while True:
            alive = [c for c in children.get(current["id"], []) if evs[c]["voided_by"] is None]
            if current["voided_by"] is not None or not alive:
                break
            nxt = evs[max(alive, key=later)]
            if nxt["id"] in seen:  # a cycle can only come from damaged data
                break
            current["superseded_by"] = nxt["id"]
            seen.add(nxt["id"])
            current = nxt
        for eid in seen:
            evs[eid]["original_id"] = root["id"]
            evs[eid]["original_device_time"] = root["device_time"]
        if root["voided_by"] is None and current["voided_by"] is None:
            current["effective"] = True


def resolve_amendments(events: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Annotate events with how corrections and voids apply to them (pure function).

    Each returned event gets ``voided_by`` (the void that cancels it, or None),
    ``superseded_by`` (the correction that replaces it, or None), ``effective`` (shown as
    current), and ``original_id`` / ``original_device_time`` (the event a correction chain
    started from). A void cancels its target and every correction built on it; of two
    corrections of the same event the later device time wins (ties by id), so every device
    resolves alike. Void events themselves are never effective.
    """
    evs = {e["id"]: dict(e) for e in events}
    annotate(evs, lambda eid: _when(evs[eid]))
    return list(evs.values())
