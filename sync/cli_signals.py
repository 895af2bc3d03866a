"""``fieldapp-sync signals``: the early-warning signals of the households on this laptop.

The same pure rules as the app's screens (:mod:`fieldapp.signals`) over the effective records
held locally, on a date (Asia/Seoul; default today).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any

from fieldapp import records, signals
from fieldapp.profile import unlock
from fieldapp.programme_time import programme_today
from fieldapp.worklist import role_programme


def iso_day(value: str) -> date:
    """An argparse type: a YYYY-MM-DD date, or a usage error saying how to write it."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-12-04"
        ) from None


def store_signals(
    store: Any,
    on: date,
    *,
    include_acknowledged: bool = False,
    programme: str | None = None,
) -> list[signals.Signal]:
    """The signals of every household held in *store* on *on*; with *programme*, those its
    worker acts on (what their Today lists: the rule's programme is theirs or none)."""
    households = records.list_households(store)
    evs = records.effective_events_by_household(store, [h["id"] for h in households])
    found = signals.district_signals(households, evs, on)
    return [
        s
        for s in found
        if (include_acknowledged or s.active) and s.programme in (None, programme or s.programme)
    ]


def cmd_signals(
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
    programme = role_programme(prof.info.get("role"))
    with unlock(prof, secret) as store:
        found = store_signals(store, on, include_acknowledged=args.all, programme=programme)
    if args.json:
        print_json([s.to_dict() for s in found])
        return 0
    for s in found:
        print(signals.signal_line(s.to_dict()))
    print(f"{len(found)} signals on {on.isoformat()} (rules {signals.load_signal_rules().version})")
    return 0


def add_parser(
    sub: Any, password_flag: Callable[[argparse.ArgumentParser], None], func: Callable[..., int]
) -> None:
    """Add the ``signals`` subcommand to ``fieldapp-sync``'s subparsers."""
    p = sub.add_parser(
        "signals",
        help="early-warning signals of your households (docs/signals.md)",
        description="The early-warning signals of the households on this laptop that your "
        "programme acts on (what Today lists), most severe first, each with its evidence "
        "records; acknowledged signals only with --all. The same rules as the app's screens.",
    )
    password_flag(p)
    p.add_argument(
        "--date",
        type=iso_day,
        metavar="YYYY-MM-DD",
        help="evaluate as of this day, Korean time (default: today)",
    )
    p.add_argument("--all", action="store_true", help="include acknowledged signals")
    p.add_argument("--json", action="store_true", help="print as JSON (one object a signal)")
    p.set_defaults(func=func)
