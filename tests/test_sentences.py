"""Every kind of generated sentence, asserted word for word (issue #8: a bureau reviewer
reads each one). Rules are exercised directly; lead-ins and problems through an example."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from reportgen.compose import lost_sentence, problem_blocks, problem_text
from reportgen.pipeline import evaluate
from reportgen.rules import Bands, Checklist, JudgementRule, Levels, Linear, RuleInput, Stepwise

D = Decimal


def step(**kw) -> Stepwise:
    base = {"类型": "阶梯扣分", "目标": "100", "方向": "高于", "步长": "1", "每步扣分": "1"}
    return Stepwise.model_validate({**base, **kw})


def say(rule, points="8", **given) -> tuple[Decimal, str]:
    out = rule.apply(RuleInput(points=D(points), **given))
    return out.score, out.explanation


# -- 阶梯扣分 ------------------------------------------------------------------------------
def test_stepwise_full_points():
    assert say(step(), value=D("84.87")) == (D(8), "未超过100%，得满分8.00分")
    assert say(step(方向="低于", 步长="5", 每步扣分="2"), "5", value=D("100.00")) == (
        D(5), "达到100%，得满分5.00分")


def test_stepwise_partial_deduction_states_step_policy_and_score():
    assert say(step(方向="低于", 步长="5", 每步扣分="2"), "5", value=D("87.75")) == (
        D(1), "低于100%达12.25个百分点，按每低于5个百分点扣2分计（不足5个百分点的部分不扣分），"
              "扣4.00分，得1.00分")


def test_stepwise_within_one_step_keeps_full_points():
    assert say(step(方向="偏离", 步长="5", 每步扣分="2"), "6", value=D("95.15")) == (
        D(6), "偏离100%达4.85个百分点，不足5个百分点，得满分6.00分")


def test_stepwise_capped_deduction_says_kou_wan_wei_zhi():
    # 15 points over at 0.8 a point would be 12 of 8: the rule stops at zero.
    score, text = say(step(目标="0", 每步扣分="0.8"), "8", value=D("15.00"))
    assert score == 0
    assert text == ("较上年增长，按每超过1个百分点扣0.8分计应扣12.00分，超过该项分值8分，扣完为止，"
                    "不得分")


def test_stepwise_negative_change_is_a_decrease_in_words():
    score, text = say(step(目标="0", 每步扣分="0.4"), "4", value=D("-5.76"))
    assert (score, text) == (D(4), "较上年下降，得满分4.00分")
    assert "-" not in text


def test_stepwise_rounding_is_half_up():
    assert say(step(每步扣分="0.5"), "3", value=D("102.00"))[1] == (
        "超过100%达2.00个百分点，按每超过1个百分点扣0.5分计（不足1个百分点的部分不扣分），扣1.00分，得2.00分")


# -- 区间: bands as the framework's 评价标准 writes them --------------------------------------
BANDS = Bands.model_validate({"类型": "区间", "区间表": [
    {"区间": "[0, 10]", "得分": 5}, {"区间": "(10, 30]", "得分": 4},
    {"区间": "(30, 60]", "得分": 3}, {"区间": "(60, 100]", "得分": 2},
    {"区间": "(100, +∞)", "得分": 0}]})
SURVEY = Bands.model_validate({"类型": "区间", "区间表": [
    {"区间": "[90, +∞)", "得分": 6}, {"区间": "[80, 90)", "得分": 4},
    {"区间": "[70, 80)", "得分": 2}, {"区间": "[0, 70)", "得分": 0}]})


@pytest.mark.parametrize(("rule", "points", "value", "expected"), [
    (BANDS, "5", "5.00", "处于0～10%（含）区间，按评分标准得满分5.00分"),
    (BANDS, "5", "40.58", "处于30%～60%（含）区间，按评分标准扣2.00分，得3.00分"),
    # the framework's 大于100%不得分, said of a figure: 超过100%, 不得分 (never 得0.00分)
    (BANDS, "5", "348.83", "超过100%，按评分标准扣5.00分，不得分"),
    (SURVEY, "6", "93.97", "在90%（含）以上，按评分标准得满分6.00分"),
    (SURVEY, "6", "85.00", "处于80%（含）～90%区间，按评分标准扣2.00分，得4.00分"),
])
def test_band_sentences(rule, points, value, expected):
    assert say(rule, points, value=D(value))[1] == expected


def test_band_equal_to_zero():
    rule = Bands.model_validate({"类型": "区间", "区间表": [{"区间": "[0, 0]", "得分": 5}]})
    assert say(rule, "5", value=D("0"))[1] == "为0，按评分标准得满分5.00分"


# -- 线性 (a score-valued indicator) ---------------------------------------------------------
def test_linear_score_valued():
    assert say(Linear.model_validate({"类型": "线性"}), "8", value=D("91.2")) == (
        D("7.30"), "该项得分＝91.20÷100×8＝7.30分，扣0.70分")
    assert say(Linear.model_validate({"类型": "线性"}), "8", value=D("100")) == (D(8), "得满分8.00分")
    assert say(Linear.model_validate({"类型": "线性"}), "8", value=D("0")) == (
        D(0), "该项得分＝0.00÷100×8＝0.00分，扣8.00分，不得分")


# -- 清单: met, failed as a shortfall, both modes, capped ------------------------------------
ITEMS = ["符合国家法律法规", "符合部门“三定”方案确定的职责", "符合部门制定的中长期实施规划"]


def checklist(mode: str, per: str, items=ITEMS) -> Checklist:
    return Checklist.model_validate({"类型": "清单", "方式": mode, "每项分值": per, "项目": items})


def test_checklist_all_met():
    assert say(checklist("扣分", "1"), "3", answers=[True] * 3) == (D(3), "各项均符合要求，得满分3.00分")


def test_checklist_one_failed_named_as_shortfall():
    assert say(checklist("扣分", "1"), "3", answers=[True, True, False])[1] == (
        "第③项“符合部门制定的中长期实施规划”未达到要求，扣1.00分，得2.00分")


def test_checklist_several_failed():
    assert say(checklist("扣分", "1"), "3", answers=[False, True, False])[1] == (
        "第①项“符合国家法律法规”、第③项“符合部门制定的中长期实施规划”未达到要求，每项扣1分，"
        "共扣2.00分，得1.00分")


def test_checklist_deductions_capped():
    assert say(checklist("扣分", "2"), "3", answers=[False, False, True]) == (
        D(0), "第①项“符合国家法律法规”、第②项“符合部门“三定”方案确定的职责”未达到要求，每项扣2分，"
              "应扣4.00分，超过该项分值3分，扣完为止，不得分")


def test_checklist_award_mode():
    rule = checklist("得分", "2", ITEMS + ["相关管理制度得到有效执行"])
    assert say(rule, "8", answers=[True, True, False, True]) == (
        D(6), "第③项“符合部门制定的中长期实施规划”未达到要求，其余三项符合要求，按每项2分计，"
              "扣2.00分，得6.00分")


# -- 评议 and 等级 ----------------------------------------------------------------------------
def test_judgement():
    assert say(JudgementRule.model_validate({"类型": "评议"}), "3", manual_score=D("2.5"),
               grounds="x")[1] == "扣0.50分，得2.50分"
    assert say(JudgementRule.model_validate({"类型": "评议"}), "3", manual_score=D("3"),
               grounds="x")[1] == "得满分3.00分"


LEVELS = Levels.model_validate({"类型": "等级", "等级表": [
    {"名称": "好", "得分": 6, "说明": "效果较好"}, {"名称": "一般", "得分": 3, "说明": "效果一般"}]})


def test_level_said_once_in_the_frameworks_words():
    # "评定为“一般”（效果一般）" said the same thing twice; the 说明 alone says it.
    assert say(LEVELS, "6", level="好")[1] == "效果较好，得满分6.00分"
    assert say(LEVELS, "6", level="一般")[1] == "效果一般，扣3.00分，得3.00分"
    bare = Levels.model_validate({"类型": "等级", "等级表": [{"名称": "好", "得分": 6}]})
    assert say(bare, "6", level="好")[1] == "评定为“好”，得满分6.00分"


# -- through a department: N/A, zero denominator, lead-ins, problems -------------------------
def test_not_applicable(example_dir):
    r = evaluate(example_dir).scorecard.by_name("新建楼堂馆所面积控制率")
    assert r.analysis == "本年度本部门没有新建楼堂馆所项目，按评分标准得满分5.00分。"


@pytest.fixture
def zero_and_losses(make_department):
    def change(raw):
        raw["三公经费"]["上年预算"] = "0"
        raw["清单评价"]["绩效指标明确性"] = ["是", "是", "否", "是"]
        raw["评议"]["行政效能"] = {"等级": "一般", "依据": "网上可办率偏低"}
    return evaluate(make_department(change)).scorecard


def test_zero_denominator_has_no_variable_name_nor_provisional_word(zero_and_losses):
    r = zero_and_losses.by_name("“三公经费”变动率")
    # last year's budget by its year, the subject said once, the basis of 不得分 stated
    expected = ("本部门2017年度“三公经费”预算为零，变动率无法按公式计算，按评分标准扣4.00分，"
                "不得分。")
    assert r.analysis == expected
    assert lost_sentence(r, 2018) == expected
    for word in ("暂计", "三公经费上年预算", "分母", "上年", "该项得"):
        assert word not in r.analysis


def test_zero_denominator_outcome_is_the_frameworks_setting(make_department, tmp_path):
    """分母为零: 得满分 in a framework gives the points, and the sentence says so."""
    import shutil

    from reportgen.framework import shipped_frameworks

    framework = tmp_path / "f.yaml"
    shutil.copy(shipped_frameworks() / "xiangxi-2018.yaml", framework)
    framework.write_text(framework.read_text(encoding="utf-8").replace(
        "分母为零: 不得分", "分母为零: 得满分"), encoding="utf-8")

    def change(raw):
        raw["三公经费"]["上年预算"] = "0"
        raw["评价框架"] = str(framework)
    r = evaluate(make_department(change)).scorecard.by_name("“三公经费”变动率")
    assert (r.score, r.analysis) == (D(4), "本部门2017年度“三公经费”预算为零，变动率无法按公式计算，"
                                           "按评分标准得满分4.00分。")


@pytest.mark.parametrize(("name", "expected"), [
    ("预算完成率", "2018年度本部门预算完成率为87.75%，低于100%达12.25个百分点，按每低于5个百分点扣2分计"
                  "（不足5个百分点的部分不扣分），扣4.00分，得1.00分。"),
    ("预算控制率", "2018年度本部门预算控制率为348.83%，超过100%，按评分标准扣5.00分，不得分。"),
    # score-valued: who gave the score (考核机构 from the data) and how it converts
    ("重点工作实际完成率", "州绩效办对本部门2018年度为民办实事和部门重点工程与重点工作的考核得分为"
                          "93.341分，该项得分＝93.341÷100×8＝7.47分，扣0.53分。"),
    ("绩效指标明确性", "2018年度本部门绩效指标明确性评价中，第③项“与部门年度的任务数或计划数相对应”"
                      "未达到要求，扣1.00分，得2.00分。"),
    ("行政效能", "2018年度本部门行政效能评定为“一般”，扣3.00分，得3.00分。"),
])
def test_explanation_lead_ins(zero_and_losses, name, expected):
    assert lost_sentence(zero_and_losses.by_name(name), 2018) == expected


def test_problem_items_have_no_bracket_inside_a_bracket(zero_and_losses):
    card = zero_and_losses
    assert problem_text(card.by_name("重点工作实际完成率"), "州绩效办") == (
        "部分重点工作未全面完成（州绩效办考核得分93.341分，扣0.53分）")
    assert problem_text(card.by_name("预算控制率")) == (
        "年初预算编制与实际需求差距较大，年内追加预算较多（预算控制率348.83%，扣5.00分）")


def test_problem_items_say_the_loss_once_and_the_subject_once(zero_and_losses):
    """Never 得3.00分，扣3.00分 in a problem; a level says its level; a checklist says this
    department's shortfall, from the criterion it did not meet."""
    card = zero_and_losses
    assert problem_text(card.by_name("行政效能")) == "行政效能提升不够明显（评定为“一般”，扣3.00分）"
    assert problem_text(card.by_name("绩效指标明确性")) == (
        "部分绩效指标未与部门年度任务数或计划数相对应（绩效指标明确性扣1.00分）")


