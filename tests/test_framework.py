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

