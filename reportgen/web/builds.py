"""Builds kept by the web page: every build of a department stays, with its manifest, so
any earlier report can be downloaded and two builds compared (manifest.changes).

ROOT/.reportgen-web/builds/<id>/<n>/report.docx (+ report.manifest.json, report.pdf,
pages/page-N.png). Page images come from LibreOffice (PDF) and poppler's pdftoppm when
both are installed.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..findings import InputError
from .store import STATE_DIR, BuildRow, Store

REPORT = "report.docx"
PAGE_DPI = 60
MAX_PAGES = 80


def build_dir(root: Path, ident: str, seq: int) -> Path:
    return root / STATE_DIR / "builds" / ident / str(seq)


def build_department(root: Path, store: Store, folder: Path, ident: str, user: str) -> BuildRow:
    """Raises InputError when the department's data cannot be read into a report."""
    from ..build import build_one
    from ..manifest import describe_changes, manifest_path
    from ..manifest import load as load_manifest

    previous = store.builds(ident)
    seq = store.next_build(ident)
    target = build_dir(root, ident, seq)
    built = build_one(folder, target / REPORT)
    after = load_manifest(manifest_path(target / REPORT)) or {}
    before = None
    if previous:
        before = load_manifest(manifest_path(build_dir(root, ident, previous[0].seq) / REPORT))
    card = built.evaluation.scorecard
    row = BuildRow(ident, seq, time.time(), user, REPORT, str(card.total), card.grade,
                   built.errors, built.warnings, built.draft, str(after.get("输入摘要", "")),
                   describe_changes(before, after) if after else built.change)
    store.add_build(row)
    return row


def report_name(store: Store, row: BuildRow) -> str:
    dept = store.department(row.department)
    name = dept.name if dept and dept.name else row.department
    return f"{name}绩效评价报告-第{row.seq}次生成.docx"


def manifest_of(root: Path, row: BuildRow) -> dict:
    from ..manifest import load, manifest_path

    return load(manifest_path(build_dir(root, row.department, row.seq) / REPORT)) or {}


def compare(root: Path, a: BuildRow, b: BuildRow) -> tuple[list[str], list[tuple]]:
    """Change lines (预算完成率 87.75% → 100.00%，得分 1 → 5) and an indicator table."""
    from ..manifest import changes

    old, new = manifest_of(root, a), manifest_of(root, b)
    before = {i["名称"]: i for i in old.get("指标", [])}
    rows = []
    for item in new.get("指标", []):
        prev = before.get(item["名称"], {})
        rows.append((item["名称"], prev.get("值") or "—", prev.get("得分", "—"),
                     item.get("值") or "—", item.get("得分"),
                     prev.get("值") != item.get("值") or prev.get("得分") != item.get("得分")))
    rows.append(("总分", "", old.get("总分", "—"), "", new.get("总分", "—"),
                 old.get("总分") != new.get("总分")))
    return changes(old, new), rows


def tools_for_pages() -> bool:
    return bool((shutil.which("soffice") or shutil.which("libreoffice")) and
                shutil.which("pdftoppm"))


def make_pages(root: Path, row: BuildRow) -> list[Path]:
    """The report's PDF and one PNG per page (made once per build, then kept)."""
    from ..render.pdf import convert_to_pdf

    target = build_dir(root, row.department, row.seq)
    pages_dir = target / "pages"
    existing = page_files(root, row)
    if existing:
        return existing
    pdf = target / "report.pdf"
    if not pdf.is_file():
        convert_to_pdf(target / REPORT)
    work = target / "pages.tmp"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    subprocess.run(["pdftoppm", "-png", "-r", str(PAGE_DPI), "-l", str(MAX_PAGES), str(pdf),
                    str(work / "page")], check=True, capture_output=True, timeout=300)
    shutil.rmtree(pages_dir, ignore_errors=True)
    work.rename(pages_dir)
    return page_files(root, row)


def page_files(root: Path, row: BuildRow) -> list[Path]:
    pages_dir = build_dir(root, row.department, row.seq) / "pages"
    if not pages_dir.is_dir():
        return []
    return sorted(pages_dir.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))


# -- batch build ----------------------------------------------------------------------------

@dataclass
class BatchRun:
    total: int = 0
    done: int = 0
    failed: list[str] = field(default_factory=list)
    running: bool = False
    started_by: str = ""
    started_at: float = 0.0
    finished_at: float = 0.0


class Batch:
    """One batch build at a time, in a background thread; the page polls its progress."""

    def __init__(self) -> None:
        self.state = BatchRun()
        self._lock = threading.Lock()

    def start(self, ids: list[str], run_one) -> bool:
        with self._lock:
            if self.state.running:
                return False
            self.state = BatchRun(total=len(ids), running=True, started_at=time.time())
        threading.Thread(target=self._run, args=(ids, run_one), daemon=True).start()
        return True

    def _run(self, ids: list[str], run_one) -> None:
        try:
            for ident in ids:
                try:
                    run_one(ident)
                except InputError:
                    self.state.failed.append(ident)
                except Exception:  # noqa: BLE001 - one department never stops the batch
                    self.state.failed.append(ident)
                self.state.done += 1
        finally:
            self.state.running = False
            self.state.finished_at = time.time()
