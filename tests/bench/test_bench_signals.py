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
