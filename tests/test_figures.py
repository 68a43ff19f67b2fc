"""One figure, one source: 支出决算数 given only 按经济分类 is the same in the score, the
balance check, the generated sentence and 附件2 (facts.Figures feeds them all)."""

from __future__ import annotations

import re
from decimal import Decimal

from conftest import ROOT
from reportgen.compose import compose_report
from reportgen.document import Paragraph
from reportgen.numbers import HUNDRED, round2
from reportgen.pipeline import evaluate

FRAMEWORK = ROOT / "reportgen" / "frameworks" / "xiangxi-2018.yaml"
COMPLETION = ("公式: (年初结转和结余 + 年初预算 + 本年追加预算 - 年末结转和结余) / "
              "(年初结转和结余 + 年初预算 + 本年追加预算) × 100")
# 100.00 more than the example's 合计 6433.12, so the balance check must find a gap of 100.00
BY_ECONOMIC_CLASS = {"工资福利支出": "1069.14", "商品和服务支出": "1005.25",
                     "对个人和家庭的补助": "860.82", "资本性支出": "116.03", "对企业补助": "3481.88"}
SPENT = Decimal("6533.12")


def test_expenditure_given_only_by_economic_class_is_one_figure(make_department):
    def change(raw: dict) -> None:
        raw["收支"]["支出决算数"] = {"按经济分类": BY_ECONOMIC_CLASS}
        raw["评价框架"] = "框架.yaml"

    folder = make_department(change)
    text = FRAMEWORK.read_text(encoding="utf-8")
    assert COMPLETION in text
    # scoring: a framework whose 预算完成率 is 支出决算数 ÷ 全年预算
    (folder / "框架.yaml").write_text(
        text.replace(COMPLETION, "公式: 支出决算数 / 全年预算 × 100"), encoding="utf-8")
    ev = evaluate(folder)
    assert ev.scorecard.figures["支出决算数"] == SPENT
    budget = Decimal("1543.40") + Decimal("5383.91")
    assert ev.scorecard.by_name("预算完成率").value == round2(SPENT / budget * HUNDRED)

    balance = [f.message for f in ev.findings if f.message.startswith("收支不平衡")]
    assert len(balance) == 1
    assert "支出决算数＋转入事业基金＋年末结转和结余＝7434.62万元" in balance[0]
    assert "相差100.00万元" in balance[0]

    doc, _ = compose_report(ev)
    sentences = [b.text for b in doc.sections["基本情况"] if isinstance(b, Paragraph)]
    assert any("2018年支出决算数6533.12万元" in s for s in sentences), sentences

    table = doc.sections["基础数据表"][0]
    texts = [[c.paragraphs[0].text for c in r.cells] for r in table.rows]
    header, rows = texts[0], {row[0]: dict(zip(texts[0], row, strict=True)) for row in texts}
    assert "本年实际" in header
    assert rows["支出决算数"]["本年实际"] == "6533.12"
    assert rows["支出决算数"]["本年预算"] == "—"  # 全年预算 is a row of its own
    assert rows["全年预算合计"]["本年预算"] == "6927.31"


def test_every_figure_a_narrative_may_cite_is_documented():
    from reportgen.facts import KINDS

    listed: set[str] = set()
    for line in (ROOT / "narratives" / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith(("基本数据：", "由上列数据计算")):
            body = re.sub(r"（[^）]*）", "", line.split("：", 1)[1]).rstrip("。")
            listed.update(body.split("、"))
    assert sorted(set(KINDS) - listed) == []
