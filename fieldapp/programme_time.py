"""Programme dates: the civil day in Asia/Seoul, whatever the machine's zone.

Today, due dates and the day a record was made are all Korean days: a record made at 23:59 KST
belongs to that day on a laptop set to UTC as on one set to Asia/Seoul, and "today" turns over at
midnight KST. Pure (no Qt, no I/O beyond the zone database, which ``tzdata`` supplies on Windows).

* :data:`PROGRAMME_ZONE` -- ``ZoneInfo("Asia/Seoul")``;
* :func:`current_time` -- now, from the one clock (:func:`set_clock` replays a chosen moment
  in tests; the app never changes it);
* :func:`programme_now` / :func:`programme_today` -- the current KST time / day;
* :func:`moment` -- an ISO text or datetime as an aware datetime (naive means KST);
* :func:`programme_day` -- the KST day of a time (None when it is not a time);
* :func:`kst_text` -- ``YYYY-MM-DD HH:MM`` in KST, for showing a time to people.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

PROGRAMME_ZONE = ZoneInfo("Asia/Seoul")


def system_clock() -> datetime:
    """The machine's clock, aware (UTC)."""
    return datetime.now(UTC)


_clock: Callable[[], datetime] = system_clock


def current_time() -> datetime:
    """Now (aware): programme days and the times of new records made in the app."""
    return _clock()


def set_clock(clock: Callable[[], datetime] | None) -> None:
    """Take "now" from *clock* (aware datetimes); None goes back to the machine's clock."""
    global _clock
    _clock = clock or system_clock


def programme_now(now: datetime | None = None) -> datetime:
    """*now* (default: the current time) in Asia/Seoul."""
    current = now if now is not None else current_time()
    if current.tzinfo is None:
        current = current.replace(tzinfo=PROGRAMME_ZONE)
    return current.astimezone(PROGRAMME_ZONE)


def programme_today(now: datetime | None = None) -> date:
    """The programme's today: the KST calendar day of *now* (default: the current time)."""
    return programme_now(now).date()


def moment(value: Any) -> datetime | None:
    """An ISO 8601 text or a datetime as an aware datetime; naive times are KST. None when
    *value* is not a time."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str):
        try:
            dt = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return dt.replace(tzinfo=PROGRAMME_ZONE) if dt.tzinfo is None else dt


def programme_day(value: Any) -> date | None:
    """The KST day a record made at *value* belongs to (None when it is not a time)."""
    dt = moment(value)
    return None if dt is None else dt.astimezone(PROGRAMME_ZONE).date()


def kst_text(value: Any) -> str:
    """*value* as ``YYYY-MM-DD HH:MM`` in KST (empty when it is not a time)."""
    dt = moment(value)
    return "" if dt is None else dt.astimezone(PROGRAMME_ZONE).strftime("%Y-%m-%d %H:%M")