@pytest.fixture
def county_card():
    from pathlib import Path

    county = Path(__file__).resolve().parent.parent / "examples" / "county-transport-2023"
    return evaluate(county).scorecard


def test_problem_items_do_not_repeat_their_subject(county_card):
    assert problem_text(county_card.by_name("社会公众或服务对象满意度")) == (
        "社会公众或服务对象满意度不高（满意度86.17%，扣2.00分）")
    assert problem_text(county_card.by_name("“三公经费”变动率")) == (
        "“三公经费”预算较上年增长（变动率15.00%，扣8.00分）")
    assert problem_text(county_card.by_name("重点工作实际完成率"), "县绩效办") == (
        "部分重点工作未全面完成（县绩效办考核得分95.60分，扣0.35分）")
    assert problem_text(county_card.by_name("新建楼堂馆所面积控制率")) == (
        "新建楼堂馆所超过批准面积（面积控制率109.74%，扣2.00分）")


def test_checklist_problem_without_shortfall_wording_names_the_criterion():
    rule = checklist("扣分", "1")
    out = rule.apply(RuleInput(points=D(3), answers=[True, False, False]))
    assert out.shortfall == "未达到“符合部门“三定”方案确定的职责”“符合部门制定的中长期实施规划”的要求"
    worded = Checklist.model_validate({"类型": "清单", "方式": "扣分", "每项分值": "1",
                                       "项目": ITEMS, "不符合时": ["甲", "乙", "丙"]})
    assert worded.apply(RuleInput(points=D(3), answers=[True, False, False])).shortfall == "乙，丙"
    assert worded.check_points(D(3)) == []
    short = Checklist.model_validate({"类型": "清单", "方式": "扣分", "每项分值": "1",
                                      "项目": ITEMS, "不符合时": ["甲"]})
    assert short.check_points(D(3)) == ["“不符合时”应与“项目”一一对应，有3项，实际写了1项"]


