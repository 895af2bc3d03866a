"""Pull pages that are already here share one transaction with the cursor after them; a
failure rolls back the pages and the cursor together (nothing lost, nothing doubled)."""

from __future__ import annotations

import uuid
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from fieldapp import syncstate
from fieldapp.profile import Profile
from fieldapp.store import Store
from sync import client as client_mod
from sync.client import ServerError, SyncEngine
from sync.transport import Answer, Transport
from tests.helpers.sqltrace import traced_statements

EPOCH = "ep1"


def _event(i: int) -> dict[str, Any]:
    return {
        "id": str(uuid.UUID(int=i + 1)),
        "type": "note",
        "household_id": "h1",
        "programme": "welfare_check",
        "created_by": "vol2",
        "device_id": "dev2",
        "device_time": "2026-01-01T10:00:00+09:00",
        "payload": {"text": f"메모 {i}"},
        "amends": None,
        "skew_flag": False,
        "server_time": "2026-01-01T01:00:00+00:00",
        "redacted": False,
        "late_handover": False,
    }


def _pages(count: int, per_page: int) -> list[dict[str, Any]]:
    pages = []
    for p in range(count):
        seqs = range(p * per_page + 1, (p + 1) * per_page + 1)
        pages.append(
            {
                "epoch": EPOCH,
                "cursor": f"{EPOCH}:{seqs[-1]}",
                "has_more": p < count - 1,
                "changes": [
                    {"seq": s, "kind": "event", "household_id": "h1", "data": _event(s)}
                    for s in seqs
                ],
            }
        )
    return pages


class PagesTransport(Transport):
    """Answers pulls from a list of pages (by cursor), instantly."""

    def __init__(self, pages: list[dict[str, Any]]) -> None:
        super().__init__("http://127.0.0.1:9")
        self.by_cursor = {None: pages[0]} | {
            pages[i - 1]["cursor"]: pages[i] for i in range(1, len(pages))
        }

    def request(self, method: str, path: str, **kw: Any) -> Answer:
        cursor = (kw.get("params") or {}).get("cursor")
        return Answer(200, self.by_cursor[cursor], None, 0, 0)


@pytest.fixture
def engine_for(tmp_path: Path) -> Any:
    made: list[Store] = []

    def make(pages: list[dict[str, Any]]) -> tuple[SyncEngine, Store]:
        profile = Profile(tmp_path / uuid.uuid4().hex)
        profile.save_info({"server_url": "http://127.0.0.1:9", "device_id": "dev1"})
        store = Store.open(profile.store_path, Store.create_key(), create=True)
        made.append(store)
        engine = SyncEngine(
            profile, store, token="t", transport=PagesTransport(pages), pull_limit=3
        )
        return engine, store

    yield make
    for s in made:
        s.close()


def _commits(store: Store, run: Any) -> int:
    seen = traced_statements(store, run)
    return sum(1 for s in seen if s.strip().upper() == "COMMIT")


def _answered_at_once(self: SyncEngine, pool: Any, params: dict[str, Any]) -> Future[Answer]:
    done: Future[Answer] = Future()
    done.set_result(self.transport.request("GET", "/pull", params=params))
    return done


def test_pages_already_here_share_transactions(engine_for: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(client_mod, "MAX_ROWS_PER_TRANSACTION", 6)
    monkeypatch.setattr(SyncEngine, "_send_ahead", _answered_at_once)
    engine, store = engine_for(_pages(5, 3))  # 15 events, 3 per page
    report_holder: list[Any] = []
    commits = _commits(store, lambda: report_holder.append(engine.sync_once()))
    assert report_holder[0].completed and report_holder[0].pulled == 15
    assert store.db["events"].count == 15
    assert store.get_meta(syncstate.META_CURSOR) == f"{EPOCH}:15"
    # Pages arrive at once here: 2 pages (6 rows) per transaction, 3 transactions.
    assert commits == 3


def test_a_bad_page_rolls_back_its_group_with_the_cursor(engine_for: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(SyncEngine, "_send_ahead", _answered_at_once)
    pages = _pages(4, 3)
    pages[2]["cursor"] = "not a cursor"  # the third page is malformed
    pages[3] = {**pages[3]}
    engine, store = engine_for(pages)
    engine.transport.by_cursor["not a cursor"] = pages[3]
    with pytest.raises(ServerError):
        engine.sync_once()
    cursor = store.get_meta(syncstate.META_CURSOR)
    held = store.db["events"].count
    # The first two pages shared the bad page's transaction: all rolled back together.
    assert (cursor, held) == (None, 0)
    pages[2]["cursor"] = f"{EPOCH}:9"
    engine.transport.by_cursor[f"{EPOCH}:9"] = pages[3]
    assert engine.sync_once().pulled == 12  # the next sync brings everything, once
    assert store.db["events"].count == 12
