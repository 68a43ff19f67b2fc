"""reportgen batch: every department folder under a root, in parallel worker processes.

One failing department never stops the rest. Each worker keeps the compiled template
and Jinja expressions for all the reports it builds, and collects garbage between
reports so its memory stays flat (docxtpl/lxml trees leave reference cycles).
"""

from __future__ import annotations

import gc
import os
import re
import signal
import sys
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .findings import InputError
from .incident import interrupted, log_unexpected, unexpected_message
from .inputs.confine import Confinement
from .inputs.root_folder import survey
from .pipeline import Evaluation
from .scoring import Status
from .text import shown

if TYPE_CHECKING:
    from .build import Built

SUCCEEDED, FAILED, SKIPPED = "成功", "失败", "跳过"
SUBMITTED = Confinement(refuse=True)  # a batch processes folders handed in by others


@dataclass(frozen=True, slots=True)  # 10,000 departments × 20 indicators held at once
class IndicatorCell:
    """One indicator of one department as 汇总表 shows it.

    unit is "%" or "分" for an indicator with a number, "" for one judged otherwise
    (a checklist, a level), whose result is then a short text; kind is the rule's kind,
    and a 评议 indicator has its score alone (the evaluators' score is its result)."""

    name: str
    unit: str
    kind: str
    value: str | None
    result: str
    score: str


Heads = tuple[tuple[str, str, str], ...]  # (name, unit, kind) of each indicator of a framework


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """A department's indicators as 汇总表 shows them, held compactly: the parent of a
    batch keeps one per department, 10,000 in a province. Names and units are one tuple
    shared by every department of a framework; the rest is one flat tuple (value, result,
    score of each indicator). Iterating gives the cells."""

    heads: Heads = ()
    texts: tuple[str | None, ...] = ()

    @classmethod
    def of(cls, cells: list[IndicatorCell]) -> IndicatorRow:
        return cls(tuple((c.name, c.unit, c.kind) for c in cells),
                   tuple(t for c in cells for t in (c.value, c.result, c.score)))

    def __iter__(self) -> Iterator[IndicatorCell]:
        texts = self.texts
        for i, (name, unit, kind) in enumerate(self.heads):
            yield IndicatorCell(name, unit, kind, texts[3 * i], texts[3 * i + 1],
                                texts[3 * i + 2])

    def __len__(self) -> int:
        return len(self.heads)

    def shared(self, pool: dict) -> IndicatorRow:
        """The same row with its heads, results and scores taken from pool, where what
        repeats across departments is kept once: pickled back from a worker, every
        department's row arrives with copies of its own."""
        texts = tuple(t if i % 3 == 0 or t is None else pool.setdefault(t, t)
                      for i, t in enumerate(self.texts))  # values rarely repeat: not pooled
        return IndicatorRow(pool.setdefault(self.heads, self.heads), texts)


@dataclass(slots=True)  # the parent holds one per department: 10,000 in a province
class Outcome:
    folder: str
    status: str = FAILED
    output: str = ""
    name: str = ""
    year: str = ""
    framework: str = ""
    total: str = ""
    grade: str = ""
    errors: int = 0
    warnings: int = 0
    draft: int = 0  # errors behind printed figures: the report was written as a 草稿
    reason: str = ""
    change: str = ""
    indicators: IndicatorRow = IndicatorRow()
    pid: int = 0
    rss_mb: float = 0.0  # resident memory of the building process after this report

    @property
    def ok(self) -> bool:
        return self.status == SUCCEEDED


def find_departments(root: Path) -> list[Path]:
    """Folders holding data.yaml or data.xlsx, in a stable order."""
    return survey(root).departments


def output_name(root: Path, folder: Path) -> str:
    relative = folder.relative_to(root).as_posix()
    return (relative.replace("/", "-") if relative != "." else folder.resolve().name) + ".docx"


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def unit_output_name(ev: Evaluation, fallback: str) -> str:
    """单位名称＋年度 as a file name any system accepts; the folder's name when it is empty."""
    basic = ev.department.data.basic
    name = _UNSAFE.sub("_", basic.name).strip(" .")[:80]
    if not name:
        return fallback
    return f"{name}{basic.year}年度部门整体支出绩效评价报告.docx"


