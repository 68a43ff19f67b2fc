"""reportgen batch: every department folder under a root, in parallel worker processes.

One failing department never stops the rest. Each worker keeps the compiled template
and Jinja expressions for all the reports it builds, and collects garbage between
reports so its memory stays flat (docxtpl/lxml trees leave reference cycles).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .findings import InputError
from .inputs.folder import DATA_XLSX, DATA_YAML

SKIP_DIRS = {"narratives", "__pycache__", ".git"}


@dataclass
class Outcome:
    folder: str
    output: str = ""
    ok: bool = False
    name: str = ""
    year: str = ""
    total: str = ""
    grade: str = ""
    errors: int = 0
    warnings: int = 0
    reason: str = ""
    change: str = ""
    indicators: list[tuple[str, str | None, str]] = field(default_factory=list)
    pid: int = 0
    rss_mb: float = 0.0  # resident memory of the building process after this report


def find_departments(root: Path) -> list[Path]:
    """Folders holding data.yaml or data.xlsx, in a stable order."""
    found = []
    for marker in (DATA_YAML, DATA_XLSX):
        found.extend(p.parent for p in root.rglob(marker)
                     if not SKIP_DIRS & set(p.relative_to(root).parts[:-1]))
    return sorted(set(found))


def output_name(root: Path, folder: Path) -> str:
    relative = folder.relative_to(root).as_posix()
    return (relative.replace("/", "-") if relative != "." else folder.resolve().name) + ".docx"


def build_department(root: Path, folder: Path, out_dir: Path, template: Path | None,
                     pdf: bool) -> Outcome:
    from .build import build_one, convert_to_pdf

    outcome = Outcome(folder=folder.relative_to(root).as_posix() or ".")
    output = out_dir / output_name(root, folder)
    try:
        built = build_one(folder, output, template, durable=False)
        if pdf:
            convert_to_pdf(output)
    except InputError as exc:
        outcome.reason = "；".join(f.render() for f in exc.findings[:3])
        if len(exc.findings) > 3:
            outcome.reason += f"；等共{len(exc.findings)}个问题"
        return outcome
    except Exception as exc:  # noqa: BLE001 - one department must never stop the batch
        outcome.reason = f"内部错误：{type(exc).__name__}: {exc}"
        return outcome
    card, data = built.evaluation.scorecard, built.evaluation.department.data
    outcome.ok = True
    outcome.output = output.name
    outcome.name, outcome.year = data.basic.name, str(data.basic.year)
    outcome.total, outcome.grade = str(card.total), card.grade
    outcome.errors, outcome.warnings = built.errors, built.warnings
    outcome.change = built.change
    outcome.indicators = [(r.name, None if r.value is None else str(r.value), str(r.score))
                          for r in card.results]
    return outcome


_built = 0
COLLECT_EVERY = 8


def _build_and_collect(root: Path, folder: Path, out_dir: Path, template: Path | None,
                       pdf: bool) -> Outcome:
    global _built
    outcome = build_department(root, folder, out_dir, template, pdf)
    _built += 1
    if _built == 1 or _built % COLLECT_EVERY == 0:
        # Collect the cycles of the last few reports (docxtpl/lxml leave some), then freeze
        # what survives (modules, template, caches, outcomes kept so far): later collections
        # walk only what the next reports create, so each costs the same at the
        # 10,000th report as at the 10th.
        gc.collect()
        gc.freeze()
    outcome.pid, outcome.rss_mb = os.getpid(), _rss_mb()
    return outcome


def _rss_mb() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _worker(args: tuple[Path, list[Path], Path, Path | None, bool]) -> list[Outcome]:
    root, folders, out_dir, template, pdf = args
    return [_build_and_collect(root, folder, out_dir, template, pdf) for folder in folders]


# Told (done, total) after each finished department; the command line draws a bar.
ProgressCallback = Callable[[int, int], None]


def run_batch(root: Path, out_dir: Path, jobs: int = 1, template: Path | None = None,
              pdf: bool = False, chunk: int = 8,
              on_progress: ProgressCallback | None = None) -> list[Outcome]:
    folders = find_departments(root)
    out_dir.mkdir(parents=True, exist_ok=True)
    results: list[Outcome] = []

    def advance() -> None:
        if on_progress is not None:
            on_progress(len(results), len(folders))

    if jobs <= 1:
        for folder in folders:
            results.append(_build_and_collect(root, folder, out_dir, template, pdf))
            advance()
        gc.unfreeze()  # this process goes on (a test, a server): let it collect everything
    else:
        # Small chunks: workers reuse their caches, and the bar still moves.
        chunks = [folders[i:i + chunk] for i in range(0, len(folders), chunk)]
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_worker, (root, c, out_dir, template, pdf)) for c in chunks]
            for future in as_completed(futures):
                results.extend(future.result())
                advance()
    if hasattr(os, "sync"):
        os.sync()  # the reports were written atomically but not flushed one by one
    order = {folder.relative_to(root).as_posix() or ".": i for i, folder in enumerate(folders)}
    return sorted(results, key=lambda o: order[o.folder])
