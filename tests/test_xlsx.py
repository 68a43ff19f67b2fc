"""The Excel 填报表: write it, fill it, read it back into the same model as data.yaml."""

from __future__ import annotations

import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

import seed
from reportgen.findings import InputError, Severity
from reportgen.inputs.folder import load_department
from reportgen.inputs.validation import known_keys
from reportgen.inputs.xlsx_reader import number_text, read_xlsx
from reportgen.inputs.yaml_source import read_yaml
from reportgen.model import DepartmentYear
from reportgen.pipeline import evaluate
from reportgen.workbook.blank import write_workbook
from reportgen.workbook.layout import (
    CHECKLISTS,
    CLAIMS,
    FORMS,
    JUDGEMENTS,
    Field,
    FreeRows,
    fields,
    placed,
)
from workbook_fill import cell_of, fill_from_raw

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "xiangxi-commerce-2018"
FRAMEWORK = "xiangxi-2018"


def edit(path: Path, changes: dict[tuple[str, str], object]) -> None:
    wb = load_workbook(path)
    for (sheet, coord), value in changes.items():
        wb[sheet][coord] = value
    wb.save(path)


@pytest.fixture(scope="module")
def example_raw() -> dict:
    return read_yaml(EXAMPLE / "data.yaml").data


@pytest.fixture
def filled(tmp_path: Path, example_raw: dict) -> Path:
    """A department folder whose data.xlsx holds every figure of the YAML example."""
    folder = tmp_path / "xiangxi-commerce-2018"
    folder.mkdir()
    shutil.copytree(EXAMPLE / "narratives", folder / "narratives")
    book = write_workbook(folder / "data.xlsx", FRAMEWORK)
    assert fill_from_raw(book, example_raw) == []
    return folder


# -- the layout ---------------------------------------------------------------------------------


def test_every_form_field_is_a_key_of_the_model():
    for sheet, field in fields():
        path = field.path
        for depth in range(len(path)):
            allowed = known_keys(DepartmentYear, path[:depth])
            if allowed and allowed != ["root"]:  # breakdown parts are free names
                assert path[depth] in allowed, (sheet.name, field.key)


def test_form_paths_are_unique():
    keys = [field.key for _, field in fields()]
    assert len(keys) == len(set(keys))


# -- the round trip -----------------------------------------------------------------------------


def test_filled_workbook_scores_like_the_yaml_example(filled: Path):
    from_xlsx = evaluate(filled)
    from_yaml = evaluate(EXAMPLE)
    card = from_xlsx.scorecard
    assert card.total == seed.TOTAL
    assert card.grade == seed.GRADE
    values = {r.name: r.value for r in card.results}
    assert values == {r.name: r.value for r in from_yaml.scorecard.results}
    for name, (value, _) in seed.INDICATORS.items():
        assert values[name] == value, name
    assert values["政府采购执行率"] == Decimal("95.15")
    assert values["重点工作实际完成率"] == Decimal("93.341")
    assert values["社会公众或服务对象满意度"] == Decimal("100.00")
    assert card.by_name("预算完成率").score == Decimal("1.00")
    assert card.by_name("行政效能").score == Decimal("6.00")
    assert [(r.name, r.value, r.score) for r in card.results] == \
        [(r.name, r.value, r.score) for r in from_yaml.scorecard.results]
    assert [f.message for f in from_xlsx.findings] == [f.message for f in from_yaml.findings]


def test_filled_workbook_gives_the_same_model_as_the_yaml(filled: Path):
    from_xlsx, from_yaml = load_department(filled).data, load_department(EXAMPLE).data
    assert from_xlsx.basic.short_name == "州商务局"
    assert from_xlsx.evaluation.notice.number == "州财绩〔2019〕5号"
    assert from_xlsx == from_yaml


@pytest.mark.parametrize("name", ["county-transport-2023", "xiangxi-commerce-2018-as-filed"])
def test_every_yaml_example_round_trips_through_the_workbook(tmp_path: Path, name: str):
    """Every field of each YAML example (评价工作组, 简称 …) has its cell: YAML → workbook →
    the same model."""
    source = EXAMPLE.with_name(name)
    raw = read_yaml(source / "data.yaml").data
    folder = tmp_path / name
    shutil.copytree(source / "narratives", folder / "narratives")
    book = write_workbook(folder / "data.xlsx", raw["评价框架"])
    assert fill_from_raw(book, raw) == []
    assert load_department(folder).data == load_department(source).data


