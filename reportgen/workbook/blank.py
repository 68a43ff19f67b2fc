"""Create the Excel 填报表 (data.xlsx) from the layout, and fill one from data.yaml's values.

The blank workbook has a 填表说明 sheet, one form sheet per group of data (项目 | 数值 | 单位 |
说明) and the record tables 清单评价 / 评议 / 自填数, listing the indicators of the framework
the workbook is made for. Only the pale-yellow input cells are unlocked; every sheet is
protected without a password. The output is byte-for-byte deterministic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation

from ..framework import Framework, Indicator, builtin_frameworks, load_framework, resolve_framework
from ..numbers import fmt_points
from ..text import circled_number, display_width
from ..zipfiles import workbook_bytes
from .layout import (
    CHECKLISTS,
    CLAIMS,
    FORM_HEADER,
    FORMS,
    GUIDE,
    GUIDE_SHEET,
    JUDGEMENTS,
    MULTILINE,
    VALUE_COLUMN,
    WORKBOOK_TITLE,
    CellKind,
    Field,
    FormSheet,
    FreeRows,
    RecordSheet,
    SheetHeading,
    placed,
)

_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_HEADING_FILL = PatternFill("solid", fgColor="F2F2F2")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_UNUSED_FILL = PatternFill("solid", fgColor="D9D9D9")
_NOTE_FONT = Font(size=9, color="595959")
_BOLD = Font(bold=True)
_UNLOCKED = Protection(locked=False)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(horizontal="center", vertical="center")
_NO_FILL = PatternFill(fill_type=None)

_FORMATS = {
    CellKind.AMOUNT: "#,##0.00##", CellKind.COUNT: "0", CellKind.SCORE: "General", CellKind.PERCENT: "0.00%",
    CellKind.YEAR: "0", CellKind.DATE: "yyyy-mm-dd",
}
_MESSAGES = {
    CellKind.AMOUNT: "请填写不小于0的数（金额以万元为单位，保留两位小数）",
    CellKind.COUNT: "请填写不小于0的整数",
    CellKind.SCORE: "请填写分数，不超过分值",
    CellKind.PERCENT: "请填写百分比，如 92.31%",
    CellKind.YES_NO: "请从下拉列表中选择 是 或 否",
    CellKind.LEVEL: "请从下拉列表中选择等级",
    CellKind.YEAR: "请填写四位年份，如 2018",
    CellKind.DATE: "请填写日期，如 2019-06-15",
    CellKind.FRAMEWORK: "不是内置评价框架；如为自定义框架文件的路径，请点“是”继续",
}


def write_workbook(path: Path, framework_name: str) -> Path:
    """Create the blank 填报表 at path (overwriting it) for the named framework.

    framework_name is what data.yaml's 评价框架 takes: a built-in's 标识 or file stem, or a
    framework file's path relative to the department folder (path's parent).
    Raises InputError when the framework cannot be found or loaded.
    """
    path = Path(path)
    framework_path = resolve_framework(framework_name, path.parent)
    framework = load_framework(framework_path)
    builtin = any(b.path == framework_path for b in builtin_frameworks())
    save_workbook(build_workbook(framework, framework.ident if builtin else framework_name), path)
    return path


def build_workbook(framework: Framework, framework_name: str) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    _guide(wb.create_sheet(GUIDE_SHEET), framework)
    for sheet in FORMS:
        _form(wb.create_sheet(sheet.name), sheet, framework_name)
    _checklists(wb.create_sheet(CHECKLISTS.name), framework)
    _judgements(wb.create_sheet(JUDGEMENTS.name), framework)
    _claims(wb.create_sheet(CLAIMS.name), framework)
    return wb


def save_workbook(wb: Workbook, path: Path) -> None:
    """Save with fixed document and zip timestamps, so equal content gives equal bytes."""
    Path(path).write_bytes(workbook_bytes(wb, WORKBOOK_TITLE))


# -- sheets -----------------------------------------------------------------------------------


def _guide(ws, framework: Framework) -> None:
    ws.sheet_view.tabSelected = True  # the sheet the workbook opens on
    ws.column_dimensions["A"].width = 100
    ws["A1"] = WORKBOOK_TITLE
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = f"评价框架：{framework.title}（{framework.ident}）"
    for i, line in enumerate(GUIDE, start=1):
        cell = ws.cell(row=i + 3, column=1, value=f"{i}. {line}")
        cell.alignment = _WRAP
        ws.row_dimensions[i + 3].height = _height(line, 100, scale=1.0)
    _print_setup(ws)
    _protect(ws)


def _form(ws, sheet: FormSheet, framework_name: str) -> None:
    widths = {"A": 30, "B": 22, "C": 8, "D": 72}
    _header(ws, FORM_HEADER, widths)
    rules = _Validations(ws)
    for spot in placed(sheet):
        entry, row = spot.entry, spot.row
        if isinstance(entry, SheetHeading):
            title = ws.cell(row, 1, entry.text)
            title.font = _BOLD
            title.alignment = _label_alignment(entry.indent)
            ws.cell(row, 4, entry.note or None)
            for col in range(1, 5):
                ws.cell(row, col).fill = _HEADING_FILL if not entry.indent else _NO_FILL
                ws.cell(row, col).border = _BORDER
            _note_style(ws.cell(row, 4))
            ws.row_dimensions[row].height = _height(entry.note, widths["D"])
        elif isinstance(entry, Field):
            label = ws.cell(row, 1, entry.label)
            label.alignment = _label_alignment(entry.indent)
            label.border = _BORDER
            cell = ws[f"{VALUE_COLUMN}{row}"]
            _input(cell, entry.kind, entry.note)
            rules.add(cell, entry.kind)
            if entry.kind is CellKind.FRAMEWORK:
                cell.value = framework_name
            _unit_and_note(ws, row, entry.unit, entry.note, widths["D"])
            if entry.kind in MULTILINE:
                ws.row_dimensions[row].height = 75
        else:
            _free_rows(ws, entry, row, rules, widths["D"])
    rules.attach()
    _protect(ws)


def _free_rows(ws, entry: FreeRows, first: int, rules: _Validations, note_width: int) -> None:
    for row in range(first, first + entry.count):
        name = ws.cell(row, 1)
        _input(name, CellKind.TEXT, f"在此填写项目名称。{entry.note}")
        name.alignment = _label_alignment(entry.indent)
        cell = ws[f"{VALUE_COLUMN}{row}"]
        _input(cell, entry.kind, entry.note)
        rules.add(cell, entry.kind)
        _unit_and_note(ws, row, entry.unit, entry.note if row == first else "", note_width)


def _checklists(ws, framework: Framework) -> None:
    with _record_sheet(ws, CHECKLISTS) as rules:
        row = 2
        for _, _, ind in framework.indicators():
            rule = ind.rule
            if rule.kind != "清单":
                continue
            first = row
            for i, item in enumerate(rule.items):
                ws.cell(row, 2, circled_number(i + 1)).alignment = _CENTER
                ws.cell(row, 3, item).alignment = _WRAP
                answer = ws.cell(row, 4)
                _input(answer, CellKind.YES_NO, f"{ind.name}：{item}。符合选“是”，不符合选“否”")
                answer.alignment = _CENTER
                rules.add(answer, CellKind.YES_NO)
                ws.row_dimensions[row].height = _height(item, 60, scale=1.0)
                for col in range(1, 6):
                    ws.cell(row, col).border = _BORDER
                row += 1
            each = fmt_points(rule.per_item)
            how = (f"每项符合得{each}分" if rule.mode == "得分" else f"每项不符合扣{each}分，扣完为止")
            ws.cell(first, 1, ind.name).alignment = _WRAP
            ws.cell(first, 5, f"{how}（分值{fmt_points(ind.points)}分）").alignment = _WRAP
            if row - 1 > first:
                ws.merge_cells(start_row=first, end_row=row - 1, start_column=1, end_column=1)
                ws.merge_cells(start_row=first, end_row=row - 1, start_column=5, end_column=5)


def _judgements(ws, framework: Framework) -> None:
    with _record_sheet(ws, JUDGEMENTS) as rules:
        row = 2
        for _, _, ind in framework.indicators():
            kind = ind.rule.kind
            if kind not in ("评议", "等级"):
                continue
            ws.cell(row, 1, ind.name).alignment = _WRAP
            ws.cell(row, 2, float(ind.points)).alignment = _CENTER
            score, level, grounds = ws.cell(row, 3), ws.cell(row, 4), ws.cell(row, 5)
            if kind == "评议":
                _input(score, CellKind.SCORE, f"{ind.name}的评议得分，不超过分值{fmt_points(ind.points)}分")
                rules.add(score, CellKind.SCORE, maximum=ind.points)
                level.fill = _UNUSED_FILL
            else:
                names = [lv.name for lv in ind.rule.levels]
                _input(level, CellKind.LEVEL, f"{ind.name}的评定等级：" + "；".join(
                    f"{lv.name} {fmt_points(lv.score)}分" for lv in ind.rule.levels))
                rules.add(level, CellKind.LEVEL, choices=names)
                score.fill = _UNUSED_FILL
            _input(grounds, CellKind.TEXT, f"{ind.name}的评定依据：写明取得的成效和数据，将原样写入报告")
            grounds.alignment = _WRAP
            ws.cell(row, 6, ind.standard).alignment = _WRAP
            _note_style(ws.cell(row, 6))
            for col in range(1, 7):
                ws.cell(row, col).border = _BORDER
            ws.row_dimensions[row].height = 135
            row += 1


def _claims(ws, framework: Framework) -> None:
    with _record_sheet(ws, CLAIMS) as rules:
        row = 2
        for _, _, ind in framework.indicators():
            _claim_row(ws, row, ind, rules)
            row += 1
        total = sum((c.points for c in framework.categories), Decimal(0))
        ws.cell(row, 1, CLAIMS.total_label).font = _BOLD
        ws.cell(row, 2, float(total)).alignment = _CENTER
        ws.cell(row, 3).fill = _UNUSED_FILL
        cell = ws.cell(row, 4)
        _input(cell, CellKind.SCORE, "原报告中填写的总分（可选）")
        rules.add(cell, CellKind.SCORE, maximum=total)
        ws.cell(row, 5, "原报告中填写的总分（可选）")
        _note_style(ws.cell(row, 5))
        for col in range(1, 6):
            ws.cell(row, col).border = _BORDER


def _claim_row(ws, row: int, ind: Indicator, rules: _Validations) -> None:
    ws.cell(row, 1, ind.name).alignment = _label_alignment(0)
    ws.cell(row, 2, float(ind.points)).alignment = _CENTER
    value, score = ws.cell(row, 3), ws.cell(row, 4)
    if ind.formula_text:
        percent = ind.rule.unit == "%"
        _input(value, CellKind.PERCENT if percent else CellKind.SCORE,
               f"原报告中填写的{ind.name}（{ind.formula_label or ind.formula_text}）")
        if percent:
            rules.add(value, CellKind.PERCENT)
        else:
            value.number_format = "General"
        note = f"{ind.formula_label or ind.formula_text}"
    else:
        value.fill = _UNUSED_FILL
        note = ""
    _input(score, CellKind.SCORE, f"原报告中{ind.name}的得分（分值{fmt_points(ind.points)}分）")
    rules.add(score, CellKind.SCORE, maximum=ind.points)
    ws.cell(row, 5, note or None)
    _note_style(ws.cell(row, 5))
    ws.row_dimensions[row].height = _height(note, CLAIMS.columns[4].width)
    for col in range(1, 6):
        ws.cell(row, col).border = _BORDER


# -- cells ------------------------------------------------------------------------------------


@contextmanager
def _record_sheet(ws, sheet: RecordSheet) -> Iterator[_Validations]:
    """A record table's header row and, once its rows are written, validation and protection."""
    _header(ws, [c.header for c in sheet.columns], _widths(sheet))
    rules = _Validations(ws)
    yield rules
    rules.attach()
    _protect(ws)


