"""Households filter benchmark: 10,000 rows, median time per keystroke vs an empty filter.

Types a few queries one character at a time into the household list's filter proxy (the
same ``HouseholdFilterProxy`` the app uses) and reports the median and p95 time per
keystroke, next to the median time of re-applying an empty filter measured in the same run
(the proxy's fixed cost). Target: the keystroke median well under one frame (16 ms).

A second figure types the same queries into the proxy while a ``QTableView`` shows it (as
the household page does, offscreen) and includes processing the events the change queues,
the repaint among them: what a keystroke costs on screen.

    python bench/bench_ui_filter.py [--households 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QTableView

from ui.households_model import (
    HouseholdFilter,
    HouseholdFilterProxy,
    HouseholdRow,
    HouseholdTableModel,
)


def demo_rows(n: int, seed: int = 7) -> tuple[list[HouseholdRow], list[str]]:
    """*n* households of the synthetic demo district as list rows, and queries typed on them."""
    from fieldapp.demo import generate_district
    from ui.data import row_of

    district = generate_district(n, seed)
    rows = [row_of(h, {}) for h in district.households]
    sample = rows[len(rows) // 3]
    road = sample.address.split()[2] if len(sample.address.split()) > 2 else sample.address
    queries = [
        sample.name[:2],  # a surname and the start of a given name
        sample.dong,
        sample.phone[:8] or "010-0",  # typed with dashes
        road,
        f"{sample.name[:1]} {sample.dong[:2]}",  # two words
    ]
    return rows, queries


def time_ms(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000


def typed_in_view(
    app: QApplication, proxy: HouseholdFilterProxy, queries: list[str], repeat: int
) -> list[float]:
    """Ms per keystroke with a shown table view on *proxy*, events processed (repaint)."""
    view = QTableView()  # set up as the household page's table
    view.setModel(proxy)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(30)
    view.horizontalHeader().setStretchLastSection(True)
    view.resize(1200, 800)
    view.show()
    app.processEvents()

    def type_one(text: str) -> None:
        proxy.set_text(text)
        app.processEvents()

    out = []
    for _ in range(repeat):
        for query in queries:
            for end in range(1, len(query) + 1):
                out.append(time_ms(type_one, query[:end]))
            type_one("")
    view.hide()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    app = QApplication.instance() or QApplication([])
    model = HouseholdTableModel()
    rows, queries = demo_rows(args.households)
    model.set_rows(rows)
    proxy = HouseholdFilterProxy()
    proxy.setSourceModel(model)

    baseline, keystrokes = [], []
    for _ in range(args.repeat):
        for query in queries:
            for end in range(1, len(query) + 1):
                keystrokes.append(time_ms(proxy.set_text, query[:end]))
                baseline.append(time_ms(proxy.set_filter, HouseholdFilter()))
    view_keys = typed_in_view(app, proxy, queries, args.repeat)
    combined = time_ms(
        proxy.set_filter, HouseholdFilter(text="김", risk_level="high", due_state="overdue")
    )
    proxy.set_filter(HouseholdFilter())
    sort_ms = time_ms(proxy.sort, 0)

    base = statistics.median(baseline)
    med = statistics.median(keystrokes)
    p95 = statistics.quantiles(keystrokes, n=20)[-1]
    print(
        f"households: {args.households}, queries: {queries}, keystrokes measured: {len(keystrokes)}"
    )
    print(f"empty-filter baseline median: {base:.2f} ms")
    print(f"keystroke median: {med:.2f} ms (ratio to baseline {med / base:.2f}x)")
    print(f"keystroke p95:    {p95:.2f} ms (ratio to baseline {p95 / base:.2f}x)")
    print(f"keystroke median vs 16 ms frame budget: {med / 16:.2f}")
    print(
        f"with a table view shown, keystroke + repaint median: {statistics.median(view_keys):.2f} ms"
        f", p95 {statistics.quantiles(view_keys, n=20)[-1]:.2f} ms"
    )
    print(
        f"text + two filters at once: {combined:.2f} ms; first sort by name (collation): {sort_ms:.1f} ms"
    )
    del app


if __name__ == "__main__":
    main()