def indicator_cells(ev: Evaluation) -> IndicatorRow:
    data = ev.department.data
    cells = []
    for r in ev.scorecard.results:
        rule = r.indicator.rule
        unit = rule.unit if rule.uses_formula else ""
        if r.status is Status.NOT_COMPUTABLE:
            result = "无法计算"
        elif r.status is Status.MISSING_DATA:
            result = "缺少数据"
        elif r.status is Status.NOT_APPLICABLE:
            result = "不适用"
        elif rule.kind == "清单":
            answers = data.checklists.get(r.name) or []
            result = f"{sum(answers)}/{len(answers)}项符合"
        elif rule.kind == "等级":
            judgement = data.judgements.get(r.name)
            result = judgement.level or "" if judgement else ""
        else:  # a figure, or 评议, whose result is its score
            result = ""
        # Scores repeat across departments: one string each, not one per department.
        cells.append(IndicatorCell(r.name, unit, rule.kind,
                                   None if r.value is None else str(r.value),
                                   result, sys.intern(str(r.score))))
    return IndicatorRow.of(cells)


def build_department(root: Path, folder: Path, out_dir: Path, template: Path | None,
                     name_by_unit: bool = False,
                     confinement: Confinement = SUBMITTED) -> tuple[Outcome, Built | None]:
    """The outcome, and the built report when there is one (its PDF comes later)."""
    from .build import build_one

    outcome = Outcome(folder=folder.relative_to(root).as_posix() or ".")
    by_folder = output_name(root, folder)
    try:
        built = build_one(
            folder, (lambda ev: out_dir / unit_output_name(ev, by_folder)) if name_by_unit
            else out_dir / by_folder, template, durable=False, confinement=confinement)
    except InputError as exc:
        outcome.reason = "；".join(f.render() for f in exc.findings[:3])
        if len(exc.findings) > 3:
            outcome.reason += f"；等共{len(exc.findings)}个问题"
        return outcome, None
    except Exception as exc:  # noqa: BLE001 - one department must never stop the batch
        if interrupted(exc):
            raise KeyboardInterrupt from exc
        outcome.reason = unexpected_message(log_unexpected(f"批量处理：{folder}"))
        return outcome, None
    ev = built.evaluation
    card, data = ev.scorecard, ev.department.data
    outcome.status = SUCCEEDED
    outcome.output = built.output.name
    outcome.name, outcome.year = data.basic.name, str(data.basic.year)
    outcome.framework = ev.framework.title
    outcome.total, outcome.grade = str(card.total), card.grade
    outcome.errors, outcome.warnings = built.errors, built.warnings
    outcome.draft = built.draft
    outcome.change = built.change
    outcome.indicators = indicator_cells(ev)
    return outcome, built


_built = 0
COLLECT_EVERY = 8
# Reports per LibreOffice call: its ~1 s start shared by 32 reports of ~0.3 s each.
PDF_CHUNK = 32


def _collect_garbage(reports: int) -> None:
    """Called with no report held. After the first report and every few after it, collect
    the cycles docxtpl/lxml leave, then freeze what survives (modules, template, caches,
    outcomes kept so far): later collections walk only what the next reports create, so
    each costs the same at the 10,000th report as at the 10th."""
    global _built
    before, _built = _built, _built + reports
    if before == 0 or before // COLLECT_EVERY != _built // COLLECT_EVERY:
        gc.collect()
        gc.freeze()


