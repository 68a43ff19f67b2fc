"""Sentences generated entirely from data: head counts (1.1) and expenditure (1.2).

Totals, changes and shares come from the department's Figures (facts.py), never worked
out here, so a sentence states the same figure as the score, the checks and the tables.
On a draft (draft.py) a figure that check found wrong carries its 【待核实：…】 mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .document import Paragraph
from .draft import FINAL, TOTAL, Draft, mark
from .facts import Figures
from .model import Breakdown, DepartmentYear
from .numbers import fmt2, fmt_count, shows_as_zero
from .text import clean_text


def _total(text: str, tally: Breakdown, path: tuple[str, ...], unit: str, fmt,
           draft: Draft) -> str:
    """A total as printed, marked where check found it is not the sum of its parts."""
    if draft.disputed(*path, TOTAL):
        text += mark(f"各项之和为{fmt(tally.parts_sum())}{unit}")
    return text


def _list(tally: Breakdown, unit: str, fmt, path: tuple[str, ...] = (),
          draft: Draft = FINAL) -> str:
    """财政拨款收入6914.61万元，其他收入12.71万元 (nested groups in brackets). A category
    that is zero (离休人员0人) is left out: the reader learns nothing from it."""
    items = []
    for name, part in tally.parts().items():
        if isinstance(part, Breakdown):
            here = (*path, name)
            if part.total() == 0 and not draft.disputed(*here, TOTAL):
                continue
            inner = _list(part, unit, fmt, here, draft)
            inner = f"（{inner}）" if inner else ""
            head = _total(f"{fmt(part.total())}{unit}", part, here, unit, fmt, draft)
            items.append(f"{clean_text(name)}{head}{inner}")
        elif part != 0:
            items.append(f"{clean_text(name)}{fmt(part)}{unit}")
    return "，".join(items)


def _with_parts(label: str, tally: Breakdown, total: Decimal | None, unit: str = "万元",
                fmt=fmt2, path: tuple[str, ...] = (), draft: Draft = FINAL,
                none: str = "", change: Change | None = None) -> str:
    """年末结转和结余898.35万元，其中：…; "none" (无年初结转和结余) when the whole is zero.
    A change on last year goes in brackets right after its total, before 其中 (年末结转和结余
    912.57万元（比上年…减少407.61万元，下降30.88%），其中：…): after the parts it read as
    the last part's change, and 合计比上年 after them read awkwardly. In brackets the figures
    are no total of the parts, as a reviewer — and review/totals.py — reads a breakdown."""
    change = change or Change()
    if none and total is not None and shows_as_zero(total) and not draft.disputed(*path, TOTAL):
        return none + change.text
    head = label + _total(f"{fmt(total)}{unit}", tally, path, unit, fmt, draft)
    sole = None if draft.disputed(*path, TOTAL) else _sole_part(tally, total)
    if sole is not None and not draft.disputed(*path, sole, TOTAL):
        # "其中：行政编制38人（…）" would repeat the total as its only part.
        part = tally.parts()[sole]
        inner = _list(part, unit, fmt, (*path, sole), draft) if isinstance(part, Breakdown) else ""
        return f"{head}，全部为{clean_text(sole)}{f'（{inner}）' if inner else ''}{change.text}"
    return _with_change(head, _list(tally, unit, fmt, path, draft), change)


def _with_change(head: str, parts: str, change: Change) -> str:
    """A total, its change on last year and its parts, in the one order of 基本情况: the
    change in brackets before 其中 where it compares, else after the parts."""
    if not parts:
        return head + change.text
    if change.compares:
        return f"{head}（{change.bracketed}），其中：{parts}"
    return f"{head}，其中：{parts}{change.text}"


def _sole_part(tally: Breakdown, total: Decimal | None) -> str | None:
    """The name of the one part that is not zero, where it is the whole total."""
    given = {name: part for name, part in tally.parts().items() if _value_of(part) != 0}
    if len(given) == 1:
        name, part = next(iter(given.items()))
        if _value_of(part) == total:
            return name
    return None


def _value_of(part: Decimal | Breakdown) -> Decimal:
    return part.total() if isinstance(part, Breakdown) else part


@dataclass(frozen=True)
class Change:
    """A figure against last year's: "，比上年…" (compares: before a list of parts it goes
    in brackets after the total, as `bracketed`), or words for a zero on either side
    (，上年亦无)."""

    text: str = ""
    bracketed: str = ""  # 比上年…万元减少…万元，下降30.88% — no bracket inside a bracket

    @property
    def compares(self) -> bool:
        """A comparison with last year's figure, not words for a zero: it has a bracketed form."""
        return bool(self.bracketed)


def _change(fig: Figures, name: str) -> Change:
    """，比上年6000.00万元增加433.12万元（增长7.22%）: 上年…, …增减额 and …增长率. A zero
    on either side is said in words: 上年亦无, 上年无…, 上年为…万元 — never 0.00万元."""
    before, diff, growth, now = (fig[f"上年{name}"], fig[f"{name}增减额"], fig[f"{name}增长率"],
                                 fig[name])
    if before is None or diff is None or now is None:
        return Change()
    if shows_as_zero(before):
        return Change("，上年亦无" if shows_as_zero(now) else f"，上年无{name}")
    if shows_as_zero(now):
        return Change(f"，上年为{fmt2(before)}万元")
    if diff == 0:
        same = f"与上年{fmt2(before)}万元持平"
        return Change(f"，{same}", bracketed=same)
    word = "增加" if diff > 0 else "减少"
    change = f"比上年{fmt2(before)}万元{word}{fmt2(abs(diff))}万元"
    rate = "" if growth is None else f"{'增长' if diff > 0 else '下降'}{fmt2(abs(growth))}%"
    return Change(f"，{change}（{rate}）" if rate else f"，{change}",
                  bracketed=f"{change}，{rate}" if rate else change)


