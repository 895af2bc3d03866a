"""The worker's Today read from the local store: the household-state rule
(:mod:`fieldapp.household_state`) over the laptop's households, records and drafts.

One reading for the Today screen (``ui/today.py``) and ``fieldapp-sync worklist``, so the two
cannot differ.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from fieldapp import household_state, records
from fieldapp.household_state import HouseholdState, WorkItem
from fieldapp.store import Store
from fieldapp.vocabulary import ROLE_PROGRAMME, Role


def role_programme(role: str | None) -> str | None:
    """The programme a role works in (None for supervisors and admins: every programme)."""
    try:
        prog = ROLE_PROGRAMME.get(Role(role)) if role else None
    except ValueError:
        return None
    return prog.value if prog is not None else None


def read_worklist(
    store: Store, programme: str | None, today: date, only: Collection[str] | None = None
) -> tuple[list[WorkItem], dict[str, HouseholdState], dict[str, dict[str, Any]]]:
    """Today's rows, each household's state and the households read (by id).

    *programme* None: every programme each household is assigned in. *only*: just these
    households (a save touched them).
    """
    if only is None:
        households = records.list_households(store)
    else:
        found = (records.get_household(store, hid) for hid in sorted(only))
        households = [h for h in found if h is not None]
    mine = [
        h
        for h in households
        if (programme and (h.get("assignments") or {}).get(programme))
        or (not programme and household_state.assigned_programmes(h))
    ]
    events = records.effective_events_by_household(store, [h["id"] for h in mine])
    drafts: dict[str, list[dict[str, Any]]] = {}
    wanted = {h["id"] for h in mine}
    for d in records.list_drafts(store):
        if d.get("household_id") in wanted:
            drafts.setdefault(d["household_id"], []).append(d)
    states: dict[str, HouseholdState] = {}
    items = household_state.worklist(
        mine, events, programme, today, drafts_by_household=drafts, states_out=states
    )
    return items, states, {h["id"]: h for h in mine}
