"""The indicator table and the text around it.

Reads the appendix table (一级/二级/三级 names, 分值, 得分, merged cells counted once),
guesses the framework from its names and points, and checks: scores within points, a
level's points equal to the sum below it, the total row, each indicator's points against
the framework. Then the text: the sections headed by an indicator's name, the scores and
points they state, the values written for an indicator anywhere, the total and grade.
Each indicator whose value the report gives is scored again under the framework's rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from ..findings import InputError
from ..framework import Framework, Indicator, builtin_frameworks, load_framework, resolve_framework
from ..numbers import fmt_points, round2
from ..rules import MissingInput, RuleInput
from .computations import Computation
from .figures import agrees, as_written, normalize, show
from .model import Finding, Kind
from .reader import Cell, Paragraph, ReviewedDocument, Table

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "“”\"'‘’「」")
_TOTAL_LABELS = ("合计", "总计", "总分", "合计得分")
_MARKER = re.compile(r"^\s*(?:[(（]?[一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|"
                     r"\d+(?:\.\d+)*[.．、]?|[①-⑳])\s*")
_POINTS_SUFFIX = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*[:：。]?\s*$")
_SCORE = re.compile(r"(?:得满分|得)\s*(\d+(?:\.\d+)?)\s*分|(不得分)|"
                    r"(?<!考核)(?<!测评)(?<!评价)得分(?:为|是|[:：])?\s*(\d+(?:\.\d+)?)\s*分")
_GRADE = re.compile(r"等级为\s*[“\"]?([优良中差])|评为\s*[“\"]?([优良中差])[”\"]?")
_TEXT_TOTAL = re.compile(r"(?:(?:评价|自评|综合|总)得分|总分)(?:为|是|[:：])\s*(\d+(?:\.\d+)?)\s*分")
_UNIT_NOTE = re.compile(r"[(（][^)）]*[)）]")


def key(name: str) -> str:
    """Names compared without spaces, line breaks or quotation marks."""
    return _SPACE.sub("", name).translate(_QUOTES)


@dataclass
class Row:
    """One 三级 indicator line of the table."""

    name: str
    name_cell: Cell
    points_cell: Cell | None
    score_cell: Cell | None
    category: str = ""
    category_points: Cell | None = None
    group_points: Cell | None = None
    group: str = ""

    @property
    def points(self) -> Decimal | None:
        return _number(self.points_cell)

    @property
    def score(self) -> Decimal | None:
        return _number(self.score_cell)


@dataclass
class IndicatorTable:
    table: Table
    rows: list[Row]
    total_score: Cell | None = None
    total_points: Cell | None = None


@dataclass
class Outcome:
    findings: list[Finding] = field(default_factory=list)
    framework: Framework | None = None
    framework_note: str = ""
    claimed_total: Decimal | None = None
    recomputed_total: Decimal | None = None
    table: IndicatorTable | None = None
    # A wrong computation's consequences for its indicator's score and the total, by id().
    consequences: dict[int, str] = field(default_factory=dict)


def _number(cell: Cell | None) -> Decimal | None:
    if cell is None:
        return None
    text = normalize(cell.text).strip().rstrip("分").strip()
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", text):
        return None
    return Decimal(text)


# --- the table ------------------------------------------------------------------------

def find_indicator_table(doc: ReviewedDocument) -> IndicatorTable | None:
    for table in doc.tables:
        parsed = _parse_table(table)
        if parsed is not None and len(parsed.rows) >= 3:
            return parsed
    return None


def _parse_table(table: Table) -> IndicatorTable | None:
    for h, header in enumerate(table.rows[:3]):
        titles = [_UNIT_NOTE.sub("", key(c.text)) for c in header]
        names = [i for i, t in enumerate(titles) if "指标" in t and ("级" in t or t in ("指标名称", "指标"))]
        scores = [i for i, t in enumerate(titles) if t in ("得分", "自评得分", "评价得分", "评分",
                                                           "实际得分", "考评得分")]
        if not names or not scores:
            continue
        points = [i for i, t in enumerate(titles) if t in ("分值", "权重", "标准分", "指标分值")]
        name_col = next((i for i in names if "三级" in titles[i]), names[-1])
        category_col = next((i for i in names if "一级" in titles[i]), None)
        group_col = next((i for i in names if "二级" in titles[i]), None)

        return _rows(table, h + 1, name_col, _points_after(name_col, points, names), scores[-1],
                     category_col, _points_after(category_col, points, names),
                     group_col, _points_after(group_col, points, names))
    return None


def _points_after(col: int | None, points: list[int], names: list[int]) -> int | None:
    """The 分值 column that belongs to a name column: the next one before another name."""
    if col is None:
        return None
    return next((p for p in points if p > col and not any(col < n < p for n in names)), None)


def _rows(table: Table, first: int, name_col: int, points_col: int | None, score_col: int,
          category_col: int | None, category_points_col: int | None, group_col: int | None,
          group_points_col: int | None) -> IndicatorTable:
    parsed = IndicatorTable(table, [])
    for line in table.rows[first:]:
        def cell(col: int | None, line=line) -> Cell | None:
            return line[col] if col is not None and col < len(line) else None

        texts = {key(c.text) for c in line}
        if texts & set(_TOTAL_LABELS):
            parsed.total_score = cell(score_col)
            parsed.total_points = cell(category_points_col) if category_points_col is not None \
                else None
            if parsed.total_points is not None and key(parsed.total_points.text) in _TOTAL_LABELS:
                parsed.total_points = None
            continue
        name_cell = cell(name_col)
        if name_cell is None or not key(name_cell.text):
            continue
        category, group = cell(category_col), cell(group_col)
        parsed.rows.append(Row(key(name_cell.text), name_cell, cell(points_col), cell(score_col),
                               key(category.text) if category else "",
                               cell(category_points_col), cell(group_points_col),
                               key(group.text) if group else ""))
    return parsed


def choose_framework(table: IndicatorTable | None, wanted: str | None) -> tuple[Framework | None, str]:
    if wanted:
        path = resolve_framework(wanted, Path.cwd())
        framework = load_framework(path)
        return framework, "按 --framework 指定"
    if table is None:
        return None, ""
    best: tuple[int, int, Framework] | None = None
    for builtin in builtin_frameworks():
        try:
            framework = load_framework(builtin.path)
        except InputError:
            continue
        by_name = {key(i.name): i for _, _, i in framework.indicators()}
        named = sum(1 for r in table.rows if r.name in by_name)
        agreeing = sum(len(rows) for cell, rows in _shared(table.rows, lambda r: r.points_cell)
                       if all(r.name in by_name for r in rows)
                       and _number(cell) == sum((by_name[r.name].points for r in rows), Decimal(0)))
        if best is None or (named, agreeing) > (best[0], best[1]):
            best = (named, agreeing, framework)
    if best is None or best[0] < max(3, len(table.rows) // 2):
        return None, "指标表的指标与内置评价框架都不相符，未按框架重新评分"
    named, agreeing, framework = best
    return framework, (f"按指标表判断：{len(table.rows)}项三级指标中{named}项名称、"
                       f"{agreeing}项分值与该框架相符")


def check_table(parsed: IndicatorTable, framework: Framework | None) -> list[Finding]:
    findings: list[Finding] = []
    by_name = {key(i.name): i for _, _, i in framework.indicators()} if framework else {}
    for cell, rows in _shared(parsed.rows, lambda r: r.points_cell):
        points = _number(cell)
        scores = [r.score for r in rows]
        if points is None:
            continue
        if all(s is not None for s in scores):
            got = sum(scores, Decimal(0))
            if got > points or any(s < 0 for s in scores):
                names = "、".join(r.name for r in rows)
                findings.append(Finding(Kind.TABLE, rows[0].score_cell, None,
                                        f"“{names}”得分{fmt_points(got)}分超过其分值{fmt_points(points)}分。"))
        expected = [by_name[r.name].points for r in rows if r.name in by_name]
        if framework and len(expected) == len(rows) and sum(expected, Decimal(0)) != points:
            names = "、".join(r.name for r in rows)
            findings.append(Finding(Kind.TABLE, cell, None, (
                f"指标表中“{names}”的分值为{fmt_points(points)}分，评价框架（{framework.title}）"
                f"规定为{fmt_points(sum(expected, Decimal(0)))}分。")))
    if framework is not None and not findings:
        findings += _framework_total(parsed, framework)
    findings += _level_sums(parsed)
    findings += _total_row(parsed)
    return findings


def _framework_total(parsed: IndicatorTable, framework: Framework) -> list[Finding]:
    """All the table's points together against the framework's total (an indicator left out)."""
    got = _points_of(parsed.rows)
    expected = sum((c.points for c in framework.categories), Decimal(0))
    if got is None or got == expected:
        return []
    present = {r.name for r in parsed.rows}
    missing = [i.name for _, _, i in framework.indicators() if key(i.name) not in present]
    if len(missing) * 4 > len(framework.indicators()):
        return []   # an excerpt of the table, or another framework: not one left out
    note = f"，表中没有：{'、'.join(missing)}" if missing else ""
    anchor = parsed.total_points or parsed.rows[0].name_cell
    return [Finding(Kind.TABLE, anchor, None, (
        f"指标表各三级指标分值合计为{fmt_points(got)}分，评价框架（{framework.title}）"
        f"总分为{fmt_points(expected)}分{note}。"))]


def _shared(rows: list[Row], pick) -> list[tuple[Cell, list[Row]]]:
    """Rows grouped by the merged cell they share (a cell counted once)."""
    groups: dict[tuple[int, int], tuple[Cell, list[Row]]] = {}
    for row in rows:
        cell = pick(row)
        if cell is None:
            continue
        entry = groups.setdefault(cell.origin, (cell, []))
        entry[1].append(row)
    return list(groups.values())


def _points_of(rows: list[Row]) -> Decimal | None:
    """The sum of the rows' own points, each merged points cell once; None if any is missing."""
    total = Decimal(0)
    seen = set()
    for row in rows:
        value = row.points
        if value is None:
            return None
        if row.points_cell.origin not in seen:
            seen.add(row.points_cell.origin)
            total += value
    return total


