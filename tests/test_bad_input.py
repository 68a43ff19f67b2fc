"""Every kind of bad input gets a Chinese message naming the field and its line, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLE, write_department
from reportgen.cli import main


def run(args: list[str], capsys) -> tuple[int, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out + out.err


def example_text() -> str:
    return (EXAMPLE / "data.yaml").read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def dept(tmp_path: Path, text: str) -> str:
    return str(write_department(tmp_path / "d", text, narratives=False))


def test_typo_in_key_suggests_the_known_one(tmp_path, capsys):
    text = example_text().replace("  年初预算: 1543.40", "  年初预箅: 1543.40")
    code, out = run(["check", dept(tmp_path, text)], capsys)
    assert code == 1
    assert "未知字段“年初预箅”，是否应为“年初预算”？" in out
    assert f"data.yaml:{line_of(text, '年初预箅')}" in out
    assert "Traceback" not in out


def test_missing_required_field(tmp_path, capsys):
    text = example_text().replace("  单位名称: 湘西土家族苗族自治州商务局\n", "")
    code, out = run(["check", dept(tmp_path, text)], capsys)
    assert code == 1
    assert "缺少必填字段“单位名称”" in out
    assert "基本信息.单位名称" in out


def test_non_number_names_field_and_line(tmp_path, capsys):
    text = example_text().replace("  本年追加预算: 5383.91", "  本年追加预算: 五千万")
    code, out = run(["score", dept(tmp_path, text)], capsys)
    assert code == 1
    assert "“五千万”不是数字" in out
    assert f"data.yaml:{line_of(text, '五千万')}（预算.本年追加预算）" in out


def test_negative_money(tmp_path, capsys):
    text = example_text().replace("    其他收入: 12.71", "    其他收入: -12.71")
    code, out = run(["check", dept(tmp_path, text)], capsys)
    assert code == 1
    assert "金额不能为负数" in out
    assert "收支.收入决算数.其他收入" in out


def test_all_problems_in_one_pass(tmp_path, capsys):
    text = (example_text().replace("  年初预算: 1543.40", "  年初预箅: 1543.40")
            .replace("    其他收入: 12.71", "    其他收入: abc")
            .replace("  年度: 2018", "  年度: 二〇一八"))
    code, out = run(["check", dept(tmp_path, text)], capsys)
    assert code == 1
    assert "年初预箅" in out and "“abc”不是数字" in out and "年度“二〇一八”应为四位年份" in out


def test_yaml_syntax_error_has_line(tmp_path, capsys):
    text = example_text().replace("  年初预算: 1543.40", "  年初预算: 1543.40: 2")
    code, out = run(["check", dept(tmp_path, text)], capsys)
    assert code == 2
    assert "YAML 格式错误" in out
    assert f"data.yaml:{line_of(text, '1543.40: 2')}" in out


def test_unknown_framework(tmp_path, capsys):
    text = example_text().replace("评价框架: 湘西州本级2018", "评价框架: 湖南省2099")
    code, out = run(["score", dept(tmp_path, text)], capsys)
    assert code == 2
    assert "未知的评价框架“湖南省2099”" in out
    assert "长沙县级" in out and "湘西州本级2018" in out


def test_zero_denominator_is_reported_not_raised(tmp_path, capsys):
    text = example_text().replace("  年初预算: 1543.40", "  年初预算: 0")
    code, out = run(["check", dept(tmp_path, text)], capsys)
    assert code == 1
    assert "指标“预算控制率”无法计算（年初预算为0），该项计0分" in out
    assert "ZeroDivisionError" not in out and "Traceback" not in out


def test_missing_folder_and_empty_file(tmp_path, capsys):
    code, out = run(["check", str(tmp_path / "nope")], capsys)
    assert code == 2 and "找不到这个文件夹" in out
    code, out = run(["check", dept(tmp_path, "")], capsys)
    assert code == 2 and "文件是空的" in out


def test_missing_figure_for_a_formula_names_where_to_fill_it(tmp_path, capsys):
    text = example_text().replace("公用经费:\n  预算: 349.77\n", "公用经费:\n")
    code, out = run(["check", dept(tmp_path, text)], capsys)
    assert code == 1
    assert "指标“公用经费控制率”无法计算（缺少数据：公用经费预算），请填写 公用经费.预算" in out


def test_gbk_file_is_read_with_a_warning(tmp_path, capsys):
    folder = tmp_path / "gbk"
    folder.mkdir()
    (folder / "data.yaml").write_bytes(example_text().encode("gb18030"))
    code, out = run(["check", str(folder)], capsys)
    assert "GBK/GB18030" in out
    assert code == 1  # the example's own errors remain; the file was read


def test_bom_is_accepted(tmp_path, capsys):
    folder = tmp_path / "bom"
    folder.mkdir()
    (folder / "data.yaml").write_bytes(b"\xef\xbb\xbf" + example_text().encode("utf-8"))
    code, out = run(["score", str(folder)], capsys)
    # Exit 1 as check: the seed's own claimed figures are wrong, nothing about the encoding.
    assert code == 1 and "90.47" in out
    assert "编码" not in out and "BOM" not in out


@pytest.mark.parametrize("bad", ["1e30", "NaN", "Infinity"])
def test_absurd_numbers(tmp_path, capsys, bad):
    text = example_text().replace("  本年追加预算: 5383.91", f"  本年追加预算: {bad}")
    code, out = run(["check", dept(tmp_path, text)], capsys)
    assert code == 1
    assert f"“{bad}”不是数字" in out
