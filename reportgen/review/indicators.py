"""Indicators: the table against the text, and each score against the framework's rule.

Each indicator whose value the report computes is scored again under the framework's own
rule; a score in the text that differs from the table, or from what the rule gives, is a
finding; a wrong computation carries its consequence for the score and the total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..framework import Framework, Indicator
from ..numbers import fmt_points, round2
from ..rules import MissingInput, RuleInput
from .computations import Computation
from .figures import as_written
from .indicator_table import (
    IndicatorTable,
    Row,
    check_table,
    choose_framework,
    find_indicator_table,
    key,
    table_total,
)
from .indicator_text import (
    Claim,
    Section,
    indicator_sections,
    score_claims,
    text_total,
    value_claims,
)
from .model import ReviewFinding, ReviewKind
from .reader import ReviewedDocument, SourceCell, SourceParagraph


@dataclass
class Rescored:
    findings: list[ReviewFinding] = field(default_factory=list)
    framework: Framework | None = None
    framework_note: str = ""
    claimed_total: Decimal | None = None
    recomputed_total: Decimal | None = None
    table: IndicatorTable | None = None
    # A wrong computation's consequences for its indicator's score and the total, by id().
    consequences: dict[int, str] = field(default_factory=dict)




def check_indicators(doc: ReviewedDocument, computations: list[Computation],
                     wanted_framework: str | None) -> Rescored:
    outcome = Rescored()
    parsed = find_indicator_table(doc)
    outcome.table = parsed
    framework, note = choose_framework(parsed, wanted_framework)
    outcome.framework, outcome.framework_note = framework, note
    if parsed is not None:
        outcome.findings += check_table(parsed, framework)
    names = [i.name for _, _, i in framework.indicators()] if framework else []
    names += [r.name for r in parsed.rows] if parsed else []
    sections = indicator_sections(doc.paragraphs, names)
    by_name = {key(i.name): i for _, _, i in framework.indicators()} if framework else {}
    rows = {r.name: r for r in parsed.rows} if parsed else {}
    consequences = outcome.consequences
    recomputed_scores: dict[str, Decimal] = {}
    for name in dict.fromkeys(s.indicator for s in sections):
        own = [s for s in sections if s.indicator == name]
        indicator = by_name.get(name)
        row = rows.get(name)
        table_score = row.score if row and _own(row.score_cell, parsed) else None
        table_points = row.points if row and _own(row.points_cell, parsed) else None
        points = (indicator.points if indicator else None) or table_points
        # A figure above the indicator's points is some other score (a 考核 result), not its own.
        claims = [c for s in own for c in score_claims(s) if points is None or c.value <= points]
        computation = _section_computation(own, computations)
        rule_score = _rescore(indicator, computation, own, doc.paragraphs)
        if rule_score is not None:
            recomputed_scores[name] = rule_score
        claimed = table_score if table_score is not None else (claims[0].value if claims else None)
        mismatched = [c for c in claims if table_score is not None and c.value != table_score]
        wrong_points = [s for s in own if s.points is not None and table_points is not None
                        and s.points != table_points]
        if mismatched or wrong_points:
            outcome.findings.append(_mismatch(name, mismatched, wrong_points, row, table_score,
                                              table_points, rule_score, computation))
            continue
        if computation is not None and not computation.consistent and rule_score is not None:
            written = claimed
            if written is not None and written != rule_score:
                consequences[id(computation)] = (
                    f"按重算的结果和评分标准，该项应得{fmt_points(rule_score)}分"
                    f"（报告写{fmt_points(written)}分）。")
            continue
        if rule_score is not None and claimed is not None and rule_score != claimed and \
                computation is not None:
            target = claims[-1] if claims else None
            outcome.findings.append(_rescored(name, indicator, target, row, claimed, rule_score,
                                              computation))
    outcome.findings += _value_mismatches(doc.paragraphs, by_name, sections, computations)
    claimed_total = table_total(parsed)
    total_claim, grade_claim = text_total(doc.paragraphs)
    if claimed_total is None and total_claim is not None:
        claimed_total = total_claim.value
    outcome.claimed_total = claimed_total
    outcome.findings += _total_and_grade(parsed, total_claim, grade_claim, framework)
    if framework is not None and claimed_total is not None and parsed is not None:
        total = Decimal(0)
        for r in parsed.rows:
            if r.score_cell is not None and r.score_cell.is_origin and r.score is not None:
                total += recomputed_scores.get(r.name, r.score)
        outcome.recomputed_total = round2(total)
        if outcome.recomputed_total != claimed_total:
            for computation in computations:
                if id(computation) in consequences:
                    consequences[id(computation)] = consequences[id(computation)][:-1] + (
                        f"；总分相应为{fmt_points(outcome.recomputed_total)}分"
                        f"（报告写{fmt_points(claimed_total)}分）。")
    return outcome


def _own(cell: SourceCell | None, parsed: IndicatorTable | None) -> bool:
    """A cell that belongs to one indicator alone (not merged over several)."""
    if cell is None or parsed is None:
        return False
    sharing = sum(1 for r in parsed.rows for c in (r.points_cell, r.score_cell)
                  if c is not None and c.origin == cell.origin and c.column == cell.column)
    return sharing == 1


def _section_computation(sections: list[Section], computations: list[Computation]) -> Computation | None:
    inside = {id(p) for s in sections for p in s.paragraphs}
    for c in computations:
        if id(c.paragraph) in inside and c.written.unit == "%":
            return c
    return None


def _rescore(indicator: Indicator | None, computation: Computation | None,
             sections: list[Section], paragraphs: list[SourceParagraph]) -> Decimal | None:
    if indicator is None or not indicator.rule.uses_formula or indicator.rule.kind == "线性":
        return None
    value = None
    if computation is not None and computation.recomputed is not None:
        value = round2(computation.recomputed)
    else:
        own = {id(p) for s in sections for p in s.paragraphs}
        claims = [c for c in value_claims(paragraphs, indicator.name) if id(c.paragraph) in own]
        if claims:
            value = claims[0].value
    if value is None:
        return None
    try:
        return indicator.rule.apply(RuleInput(points=indicator.points, value=value)).score
    except (MissingInput, AssertionError):
        return None


def _mismatch(name, mismatched: list[Claim], wrong_points: list[Section], row: Row | None,
              table_score, table_points, rule_score, computation) -> ReviewFinding:
    parts = []
    if wrong_points:
        parts.append(f"标题写分值{fmt_points(wrong_points[0].points)}分，"
                     f"指标表中分值为{fmt_points(table_points)}分")
    if mismatched:
        parts.append(f"正文写得{fmt_points(mismatched[0].value)}分，指标表"
                     f"（{row.score_cell.place.describe()}）写得{fmt_points(table_score)}分")
    if rule_score is not None:
        basis = f"{computation.written.text.strip()}" if computation is not None else ""
        parts.append(f"按报告自己的数字{('（' + basis + '）') if basis else ''}和评分标准应得"
                     f"{fmt_points(rule_score)}分")
    if mismatched:
        target, span = mismatched[0].paragraph, mismatched[0].span
    else:
        target, span = wrong_points[0].heading, None
    return ReviewFinding(ReviewKind.MISMATCH, target, span, f"“{name}”前后不一：" + "；".join(parts) + "。")


def _rescored(name, indicator, claim: Claim | None, row: Row | None, claimed, rule_score,
              computation: Computation) -> ReviewFinding:
    message = (f"“{name}”按报告写的{computation.written.text.strip()}和评分标准"
               f"（{indicator.standard or indicator.rule.kind}）应得{fmt_points(rule_score)}分，"
               f"报告写{fmt_points(claimed)}分。")
    if claim is not None:
        return ReviewFinding(ReviewKind.SCORE, claim.paragraph, claim.span, message)
    assert row is not None and row.score_cell is not None
    return ReviewFinding(ReviewKind.SCORE, row.score_cell, None, message)


def _value_mismatches(paragraphs, by_name, sections, computations) -> list[ReviewFinding]:
    findings = []
    for name, indicator in by_name.items():
        written: list[tuple[Claim, int]] = []
        own = [s for s in sections if s.indicator == name]
        c = _section_computation(own, computations)
        if c is not None:
            written.append((Claim(c.paragraph, c.span, c.written.value, c.written.text), c.written.decimals))
        for claim in value_claims(paragraphs, indicator.name):
            decimals = len(claim.text.split(".", 1)[1].rstrip("%")) if "." in claim.text else 0
            written.append((claim, decimals))
        if len(written) < 2:
            continue
        first, first_decimals = written[0]
        for claim, decimals in written[1:]:
            common = min(first_decimals, decimals)
            if as_written(claim.value, common) == as_written(first.value, common):
                continue
            findings.append(ReviewFinding(ReviewKind.MISMATCH, claim.paragraph, claim.span, (
                f"此处写{indicator.name}为{claim.text.strip()}，{first.paragraph.place.describe()}"
                f"写的是{first.text.strip()}，同一数值前后不一。")))
    return findings


def _total_and_grade(parsed, total_claim: Claim | None, grade_claim: Claim | None,
                     framework: Framework | None) -> list[ReviewFinding]:
    findings = []
    table_value = table_total(parsed)
    if total_claim is not None and table_value is not None and total_claim.value != table_value:
        findings.append(ReviewFinding(ReviewKind.MISMATCH, total_claim.paragraph, total_claim.span, (
            f"正文写总分{fmt_points(total_claim.value)}分，指标表合计为{fmt_points(table_value)}分。")))
    total = total_claim.value if total_claim is not None else table_value
    if grade_claim is not None and total is not None:
        expected = _grade(total, framework)
        if expected and expected != grade_claim.text:
            findings.append(ReviewFinding(ReviewKind.SCORE, grade_claim.paragraph, grade_claim.span, (
                f"总分{fmt_points(total)}分对应的等级应为“{expected}”，报告写“{grade_claim.text}”。")))
    return findings


def _grade(total: Decimal, framework: Framework | None) -> str:
    if framework is not None:
        return framework.grade(total)
    for name, minimum in (("优", 90), ("良", 80), ("中", 60), ("差", 0)):
        if total >= minimum:
            return name
    return ""