def test_zero_denominator_is_not_a_performance_problem(zero_and_losses):
    lost = [r for r in zero_and_losses.results if r.lost > 0]
    texts = [p.text for p in problem_blocks(lost)]
    assert texts[0] == "本年度共有六项指标未得满分，合计扣17.53分。存在的主要绩效问题是："
    assert not any("变动率" in t for t in texts[1:-1])
    assert texts[-1] == ("此外，“三公经费”变动率因2017年度“三公经费”预算为零无法按公式计算，扣4.00分，"
                         "不得分，详见需要说明事项。")
    numbered = problem_blocks(lost, "州绩效办", {"“三公经费”变动率": 3})
    assert numbered[-1].text.endswith("不得分，详见需要说明事项第3项。")


def test_zero_denominator_rule_is_printed_in_the_indicator_table(zero_and_losses):
    """The report says 按评分标准…不得分: 附件1 shows that standard for the indicator."""
    from reportgen.tables import indicator_table

    rows = [[p.text for c in row.cells for p in c.paragraphs]
            for row in indicator_table(zero_and_losses).rows]
    change = next(r for r in rows if "“三公经费”变动率≤0，计4分；“三公经费”变动率＞0，每超过一个百分点扣0.4分，"
                  "扣完为止。" in "".join(r))
    assert "公式分母为零、无法按公式计算的，不得分。" in change
    others = [t for r in rows if r is not change for t in r]
    assert not any("公式分母为零" in t for t in others)


