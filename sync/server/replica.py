"""Reads that only read go to a PostgreSQL hot standby while it is fresh enough.

``FIELDAPP_READ_DATABASE_URL`` names a streaming standby of the primary. The supervisor board,
the indicators and their export, and the access review read from it (:meth:`ReadRouter.session`);
sync, reassignment and everything that must see its own writes stay on the primary. Before a
read goes to the standby, its replay lag is checked against ``FIELDAPP_READ_MAX_LAG_MS``: a
standby that is behind by more, that has stopped streaming, or cannot be reached, is passed
over and the read runs on the primary. The check is one query on the standby, made at most
every :data:`CHECK_EVERY_S` per process, so a read costs no extra round trip.

The lag is measured the established way: zero when everything received has been replayed
(nothing to wait for), else the age of the last transaction replayed
(``now() - pg_last_xact_replay_timestamp()``).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("fieldapp.server.replica")

#: How long one lag measurement is trusted (seconds).
CHECK_EVERY_S = 0.5
#: How long connecting to the standby may take before it counts as unreachable (seconds).
CONNECT_TIMEOUT_S = 2

#: The standby's replay lag in seconds, or NULL when it is not a streaming standby.
LAG_QUERY = text(
    """
    SELECT CASE
        WHEN NOT pg_is_in_recovery() THEN NULL
        WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')
            THEN NULL
        WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
        ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
    END
    """
)


def replay_lag_s(engine: Engine) -> float | None:
    """The standby's replay lag in seconds; None when *engine* is not a streaming standby
    (a primary, a standby whose WAL receiver stopped, or a server that cannot be reached)."""
    try:
        with engine.connect() as conn:
            lag = conn.execute(LAG_QUERY).scalar_one()
    except SQLAlchemyError as exc:
        log.warning("the read replica cannot be reached (%s); reading from the primary", exc)
        return None
    return None if lag is None else max(0.0, float(lag))


@dataclass
class ReadRouter:
    """Hands out a session for a read: on the standby while its lag is within *max_lag_s*,
    else on the primary. Without a standby every read runs on the primary."""

    primary: sessionmaker[Session]
    standby: sessionmaker[Session] | None = None
    max_lag_s: float = 5.0
    _checked_at: float = field(default=float("-inf"), repr=False)
    _fresh: bool = field(default=False, repr=False)
    _measuring: bool = field(default=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def standby_is_fresh(self) -> bool:
        """True when the standby's last measured lag is within the bound. The lag is measured
        again when the last measurement is older than :data:`CHECK_EVERY_S`, by one thread
        at a time: the others go on with the last answer meanwhile (a standby that does not
        answer never holds reads up)."""
        if self.standby is None:
            return False
        with self._lock:
            due = not self._measuring and time.monotonic() - self._checked_at >= CHECK_EVERY_S
            self._measuring = self._measuring or due
        if due:
            lag = None
            try:
                lag = replay_lag_s(self.standby.kw["bind"])
            finally:
                fresh = lag is not None and lag <= self.max_lag_s
                with self._lock:
                    if fresh != self._fresh:
                        state = "in use" if fresh else "passed over"
                        log.info("read replica %s (lag %s s)", state, lag)
                    self._fresh, self._checked_at = fresh, time.monotonic()
                    self._measuring = False
        return self._fresh

    def session(self) -> Session:
        """A new session for a read-only piece of work (the caller closes it)."""
        if self.standby is not None and self.standby_is_fresh():
            return self.standby()
        return self.primary()
