"""``python -m bench``: run the benchmarks and print their figures against same-run baselines.

    python -m bench                 # everything at reduced size (a few minutes)
    python -m bench --full          # full size (district scale; much longer)
    python -m bench --only push_ingest --only wire_bytes
    python -m bench --json results.json

Run from the repository root (``bench`` is not installed with the app). Needs PostgreSQL at
``FIELDAPP_BENCH_POSTGRES_URL`` (default ``postgresql+psycopg://root@127.0.0.1:5432/test``)
for the PostgreSQL rows; without it those rows say "not measured".
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from bench.common import Row, fmt_num, fmt_ratio, machine_info

#: Benchmark name -> module (each has ``run(size) -> list[Row]``).
BENCHMARKS: dict[str, str] = {
    "initial_sync": "bench.bench_initial_sync",
    "noop_sync": "bench.bench_noop_sync",
    "push_ingest": "bench.bench_push",
    "server_load": "bench.bench_load",
    "wire_bytes": "bench.bench_wire",
    "desktop": "bench.bench_desktop",
    "scale": "bench.bench_scale",
    "signals": "bench.bench_signals",
    "storage": "bench.bench_storage",
    "login_spray": "bench.bench_login_spray",
}


def run_one(name: str, size: str) -> tuple[list[Row], float, str | None]:
    """Rows of benchmark *name*, its wall time, and the error if it failed."""
    module = importlib.import_module(BENCHMARKS[name])
    start = time.perf_counter()
    try:
        rows = module.run(size)
    except Exception as exc:  # one broken benchmark must not hide the others
        traceback.print_exc()
        return [], time.perf_counter() - start, f"{type(exc).__name__}: {exc}"
    return rows, time.perf_counter() - start, None


def _met(value: bool | None) -> str:
    return {True: "yes", False: "NO", None: ""}[value]


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    head = [
        "benchmark",
        "metric",
        "value",
        "baseline (same run)",
        "ratio",
        "target",
        "met",
        "notes",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        base = (
            f"{fmt_num(r.baseline)} {r.unit} ({r.baseline_label})" if r.baseline is not None else ""
        )
        lines.append(
            "| "
            + " | ".join(
                [
                    r.bench,
                    r.metric,
                    f"{fmt_num(r.value)} {r.unit}",
                    base,
                    fmt_ratio(r.ratio),
                    r.target,
                    _met(r.met),
                    r.note.replace("|", "/"),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--full", action="store_true", help="full (district-scale) sizes")
    size.add_argument("--tiny", action="store_true", help="tiny sizes: only shows each one runs")
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(BENCHMARKS),
        metavar="NAME",
        help=f"run only this benchmark (repeatable): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results here")
    args = parser.parse_args(argv)
    size_name = "full" if args.full else "tiny" if args.tiny else "reduced"
    names = args.only or list(BENCHMARKS)
    info = machine_info()
    print(
        f"fieldapp benchmarks, size {size_name}: " + ", ".join(f"{k} {v}" for k, v in info.items()),
        flush=True,
    )
    all_rows: list[Row] = []
    timings: dict[str, float] = {}
    failures: dict[str, str] = {}
    for name in names:
        print(f"\n== {name} ...", flush=True)
        rows, took, error = run_one(name, size_name)
        timings[name] = took
        if error:
            failures[name] = error
            print(f"   FAILED after {took:.0f} s: {error}", flush=True)
            continue
        all_rows += rows
        print(table(rows), flush=True)
        print(f"   ({took:.0f} s)", flush=True)
    print("\n## Results\n")
    print(table(all_rows))
    total = sum(timings.values())
    print(f"\nwall time {total:.0f} s: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()))
    if failures:
        print("failed: " + "; ".join(f"{k}: {v}" for k, v in failures.items()))
    if args.json:
        out: dict[str, Any] = {
            "size": size_name,
            "machine": info,
            "rows": [r.to_json() for r in all_rows],
            "seconds": timings,
            "failures": failures,
        }
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