def test_no_problem_when_all_full():
    assert [p.text for p in problem_blocks([])] == ["各项指标均得满分，未发现明显的绩效问题。"]


def test_checklist_analysis_keeps_one_kind_of_numeral(example_dir):
    r = evaluate(example_dir).scorecard.by_name("绩效目标合理性")
    # 对照<指标名>的…评价标准, as every other checklist
    assert r.analysis == "对照绩效目标合理性的三项评价标准逐项核查，各项均符合要求，得满分3.00分。"


def test_checklist_patterns_take_the_count_from_the_criteria():
    """对照…的四项评价标准: the count comes from the checklist ({项数}), never typed twice."""
    import re

    from reportgen.framework import builtin_frameworks, load_framework

    for builtin in builtin_frameworks():
        for _, _, ind in load_framework(builtin.path).indicators():
            assert not re.search(r"[一二两三四五六七八九十]项评价标准", ind.pattern), ind.name


def test_counts_say_liang_not_er(zero_and_losses):
    rule = checklist("得分", "2", ITEMS + ["相关管理制度得到有效执行"])
    assert say(rule, "8", answers=[False, True, False, True]) == (
        D(4), "第①项“符合国家法律法规”、第③项“符合部门制定的中长期实施规划”未达到要求，"
              "其余两项符合要求，按每项2分计，扣4.00分，得4.00分")
    two = [r for r in zero_and_losses.results if r.lost > 0][:2]
    assert problem_blocks(two)[0].text.startswith("本年度共有两项指标未得满分")


# -- 阶梯扣分 policies for a partial step, deviation, no change ------------------------------
def test_stepwise_partial_step_policies():
    assert say(step(步长="5", 每步扣分="2", 不足一步="按比例"), "5", value=D("107.50"))[1] == (
        "超过100%达7.50个百分点，按每超过5个百分点扣2分计（不足5个百分点的部分按比例扣分），"
        "扣3.00分，得2.00分")
    assert say(step(步长="5", 每步扣分="2", 不足一步="按一步"), "5", value=D("102.00"))[1] == (
        "超过100%达2.00个百分点，按每超过5个百分点扣2分计（不足5个百分点的按5个百分点计），"
        "扣2.00分，得3.00分")


def test_stepwise_deviation_deducted():
    assert say(step(方向="偏离", 步长="5", 每步扣分="2"), "6", value=D("88.00")) == (
        D(2), "偏离100%达12.00个百分点，按每偏离5个百分点扣2分计（不足5个百分点的部分不扣分），"
              "扣4.00分，得2.00分")


def test_stepwise_no_change_is_level_with_last_year():
    assert say(step(目标="0", 每步扣分="0.4"), "4", value=D("0.00")) == (
        D(4), "与上年持平，得满分4.00分")


def test_band_outside_every_band():
    rule = Bands.model_validate({"类型": "区间", "区间表": [{"区间": "[0, 10]", "得分": 5}]})
    assert say(rule, "5", value=D("20.00")) == (D(0), "不在评价标准所列的任何区间内，扣5.00分，不得分")


def test_level_none_keeps_its_gloss():
    rule = Levels.model_validate({"类型": "等级", "等级表": [
        {"名称": "好", "得分": 6, "说明": "效果较好"},
        {"名称": "无", "得分": 0, "说明": "无效果或者效果不明显"}]})
    assert say(rule, "6", level="无") == (D(0), "无效果或者效果不明显，扣6.00分，不得分")


