"""Framework files: validated on load, formulas cannot run code."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.findings import InputError
from reportgen.formula import FormulaError, parse_formula
from reportgen.framework import builtin_frameworks, load_framework, resolve_framework
from reportgen.inputs.yaml_source import top_level_scalars

BUILTIN = Path(__file__).resolve().parent.parent / "reportgen" / "frameworks"


def test_two_builtins_are_listed_and_sum_to_100():
    found = {fw.ident: fw for fw in builtin_frameworks()}
    assert set(found) >= {"湘西州本级2018", "长沙县级"}
    for fw in found.values():
        framework = load_framework(fw.path)
        assert sum(i.points for _, _, i in framework.indicators()) == 100


def test_a_builtin_named_by_its_ident_or_title_is_found_without_loading_any(tmp_path):
    for builtin in builtin_frameworks():
        load_framework.cache_clear()
        for name in (builtin.ident, builtin.title, builtin.path.stem, f" {builtin.ident} "):
            assert resolve_framework(name, tmp_path) == builtin.path
        assert load_framework.cache_info().currsize == 0  # only read up to its 名称


def test_top_level_scalars_skip_nested_values_and_stop_at_the_last_key():
    # after the last key the text is broken: parsing stopped before it
    text = "甲:\n  标识: 里层\n乙: [1, {标识: 流式}]\n标识: 外层\n名称: '引号'\n丙: ]坏"
    assert top_level_scalars(text, frozenset({"标识", "名称"})) == {"标识": "外层", "名称": "引号"}
    assert top_level_scalars("名称:\n  - 列表\n", frozenset({"名称"})) == {}


def test_county_variant_structure():
    fw = load_framework(BUILTIN / "changsha-county.yaml")
    first = fw.categories[0]
    assert (first.name, first.points) == ("投入", 13)
    assert [g.name for g in first.groups] == ["预算配置"]
    assert [(i.name, i.points) for i in first.groups[0].indicators] == [
        ("在职人员控制率", 5), ("“三公经费”变动率", 8)]


def _copy(tmp_path: Path, old: str, new: str) -> Path:
    text = (BUILTIN / "xiangxi-2018.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "fw.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def messages(path: Path) -> str:
    with pytest.raises(InputError) as info:
        load_framework(path)
    return "\n".join(f.render() for f in info.value.findings)


def test_points_that_do_not_add_up(tmp_path):
    path = _copy(tmp_path, "          - 名称: 在职人员控制率\n            分值: 3",
                 "          - 名称: 在职人员控制率\n            分值: 4")
    text = messages(path)
    assert str(path) in text
    assert "投入/预算配置" in text and "所属三级指标分值合计为8，与本级分值7不符" in text
    assert "一级指标分值合计" not in text  # the 一级 points still add up to 100


def test_unknown_fact_in_formula(tmp_path):
    path = _copy(tmp_path, "公式: 在职人员数 / 编制数 × 100", "公式: 在职人数 / 编制数 × 100")
    text = messages(path)
    assert "在职人员控制率" in text and "数据项“在职人数”不存在" in text


@pytest.mark.parametrize("formula", [
    "__import__('os').system('echo hi')", "编制数.__class__", "编制数[0]", "(lambda: 1)()",
    "open('x')",
])
def test_formulas_cannot_run_code(formula):
    with pytest.raises(FormulaError):
        parse_formula(formula, {"编制数"})


def test_unknown_rule_kind(tmp_path):
    path = _copy(tmp_path, "规则: {类型: 线性, 满分值: 100}", "规则: {类型: 神秘算法}")
    text = messages(path)
    assert "重点工作实际完成率" not in text or "规则" in text
    assert "规则" in text and "神秘算法" in text


def test_overlapping_bands(tmp_path):
    path = _copy(tmp_path, '- {区间: "(10, 30]", 得分: 4}', '- {区间: "[10, 30]", 得分: 4}')
    assert "10%同时落在2个区间内" in messages(path)


def test_unknown_placeholder_in_pattern(tmp_path):
    path = _copy(tmp_path, "在职人员控制率＝{公式说明}＝{值}", "在职人员控制率＝{公式说明}＝{数值}")
    assert "分析句式中的“{数值}”不是可用的名称" in messages(path)



# -- 【…｜…】: a clause said as 无 or left out when its figures are zero (#8.8) ------------------
_CLAUSE_LINE = "本部门{年度}年末【实际在职人员{在职人员数}人｜无在职人员】，编委核定编制数{编制数}人"


@pytest.mark.parametrize(("bad", "expected"), [
    ("本部门【【实际在职人员{在职人员数}人】】，编委核定编制数{编制数}人",
     "分析句式中的“【…】”不能套在另一个“【…】”里"),
    ("本部门【实际在职人员{在职人员数}人，编委核定编制数{编制数}人",
     "分析句式中的“【”没有对应的“】”"),
    ("本部门实际在职人员{在职人员数}人】，编委核定编制数{编制数}人",
     "分析句式中的“】”前面没有对应的“【”"),
    ("本部门【{年度}年末】实际在职人员{在职人员数}人，编委核定编制数{编制数}人",
     "分析句式中的“【{年度}年末】”中没有数据项（如{年初结转和结余}），无法判断何时省略"),
    ("本部门【实际在职人员{在职人员数}人｜编制数{编制数}人】",
     "分析句式中的“【实际在职人员{在职人员数}人｜编制数{编制数}人】”中“｜”后的文字在数据全为零时使用，"
     "不能引用数据项“{编制数}”"),
    ("本部门【实际在职人员{在职人员数}人｜无｜没有】，编委核定编制数{编制数}人",
     "分析句式中的“【实际在职人员{在职人员数}人｜无｜没有】”有不止一个“｜”"),
    ("本部门实际在职人员{在职人员数}人｜编委核定编制数{编制数}人",
     "分析句式中的“｜”只能写在“【…】”里"),
])
def test_malformed_clause_is_named_with_its_indicator(tmp_path, bad, expected):
    text = messages(_copy(tmp_path, _CLAUSE_LINE, bad))
    assert expected in text
    assert "fw.yaml" in text and "在职人员控制率" in text


def test_ascii_bar_is_the_same_as_the_full_width_one(tmp_path):
    path = _copy(tmp_path, _CLAUSE_LINE, _CLAUSE_LINE.replace("｜", "|"))
    load_framework(path)  # no error


def test_fill_pattern_resolves_clauses_before_any_value_is_put_in():
    from reportgen.framework import fill_pattern

    pattern = "本部门【上年结转和结余{年初结转和结余}万元｜无上年结转和结余】，【本年追加预算{本年追加预算}万元，】合计"
    values = {"年初结转和结余": "0.00", "本年追加预算": "【12.00｜x】"}
    assert fill_pattern(pattern, values, frozenset({"年初结转和结余"})) == (
        "本部门无上年结转和结余，本年追加预算【12.00｜x】万元，合计")
    assert fill_pattern(pattern, values, frozenset({"本年追加预算"})) == (
        "本部门上年结转和结余0.00万元，合计")
    # one figure not zero keeps the whole clause, zeros inside it included
    both = "【结转{年初结转和结余}万元，追加{本年追加预算}万元｜无】"
    assert fill_pattern(both, values, frozenset({"年初结转和结余"})) == "结转0.00万元，追加【12.00｜x】万元"
    assert fill_pattern(both, values, frozenset({"年初结转和结余", "本年追加预算"})) == "无"


def test_every_builtin_figure_that_can_be_zero_sits_in_a_clause():
    """A figure outside 【…】 would print 0.00万元 for a zero category, unless its zero
    leaves the indicator 无法计算 (a denominator: the pattern is then not used), it is a
    score (绩效办考核得分 0 is a score, not an absent category), or it bounds a denominator
    (问卷发放数 0 with questionnaires returned is an error check reports: 收回 ≤ 发放)."""
    from decimal import Decimal

    from reportgen.facts import KINDS, FactKind
    from reportgen.formula import NotComputable
    from reportgen.framework import _CLAUSE, _figures_in

    for builtin in builtin_frameworks():
        for _, _, ind in load_framework(builtin.path).indicators():
            for name in _figures_in(_CLAUSE.sub("", ind.pattern)):
                if KINDS[name] is FactKind.SCORE or name == "问卷发放数":
                    continue
                values = {n: Decimal(0) if n == name else Decimal(1) for n in KINDS}
                with pytest.raises(NotComputable):
                    ind.formula.evaluate(values)


# What the body writes between figures and words: ＝ ÷ ＋ － for a formula, ～ for a range.
_ASCII_OPERATORS = "-+=/[]~*"


@pytest.mark.parametrize("builtin", builtin_frameworks(), ids=lambda b: b.path.stem)
def test_framework_texts_use_the_bodys_signs_not_ascii_operators(builtin):
    """评价标准 and 指标说明 are printed in 附件1 as written: a shipped framework writes
    “80%（含）～90%” and “＝（在职人员数÷编制数）×100%”, as the body does."""
    framework = load_framework(builtin.path)
    found = [(ind.name, sign, text) for _, _, ind in framework.indicators()
             for text in (ind.name, ind.standard, ind.description, ind.formula_label)
             for sign in _ASCII_OPERATORS if sign in text]
    assert found == []
    texts = {ind.name: (ind.standard, ind.description) for _, _, ind in framework.indicators()}
    assert "80%（含）～90%，计4分" in texts["社会公众或服务对象满意度"][0]
    assert texts["预算控制率"][1] == "预算控制率＝（本年追加预算÷年初预算）×100%。"
    # each row of 附件1 reads alone: no "此两项" pointing at a neighbouring row
    assert all("此两项" not in standard for standard, _ in texts.values())
    assert texts["经济效益"][0].startswith("本项指标为")


def test_a_name_break_mark_is_not_part_of_the_name(tmp_path):
    builtin = load_framework(BUILTIN / "xiangxi-2018.yaml")
    by_name = {ind.name: ind for _, _, ind in builtin.indicators()}
    assert by_name["新建楼堂馆所面积控制率"].name_lines == ("新建楼堂馆所", "面积控制率")
    assert by_name["预算完成率"].name_lines == ("预算完成率",)
    assert not any("｜" in name or "|" in name for name in by_name)
    # ASCII | works as well; a mark that does not stand between two words is an error
    plain = _copy(tmp_path, "名称: 新建楼堂馆所｜面积控制率", "名称: 新建楼堂馆所|面积控制率")
    marked = {i.name: i.name_lines for _, _, i in load_framework(plain).indicators()}
    assert marked["新建楼堂馆所面积控制率"] == ("新建楼堂馆所", "面积控制率")
    load_framework.cache_clear()  # the same path again, now with a misplaced mark
    text = messages(_copy(tmp_path, "名称: 新建楼堂馆所｜面积控制率", "名称: 新建楼堂馆所面积控制率｜"))
    assert "新建楼堂馆所面积控制率" in text and "应写在两个词之间" in text


def test_every_builtin_figure_printed_unconditionally_is_an_input_of_its_formula():
    """A pattern is printed only when its formula computed, so a figure of the formula is
    there; any other figure (问卷发放数 beside 满意÷收回) must sit in a 【…】."""
    from reportgen.framework import unconditional_figures

    for builtin in builtin_frameworks():
        for _, _, ind in load_framework(builtin.path).indicators():
            figures = set(unconditional_figures(ind.pattern))
            assert figures <= (ind.formula.names if ind.formula else set()), (ind.name, figures)
