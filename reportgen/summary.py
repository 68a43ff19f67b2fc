"""汇总表.xlsx for the finance bureau: one row per department of a batch."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

from .batch import Outcome

FIXED_TIME = dt.datetime(2000, 1, 1)


def summary_workbook(outcomes: list[Outcome]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    names: list[str] = []
    for o in outcomes:
        names.extend(n for n, _, _ in o.indicators if n not in names)
    head = ["部门文件夹", "单位名称", "年度"]
    for n in names:
        head += [f"{n}\n值(%)", f"{n}\n得分"]
    head += ["总分", "等级", "检查错误数", "检查警告数", "输出文件", "状态", "原因或变化"]

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append(head)
    for o in outcomes:
        values = {n: (v, s) for n, v, s in o.indicators}
        row: list[object] = [o.folder, o.name, int(o.year) if o.year else None]
        for n in names:
            value, score = values.get(n, (None, None))
            row += [_number(value), _number(score)]
        row += [_number(o.total), o.grade, o.errors if o.ok else None,
                o.warnings if o.ok else None, o.output, "成功" if o.ok else "失败",
                o.change if o.ok else o.reason]
        ws.append(row)
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    first_number, last_number = 4, 3 + 2 * len(names) + 1
    for row in ws.iter_rows(min_row=2, min_col=first_number, max_col=last_number):
        for cell in row:
            cell.number_format = "0.00"
    for i, title in enumerate(head, 1):
        width = 12 if "\n" in title else max(10, len(title) * 2 + 2)
        ws.column_dimensions[get_column_letter(i)].width = min(width, 40)
    ws.row_dimensions[1].height = 45
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = ws.dimensions
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.properties.creator = "reportgen"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _number(text: str | None) -> Decimal | float | None:
    # openpyxl writes Decimal through float; a 2-place figure survives that unchanged.
    return None if text in (None, "") else Decimal(text)


def write_summary(path: Path, outcomes: list[Outcome]) -> None:
    from .output import write_atomically

    write_atomically(path, summary_workbook(outcomes))
