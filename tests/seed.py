"""The seed example's expected figures (examples/xiangxi-commerce-2018), in one place.

Worked out by hand from the seed report's own data; every test that asserts a figure of
the seed example takes it from here.
"""

from __future__ import annotations

from decimal import Decimal

D = Decimal

TOTAL = D("90.47")  # by the formulas
CLAIMED_TOTAL = D("94.47")  # as the seed report wrote it (it claimed 预算完成率 100%)
GRADE = "优"

# indicator: (value, score) under 湘西州本级2018
INDICATORS: dict[str, tuple[Decimal, Decimal]] = {
    "在职人员控制率": (D("92.31"), D(3)),
    "“三公经费”变动率": (D("-5.76"), D(4)),
    "预算完成率": (D("87.75"), D(1)),
    "预算控制率": (D("348.83"), D(0)),
    "公用经费控制率": (D("84.87"), D(8)),
    "“三公经费”控制率": (D("83.43"), D(8)),
    "政府采购执行率": (D("95.15"), D(6)),
    "重点工作实际完成率": (D("93.341"), D("7.47")),  # the 绩效办's score as stated
    "社会公众或服务对象满意度": (D("100.00"), D(6)),
}

# named figures (facts.Figures) of the example
FIGURES: dict[str, Decimal] = {
    "收入决算数": D("6927.32"),
    "财政拨款收入": D("6914.61"),
    "其他收入": D("12.71"),
    "年初结转和结余": D("407.30"),
    "支出决算数": D("6433.12"),
    "转入事业基金": D("3.15"),
    "年末结转和结余": D("898.35"),
    "年初预算": D("1543.40"),
    "本年追加预算": D("5383.91"),
    "全年预算": D("6927.31"),
    "编制数": D(78),
    "年末实有人数": D(216),
}


def value(name: str) -> Decimal:
    return INDICATORS[name][0]
