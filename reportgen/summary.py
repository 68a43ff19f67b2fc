"""汇总表.xlsx for the finance bureau: one row per sub-folder of a batch, built or not.

Each indicator has two columns: its value (headed with its unit, or 结果 for an indicator
judged by a checklist, a judgement or a level) and its score. A cell tells apart a
department whose framework has no such indicator (本框架无此指标) from one whose report
could not be made (left blank, the reason in the last column).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .batch import IndicatorCell, Outcome
from .text import clean_text, shown
from .zipfiles import workbook_bytes

NOT_IN_FRAMEWORK = "本框架无此指标"
NUMBER_FORMAT = "0.00"  # scores and rates with two decimals, as the report prints them
NOTES = (
    ("状态", "成功：正式报告已生成；草稿（N处待核实）：报告已生成，但有错误涉及报告中的数字，"
             "改正后重新生成；失败：未能生成，原因见“原因或变化”列；"
             "跳过：子文件夹中没有 data.yaml 或 data.xlsx，原因见同一列"),
    ("指标的“值”列", "列名注明单位：值（%）为比率，值（分）为分数（如绩效办考核得分）；"
                   "“结果”列为清单、评议、等级类指标的评价结果（如 4/5项符合、好）"),
    (NOT_IN_FRAMEWORK, "该部门所用的评价框架中没有这项指标（与“未填写”“无法计算”不同）"),
    ("无法计算", "公式的分母为0等，该指标计0分，报告中写明原因"),
    ("不适用", "公式所需的数据不存在（如没有新建楼堂馆所），按框架规定得满分"),
    ("空白", "该部门的报告没有生成（失败或跳过），没有指标数据；只是 PDF 未能生成的，"
             "Word 报告和指标数据照常列出，状态为失败"),
)


@dataclass(frozen=True)
class _Column:
    name: str
    unit: str

    @property
    def value_header(self) -> str:
        return f"{self.name}\n值（{self.unit}）" if self.unit else f"{self.name}\n结果"


def summary_workbook(outcomes: list[Outcome]) -> bytes:
    """Written row by row (openpyxl's write-only mode): memory stays flat however many
    departments, where a workbook kept whole grows by ~20 KB a row."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    columns: dict[str, _Column] = {}
    for heads in dict.fromkeys(o.indicators.heads for o in outcomes):  # one per framework
        for name, unit in heads:
            columns.setdefault(name, _Column(name, unit))
    head = ["部门文件夹", "单位名称", "年度", "评价框架"]
    for c in columns.values():
        head += [c.value_header, f"{c.name}\n得分"]
    head += ["总分", "等级", "检查错误数", "检查警告数", "输出文件", "状态", "原因或变化"]

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("汇总")
    for i, title in enumerate(head, 1):
        width = 14 if "\n" in title else max(10, len(title) * 2 + 2)
        ws.column_dimensions[get_column_letter(i)].width = min(width, 40)
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{len(outcomes) + 1}"
    bold, grey = Font(bold=True), Font(color="808080")
    centred = Alignment(wrap_text=True, vertical="center", horizontal="center")
    fill = PatternFill("solid", fgColor="DDEBF7")

    def styled(value: object, column: int) -> object:
        value = cell_text(value)
        if isinstance(value, Decimal | float | int) and column > 3:
            cell = WriteOnlyCell(ws, value)
            cell.number_format = NUMBER_FORMAT
            return cell
        if value == NOT_IN_FRAMEWORK:
            cell = WriteOnlyCell(ws, value)
            cell.font = grey
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
        cells = {cell.name: cell for cell in o.indicators}
        row: list[object] = [o.folder, o.name, int(o.year) if o.year else None, o.framework]
        scored = bool(o.indicators)  # built, even if its PDF then failed
        for c in columns.values():
            row += _indicator(c, cells.get(c.name), scored)
        row += [_number(o.total), o.grade, o.errors if scored else None,
                o.warnings if scored else None, o.output, status(o),
                o.change if o.ok else o.reason]
        ws.append([styled(value, i) for i, value in enumerate(row, 1)])
    notes = wb.create_sheet("说明")
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 90
    notes.append(["项目", "含义"])
    for item in NOTES:
        notes.append(list(item))
    return workbook_bytes(wb)


def status(o: Outcome) -> str:
    """成功, 失败, 跳过 — or 草稿 for a report written with errors behind printed figures."""
    return f"草稿（{o.draft}处待核实）" if o.ok and o.draft else o.status


def _indicator(column: _Column, cell: IndicatorCell | None, scored: bool) -> list[object]:
    """The value and score cells of one indicator for one department."""
    if not scored:
        return [None, None]  # no report, no figures: the reason is in the last column
    if cell is None:
        return [NOT_IN_FRAMEWORK, NOT_IN_FRAMEWORK]
    score = _number(cell.score)
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
