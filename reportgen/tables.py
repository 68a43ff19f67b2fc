"""The appendix tables as document trees: 指标表 (group cells merged down) and 基础数据表."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from .document import CONTINUE, RESTART, Cell, Paragraph, Row, Table
from .facts import Figures
from .model import THREE_PUBLIC_PARTS, Breakdown, DepartmentYear
from .numbers import fmt2, fmt_points, fmt_score
from .scoring import IndicatorScore, Scorecard, Status
from .template_contract import (
    TABLE_CENTER,
    TABLE_HEADING,
    TABLE_NUMBER,
    TABLE_TEXT,
    TEXT_WIDTH_MM,
)
from .text import clean_text

INDICATOR_HEADER = ("一级指标", "分值", "二级指标", "分值", "三级指标", "分值", "评价标准",
                    "指标说明", "得分")
# mm; at 五号 (10.5 pt, 3.7 mm a character) with 2 mm of cell margins: 一级 fits 产出及效率
# (5 字), 三级 a name of eight 字 (预决算信息公开性) on one line, and longer ones break where
# the framework marks them (新建楼堂馆所｜面积控制率); 分值 holds its heading (2 字) and 100,
# 得分 100.00. The rest goes to the two text columns. 225 mm in all: the landscape text block.
INDICATOR_WIDTHS = (21.0, 10.0, 17.0, 10.0, 32.0, 10.0, 60.0, 52.0, 13.0)


@lru_cache(maxsize=4096)
def _cell(text: str, style: str = TABLE_CENTER, span: int = 1, merge: str = "") -> Cell:
    """Cached: a framework's texts fill most cells, the same for every department."""
    lines = clean_text(text).split("\n") or [""]
    return Cell(tuple(Paragraph.of(line, style) for line in lines), span, merge)


_COVERED = Cell((), merge=CONTINUE)


def _header(names: tuple[str, ...]) -> Row:
    return Row(tuple(_cell(n, TABLE_HEADING) for n in names), header=True)


def _group_cells(first: bool, name: str, points: Decimal) -> tuple[Cell, Cell]:
    """A 一级 or 二级 name on every row of the group, its points once, in a cell merged
    down the group's rows."""
    return _cell(name), (_cell(fmt_points(points), TABLE_CENTER, merge=RESTART) if first
                         else _COVERED)


# A criterion (① … ⑳, (21) …) starts a line; so does the text after the last one's full
# stop (以上情况每出现一例…), which is about all of them, not about the last.
_CRITERION = re.compile(r"(?<=[^\n])(?=[\u2460-\u2473]|\(\d+\))")
_AFTER_LAST = re.compile(r"^([\u2460-\u2473]|\(\d+\))([^。\n]*。)(?=[^\n])", re.MULTILINE)


def criteria_lines(standard: str) -> str:
    """评价标准 with each numbered criterion on a line of its own, however the framework
    wrote them (one a line, or run on in one paragraph)."""
    text = _CRITERION.sub("\n", standard)
    lines = text.split("\n")
    for i in range(len(lines) - 1, -1, -1):
        if _AFTER_LAST.match(lines[i]):
            lines[i] = _AFTER_LAST.sub(r"\1\2\n", lines[i], count=1)
            break
    return "\n".join(lines)


def indicator_table(card: Scorecard) -> Table:
    """Every row names its 一级 and 二级 指标: a group running over a page break leaves a
    merged cell blank on the next page (Word, WPS and LibreOffice alike), and where the
    page breaks is known only when the document is laid out. Their points are figures and
    stand once, in a cell merged down the group: repeated on every row they read as
    figures to add up."""
    rows = [_header(INDICATOR_HEADER)]
    for category in card.framework.categories:
        for g, group in enumerate(category.groups):
            for i, ind in enumerate(group.indicators):
                result = card.by_name(ind.name)
                rows.append(Row((
                    *_group_cells(g == 0 and i == 0, category.name, category.points),
                    *_group_cells(i == 0, group.name, group.points),
                    _cell("\n".join(ind.name_lines)),
                    _cell(fmt_points(ind.points)),
                    _cell(_standard(card, ind.standard, result), TABLE_TEXT),
                    _cell(ind.description, TABLE_TEXT),
                    _cell(fmt_score(result.score) if result else "—", TABLE_NUMBER),
                )))
    rows.append(Row((_cell("合计"), _cell("100"), _cell("", span=6),
                     _cell(fmt_score(card.total), TABLE_NUMBER))))
    return Table(INDICATOR_WIDTHS, tuple(rows))


