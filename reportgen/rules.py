"""Scoring rules: one small class per kind, chosen by the framework's 类型 field.

Each rule turns an indicator's input (a rate, checklist answers or a judgement) into a
score and the sentence that states how the score follows. A new kind is a new class
added to RULE_KINDS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from .numbers import fmt2, fmt_points, fmt_score, fmt_stated, parse_decimal, round2
from .text import chinese_count, circled_number

ZERO = Decimal(0)


def _decimal(raw: object) -> Decimal:
    return parse_decimal(raw, allow_percent=True)


Dec = Annotated[Decimal, BeforeValidator(_decimal)]


@dataclass(frozen=True)
class RuleInput:
    """What a rule may look at; fields a kind does not use stay None."""

    points: Decimal
    value: Decimal | None = None
    answers: list[bool] | None = None
    manual_score: Decimal | None = None
    level: str | None = None
    grounds: str = ""


@dataclass(frozen=True)
class RuleOutcome:
    score: Decimal
    explanation: str
    # The value restated in words (较上年增长) where the explanation opens with it: a
    # sentence that has just given the value leaves this clause out.
    in_words: str = ""
    # What fell short, as a problem of this department (部分项目支出未按规定经过评估论证),
    # where the rule can tell; 存在的绩效问题 says it instead of the framework's 问题表述.
    shortfall: str = ""


def score_words(score: Decimal, points: Decimal, lost_word: str = "扣") -> str:
    """How every sentence states a score, in one form: 得满分6.00分; 扣2.00分，得3.00分;
    扣5.00分，不得分 (the frameworks' own 不得分 for nothing left). The deduction comes
    first, as the working does; lost_word varies it after a sum (共扣)."""
    if score >= points:
        return f"得满分{fmt_score(points)}分"
    lost = f"{lost_word}{fmt_score(points - score)}分"
    return f"{lost}，不得分" if score <= 0 else f"{lost}，得{fmt_score(score)}分"


class MissingInput(Exception):
    """The department's data lacks what this rule needs; the message says what to fill in."""


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)
    uses_formula: ClassVar[bool] = True
    unit: ClassVar[str] = "%"

    def check_points(self, points: Decimal) -> list[str]:
        """Problems of this rule against the indicator's points (framework validation)."""
        return []

    def apply(self, given: RuleInput) -> RuleOutcome:
        raise NotImplementedError


def _clamp(score: Decimal, points: Decimal) -> Decimal:
    return round2(min(max(score, ZERO), points))


class Stepwise(_Rule):
    """阶梯扣分: full points on the right side of a target, minus a deduction per step off it."""

    kind: Literal["阶梯扣分"] = Field(alias="类型")
    target: Dec = Field(alias="目标")
    direction: Literal["高于", "低于", "偏离"] = Field(alias="方向")
    step: Dec = Field(alias="步长")
    deduction: Dec = Field(alias="每步扣分")
    partial_step: Literal["不扣", "按比例", "按一步"] = Field("不扣", alias="不足一步")

    def check_points(self, points: Decimal) -> list[str]:
        return ["步长必须大于0"] if self.step <= 0 else []

    def apply(self, given: RuleInput) -> RuleOutcome:
        value, points = given.value, given.points
        assert value is not None
        gap = self._gap(value)
        t = _percent(self.target)
        full = score_words(points, points)
        if gap <= 0:
            if self.direction == "高于" and self.target == 0 and value <= 0:
                # A change below zero is a decrease: said in words, not as "−5.76%未超过0";
                # the figure was just given (＝−5.76%), so it is not said again.
                change = "较上年下降" if value < 0 else "与上年持平"
                return RuleOutcome(points, f"{change}，{full}", change)
            return RuleOutcome(points, f"{self._within(t)}，{full}")
        step = fmt_points(self.step)
        steps = gap / self.step
        if self.partial_step == "不扣":
            steps = steps.to_integral_value(rounding=ROUND_FLOOR)
            policy = f"不足{step}个百分点的部分不扣分"
        elif self.partial_step == "按一步":
            steps = steps.to_integral_value(rounding=ROUND_CEILING)
            policy = f"不足{step}个百分点的按{step}个百分点计"
        else:
            policy = f"不足{step}个百分点的部分按比例扣分"
        due = round2(steps * self.deduction)
        lost = min(due, points)
        score = _clamp(points - lost, points)
        side = {"高于": "超过", "低于": "低于", "偏离": "偏离"}[self.direction]
        in_words = "较上年增长" if self.direction == "高于" and self.target == 0 else ""
        off = in_words or f"{side}{t}达{fmt2(gap)}个百分点"
        if due == 0:
            return RuleOutcome(score, f"{off}，不足{step}个百分点，{full}", in_words)
        every = {"高于": "每超过", "低于": "每低于", "偏离": "每偏离"}[self.direction]
        rule = f"按{every}{step}个百分点扣{fmt_points(self.deduction)}分计"
        if due > points:
            return RuleOutcome(score, (f"{off}，{rule}应扣{fmt_score(due)}分，超过该项分值"
                                   f"{fmt_points(points)}分，扣完为止，不得分"), in_words)
        return RuleOutcome(score, f"{off}，{rule}（{policy}），{score_words(score, points)}",
                           in_words)

    def _gap(self, value: Decimal) -> Decimal:
        if self.direction == "高于":
            return value - self.target
        if self.direction == "低于":
            return self.target - value
        return abs(value - self.target)

    def _within(self, t: str) -> str:
        return {"高于": f"未超过{t}", "低于": f"达到{t}", "偏离": f"等于{t}"}[self.direction]


