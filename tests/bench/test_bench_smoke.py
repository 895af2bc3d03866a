"""Each benchmark runs end to end at a tiny size (no timing is asserted: figures on a shared
machine are noise; ``python -m bench`` reports them against same-run baselines)."""

from __future__ import annotations

import os

import pytest

from bench import __main__ as runner
from bench.common import Row, percentile, postgres_available

pytestmark = pytest.mark.slow


def test_percentile_interpolates_between_ranks() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([5.0], 99) == 5.0
    assert percentile([1.0, 3.0], 100) == 3.0


def test_table_marks_missed_targets() -> None:
    rows = [
        Row(
            "b",
            "m",
            12.0,
            "ms",
            baseline=6.0,
            baseline_label="base",
            ratio=2.0,
            target="<= 1.5x",
            met=False,
        )
    ]
    text = runner.table(rows)
    assert "| b | m | 12.0 ms | 6.00 ms (base) | 2.00x | <= 1.5x | NO |" in text


@pytest.mark.parametrize("name", sorted(runner.BENCHMARKS))
def test_benchmark_runs_at_tiny_size(name: str) -> None:
    needs_pg = name in ("push_ingest", "server_load")
    if needs_pg and os.environ.get("FIELDAPP_REQUIRE_POSTGRES") == "1":
        assert postgres_available(), "PostgreSQL is required here but cannot be reached"
    rows, _took, error = runner.run_one(name, "tiny")
    assert error is None
    assert rows, f"{name} returned no rows"
    for row in rows:
        assert row.bench == name
        assert row.value >= 0
        if row.baseline is not None:
            assert row.baseline > 0