def _rss_mb() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def build_chunk(root: Path, folders: list[Path], out_dir: Path, template: Path | None = None,
                pdf: bool = False, name_by_unit: bool = False,
                confinement: Confinement = SUBMITTED) -> list[Outcome]:
    """Build the reports of a chunk, then (with pdf) convert them in one LibreOffice call.
    A worker's unit of work: here in a process pool, or a task of a distributed engine
    (docs/distributed.md); garbage is collected as it goes, so memory stays flat."""
    outcomes, reports = [], []
    for folder in folders:
        outcome, report = build_department(root, folder, out_dir, template, name_by_unit,
                                           confinement)
        outcomes.append(outcome)
        if pdf and report is not None:
            reports.append((outcome, report))
        del report
        if not pdf:
            _collect_garbage(1)
        outcome.pid, outcome.rss_mb = os.getpid(), _rss_mb()
    if pdf:
        _add_pdfs(reports)
        reports.clear()
        _collect_garbage(len(folders))
    return outcomes


def _add_pdfs(reports: list[tuple[Outcome, Built]]) -> None:
    from .build import record_pdf
    from .render.pdf import convert_many

    problems = convert_many([report.output for _, report in reports])
    for outcome, report in reports:
        problem = problems.get(report.output)
        if problem:  # the .docx stays; the department is reported as failed
            outcome.status = FAILED
            outcome.reason = (f"Word 报告已生成（{report.output.name}），PDF 未能生成：{problem}；"
                              "可在 Word 或 WPS 中打开后另存为 PDF")
        else:
            record_pdf(report, report.output.with_suffix(".pdf"))


# Told (done, total) after each finished department; the command line draws a bar.
ProgressCallback = Callable[[int, int], None]


class BatchInterrupted(Exception):  # noqa: N818 - an interruption, not an error
    """Ctrl+C during a batch: the outcomes of what finished, and the rest as not built."""

    def __init__(self, outcomes: list[Outcome]) -> None:
        super().__init__("interrupted")
        self.outcomes = outcomes


NOT_BUILT = "未生成：批量处理被 Ctrl+C 中断"