def test_evaluation_work_cells(filled: Path):
    """工作安排 is one item a line (an item may hold 、); 简称 and the notice are plain text."""
    book = filled / "data.xlsx"
    edit(book, {cell_of("评价工作", "工作安排"):
                "2019年4月召开办公室、财务科参加的部署会\n\n6月15日完成自评工作",
                cell_of("评价工作", "评价工作组"): "由局长任组长，各科室负责人为成员"})
    raw, _, notes, _ = read_xlsx(book)
    assert notes == []
    assert raw["评价工作"]["工作安排"] == ["2019年4月召开办公室、财务科参加的部署会", "6月15日完成自评工作"]
    assert raw["基本信息"]["简称"] == "州商务局"
    evaluation = load_department(filled).data.evaluation
    assert evaluation.team == "由局长任组长，各科室负责人为成员"
    assert evaluation.assessor == "州绩效办"


def test_notice_without_title_names_its_cell(filled: Path):
    book = filled / "data.xlsx"
    sheet, coord = cell_of("评价工作", "通知", "标题")
    edit(book, {(sheet, coord): None})
    with pytest.raises(InputError) as caught:
        load_department(filled)
    [finding] = caught.value.findings
    assert sheet == "评价工作"
    assert finding.file == f"{book}「评价工作」!{coord}"
    assert "评价工作.通知.标题" in finding.render()


def test_workbook_filled_before_the_evaluation_sheet_still_reads(filled: Path):
    """A 填报表 made before 「评价工作」 existed: its other sheets read as before, the
    missing sheet is a warning, and the report says the generic sentences."""
    book = filled / "data.xlsx"
    wb = load_workbook(book)
    del wb["评价工作"]
    wb.save(book)
    raw, _, notes, _ = read_xlsx(book)
    [note] = notes
    assert note.severity is Severity.WARNING and "缺少工作表「评价工作」" in note.message
    assert "评价工作" not in raw and "简称" not in raw["基本信息"]
    assert evaluate(filled).scorecard.total == seed.TOTAL


def test_findings_name_sheet_and_cell(tmp_path: Path):
    # The seed as filed: its 年末实有人数 total (188) is not the sum of its parts (216).
    as_filed = EXAMPLE.with_name("xiangxi-commerce-2018-as-filed")
    filled = tmp_path / "as-filed"
    shutil.copytree(as_filed / "narratives", filled / "narratives")
    book = write_workbook(filled / "data.xlsx", FRAMEWORK)
    assert fill_from_raw(book, read_yaml(as_filed / "data.yaml").data) == []
    findings = evaluate(filled).findings
    heads = next(f for f in findings if f.field == "人员.年末实有人数.合计")
    sheet, coord = cell_of("人员", "年末实有人数", "合计")
    assert heads.file == f"{filled / 'data.xlsx'}「{sheet}」!{coord}"
    assert heads.line is None
    total = next(f for f in findings if f.field == "自填数.总分")
    assert re.search(r"「自填数」!D\d+$", total.file)


def test_locator_places_fields_groups_and_the_file(filled: Path):
    path = filled / "data.xlsx"
    _, locator, notes, _ = read_xlsx(path)
    assert notes == []
    sheet, coord = cell_of("收支", "收入决算数", "财政拨款收入")
    assert locator.place(("收支", "收入决算数", "财政拨款收入")) == (f"{path}「{sheet}」!{coord}", None)
    _, first = cell_of("收支", "收入决算数", "合计")
    assert locator.place(("收支", "收入决算数")) == (f"{path}「收支」!{first}", None)
    assert locator.place(("收支", "收入决算数", "财政拨款收入", "x")) == \
        (f"{path}「收支」!{coord}", None)
    assert locator.place(()) == (str(path), None)
    assert locator.place(("清单评价", "资金使用合规性", 4))[0].startswith(f"{path}「清单评价」!D")
    # a record stands for its first cell that can be filled in (no 自填值 for a checklist)
    assert re.search(r"「自填数」!C\d+$", locator.place(("自填数", "指标", "预算完成率"))[0])
    assert re.search(r"「自填数」!D\d+$", locator.place(("自填数", "指标", "管理制度健全性"))[0])
    assert re.search(r"「评议」!D\d+$", locator.place(("评议", "行政效能"))[0])


