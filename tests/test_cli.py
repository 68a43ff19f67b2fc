"""The command line speaks Chinese: usage, argument errors, help, exit codes."""

from __future__ import annotations

import argparse
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT
from reportgen.cli import HELP, main, parser

EMERGENCY = ROOT / "examples" / "state-emergency-2019"
# argparse's own English words; none may reach the clerk.
ENGLISH = re.compile(r"\b(usage|error|required|invalid|choice|choose|arguments?|expected|"
                     r"unrecognized|options|positional|show this help|ambiguous|value)\b",
                     re.IGNORECASE)

ARGUMENT_ERRORS = [
    ([], "缺少必填的参数：命令"),
    (["bild", "x"], "没有 'bild' 这一项"),
    (["check"], "缺少必填的参数：部门文件夹"),
    (["check", "a", "b"], "无法识别的参数：b"),
    (["build", "x"], "缺少必填的参数：-o/--output"),
    (["build", "x", "-o"], "参数 -o/--output：后面需要一个值"),
    (["batch", "r", "-o", "out", "-j", "x"], "参数 -j/--jobs：“x”不是整数"),
    (["batch", "r", "-o", "out", "-j", "0"], "应为 1～64 之间的整数，实际为 0"),
    (["score", "x", "--json=yes"], "此选项不带值，多余的值 'yes' 无效"),
    (["check", "d", "--verbose"], "无法识别的参数：--verbose"),
    (["template"], "缺少必填的参数：子命令"),
    (["template", "lint", "x"], "没有 'lint' 这一项"),
]


@pytest.mark.parametrize(("argv", "said"), ARGUMENT_ERRORS)
def test_argument_errors_are_chinese(argv, said, capsys):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert said in err
    assert err.startswith("用法：reportgen")
    assert "错误：" in err and "-h 查看用法和示例" in err
    assert not ENGLISH.search(err), err


COMMANDS = [["init"], ["check"], ["score"], ["frameworks"], ["build"], ["batch"], ["diff"],
            ["template"], ["template", "check"], ["review"], ["serve"], ["user"], ["user", "add"]]


@pytest.mark.parametrize("argv", [[], *COMMANDS], ids=lambda a: " ".join(a) or "reportgen")
def test_help_is_chinese_with_an_example_and_exit_codes(argv, capsys):
    with pytest.raises(SystemExit) as caught:
        main([*argv, "-h"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert not ENGLISH.search(out), out
    assert out.startswith("用法：reportgen")
    assert "选项：" in out and "显示本帮助并退出" in out
    assert "示例：\n  reportgen" in out
    if argv:
        summary, example, codes = HELP[" ".join(argv)]
        assert summary in out and example in out
        assert f"退出码：{codes}" in out


def test_every_subcommand_has_help():
    names = {" ".join(c) for c in COMMANDS}
    assert names == set(HELP)
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == {c[0] for c in COMMANDS}


def test_argparse_is_english_again_outside_our_parser(capsys):
    with pytest.raises(SystemExit):
        main(["check"])
    capsys.readouterr()
    assert argparse._ is gettext.gettext  # pytest's own parser is untouched
    plain = argparse.ArgumentParser(prog="x")
    assert "usage:" in plain.format_usage()


def test_score_exits_like_check(tmp_path, capsys):
    # Warnings alone (a narrative missing): 0 for both commands.
    folder = tmp_path / "应急局"
    shutil.copytree(EMERGENCY, folder)
    (folder / "narratives" / "建议和请求.md").unlink()
    assert main(["check", str(folder)]) == 0
    assert main(["score", str(folder)]) == 0
    assert "[警告]" in capsys.readouterr().err
    # The seed's claimed figures are wrong: errors, 1 for both.
    assert main(["check", str(EXAMPLE)]) == 1
    assert main(["score", str(EXAMPLE)]) == 1


def test_a_missing_folder_is_not_found(tmp_path, capsys):
    missing = tmp_path / "没有的部门"
    assert main(["check", str(missing)]) == 2
    assert "找不到这个文件夹" in capsys.readouterr().err
    assert main(["batch", str(missing), "-o", str(tmp_path / "out")]) == 2
    assert "找不到这个文件夹" in capsys.readouterr().err
    file = tmp_path / "a.txt"
    file.write_text("x")
    assert main(["check", str(file)]) == 2
    assert "不是文件夹" in capsys.readouterr().err


def test_template_syntax_errors_are_chinese(tmp_path, capsys):
    from test_template_lint import make, para

    bad = make(tmp_path / "bad.docx", para("{{ 单位名称 | }}") + para("{% for x in 指标 %}"))
    assert main(["template", "check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "此处应为一个名称，实际是“}}”" in out
    assert "“{% for x in 指标 %}”没有对应的“{% endfor %}”" in out
    assert not re.search(r"expected|token|got|end of", out)
    # Building with it says the same in Chinese, never Jinja's English.
    assert main(["build", str(EXAMPLE), "-o", str(tmp_path / "r.docx"), "--template", str(bad)]) \
        in (1, 2)
    err = capsys.readouterr().err
    assert "写法有误：此处应为一个名称" in err
    assert not re.search(r"expected|token|got|end of", err)


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_preview_script_speaks_chinese(tmp_path):
    script = ROOT / "tools" / "preview.sh"
    usage = subprocess.run(["bash", str(script)], capture_output=True, text=True)
    assert usage.returncode == 2 and usage.stderr.startswith("用法：")
    missing = subprocess.run(["bash", str(script), str(tmp_path / "无.docx"), str(tmp_path)],
                             capture_output=True, text=True)
    assert missing.returncode == 1 and "找不到文件" in missing.stderr
    assert not re.search(r"usage|no such|missing|failed", usage.stderr + missing.stderr)


def test_template_check_on_a_missing_file(tmp_path, capsys):
    assert main(["template", "check", str(tmp_path / "无.docx")]) == 2
    assert not ENGLISH.search(capsys.readouterr().out)


def test_help_lists_placeholders_in_chinese(capsys):
    with pytest.raises(SystemExit):
        main(["build", "-h"])
    out = capsys.readouterr().out
    assert "-o 输出文件" in out and "部门文件夹" in out
    assert not re.search(r"\b[A-Z]{2,}\b", out.replace("PDF", "").replace("JSON", ""))


def test_version(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.startswith("reportgen ")


def test_a_path_option_is_a_path():
    args = parser().parse_args(["build", "d", "-o", "r.docx"])
    assert Path(args.output).suffix == ".docx"


def test_help_columns_line_up_on_a_terminal(capsys):
    from reportgen.cli_argparse import display_width

    with pytest.raises(SystemExit):
        main(["batch", "-h"])
    out = capsys.readouterr().out
    columns = set()
    for line in out.splitlines():
        match = re.match(r"^(  \S.*?\S)( {2,})(\S.*)$", line)
        if match and not line.startswith("  reportgen"):
            columns.add(display_width(match.group(1) + match.group(2)))
    assert len(columns) == 1, out