def run_batch(root: Path, out_dir: Path, jobs: int = 1, template: Path | None = None,
              pdf: bool = False, chunk: int = 8,
              on_progress: ProgressCallback | None = None,
              name_by_unit: bool = False,
              allowed_frameworks: tuple[Path, ...] = ()) -> list[Outcome]:
    """One outcome per sub-folder of root: built, failed, or skipped with its reason.

    Submitted folders are not trusted: an input outside its department folder (a linked
    narrative, a 评价框架 path) is refused unless under allowed_frameworks. Ctrl+C stops
    the workers promptly and raises BatchInterrupted with what finished."""
    found = survey(root)
    confinement = Confinement(refuse=True, allowed=allowed_frameworks)
    clashing = [] if name_by_unit else _clashing_names(root, found.departments)
    folders = [f for f in found.departments if f not in {o for o, _ in clashing}]
    out_dir.mkdir(parents=True, exist_ok=True)
    results: list[Outcome] = [Outcome(folder=f.relative_to(root).as_posix(), reason=reason)
                              for f, reason in clashing]

    pool: dict = {}

    def keep(outcomes: list[Outcome]) -> None:
        results.extend(_shared(o, pool) for o in outcomes)

    def advance() -> None:
        if on_progress is not None:
            on_progress(len(results), len(found.departments))
    if pdf:  # one LibreOffice call per chunk: bigger chunks, yet every worker busy
        chunk = max(1, min(PDF_CHUNK, -(-len(folders) // max(jobs, 1))))
    elif jobs <= 1:
        chunk = 1  # nothing shared between the reports of a chunk: the bar moves with each
    chunks = [folders[i:i + chunk] for i in range(0, len(folders), chunk)]
    interrupted = False
    try:
        if jobs <= 1:
            try:
                for part in chunks:
                    keep(build_chunk(root, part, out_dir, template, pdf, name_by_unit,
                                     confinement))
                    advance()
            finally:
                gc.unfreeze()  # this process goes on (a test, a server): let it collect all
        else:
            _build_in_workers(chunks, jobs, (root, out_dir, template, pdf, name_by_unit,
                                             confinement), keep, advance)
    except KeyboardInterrupt:
        interrupted = True
        done = {o.folder for o in results}
        results.extend(Outcome(folder=f.relative_to(root).as_posix() or ".", reason=NOT_BUILT)
                       for f in folders if (f.relative_to(root).as_posix() or ".") not in done)
    if hasattr(os, "sync"):
        os.sync()  # the reports were written atomically but not flushed one by one
    _fail_shared_outputs(results)
    results.extend(Outcome(folder=s.folder.relative_to(root).as_posix(), status=SKIPPED,
                           reason=s.reason) for s in found.skipped)
    order = [folder.relative_to(root).as_posix() or "." for folder in found.departments] + \
        [s.folder.relative_to(root).as_posix() for s in found.skipped]
    rank = {name: i for i, name in enumerate(sorted(order))}
    ordered = sorted(results, key=lambda o: rank[o.folder])
    if interrupted:
        raise BatchInterrupted(ordered)
    return ordered


def _shared(outcome: Outcome, pool: dict) -> Outcome:
    """The outcome with what repeats across departments (framework, year, grade, the
    indicators' names and scores) taken from pool: kept once, not once per department."""
    for name in ("year", "framework", "grade", "total"):
        text = getattr(outcome, name)
        setattr(outcome, name, pool.setdefault(text, text))
    outcome.indicators = outcome.indicators.shared(pool)
    return outcome


def _build_in_workers(chunks: list[list[Path]], jobs: int, common: tuple,
                      keep: Callable[[list[Outcome]], None],
                      advance: Callable[[], None]) -> None:
    """Small chunks: workers reuse their caches, and the bar still moves. Workers ignore
    Ctrl+C; the main process, on Ctrl+C, cancels what has not started and ends the
    workers at once (a report being written is left as it was: written atomically)."""
    root, out_dir, template, pdf, name_by_unit, confinement = common
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_interrupts)
    try:
        futures = [pool.submit(build_chunk, root, c, out_dir, template, pdf, name_by_unit,
                               confinement) for c in chunks]
        for future in as_completed(futures):
            keep(future.result())
            advance()
    except KeyboardInterrupt:
        for process in list(getattr(pool, "_processes", {}).values()):  # no public handle
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _clashing_names(root: Path, folders: list[Path]) -> list[tuple[Path, str]]:
    """Folders whose reports would share one file name (a/b and a-b both give a-b.docx;
    A and a on a system that ignores case): each is an error, none is built."""
    claims: dict[str, list[Path]] = {}
    for folder in folders:
        claims.setdefault(_name_key(output_name(root, folder)), []).append(folder)
    clashing = []
    for owners in claims.values():
        if len(owners) < 2:
            continue
        names = "、".join(shown(f.relative_to(root).as_posix()) for f in owners)
        for folder in owners:
            clashing.append((folder, f"{names} 的报告文件名相同（{shown(output_name(root, folder))}），"
                                     "为免互相覆盖都不生成；请给文件夹改名，或用 --按单位命名"))
    return clashing


def _name_key(name: str) -> str:
    """Names a file system may treat as one: case and Unicode normalization ignored."""
    return unicodedata.normalize("NFC", name).casefold()


def _fail_shared_outputs(results: list[Outcome]) -> None:
    """Named after 单位名称 and 年度, two departments can claim one file: the later write
    replaced the earlier one, so neither report can be trusted to be the right one."""
    claims: dict[str, list[Outcome]] = {}
    for o in results:
        if o.ok:
            claims.setdefault(_name_key(o.output), []).append(o)
    for owners in claims.values():
        if len(owners) < 2:
            continue
        folders = "、".join(shown(o.folder) for o in owners)
        for o in owners:
            o.status = FAILED
            o.reason = (f"{folders} 的单位名称和年度相同，报告都写入了 {shown(owners[0].output)}，互相覆盖；"
                        "请核对这几个文件夹的单位名称和年度")
