"""``fieldapp-sync worklist``: the worker's Today from the laptop's records, headless.

The same reading as the Today screen (:func:`fieldapp.worklist.read_worklist`, the
household-state rule over the local households, records and drafts), on a date (Asia/Seoul;
default today). Each row: household id, code (why), urgency, due date and the record it comes
from.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from fieldapp.household_state import WorkItem, programme_today
from fieldapp.profile import unlock
from fieldapp.worklist import read_worklist, role_programme
from sync.cli_signals import iso_day


def worklist_rows(store: Any, role: str | None, on: Any) -> list[WorkItem]:
    """Today's rows for a worker of *role* on *on* (what the Today screen lists)."""
    rows, _states, _households = read_worklist(store, role_programme(role), on)
    return rows


def cmd_worklist(
    args: argparse.Namespace,
    *,
    profile: Callable[[argparse.Namespace], Any],
    password: Callable[[argparse.Namespace], str | None],
    print_json: Callable[[Any], None],
) -> int:
    prof = profile(args)
    secret = password(args)
    assert secret is not None
    on = args.date or programme_today()
    role = prof.info.get("role")
    with unlock(prof, secret) as store:
        rows = worklist_rows(store, role, on)
    if args.json:
        print_json([r.as_json() for r in rows])
        return 0
    for r in rows:
        print(
            f"{r.state:<9}  {r.due.isoformat()}  {r.household_id}  {r.code:<16}  "
            f"{r.record_id or '-'}  {r.reason_ko}"
        )
    immediate = sum(1 for r in rows if r.state == "immediate")
    print(f"{len(rows)} rows ({immediate} immediate) on {on.isoformat()} (Asia/Seoul)")
    return 0


def add_parser(
    sub: Any, password_flag: Callable[[argparse.ArgumentParser], None], func: Callable[..., int]
) -> None:
    """Add the ``worklist`` subcommand to ``fieldapp-sync``'s subparsers."""
    p = sub.add_parser(
        "worklist",
        help="your Today list: what is due and what is open, most urgent first",
        description="The Today list of the signed-in worker from the records on this laptop: "
        "open immediate actions (one row each, with the record they come from), then overdue, "
        "due today and upcoming households. The same rule as the app's Today screen.",
    )
    password_flag(p)
    p.add_argument(
        "--date",
        type=iso_day,
        metavar="YYYY-MM-DD",
        help="as of this day, Korean time (default: today)",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print as JSON: household_id, programme, code, urgency, due, record_id, since, "
        "reason_ko, reason_en, form",
    )
    p.set_defaults(func=func)
