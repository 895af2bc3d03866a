"""Today's worklist after a save: only the touched household is computed again, and the
merged list is the list a full computation gives."""

from __future__ import annotations

from datetime import date
from typing import Any

from fieldapp import records
from fieldapp.programme_time import programme_today
from ui import today as today_module
from ui.operations import OpChanges
from ui.today import TodayRow, merge_worklist


def row(hid: str, rank: int, due: str | None) -> TodayRow:
    return TodayRow(hid, hid, "", "overdue", "이유", "why", "visit", due, rank)


def test_merge_replaces_only_the_given_households() -> None:
    rows = [row("a", 0, "2026-11-01"), row("b", 1, "2026-11-02"), row("c", 3, "2026-11-30")]
    due = {"a": ("immediate", "2026-11-01"), "b": ("overdue", "2026-11-02"), "x": (None, None)}
    merged, merged_due = merge_worklist(
        rows, due, {"b", "x"}, [row("b", 3, "2026-11-29")], {"b": ("upcoming", "2026-11-29")}
    )
    assert [r.household_id for r in merged] == ["a", "b", "c"]
    assert merged[1].rank == 3
    assert merged_due == {"a": ("immediate", "2026-11-01"), "b": ("upcoming", "2026-11-29")}


def test_a_save_recomputes_only_its_household(window: Any, nurse: Any, monkeypatch: Any) -> None:
    page = window.today
    store = nurse.runner.store
    assert page.model.rows(), "the demo nurse has work due"
    first = page.model.rows()[0]
    calls: list[Any] = []
    real = today_module.load_worklist

    def spy(store: Any, programme: Any, day: date, only: Any = None) -> Any:
        calls.append(only)
        return real(store, programme, day, only)

    monkeypatch.setattr(today_module, "load_worklist", spy)
    # a visit recorded today for the most urgent household: it is no longer first
    event = {
        "id": records.new_id(),
        "type": "visit",
        "household_id": first.household_id,
        "programme": "visiting_health",
        "created_by": nurse.session.username,
        "device_id": nurse.session.device_id,
        "device_time": records.utc_now(),
        "payload": {"medication_adherence": "good"},
    }
    records.append_event(store, event)
    nurse.runner.changed.emit(OpChanges(households=frozenset({first.household_id}), events=True))
    assert calls == [frozenset({first.household_id})], "only the saved household is read"
    full_rows, full_due = real(store, nurse.session.programme, programme_today())
    assert page.model.rows() == full_rows
    assert page._due == full_due

    nurse.runner.changed.emit(OpChanges(household_list=True))
    assert calls[-1] is None, "a sync or a list change computes everything"


def test_opening_a_household_does_not_recompute_the_worklist(
    window: Any, nurse: Any, monkeypatch: Any
) -> None:
    calls: list[Any] = []
    real = today_module.load_worklist
    monkeypatch.setattr(
        today_module, "load_worklist", lambda *a, **kw: calls.append(a) or real(*a, **kw)
    )
    hid = window.today.model.rows()[0].household_id
    before = records.pending_counts(nurse.runner.store)["unsent"]
    window.open_household(hid)
    assert records.pending_counts(nurse.runner.store)["unsent"] == before + 1, "access logged"
    assert calls == [], "an access-log entry changes no due state"


def test_a_sync_that_changed_nothing_resets_no_list(
    window: Any, monkeypatch: Any, full_loads: list[int]
) -> None:
    from sync.client import SyncReport
    from ui.sync_panel import nothing_changed

    assert nothing_changed(SyncReport(completed=True))
    assert not nothing_changed(SyncReport(pulled=3, completed=True))
    assert not nothing_changed(SyncReport(pushed=1, completed=True))
    assert not nothing_changed(SyncReport(handed_over=["h1"]))
    calls: list[Any] = []
    real = today_module.load_worklist
    monkeypatch.setattr(
        today_module, "load_worklist", lambda *a, **kw: calls.append(a) or real(*a, **kw)
    )
    loads = full_loads
    window.sync._done(SyncReport(completed=True))
    assert calls == [] and loads == [], "a no-op sync recomputes and reloads nothing"
    window.sync._done(SyncReport(pulled=2, completed=True))
    assert len(calls) == 1 and loads == [1], "what a sync brought in is shown"


def test_a_new_day_recomputes_the_worklist(window: Any, monkeypatch: Any) -> None:
    from sync.client import SyncReport

    page = window.today
    calls: list[Any] = []
    real = today_module.load_worklist
    monkeypatch.setattr(
        today_module, "load_worklist", lambda *a, **kw: calls.append(a) or real(*a, **kw)
    )
    page._basis = (date(2000, 1, 1), page._basis[1])  # shown since "yesterday"
    window.sync._done(SyncReport(completed=True))
    assert len(calls) == 1 and calls[0][2] == programme_today()
    assert page._basis[0] == programme_today()
