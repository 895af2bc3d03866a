"""The demo's open work: a conflict, a late hand-over and an open referral for nurse3."""

from __future__ import annotations

from sqlalchemy import select

from sync import protocol as p
from sync.server import db
from sync.server.demo_workflows import DEMO_NURSE, NURSE_NOTE, REFERRAL, VOLUNTEER_NOTE
from sync.server.models import Assignment, Conflict, Event, HandoverInbox
from sync.server.seeding import seed_demo


def test_the_demo_leaves_open_work_for_its_default_nurse(sqlite_url: str) -> None:
    db.upgrade(sqlite_url)
    engine = db.make_engine(sqlite_url)
    with db.make_sessionmaker(engine)() as session:
        summary = seed_demo(session, households=60, seed=1)
        assert summary["open_work"] == {"conflicts": 1, "referrals": 1, "handovers": 1}
        nurse_households = set(
            session.scalars(
                select(Assignment.household_id).where(Assignment.username == DEMO_NURSE)
            )
        )
        conflict = session.scalars(select(Conflict)).one()
        assert conflict.household_id in nurse_households and conflict.status == "open"
        assert (conflict.mine_by, conflict.mine, conflict.theirs) == (
            DEMO_NURSE,
            NURSE_NOTE,
            VOLUNTEER_NOTE,
        )
        both = set(
            session.scalars(
                select(Assignment.household_id).where(
                    Assignment.household_id.in_(nurse_households),
                    Assignment.programme == p.Programme.welfare_check.value,
                    Assignment.username.is_not(None),
                )
            )
        )
        assert conflict.household_id in both
        inbox = session.scalars(select(HandoverInbox)).one()
        assert inbox.to_username == DEMO_NURSE and inbox.from_username != DEMO_NURSE
        assert inbox.household_id in nurse_households and inbox.acknowledged_at is None
        late = session.get(Event, inbox.ref_id)
        assert late is not None and late.late_handover
        referral = session.scalars(
            select(Event).where(Event.type == "referral", Event.created_by == DEMO_NURSE)
        ).all()
        opened = [e for e in referral if e.payload == REFERRAL]
        assert len(opened) == 1 and opened[0].household_id in both
        assert not any(e.payload.get("closes") == opened[0].id for e in referral)
    engine.dispose()


def test_a_district_without_the_demo_nurse_gets_no_open_work(sqlite_url: str) -> None:
    db.upgrade(sqlite_url)
    engine = db.make_engine(sqlite_url)
    with db.make_sessionmaker(engine)() as session:
        summary = seed_demo(session, households=3, seed=1)
    engine.dispose()
    assert summary["open_work"] == {"conflicts": 0, "referrals": 0, "handovers": 0}
