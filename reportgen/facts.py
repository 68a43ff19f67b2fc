"""Named figures of a department-year: what framework formulas and narratives may cite.

Each fact knows where it is written in data.yaml, so a missing one is reported there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .model import Breakdown, DepartmentYear, MoneyBreakdown


class FactKind(StrEnum):
    MONEY = "万元"
    COUNT = "人"
    SCORE = "分"  # written like every score, with two decimals
    NUMBER = ""


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
    exp = d.finance.expenditure
    if exp is None:
        return None
    if exp.total is not None:
        return exp.total
    for split in (exp.by_nature, exp.by_economic_class, exp.by_function):
        if split is not None:
            return split.total()
    return None


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
]}


def fact_values(data: DepartmentYear) -> dict[str, Decimal | None]:
    return {name: fact.get(data) for name, fact in FACTS.items()}