def staffing_paragraph(d: DepartmentYear, fig: Figures, draft: Draft = FINAL) -> list[Paragraph]:
    s = d.staffing
    pieces = []
    if s.authorized is not None:
        pieces.append(_with_parts("经机构编制部门核定的编制数为", s.authorized, fig["编制数"],
                                  "人", fmt_count, ("人员", "编制数"), draft))
    if s.year_end is not None:
        pieces.append(_with_parts("年末实有人数", s.year_end, fig["年末实有人数"], "人", fmt_count,
                                  ("人员", "年末实有人数"), draft))
    if not pieces:
        return []
    return [Paragraph.of("；".join(pieces) + "。")]


def expenditure_paragraphs(d: DepartmentYear, fig: Figures,
                           draft: Draft = FINAL) -> list[Paragraph]:
    f, year = d.finance, d.basic.year
    out: list[Paragraph] = []
    income = []
    if f.income is not None:
        income.append(_with_parts(f"{year}年收入决算数", f.income, fig["收入决算数"],
                                  path=("收支", "收入决算数"), draft=draft,
                                  change=_change(fig, "收入决算数")))
    if f.carried_in is not None:
        income.append(_with_parts("年初结转和结余", f.carried_in, fig["年初结转和结余"],
                                  path=("收支", "年初结转和结余"), draft=draft,
                                  none="无年初结转和结余"))
    if income:
        out.append(Paragraph.of("；".join(income) + "。"))
    spending = []
    exp, total = f.expenditure, fig["支出决算数"]
    if exp is not None:
        if total is not None:
            # The same shape as 收入: the change in brackets after the total, then 其中.
            head = f"{year}年支出决算数{fmt2(total)}万元"
            change = _change(fig, "支出决算数")
            sole, nature = None, ""
            if exp.by_nature is not None:
                sole = None if draft.disputed("收支", "支出决算数", "按支出性质") \
                    else _sole_part(exp.by_nature, total)
                nature = "" if sole else _split(exp.by_nature, "按支出性质", draft)
            if sole:
                spending.append(f"{head}，全部为{clean_text(sole)}{change.text}")
            else:
                spending.append(_with_change(head, nature, change))
        for label, split in (("按经济分类", exp.by_economic_class),
                             ("按功能分类", exp.by_function)):
            text = "" if split is None else _split(split, label, draft)
            if text:
                spending.append(f"{label}：{text}")
    if fig["转入事业基金"]:
        spending.append(f"转入事业基金{fmt2(fig['转入事业基金'])}万元")
    if f.carried_out is not None:
        spending.append(_with_parts("年末结转和结余", f.carried_out, fig["年末结转和结余"],
                                    path=("收支", "年末结转和结余"), draft=draft,
                                    none="无年末结转和结余",
                                    change=_change(fig, "年末结转和结余")))
    if spending:
        text = "；".join(spending)
        if draft.disputed("收支") and fig["收支差额"] is not None:
            text += mark(f"年初结转和结余与收入之和为{fmt2(fig['资金来源合计'])}万元，支出、转入事业基金"
                         f"与年末结转和结余之和为{fmt2(fig['资金去向合计'])}万元，"
                         f"相差{fmt2(abs(fig['收支差额']))}万元")
        out.append(Paragraph.of(text + "。"))
    budget = _budget_sentence(fig, year)
    if budget:
        out.append(Paragraph.of(budget))
    return out or [Paragraph.of("【待补充：收入支出决算数据】")]


def _budget_sentence(fig: Figures, year: int) -> str:
    """年初预算, 本年追加预算, 全年预算 and the share; a budget that is zero is said as 未…
    (and a 全年预算 equal to its one part, or a share of 0.00%, is not stated)."""
    initial, extra, whole = fig["年初预算"], fig["本年追加预算"], fig["全年预算"]
    if initial is None or extra is None or whole is None:
        return ""
    if shows_as_zero(extra):
        if shows_as_zero(initial):
            return f"{year}年未安排年初预算，本年也未追加预算。"
        return f"{year}年年初预算{fmt2(initial)}万元，本年未追加预算。"
    if shows_as_zero(initial):
        return f"{year}年未安排年初预算，本年追加预算{fmt2(extra)}万元。"
    share = fig["追加预算占年初预算比例"]
    share_text = "" if share is None else f"，追加预算占年初预算的{fmt2(share)}%"
    return (f"{year}年年初预算{fmt2(initial)}万元，本年追加预算{fmt2(extra)}万元，"
            f"全年预算合计{fmt2(whole)}万元{share_text}。")


def _split(split: Breakdown, key: str, draft: Draft) -> str:
    path = ("收支", "支出决算数", key)
    text = _list(split, "万元", fmt2, path, draft)
    if draft.disputed(*path):  # the split does not add up to 支出决算数
        text += mark(f"各项之和为{fmt2(split.total())}万元")
    return text
