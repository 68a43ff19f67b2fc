"""The appendix tables as document trees: 指标表 (merged group cells) and 基础数据表."""

from __future__ import annotations

from functools import lru_cache

from .document import Cell, Paragraph, Row, Table
from .facts import Figures
from .model import Breakdown, DepartmentYear
from .numbers import fmt2, fmt_points, fmt_score
from .scoring import Scorecard
from .template_contract import TABLE_CENTER, TABLE_HEADING, TABLE_TEXT
from .text import clean_text

INDICATOR_HEADER = ("一级指标", "分值", "二级指标", "分值", "三级指标", "分值", "评价标准",
                    "指标说明", "得分")
INDICATOR_WIDTHS = (17.0, 10.0, 17.0, 10.0, 24.0, 10.0, 72.0, 62.0, 13.0)


@lru_cache(maxsize=4096)
def _cell(text: str, style: str = TABLE_CENTER, merge=None, span: int = 1) -> Cell:
    """Cached: a framework's texts fill most cells, the same for every department."""
    lines = clean_text(text).split("\n") or [""]
    return Cell(tuple(Paragraph.of(line, style) for line in lines), merge, span)


def _header(names: tuple[str, ...]) -> Row:
    return Row(tuple(_cell(n, TABLE_HEADING) for n in names), header=True)


def indicator_table(card: Scorecard) -> Table:
    rows = [_header(INDICATOR_HEADER)]
    for category in card.framework.categories:
        first_in_category = True
        for group in category.groups:
            first_in_group = True
            for ind in group.indicators:
                result = card.by_name(ind.name)
                cat_merge = "restart" if first_in_category else "continue"
                group_merge = "restart" if first_in_group else "continue"
                rows.append(Row((
                    _cell(category.name if first_in_category else "", merge=cat_merge),
                    _cell(fmt_points(category.points) if first_in_category else "",
                          merge=cat_merge),
                    _cell(group.name if first_in_group else "", merge=group_merge),
                    _cell(fmt_points(group.points) if first_in_group else "", merge=group_merge),
                    _cell(ind.name),
                    _cell(fmt_points(ind.points)),
                    _cell(ind.standard, TABLE_TEXT),
                    _cell(ind.description, TABLE_TEXT),
                    _cell(fmt_score(result.score) if result else "—"),
                )))
                first_in_category = first_in_group = False
    rows.append(Row((_cell("合计"), _cell("100"), _cell("", span=6),
                     _cell(fmt_score(card.total)))))
    return Table(INDICATOR_WIDTHS, tuple(rows))


def _money(value) -> str:
    return "—" if value is None else fmt2(value)


def _part(tally: Breakdown | None, name: str):
    return None if tally is None else tally.part(name)


# 附件2's rows: label → the figures in its columns 上年实际, 本年预算, 本年实际 (None: "—").
BASIC_DATA_ROWS: tuple[tuple[str, tuple[str | None, str | None, str | None]], ...] = (
    ("收入决算数", ("上年收入决算数", None, "收入决算数")),
    ("支出决算数", ("上年支出决算数", "全年预算", "支出决算数")),
    ("年末结转和结余", ("上年年末结转和结余", None, "年末结转和结余")),
    ("“三公经费”合计", ("三公经费上年实际", "三公经费本年预算", "三公经费本年实际")),
)
BASIC_DATA_TAIL = (
    ("公用经费", ("公用经费上年实际", "公用经费预算", "公用经费实际")),
    ("政府采购", ("政府采购上年实际", "政府采购预算", "政府采购实际")),
)


def basic_data_table(d: DepartmentYear, fig: Figures) -> Table:
    def row(label: str, names: tuple[str | None, ...]) -> Row:
        return Row((_cell(label, TABLE_TEXT),
                    *(_cell(_money(None if n is None else fig[n])) for n in names)))

    rows = [_header(("项目（单位：万元）", "上年实际", "本年预算", "本年实际"))]
    rows.extend(row(label, names) for label, names in BASIC_DATA_ROWS)
    tp = d.three_public
    columns = (tp.last_year_actual, tp.budget, tp.actual)
    names: list[str] = []
    for tally in columns:
        if tally is not None:
            names.extend(n for n in tally.parts() if n not in names)
    for name in names:
        rows.append(Row((_cell(f"　其中：{name}", TABLE_TEXT),
                         *(_cell(_money(_part(t, name))) for t in columns))))
    rows.extend(row(label, names) for label, names in BASIC_DATA_TAIL)
    return Table((70.0, 45.0, 45.0, 45.0), tuple(rows), min_row_height_mm=8)
