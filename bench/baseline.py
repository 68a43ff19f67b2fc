"""What the benchmarks measure against, defined once: a bare docxtpl load, render and save
of our template with a department's own context, and repeated timings of a call."""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from pathlib import Path


def context_of(folder: Path) -> dict:
    """The template context reportgen renders for a department folder."""
    from reportgen.build import template_context
    from reportgen.compose import compose_report
    from reportgen.pipeline import evaluate

    return template_context(compose_report(evaluate(folder))[0])


def bare_docxtpl(context: dict) -> None:
    """One bare docxtpl load, render and save (to memory) of our template."""
    from docxtpl import DocxTemplate
    from jinja2.sandbox import SandboxedEnvironment

    from reportgen.build import default_template

    template = DocxTemplate(str(default_template()))
    template.render(context, jinja_env=SandboxedEnvironment(autoescape=True))
    template.save(io.BytesIO())


def timings(fn: Callable[[], object], n: int, clock: Callable[[], float] = time.perf_counter,
            warm_up: bool = True) -> list[float]:
    """Seconds (of clock) of n calls, after one untimed call when warm_up (imports, caches)."""
    if warm_up:
        fn()
    times = []
    for _ in range(n):
        start = clock()
        fn()
        times.append(clock() - start)
    return times


def median_seconds(fn: Callable[[], object], n: int, warm_up: bool = True) -> float:
    return statistics.median(timings(fn, n, warm_up=warm_up))