def _percent(value: Decimal) -> str:
    """100%, 10%; zero is written 0, as the frameworks write "变动率≤0"."""
    return "0" if value == 0 else f"{fmt_points(value)}%"


_INTERVAL = re.compile(
    r"^\s*([\[(（【])\s*([^,，]*?)\s*[,，]\s*([^\])）】]*?)\s*([\])）】])\s*$")
_INFINITE = {"+∞", "∞", "+inf", "inf", "无穷", "正无穷", "", "-∞", "-inf", "负无穷"}


@dataclass(frozen=True)
class Interval:
    low: Decimal | None
    low_closed: bool
    high: Decimal | None
    high_closed: bool

    def contains(self, value: Decimal) -> bool:
        if self.low is not None and (value < self.low or (value == self.low and not self.low_closed)):
            return False
        return not (self.high is not None and (
            value > self.high or (value == self.high and not self.high_closed)))

    def describe(self) -> str:
        """The band as a 评价标准 writes it: 10%～30%（含）, 90%（含）以上; 超过100% for its
        大于100% (a figure in a sentence 超过 a bound)."""
        low = None if self.low is None else _percent(self.low)
        high = None if self.high is None else _percent(self.high)
        if low is not None and high is not None:
            if self.low == self.high:
                return f"为{low}"
            # A closed lower end of 0 needs no （含）: nothing lies below it.
            left = f"{low}（含）" if self.low_closed and self.low != 0 else low
            return f"处于{left}～{high}{'（含）' if self.high_closed else ''}区间"
        if low is not None:
            return f"在{low}（含）以上" if self.low_closed else f"超过{low}"
        if high is not None:
            return f"在{high}（含）以下" if self.high_closed else f"低于{high}"
        return "在任意值范围内"


def parse_interval(text: str) -> Interval:
    """"[0, 10]", "(10, 30]", "(100, +∞)": brackets say which ends are included."""
    m = _INTERVAL.match(str(text))
    if not m:
        raise ValueError(f"区间“{text}”格式不对，应写成 [0, 10]、(10, 30] 或 (100, +∞) 这样的形式")
    opening, low, high, closing = m.groups()
    low_v = None if low.strip().lower() in _INFINITE else _decimal(low)
    high_v = None if high.strip().lower() in _INFINITE else _decimal(high)
    if low_v is not None and high_v is not None and low_v > high_v:
        raise ValueError(f"区间“{text}”的下限大于上限")
    return Interval(low_v, opening in "[【", high_v, closing in "]】")


class Band(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)
    interval: Annotated[Interval, BeforeValidator(parse_interval)] = Field(alias="区间")
    score: Dec = Field(alias="得分")


