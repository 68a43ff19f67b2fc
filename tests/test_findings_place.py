"""Every message points at the right place; impossible data is caught; warnings can be
cleared; check lists reading and consistency errors in one pass (Excel and YAML)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from conftest import EXAMPLE, ROOT, example_raw, write_department
from reportgen.cli import main
from reportgen.findings import InputError, Severity
from reportgen.inputs.yaml_source import read_yaml
from reportgen.pipeline import evaluate
from reportgen.workbook.blank import write_workbook
from workbook_fill import cell_of, fill_from_raw

EMERGENCY = ROOT / "examples" / "state-emergency-2019"
TRANSPORT = ROOT / "examples" / "county-transport-2023"


def record_cell(book: Path, sheet: str, name: str, column: str) -> tuple[str, str]:
    ws = load_workbook(book)[sheet]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == name)
    return sheet, f"{column}{row}"


def edit(book: Path, changes: dict[tuple[str, str], object]) -> None:
    wb = load_workbook(book)
    for (sheet, coord), value in changes.items():
        wb[sheet][coord] = value
    wb.save(book)


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    folder = tmp_path / "商务局"
    folder.mkdir()
    shutil.copytree(EXAMPLE / "narratives", folder / "narratives")
    book = write_workbook(folder / "data.xlsx", "xiangxi-2018")
    raw = read_yaml(EXAMPLE / "data.yaml").data
    raw.pop("评价工作")  # written in data.yaml only: the 填报表 has no cells for them yet
    raw["基本信息"].pop("简称")
    assert fill_from_raw(book, raw) == []
    return folder


def placed_at(findings, fragment: str) -> str:
    [found] = [f for f in findings if fragment in f.message]
    return found.file


# -- 5. every message points at the right place ---------------------------------------------


def test_claim_errors_name_the_value_and_the_score_cells(filled: Path):
    book = filled / "data.xlsx"
    findings = evaluate(filled).findings
    value = record_cell(book, "自填数", "预算完成率", "C")
    score = record_cell(book, "自填数", "预算完成率", "D")
    total = record_cell(book, "自填数", "总分", "D")
    assert placed_at(findings, "自填的预算完成率为100.00%") == f"{book}「{value[0]}」!{value[1]}"
    assert placed_at(findings, "自填的预算完成率得分为5分") == f"{book}「{score[0]}」!{score[1]}"
    assert placed_at(findings, "自填总分为94.47分") == f"{book}「{total[0]}」!{total[1]}"


def test_claim_errors_name_their_yaml_lines(tmp_path):
    text = (EXAMPLE / "data.yaml").read_text(encoding="utf-8").replace(
        "    预算完成率: {值: 100.00%, 得分: 5}", "    预算完成率:\n      值: 100.00%\n      得分: 5")
    folder = write_department(tmp_path / "d", text)
    lines = text.splitlines()
    value_line = lines.index("      值: 100.00%") + 1
    findings = evaluate(folder).findings
    [value] = [f for f in findings if "自填的预算完成率为" in f.message]
    [score] = [f for f in findings if "自填的预算完成率得分为" in f.message]
    assert (value.line, score.line) == (value_line, value_line + 1)


def test_a_score_valued_claim_is_not_a_percentage(tmp_path):
    raw = example_raw()
    raw["自填数"]["指标"]["重点工作实际完成率"] = {"值": "95", "得分": "7.47"}
    findings = evaluate(write_department(tmp_path / "d", raw)).findings
    [claim] = [f for f in findings if "自填的重点工作实际完成率为" in f.message]
    assert "为95.00分，" in claim.message and "应为93.341分" in claim.message


# Every finding the workbook can give, with the cell it must name.
XLSX_CASES = [
    ({cell_of("收支", "收入决算数", "财政拨款收入"): "六千九百"}, "“六千九百”不是数字",
     ("收支", "收入决算数", "财政拨款收入")),
    ({cell_of("人员", "年末实有人数", "合计"): 188}, "年末实有人数的合计为188人",
     ("人员", "年末实有人数", "合计")),
    ({cell_of("考核与调查", "满意度调查", "满意"): 95}, "满意份数不能多于收回份数",
     ("考核与调查", "满意度调查", "满意")),
    ({cell_of("考核与调查", "满意度调查", "收回"): 200}, "收回份数不能多于发放份数",
     ("考核与调查", "满意度调查", "收回")),
    ({cell_of("考核与调查", "绩效办考核得分"): 120}, "绩效办考核得分120.00分超过百分制",
     ("考核与调查", "绩效办考核得分")),
    ({cell_of("基本信息", "报告日期"): None}, "没有填写报告日期", ("基本信息", "报告日期")),
    ({cell_of("收支", "年末结转和结余", "合计"): -1}, "金额不能为负数",
     ("收支", "年末结转和结余", "合计")),
    ({cell_of("人员", "编制数", "行政编制", "合计"): 40}, "行政编制的合计为40人",
     ("人员", "编制数", "行政编制", "合计")),
    ({cell_of("三公经费", "上年预算", "合计"): 0}, "“三公经费”变动率无法计算",
     ("三公经费", "上年预算", "合计")),
]


@pytest.mark.parametrize(("changes", "fragment", "field"), XLSX_CASES,
                         ids=[c[1][:12] for c in XLSX_CASES])
def test_every_xlsx_finding_names_its_sheet_and_cell(filled: Path, changes, fragment, field):
    book = filled / "data.xlsx"
    edit(book, changes)
    try:
        findings = evaluate(filled).findings
    except InputError as exc:
        findings = exc.findings
    sheet, coord = cell_of(*field)
    assert placed_at(findings, fragment) == f"{book}「{sheet}」!{coord}"


# -- 6. impossible data ----------------------------------------------------------------------


def check_of(folder: Path, capsys) -> tuple[int, str]:
    code = main(["check", str(folder)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_survey_counts_in_order(tmp_path, capsys):
    raw = example_raw()
    raw["考核与调查"]["满意度调查"] = {"发放": "100", "收回": "120", "满意": "130"}
    code, out = check_of(write_department(tmp_path / "d", raw), capsys)
    assert code == 1
    assert "满意度调查收回120份，多于发放的100份" in out
    assert "满意度调查满意130份，多于收回的120份" in out


def test_a_hundred_point_score_over_100(tmp_path, capsys):
    raw = example_raw()
    raw["考核与调查"]["绩效办考核得分"] = "120"
    code, out = check_of(write_department(tmp_path / "d", raw), capsys)
    assert code == 1 and "绩效办考核得分120.00分超过百分制的100分" in out


def test_negative_money_is_refused_with_its_line(tmp_path, capsys):
    raw = example_raw()
    raw["公用经费"]["实际"] = "-12.5"
    code, out = check_of(write_department(tmp_path / "d", raw), capsys)
    assert code == 1 and "data.yaml:" in out and "金额不能为负数（-12.5）" in out


def test_head_counts_by_kind_against_their_totals(tmp_path, capsys):
    raw = example_raw()
    raw["人员"]["编制数"] = {"合计": "78", "行政编制": {"合计": "30", "政府机关人员": "25",
                                                    "工勤人员": "9"}, "事业编制": "48"}
    code, out = check_of(write_department(tmp_path / "d", raw), capsys)
    assert code == 1
    assert "行政编制的合计为30人，但各项之和（政府机关人员＋工勤人员）为34人" in out
    assert "编制数的合计为78人，但各项之和" not in out  # 30 + 48 = 78: the top level agrees


def test_empty_unit_name_and_report_date_are_marked_on_the_cover(tmp_path, capsys):
    raw = example_raw()
    raw["基本信息"]["单位名称"] = ""
    del raw["基本信息"]["报告日期"]
    folder = write_department(tmp_path / "d", raw)
    code, out = check_of(folder, capsys)
    assert code == 1  # the seed's own errors; the two are warnings
    assert "[警告]" in out and "单位名称为空，报告封面和标题以【待补充：单位名称】标出" in out
    assert "没有填写报告日期，报告落款以【待补充：报告日期】标出" in out
    report = tmp_path / "r.docx"
    assert main(["build", str(folder), "-o", str(report)]) == 0
    text = "\n".join(p.text for p in Document(str(report)).paragraphs)
    assert "【待补充：单位名称】" in text and "【待补充：报告日期】" in text


@pytest.mark.parametrize("example", [EXAMPLE, TRANSPORT, EMERGENCY], ids=lambda p: p.name)
def test_no_new_alarm_on_the_examples(example):
    findings = evaluate(example).findings
    said = [f.message for f in findings]
    expected = {EXAMPLE: 3, TRANSPORT: 0, EMERGENCY: 0}[example]  # the seed's 3 claims
    assert len(said) == expected, said
    assert not any(w in m for m in said for w in ("满意份数", "收回份数", "百分制", "报告日期",
                                                 "单位名称为空"))


# -- 7. a warning can always be cleared -------------------------------------------------------


def test_zero_denominator_warning_clears_with_its_section(tmp_path, capsys):
    folder = tmp_path / "应急局"
    shutil.copytree(EMERGENCY, folder)
    reasons = folder / "narratives" / "需要说明事项.md"
    text = reasons.read_text(encoding="utf-8")
    start = text.index("## “三公经费”变动率")
    end = text.index("## 预算完成率")
    reasons.write_text(text[:start] + text[end:], encoding="utf-8")
    code, out = check_of(folder, capsys)
    assert code == 0
    [warning] = [line for line in out.splitlines() if "无法计算" in line]
    assert "「预算与三公」!" in warning  # the cell of the zero figure
    assert "如确为零，请在 narratives/需要说明事项.md 中加一节“## “三公经费”变动率”说明原因" in warning
    assert "扣8.00分，但没有写明原因" not in out  # one warning, not two
    reasons.write_text(text, encoding="utf-8")  # do what it says
    code, out = check_of(folder, capsys)
    assert code == 0 and "无法计算" not in out and "检查完成：0 个错误，0 个警告。" in out


# -- 8. one pass ------------------------------------------------------------------------------


def test_xlsx_reading_and_consistency_errors_come_out_together(filled: Path, capsys):
    book = filled / "data.xlsx"
    checklist = record_cell(book, "清单评价", "管理制度健全性", "D")
    seeded = {
        cell_of("收支", "收入决算数", "财政拨款收入"): "六千九百",     # not a number
        cell_of("人员", "编制数", "合计"): "-3",                          # negative count
        cell_of("收支", "转入事业基金"): "=B3*2",                        # formula never saved
        checklist: None,                                                 # item left blank
        cell_of("考核与调查", "满意度调查", "满意"): 999,                 # impossible count
        cell_of("三公经费", "本年预算", "合计"): 99,                     # total ≠ parts
        cell_of("人员", "年末实有人数", "合计"): 188,                    # total ≠ parts
    }
    edit(book, seeded)
    code, out = check_of(filled, capsys)
    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("[错误]")]
    expected = [
        "是公式但没有保存计算结果", "清单评价有1项未填写", "人数或份数应为非负整数",
        "“六千九百”不是数字", "本年预算的合计为99.00万元", "满意度调查满意999份",
        "年末实有人数的合计为188人",
        "自填的预算完成率为100.00%", "自填的预算完成率得分为5分",  # the seed's own claims
    ]
    for fragment in expected:
        assert sum(fragment in line for line in errors) == 1, (fragment, errors)
    # Nothing said about a figure for want of an unread one: the income total (its part
    # could not be read), the balance (转入事业基金 unread), the claimed total.
    assert not any("收入决算数的合计" in line or "收支不平衡" in line or "自填总分" in line
                   for line in errors), errors
    assert not any("缺少清单评价结果" in line for line in errors)  # said once, by the reader


def test_yaml_type_errors_and_sums_come_out_together(tmp_path, capsys):
    raw = example_raw()
    raw["公用经费"]["实际"] = "abc"
    raw["三公经费"]["上年预算"] = {"合计": "80", "公务接待费": "10", "公务用车运行维护费": "20"}
    raw["人员"]["年末实有人数"]["合计"] = "188"
    code, out = check_of(write_department(tmp_path / "d", raw), capsys)
    assert code == 1
    assert "“abc”不是数字" in out
    assert "上年预算的合计为80.00万元，但各项之和" in out
    assert "年末实有人数的合计为188人" in out


def test_a_yaml_syntax_error_stops_the_pass(tmp_path, capsys):
    folder = write_department(tmp_path / "d", "评价框架: [\n")
    code, out = check_of(folder, capsys)
    assert code == 2 and "YAML 格式错误" in out
    assert Severity.ERROR.value in out
