"""Sentences generated entirely from data: head counts (1.1) and expenditure (1.2)."""

from __future__ import annotations

from decimal import Decimal

from .document import Paragraph
from .model import Breakdown, DepartmentYear
from .numbers import HUNDRED, fmt2, fmt_count, round2
from .text import clean_text


def _list(tally: Breakdown, unit: str, fmt) -> str:
    """财政拨款收入6914.61万元，其他收入12.71万元 (nested groups in brackets)."""
    items = []
    for name, part in tally.parts().items():
        if isinstance(part, Breakdown):
            inner = _list(part, unit, fmt)
            inner = f"（{inner}）" if inner else ""
            items.append(f"{clean_text(name)}{fmt(part.total())}{unit}{inner}")
        else:
            items.append(f"{clean_text(name)}{fmt(part)}{unit}")
    return "，".join(items)


def _with_parts(label: str, tally: Breakdown, unit: str = "万元", fmt=fmt2) -> str:
    parts = _list(tally, unit, fmt)
    head = f"{label}{fmt(tally.total())}{unit}"
    return f"{head}，其中：{parts}" if parts else head


def _change(now: Decimal, before: Decimal | None) -> str:
    if before is None:
        return ""
    diff = now - before
    if diff == 0:
        return f"，与上年{fmt2(before)}万元持平"
    word = "增加" if diff > 0 else "减少"
    rate = f"（{'增长' if diff > 0 else '下降'}{fmt2(abs(diff) / before * HUNDRED)}%）" \
        if before else ""
    return f"，比上年{fmt2(before)}万元{word}{fmt2(abs(diff))}万元{rate}"


def staffing_paragraph(d: DepartmentYear) -> list[Paragraph]:
    s = d.staffing
    pieces = []
    if s.authorized is not None:
        pieces.append(_with_parts("经机构编制部门核定的编制数为", s.authorized, "人", fmt_count))
    if s.year_end is not None:
        pieces.append(_with_parts("年末实有人数", s.year_end, "人", fmt_count))
    if not pieces:
        return []
    return [Paragraph.of("；".join(pieces) + "。")]


def expenditure_paragraphs(d: DepartmentYear) -> list[Paragraph]:
    f, year, last = d.finance, d.basic.year, d.last_year
    out: list[Paragraph] = []
    income = []
    if f.income is not None:
        income.append(_with_parts(f"{year}年收入决算数", f.income)
                      + _change(f.income.total(), last.income if last else None))
    if f.carried_in is not None:
        income.append(_with_parts("年初结转和结余", f.carried_in))
    if income:
        out.append(Paragraph.of("；".join(income) + "。"))
    spending = []
    exp = f.expenditure
    if exp is not None:
        total = exp.total if exp.total is not None else (
            exp.by_nature.total() if exp.by_nature else None)
        if total is not None:
            head = f"{year}年支出决算数{fmt2(total)}万元"
            if exp.by_nature is not None:
                head += f"（{_list(exp.by_nature, '万元', fmt2)}）"
            spending.append(head + _change(total, last.expenditure if last else None))
        for label, split in (("按经济分类", exp.by_economic_class),
                             ("按功能分类", exp.by_function)):
            if split is not None:
                spending.append(f"{label}：{_list(split, '万元', fmt2)}")
    if f.to_reserve_fund:
        spending.append(f"转入事业基金{fmt2(f.to_reserve_fund)}万元")
    if f.carried_out is not None:
        spending.append(_with_parts("年末结转和结余", f.carried_out)
                        + _change(f.carried_out.total(), last.carried_out if last else None))
    if spending:
        out.append(Paragraph.of("；".join(spending) + "。"))
    b = d.budget
    if b.initial is not None and b.supplementary is not None:
        whole = b.initial + b.supplementary
        share = f"，追加预算占年初预算的{fmt2(round2(b.supplementary / b.initial * HUNDRED))}%" \
            if b.initial else ""
        out.append(Paragraph.of(
            f"{year}年年初预算{fmt2(b.initial)}万元，本年追加预算{fmt2(b.supplementary)}万元，"
            f"全年预算合计{fmt2(whole)}万元{share}。"))
    return out or [Paragraph.of("【待补充：收入支出决算数据】")]
