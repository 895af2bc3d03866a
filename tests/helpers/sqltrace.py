"""The SQL statements a piece of laptop code runs against a store, for tests that count
writes and commits (the no-op and batching fast paths)."""

from __future__ import annotations

from collections.abc import Callable

from fieldapp.store import Store


def traced_statements(store: Store, run: Callable[[], object]) -> list[str]:
    """Every statement *store*'s connection ran while *run()* ran, in order."""
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    try:
        run()
    finally:
        store.conn.set_trace_callback(None)
    return seen
