"""审核汇总表.xlsx: one row per reviewed report, for the finance bureau's spring round."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..output import write_atomically
from ..zipfiles import workbook_bytes
from .model import Review, ReviewKind


@dataclass(frozen=True)
class FolderRow:
    file: str
    review: Review | None      # None: the file could not be read
    annotated: str = ""
    reason: str = ""


def summary_workbook(rows: list[FolderRow]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    head = ["文件", "单位", "年度", "评价框架", *[f"{k.value}问题" for k in ReviewKind], "问题合计",
            "报告所写总分", "按报告数字复核总分", "带批注副本", "状态"]
    wb = Workbook()
    ws = wb.active
    ws.title = "审核汇总"
    ws.append(head)
    for row in rows:
        r = row.review
        if r is None:
            ws.append([row.file, None, None, None, *[None] * len(ReviewKind), None, None, None, None,
                       f"无法读取：{row.reason}"])
            continue
        ws.append([row.file, r.unit or None, r.year, r.framework or None,
                   *[r.count(k) for k in ReviewKind], len(r.findings), r.claimed_total,
                   r.recomputed_total, row.annotated, "有问题" if r.findings else "未发现问题"])
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    totals = (len(head) - 3, len(head) - 2)
    for line in ws.iter_rows(min_row=2, min_col=totals[0], max_col=totals[1]):
        for cell in line:
            cell.number_format = "0.00"
    for i, title in enumerate(head, 1):
        ws.column_dimensions[get_column_letter(i)].width = 30 if i in (1, 2, len(head) - 1) else \
            max(10, len(title) * 2 + 2)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = ws.dimensions
    return workbook_bytes(wb)


def write_summary(path: Path, rows: list[FolderRow]) -> None:
    write_atomically(path, summary_workbook(rows))