# -- whole sentences of the example: analysis, category, conclusion --------------------------
@pytest.mark.parametrize(("name", "expected"), [
    ("预算控制率", "本部门2018年年初预算1543.40万元，本年追加预算5383.91万元，预算控制率＝"
                  "（本年追加预算÷年初预算）×100%＝348.83%，超过100%，按评分标准扣5.00分，不得分。"),
    ("重点工作实际完成率", "州绩效办对本部门2018年度为民办实事和部门重点工程与重点工作的考核得分为"
                          "93.341分，该项得分＝93.341÷100×8＝7.47分，扣0.53分。"),
    ("行政效能", "本局深入开展机关效能建设，采取定期检查与不定期抽查、明查与暗访相结合的方式检查"
                "岗位责任制、服务承诺制、限时办结制等制度的执行，7项政务服务事项全部进驻州政务中心"
                "办理，依申请类事项网上可办率超过60%。根据评分标准，行政效能评定为“好”，得满分6.00分。"),
    ("经济效益", "2018年全州招商引资到位资金393.28亿元，完成全年目标任务的100.58%；进出口总额"
                "2.44亿美元，同比增长23.8%，完成年度目标任务的105.6%；对外承包工程和劳务合作营业额2989万美元，"
                "完成年度目标任务的104.51%；社会消费品零售总额307.6亿元，增长10.1%；新建农村电子商务"
                "服务站643个，电子商务交易额40亿元，各项经济目标全面完成。根据评分标准，得满分3.00分。"),
    ("社会公众或服务对象满意度", "本次自评共发放调查问卷90份，收回90份，其中评价满意的90份，"
                              "满意度＝满意问卷数÷收回问卷数×100%＝100.00%，在90%（含）以上，按评分标准得满分6.00分。"),
    ("“三公经费”变动率", "本部门2018年度预算安排“三公经费”72.00万元，上年度预算安排76.40万元，"
                        "“三公经费”变动率＝（本年度“三公经费”预算数－上年度“三公经费”预算数）÷"
                        "上年度“三公经费”预算数×100%＝\u22125.76%，较上年下降，得满分4.00分。"),
])
def test_analysis_sentences_of_the_example(example_dir, name, expected):
    assert evaluate(example_dir).scorecard.by_name(name).analysis == expected


def _texts(blocks) -> list[str]:
    return [getattr(b, "text", "") for b in blocks]


def test_category_and_conclusion_sentences(example_dir):
    from reportgen.compose import compose_report

    doc, _ = compose_report(evaluate(example_dir))
    analysis = _texts(doc.sections["绩效评价分析"])
    assert analysis[:2] == ["（一）投入（13分）", "投入类指标满分13分，本部门得13.00分。"]
    assert "过程类指标满分61分，本部门得52.00分。" in analysis
    conclusion = _texts(doc.sections["绩效评价结论"])
    assert conclusion[1] == (
        "根据部门整体支出绩效评价指标体系，经州商务局自评，2018年度部门整体支出绩效评价得分为"
        "90.47分，绩效评价等级为“优”。其中投入13.00分（满分13分），过程52.00分（满分61分），"
        "产出及效率25.47分（满分26分）。各一级指标得分及得分率见表2。")


def test_nothing_to_explain(make_department):
    """All points kept and no section written: 需要说明事项 says so in one sentence."""
    from reportgen.compose import compose_report

    def change(raw):
        raw["收支"]["年末结转和结余"] = {"合计": "0"}
        raw["预算"]["本年追加预算"] = "100"
        raw["考核与调查"]["绩效办考核得分"] = "100"

    folder = make_department(change)
    (folder / "narratives" / "需要说明事项.md").write_text("", encoding="utf-8")
    ev = evaluate(folder)
    assert [r.name for r in ev.scorecard.results if r.lost > 0] == []
    doc, _ = compose_report(ev)
    assert _texts(doc.sections["需要说明事项"]) == ["本年度各项指标均得满分，没有需要说明的事项。"]


def test_an_indicator_missing_its_data_in_lead_in_and_problems(make_department):
    """A draft's indicator without its figures: stated and marked, and listed apart from the
    performance problems."""
    def change(raw):
        del raw["政府采购"]
    r = evaluate(make_department(change)).scorecard.by_name("政府采购执行率")
    assert lost_sentence(r, 2018) == (
        "2018年度本部门政府采购执行率缺少计算所需的数据（“政府采购”实际、“政府采购”预算），无法计算，"
        "扣6.00分，不得分【待核实：数据缺失，补齐后重新生成】。")
    assert [p.text for p in problem_blocks([r])] == [
        "本年度共有一项指标未得满分，合计扣6.00分。",
        "另有“政府采购执行率”因缺少数据未能计算，扣6.00分，不得分【待核实：数据缺失，补齐后重新生成】。"]


