"""Values in, judgement out: the scores, checks and findings of a loaded department.

assess is pure (no file access): tests and the web page give it values they made;
evaluate is the usual way in from a folder on disk.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from pathlib import Path

from .checks import data_checks, related, run_checks
from .findings import Finding, InputError
from .framework import load_framework, resolve_framework
from .inputs.confine import TRUSTED, Confinement
from .inputs.folder import Department, UnusableData
from .loading import FolderInputs, load_folder
from .model import TOTAL_KEY
from .scoring import Scorecard, Status, score


@dataclass(frozen=True)
class Evaluation(FolderInputs):
    """The inputs of one department and what assessing them found."""

    scorecard: Scorecard
    findings: list[Finding]


def assess(inputs: FolderInputs) -> Evaluation:
    dept = inputs.department
    file, _ = dept.locator.place(())
    card = score(dept.data, inputs.framework, file)
    card.findings = [_locate(f, dept) for f in card.findings]
    given = {f.name: getattr(inputs, f.name) for f in dataclasses.fields(inputs)}
    return Evaluation(**given, scorecard=card, findings=run_checks(dept, card, inputs.narratives))


def evaluate(folder: Path, confinement: Confinement = TRUSTED) -> Evaluation:
    """Load the folder and assess it. Raises InputError when it cannot be used at all,
    with the data-only checks of what could be read beside the errors that stop it."""
    try:
        inputs = load_folder(folder, confinement)
    except UnusableData as exc:
        if exc.partial is None:
            raise
        raise InputError(exc.findings + _checks_of_the_rest(exc), exc.unreadable) from None
    return assess(inputs)


def _checks_of_the_rest(exc: UnusableData) -> list[Finding]:
    """What the checks say about the data that could be read: scored with its framework
    where that loads, the data-only checks otherwise. Findings about a left-out field, or
    already among the errors, are dropped."""
    dept = exc.partial
    assert dept is not None
    try:
        framework = load_framework(resolve_framework(dept.data.framework, dept.folder))
    except InputError:
        return data_checks(dept, exc.unread)
    file, _ = dept.locator.place(())
    card = score(dept.data, framework, file)
    card.findings = [_locate(f, dept) for f in card.findings]
    said = set(exc.findings)
    unscored = {r.name for r in card.results if r.status is not Status.SCORED}
    # A score claimed for an indicator scored without all its data would be compared with
    # the wrong figure; so would a claimed total once anything is missing.
    unread = {*exc.unread, *(("自填数", "指标", name) for name in unscored),
              *([("自填数", "总分")] if exc.unread or unscored else [])}
    return [f for f in run_checks(dept, card) if f not in said and not _touches(f, unread)]


def _touches(finding: Finding, unread: set[tuple]) -> bool:
    """The finding is about an unread field, or about a total one of whose parts is."""
    fields = [tuple(name.removesuffix(f".{TOTAL_KEY}").split("."))
              for name in finding.field.split("、") if name]
    return any(related(field, path) for field in fields for path in unread)


def _locate(finding: Finding, dept: Department) -> Finding:
    """Scoring names data fields by path; the locator knows their line or cell."""
    if not finding.field:
        return finding
    file, line = dept.locator.place(tuple(finding.field.split("、")[0].split(".")))
    return replace(finding, file=file, line=line)
