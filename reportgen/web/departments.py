"""The department folders under ROOT as the web page sees them: the same core as the
command line (load, check, score, compose), addressed only by department id.

A department id is the name of a folder directly under ROOT. The browser never names a
path: every file the page reads or writes is ROOT/<id>/ plus a fixed name (data.xlsx,
data.yaml, narratives/<known section>.md), and an id is checked against a pattern and
against the folders that exist before it is joined to ROOT.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..files import read_limited
from ..findings import Finding, InputError, count_errors
from ..inputs.folder import DATA_XLSX, DATA_YAML, NARRATIVES_DIR
from ..inputs.narratives import NARRATIVE_SECTIONS, REASONS
from ..numbers import fmt2
from .store import STATE_DIR

ID_PATTERN = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff][0-9A-Za-z\u4e00-\u9fff_-]{0,63}$")
_CELL = re.compile(r"「([^」]{1,31})」!([A-Z]{1,3}[0-9]{1,7})")

# Sections a department writes itself, in report order; the other sections (引言, 评价目的 …)
# have shipped defaults a department may override.
OWN_SECTIONS = ("职责概述", "项目实施情况", "主要做法及经验", "存在的困难和问题", "建议和请求")
ALL_SECTIONS = (*OWN_SECTIONS, *(s for s in NARRATIVE_SECTIONS if s not in OWN_SECTIONS))

NOT_STARTED, DATA_ERRORS, DRAFT, FINAL = "未开始", "数据有误", "草稿", "定稿"
STATUSES = (NOT_STARTED, DATA_ERRORS, DRAFT, FINAL)


def valid_id(ident: str) -> bool:
    return bool(ID_PATTERN.match(ident)) and ident != STATE_DIR


def department_ids(root: Path) -> list[str]:
    """Folders directly under ROOT that hold a data file: the departments."""
    found = []
    for child in sorted(root.iterdir()):
        if (child.is_dir() and not child.is_symlink() and valid_id(child.name)
                and ((child / DATA_XLSX).is_file() or (child / DATA_YAML).is_file())):
            found.append(child.name)
    return found


def folder_of(root: Path, ident: str) -> Path | None:
    """ROOT/<id> when id names a real department folder (no symlink, no traversal)."""
    if not valid_id(ident):
        return None
    folder = root / ident
    if folder.is_symlink() or not folder.is_dir():
        return None
    if folder.resolve().parent != root.resolve():
        return None
    return folder


def data_kind(folder: Path) -> str:
    """'xlsx', 'yaml' or '' (no data file yet)."""
    if (folder / DATA_XLSX).is_file():
        return "xlsx"
    if (folder / DATA_YAML).is_file():
        return "yaml"
    return ""


def folder_digest(folder: Path) -> str:
    """What the department's files are now: the data file and its own narratives, by name
    and content. A save carries the digest its page was made from, so a change made
    outside the web page (the command line, Excel on a shared folder) is not overwritten."""
    import hashlib

    h = hashlib.sha256()
    files = [folder / DATA_XLSX, folder / DATA_YAML]
    narratives = folder / NARRATIVES_DIR
    if narratives.is_dir():
        files += sorted(narratives.glob("*.md"))
    for path in files:
        if path.is_file():  # streamed: a huge file costs time, never memory
            with path.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").digest()
            h.update(path.name.encode() + b"\0" + digest)
    return h.hexdigest()[:16]


def last_modified(folder: Path) -> float | None:
    """The newest modification time of the department's data file and narratives."""
    times = [p.stat().st_mtime for p in (folder / DATA_XLSX, folder / DATA_YAML) if p.is_file()]
    narratives = folder / NARRATIVES_DIR
    if narratives.is_dir():
        times += [p.stat().st_mtime for p in narratives.glob("*.md")]
    return max(times, default=None)


# -- findings as the page shows them --------------------------------------------------------

@dataclass(frozen=True)
class ShownFinding:
    severity: str
    is_error: bool
    where: str
    message: str
    link: str  # a fragment or page of the department's site, "" when it names no place


def shown(findings: list[Finding], folder: Path) -> list[ShownFinding]:
    """Findings with the server's paths cut off and a link to the field or cell they name:
    the department's own files by their name in the folder, the shipped texts as 通用文本."""
    from ..resources import data_dir

    cuts = [(str(folder) + "/", ""), (str(folder), "部门文件夹"),
            (str(data_dir("narratives")) + "/", "通用文本 ")]
    out = []
    for f in findings:
        where, message = f.where(), f.message
        for path, label in cuts:
            where, message = where.replace(path, label), message.replace(path, label)
        out.append(ShownFinding(f.severity.value, f.is_error, where, message, _link(f)))
    return out


def _link(f: Finding) -> str:
    cell = _CELL.search(f.file) or _CELL.search(f.message)
    if cell:
        return f"form#{cell_anchor(cell.group(1), cell.group(2))}"
    name = Path(f.file.split("「")[0]).name if f.file else ""
    if name == DATA_YAML:
        return f"yaml#L{f.line}" if f.line else "yaml"
    if name.endswith(".md") and Path(f.file).parent.name == NARRATIVES_DIR:
        stem = name.removesuffix(".md")
        if stem in ALL_SECTIONS or stem == REASONS:
            return f"narratives/{stem}"
    return ""


def cell_anchor(sheet: str, coord: str) -> str:
    return f"cell-{sheet}-{coord}"


# -- check ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScoreLine:
    category: str
    name: str
    value: str
    points: str
    score: str
    lost: str