def test_change_rate_lead_in_says_its_figure_once():
    """In 需要说明事项 the lead-in has said 变动率为15.00%: no 即较上年增长15.00% after it."""
    from pathlib import Path

    county = Path(__file__).resolve().parent.parent / "examples" / "county-transport-2023"
    r = evaluate(county).scorecard.by_name("“三公经费”变动率")
    assert lost_sentence(r, 2023) == (
        "2023年度本部门“三公经费”变动率为15.00%，按每超过1个百分点扣0.8分计应扣12.00分，"
        "超过该项分值8分，扣完为止，不得分。")
    # the analysis says the figure once too: ＝15.00%，较上年增长 (not 即较上年增长15.00%)
    assert r.analysis.endswith("×100%＝15.00%，较上年增长，按每超过1个百分点扣0.8分计"
                               "应扣12.00分，超过该项分值8分，扣完为止，不得分。")


# -- zero categories in the analysis patterns: said as 无 or left out (#8.8) ------------------
def test_zero_carry_over_and_no_supplementary_budget_are_said_as_wu(make_department):
    def change(raw):
        raw["收支"]["年初结转和结余"] = "0"
        raw["收支"]["年末结转和结余"] = {"合计": "0", "基本支出结转": "0", "项目支出结转和结余": "0"}
        raw["预算"]["本年追加预算"] = "0"
    card = evaluate(make_department(change)).scorecard
    assert card.by_name("预算完成率").analysis == (
        "本部门无年初结转和结余，年初预算1543.40万元，本年未追加预算，年末无结转和结余，预算完成率＝"
        "（上年结转＋年初预算＋本年追加预算－年末结余）÷（上年结转＋年初预算＋本年追加预算）×100%＝"
        "100.00%，达到100%，得满分5.00分。")
    assert card.by_name("预算控制率").analysis == (
        "本部门2018年年初预算1543.40万元，本年未追加预算，预算控制率＝（本年追加预算÷年初预算）×100%＝"
        "0.00%，处于0～10%（含）区间，按评分标准得满分5.00分。")


def test_only_the_zero_clause_changes(make_department):
    """A department new this year: no carry-over, the rest as usual (state-emergency-2019)."""
    def change(raw):
        raw["收支"]["年初结转和结余"] = "0"
    assert evaluate(make_department(change)).scorecard.by_name("预算完成率").analysis == (
        "本部门无年初结转和结余，年初预算1543.40万元，本年追加预算5383.91万元，年末结转和结余898.35万元，"
        "预算完成率＝（上年结转＋年初预算＋本年追加预算－年末结余）÷（上年结转＋年初预算＋本年追加预算）"
        "×100%＝87.03%，低于100%达12.97个百分点，按每低于5个百分点扣2分计（不足5个百分点的部分不扣分），"
        "扣4.00分，得1.00分。")


def test_nothing_spent_is_said_in_words(make_department):
    def change(raw):
        raw["三公经费"]["本年实际"] = {"合计": "0", "公务接待费": "0", "公务用车运行维护费": "0"}
        raw["公用经费"]["实际"] = "0"
        raw["政府采购"]["实际"] = "0"
        raw["考核与调查"]["满意度调查"]["满意"] = "0"
    card = evaluate(make_department(change)).scorecard
    assert card.by_name("“三公经费”控制率").analysis == (
        "本部门2018年度未发生“三公经费”支出，预算安排72.00万元，“三公经费”控制率＝"
        "（“三公经费”实际支出数÷“三公经费”预算安排数）×100%＝0.00%，未超过100%，得满分8.00分。")
    assert card.by_name("公用经费控制率").analysis == (
        "本部门2018年度未支出公用经费，预算安排公用经费349.77万元，公用经费控制率＝"
        "（实际支出公用经费总额÷预算安排公用经费总额）×100%＝0.00%，未超过100%，得满分8.00分。")
    assert card.by_name("政府采购执行率").analysis == (
        "本部门2018年度未实际发生政府采购，政府采购预算73.89万元，政府采购执行率＝"
        "（实际政府采购金额÷政府采购预算数）×100%＝0.00%，偏离100%达100.00个百分点，"
        "按每偏离5个百分点扣2分计应扣40.00分，超过该项分值6分，扣完为止，不得分。")
    assert card.by_name("社会公众或服务对象满意度").analysis == (
        "本次自评共发放调查问卷90份，收回90份，其中没有评价满意的问卷，满意度＝满意问卷数÷收回问卷数"
        "×100%＝0.00%，处于0～70%区间，按评分标准扣6.00分，不得分。")


def test_no_three_public_budget_this_year_is_said_in_words(make_department):
    def change(raw):
        raw["三公经费"]["本年预算"] = {"合计": "0", "公务接待费": "0", "公务用车运行维护费": "0"}
    assert evaluate(make_department(change)).scorecard.by_name("“三公经费”变动率").analysis == (
        "本部门2018年度未安排“三公经费”预算，上年度预算安排76.40万元，“三公经费”变动率＝"
        "（本年度“三公经费”预算数－上年度“三公经费”预算数）÷上年度“三公经费”预算数×100%＝"
        "\u2212100.00%，较上年下降，得满分4.00分。")


