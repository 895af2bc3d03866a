"""The signals benchmark's figures hang together at a tiny size (no target is asserted:
``python -m bench --only signals`` reports them)."""

from __future__ import annotations

import pytest

from bench.bench_signals import measure, run

pytestmark = pytest.mark.slow


def test_figures_add_up() -> None:
    m = measure(60, 2)
    assert m["declines"] == sum(k["of"] for k in m["by_kind"].values()) == 10
    assert m["caught"] == sum(k["caught"] for k in m["by_kind"].values())
    assert m["caught"] + len(m["missed"]) == m["declines"]
    assert len(m["lead_days"]) == m["caught"] and all(d >= 1 for d in m["lead_days"])
    assert m["stable"] + m["declines"] <= 60
    assert m["eval_s"] > 0 and m["read_s"] > 0


def test_rows_name_their_targets() -> None:
    rows = run("tiny")
    assert [r.target for r in rows] == [">= 0.9", ">= 14", "<= 2", "< 1000 ms at full size"]
    assert all(r.bench == "signals" for r in rows)


def test_an_alert_signal_counts_from_the_alerts_first_day() -> None:
    """A household last reached 5 days before its alert began: ``alert_unreached`` counts from
    the alert's first day (the replay gives the rule ``alert_start``), so the signal is raised
    on the alert's second day, never before the alert."""
    from datetime import timedelta

    from bench.bench_signals import _raised, _replay_days
    from fieldapp import signals
    from tests.fieldapp.signals_history import DAY0, History

    h = History(risk_level="medium")
    h.check(0)
    h.check(9, reached="no_answer")
    alert = (DAY0 + timedelta(days=5), DAY0 + timedelta(days=12))
    history = signals.History(h.effective())
    days = _replay_days(history.records, alert[0], alert[1], alert)
    assert alert[0] in days
    seen = _raised(h.household, history, days, signals.load_signal_rules(), alert)
    raised = [day for rule, day in seen.values() if rule == "alert_unreached"]
    assert raised == [alert[0] + timedelta(days=1)]
