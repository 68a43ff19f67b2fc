"""Bad input beyond the one-file-one-problem corpus (tests/bad_inputs/, test_bad_inputs_corpus.py):
several problems in one pass, an unknown built-in framework, zero and missing denominators."""

from __future__ import annotations

from pathlib import Path

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


def test_all_problems_in_one_pass(tmp_path, capsys):
    text = (example_text().replace("  年初预算: 1543.40", "  年初预箅: 1543.40")
            .replace("    其他收入: 12.71", "    其他收入: abc")
            .replace("  年度: 2018", "  年度: 二〇一八"))
    code, out = run(["check", dept(tmp_path, text)], capsys)
    assert code == 1
    assert "年初预箅" in out and "“abc”不是数字" in out and "年度“二〇一八”应为四位年份" in out


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
    assert "指标“预算控制率”无法计算（年初预算为零），该项计0分" in out
    assert "ZeroDivisionError" not in out and "Traceback" not in out


def test_missing_figure_for_a_formula_names_where_to_fill_it(tmp_path, capsys):
    text = example_text().replace("公用经费:\n  预算: 349.77\n", "公用经费:\n")
    code, out = run(["check", dept(tmp_path, text)], capsys)
    assert code == 1
    assert "指标“公用经费控制率”无法计算（缺少数据：公用经费预算），请填写 公用经费.预算" in out
