"""Named figures of a department-year: the one place any total, rate or derived figure is made.

Framework formulas and narratives cite them by name; scoring, the checks, the generated
sentences and the appendix tables all read them from the one Figures view computed per
department, so 支出决算数 is the same figure everywhere however it was written (合计, or
only one of its breakdowns). Each fact knows where it is written in data.yaml, so a
missing one is reported there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .model import Breakdown, DepartmentYear, MoneyBreakdown
from .numbers import HUNDRED, fmt2, fmt_count, fmt_stated, round2


class FactKind(StrEnum):
    MONEY = "万元"
    COUNT = "人"
    SCORE = "分"  # written like every score, with two decimals
    NUMBER = ""
    RATE = "%"


@dataclass(frozen=True)
class Fact:
    name: str
    kind: FactKind
    path: tuple[str, ...]
    get: Callable[[DepartmentYear], Decimal | None]

    @property
    def field(self) -> str:
        return ".".join(self.path)


def _total(b: Breakdown | None) -> Decimal | None:
    return None if b is None else b.total()


def _part(b: Breakdown | None, name: str) -> Decimal | None:
    return None if b is None else b.part(name)


def _nature(d: DepartmentYear, name: str) -> Decimal | None:
    exp = d.finance.expenditure
    return None if exp is None else _part(exp.by_nature, name)


def _expenditure(d: DepartmentYear) -> Decimal | None:
    """合计 where written, else the total of whichever breakdown was filled in."""
    exp = d.finance.expenditure
    if exp is None:
        return None
    if exp.total is not None:
        return exp.total
    for split in (exp.by_nature, exp.by_economic_class, exp.by_function):
        if split is not None:
            return split.total()
    return None


def _last_year(attr: str) -> Callable[[DepartmentYear], Decimal | None]:
    return lambda d: None if d.last_year is None else getattr(d.last_year, attr)


def _sum(*names: str) -> Callable[[dict[str, Decimal | None]], Decimal | None]:
    def get(v: dict[str, Decimal | None]) -> Decimal | None:
        parts = [v[n] for n in names]
        return None if None in parts else sum(parts, Decimal(0))
    return get


def _difference(a: str, b: str) -> Callable[[dict[str, Decimal | None]], Decimal | None]:
    def get(v: dict[str, Decimal | None]) -> Decimal | None:
        return None if v[a] is None or v[b] is None else v[a] - v[b]
    return get


def _ratio(part: str, whole: str) -> Callable[[dict[str, Decimal | None]], Decimal | None]:
    """part ÷ whole × 100; nothing where either is missing or whole is 0."""
    def get(v: dict[str, Decimal | None]) -> Decimal | None:
        a, b = v[part], v[whole]
        return None if a is None or not b else a / b * HUNDRED
    return get


def _growth(now: str, before: str) -> Callable[[dict[str, Decimal | None]], Decimal | None]:
    """(now − before) ÷ |before| × 100; nothing where either is missing or before is 0."""
    def get(v: dict[str, Decimal | None]) -> Decimal | None:
        a, b = v[now], v[before]
        return None if a is None or not b else (a - b) / abs(b) * HUNDRED
    return get


def _in_service(d: DepartmentYear) -> Decimal | None:
    heads = d.staffing.year_end
    return None if heads is None else heads.part("在职人员")


def _building(attr: str) -> Callable[[DepartmentYear], Decimal | None]:
    def get(d: DepartmentYear) -> Decimal | None:
        return None if d.new_buildings is None else getattr(d.new_buildings, attr)
    return get


def _survey(attr: str) -> Callable[[DepartmentYear], Decimal | None]:
    def get(d: DepartmentYear) -> Decimal | None:
        survey = d.assessment.survey
        return None if survey is None else getattr(survey, attr)
    return get


def _money(b: Callable[[DepartmentYear], MoneyBreakdown | None]) -> Callable[
        [DepartmentYear], Decimal | None]:
    return lambda d: _total(b(d))


_M, _C, _N = FactKind.MONEY, FactKind.COUNT, FactKind.NUMBER

FACTS: dict[str, Fact] = {f.name: f for f in [
    Fact("收入决算数", _M, ("收支", "收入决算数"), _money(lambda d: d.finance.income)),
    Fact("财政拨款收入", _M, ("收支", "收入决算数", "财政拨款收入"),
         lambda d: _part(d.finance.income, "财政拨款收入")),
    Fact("其他收入", _M, ("收支", "收入决算数", "其他收入"),
         lambda d: _part(d.finance.income, "其他收入")),
    Fact("年初结转和结余", _M, ("收支", "年初结转和结余"),
         _money(lambda d: d.finance.carried_in)),
    Fact("支出决算数", _M, ("收支", "支出决算数"), _expenditure),
    Fact("基本支出", _M, ("收支", "支出决算数", "按支出性质", "基本支出"),
         lambda d: _nature(d, "基本支出")),
    Fact("项目支出", _M, ("收支", "支出决算数", "按支出性质", "项目支出"),
         lambda d: _nature(d, "项目支出")),
    Fact("转入事业基金", _M, ("收支", "转入事业基金"), lambda d: d.finance.to_reserve_fund),
    Fact("年末结转和结余", _M, ("收支", "年末结转和结余"),
         _money(lambda d: d.finance.carried_out)),
    Fact("年初预算", _M, ("预算", "年初预算"), lambda d: d.budget.initial),
    Fact("本年追加预算", _M, ("预算", "本年追加预算"), lambda d: d.budget.supplementary),
    Fact("编制数", _C, ("人员", "编制数"), lambda d: _total(d.staffing.authorized)),
    Fact("在职人员数", _C, ("人员", "年末实有人数", "在职人员"), _in_service),
    Fact("年末实有人数", _C, ("人员", "年末实有人数"), lambda d: _total(d.staffing.year_end)),
    Fact("三公经费本年预算", _M, ("三公经费", "本年预算"),
         _money(lambda d: d.three_public.budget)),
    Fact("三公经费上年预算", _M, ("三公经费", "上年预算"),
         _money(lambda d: d.three_public.last_year_budget)),
    Fact("三公经费本年实际", _M, ("三公经费", "本年实际"),
         _money(lambda d: d.three_public.actual)),
    Fact("三公经费上年实际", _M, ("三公经费", "上年实际"),
         _money(lambda d: d.three_public.last_year_actual)),
    Fact("公用经费预算", _M, ("公用经费", "预算"), lambda d: d.public_funds.budget),
    Fact("公用经费实际", _M, ("公用经费", "实际"), lambda d: d.public_funds.actual),
    Fact("政府采购预算", _M, ("政府采购", "预算"), lambda d: d.procurement.budget),
    Fact("政府采购实际", _M, ("政府采购", "实际"), lambda d: d.procurement.actual),
    Fact("新建楼堂馆所批准面积", _N, ("新建楼堂馆所", "批准面积"), _building("approved_area")),
    Fact("新建楼堂馆所实际面积", _N, ("新建楼堂馆所", "实际面积"), _building("actual_area")),
    Fact("新建楼堂馆所批准投资", _M, ("新建楼堂馆所", "批准投资"),
         _building("approved_investment")),
    Fact("新建楼堂馆所实际投资", _M, ("新建楼堂馆所", "实际投资"),
         _building("actual_investment")),
    Fact("绩效办考核得分", FactKind.SCORE, ("考核与调查", "绩效办考核得分"),
         lambda d: d.assessment.performance_office_score),
    Fact("问卷发放数", _C, ("考核与调查", "满意度调查", "发放"), _survey("sent")),
    Fact("问卷收回数", _C, ("考核与调查", "满意度调查", "收回"), _survey("returned")),
    Fact("问卷满意数", _C, ("考核与调查", "满意度调查", "满意"), _survey("satisfied")),
    Fact("上年收入决算数", _M, ("上年度", "收入决算数"), _last_year("income")),
    Fact("上年支出决算数", _M, ("上年度", "支出决算数"), _last_year("expenditure")),
    Fact("上年年末结转和结余", _M, ("上年度", "年末结转和结余"), _last_year("carried_out")),
    Fact("公用经费上年实际", _M, ("公用经费", "上年实际"), lambda d: d.public_funds.last_year_actual),
    Fact("政府采购上年实际", _M, ("政府采购", "上年实际"), lambda d: d.procurement.last_year_actual),
]}


@dataclass(frozen=True)
class DerivedFact:
    """A figure computed from other facts (never from the data directly)."""

    name: str
    kind: FactKind
    path: tuple[str, ...]
    get: Callable[[dict[str, Decimal | None]], Decimal | None]


DERIVED: dict[str, DerivedFact] = {f.name: f for f in [
    DerivedFact("全年预算", _M, ("预算",), _sum("年初预算", "本年追加预算")),
    DerivedFact("追加预算占年初预算比例", FactKind.RATE, ("预算",), _ratio("本年追加预算", "年初预算")),
    # Compared with last year (上年度): 收入决算数增减额, 收入决算数增长率, …
    *(DerivedFact(f"{name}{label}", kind, FACTS[name].path, derive(name, f"上年{name}"))
      for name in ("收入决算数", "支出决算数", "年末结转和结余")
      for label, kind, derive in (("增减额", _M, _difference), ("增长率", FactKind.RATE, _growth))),
    # The balance the checks hold the finance figures to: sources = uses.
    DerivedFact("资金来源合计", _M, ("收支",), _sum("年初结转和结余", "收入决算数")),
    DerivedFact("资金去向合计", _M, ("收支",),
                _sum("支出决算数", "转入事业基金", "年末结转和结余")),
    DerivedFact("收支差额", _M, ("收支",), _difference("资金来源合计", "资金去向合计")),
]}
KINDS: dict[str, FactKind] = {**{n: f.kind for n, f in FACTS.items()},
                              **{n: f.kind for n, f in DERIVED.items()}}
PATHS: dict[str, tuple[str, ...]] = {**{n: f.path for n, f in FACTS.items()},
                                     **{n: f.path for n, f in DERIVED.items()}}


def _to_the_cent(name: str) -> bool:
    """Money and every computed figure are printed, and scored, to the cent."""
    return KINDS[name] in (FactKind.MONEY, FactKind.RATE) or name in DERIVED


def figure_text(name: str, value: Decimal) -> str:
    """How a named figure is printed, in the body, the patterns and 附件2 alike.

    Money (万元) and every computed figure (rates, sums, changes): two places, 0.00 — the way a
    决算 states 万元, rounded half-up. A score from the data (绩效办考核得分) is another body's
    published figure and is quoted as stated, never rounded: 93.341 stays 93.341, and 91.2
    reads 91.20 like every score. Counts are whole; other numbers (面积) as stated."""
    kind = KINDS[name]
    if kind is FactKind.COUNT:
        return fmt_count(value)
    if _to_the_cent(name):
        return fmt2(value)
    return fmt_stated(value, 2 if kind is FactKind.SCORE else 0)


def as_printed(name: str, value: Decimal) -> Decimal:
    """The figure at the precision it is printed, for a rule to score what the reader sees:
    money and computed figures to the cent, a stated score or number as given."""
    if _to_the_cent(name):
        return round2(value)
    return value


@dataclass(frozen=True)
class Figures:
    """Every named figure of one department-year, computed once (exact, not rounded)."""

    values: Mapping[str, Decimal | None]

    def __getitem__(self, name: str) -> Decimal | None:
        return self.values[name]

    def texts(self) -> dict[str, str]:
        """Display texts of the figures that exist: 6433.12 (万元), 92.31 (%), 188 (人),
        93.341 (分, as stated)."""
        return {name: figure_text(name, value)
                for name, value in self.values.items() if value is not None}

    def text(self, name: str) -> str | None:
        value = self.values[name]
        return None if value is None else figure_text(name, value)


def figures_of(data: DepartmentYear) -> Figures:
    values = {name: fact.get(data) for name, fact in FACTS.items()}
    for name, derived in DERIVED.items():
        values[name] = derived.get(values)
    return Figures(values)