class Bands(_Rule):
    """区间: each half-open band, written once, gives a fixed score."""

    kind: Literal["区间"] = Field(alias="类型")
    bands: list[Band] = Field(alias="区间表", min_length=1)

    def check_points(self, points: Decimal) -> list[str]:
        problems = [f"区间“{b.interval.describe()}”的得分{fmt_points(b.score)}超过分值"
                    for b in self.bands if b.score > points or b.score < 0]
        probes = {b.interval.low for b in self.bands} | {b.interval.high for b in self.bands}
        for probe in sorted(p for p in probes if p is not None):
            hits = [b for b in self.bands if b.interval.contains(probe)]
            if len(hits) > 1:
                problems.append(f"{fmt_points(probe)}%同时落在{len(hits)}个区间内，区间不能重叠")
        return problems

    def apply(self, given: RuleInput) -> RuleOutcome:
        assert given.value is not None
        for band in self.bands:
            if band.interval.contains(given.value):
                score = _clamp(band.score, given.points)
                return RuleOutcome(score, (f"{band.interval.describe()}，按评分标准"
                                           f"{score_words(score, given.points)}"))
        return RuleOutcome(ZERO, f"不在评价标准所列的任何区间内，{score_words(ZERO, given.points)}")


class Linear(_Rule):
    """线性: the score is value ÷ full value × points (重点工作 from the 绩效办's score)."""

    kind: Literal["线性"] = Field(alias="类型")
    full_value: Dec = Field(Decimal(100), alias="满分值")
    unit: ClassVar[str] = "分"

    def check_points(self, points: Decimal) -> list[str]:
        return ["满分值必须大于0"] if self.full_value <= 0 else []

    def apply(self, given: RuleInput) -> RuleOutcome:
        assert given.value is not None
        capped = min(max(given.value, ZERO), self.full_value)
        score = _clamp(capped / self.full_value * given.points, given.points)
        if score >= given.points:
            return RuleOutcome(score, score_words(score, given.points))
        # The framework's own formula (该项得分＝（…÷100）×8) with its figures and result,
        # then the loss; the value quoted as stated (93.341), not restated at two places.
        lost = f"扣{fmt_score(given.points - score)}分"
        return RuleOutcome(score, (f"该项得分＝{fmt_stated(capped)}÷{fmt_points(self.full_value)}×"
                                   f"{fmt_points(given.points)}＝{fmt_score(score)}分，"
                                   f"{lost}{'，不得分' if score <= 0 else ''}"))


class Checklist(_Rule):
    """清单: award points per criterion met, or deduct per criterion failed (floor 0)."""

    kind: Literal["清单"] = Field(alias="类型")
    mode: Literal["得分", "扣分"] = Field(alias="方式")
    per_item: Dec = Field(alias="每项分值")
    items: list[str] = Field(alias="项目", min_length=1)
    # Each criterion unmet, said as this department's shortfall (部分项目支出未按规定经过评估
    # 论证), in the order of 项目; optional, for 存在的绩效问题.
    shortfalls: list[str] = Field(default_factory=list, alias="不符合时")
    uses_formula: ClassVar[bool] = False

    def check_points(self, points: Decimal) -> list[str]:
        problems = []
        if self.mode == "得分" and self.per_item * len(self.items) != points:
            problems.append(
                f"{len(self.items)}项×每项{fmt_points(self.per_item)}分≠分值{fmt_points(points)}")
        if self.shortfalls and len(self.shortfalls) != len(self.items):
            problems.append(f"“不符合时”应与“项目”一一对应，有{len(self.items)}项，"
                            f"实际写了{len(self.shortfalls)}项")
        return problems

    def shortfall(self, failed: list[int]) -> str:
        """The unmet criteria as a problem: the framework's 不符合时 wording, or else the
        criterion itself (未达到“…”的要求)."""
        if self.shortfalls:
            return "，".join(self.shortfalls[i] for i in failed)
        return "未达到" + "".join(f"“{self.items[i]}”" for i in failed) + "的要求"

    def apply(self, given: RuleInput) -> RuleOutcome:
        answers = given.answers
        n = len(self.items)
        if answers is None:
            raise MissingInput(f"缺少清单评价结果，请在“清单评价”下按顺序填写{n}项 是/否")
        if len(answers) != n:
            raise MissingInput(f"清单评价应有{n}项 是/否，实际填写了{len(answers)}项")
        failed = [i for i, ok in enumerate(answers) if not ok]
        points = given.points
        if not failed:
            return RuleOutcome(points, f"各项均符合要求，{score_words(points, points)}")
        # Which criteria fell short, by their own number and words.
        names = "、".join(f"第{circled_number(i + 1)}项“{self.items[i]}”" for i in failed)
        shortfall = f"{names}未达到要求"
        problem = self.shortfall(failed)
        per = fmt_points(self.per_item)
        if self.mode == "得分":
            score = _clamp(self.per_item * (n - len(failed)), points)
            met = n - len(failed)
            rest = f"其余{chinese_count(met)}项符合要求，" if met else ""
            return RuleOutcome(score, (f"{shortfall}，{rest}按每项{per}分计，"
                                       f"{score_words(score, points)}"), shortfall=problem)
        due = self.per_item * len(failed)
        lost = min(due, points)
        score = _clamp(points - lost, points)
        if due > points:
            return RuleOutcome(score, (f"{shortfall}，每项扣{per}分，应扣{fmt_score(due)}分，"
                                       f"超过该项分值{fmt_points(points)}分，扣完为止，不得分"), shortfall=problem)
        if len(failed) == 1:
            return RuleOutcome(score, f"{shortfall}，{score_words(score, points)}",
                               shortfall=problem)
        return RuleOutcome(score, f"{shortfall}，每项扣{per}分，{score_words(score, points, '共扣')}",
                           shortfall=problem)