def _standard(card: Scorecard, standard: str, result: IndicatorScore | None) -> str:
    """An indicator that could not be worked out (a zero denominator) carries the
    framework's rule for it, which its sentence cites as 按评分标准."""
    lines = criteria_lines(standard)
    if result is None or result.status is not Status.NOT_COMPUTABLE:
        return lines
    return f"{lines.rstrip()}\n{card.framework.zero_denominator_rule}"


def _money_or_none(value) -> str | None:
    return None if value is None else fmt2(value)


def _part(tally: Breakdown | None, name: str):
    return None if tally is None else tally.part(name)


def breakdown_labels(names: tuple[str, ...] | list[str]) -> list[str]:
    """Parts under a total, as a 决算 table writes them: 其中： once, then aligned under it."""
    return [("　其中：" if k == 0 else "　　　　") + name for k, name in enumerate(names)]


# 附件2: every figure a formula of the framework reads, and the totals they come from.
# A row: label, unit, and the figures in the columns 上年预算, 上年实际, 本年预算, 本年实际;
# the rows come in blocks that stay on one page together (a page break falls between them).
_COLUMNS = ("上年预算", "上年实际", "本年预算", "本年实际")
_Line = tuple[str, str, tuple[str | None, ...]]
BASIC_DATA_MONEY: tuple[_Line, ...] = (
    ("收入决算数", "万元", (None, "上年收入决算数", None, "收入决算数")),
    ("年初结转和结余", "万元", (None, None, None, "年初结转和结余")),
    ("支出决算数", "万元", (None, "上年支出决算数", None, "支出决算数")),
    ("转入事业基金", "万元", (None, None, None, "转入事业基金")),
    ("年末结转和结余", "万元", (None, "上年年末结转和结余", None, "年末结转和结余")),
)
BASIC_DATA_BUDGET: tuple[_Line, ...] = (
    ("年初预算", "万元", (None, None, "年初预算", None)),
    ("本年追加预算", "万元", (None, None, "本年追加预算", None)),
    ("全年预算合计", "万元", (None, None, "全年预算", None)),
)
THREE_PUBLIC_TOTAL: _Line = ("“三公经费”合计", "万元", (
    "三公经费上年预算", "三公经费上年实际", "三公经费本年预算", "三公经费本年实际"))
BASIC_DATA_TAIL: tuple[tuple[_Line, ...], ...] = (
    (("公用经费", "万元", (None, "公用经费上年实际", "公用经费预算", "公用经费实际")),
     ("政府采购", "万元", (None, "政府采购上年实际", "政府采购预算", "政府采购实际"))),
    # 批准 and 实际 are both this year's facts, neither a budget: each its own row.
    (("新建楼堂馆所批准面积", "平方米", (None, None, None, "新建楼堂馆所批准面积")),
     ("新建楼堂馆所实际面积", "平方米", (None, None, None, "新建楼堂馆所实际面积")),
     ("新建楼堂馆所批准投资", "万元", (None, None, None, "新建楼堂馆所批准投资")),
     ("新建楼堂馆所实际投资", "万元", (None, None, None, "新建楼堂馆所实际投资"))),
    (("编制数", "人", (None, None, None, "编制数")),
     ("在职人员数", "人", (None, None, None, "在职人员数"))),
    (("绩效办考核得分", "分", (None, None, None, "绩效办考核得分")),),
    (("问卷发放数", "份", (None, None, None, "问卷发放数")),
     ("问卷收回数", "份", (None, None, None, "问卷收回数")),
     ("问卷满意数", "份", (None, None, None, "问卷满意数"))),
)


def _figure(text: str | None) -> str:
    return "—" if text is None else text


def three_public_parts(tallies) -> list[str]:
    """The parts found in any of the tallies, in THREE_PUBLIC_PARTS' order, others after."""
    found: list[str] = []
    for tally in tallies:
        if tally is not None:
            found.extend(n for n in tally.parts() if n not in found)
    return sorted(found, key=lambda n: (THREE_PUBLIC_PARTS.index(n)
                                        if n in THREE_PUBLIC_PARTS else len(THREE_PUBLIC_PARTS)))


