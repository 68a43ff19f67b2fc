"""Framework rules applied to one department-year: values, scores, sentences."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from .facts import PATHS, Figures, as_printed, figures_of
from .findings import Finding, error, warning
from .formula import NotComputable
from .framework import Framework, Indicator, fill_pattern, unconditional_figures
from .model import DepartmentYear
from .numbers import fmt_points, fmt_score, fmt_stated, round2, signed
from .rules import Checklist, MissingInput, RuleInput, score_words
from .text import chinese_count, quoted, unrepeated

ZERO = Decimal(0)


class Status(StrEnum):
    SCORED = "scored"
    NOT_APPLICABLE = "not_applicable"
    NOT_COMPUTABLE = "not_computable"  # a real zero denominator: stated, not an error
    MISSING_DATA = "missing_data"  # the data lacks what the rule needs: an error (草稿)


@dataclass(frozen=True)
class IndicatorScore:
    category: str
    group: str
    indicator: Indicator
    value: Decimal | None
    score: Decimal
    explanation: str
    analysis: str
    status: Status = Status.SCORED
    reason: str = ""
    # A zero denominator: the figures found to be 0 (may be empty when the denominator is a
    # sum); None for every other status. A real zero, to be explained in 需要说明事项.
    zero_figures: tuple[str, ...] | None = None
    value_in_words: str = ""  # the rule's restatement of the value (较上年增长)
    shortfall: str = ""  # what fell short, where the rule can say (a checklist's criteria)

    @property
    def name(self) -> str:
        return self.indicator.name

    @property
    def points(self) -> Decimal:
        return self.indicator.points

    @property
    def lost(self) -> Decimal:
        return self.points - self.score

    @property
    def value_text(self) -> str:
        """The value as data (ASCII sign): manifests, check messages, 汇总表."""
        if self.value is None:
            return ""
        return f"{fmt_stated(self.value)}{self.indicator.rule.unit}"

    @property
    def value_display(self) -> str:
        """The value as printed: a proper minus sign (−5.76%)."""
        return signed(self.value_text)

    @property
    def value_clause(self) -> str:
        """预算完成率为87.75%; 绩效办对应部分考核得分为91.20分 where the value is a score."""
        if self.value is None:
            return ""
        if self.indicator.rule.unit == "%":
            return f"{self.name}为{self.value_display}"
        label = self.indicator.formula_label or f"{self.name}的计算值"
        return f"{label}为{self.value_display}"


@dataclass
class Scorecard:
    framework: Framework
    results: list[IndicatorScore]
    figures: Figures  # the one source of every figure the report states
    findings: list[Finding] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return round2(sum((r.score for r in self.results), ZERO))

    @property
    def grade(self) -> str:
        return self.framework.grade(self.total)

    def __post_init__(self) -> None:
        self._by_name = {r.name: r for r in self.results}

    def by_name(self, name: str) -> IndicatorScore | None:
        return self._by_name.get(name)

    def category_score(self, name: str) -> Decimal:
        return round2(sum((r.score for r in self.results if r.category == name), ZERO))


def figure_texts(data: DepartmentYear, figures: Figures) -> dict[str, str]:
    """What sentence patterns and narratives may cite: the figures, 年度 and 单位名称."""
    return {"年度": str(data.basic.year), "单位名称": data.basic.name, **figures.texts()}


def score(data: DepartmentYear, framework: Framework, data_file: str = "") -> Scorecard:
    figures = figures_of(data)
    values = dict(figures.values)
    texts = figure_texts(data, figures)
    zero = frozenset(n for n, v in values.items() if v is None or as_printed(n, v) == 0)
    findings: list[Finding] = []
    results = [IndicatorScore(category.name, group.name, indicator,
                              *_score_one(indicator, data, values, texts, zero, findings,
                                          data_file, framework.zero_denominator))
               for category, group, indicator in framework.indicators()]
    return Scorecard(framework, results, figures, findings)


def _score_one(ind: Indicator, data: DepartmentYear, values: dict[str, Decimal | None],
               texts: dict[str, str], zero: frozenset[str], findings: list[Finding],
               data_file: str, when_zero: str = "不得分"):
    points = fmt_points(ind.points)
    value: Decimal | None = None
    formula = ind.formula
    if formula is not None:
        try:
            # The value as printed: a computed one to the cent, a single stated figure
            # as given (the 绩效办's 93.341 is scored as 93.341, and printed so).
            value = formula.evaluate(values)
            value = round2(value) if formula.fact is None else as_printed(formula.fact, value)
        except NotComputable as exc:
            if exc.missing and ind.not_applicable is not None:
                na = ind.not_applicable
                text = f"{na.statement}，{na.basis}{score_words(ind.points, ind.points)}"
                return None, ind.points, text, f"{text}。", Status.NOT_APPLICABLE, ""
            involved = exc.missing or exc.zero
            fields = "、".join(".".join(PATHS[m]) for m in involved)
            if exc.missing:
                findings.append(error(f"指标{quoted(ind.name)}无法计算（{exc.reason}），请填写 {fields}",
                                      data_file, field=fields))
                # The report names the figures as a sentence does; the finding, the fields.
                names = "、".join(readable_fact(m) for m in exc.missing)
                text = f"缺少计算所需的数据（{names}），无法计算，{score_words(ZERO, ind.points)}"
                return None, ZERO, text, f"{ind.name}{text}。", Status.MISSING_DATA, text
            # A real zero (a department new this year): an outcome stated in words, not an
            # input error and not a performance problem. Whether it is explained is for the
            # checks to say, which see the narratives (checks.unexplained_zeros).
            # Zero in words: "为0" would be a figure without its unit (0.00万元, 0人); a
            # last-year figure by its year (2018年度“三公经费”预算), not 上年 in a 2019 sentence.
            what = "、".join(dated_fact(m, data.basic.year) for m in exc.zero) or "计算分母"
            reason = f"{what}为零"
            got = ind.points if when_zero == "得满分" else ZERO
            text = (f"{reason}，{unrepeated(ind.name, reason)}无法按公式计算，"
                    f"按评分标准{score_words(got, ind.points)}")
            return None, got, text, f"本部门{text}。", Status.NOT_COMPUTABLE, reason, \
                tuple(exc.zero)
    judgement = data.judgements.get(ind.name)
    given = RuleInput(
        points=ind.points, value=value, answers=data.checklists.get(ind.name),
        manual_score=judgement.score if judgement else None,
        level=judgement.level if judgement else None,
        grounds=judgement.grounds if judgement else "")
    try:
        outcome = ind.rule.apply(given)
    except MissingInput as exc:
        where = "清单评价" if ind.rule.kind == "清单" else "评议"
        findings.append(error(f"指标{quoted(ind.name)}：{exc}", data_file, field=f"{where}.{ind.name}"))
        text = f"{exc}，{score_words(ZERO, ind.points)}"
        return None, ZERO, text, f"{ind.name}{text}。", Status.MISSING_DATA, str(exc)
    names = dict(texts)
    names.update({
        "名称": ind.name, "分值": points, "得分": fmt_score(outcome.score),
        "扣分": fmt_score(ind.points - outcome.score), "规则说明": outcome.explanation,
        "公式说明": ind.formula_label or (ind.formula_text or ""),
        "值": "" if value is None else signed(f"{fmt_stated(value)}{ind.rule.unit}"),
        "依据": given.grounds.strip().rstrip("。"),
        "简称": data.basic.short, "考核机构": data.evaluation.assessor_name,
        # 对照…的四项评价标准: the count of the checklist's own criteria, never typed twice
        "项数": f"{chinese_count(len(ind.rule.items))}项" if isinstance(ind.rule, Checklist) else "",
    })
    pattern = ind.pattern or _default_pattern(ind)
    absent = [n for n in unconditional_figures(pattern) if values.get(n) is None]
    if absent:
        # A figure the pattern prints unconditionally and the data lacks: marked, never
        # printed as its {名称}. (A framework says 【…｜…】 where a figure may be absent.)
        fields = "、".join(".".join(PATHS[n]) for n in absent)
        findings.append(warning(
            f"指标{quoted(ind.name)}的分析句式要写出{'、'.join(readable_fact(n) for n in absent)}，"
            f"但数据中没有填写，报告中以【待补充】标出；请填写 {fields}", data_file, field=fields))
        names.update({n: f"【待补充：{readable_fact(n)}】" for n in absent})
    return value, outcome.score, outcome.explanation, fill_pattern(pattern, names, zero), \
        Status.SCORED, "", None, outcome.in_words, outcome.shortfall


# Data groups whose field names (预算, 实际 …) need the group's name to be read alone.
_GROUPED = ("三公经费", "公用经费", "政府采购", "新建楼堂馆所")


def readable_fact(name: str) -> str:
    """A fact as a sentence names it: “三公经费”上年预算, 编制数 (never a variable name)."""
    path = PATHS[name]
    if len(path) >= 2 and path[0] in _GROUPED:
        return f"{quoted(path[0])}{path[-1]}"
    return name  # 问卷收回数, not its field 收回 (which alone reads as a verb)


def dated_fact(name: str, year: int) -> str:
    """A fact as a sentence about one year names it: last year's by that year (上年预算 of
    “三公经费” in a 2019 report is 2018年度“三公经费”预算), this year's as it is."""
    path = PATHS[name]
    if path[0] == "上年度":
        return f"{year - 1}年度{path[-1]}"
    if path[-1].startswith("上年") and len(path) >= 2 and path[0] in _GROUPED:
        return f"{year - 1}年度{quoted(path[0])}{path[-1].removeprefix('上年')}"
    return readable_fact(name)


def _default_pattern(ind: Indicator) -> str:
    if ind.formula_text:
        return "{名称}＝{公式说明}＝{值}，{规则说明}。"
    if ind.rule.kind == "评议":
        return "{依据}。根据评分标准，{规则说明}。"
    return "{名称}{规则说明}。"