def test_raw_values_are_text_like_yaml(filled: Path):
    raw, _, _, _ = read_xlsx(filled / "data.xlsx")
    assert raw["收支"]["收入决算数"] == {"合计": "6927.32", "财政拨款收入": "6914.61",
                                    "其他收入": "12.71"}
    assert raw["人员"]["编制数"]["行政编制"] == {"合计": "38", "政府机关人员": "35", "工勤人员": "3"}
    assert raw["基本信息"]["年度"] == "2018"
    assert raw["基本信息"]["报告日期"] == "2019-06-15"
    assert raw["基本信息"]["统一社会信用代码"] == "114331000066864290"
    assert raw["基本信息"]["内设机构"][12] == "法规科（行政审批服务科）"
    assert len(raw["基本信息"]["下属单位"]) == 5
    assert raw["清单评价"]["资金使用合规性"] == ["是"] * 5
    assert raw["评议"]["行政效能"]["等级"] == "好"
    assert "得分" not in raw["评议"]["行政效能"]
    assert raw["自填数"]["指标"]["在职人员控制率"] == {"值": "92.31%", "得分": "3"}
    assert raw["自填数"]["指标"]["“三公经费”变动率"]["值"] == "-5.76%"
    assert raw["自填数"]["总分"] == "94.47"
    assert "新建楼堂馆所" not in raw  # empty cells: not given, as "无" in the YAML
    assert "上年度" not in raw


# -- cell contents ----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "percent", "text"), [
    (6927.32, False, "6927.32"),
    (78, False, "78"),
    (78.0, False, "78"),
    (0.1 + 0.2, False, "0.3"),
    (6914.61 + 12.71, False, "6927.32"),
    (0.9231, True, "92.31%"),
    (-0.0576, True, "-5.76%"),
    (1.0, True, "100%"),
    (1e16, False, "10000000000000000"),
    (-0.0, False, "0"),
])
def test_number_text(value, percent, text):
    assert number_text(value, percent=percent) == text


def test_numbers_typed_as_text_are_read_right(filled: Path):
    book = filled / "data.xlsx"
    edit(book, {
        cell_of("收支", "收入决算数", "合计"): "6,927.32",
        cell_of("收支", "收入决算数", "财政拨款收入"): "６９１４．６１",
        cell_of("收支", "收入决算数", "其他收入"): "12.71万元",
        cell_of("人员", "编制数", "合计"): " 78 ",
    })
    raw, _, _, _ = read_xlsx(book)
    assert raw["收支"]["收入决算数"]["合计"] == "6,927.32"
    data = load_department(filled).data
    assert data.finance.income.total() == seed.FIGURES["收入决算数"]
    assert data.finance.income.part("财政拨款收入") == seed.FIGURES["财政拨款收入"]
    assert data.finance.income.part("其他收入") == seed.FIGURES["其他收入"]
    assert data.staffing.authorized.total() == seed.FIGURES["编制数"]
    assert evaluate(filled).scorecard.total == seed.TOTAL


def test_bad_number_names_the_sheet_and_cell(filled: Path):
    book = filled / "data.xlsx"
    sheet, coord = cell_of("收支", "收入决算数", "财政拨款收入")
    edit(book, {(sheet, coord): "六千九百"})
    with pytest.raises(InputError) as caught:
        load_department(filled)
    [finding] = caught.value.findings
    assert f"「收支」!{coord}" in finding.render()
    assert finding.file == f"{book}「收支」!{coord}"
    assert "不是数字" in finding.message
    assert not caught.value.unreadable


def test_all_problems_are_reported_in_one_pass(filled: Path):
    book = filled / "data.xlsx"
    income = cell_of("收支", "收入决算数", "合计")
    heads = cell_of("人员", "编制数", "合计")
    edit(book, {income: "abc", heads: "-3", cell_of("收支", "转入事业基金"): "=B3*2"})
    with pytest.raises(InputError) as caught:
        load_department(filled)
    text = "\n".join(f.render() for f in caught.value.findings)
    assert f"「收支」!{income[1]}" in text
    assert f"「人员」!{heads[1]}" in text
    assert "是公式但没有保存计算结果" in text
    assert len(caught.value.findings) == 3


