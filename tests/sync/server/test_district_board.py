"""The board reads only the payload parts the household-state rule uses: its worklists must
equal the rule run over the full payloads (on the synthetic district's two years of history)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp import household_state
from sync import protocol as p
from sync.server import db, district
from sync.server.district.board import events_by_household
from sync.server.district.common import household_dict
from sync.server.models import Assignment, District, Household
from sync.server.seeding import seed_demo

TODAY = date(2026, 11, 20)


def _summary(items: list[household_state.WorkItem]) -> list[tuple[str, str, int, str]]:
    return sorted((i.household_id, i.state, i.overdue_days, i.reason_en) for i in items)


def test_reduced_payloads_give_the_same_worklists(db_url: str) -> None:
    db.upgrade(db_url)
    engine = db.make_engine(db_url)
    try:
        with Session(engine) as s:
            seed_demo(s, households=40, seed=5, today=TODAY)
        with Session(engine) as s:
            code = s.scalars(select(District.code)).one()
            households = {
                h.id: household_dict(h)
                for h in s.scalars(select(Household).where(Household.district_code == code))
            }
            ids = sorted(households)
            reduced = events_by_household(s, ids)
            full = events_by_household(s, ids, full=True)
            assert sum(map(len, reduced.values())) == sum(map(len, full.values())) > 500
            immediate = 0
            for prog in p.Programme:
                held = [
                    households[hid]
                    for hid in s.scalars(
                        select(Assignment.household_id).where(
                            Assignment.programme == prog.value, Assignment.username.is_not(None)
                        )
                    )
                ]
                # the board's worklist: cadence and immediate items (signals, which read
                # whole payloads, come from sync.server.district.signals)
                a = household_state.worklist(held, reduced, prog.value, TODAY, providers=())
                b = household_state.worklist(held, full, prog.value, TODAY, providers=())
                assert _summary(a) == _summary(b)
                immediate += household_state.immediate_count(b)
            board = district.board(s, code, TODAY)
            assert sum(w.immediate_open for w in board.workers) == immediate
            assert sum(w.caseload for w in board.workers) == sum(
                1 for _ in s.scalars(select(Assignment).where(Assignment.username.is_not(None)))
            )
    finally:
        engine.dispose()
