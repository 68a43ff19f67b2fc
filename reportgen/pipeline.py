"""Input folder → validated model → scorecard → findings: the steps every command shares."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .checks import run_checks
from .findings import Finding, InputError
from .framework import Framework, load_framework, resolve_framework
from .inputs.folder import Department, load_department
from .scoring import Scorecard, score


@dataclass
class Evaluation:
    department: Department
    framework: Framework
    scorecard: Scorecard
    findings: list[Finding]
    framework_file: Path


def evaluate(folder: Path) -> Evaluation:
    """Raises InputError when the folder or its framework cannot be used at all."""
    dept = load_department(folder)
    try:
        framework_file = resolve_framework(dept.data.framework, folder)
    except InputError as exc:  # say where 评价框架 was written
        file, line = dept.locator.place(("评价框架",))
        raise InputError([replace(f, file=f.file or file, line=f.line or line)
                          for f in exc.findings], exc.unreadable) from None
    framework = load_framework(framework_file)
    file, _ = dept.locator.place(())
    card = score(dept.data, framework, file)
    card.findings = [_locate(f, dept) for f in card.findings]
    return Evaluation(dept, framework, card, run_checks(dept, card), framework_file)


def _locate(finding: Finding, dept: Department) -> Finding:
    """Scoring names data fields by path; the locator knows their line or cell."""
    if not finding.field:
        return finding
    file, line = dept.locator.place(tuple(finding.field.split("、")[0].split(".")))
    return replace(finding, file=file, line=line)
