"""Narrative sections: Markdown files in DIR/narratives/, with defaults shipped in the package.

Reading only: files are decoded and split into blocks here; filling in {{ 名称 }}
references with computed figures happens when the report is composed.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..files import read_limited
from ..findings import Finding, InputError, error
from ..resources import data_dir
from ..text import shown
from .confine import TRUSTED, Confinement
from .markdown import MdBlock, parse_blocks
from .yaml_source import NotText, decode

# File stem → the section it fills (as the report's heading names it).
NARRATIVE_SECTIONS: dict[str, str] = {
    "引言": "报告开头的引言",
    "职责概述": "部门职责概述",
    "项目实施情况": "部门项目实施情况",
    "评价目的": "绩效评价目的",
    "评价过程": "绩效评价实施过程",
    "局限性": "绩效评价的局限性",
    "主要做法及经验": "主要做法及经验",
    "存在的困难和问题": "存在的困难和问题",
    "建议和请求": "建议和请求",
}
REASONS = "需要说明事项"
# One paragraph's text, well under libxml2's 10 MB text node (python-docx and our own XML
# check refuse longer ones): about 3 MB of Chinese, some two thousand pages.
MAX_PARAGRAPH = 1_000_000


@dataclass(frozen=True)
class Narrative:
    name: str
    file: str
    blocks: tuple[MdBlock, ...]
    is_default: bool = False


@dataclass
class Narratives:
    sections: dict[str, Narrative]
    reasons: dict[str, tuple[list[MdBlock], str]]  # normalized indicator name → blocks, file
    reasons_file: str | None
    reason_headings: list[MdBlock]
    notes: list[Finding]  # warnings met while reading (a GBK file, say)
    files: list[tuple[Path, str]] = field(default_factory=list)  # the department's own, sha256

    def reason_for(self, indicator: str) -> tuple[list[MdBlock], str] | None:
        return self.reasons.get(normalize_name(indicator))

    def where_to_explain(self, indicator: str) -> str:
        """Where the reason for an indicator goes, in words true of the clerk's folder."""
        if self.reasons_file:
            return f"请在 narratives/{REASONS}.md 中加一节“## {indicator}”"
        return f"请新建 narratives/{REASONS}.md，在其中加一节“## {indicator}”"


def normalize_name(name: str) -> str:
    """“三公经费”变动率, "三公经费"变动率 and 三公经费变动率 are one indicator."""
    return re.sub(r"[\s“”\"'‘’「」]", "", name)


def read_narratives(folder: Path, confinement: Confinement = TRUSTED) -> Narratives:
    """Raises InputError when a narrative file exists but is not text."""
    problems: list[Finding] = []
    notes: list[Finding] = []
    sections: dict[str, Narrative] = {}
    files: list[tuple[Path, str]] = []
    defaults = data_dir("narratives")
    entries = _entries(folder)
    for name in NARRATIVE_SECTIONS:
        own = entries.get(f"{name}.md", folder / f"{name}.md")
        if os.path.lexists(own):  # a folder, a pipe or a broken link by that name: say so
            if not _confined(own, folder, confinement, problems, notes):
                continue
            text = _read(own, problems, notes, files)
            if text is not None:
                blocks = _checked(parse_blocks(text), own, problems)
                sections[name] = Narrative(name, str(own), tuple(blocks))
            continue
        default = _default(defaults / f"{name}.md")
        if default is not None:
            sections[name] = default
    reasons: dict[str, tuple[list[MdBlock], str]] = {}
    headings: list[MdBlock] = []
    reasons_path = entries.get(f"{REASONS}.md", folder / f"{REASONS}.md")
    reasons_file = None
    if os.path.lexists(reasons_path) and _confined(reasons_path, folder, confinement, problems,
                                                   notes):
        text = _read(reasons_path, problems, notes, files)
        if text is not None:
            reasons_file = str(reasons_path)
            blocks = _checked(parse_blocks(text), reasons_path, problems)
            headings = [b for b in blocks if b.kind == "heading"]
            reasons = _split_reasons(blocks, reasons_file)
    if problems:
        raise InputError(problems, unreadable=True)
    return Narratives(sections, reasons, reasons_file, headings, notes, sorted(files))


def _entries(folder: Path) -> dict[str, Path]:
    """The folder's files by the names a writer sees: a name that is not UTF-8 (a zip made
    on Windows keeps GBK bytes) is found under its GBK reading, 职责概述.md as written."""
    try:
        with os.scandir(folder) as listing:
            return {shown(entry.name): Path(entry.path) for entry in listing}
    except OSError:
        return {}


def _confined(path: Path, narratives: Path, confinement: Confinement,
              problems: list[Finding], notes: list[Finding]) -> bool:
    """False when the file leads outside the department and may not be read."""
    finding = confinement.check(path, narratives.parent, "文字材料")
    if finding is None:
        return True
    (problems if finding.is_error else notes).append(finding)
    return not finding.is_error


@cache
def _default(path: Path) -> Narrative | None:
    """The shipped defaults do not change while a batch runs: parse them once."""
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    return Narrative(path.stem, str(path), tuple(parse_blocks(text)), True)


def _read(path: Path, problems: list[Finding], notes: list[Finding],
          files: list[tuple[Path, str]]) -> str | None:
    try:
        raw = read_limited(path, "文字材料")
        text, said = decode(raw, str(path))
    except NotText as exc:
        problems.append(error("叙述文件不是文本（可能是 Word 文件或二进制文件改了扩展名）；"
                              "请用文本编辑器另存为 UTF-8 编码的 .md 文件", exc.findings[0].file))
        return None
    except InputError as exc:
        problems.extend(exc.findings)
        return None
    problems.extend(n for n in said if n.is_error)
    notes.extend(n for n in said if not n.is_error)
    files.append((path, hashlib.sha256(raw).hexdigest()))
    return text


def _checked(blocks: list[MdBlock], path: Path, problems: list[Finding]) -> list[MdBlock]:
    for block in blocks:
        if len(block.text) > MAX_PARAGRAPH:
            problems.append(error(f"此行起的段落长达{len(block.text)}字，超过{MAX_PARAGRAPH}字的上限；"
                                  "请用空行分段", str(path), block.line))
    return blocks


def _split_reasons(blocks: list[MdBlock], file: str) -> dict[str, tuple[list[MdBlock], str]]:
    reasons: dict[str, tuple[list[MdBlock], str]] = {}
    current: list[MdBlock] | None = None
    for block in blocks:
        if block.kind == "heading":
            current = []
            reasons[normalize_name(block.text)] = (current, file)
        elif current is not None:
            current.append(block)
    return reasons

