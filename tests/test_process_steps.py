"""The 评价过程 steps claim only what the data supports (issue #8.4): a comparison with last
year only with last year's figures, 预算追加 only with an added budget, 非税收入 only with
income besides 财政拨款, the survey's recipients only as the data names them."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook

from conftest import EXAMPLE, example_raw, write_department
from reportgen.checks import run_checks
from reportgen.compose import compose_report
from reportgen.findings import Severity
from reportgen.inputs.folder import load_department
from reportgen.inputs.xlsx_reader import read_xlsx
from reportgen.model import DepartmentYear
from reportgen.phrases import data_check_step, documents_step, survey_step
from reportgen.pipeline import evaluate
from reportgen.workbook.blank import write_workbook
from reportgen.workbook.layout import ASSESSMENT, FreeRows, placed
from workbook_fill import cell_of

EXAMPLES = EXAMPLE.parent


def model(change=None) -> DepartmentYear:
    raw = example_raw()
    if change is not None:
        change(raw)
    return DepartmentYear.model_validate(raw)


def process_texts(folder: Path) -> list[str]:
    doc, _ = compose_report(evaluate(folder))
    return [getattr(b, "text", "") for b in doc.sections["绩效评价工作情况"]]


def process_texts_default(folder: Path) -> list[str]:
    """The section as the shipped default narratives write it."""
    for name in ("引言", "评价目的", "评价过程", "局限性"):
        (folder / "narratives" / f"{name}.md").unlink(missing_ok=True)
    return process_texts(folder)


# -- 核实数据 -------------------------------------------------------------------------------


def test_data_check_compares_only_what_last_year_gives():
    assert data_check_step(model()) == (
        "**核实数据。**核实2018年度部门整体支出数据的真实性和准确性，"
        "并将“三公经费”情况与2017年度进行对比分析。")

    def all_of_last_year(raw):
        raw["上年度"] = {"收入决算数": "6000", "支出决算数": "5900", "年末结转和结余": "407.30"}
        raw["公用经费"]["上年实际"] = 300
        raw["政府采购"]["上年实际"] = 60
    assert data_check_step(model(all_of_last_year)) == (
        "**核实数据。**核实2018年度部门整体支出数据的真实性和准确性，"
        "并将收支、“三公经费”、公用经费和政府采购情况与2017年度进行对比分析。")


def test_a_unit_without_last_year_figures_claims_no_comparison():
    """A unit set up this year: no 上年度, a 三公经费上年预算 of 0."""
    def new_unit(raw):
        raw["三公经费"]["上年预算"] = 0
        raw.pop("上年度", None)
    assert data_check_step(model(new_unit)) == (
        "**核实数据。**核实2018年度部门整体支出数据的真实性和准确性。")


# -- 查阅资料 -------------------------------------------------------------------------------


def test_documents_name_added_budget_and_non_tax_income_where_the_data_has_them():
    assert documents_step(model()) == (
        "**查阅资料。**查阅年度预算安排、预算追加、非税收入、资金管理、经费支出、资产管理等"
        "文件资料和会计凭证。")


def test_documents_leave_out_what_the_unit_did_not_have():
    def only_appropriations(raw):
        raw["收支"]["收入决算数"] = {"合计": "6927.32", "财政拨款收入": "6927.32", "其他收入": "0"}
        raw["预算"]["本年追加预算"] = 0
    assert documents_step(model(only_appropriations)) == (
        "**查阅资料。**查阅年度预算安排、资金管理、经费支出、资产管理等文件资料和会计凭证。")

    def non_tax_named_so(raw):
        raw["收支"]["收入决算数"] = {"合计": "6927.32", "财政拨款收入": "6900", "非税收入": "27.32"}
    assert "预算追加、非税收入、" in documents_step(model(non_tax_named_so))


def test_state_example_says_neither_last_year_nor_non_tax_income():
    """The reviewer's finding on state-emergency-2019 (set up in 2019, all income
    财政拨款): the printed steps now say only what its data supports."""
    texts = process_texts(EXAMPLES / "state-emergency-2019")
    assert "1.核实数据。核实2019年度部门整体支出数据的真实性和准确性。" in texts
    assert ("2.查阅资料。查阅年度预算安排、预算追加、资金管理、经费支出、资产管理等文件资料"
            "和会计凭证。") in texts
    steps = [t for t in texts if re.match(r"\d+\.", t)]
    assert not any("上年" in t or "非税收入" in t for t in steps)


# -- 问卷调查 -------------------------------------------------------------------------------


def test_survey_names_its_recipients_as_given():
    assert survey_step(model()) == (
        "**问卷调查。**发放调查问卷90份（本单位员工30份、服务对象30份、社会公众30份），"
        "收回90份，了解其对本单位履职情况的满意程度。")


def test_survey_without_recipients_names_no_staff():
    def unnamed(raw):
        raw["考核与调查"]["满意度调查"] = {"发放": 200, "收回": 188, "满意": 162}
    assert survey_step(model(unnamed)) == (
        "**问卷调查。**向服务对象和社会公众发放调查问卷200份，收回188份，"
        "了解其对本单位履职情况的满意程度。")
    texts = process_texts(EXAMPLES / "county-transport-2023")
    assert ("4.问卷调查。向服务对象和社会公众发放调查问卷200份，收回188份，"
            "了解其对本单位履职情况的满意程度。") in texts
    assert not any("职工" in t for t in texts)


def test_recipients_that_do_not_add_up_name_the_line(tmp_path):
    raw = example_raw()
    raw["考核与调查"]["满意度调查"]["发放对象"] = {"服务对象": 50, "社会公众": 43}
    folder = write_department(tmp_path / "d", raw)
    ev = evaluate(folder)
    found = [f for f in run_checks(ev.department, ev.scorecard)
             if f.field == "考核与调查.满意度调查.发放对象"]
    assert [(f.severity, f.message) for f in found] == [(
        Severity.ERROR,
        "满意度调查发放对象各项之和（服务对象＋社会公众）为93份，与发放的90份不符；"
        "请核对发放份数或各发放对象的份数")]
    text = (folder / "data.yaml").read_text(encoding="utf-8").splitlines()
    assert found[0].file.endswith("data.yaml") and "发放对象" in text[found[0].line - 1]
    # The report is a draft, and the step marks the figures in place.
    assert ("3.问卷调查。发放调查问卷90份（服务对象50份、社会公众43份）【待核实：各项之和为93份】，"
            "收回90份，了解其对本单位履职情况的满意程度。") in process_texts_default(folder)


def test_recipients_that_add_up_raise_nothing():
    ev = evaluate(EXAMPLE)
    assert not any("发放对象" in f.message for f in run_checks(ev.department, ev.scorecard))


# -- the 填报表 and the web form --------------------------------------------------------------


def _recipient_rows() -> range:
    spot = next(s for s in placed(ASSESSMENT) if isinstance(s.entry, FreeRows))
    return range(spot.row, spot.row + spot.entry.count)


def _blank_workbook(tmp_path):
    """A blank 填报表 at tmp_path/d/data.xlsx, opened for filling in."""
    folder = tmp_path / "d"
    folder.mkdir()
    book = write_workbook(folder / "data.xlsx", "xiangxi-2018")
    return book, load_workbook(book)


def test_recipients_are_read_from_the_workbook(tmp_path):
    book, wb = _blank_workbook(tmp_path)
    ws = wb["考核与调查"]
    first = _recipient_rows()[0]
    ws[f"A{first}"], ws[f"B{first}"] = "服务对象", 60
    ws[f"A{first + 1}"], ws[f"B{first + 1}"] = "社会公众", 40
    wb.save(book)
    raw, locator, notes, _ = read_xlsx(book)
    assert raw["考核与调查"]["满意度调查"]["发放对象"] == {"服务对象": "60", "社会公众": "40"}
    assert locator.place(("考核与调查", "满意度调查", "发放对象", "社会公众"))[0].endswith(
        f"「考核与调查」!B{first + 1}")


def test_a_workbook_made_before_the_recipient_rows_reads_with_a_warning(tmp_path):
    book, wb = _blank_workbook(tmp_path)
    ws = wb["考核与调查"]
    first = _recipient_rows()[0] - 1  # the heading row
    ws.delete_rows(first, ws.max_row - first + 1)
    wb.save(book)
    raw, _, notes, _ = read_xlsx(book)
    assert [(n.severity, n.message) for n in notes] == [(
        Severity.WARNING,
        f"「考核与调查」!A{first} 起没有内容：本填报表生成时还没有“发放对象（可选）”等行，"
        "这些项按未填写处理；需要填写时可用 reportgen init 在另一个文件夹生成空白填报表"
        "（init 不会覆盖已有的 data.xlsx），再把数据抄过去")]
    assert "满意度调查" not in raw.get("考核与调查", {})


def test_the_state_example_workbook_has_the_recipient_rows():
    """The example is kept at the current layout: no warning about missing rows."""
    _, _, notes, _ = read_xlsx(EXAMPLES / "state-emergency-2019" / "data.xlsx")
    assert notes == []
    assert load_department(EXAMPLES / "state-emergency-2019").data.assessment.survey.recipients == {}


def test_the_web_form_lists_and_saves_the_recipient_rows(tmp_path):
    from reportgen.web.form import apply_form, form_sections

    book = write_workbook(tmp_path / "data.xlsx", "xiangxi-2018")
    sections = {s.sheet: s for s in form_sections(book)}
    names = {f.name for f in sections["考核与调查"].fields}
    rows = _recipient_rows()
    assert {f"考核与调查!{c}{r}" for c in "AB" for r in rows} <= names
    content, changed = apply_form(book, {f"考核与调查!A{rows[0]}": "服务对象",
                                         f"考核与调查!B{rows[0]}": "60"})
    assert changed == [f"考核与调查!A{rows[0]}", f"考核与调查!B{rows[0]}"]
    book.write_bytes(content)
    raw, _, notes, _ = read_xlsx(book)
    assert notes == [] and raw["考核与调查"]["满意度调查"]["发放对象"] == {"服务对象": "60"}


def test_recipients_that_do_not_add_up_name_the_workbook_cell(tmp_path):
    book, wb = _blank_workbook(tmp_path)
    ws = wb["考核与调查"]
    sent = next(s.row for s in placed(ASSESSMENT) if getattr(s.entry, "label", "") == "发放")
    ws[f"B{sent}"] = 100
    for path, value in ((("基本信息", "单位名称"), "示例局"), (("基本信息", "年度"), 2018)):
        sheet, coord = cell_of(*path)
        wb[sheet][coord] = value
    first = _recipient_rows()[0]
    ws[f"A{first}"], ws[f"B{first}"] = "服务对象", 60
    ws[f"A{first + 1}"], ws[f"B{first + 1}"] = "社会公众", 30
    wb.save(book)
    dept = load_department(book.parent)
    from reportgen.checks import data_checks

    found = [f for f in data_checks(dept) if f.field == "考核与调查.满意度调查.发放对象"]
    assert [(f.file, f.message) for f in found] == [(
        f"{book}「考核与调查」!B{first}",
        "满意度调查发放对象各项之和（服务对象＋社会公众）为90份，与发放的100份不符；"
        "请核对发放份数或各发放对象的份数")]