def _level_sums(parsed: IndicatorTable) -> list[Finding]:
    findings = []
    # 二级: consecutive rows of one group name and one points value (merged or repeated on
    # every row) against the indicators they hold.
    for (_, value), rows in _runs(parsed.rows, lambda r: (r.group, _number(r.group_points))):
        cell = rows[0].group_points
        inner = {r.points_cell.origin for r in rows if r.points_cell is not None}
        outside = any(r.points_cell is not None and r.points_cell.origin in inner
                      for r in parsed.rows if r not in rows)
        got = _points_of(rows)
        if cell is None or value is None or got is None or outside or got == value:
            continue
        findings.append(Finding(Kind.TABLE, cell, None, (
            f"二级指标分值{fmt_points(value)}分，而其下三级指标分值合计为{fmt_points(got)}分"
            f"（{'、'.join(r.name for r in rows)}）。")))
    # 一级: consecutive rows of one category name, whose points are written once.
    for name, rows in _runs(parsed.rows, lambda r: r.category):
        values = {_number(r.category_points) for r in rows} - {None}
        cells = [r.category_points for r in rows if _number(r.category_points) is not None]
        got = _group_points_of(rows)
        if not name or len(values) != 1 or got is None:
            continue
        value = values.pop()
        if got != value:
            findings.append(Finding(Kind.TABLE, cells[0], None, (
                f"一级指标“{name}”分值{fmt_points(value)}分，而其下各指标分值合计为"
                f"{fmt_points(got)}分。")))
    if parsed.total_points is not None:
        declared = _number(parsed.total_points)
        got = _points_of(parsed.rows)
        if declared is not None and got is not None and declared != got:
            findings.append(Finding(Kind.TABLE, parsed.total_points, None, (
                f"合计分值{fmt_points(declared)}分，而各三级指标分值合计为{fmt_points(got)}分。")))
    return findings


