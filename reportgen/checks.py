"""The checks a finance bureau runs before accepting a report, in one pass."""

from __future__ import annotations

from decimal import Decimal

from . import credit_code
from .facts import PATHS, Figures, figures_of
from .findings import Finding, Severity
from .inputs.folder import Department
from .inputs.narratives import Narratives
from .model import TOTAL_KEY, Breakdown
from .numbers import HUNDRED, fmt2, fmt_count, fmt_points, fmt_stated, round2
from .scoring import Scorecard
from .text import quoted

TOLERANCE = Decimal("0.01")


def run_checks(dept: Department, card: Scorecard,
               narratives: Narratives | None = None) -> list[Finding]:
    findings: list[Finding] = list(dept.notes)
    add = _adder(dept, findings)
    _balance(card.figures, add)
    _part_sums(dept, add)
    _impossible(dept, add)
    _credit_code(dept, add)
    _empty_cover_fields(dept, add)
    _claims(dept, card, add)
    _unused_answers(dept, card, add)
    if narratives is not None:
        _unexplained_zeros(card, narratives, add)
    for r in card.results:
        if r.score > r.points or r.score < 0:
            add(Severity.ERROR, f"指标{quoted(r.name)}得分{fmt_points(r.score)}超出分值范围0～"
                f"{fmt_points(r.points)}", ())
    findings.extend(card.findings)
    return findings


def _adder(dept: Department, findings: list[Finding]):
    """add(severity, message, path): a finding placed where the data at path was written."""
    place = dept.locator.place

    def add(severity: Severity, message: str, path: tuple) -> None:
        file, line = place(path)
        findings.append(Finding(severity, message, file, line, ".".join(map(str, path))))

    return add


def data_checks(dept: Department, unread: set[tuple] = frozenset()) -> list[Finding]:
    """The checks that need the data alone (sums, balance, impossible figures): run on what
    could be read when other fields could not, so one pass lists both kinds of error.
    A check touching an unread field (a path in unread, or under one) is left out: its sum
    would be wrong for want of the part, not for a mistake of the clerk."""
    findings: list[Finding] = []
    _balance(figures_of(dept.data), _adder(dept, findings))
    _part_sums(dept, _adder(dept, findings))
    _impossible(dept, _adder(dept, findings))
    _credit_code(dept, _adder(dept, findings))
    return [f for f in findings if not any(related(tuple(f.field.split(".")), path)
                                           for path in unread)]