def test_formula_without_cached_value_is_an_error(filled: Path):
    book = filled / "data.xlsx"
    sheet, coord = cell_of("收支", "收入决算数", "合计")
    edit(book, {(sheet, coord): "=B4+B5"})
    _, _, notes, _ = read_xlsx(book)
    [note] = notes
    assert note.severity is Severity.ERROR
    assert note.message == f"「收支」!{coord} 是公式但没有保存计算结果，请在 Excel/WPS 中打开并保存后再试"
    with pytest.raises(InputError) as caught:
        load_department(filled)
    assert any(f.message == note.message for f in caught.value.findings)


def test_formula_with_cached_value_uses_the_value(filled: Path, tmp_path: Path):
    book = filled / "data.xlsx"
    sheet, coord = cell_of("收支", "收入决算数", "合计")
    edit(book, {(sheet, coord): "=B4+B5"})
    # What Excel saves: the formula plus its (binary floating point) result.
    patched = tmp_path / "patched.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(patched, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(b"<f>B4+B5</f><v></v>",
                                    b"<f>B4+B5</f><v>6927.3200000000006</v>")
            dst.writestr(info, data)
    shutil.move(patched, book)
    raw, _, notes, _ = read_xlsx(book)
    assert notes == []
    assert raw["收支"]["收入决算数"]["合计"] == "6927.32"


def test_percent_and_date_cells(filled: Path):
    book = filled / "data.xlsx"
    wb = load_workbook(book)
    claims = wb[CLAIMS.name]
    row = next(r for r in range(2, claims.max_row + 1) if claims.cell(r, 1).value == "预算控制率")
    assert claims.cell(row, 3).number_format == "0.00%"
    claims.cell(row, 3).value = 3.4883  # typed "348.83%" in Excel
    wb.save(book)
    raw, _, _, _ = read_xlsx(book)
    assert raw["自填数"]["指标"]["预算控制率"]["值"] == "348.83%"
    assert load_department(filled).data.claims.indicators["预算控制率"].value == Decimal("348.83")
    assert load_department(filled).data.basic.report_date.isoformat() == "2019-06-15"


def test_yes_no_and_lists_typed_by_hand(filled: Path):
    book = filled / "data.xlsx"
    wb = load_workbook(book)
    ws = wb[CHECKLISTS.name]
    rows = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 4).value is not None]
    ws.cell(rows[0], 4).value = "否"
    ws.cell(rows[1], 4).value = True
    wb["基本信息"][cell_of("基本信息", "下属单位")[1]] = "甲中心、乙支队；丙办公室"
    wb.save(book)
    data = load_department(filled).data
    assert data.checklists["绩效目标合理性"] == [False, True, True]
    assert data.basic.subordinate_units == ["甲中心", "乙支队", "丙办公室"]
    assert evaluate(filled).scorecard.by_name("绩效目标合理性").score == Decimal(2)


def test_unanswered_checklist_item_names_the_cell(filled: Path):
    book = filled / "data.xlsx"
    wb = load_workbook(book)
    ws = wb[CHECKLISTS.name]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "管理制度健全性")
    ws.cell(row + 2, 4).value = None
    wb.save(book)
    with pytest.raises(InputError) as caught:
        load_department(filled)
    [finding] = caught.value.findings
    assert f"「清单评价」!D{row + 2}" in finding.message
    assert "管理制度健全性" in finding.message


def test_function_classes_in_free_rows(filled: Path):
    book = filled / "data.xlsx"
    wb = load_workbook(book)
    ws = wb["收支"]
    spot = next(s for s in placed(next(f for f in FORMS if f.name == "收支")) if isinstance(s.entry, FreeRows))
    ws.cell(spot.row, 1).value = "商业服务业等支出"
    ws[f"B{spot.row}"] = 5800.12
    ws.cell(spot.row + 1, 1).value = "社会保障和就业支出"
    ws[f"B{spot.row + 1}"] = 633
    ws[f"B{spot.row + 2}"] = 1  # an amount without a name
    wb.save(book)
    raw, locator, notes, _ = read_xlsx(book)
    assert raw["收支"]["支出决算数"]["按功能分类"] == {"商业服务业等支出": "5800.12",
                                              "社会保障和就业支出": "633"}
    assert locator.place(("收支", "支出决算数", "按功能分类", "社会保障和就业支出"))[0] \
        .endswith(f"「收支」!B{spot.row + 1}")
    [note] = notes
    assert f"「收支」!B{spot.row + 2}" in note.message and note.severity is Severity.ERROR