def _group_points_of(rows: list[Row]) -> Decimal | None:
    return _points_of(rows)


def _runs(rows: list[Row], pick):
    run: list[Row] = []
    for row in rows:
        if run and pick(run[-1]) != pick(row):
            yield pick(run[0]), run
            run = []
        run.append(row)
    if run:
        yield pick(run[0]), run


def _total_row(parsed: IndicatorTable) -> list[Finding]:
    declared = _number(parsed.total_score)
    scores = {}
    for row in parsed.rows:
        if row.score_cell is None or row.score is None:
            return []
        scores[row.score_cell.origin] = row.score
    if declared is None:
        return []
    got = sum(scores.values(), Decimal(0))
    decimals = _decimals(parsed.total_score)
    if agrees(declared, got, decimals):
        return []
    return [Finding(Kind.TABLE, parsed.total_score, None, (
        f"合计得分写的是{parsed.total_score.text.strip()}分，各三级指标得分相加为"
        f"{show(got, max(decimals, 2))}分。"))]


def _decimals(cell: Cell | None) -> int:
    if cell is None:
        return 2
    text = normalize(cell.text).strip()
    return len(text.split(".", 1)[1].rstrip("分")) if "." in text else 0


def table_total(parsed: IndicatorTable | None) -> Decimal | None:
    return None if parsed is None else _number(parsed.total_score)


