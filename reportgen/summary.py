"""汇总表.xlsx for the finance bureau: one row per sub-folder of a batch, built or not.

A department's name, year, framework, total, grade and status first; then each indicator
in its framework's order with two columns, its value (headed with its unit, or 结果 for a
checklist or a level) and its score — a 评议 indicator, which the evaluators score
directly, its score alone; then the check counts, the file and the reason. A cell tells
apart a department whose framework has no such indicator (本框架无此指标) from one whose
report could not be made (left blank, the reason in the last column).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .batch import IndicatorCell, Outcome
from .text import clean_text, display_width, shown
from .zipfiles import workbook_bytes

NOT_IN_FRAMEWORK = "本框架无此指标"
JUDGED = "评议"  # the rule kind whose score is its result
SCORE_FORMAT = "0.00"  # scores and rates with two decimals, as the report prints them
COUNT_FORMAT = "0"


def number_format(value: Decimal | float | int, column_format: str) -> str:
    """The column's format, or the places a stated figure has beyond it, as the report
    quotes it (绩效办考核得分 93.341: 0.000, not 93.34)."""
    places = -int(value.as_tuple().exponent) if isinstance(value, Decimal) else 0
    return "0." + "0" * places if column_format == SCORE_FORMAT and places > 2 else column_format
NOTES = (
    ("状态", "成功：正式报告已生成；草稿（N处待核实）：报告已生成，但有错误涉及报告中的数字，"
             "改正后重新生成；失败：未能生成，原因见“原因或变化”列；"
             "跳过：子文件夹中没有 data.yaml 或 data.xlsx，原因见同一列"),
    ("指标的“值”列", "列名注明单位：值（%）为比率，值（分）为分数（如绩效办考核得分）；"
                   "“结果”列为清单、等级类指标的评价结果（如 4/5项符合、好）；"
                   "评议类指标（如经济效益、社会效益）由评价人员直接打分，只列得分"),
    (NOT_IN_FRAMEWORK, "该部门所用的评价框架中没有这项指标（与“未填写”“无法计算”不同）"),
    ("无法计算", "公式的分母为0等，按评价框架的“分母为零”规定计分（内置框架不得分），报告中写明原因"),
    ("缺少数据", "计算或评议所需的数据没有填写，该指标暂计0分，报告按草稿生成，补齐后重新生成"),
    ("不适用", "公式所需的数据不存在（如没有新建楼堂馆所），按框架规定得满分"),
    ("空白", "该部门的报告没有生成（失败或跳过），没有指标数据；只是 PDF 未能生成的，"
             "Word 报告和指标数据照常列出，状态为失败"),
)
LEADING = ("部门文件夹", "单位名称", "年度", "评价框架", "总分", "等级", "状态")
TRAILING = ("检查错误数", "检查警告数", "输出文件", "原因或变化")
FORMATS = {"总分": SCORE_FORMAT, "检查错误数": COUNT_FORMAT, "检查警告数": COUNT_FORMAT}
WRAPPED = ("评价框架", "原因或变化")  # long texts: wrapped in a bounded column
INDICATOR_WIDTH, MIN_WIDTH, MAX_WIDTH = 12, 8, 40  # Excel width units (a CJK character is 2)


@dataclass(frozen=True)
class _Column:
    name: str
    unit: str
    judged: bool  # 评议 in every framework that has it: a score column only

    @property
    def heads(self) -> list[str]:
        score = f"{self.name}\n得分"
        if self.judged:
            return [score]
        return [f"{self.name}\n值（{self.unit}）" if self.unit else f"{self.name}\n结果", score]


def indicator_columns(outcomes: Iterable[Outcome]) -> list[_Column]:
    """The indicators of every framework in the batch, each framework's in its own order:
    an indicator one framework adds goes right after the one it follows there."""
    order: list[str] = []
    units: dict[str, str] = {}
    judged: dict[str, bool] = {}
    for heads in dict.fromkeys(o.indicators.heads for o in outcomes):  # one per framework
        previous = -1
        for name, unit, kind in heads:
            if name not in units:
                order.insert(previous + 1, name)
                units[name] = unit
            judged[name] = judged.get(name, True) and kind == JUDGED
            previous = order.index(name)
    return [_Column(name, units[name], judged[name]) for name in order]


def summary_workbook(outcomes: list[Outcome]) -> bytes:
    """Written row by row (openpyxl's write-only mode): memory stays flat however many
    departments, where a workbook kept whole grows by ~20 KB a row."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    columns = indicator_columns(outcomes)
    head = [*LEADING, *(h for c in columns for h in c.heads), *TRAILING]
    first_indicator, after_indicators = len(LEADING), len(head) - len(TRAILING)
    indicator = [first_indicator <= i < after_indicators for i in range(len(head))]
    formats = [FORMATS.get(title) or (SCORE_FORMAT if indicator[i] else None)
               for i, title in enumerate(head)]
    # Widths from what the cells hold: a first pass over the rows, each made and dropped.
    widths = [INDICATOR_WIDTH if indicator[i] else max(MIN_WIDTH, _width(title))
              for i, title in enumerate(head)]
    for o in outcomes:
        widths = [max(w, _width(value)) for w, value in zip(widths, _row(o, columns),
                                                             strict=True)]

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("汇总")
    for i, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = min(width + 2, MAX_WIDTH)
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{len(outcomes) + 1}"
    # Printed as a bureau files it: landscape, the header row and the unit on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.print_title_rows, ws.print_title_cols = "1:1", "A:B"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    bold, grey = Font(bold=True), Font(color="808080")
    centred = Alignment(wrap_text=True, vertical="center", horizontal="center")
    wrapped = Alignment(wrap_text=True, vertical="top")
    fill = PatternFill("solid", fgColor="DDEBF7")
    wrap_at = {head.index(title) for title in WRAPPED}

    def styled(value: object, i: int) -> object:
        if isinstance(value, Decimal | float | int) and formats[i]:
            cell = WriteOnlyCell(ws, value)
            cell.number_format = number_format(value, formats[i])
            return cell
        if value == NOT_IN_FRAMEWORK:
            cell = WriteOnlyCell(ws, value)
            cell.font = grey
            return cell
        if i in wrap_at and isinstance(value, str) and _width(value) > MAX_WIDTH - 2:
            cell = WriteOnlyCell(ws, value)
            cell.alignment = wrapped
            return cell
        return value

    header = []
    for title in head:
        cell = WriteOnlyCell(ws, cell_text(title))
        cell.font, cell.alignment, cell.fill = bold, centred, fill
        header.append(cell)
    ws.row_dimensions[1].height = 45
    ws.append(header)
    for o in outcomes:
        ws.append([styled(value, i) for i, value in enumerate(_row(o, columns))])
    notes = wb.create_sheet("说明")
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 90
    titles = [WriteOnlyCell(notes, "项目"), WriteOnlyCell(notes, "含义")]
    for cell in titles:
        cell.font = bold
    notes.append(titles)
    for term, meaning in NOTES:
        cell = WriteOnlyCell(notes, meaning)
        cell.alignment = wrapped
        notes.append([term, cell])
    return workbook_bytes(wb)


def _row(o: Outcome, columns: list[_Column]) -> list[object]:
    cells = {cell.name: cell for cell in o.indicators}
    scored = bool(o.indicators)  # built, even if its PDF then failed
    row: list[object] = [o.folder, o.name, int(o.year) if o.year else None, o.framework,
                         _number(o.total), o.grade, status(o)]
    for c in columns:
        row += _indicator(c, cells.get(c.name), scored)
    row += [o.errors if scored else None, o.warnings if scored else None, o.output,
            o.change if o.ok else o.reason]
    return [cell_text(value) for value in row]


def _width(value: object) -> int:
    """Excel width units a value needs: two for a CJK character, as display_width counts;
    a number as 0.00 shows it."""
    if value is None:
        return 0
    if isinstance(value, Decimal | float | int):
        return len(f"{value:.2f}")
    return max(display_width(line) for line in str(value).split("\n"))


def status(o: Outcome) -> str:
    """成功, 失败, 跳过 — or 草稿 for a report written with errors behind printed figures."""
    return f"草稿（{o.draft}处待核实）" if o.ok and o.draft else o.status


def _indicator(column: _Column, cell: IndicatorCell | None, scored: bool) -> list[object]:
    """The cells of one indicator for one department: value (or result) and score, or the
    score alone for a 评议 column — where a word (无法计算, 缺少数据) stands for a score
    that could not be given."""
    width = len(column.heads)
    if not scored:
        return [None] * width  # no report, no figures: the reason is in the last column
    if cell is None:
        return [NOT_IN_FRAMEWORK] * width
    score = _number(cell.score)
    if column.judged:
        return [cell.result or score]
    if cell.kind == JUDGED:  # 评议 here, measured or checked in another framework
        return [JUDGED, score]
    if cell.value is None or not cell.unit:
        return [cell.result or None, score]
    if cell.unit != column.unit:  # another framework measures it otherwise: say the unit
        return [f"{cell.value}{cell.unit}", score]
    return [_number(cell.value), score]


EXCEL_CELL_LIMIT = 32_767  # characters Excel keeps in one cell


def cell_text(value: object) -> object:
    """Any text a department's folder name or data brings, as a cell Excel can open: what
    XML cannot hold dropped (\\x01, \\x07 … made openpyxl refuse the whole summary after
    every report was written), a name that is not UTF-8 shown as GBK, at most one cell's
    worth of characters."""
    if not isinstance(value, str):
        return value
    text = clean_text(shown(value))
    return text if len(text) <= EXCEL_CELL_LIMIT else text[:EXCEL_CELL_LIMIT - 1] + "…"


def _number(text: str | None) -> Decimal | None:
    # openpyxl writes Decimal through float; a 2-place figure survives that unchanged.
    return None if text in (None, "") else Decimal(text)


def write_summary(path: Path, outcomes: list[Outcome]) -> None:
    from .output import write_atomically

    write_atomically(path, summary_workbook(outcomes))