def test_no_staff_and_nothing_built_yet(make_department):
    def change(raw):
        raw["人员"]["年末实有人数"] = {"合计": "101", "在职人员": "0", "退休人员": "101"}
        raw["新建楼堂馆所"] = {"批准面积": "1150", "实际面积": "0", "批准投资": "480.00",
                              "实际投资": "0"}
    card = evaluate(make_department(change)).scorecard
    assert card.by_name("在职人员控制率").analysis == (
        "本部门2018年末无在职人员，编委核定编制数78人，在职人员控制率＝（在职人员数÷编制数）×100%＝"
        "0.00%，未超过100%，得满分3.00分。")
    assert card.by_name("新建楼堂馆所面积控制率").analysis.startswith(
        "本部门新建楼堂馆所批准建设面积1150平方米，尚未实际建设，面积控制率＝")
    assert card.by_name("新建楼堂馆所投资概算控制率").analysis.startswith(
        "本部门新建楼堂馆所批准投资480.00万元，尚未实际投资，投资概算控制率＝")


# -- zero categories in 部门支出描述 (describe.py): said as 无/未…, never 0.00万元 (#8.8) -------
def _spending(make_department, change) -> list[str]:
    from reportgen.describe import expenditure_paragraphs

    ev = evaluate(make_department(change))
    return [p.text for p in expenditure_paragraphs(ev.department.data, ev.scorecard.figures)]


def test_no_supplementary_budget_is_said_as_wei(make_department):
    def change(raw):
        raw["预算"]["本年追加预算"] = "0"
    assert _spending(make_department, change)[-1] == "2018年年初预算1543.40万元，本年未追加预算。"


def test_no_initial_budget_is_said_as_wei(make_department):
    def change(raw):
        raw["预算"]["年初预算"] = "0"
    assert _spending(make_department, change)[-1] == "2018年未安排年初预算，本年追加预算5383.91万元。"
    def neither(raw):
        raw["预算"] = {"年初预算": "0", "本年追加预算": "0"}
    assert _spending(make_department, neither)[-1] == "2018年未安排年初预算，本年也未追加预算。"


def test_a_zero_carry_over_against_last_year_is_said_in_words(make_department):
    def both_zero(raw):
        raw["收支"]["年末结转和结余"] = {"合计": "0", "基本支出结转": "0", "项目支出结转和结余": "0"}
        raw["上年度"] = {"年末结转和结余": "0"}
    assert _spending(make_department, both_zero)[1].endswith("；无年末结转和结余，上年亦无。")

    def none_now(raw):
        raw["收支"]["年末结转和结余"] = "0"
        raw["上年度"] = {"年末结转和结余": "407.30"}
    assert _spending(make_department, none_now)[1].endswith("；无年末结转和结余，上年为407.30万元。")

    def none_last_year(raw):
        raw["上年度"] = {"年末结转和结余": "0"}
    assert _spending(make_department, none_last_year)[1].endswith(
        "；年末结转和结余898.35万元，其中：基本支出结转107.58万元，项目支出结转和结余790.77万元，"
        "上年无年末结转和结余。")


def test_spending_all_of_one_nature_is_not_listed_as_its_only_part(make_department):
    def change(raw):
        raw["收支"]["支出决算数"]["按支出性质"] = {"基本支出": "6433.12", "项目支出": "0"}
    assert _spending(make_department, change)[1].startswith(
        "2018年支出决算数6433.12万元，全部为基本支出；按经济分类：")


def test_staff_all_of_one_kind_is_not_listed_as_its_only_part(make_department):
    """事业编制 0 is left out; 行政编制 alone is the whole 编制数: 全部为…, not 其中：行政编制38人."""
    from reportgen.describe import staffing_paragraph

    def change(raw):
        raw["人员"]["编制数"] = {"合计": "38", "行政编制": {"合计": "38", "政府机关人员": "35",
                                                      "工勤人员": "3"},
                               "事业编制": {"合计": "0", "参照公务员法管理人员": "0", "财政补助人员": "0"}}
        raw["人员"]["年末实有人数"]["离休人员"] = "0"
        raw["人员"]["年末实有人数"]["合计"] = "201"
    ev = evaluate(make_department(change))
    assert [p.text for p in staffing_paragraph(ev.department.data, ev.scorecard.figures)] == [
        "经机构编制部门核定的编制数为38人，全部为行政编制（政府机关人员35人，工勤人员3人）；"
        "年末实有人数201人，其中：在职人员72人（政府机关人员32人，工勤人员7人，参照公务员法管理人员5人，"
        "财政补助人员28人），聘用等其他人员28人，退休人员101人。"]


