"""A bound on the sign-ins that check a password at once in one server process.

Each check is an argon2id hash (about 64 MiB of memory and tens of milliseconds of CPU, by
design), and an unknown user costs the same as a known one (no timing oracle). Without a
bound, anyone who can reach the server could send sign-ins as fast as the thread pool takes
them: every worker thread hashing, the CPU and memory gone, and the 9 a.m. syncs of the whole
district waiting behind them. With a bound, a sign-in that finds every slot taken is answered
at once, before any database work: 503 ``unavailable`` with a ``Retry-After`` of a few
seconds, which the app's transport honours (it retries, then says the server is busy). It
never waits for a slot, so no worker thread is held by a queued guess and syncs go on.

The answer and its timing are the same for every username, so the bound tells nothing about
which accounts exist. It limits the cost of guessing, not the guessing itself: lockout after
repeated failures still guards each account, and a rate limit per client address belongs in
the reverse proxy that knows the address (docs/deploy.md).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sync import protocol as p
from sync.server.errors import ApiError

#: The Retry-After range (seconds) a busy sign-in answers with: spread, so that the laptops
#: turned away together do not all come back in the same instant.
RETRY_AFTER_RANGE_S = (1, 3)
BUSY_DETAIL = (
    "the server is checking other sign-ins just now; sign in again in a few seconds "
    "(nothing was changed)"
)


class LoginSlots:
    """At most *slots* password checks at once; one more is refused, never queued."""

    def __init__(self, slots: int) -> None:
        if slots < 1:
            raise ValueError("a server needs at least one sign-in slot")
        self.slots = slots
        self._free = threading.BoundedSemaphore(slots)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold one slot for the block; raise the busy answer when none is free."""
        if not self._free.acquire(blocking=False):
            raise ApiError(
                503,
                p.ERR_UNAVAILABLE,
                BUSY_DETAIL,
                headers={"Retry-After": str(random.randint(*RETRY_AFTER_RANGE_S))},
            )
        try:
            yield
        finally:
            self._free.release()