class JudgementRule(_Rule):
    """评议: a score given by the evaluators, which must come with its grounds."""

    kind: Literal["评议"] = Field(alias="类型")
    uses_formula: ClassVar[bool] = False

    def apply(self, given: RuleInput) -> RuleOutcome:
        if given.manual_score is None:
            raise MissingInput("缺少评议得分，请在“评议”下填写 得分 和 依据")
        if not given.grounds.strip():
            raise MissingInput("评议得分必须写明依据，请在“评议”下填写 依据")
        if given.manual_score > given.points:
            raise MissingInput(
                f"评议得分{fmt_points(given.manual_score)}超过分值{fmt_points(given.points)}")
        score = round2(given.manual_score)
        return RuleOutcome(score, score_words(score, given.points))


class Level(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)
    name: str = Field(alias="名称")
    score: Dec = Field(alias="得分")
    meaning: str = Field("", alias="说明")


class Levels(_Rule):
    """等级: the evaluators choose one named level (好/一般/无), each worth fixed points."""

    kind: Literal["等级"] = Field(alias="类型")
    levels: list[Level] = Field(alias="等级表", min_length=1)
    uses_formula: ClassVar[bool] = False

    def check_points(self, points: Decimal) -> list[str]:
        return [f"等级“{lv.name}”的得分超过分值" for lv in self.levels if lv.score > points]

    def apply(self, given: RuleInput) -> RuleOutcome:
        names = "、".join(lv.name for lv in self.levels)
        if not given.level:
            raise MissingInput(f"缺少评定等级，请在“评议”下填写 等级（{names}之一）")
        for lv in self.levels:
            if lv.name == given.level.strip():
                # Said once: 评定为“一般” by the level's name, or its 说明 where the name does
                # not read as a rating (无效果或者效果不明显); "行政效能效果一般" and "评定为
                # “一般”（效果一般）" both said a word twice.
                said = lv.meaning or f"评定为“{lv.name}”"
                score = _clamp(lv.score, given.points)
                return RuleOutcome(score, f"{said}，{score_words(score, given.points)}")
        raise MissingInput(f"等级“{given.level}”不在可选范围内，应为{names}之一")


Rule = Annotated[Stepwise | Bands | Linear | Checklist | JudgementRule | Levels,
                 Field(discriminator="kind")]
RULE_KINDS = ("阶梯扣分", "区间", "线性", "清单", "评议", "等级")


class WhenNotApplicable(BaseModel):
    """不适用: when the formula's figures are absent (no new building), full points, on the
    basis the sentence names: 按评分标准 where the indicator's 评价标准 says so (没有楼堂馆所
    项目的部门按满分计算), else where the rule comes from."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)
    statement: str = Field(alias="说明")
    basis: str = Field("按评价框架规定", alias="依据")

    @model_validator(mode="after")
    def _statement(self) -> WhenNotApplicable:
        if not self.statement.strip():
            raise ValueError("不适用的说明不能为空")
        return self

