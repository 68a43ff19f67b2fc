"""The seed's figures through both built-in frameworks."""

from decimal import Decimal

import pytest

import seed
from reportgen.pipeline import evaluate


def test_seed_example_scores(example_dir):
    card = evaluate(example_dir).scorecard
    for name, (value, score) in seed.INDICATORS.items():
        result = card.by_name(name)
        assert result is not None, name
        assert result.value == value, name
        assert result.score == score, name
    assert card.total == seed.TOTAL
    assert card.grade == seed.GRADE
    for name, figure in seed.FIGURES.items():
        assert card.figures[name] == figure, name
    assert len(card.results) == 19
    assert sum(r.points for r in card.results) == 100


def test_judgement_lines_have_no_value(example_dir):
    card = evaluate(example_dir).scorecard
    for name in ("经济效益", "社会效益", "行政效能", "管理制度健全性"):
        assert card.by_name(name).value is None
    assert card.by_name("行政效能").score == 6


def test_no_building_is_full_points_and_says_so(example_dir):
    card = evaluate(example_dir).scorecard
    result = card.by_name("新建楼堂馆所面积控制率")
    assert result.score == 5 and result.status.value == "not_applicable"
    assert "没有新建楼堂馆所" in result.analysis


def test_procurement_partial_step_keeps_full_points(example_dir):
    result = evaluate(example_dir).scorecard.by_name("政府采购执行率")
    assert result.score == 6
    assert "偏离100%达4.85个百分点" in result.explanation
    assert result.explanation == "偏离100%达4.85个百分点，不足5个百分点，得满分6.00分"


def test_analysis_sentence_has_figures_formula_and_score(example_dir):
    result = evaluate(example_dir).scorecard.by_name("预算完成率")
    text = result.analysis
    for piece in ("407.30万元", "1543.40万元", "5383.91万元", "898.35万元", "87.75%",
                  "低于100%达12.25个百分点", "扣4.00分", "得1.00分"):
        assert piece in text, piece


def _set(path, value):
    def change(raw):
        node = raw
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return change


def test_county_framework(make_department):
    folder = make_department(_set(("评价框架",), "长沙县级"))
    card = evaluate(folder).scorecard
    assert card.by_name("在职人员控制率").score == 5
    assert card.by_name("“三公经费”变动率").score == 8
    assert card.by_name("绩效目标合理性") is None
    assert card.by_name("预算控制率").score == 0
    assert card.total == seed.TOTAL


@pytest.mark.parametrize(("supplementary", "seed_score", "county_score"), [
    # 154.35 / 1543.40 = 10.0006% shows (and scores) as 10.00%: still in [0, 10].
    ("0", 5, 5), ("77.17", 5, 4), ("154.34", 5, 4), ("154.35", 5, 4), ("154.50", 4, 3),
    ("308.68", 4, 3),
    ("385.85", 4, 2), ("463.02", 4, 2), ("463.20", 3, 0), ("1543.40", 2, 0), ("1543.41", 2, 0),
    ("1543.60", 0, 0),
])
def test_budget_control_bands_are_half_open(make_department, supplementary, seed_score,
                                            county_score):
    seed = evaluate(make_department(_set(("预算", "本年追加预算"), supplementary), "a"))
    county = make_department(lambda raw: (_set(("预算", "本年追加预算"), supplementary)(raw),
                                          _set(("评价框架",), "长沙县级")(raw)), "b")
    assert seed.scorecard.by_name("预算控制率").score == seed_score
    assert evaluate(county).scorecard.by_name("预算控制率").score == county_score


def test_staff_over_quota_loses_half_point_per_whole_point(make_department):
    def change(raw):
        raw["人员"]["年末实有人数"]["在职人员"] = {"合计": "80"}   # 80/78 = 102.56%
    result = evaluate(make_department(change)).scorecard.by_name("在职人员控制率")
    assert result.value == Decimal("102.56")
    assert result.score == Decimal("2")     # 2 whole points over → −1


def test_three_public_growth_deducts(make_department):
    result = evaluate(make_department(_set(("三公经费", "上年预算"), "60"))).scorecard.by_name(
        "“三公经费”变动率")
    assert result.value == Decimal("20.00")
    assert result.score == 0   # 20 points over × 0.4 = 8 > 4 → floor 0


def test_zero_denominator_is_stated_not_raised(make_department):
    def change(raw):
        raw["人员"]["编制数"] = "0"
    ev = evaluate(make_department(change))
    result = ev.scorecard.by_name("在职人员控制率")
    assert result.status.value == "not_computable"
    assert result.score == 0
    assert result.analysis == ("本部门编制数为零，在职人员控制率无法按公式计算，"
                               "按评分标准扣3.00分，不得分。")
    assert any("在职人员控制率" in f.message and "无法计算" in f.message for f in ev.findings)


def test_failed_checklist_item_is_named(make_department):
    def change(raw):
        raw["清单评价"]["资金使用合规性"] = ["是", "是", "否", "是", "是"]
    result = evaluate(make_department(change)).scorecard.by_name("资金使用合规性")
    assert result.score == 5
    assert result.explanation == "第③项“项目支出按规定经过评估论证”未达到要求，扣1.00分，得5.00分"


def test_satisfaction_band(make_department):
    def change(raw):
        raw["考核与调查"]["满意度调查"]["满意"] = "77"   # 77/90 = 85.56%
    result = evaluate(make_department(change)).scorecard.by_name("社会公众或服务对象满意度")
    assert result.value == Decimal("85.56")
    assert result.score == 4