@pytest.mark.parametrize(("survey", "step"), [
    ({"发放": "90", "收回": "0", "满意": "0"},
     "3.问卷调查。向服务对象和社会公众发放调查问卷90份，拟了解其对本单位履职情况的"
     "满意程度，但未收回问卷。"),
    ({"发放": "0", "收回": "0", "满意": "0"}, None),
])
def test_a_survey_with_nothing_returned_or_sent(make_department, survey, step):
    """The shipped default 评价过程 and 局限性 (the example writes its own)."""
    from reportgen.compose import compose_report

    def change(raw):
        raw["考核与调查"]["满意度调查"] = survey
    folder = make_department(change)
    for name in ("评价过程", "局限性"):
        (folder / "narratives" / f"{name}.md").unlink()
    doc, _ = compose_report(evaluate(folder))
    texts = _texts(doc.sections["绩效评价工作情况"])
    steps = [t for t in texts if t.startswith("3.")]
    assert steps == [step or "3.分析评议。" + steps[0].removeprefix("3.分析评议。")]
    assert ("问卷调查样本有限" in "".join(texts)) is (step is not None)
    assert not any(re.search(r"(?<![\d.])0份", t) for t in texts)


def test_a_survey_without_the_number_sent(make_department):
    def change(raw):
        raw["考核与调查"]["满意度调查"] = {"收回": "90", "满意": "80"}
    r = evaluate(make_department(change)).scorecard.by_name("社会公众或服务对象满意度")
    assert r.analysis == (
        "本次自评共收回调查问卷90份，其中评价满意的80份，满意度＝满意问卷数÷收回问卷数×100%＝88.89%，"
        "处于80%（含）～90%区间，按评分标准扣2.00分，得4.00分。")


def test_a_figure_a_custom_pattern_prints_but_the_data_lacks_is_marked_not_left_as_a_name(
        make_department, tmp_path):
    from reportgen.framework import shipped_frameworks

    text = (shipped_frameworks() / "xiangxi-2018.yaml").read_text(encoding="utf-8")
    framework = tmp_path / "自定义.yaml"
    framework.write_text(text.replace("【发放调查问卷{问卷发放数}份，收回｜收回调查问卷】",
                                      "发放调查问卷{问卷发放数}份，收回"), encoding="utf-8")

    def change(raw):
        raw["评价框架"] = str(framework)
        raw["考核与调查"]["满意度调查"] = {"收回": "90", "满意": "80"}
    ev = evaluate(make_department(change))
    assert ev.scorecard.by_name("社会公众或服务对象满意度").analysis.startswith(
        "本次自评共发放调查问卷【待补充：问卷发放数】份，收回90份，")
    messages = [f.render() for f in ev.findings]
    assert any("指标“社会公众或服务对象满意度”的分析句式要写出问卷发放数，但数据中没有填写，"
               "报告中以【待补充】标出；请填写 考核与调查.满意度调查.发放" in m for m in messages), messages


def test_no_questionnaire_returned_names_the_figure_not_its_field(make_department):
    def change(raw):
        raw["考核与调查"]["满意度调查"] = {"发放": "90", "收回": "0", "满意": "0"}
    r = evaluate(make_department(change)).scorecard.by_name("社会公众或服务对象满意度")
    assert r.analysis == (
        "本部门问卷收回数为零，社会公众或服务对象满意度无法按公式计算，按评分标准扣6.00分，不得分。")


@pytest.mark.parametrize("file", ["changsha-county.yaml", "xiangxi-2018.yaml"])
def test_built_in_levels_read_without_an_echo(file):
    """行政效能 评定为“一般”, not 行政效能效果一般; the 无 level by its 说明."""
    from reportgen.framework import load_framework, shipped_frameworks

    fw = load_framework(shipped_frameworks() / file)
    rule = next(i for _, _, i in fw.indicators() if i.name == "行政效能").rule
    assert say(rule, "6", level="好")[1] == "评定为“好”，得满分6.00分"
    assert say(rule, "6", level="一般")[1] == "评定为“一般”，扣3.00分，得3.00分"
    assert say(rule, "6", level="无")[1] == "无效果或者效果不明显，扣6.00分，不得分"


def test_income_and_spending_take_one_shape():
    """收入 and 支出 alike: total, its change in brackets, then 其中 and the parts."""
    from pathlib import Path

    from reportgen.describe import expenditure_paragraphs

    county = Path(__file__).resolve().parent.parent / "examples" / "county-transport-2023"
    ev = evaluate(county)
    income, spending = [p.text for p in expenditure_paragraphs(
        ev.department.data, ev.scorecard.figures)][:2]
    assert income.startswith("2023年收入决算数12486.55万元（比上年11205.30万元增加1281.25万元，"
                             "增长11.43%），其中：财政拨款收入12310.20万元，其他收入176.35万元；")
    assert spending.startswith("2023年支出决算数12894.16万元（比上年11630.08万元增加1264.08万元，"
                               "增长10.87%），其中：基本支出2418.37万元，项目支出10475.79万元；"
                               "按经济分类：")