@dataclass
class CheckResult:
    findings: list[ShownFinding]
    errors: int
    warnings: int
    readable: bool          # False: the data could not be read into the model at all
    name: str = ""
    total: str = ""
    grade: str = ""
    scores: list[ScoreLine] = field(default_factory=list)
    digest: str = ""
    references: dict[str, str] = field(default_factory=dict)
    blank: bool = False     # nothing filled in yet

    def status(self, final_digest: str | None) -> str:
        """未开始 (nothing filled in), 数据有误 (check finds errors: a report built now would
        be a 草稿 or carry a wrong claim), 草稿 (correct, not yet built as final), 定稿 (the
        latest build, without errors, is of exactly these inputs)."""
        if self.blank:
            return NOT_STARTED
        if self.errors or not self.readable:
            return DATA_ERRORS
        return FINAL if final_digest and final_digest == self.digest else DRAFT


def check(folder: Path) -> CheckResult:
    """What `reportgen check` and `score` say, as values for the page."""
    from ..compose import compose_report, references
    from ..manifest import digest
    from ..pipeline import evaluate

    try:
        ev = evaluate(folder)
        findings = list(ev.findings) + compose_report(ev)[1]
    except InputError as exc:
        errors = count_errors(exc.findings)
        return CheckResult(shown(exc.findings, folder), errors, len(exc.findings) - errors,
                           False, blank=_blank(folder))
    card = ev.scorecard
    errors = count_errors(findings)
    scores = [ScoreLine(r.category, r.name, r.value_text or "—", fmt2(r.points), fmt2(r.score),
                        fmt2(r.lost) if r.lost else "") for r in card.results]
    refs = {name: str(value) for name, value in references(ev).items()}
    return CheckResult(shown(findings, folder), errors, len(findings) - errors, True,
                       ev.department.data.basic.name, fmt2(card.total), card.grade, scores,
                       digest(ev.sources(), folder), refs)


def _blank(folder: Path) -> bool:
    """A workbook as `init` wrote it: no value in any input cell but the framework."""
    if data_kind(folder) != "xlsx":
        return False
    from ..inputs.xlsx_reader import read_xlsx

    try:
        raw = read_xlsx(folder / DATA_XLSX)[0]
    except InputError:
        return False
    return set(raw) <= {"评价框架"}


# -- creating a department ------------------------------------------------------------------

def create_department(root: Path, ident: str, framework: str) -> Path:
    from ..workbook.new_folder import init_department

    folder = root / ident
    if folder.exists():
        raise InputError([_plain_error(f"部门编号“{ident}”已存在，请换一个编号")])
    init_department(folder, framework)
    return folder


def _plain_error(message: str) -> Finding:
    from ..findings import error

    return error(message)


# -- narratives -----------------------------------------------------------------------------

def narrative_path(folder: Path, section: str) -> Path | None:
    if section not in ALL_SECTIONS and section != REASONS:
        return None
    return folder / NARRATIVES_DIR / f"{section}.md"


def narrative_text(folder: Path, section: str) -> tuple[str, bool]:
    """(text, is the shipped default)."""
    from ..resources import data_dir

    path = narrative_path(folder, section)
    if path is not None and path.is_file():  # bounded like every input (files.LIMITS)
        return read_limited(path, "文字材料", path.name).decode("utf-8", errors="replace"), False
    default = data_dir("narratives") / f"{section}.md"
    return (default.read_text(encoding="utf-8"), True) if default.is_file() else ("", False)


@dataclass
class ReasonItem:
    title: str
    body: str


def split_reasons(text: str) -> tuple[str, list[ReasonItem]]:
    """需要说明事项.md as (text before the first item, items headed `## 名称`)."""
    head: list[str] = []
    items: list[ReasonItem] = []
    for line in text.splitlines():
        if line.startswith("## "):
            items.append(ReasonItem(line[3:].strip(), ""))
        elif items:
            items[-1].body += line + "\n"
        else:
            head.append(line)
    for item in items:
        item.body = item.body.strip("\n")
    return "\n".join(head).strip("\n"), items


def join_reasons(head: str, items: list[ReasonItem]) -> str:
    parts = [head.strip("\n")] if head.strip() else []
    for item in items:
        if item.title.strip():
            parts.append(f"## {item.title.strip()}\n\n{item.body.strip()}")
    return "\n\n".join(parts) + "\n"


def preview(folder: Path, section: str, text: str) -> tuple[list, list[ShownFinding]]:
    """The section as the report will print it, with {{ 名称 }} filled in: document blocks.

    The text is composed from a scratch copy of the narratives, so a preview changes nothing.
    """
    from ..compose import Composer
    from ..inputs.narratives import read_narratives
    from ..pipeline import evaluate

    ev = evaluate(folder)
    with tempfile.TemporaryDirectory(prefix="reportgen-preview-") as work:
        scratch = Path(work) / NARRATIVES_DIR
        source = folder / NARRATIVES_DIR
        if source.is_dir():
            shutil.copytree(source, scratch)
        scratch.mkdir(exist_ok=True)
        (scratch / f"{section}.md").write_text(text, encoding="utf-8")
        narratives = read_narratives(scratch)
        composer = Composer(ev, narratives)
        if section == REASONS:
            blocks = []
            for name in narratives.reasons:
                found = narratives.reasons[name]
                blocks.extend(composer.md_blocks(found[0], found[1]))
        else:
            blocks = composer.narrative(section)
        findings = [f for f in composer.findings if f.file.endswith(f"{section}.md")]
        return blocks, shown(findings, scratch.parent)