def test_changed_structure_is_reported(filled: Path):
    book = filled / "data.xlsx"
    wb = load_workbook(book)
    wb["收支"].delete_rows(4)
    wb.save(book)
    _, _, notes, _ = read_xlsx(book)
    [note] = notes
    assert note.severity is Severity.ERROR
    assert "「收支」!A4 应为“财政拨款收入”" in note.message


def test_unknown_and_missing_sheets_are_warnings(filled: Path):
    book = filled / "data.xlsx"
    wb = load_workbook(book)
    wb.create_sheet("草稿")
    del wb[CLAIMS.name]
    wb.save(book)
    raw, _, notes, _ = read_xlsx(book)
    assert {n.severity for n in notes} == {Severity.WARNING}
    messages = " ".join(n.message for n in notes)
    assert "「草稿」" in messages and "「自填数」" in messages
    assert "自填数" not in raw
    assert evaluate(filled).scorecard.total == seed.TOTAL


# -- unusable input -----------------------------------------------------------------------------


def test_folder_with_both_data_files_is_an_error(filled: Path):
    shutil.copy(EXAMPLE / "data.yaml", filled / "data.yaml")
    with pytest.raises(InputError) as caught:
        evaluate(filled)
    assert caught.value.unreadable
    assert "同时有 data.yaml 和 data.xlsx" in caught.value.findings[0].message


@pytest.mark.parametrize("content", [
    "truncated", b"not a workbook at all\n", b"",
])
def test_corrupt_workbook_is_unreadable(filled: Path, content):
    book = filled / "data.xlsx"
    data = book.read_bytes()[:2000] if content == "truncated" else content
    book.write_bytes(data)
    with pytest.raises(InputError) as caught:
        evaluate(filled)
    assert caught.value.unreadable
    [finding] = caught.value.findings
    assert finding.file == str(book)
    assert "无法读取 Excel 文件" in finding.message
    assert str(book) in finding.render()


def test_workbook_without_form_sheets_is_unreadable(filled: Path):
    book = filled / "data.xlsx"
    wb = Workbook()
    wb.active["A1"] = "收入"
    wb.save(book)
    with pytest.raises(InputError) as caught:
        load_department(filled)
    assert caught.value.unreadable
    [finding] = caught.value.findings
    assert finding.file == str(book) and "没有填报表的工作表" in finding.message


# -- the blank workbook -------------------------------------------------------------------------


def test_blank_workbook_layout(tmp_path: Path):
    book = write_workbook(tmp_path / "data.xlsx", FRAMEWORK)
    wb = load_workbook(book)
    assert wb.sheetnames == ["填表说明", "基本信息", "评价工作", "人员", "收支", "预算与三公", "考核与调查",
                             "清单评价", "评议", "自填数"]
    for sheet in FORMS:
        ws = wb[sheet.name]
        assert ws.protection.sheet
        assert ws.freeze_panes == "A2"
        assert [c.value for c in ws[1]][:4] == ["项目", "数值", "单位", "说明"]
        for spot in placed(sheet):
            if isinstance(spot.entry, Field):
                label, cell = ws.cell(spot.row, 1), ws[f"B{spot.row}"]
                assert label.value == spot.entry.label and label.protection.locked
                assert not cell.protection.locked
                assert cell.comment is not None and cell.comment.text == spot.entry.note
                assert ws.cell(spot.row, 3).value == spot.entry.unit
    assert wb["基本信息"][cell_of("评价框架")[1]].value == "湘西州本级2018"
    assert wb.active.title == "填表说明"
    assert [ws.title for ws in wb if ws.sheet_view.tabSelected] == ["填表说明"]
    # nothing but the framework is filled in
    raw, _, notes, _ = read_xlsx(book)
    assert raw == {"评价框架": "湘西州本级2018"} and notes == []


