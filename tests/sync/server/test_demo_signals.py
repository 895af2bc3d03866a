"""The demo district seeded today shows each of its injected declines as a signal, to the
worker who holds the household (docs/signals.md: what a newcomer to ``fieldapp --demo`` sees)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select

from fieldapp.demo import generate_district
from fieldapp.demo_scenarios import KINDS, season_of
from fieldapp.programme_time import programme_today
from sync.server import db
from sync.server.district.alerts import alerts
from sync.server.district.signals import district_signals
from sync.server.models import Household
from sync.server.seeding import seed_demo
from ui.demo import DEMO_DEFAULT_USER, DEMO_HOUSEHOLDS, DEMO_SEED


def test_every_decline_of_the_demo_shows_a_signal_today(sqlite_url: str) -> None:
    today = programme_today()
    db.upgrade(sqlite_url)
    engine = db.make_engine(sqlite_url)
    with db.make_sessionmaker(engine)() as session:
        summary = seed_demo(session, households=DEMO_HOUSEHOLDS, seed=DEMO_SEED, today=today)
        code = summary["districts"][0]["code"]
        # the declines the seeded history has (the generator is deterministic by seed and day)
        scenarios = generate_district(DEMO_HOUSEHOLDS, DEMO_SEED, today=today).scenarios
        in_season = any(season_of(today + timedelta(days=d)) for d in range(1, 6))
        expected = set(KINDS) if in_season else set(KINDS) - {"heat_exposure"}
        assert {s.kind for s in scenarios} == expected

        # what `fieldapp-server signals --district CODE --json` lists: active signals today
        listed = district_signals(session, code, today)
        rows = defaultdict(list)
        for row in listed.signals:
            rows[row.household_id].append(row)
        shown = {s.kind for s in scenarios if rows[s.household_id]}
        assert shown == expected, {s.kind: s.household_id for s in scenarios}

        # each to the worker of the programme whose Today lists it (`--worker U`)
        holders = set()
        for s in scenarios:
            workers = {r.workers.get(r.programme) for r in rows[s.household_id]} - {None}
            assert workers, s
            holders |= workers
            for worker in workers:
                theirs = district_signals(session, code, today, worker=worker).signals
                assert any(r.household_id == s.household_id for r in theirs), (s, worker)
        assert {DEMO_DEFAULT_USER, "volunteer1"} <= holders, holders

        # the heat exposure runs under a real district alert (declare_alert): its household
        # is alert_active and `alert_unreached` holds there
        active = alerts(session, code, active_only=True, today=today)
        heat = [s for s in scenarios if s.kind == "heat_exposure"]
        assert len(active) == len(heat) == (summary["alert"] is not None)
        for s in heat:
            assert session.scalars(
                select(Household.alert_active).where(Household.id == s.household_id)
            ).one()
            assert "alert_unreached" in {r.rule for r in rows[s.household_id]}
    engine.dispose()