# --- the text --------------------------------------------------------------------------

@dataclass
class Section:
    indicator: str              # key() of the name
    heading: Paragraph
    paragraphs: list[Paragraph]
    points: Decimal | None      # "（5分）" in the heading


def indicator_sections(paragraphs: list[Paragraph], names: list[str]) -> list[Section]:
    wanted = {key(n): n for n in names}
    sections: list[Section] = []
    current: Section | None = None
    for paragraph in paragraphs:
        heading = _heading_name(paragraph.text, wanted)
        if heading is not None:
            name, points = heading
            current = Section(name, paragraph, [], points)
            sections.append(current)
            continue
        if current is not None and _looks_like_heading(paragraph.text):
            current = None
        if current is not None:
            current.paragraphs.append(paragraph)
    return sections


def _heading_name(text: str, wanted: dict[str, str]) -> tuple[str, Decimal | None] | None:
    stripped = _MARKER.sub("", text.strip(), count=1)
    points = None
    m = _POINTS_SUFFIX.search(normalize(stripped))
    if m:
        points = Decimal(m.group(1))
        stripped = stripped[:m.start()]
    name = key(stripped).rstrip("：:。")
    return (name, points) if name in wanted and len(name) <= 30 else None


def _looks_like_heading(text: str) -> bool:
    stripped = text.strip()
    return bool(_MARKER.match(stripped)) and len(stripped) <= 30


@dataclass(frozen=True)
class Claim:
    paragraph: Paragraph
    span: tuple[int, int]
    value: Decimal
    text: str


def score_claims(section: Section) -> list[Claim]:
    claims = []
    for paragraph in section.paragraphs:
        norm = normalize(paragraph.text)
        found = []
        for m in _SCORE.finditer(norm):
            value = Decimal(0) if m.group(2) else Decimal(m.group(1) or m.group(3))
            found.append(Claim(paragraph, (m.start(), m.end()), value, paragraph.text[m.start():m.end()]))
        for m in re.finditer(r"得分\s*(?:为|是|[:：])?\s*(?:=[^=。，；]*)*=\s*(\d+(?:\.\d+)?)\s*分", norm):
            found.append(Claim(paragraph, (m.start(), m.end()), Decimal(m.group(1)),
                               paragraph.text[m.start(1):m.end()]))
        if found:
            claims.append(max(found, key=lambda c: c.span[0]))   # the paragraph's conclusion
    return claims