def test_blank_workbook_validations(tmp_path: Path):
    wb = load_workbook(write_workbook(tmp_path / "data.xlsx", FRAMEWORK))

    def rule_for(sheet: str, coord: str):
        found = [dv for dv in wb[sheet].data_validations.dataValidation if coord in dv.sqref]
        assert len(found) == 1, (sheet, coord)
        return found[0]

    amount = rule_for(*cell_of("收支", "收入决算数", "合计"))
    assert (amount.type, amount.operator, amount.formula1) == ("decimal", "greaterThanOrEqual", "0")
    count = rule_for(*cell_of("人员", "编制数", "合计"))
    assert (count.type, count.operator, count.formula1) == ("whole", "greaterThanOrEqual", "0")
    year = rule_for(*cell_of("基本信息", "年度"))
    assert (year.type, year.formula1, year.formula2) == ("whole", "1990", "2100")
    checklist = rule_for(CHECKLISTS.name, "D2")
    assert (checklist.type, checklist.formula1) == ("list", '"是,否"')
    ws = wb[JUDGEMENTS.name]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "行政效能")
    level = rule_for(JUDGEMENTS.name, f"D{row}")
    assert (level.type, level.formula1) == ("list", '"好,一般,无"')
    assert ws.cell(row, 3).protection.locked and not ws.cell(row, 4).protection.locked
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "经济效益")
    score = rule_for(JUDGEMENTS.name, f"C{row}")
    assert (score.type, score.formula1, score.formula2) == ("decimal", "0", "3")


def test_blank_workbook_lists_the_framework_indicators(tmp_path: Path):
    wb = load_workbook(write_workbook(tmp_path / "data.xlsx", FRAMEWORK))
    ws = wb[CHECKLISTS.name]
    answers = [ws.cell(r, 4) for r in range(2, ws.max_row + 1)]
    assert len(answers) == 3 + 4 + 4 + 5 + 5
    assert all(not c.protection.locked for c in answers)
    assert ws.cell(2, 1).value == "绩效目标合理性"
    assert ws.cell(2, 3).value == "符合国家法律法规、国民经济和社会发展总体规划"
    judged = [wb[JUDGEMENTS.name].cell(r, 1).value for r in range(2, wb[JUDGEMENTS.name].max_row + 1)]
    assert judged == ["经济效益", "社会效益", "行政效能"]
    claims = wb[CLAIMS.name]
    names = [claims.cell(r, 1).value for r in range(2, claims.max_row + 1)]
    assert len(names) == 19 + 1 and names[-1] == "总分"


def test_other_framework_changes_the_record_tables(tmp_path: Path):
    book = write_workbook(tmp_path / "data.xlsx", "changsha-county")
    wb = load_workbook(book)
    ws = wb[CHECKLISTS.name]
    assert "绩效目标合理性" not in {ws.cell(r, 1).value for r in range(2, ws.max_row + 1)}
    assert wb["基本信息"][cell_of("评价框架")[1]].value == "长沙县级"


def test_unknown_framework_is_refused(tmp_path: Path):
    with pytest.raises(InputError):
        write_workbook(tmp_path / "data.xlsx", "没有这个框架")
    assert not (tmp_path / "data.xlsx").exists()


def test_output_is_deterministic(tmp_path: Path, example_raw: dict):
    first = write_workbook(tmp_path / "a.xlsx", FRAMEWORK)
    second = write_workbook(tmp_path / "b.xlsx", FRAMEWORK)
    assert first.read_bytes() == second.read_bytes()
    fill_from_raw(first, example_raw)
    fill_from_raw(second, example_raw)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        core = archive.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core


def test_fill_reports_what_has_no_cell(tmp_path: Path):
    book = write_workbook(tmp_path / "data.xlsx", FRAMEWORK)
    raw = {"基本信息": {"单位名称": "某局", "传真": "123"}, "清单评价": {"不存在的指标": ["是"]},
           "新建楼堂馆所": "无", "三公经费": {"上年预算": "76.40"}}
    assert fill_from_raw(book, raw) == ["基本信息.传真", "清单评价.不存在的指标"]
    raw_back, _, _, _ = read_xlsx(book)
    assert raw_back["三公经费"] == {"上年预算": {"合计": "76.4"}}
