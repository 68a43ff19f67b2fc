"""Draft status (草稿): the errors behind printed figures, and the marks set beside them.

A report whose figures contradict each other (a total that is not the sum of its parts,
收支 that do not balance, an indicator that lacks its data) is written as a draft: the
header of every page says so with the number of errors, and each affected figure carries
a 【待核实：…】 mark where it is printed. A claimed figure (自填数) that differs from the
computed one does not make a draft: the report prints the computed value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .document import Block, Paragraph, Run, Table
from .findings import Finding, draft_errors

TOTAL = "合计"


def mark(text: str) -> str:
    """【待核实：各项之和为216人】 — set right after the figure it concerns."""
    return f"【待核实：{text}】"


# A mark set in the text for the clerk: a figure to verify or a text to supply.
MARKS = re.compile(r"【待(?:核实|补充)[^【】]*】")


def marked_runs(runs: tuple[Run, ...]) -> tuple[Run, ...]:
    """The runs with each draft mark a run of its own, flagged to be highlighted."""
    if not any(MARKS.search(run.text) for run in runs):
        return runs
    out: list[Run] = []
    for run in runs:
        at = 0
        for found in MARKS.finditer(run.text):
            out += [Run(run.text[at:found.start()], run.bold)] if found.start() > at else []
            out.append(Run(found.group(0), run.bold, marked=True))
            at = found.end()
        out += [Run(run.text[at:], run.bold)] if at < len(run.text) else []
    return tuple(out)


def highlight_marks(block: Block) -> Block:
    """A paragraph, or every paragraph of a table, with its draft marks highlighted."""
    if isinstance(block, Paragraph):
        runs = marked_runs(block.runs)
        return block if runs is block.runs else replace(block, runs=runs)
    if isinstance(block, Table):
        return replace(block, rows=tuple(
            replace(row, cells=tuple(
                replace(cell, paragraphs=tuple(highlight_marks(p) for p in cell.paragraphs))
                for cell in row.cells)) for row in block.rows))
    return block


@dataclass(frozen=True)
class Draft:
    errors: tuple[Finding, ...] = ()

    @classmethod
    def of(cls, findings: list[Finding]) -> Draft:
        return cls(tuple(draft_errors(findings)))

    @property
    def count(self) -> int:
        return len(self.errors)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def disputed(self, *path: str) -> bool:
        """Is there an error on this data field (人员.年末实有人数.合计 …)?"""
        field = ".".join(path)
        return any(f.field == field for f in self.errors)

    def header(self) -> str:
        if not self.errors:
            return ""
        return f"草稿　尚有{self.count}处错误待核实，核实前不得作为正式报告报送"


FINAL = Draft()