def value_claims(paragraphs: list[Paragraph], name: str) -> list[Claim]:
    """"预算控制率为348.83%" wherever the text says it."""
    name = _plain_quotes(name)
    pattern = re.compile(re.escape(name) + r"(?:为|是|达到?|=)\s*(-?\d+(?:\.\d+)?)%")
    claims = []
    for paragraph in paragraphs:
        norm = _plain_quotes(paragraph.text)
        if name not in norm:
            continue
        for m in pattern.finditer(norm):
            claims.append(Claim(paragraph, (m.start(), m.end()), Decimal(m.group(1)),
                                paragraph.text[m.start(1):m.end()]))
    return claims


_QUOTES_SAME_LENGTH = str.maketrans("“”‘’", '""' + "''")


@lru_cache(maxsize=8192)
def _plain_quotes(text: str) -> str:
    return normalize(text).translate(_QUOTES_SAME_LENGTH)


def text_total(paragraphs: list[Paragraph]) -> tuple[Claim | None, Claim | None]:
    """The total score and the grade the conclusion states (the last ones written)."""
    total = grade = None
    for paragraph in paragraphs:
        norm = normalize(paragraph.text)
        for m in _TEXT_TOTAL.finditer(norm):
            total = Claim(paragraph, (m.start(), m.end()), Decimal(m.group(1)),
                          paragraph.text[m.start(1):m.end()])
        for m in _GRADE.finditer(norm):
            letter = m.group(1) or m.group(2)
            grade = Claim(paragraph, (m.start(), m.end()), Decimal(0), letter)
    return total, grade


# --- putting it together -------------------------------------------------------------

def check_indicators(doc: ReviewedDocument, computations: list[Computation],
                     wanted_framework: str | None) -> Outcome:
    outcome = Outcome()
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


def _own(cell: Cell | None, parsed: IndicatorTable | None) -> bool:
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
             sections: list[Section], paragraphs: list[Paragraph]) -> Decimal | None:
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
              table_score, table_points, rule_score, computation) -> Finding:
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
    return Finding(Kind.MISMATCH, target, span, f"“{name}”前后不一：" + "；".join(parts) + "。")


def _rescored(name, indicator, claim: Claim | None, row: Row | None, claimed, rule_score,
              computation: Computation) -> Finding:
    message = (f"“{name}”按报告写的{computation.written.text.strip()}和评分标准"
               f"（{indicator.standard or indicator.rule.kind}）应得{fmt_points(rule_score)}分，"
               f"报告写{fmt_points(claimed)}分。")
    if claim is not None:
        return Finding(Kind.SCORE, claim.paragraph, claim.span, message)
    assert row is not None and row.score_cell is not None
    return Finding(Kind.SCORE, row.score_cell, None, message)


def _value_mismatches(paragraphs, by_name, sections, computations) -> list[Finding]:
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
            findings.append(Finding(Kind.MISMATCH, claim.paragraph, claim.span, (
                f"此处写{indicator.name}为{claim.text.strip()}，{first.paragraph.place.describe()}"
                f"写的是{first.text.strip()}，同一数值前后不一。")))
    return findings


def _total_and_grade(parsed, total_claim: Claim | None, grade_claim: Claim | None,
                     framework: Framework | None) -> list[Finding]:
    findings = []
    table_value = table_total(parsed)
    if total_claim is not None and table_value is not None and total_claim.value != table_value:
        findings.append(Finding(Kind.MISMATCH, total_claim.paragraph, total_claim.span, (
            f"正文写总分{fmt_points(total_claim.value)}分，指标表合计为{fmt_points(table_value)}分。")))
    total = total_claim.value if total_claim is not None else table_value
    if grade_claim is not None and total is not None:
        expected = _grade(total, framework)
        if expected and expected != grade_claim.text:
            findings.append(Finding(Kind.SCORE, grade_claim.paragraph, grade_claim.span, (
                f"总分{fmt_points(total)}分对应的等级应为“{expected}”，报告写“{grade_claim.text}”。")))
    return findings


def _grade(total: Decimal, framework: Framework | None) -> str:
    if framework is not None:
        return framework.grade(total)
    for name, minimum in (("优", 90), ("良", 80), ("中", 60), ("差", 0)):
        if total >= minimum:
            return name
    return ""

