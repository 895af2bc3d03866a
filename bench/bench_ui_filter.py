"""Households filter benchmark: 10,000 rows, median time per keystroke vs an empty filter.

Types a few queries one character at a time into the household list's filter proxy (the
same ``HouseholdFilterProxy`` the app uses) and reports the median and p95 time per
keystroke, next to the median time of re-applying an empty filter measured in the same run
(the proxy's fixed cost). Target: the keystroke median well under one frame (16 ms).

    python bench/bench_ui_filter.py [--households 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from ui.households_model import (
    HouseholdFilter,
    HouseholdFilterProxy,
    HouseholdRow,
    HouseholdTableModel,
    make_search_text,
)

SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = "민서준지현우하윤도영수진예은채원시연유나"
DONGS = (
    "공덕동",
    "아현동",
    "도화동",
    "용강동",
    "대흥동",
    "염리동",
    "신수동",
    "서강동",
    "서교동",
    "합정동",
    "망원1동",
    "망원2동",
    "연남동",
    "성산1동",
    "성산2동",
    "상암동",
)
ROADS = ("마포대로", "독막로", "월드컵로", "백범로", "신촌로", "양화로", "성미산로", "동교로")
QUERIES = ("김민", "성산2동", "010-0123", "월드컵로 12", "박 서교")


def synthetic_rows(n: int, seed: int = 7) -> list[HouseholdRow]:
    """*n* synthetic households (made-up names, reserved 010-0xxx phone numbers)."""
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        name = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + rnd.choice(GIVEN)
        dong = rnd.choice(DONGS)
        address = f"서울특별시 마포구 {rnd.choice(ROADS)} {rnd.randint(1, 300)}"
        phone = f"010-0{rnd.randint(100, 999)}-{rnd.randint(0, 9999):04d}"
        rows.append(
            HouseholdRow(
                id=f"hh-{i}",
                name=name,
                address=address,
                dong=dong,
                phone=phone,
                household_type=rnd.choice(("elderly_alone", "midlife_alone", "youth_alone")),
                risk_level=rnd.choice(("high", "medium", "low")),
                care_group=rnd.choice(("intensive", "regular", "self_support", None)),
                programmes=("welfare_check",),
                due_state=rnd.choice(("overdue", "due_today", "upcoming", "not_due")),
                search_text=make_search_text(name, address, phone, dong),
            )
        )
    return rows


def time_ms(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    app = QApplication.instance() or QApplication([])
    model = HouseholdTableModel()
    model.set_rows(synthetic_rows(args.households))
    proxy = HouseholdFilterProxy()
    proxy.setSourceModel(model)

    baseline, keystrokes = [], []
    for _ in range(args.repeat):
        for query in QUERIES:
            for end in range(1, len(query) + 1):
                keystrokes.append(time_ms(proxy.set_text, query[:end]))
                baseline.append(time_ms(proxy.set_filter, HouseholdFilter()))
    combined = time_ms(
        proxy.set_filter, HouseholdFilter(text="김", risk_level="high", due_state="overdue")
    )
    proxy.set_filter(HouseholdFilter())
    sort_ms = time_ms(proxy.sort, 0)

    base = statistics.median(baseline)
    med = statistics.median(keystrokes)
    p95 = statistics.quantiles(keystrokes, n=20)[-1]
    print(f"households: {args.households}, keystrokes measured: {len(keystrokes)}")
    print(f"empty-filter baseline median: {base:.2f} ms")
    print(f"keystroke median: {med:.2f} ms (ratio to baseline {med / base:.2f}x)")
    print(f"keystroke p95:    {p95:.2f} ms (ratio to baseline {p95 / base:.2f}x)")
    print(f"keystroke median vs 16 ms frame budget: {med / 16:.2f}")
    print(
        f"text + two filters at once: {combined:.2f} ms; first sort by name (collation): {sort_ms:.1f} ms"
    )
    del app


if __name__ == "__main__":
    main()
