"""The smaller traps a clerk met: each one seen, each one shut."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from openpyxl import load_workbook

from conftest import EXAMPLE, example_raw, write_department
from reportgen.cli import main
from reportgen.workbook.layout import GUIDE


def check_output(folder: Path, capsys) -> str:
    main(["check", str(folder)])
    captured = capsys.readouterr()
    return captured.out + captured.err


def test_a_misnamed_reason_section_gets_a_suggestion(tmp_path, capsys):
    folder = write_department(tmp_path / "d", example_raw())
    reasons = folder / "narratives" / "需要说明事项.md"
    text = reasons.read_text(encoding="utf-8").replace("## 预算控制率", "## 预算控制")
    reasons.write_text(text, encoding="utf-8")
    out = check_output(folder, capsys)
    # A free title is printed as written (issue #8); this one looks like a misspelt indicator.
    assert "“预算控制”不是本框架的指标，按自拟标题写入需要说明事项；是否应为“## 预算控制率”？" in out


def test_a_misspelt_reference_gets_a_suggestion_not_a_file(tmp_path, capsys):
    folder = write_department(tmp_path / "d", example_raw())
    (folder / "narratives" / "建议和请求.md").write_text(
        "预算控制率为{{ 预算控制 }}，收入{{ 收入决算 }}。{{ 毫无关系 }}", encoding="utf-8")
    out = check_output(folder, capsys)
    assert "引用了不存在的数据名称“预算控制”，已按原文输出；是否应为“预算控制率”？" in out
    assert "引用了不存在的数据名称“收入决算”，已按原文输出；是否应为“收入决算数”？" in out
    assert "reportgen score 列出全部指标名称" in out
    assert "README" not in out


def test_hints_name_only_files_the_folder_has_or_say_to_create_them(tmp_path, capsys):
    folder = write_department(tmp_path / "d", example_raw())
    (folder / "narratives" / "需要说明事项.md").unlink()
    out = check_output(folder, capsys)
    assert "请新建 narratives/需要说明事项.md，在其中加一节“## 预算完成率”" in out
    for line in out.splitlines():
        for name in re.findall(r"narratives/[^\s，。；）“”]+\.md", line):
            assert (folder / name).exists() or "新建" in line or "缺少" in line, line


def test_spreadsheet_instructions_match_init(tmp_path, capsys):
    folder = tmp_path / "部门"
    assert main(["init", str(folder)]) == 0
    # init never replaces a filled workbook, so the sheet must not tell the clerk to rerun it
    # on the same folder.
    assert main(["init", str(folder)]) == 2
    assert "为免覆盖已填写的数据" in capsys.readouterr().err
    guide = [line for line in GUIDE if "reportgen init" in line]
    assert guide and all("另一个文件夹" in line for line in guide)
    sheet = load_workbook(folder / "data.xlsx")["填表说明"]
    text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert "重新生成" not in text and "在另一个文件夹生成" in text


def test_missing_folders_say_not_found(tmp_path, capsys):
    for argv in (["check"], ["score"], ["build"], ["batch"]):
        args = [*argv, str(tmp_path / "无此文件夹")]
        if argv[0] in ("build", "batch"):
            args += ["-o", str(tmp_path / ("r.docx" if argv[0] == "build" else "out"))]
        assert main(args) == 2
        err = capsys.readouterr().err
        assert "找不到这个文件夹" in err and "不是文件夹" not in err


def test_check_and_build_of_a_copied_example_agree(tmp_path, capsys):
    folder = tmp_path / "商务局"
    shutil.copytree(EXAMPLE, folder)
    out = check_output(folder, capsys)
    assert out.rstrip().endswith("检查完成：3 个错误，0 个警告。")