def _header(ws, titles, widths: dict[str, int]) -> None:
    for col, title in enumerate(titles, start=1):
        cell = ws.cell(1, col, title)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    ws.row_dimensions[1].height = 20
    ws.freeze_panes = "A2"
    _print_setup(ws)
    ws.print_title_rows = "1:1"


def _print_setup(ws) -> None:
    """Printed: landscape A4, all columns on one page width."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _widths(sheet: RecordSheet) -> dict[str, int]:
    return {chr(ord("A") + i): c.width for i, c in enumerate(sheet.columns)}


def _input(cell, kind: CellKind, note: str) -> None:
    cell.fill = _INPUT_FILL
    cell.protection = _UNLOCKED
    cell.border = _BORDER
    cell.number_format = _FORMATS.get(kind, "@")
    cell.alignment = Alignment(wrap_text=kind is CellKind.TEXT or kind in MULTILINE, vertical="center")
    if note:
        comment = Comment(note, "reportgen")
        comment.width, comment.height = 320, 110
        cell.comment = comment


def _unit_and_note(ws, row: int, unit: str, note: str, note_width: int) -> None:
    ws.cell(row, 3, unit).alignment = _CENTER
    ws.cell(row, 3).border = _BORDER
    ws.cell(row, 4, note or None).border = _BORDER
    _note_style(ws.cell(row, 4))
    ws.row_dimensions[row].height = max(ws.row_dimensions[row].height or 0,
                                        _height(note, note_width))


def _note_style(cell) -> None:
    cell.font = _NOTE_FONT
    cell.alignment = _WRAP


def _label_alignment(indent: int) -> Alignment:
    return Alignment(horizontal="left", vertical="center", indent=2 * indent)


def _height(text: str, width: int, scale: float = 0.8) -> float:
    """Row height (points) for a wrapped text in a column of the given width.

    A CJK character is two width units at 11 pt; the 9 pt notes take about 0.8 of that.
    """
    if not text:
        return 18
    size = display_width(text) * scale
    lines = max(1, -(-int(size) // max(width - 2, 1)))
    return max(18, 14 * lines + 4)


def _protect(ws) -> None:
    protection = ws.protection
    protection.sheet = True
    protection.formatColumns = False
    protection.formatRows = False
    protection.formatCells = True
    protection.selectLockedCells = False
    protection.selectUnlockedCells = False


class _Validations:
    """Data validation rules of one sheet, one rule per distinct kind and range."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.rules: dict[tuple, DataValidation] = {}

    def add(self, cell, kind: CellKind, maximum: Decimal | None = None,
            choices: list[str] | None = None) -> None:
        key = (kind, maximum, tuple(choices or ()))
        rule = self.rules.get(key)
        if rule is None:
            rule = self.rules[key] = _validation(kind, maximum, choices)
        if rule is not None:
            rule.add(cell.coordinate)

    def attach(self) -> None:
        for rule in self.rules.values():
            if rule is not None:
                self.ws.add_data_validation(rule)


