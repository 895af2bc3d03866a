"""The device clock's measured skew against the server (kept in the store's meta table).

Below :mod:`fieldapp.records` (new records are flagged while the clock is off) and
:mod:`fieldapp.syncstate` (which measures and saves the skew).
"""

from __future__ import annotations

from fieldapp.store import Store

META_SKEW = "sync.skew_seconds"
#: Beyond this many seconds off the server's clock, new records carry ``skew_flag``.
SKEW_LIMIT_SECONDS = 300


def clock_is_off(store: Store) -> bool:
    """True when the last measured skew is over the limit (new records should be flagged)."""
    skew = store.get_meta(META_SKEW)
    return skew is not None and abs(float(skew)) > SKEW_LIMIT_SECONDS