def basic_data_table(d: DepartmentYear, fig: Figures) -> Table:
    """Rows with no figure at all are left out, and so is a column empty in every row."""
    tp = d.three_public
    tallies = (tp.last_year_budget, tp.last_year_actual, tp.budget, tp.actual)
    parts = three_public_parts(tallies)

    # Each figure as the body prints it (facts.figure_text): 万元 at 0.00, a score as stated.
    def figures(lines: tuple[_Line, ...]) -> list[tuple[str, str, tuple[str | None, ...]]]:
        return [(label, unit, tuple(None if n is None else fig.text(n) for n in names))
                for label, unit, names in lines]

    three_public = figures((THREE_PUBLIC_TOTAL,)) + [
        (label, "万元", tuple(_money_or_none(_part(t, name)) for t in tallies))
        for label, name in zip(breakdown_labels(parts), parts, strict=True)]
    blocks = [figures(BASIC_DATA_MONEY), figures(BASIC_DATA_BUDGET), three_public,
              *(figures(lines) for lines in BASIC_DATA_TAIL)]
    blocks = [[line for line in block if any(v is not None for v in line[2])]
              for block in blocks]
    lines = [line for block in blocks for line in block]
    keep = [i for i in range(len(_COLUMNS)) if any(line[2][i] is not None for line in lines)]
    rows = [_header(("项目", "单位", *(_COLUMNS[i] for i in keep)))]
    for block in blocks:
        for k, (label, unit, values) in enumerate(block):
            rows.append(Row((_cell(label, TABLE_TEXT), _cell(unit),
                             *(_cell(_figure(values[i]), TABLE_NUMBER) for i in keep)),
                            keep_next=k < len(block) - 1))
    widths = (77.0, 16.0, *(33.0 for _ in keep))  # at most 225 mm, the landscape text block
    return Table(widths, tuple(rows), min_row_height_mm=6)


# A body table of this many rows or more may break across pages (its header repeating,
# its caption with the first rows, its last row never alone) rather than move whole to
# the next page and leave a third of a page blank; a smaller one is kept on one page.
BREAKABLE_ROWS = 8


def body_table(shares: tuple[float, ...], rows: list[Row]) -> Table:
    """A table in the body: as wide as the text block (columns in the given proportions),
    every one alike."""
    scale = TEXT_WIDTH_MM / sum(shares)
    return Table(tuple(share * scale for share in shares), tuple(rows), min_row_height_mm=8,
                 keep_together=len(rows) < BREAKABLE_ROWS)


def score_summary_table(card: Scorecard) -> Table:
    """结论's table: each 一级指标 with its 分值, 得分 and 得分率, and the total."""
    rows = [_header(("一级指标", "分值", "得分", "得分率"))]
    for category in card.framework.categories:
        got = card.category_score(category.name)
        rows.append(Row((_cell(category.name), _cell(fmt_points(category.points), TABLE_NUMBER),
                         _cell(fmt_score(got), TABLE_NUMBER),
                         _cell(f"{fmt2(got / category.points * 100)}%", TABLE_NUMBER))))
    total = sum((c.points for c in card.framework.categories), Decimal(0))
    rows.append(Row((_cell("合计"), _cell(fmt_points(total), TABLE_NUMBER),
                     _cell(fmt_score(card.total), TABLE_NUMBER),
                     _cell(f"{fmt2(card.total / total * 100)}%" if total else "—", TABLE_NUMBER))))
    return body_table((52, 30, 36, 36), rows)


# 1.2's table: the flows of the year as 部门决算 states them (万元); parts follow their total.
MONEY_SUMMARY: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("年初结转和结余", ()), ("收入决算数", ()), ("支出决算数", ("基本支出", "项目支出")),
    ("转入事业基金", ()), ("年末结转和结余", ()))


def money_summary_table(fig: Figures) -> Table | None:
    """收支 summary in 基本情况: rows with a figure only; None when there is none."""
    rows = [_header(("项目", "金额（万元）"))]
    for total, part_names in MONEY_SUMMARY:
        if fig[total]:
            rows.append(Row((_cell(total, TABLE_TEXT), _cell(fmt2(fig[total]), TABLE_NUMBER))))
        shown = [name for name in part_names if fig[name]]
        rows += [Row((_cell(label, TABLE_TEXT), _cell(fmt2(fig[name]), TABLE_NUMBER)))
                 for label, name in zip(breakdown_labels(shown), shown, strict=True)]
    return body_table((90, 50), rows) if len(rows) > 1 else None
