"""The indicator table (附：部门整体支出绩效评价指标表), read on the grid.

一级/二级/三级 names, 分值 and 得分 columns found by their headers (units such as 分值（分）
allowed); a merged 分值 or 得分 cell is counted once for the rows it spans. Checks: scores
within points, a level's points equal to the sum below it (merged, or repeated on every
row), the 合计 row, each indicator's points and all of them against the framework, which
is guessed from the table's names and points when not given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..findings import InputError
from ..framework import Framework, builtin_frameworks, load_framework, resolve_framework
from ..numbers import fmt_points
from .figures import agrees, normalize, show
from .model import ReviewFinding, ReviewKind
from .reader import ReviewedDocument, SourceCell, SourceTable

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "“”\"'‘’「」")
_TOTAL_LABELS = ("合计", "总计", "总分", "合计得分")
_UNIT_NOTE = re.compile(r"[(（][^)）]*[)）]")


def key(name: str) -> str:
    """Names compared without spaces, line breaks or quotation marks."""
    return _SPACE.sub("", name).translate(_QUOTES)


@dataclass
class Row:
    """One 三级 indicator line of the table."""

    name: str
    name_cell: SourceCell
    points_cell: SourceCell | None
    score_cell: SourceCell | None
    category: str = ""
    category_points: SourceCell | None = None
    group_points: SourceCell | None = None
    group: str = ""

    @property
    def points(self) -> Decimal | None:
        return _number(self.points_cell)

    @property
    def score(self) -> Decimal | None:
        return _number(self.score_cell)


@dataclass
class IndicatorTable:
    table: SourceTable
    rows: list[Row]
    total_score: SourceCell | None = None
    total_points: SourceCell | None = None




def _number(cell: SourceCell | None) -> Decimal | None:
    if cell is None:
        return None
    text = normalize(cell.text).strip().rstrip("分").strip()
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", text):
        return None
    return Decimal(text)


def find_indicator_table(doc: ReviewedDocument) -> IndicatorTable | None:
    """The full table (with 三级指标) first; a summary by 一级指标 only when there is no other."""
    found = []
    for table in doc.tables:
        parsed = _parse_table(table)
        if parsed is not None and len(parsed.rows) >= 3:
            full = any("三级" in key(c.text) for row in table.rows[:3] for c in row)
            found.append((not full, len(found), parsed))
    return min(found, key=lambda f: f[:2])[2] if found else None


def _parse_table(table: SourceTable) -> IndicatorTable | None:
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


def _rows(table: SourceTable, first: int, name_col: int, points_col: int | None, score_col: int,
          category_col: int | None, category_points_col: int | None, group_col: int | None,
          group_points_col: int | None) -> IndicatorTable:
    parsed = IndicatorTable(table, [])
    for line in table.rows[first:]:
        def cell(col: int | None, line=line) -> SourceCell | None:
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


def check_table(parsed: IndicatorTable, framework: Framework | None) -> list[ReviewFinding]:
    findings: list[ReviewFinding] = []
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
                findings.append(ReviewFinding(ReviewKind.TABLE, rows[0].score_cell, None,
                                        f"“{names}”得分{fmt_points(got)}分超过其分值{fmt_points(points)}分。"))
        expected = [by_name[r.name].points for r in rows if r.name in by_name]
        if framework and len(expected) == len(rows) and sum(expected, Decimal(0)) != points:
            names = "、".join(r.name for r in rows)
            findings.append(ReviewFinding(ReviewKind.TABLE, cell, None, (
                f"指标表中“{names}”的分值为{fmt_points(points)}分，评价框架（{framework.title}）"
                f"规定为{fmt_points(sum(expected, Decimal(0)))}分。")))
    if framework is not None and not findings:
        findings += _framework_total(parsed, framework)
    findings += _level_sums(parsed)
    findings += _total_row(parsed)
    return findings


def _framework_total(parsed: IndicatorTable, framework: Framework) -> list[ReviewFinding]:
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
    return [ReviewFinding(ReviewKind.TABLE, anchor, None, (
        f"指标表各三级指标分值合计为{fmt_points(got)}分，评价框架（{framework.title}）"
        f"总分为{fmt_points(expected)}分{note}。"))]


def _shared(rows: list[Row], pick) -> list[tuple[SourceCell, list[Row]]]:
    """Rows grouped by the merged cell they share (a cell counted once)."""
    groups: dict[tuple[int, int], tuple[SourceCell, list[Row]]] = {}
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


def _level_sums(parsed: IndicatorTable) -> list[ReviewFinding]:
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
        findings.append(ReviewFinding(ReviewKind.TABLE, cell, None, (
            f"二级指标分值{fmt_points(value)}分，而其下三级指标分值合计为{fmt_points(got)}分"
            f"（{'、'.join(r.name for r in rows)}）。")))
    # 一级: consecutive rows of one category name, whose points are written once.
    for name, rows in _runs(parsed.rows, lambda r: r.category):
        values = {_number(r.category_points) for r in rows} - {None}
        cells = [r.category_points for r in rows if _number(r.category_points) is not None]
        got = _points_of(rows)
        if not name or len(values) != 1 or got is None:
            continue
        value = values.pop()
        if got != value:
            findings.append(ReviewFinding(ReviewKind.TABLE, cells[0], None, (
                f"一级指标“{name}”分值{fmt_points(value)}分，而其下各指标分值合计为"
                f"{fmt_points(got)}分。")))
    if parsed.total_points is not None:
        declared = _number(parsed.total_points)
        got = _points_of(parsed.rows)
        if declared is not None and got is not None and declared != got:
            findings.append(ReviewFinding(ReviewKind.TABLE, parsed.total_points, None, (
                f"合计分值{fmt_points(declared)}分，而各三级指标分值合计为{fmt_points(got)}分。")))
    return findings


def _runs(rows: list[Row], pick):
    run: list[Row] = []
    for row in rows:
        if run and pick(run[-1]) != pick(row):
            yield pick(run[0]), run
            run = []
        run.append(row)
    if run:
        yield pick(run[0]), run


def _total_row(parsed: IndicatorTable) -> list[ReviewFinding]:
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
    return [ReviewFinding(ReviewKind.TABLE, parsed.total_score, None, (
        f"合计得分写的是{parsed.total_score.text.strip()}分，各三级指标得分相加为"
        f"{show(got, max(decimals, 2))}分。"))]


def _decimals(cell: SourceCell | None) -> int:
    if cell is None:
        return 2
    text = normalize(cell.text).strip()
    return len(text.split(".", 1)[1].rstrip("分")) if "." in text else 0


def table_total(parsed: IndicatorTable | None) -> Decimal | None:
    return None if parsed is None else _number(parsed.total_score)

