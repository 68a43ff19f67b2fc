"""Benchmark: per-report build time vs a bare docxtpl render-and-save, and cold CLI time.

A script, not a timed test: machines are shared and noisy, so every figure is compared
with another measured in the same run. Usage: python bench/bench_build.py [-n 30]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from baseline import bare_docxtpl, context_of, median_seconds, timings  # beside this script

from reportgen.build import render_docx
from reportgen.pipeline import evaluate

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "xiangxi-commerce-2018"


def median_ms(fn, n: int) -> float:
    return median_seconds(fn, n) * 1000


def reportgen_build() -> None:
    render_docx(evaluate(EXAMPLE))


def cold_cli_ms(runs: int) -> float:
    with tempfile.TemporaryDirectory() as work:
        times = timings(lambda: subprocess.run(
            [sys.executable, "-m", "reportgen.cli", "build", str(EXAMPLE), "-o", f"{work}/r.docx"],
            check=True, capture_output=True), runs, warm_up=False)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=30, help="renders per measurement")
    args = parser.parse_args()
    context = context_of(EXAMPLE)
    bare = median_ms(lambda: bare_docxtpl(context), args.n)
    ours = median_ms(reportgen_build, args.n)
    cold = cold_cli_ms(5)
    print(f"bare docxtpl render+save (same template, same context): {bare:7.1f} ms")
    print(f"reportgen in-process build (evaluate+compose+render):   {ours:7.1f} ms")
    print(f"ratio reportgen / bare docxtpl:                          {ours / bare:7.2f}")
    print(f"cold `reportgen build` wall time (median of 5):          {cold:7.1f} ms")


if __name__ == "__main__":
    main()