def related(a: tuple, b: tuple) -> bool:
    """One path is the other or lies under it."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def _balance(fig: Figures, add) -> None:
    gap = fig["收支差额"]
    if gap is None or abs(gap) <= TOLERANCE:
        return
    add(Severity.ERROR, (
        f"收支不平衡：年初结转和结余＋收入决算数＝{fmt2(fig['资金来源合计'])}万元，支出决算数＋"
        f"转入事业基金＋年末结转和结余＝{fmt2(fig['资金去向合计'])}万元，相差{fmt2(abs(gap))}万元；"
        "请核对这几项数据"),
        ("收支",))


def _part_sums(dept: Department, add) -> None:
    d = dept.data
    groups: list[tuple[tuple, Breakdown | None, str]] = [
        (("人员", "编制数"), d.staffing.authorized, "人"),
        (("人员", "年末实有人数"), d.staffing.year_end, "人"),
        (("收支", "收入决算数"), d.finance.income, "万元"),
        (("收支", "年初结转和结余"), d.finance.carried_in, "万元"),
        (("收支", "年末结转和结余"), d.finance.carried_out, "万元"),
        (("三公经费", "本年预算"), d.three_public.budget, "万元"),
        (("三公经费", "上年预算"), d.three_public.last_year_budget, "万元"),
        (("三公经费", "本年实际"), d.three_public.actual, "万元"),
        (("三公经费", "上年实际"), d.three_public.last_year_actual, "万元"),
    ]
    exp = d.finance.expenditure
    if exp is not None:
        for key, split in (("按支出性质", exp.by_nature), ("按经济分类", exp.by_economic_class),
                           ("按功能分类", exp.by_function)):
            groups.append((("收支", "支出决算数", key), split, "万元"))
            if split is not None and exp.total is not None and split.stated_total() is None:
                got = split.total()
                if abs(got - exp.total) > TOLERANCE:
                    add(Severity.ERROR, (
                        f"支出决算数{key}各项之和为{fmt2(got)}万元，与合计{fmt2(exp.total)}万元不符，"
                        f"相差{fmt2(abs(got - exp.total))}万元"), ("收支", "支出决算数", key))
    for path, tally, unit in groups:
        if tally is not None:
            _tally(path, tally, unit, add)


def _tally(path: tuple, tally: Breakdown, unit: str, add) -> None:
    parts = tally.parts()
    for name, part in parts.items():
        if isinstance(part, Breakdown):
            _tally((*path, name), part, unit, add)
    stated = tally.stated_total()
    if stated is None or not parts:
        return
    got = tally.parts_sum()
    tolerance = TOLERANCE if unit == "万元" else Decimal(0)
    if abs(got - stated) > tolerance:
        show = fmt2 if unit == "万元" else fmt_points
        names = "＋".join(parts)
        add(Severity.ERROR, (
            f"{path[-1]}的合计为{show(stated)}{unit}，但各项之和（{names}）为{show(got)}{unit}，"
            f"相差{show(abs(got - stated))}{unit}；请核对合计或各项人数/金额"),
            (*path, TOTAL_KEY))


def _claims(dept: Department, card: Scorecard, add) -> None:
    claims = dept.data.claims
    for name, claim in claims.indicators.items():
        path = ("自填数", "指标", name)
        result = card.by_name(name)
        if result is None:
            add(Severity.WARNING, f"自填数中的指标{quoted(name)}不在评价框架“{card.framework.ident}”中", path)
            continue
        # Compared to the cent: a stated value (93.341) is claimed rightly as 93.34.
        if claim.value is not None and result.value is not None \
                and round2(claim.value) != round2(result.value):
            add(Severity.ERROR, (
                f"自填的{name}为{fmt2(claim.value)}{result.indicator.rule.unit}，按公式"
                f"{result.indicator.formula_label or ''}计算应为{result.value_text}；请改用计算值"),
                (*path, "值"))
        if claim.score is not None and round2(claim.score) != result.score:
            add(Severity.ERROR, (
                f"自填的{name}得分为{fmt_points(claim.score)}分，按评分标准应为"
                f"{fmt_points(result.score)}分"), (*path, "得分"))
    if claims.total is not None and round2(claims.total) != card.total:
        add(Severity.ERROR, f"自填总分为{fmt_points(claims.total)}分，各指标得分合计应为"
            f"{fmt_points(card.total)}分", ("自填数", "总分"))


def _impossible(dept: Department, add) -> None:
    """Figures that cannot be true whatever the department: survey counts out of order, a
    百分制 score over 100. (A part larger than its 合计 is caught by the sum check; a
    negative amount or count by the model.)"""
    data = dept.data
    survey = data.assessment.survey
    if survey is not None:
        path = ("考核与调查", "满意度调查")
        if None not in (survey.returned, survey.sent) and survey.returned > survey.sent:
            add(Severity.ERROR, f"满意度调查收回{fmt_count(survey.returned)}份，多于发放的"
                f"{fmt_count(survey.sent)}份；收回份数不能多于发放份数", (*path, "收回"))
        if None not in (survey.satisfied, survey.returned) and survey.satisfied > survey.returned:
            add(Severity.ERROR, f"满意度调查满意{fmt_count(survey.satisfied)}份，多于收回的"
                f"{fmt_count(survey.returned)}份；满意份数不能多于收回份数", (*path, "满意"))
        if survey.recipients and survey.sent is not None \
                and survey.recipients_total != survey.sent:
            names = "＋".join(survey.recipients)
            add(Severity.ERROR, f"满意度调查发放对象各项之和（{names}）为"
                f"{fmt_count(survey.recipients_total)}份，与发放的{fmt_count(survey.sent)}份不符；"
                "请核对发放份数或各发放对象的份数", (*path, "发放对象"))
    office = data.assessment.performance_office_score
    if office is not None and office > HUNDRED:
        add(Severity.ERROR, f"绩效办考核得分{fmt_stated(office)}分超过百分制的100分；请核对",
            ("考核与调查", "绩效办考核得分"))


def _credit_code(dept: Department, add) -> None:
    """A code that breaks GB 32100 is a printed fact provably wrong: an error (a draft)."""
    code = dept.data.basic.credit_code
    for problem in credit_code.problems(code) if code else ():
        add(Severity.ERROR, problem.message, credit_code.PATH)


def _empty_cover_fields(dept: Department, add) -> None:
    basic = dept.data.basic
    if not basic.name.strip():
        add(Severity.WARNING, "单位名称为空，报告封面和标题以【待补充：单位名称】标出；请填写单位全称",
            ("基本信息", "单位名称"))
    if basic.report_date is None:
        add(Severity.WARNING, "没有填写报告日期，报告落款以【待补充：报告日期】标出；"
            "请填写，如 2019-06-15", ("基本信息", "报告日期"))


def _unexplained_zeros(card: Scorecard, narratives: Narratives, add) -> None:
    """A zero denominator is an outcome to explain; once 需要说明事项.md has its section, the
    warning goes."""
    for r in card.results:
        if r.zero_figures is None:
            continue
        section = narratives.reason_for(r.name)
        if section is not None and section[0]:
            continue
        fields = "、".join(".".join(PATHS[m]) for m in r.zero_figures)
        check = f"请核对 {fields}；" if fields else ""
        add(Severity.WARNING, (
            f"指标{quoted(r.name)}无法计算（{r.reason}），该项计{fmt_points(r.score)}分；{check}如确为零，"
            f"{narratives.where_to_explain(r.name)}说明原因"),
            PATHS[r.zero_figures[0]] if r.zero_figures else ())


def _unused_answers(dept: Department, card: Scorecard, add) -> None:
    names = {r.name for r in card.results}
    for key, answers in (("清单评价", dept.data.checklists), ("评议", dept.data.judgements)):
        for name in answers:
            if name not in names:
                add(Severity.WARNING, f"“{name}”不是评价框架“{card.framework.ident}”中的指标，"
                    "此项填写未被使用；请核对指标名称", (key, name))
