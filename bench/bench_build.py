"""Benchmark: per-report build time vs a bare docxtpl render-and-save, and cold CLI time.

A script, not a timed test: machines are shared and noisy, so every figure is compared
with another measured in the same run. Usage: python bench/bench_build.py [-n 30]
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

from reportgen.build import default_template, render_docx, template_context
from reportgen.compose import compose_report
from reportgen.pipeline import evaluate

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "xiangxi-commerce-2018"


def median_ms(fn, n: int) -> float:
    fn()  # warm-up: imports, caches
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bare_docxtpl(context: dict) -> None:
    template = DocxTemplate(str(default_template()))
    template.render(context, jinja_env=SandboxedEnvironment(autoescape=True))
    template.save(io.BytesIO())


def reportgen_build() -> None:
    render_docx(evaluate(EXAMPLE))


def cold_cli_ms(runs: int) -> float:
    times = []
    with tempfile.TemporaryDirectory() as work:
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "reportgen.cli", "build", str(EXAMPLE), "-o",
                            f"{work}/r.docx"], check=True, capture_output=True)
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=30, help="renders per measurement")
    args = parser.parse_args()
    ev = evaluate(EXAMPLE)
    doc, _ = compose_report(ev)
    context = template_context(doc)
    bare = median_ms(lambda: bare_docxtpl(context), args.n)
    ours = median_ms(reportgen_build, args.n)
    cold = cold_cli_ms(5)
    print(f"bare docxtpl render+save (same template, same context): {bare:7.1f} ms")
    print(f"reportgen in-process build (evaluate+compose+render):   {ours:7.1f} ms")
    print(f"ratio reportgen / bare docxtpl:                          {ours / bare:7.2f}")
    print(f"cold `reportgen build` wall time (median of 5):          {cold:7.1f} ms")


if __name__ == "__main__":
    main()