def _validation(kind: CellKind, maximum: Decimal | None, choices: list[str] | None):
    message = _MESSAGES.get(kind)
    style = "stop"
    if kind is CellKind.AMOUNT:
        rule = DataValidation("decimal", operator="greaterThanOrEqual", formula1="0")
    elif kind is CellKind.COUNT:
        rule = DataValidation("whole", operator="greaterThanOrEqual", formula1="0")
    elif kind is CellKind.SCORE:
        top = fmt_points(maximum) if maximum is not None else "100"
        rule = DataValidation("decimal", operator="between", formula1="0", formula2=top)
        message = f"请填写0～{top}之间的分数"
    elif kind is CellKind.PERCENT:
        rule = DataValidation("decimal", operator="between", formula1="-100", formula2="100")
    elif kind is CellKind.YEAR:
        rule = DataValidation("whole", operator="between", formula1="1990", formula2="2100")
    elif kind is CellKind.DATE:
        low, high = to_excel(dt.date(1990, 1, 1)), to_excel(dt.date(2100, 12, 31))
        rule = DataValidation("date", operator="between", formula1=str(low), formula2=str(high))
    elif kind is CellKind.YES_NO:
        rule = DataValidation("list", formula1='"是,否"')
    elif kind is CellKind.LEVEL:
        rule = DataValidation("list", formula1='"' + ",".join(choices or ()) + '"')
    elif kind is CellKind.FRAMEWORK:
        names = ",".join(b.ident for b in builtin_frameworks())
        rule = DataValidation("list", formula1=f'"{names}"')
        style = "warning"
    else:
        return None
    rule.allow_blank = True
    rule.showErrorMessage = True
    rule.errorStyle = style
    rule.errorTitle = "填写有误"
    rule.error = message
    return rule
