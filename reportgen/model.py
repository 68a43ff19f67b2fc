"""The one validated model of a department-year: English identifiers, Chinese aliases.

The aliases are the keys a clerk writes in data.yaml (and the labels of the Excel 填报表).
Amounts are in 万元; every number is a Decimal.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    RootModel,
    Tag,
    model_validator,
)

from .credit_code import normalize as normalize_credit_code
from .numbers import parse_decimal
from .text import join_wrapped

TOTAL_KEY = "合计"

# The parsers raise NumberFormatError, a ValueError: pydantic reports its Chinese text.


def _amount(raw: object) -> Decimal:
    value = parse_decimal(raw)
    if value < 0:
        raise ValueError(f"金额不能为负数（{raw}），请填写非负的万元数")
    if value >= Decimal("1e12"):
        raise ValueError(f"金额 {raw} 万元大得不合常理，请核对单位（应以万元为单位）")
    return value


def _count(raw: object) -> Decimal:
    value = parse_decimal(raw)
    if value < 0 or value != value.to_integral_value():
        raise ValueError(f"人数或份数应为非负整数，实际为 {raw}")
    if value >= Decimal("1e9"):
        raise ValueError(f"数量 {raw} 大得不合常理，请核对")
    return value


def _rate(raw: object) -> Decimal:
    return parse_decimal(raw, allow_percent=True)


def _score(raw: object) -> Decimal:
    value = parse_decimal(raw)
    if value < 0 or value > 1000:
        raise ValueError(f"分数 {raw} 不在合理范围内")
    return value


def _yes_no(raw: object) -> bool:
    text = str(raw).strip().lower()
    if text in {"是", "符合", "有", "true", "yes", "y", "√", "✓", "1"}:
        return True
    if text in {"否", "不符合", "无", "没有", "false", "no", "n", "×", "✗", "0"}:
        return False
    raise ValueError(f"“{raw}”应填写 是 或 否")


MAX_TEXT = 100_000  # characters in one text field: pages of prose, far below a hostile megabyte
MAX_NAME = 200      # a name, a code, a method: one line of a cover page


def _text(raw: object, limit: int = MAX_TEXT) -> str:
    if isinstance(raw, (dict, list)):
        raise ValueError("应填写一段文字")
    # A wrapped line in Chinese text is not a space (YAML folds line breaks into spaces).
    text = "" if raw is None else join_wrapped(str(raw))
    if len(text) > limit:
        raise ValueError(f"文字过长（{len(text):,} 字，此处上限 {limit:,} 字），请检查是否粘贴了多余的内容")
    return text


def _name(raw: object) -> str:
    return _text(raw, MAX_NAME)


def _credit_code(raw: object) -> str | None:
    """Read as the certificate prints it (full-width digits, spaces, lower case forgiven);
    whether it is a valid code is for check to say, where it can name the place."""
    code = normalize_credit_code(_name(raw))
    return code or None


def _optional_none(raw: object) -> object:
    """Blank, 无 and 不适用 mean "nothing to report" for optional groups."""
    if raw is None or (isinstance(raw, str) and raw.strip() in {"", "无", "没有", "不适用", "~"}):
        return None
    return raw


def _year(raw: object) -> int:
    text = str(raw).strip().removesuffix("年")
    if not (len(text) == 4 and text.isdecimal()) or not 1990 <= int(text) <= 2100:
        raise ValueError(f"年度“{raw}”应为四位年份，如 2018")
    return int(text)


# 2019-06-15, 2019年6月15日, 2019/6/15, 2019.6.15: what strptime's %Y, %m and %d accept
# (ASCII digits; a day may be " 5"), without the locale tables it builds first (~5 ms).
_DATE = re.compile(r"([0-9]{4})([-年/.])([0-9]{1,2})([-月/.])([0-9]{1,2}| [1-9])(日?)")
_DATE_SEPARATORS = {("-", "-", ""), ("年", "月", "日"), ("/", "/", ""), (".", ".", "")}


def _date(raw: object) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    match = _DATE.fullmatch(str(raw).strip())
    if match and (match[2], match[4], match[6]) in _DATE_SEPARATORS:
        try:
            return dt.date(int(match[1]), int(match[3]), int(match[5]))
        except ValueError:
            pass
    raise ValueError(f"日期“{raw}”格式不对，请写成 2019-06-15 或 2019年6月15日")


Amount = Annotated[Decimal, BeforeValidator(_amount)]
Count = Annotated[Decimal, BeforeValidator(_count)]
Rate = Annotated[Decimal, BeforeValidator(_rate)]
Score = Annotated[Decimal, BeforeValidator(_score)]
YesNo = Annotated[bool, BeforeValidator(_yes_no)]
Text = Annotated[str, BeforeValidator(_text)]
Name = Annotated[str, BeforeValidator(_name)]
Year = Annotated[int, BeforeValidator(_year)]
CreditCode = Annotated[str | None, BeforeValidator(_credit_code)]
Date = Annotated[dt.date, BeforeValidator(_date)]


def _branch(value: Any) -> str:
    return "group" if isinstance(value, dict) else "value"


class Breakdown(RootModel):
    """A total with named parts, nested to any depth: {合计: 78, 行政编制: {合计: 38, …}, …}.

    The parts are free names (kinds differ between departments); 合计 is optional and,
    where given, checked against the sum of the parts.
    """

    def parts(self) -> dict[str, Any]:
        return {k: v for k, v in self.root.items() if k != TOTAL_KEY}

    def stated_total(self) -> Decimal | None:
        value = self.root.get(TOTAL_KEY)
        return value.total() if isinstance(value, Breakdown) else value

    def parts_sum(self) -> Decimal:
        """The sum of the parts, each group at its own total (what 合计 is checked against)."""
        return sum((_value(v) for v in self.parts().values()), Decimal(0))

    def total(self) -> Decimal:
        stated = self.stated_total()
        return stated if stated is not None else self.parts_sum()

    def part(self, name: str) -> Decimal | None:
        value = self.root.get(name)
        return None if value is None else _value(value)


def _value(entry: Any) -> Decimal:
    return entry.total() if isinstance(entry, Breakdown) else entry


class MoneyBreakdown(Breakdown):
    root: dict[
        str,
        Annotated[
            Annotated[Amount, Tag("value")] | Annotated[MoneyBreakdown, Tag("group")],
            Discriminator(_branch),
        ],
    ]


class CountBreakdown(Breakdown):
    root: dict[
        str,
        Annotated[
            Annotated[Count, Tag("value")] | Annotated[CountBreakdown, Tag("group")],
            Discriminator(_branch),
        ],
    ]


def _as_breakdown(raw: object) -> object:
    """A bare number is a total without parts."""
    return raw if isinstance(raw, dict) else {TOTAL_KEY: raw}


Money = Annotated[MoneyBreakdown, BeforeValidator(_as_breakdown)]
Heads = Annotated[CountBreakdown, BeforeValidator(_as_breakdown)]


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class BasicInfo(_Group):
    name: Name = Field(alias="单位名称")
    short_name: Name | None = Field(None, alias="简称")  # 以下简称…, used after first mention
    year: Year = Field(alias="年度")
    credit_code: CreditCode = Field(None, alias="统一社会信用代码")
    budget_code: Name | None = Field(None, alias="预算编码")
    address: Text | None = Field(None, alias="地址")
    report_date: Date | None = Field(None, alias="报告日期")
    evaluation_method: Name = Field("部门自评", alias="评价方式")
    internal_units: list[Text] = Field(default_factory=list, alias="内设机构")
    subordinate_units: list[Text] = Field(default_factory=list, alias="下属单位")

    @property
    def short(self) -> str:
        """The name used after the first mention: 简称 where given, else the full name."""
        return self.short_name or self.name


class Notice(_Group):
    """The notice that ordered the evaluation: 《发文机关+标题》（文号）."""

    issuer: Text = Field("", alias="发文机关")
    title: Text = Field(alias="标题")
    number: Text = Field("", alias="文号")


class EvaluationWork(_Group):
    """How the evaluation was run; every field optional, each said only where given."""

    notice: Notice | None = Field(None, alias="通知")
    period: Text | None = Field(None, alias="评价期间")  # 2019年3月至6月
    milestones: list[Text] = Field(default_factory=list, alias="工作安排")  # 2019年4月召开…
    team: Text | None = Field(None, alias="评价工作组")  # 由局长任组长，……为成员
    assessor: Text | None = Field(None, alias="考核机构")  # 州绩效办, 县绩效办

    @property
    def assessor_name(self) -> str:
        """Who scored the 重点工作, as the data names it; never a level assumed (州/县)."""
        return self.assessor or "绩效考核部门"


class Staffing(_Group):
    authorized: Heads | None = Field(None, alias="编制数")
    year_end: Heads | None = Field(None, alias="年末实有人数")


class Expenditure(_Group):
    total: Amount | None = Field(None, alias="合计")
    by_nature: Money | None = Field(None, alias="按支出性质")
    by_function: Money | None = Field(None, alias="按功能分类")
    by_economic_class: Money | None = Field(None, alias="按经济分类")


class Finance(_Group):
    income: Money | None = Field(None, alias="收入决算数")
    carried_in: Money | None = Field(None, alias="年初结转和结余")
    expenditure: Expenditure | None = Field(None, alias="支出决算数")
    to_reserve_fund: Amount = Field(Decimal(0), alias="转入事业基金")
    carried_out: Money | None = Field(None, alias="年末结转和结余")


class Budget(_Group):
    initial: Amount | None = Field(None, alias="年初预算")
    supplementary: Amount | None = Field(None, alias="本年追加预算")


# The order the report lists the parts of “三公经费” in (the seed's and the narratives'):
# 附件2 shows whatever parts the data has in this order, parts it does not know after them.
THREE_PUBLIC_PARTS = ("公务接待费", "公务用车购置及运行维护费", "公务用车购置费",
                      "公务用车运行维护费", "因公出国（境）费")


class ThreePublic(_Group):
    budget: Money | None = Field(None, alias="本年预算")
    last_year_budget: Money | None = Field(None, alias="上年预算")
    actual: Money | None = Field(None, alias="本年实际")
    last_year_actual: Money | None = Field(None, alias="上年实际")


class BudgetedItem(_Group):
    budget: Amount | None = Field(None, alias="预算")
    actual: Amount | None = Field(None, alias="实际")
    last_year_actual: Amount | None = Field(None, alias="上年实际")


class NewBuildings(_Group):
    approved_area: Amount = Field(alias="批准面积")
    actual_area: Amount = Field(alias="实际面积")
    approved_investment: Amount = Field(alias="批准投资")
    actual_investment: Amount = Field(alias="实际投资")


class Survey(_Group):
    sent: Count | None = Field(None, alias="发放")
    # Who received the questionnaires, with counts in the order written:
    # {服务对象: 100, 社会公众: 100}. Said in 评价过程 only where given (their sum against
    # 发放 is checked with the other survey figures, in checks).
    recipients: dict[Name, Count] = Field(default_factory=dict, alias="发放对象")
    returned: Count | None = Field(None, alias="收回")
    satisfied: Count | None = Field(None, alias="满意")

    @property
    def recipients_total(self) -> Decimal:
        return sum(self.recipients.values(), Decimal(0))


class Assessment(_Group):
    performance_office_score: Score | None = Field(None, alias="绩效办考核得分")
    survey: Survey | None = Field(None, alias="满意度调查")


class Judgement(_Group):
    """A manual score (经济效益 …) or a level (行政效能: 好/一般/无) with its grounds."""

    score: Score | None = Field(None, alias="得分")
    level: Text | None = Field(None, alias="等级")
    grounds: Text = Field("", alias="依据")


class Claim(_Group):
    value: Rate | None = Field(None, alias="值")
    score: Score | None = Field(None, alias="得分")


class Claims(_Group):
    indicators: dict[str, Claim] = Field(default_factory=dict, alias="指标")
    total: Score | None = Field(None, alias="总分")


class LastYear(_Group):
    income: Amount | None = Field(None, alias="收入决算数")
    expenditure: Amount | None = Field(None, alias="支出决算数")
    carried_out: Amount | None = Field(None, alias="年末结转和结余")


ChecklistAnswers = list[YesNo]


class DepartmentYear(_Group):
    @model_validator(mode="before")
    @classmethod
    def _name_required_fields(cls, raw: object) -> object:
        """A missing 基本信息 is reported as its missing 单位名称 and 年度, which say more."""
        if isinstance(raw, dict) and raw.get("基本信息") is None:
            return {**raw, "基本信息": {}}
        return raw

    framework: Name = Field(alias="评价框架")
    basic: BasicInfo = Field(alias="基本信息")
    staffing: Staffing = Field(default_factory=Staffing, alias="人员")
    finance: Finance = Field(default_factory=Finance, alias="收支")
    budget: Budget = Field(default_factory=Budget, alias="预算")
    three_public: ThreePublic = Field(default_factory=ThreePublic, alias="三公经费")
    public_funds: BudgetedItem = Field(default_factory=BudgetedItem, alias="公用经费")
    procurement: BudgetedItem = Field(default_factory=BudgetedItem, alias="政府采购")
    new_buildings: Annotated[NewBuildings | None, BeforeValidator(_optional_none)] = Field(
        None, alias="新建楼堂馆所"
    )
    assessment: Assessment = Field(default_factory=Assessment, alias="考核与调查")
    checklists: dict[str, ChecklistAnswers] = Field(default_factory=dict, alias="清单评价")
    judgements: dict[str, Judgement] = Field(default_factory=dict, alias="评议")
    last_year: LastYear | None = Field(None, alias="上年度")
    claims: Claims = Field(default_factory=Claims, alias="自填数")
    evaluation: EvaluationWork = Field(default_factory=EvaluationWork, alias="评价工作")
