"""Values in, judgement out: the scores, checks and findings of a loaded department.

assess is pure (no file access): tests and the web page give it values they made;
evaluate is the usual way in from a folder on disk.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .checks import run_checks
from .findings import Finding
from .framework import Framework
from .inputs.folder import Department
from .inputs.narratives import Narratives
from .loading import FolderInputs, load_folder
from .scoring import Scorecard, score


@dataclass
class Evaluation:
    inputs: FolderInputs
    scorecard: Scorecard
    findings: list[Finding]

    @property
    def department(self) -> Department:
        return self.inputs.department

    @property
    def framework(self) -> Framework:
        return self.inputs.framework

    @property
    def narratives(self) -> Narratives:
        return self.inputs.narratives

    @property
    def framework_file(self) -> Path:
        return self.inputs.framework_file


def assess(inputs: FolderInputs) -> Evaluation:
    dept = inputs.department
    file, _ = dept.locator.place(())
    card = score(dept.data, inputs.framework, file)
    card.findings = [_locate(f, dept) for f in card.findings]
    return Evaluation(inputs, card, run_checks(dept, card))


def evaluate(folder: Path) -> Evaluation:
    """Load the folder and assess it. Raises InputError when it cannot be used at all."""
    return assess(load_folder(folder))


def _locate(finding: Finding, dept: Department) -> Finding:
    """Scoring names data fields by path; the locator knows their line or cell."""
    if not finding.field:
        return finding
    file, line = dept.locator.place(tuple(finding.field.split("、")[0].split(".")))
    return replace(finding, file=file, line=line)
