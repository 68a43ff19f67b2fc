"""batch never loses a department silently; 汇总表 reads right for a bureau."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

import seed
from conftest import EXAMPLE, ROOT, example_raw, write_department
from reportgen.cli import main
from reportgen.inputs.root_folder import survey

TRANSPORT = ROOT / "examples" / "county-transport-2023"
EMERGENCY = ROOT / "examples" / "state-emergency-2019"


def rows_of(summary: Path) -> dict[str, dict]:
    sheet = load_workbook(summary)["汇总"]
    header = [c.value for c in sheet[1]]
    return {r[0]: dict(zip(header, r, strict=True))
            for r in sheet.iter_rows(min_row=2, values_only=True)}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """Two departments, and four sub-folders that are not departments for different reasons."""
    root = tmp_path / "全州"
    shutil.copytree(TRANSPORT, root / "交通局")
    shutil.copytree(EMERGENCY / "narratives", root / "应急局" / "narratives")
    shutil.copy(EMERGENCY / "data.xlsx", root / "应急局" / "data (1).xlsx")
    (root / "空文件夹").mkdir()
    (root / "旧格式").mkdir()
    (root / "旧格式" / "data.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (root / "材料").mkdir()
    (root / "材料" / "说明.docx").write_bytes(b"x")
    shutil.copytree(EXAMPLE, root / "州直" / "商务局")  # a folder grouping departments
    (root / "州直" / "空").mkdir()
    return root


def test_survey_lists_every_folder(root: Path):
    found = survey(root)
    assert [p.relative_to(root).as_posix() for p in found.departments] == ["交通局", "州直/商务局"]
    reasons = {s.folder.relative_to(root).as_posix(): s.reason for s in found.skipped}
    assert reasons == {
        "应急局": "找到“data (1).xlsx”，应命名为 data.xlsx，放在 应急局 文件夹中",
        "旧格式": "找到“data.xls”，不是 .xlsx 格式；请在 Excel/WPS 中另存为“Excel 工作簿(.xlsx)”，"
                 "命名为 data.xlsx，放在 旧格式 文件夹中",
        "材料": "没有 data.yaml 或 data.xlsx（文件夹中有：说明.docx）",
        "空文件夹": "文件夹是空的，没有 data.yaml 或 data.xlsx",
        "州直/空": "文件夹是空的，没有 data.yaml 或 data.xlsx",
    }


def test_skipped_folders_are_in_the_summary_and_the_table(root: Path, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["batch", str(root), "-o", str(out)]) == 1  # skipped folders are problems
    said = capsys.readouterr().out
    assert "共 7 个文件夹：成功 2 个" in said and "跳过 5 个" in said
    assert "[跳过] 应急局：找到“data (1).xlsx”，应命名为 data.xlsx" in said
    assert "[跳过] 空文件夹：文件夹是空的" in said
    # Each problem names the folder to check.
    assert f"[有问题] 州直/商务局：3 个错误，0 个警告；查看：reportgen check {root / '州直' / '商务局'}" \
        in said
    rows = rows_of(out / "汇总表.xlsx")
    assert set(rows) == {"交通局", "州直/商务局", "应急局", "旧格式", "材料", "空文件夹", "州直/空"}
    assert rows["应急局"]["状态"] == "跳过"
    assert rows["应急局"]["原因或变化"].startswith("找到“data (1).xlsx”")
    assert rows["空文件夹"]["总分"] is None and rows["空文件夹"]["在职人员控制率\n值（%）"] is None


def test_exit_status_reflects_failures_and_check_errors(tmp_path, capsys):
    clean = tmp_path / "clean"
    shutil.copytree(TRANSPORT, clean / "交通局")
    assert main(["batch", str(clean), "-o", str(tmp_path / "o1")]) == 0
    shutil.copytree(EXAMPLE, clean / "商务局")  # builds, but its claimed figures are errors
    assert main(["batch", str(clean), "-o", str(tmp_path / "o2")]) == 1
    broken = tmp_path / "broken"
    shutil.copytree(TRANSPORT, broken / "交通局")
    (broken / "坏").mkdir()
    (broken / "坏" / "data.yaml").write_text("评价框架: [", encoding="utf-8")
    capsys.readouterr()
    assert main(["batch", str(broken), "-o", str(tmp_path / "o3")]) == 1
    said = capsys.readouterr().out
    assert "[失败] 坏：" in said and f"查看：reportgen check {broken / '坏'}" in said


def test_an_empty_root_is_unreadable(tmp_path, capsys):
    (tmp_path / "root").mkdir()
    assert main(["batch", str(tmp_path / "root"), "-o", str(tmp_path / "out")]) == 2
    assert "没有找到部门文件夹" in capsys.readouterr().err


def test_outputs_named_after_unit_and_year(tmp_path, capsys):
    root = tmp_path / "root"
    shutil.copytree(EXAMPLE, root / "a")
    shutil.copytree(TRANSPORT, root / "b")
    out = tmp_path / "out"
    main(["batch", str(root), "-o", str(out), "--按单位命名"])
    names = sorted(p.name for p in out.glob("*.docx"))
    assert names == ["湘西土家族苗族自治州商务局2018年度部门整体支出绩效评价报告.docx",
                     "示例县交通运输局2023年度部门整体支出绩效评价报告.docx"]
    rows = rows_of(out / "汇总表.xlsx")
    assert rows["b"]["输出文件"] == "示例县交通运输局2023年度部门整体支出绩效评价报告.docx"


def test_two_departments_with_one_name_fail_instead_of_overwriting(tmp_path, capsys):
    root = tmp_path / "root"
    shutil.copytree(TRANSPORT, root / "a")
    shutil.copytree(TRANSPORT, root / "b")
    out = tmp_path / "out"
    assert main(["batch", str(root), "-o", str(out), "--name-by-unit"]) == 1
    rows = rows_of(out / "汇总表.xlsx")
    assert rows["a"]["状态"] == rows["b"]["状态"] == "失败"
    assert "a、b 的单位名称和年度相同" in rows["a"]["原因或变化"]


def test_a_unit_name_unsafe_for_a_file_name(tmp_path):
    raw = example_raw()
    raw["基本信息"]["单位名称"] = "商务局/外事办:*"
    root = tmp_path / "root"
    write_department(root / "a", raw)
    main(["batch", str(root), "-o", str(tmp_path / "out"), "--按单位命名"])
    assert [p.name for p in (tmp_path / "out").glob("*.docx")] == \
        ["商务局_外事办__2018年度部门整体支出绩效评价报告.docx"]


def test_summary_columns_for_a_bureau(tmp_path, capsys):
    root = tmp_path / "root"
    shutil.copytree(EXAMPLE, root / "商务局")
    shutil.copytree(TRANSPORT, root / "交通局")
    shutil.copytree(EMERGENCY, root / "应急局")
    (root / "坏").mkdir()
    (root / "坏" / "data.yaml").write_text("评价框架: [", encoding="utf-8")
    out = tmp_path / "out"
    main(["batch", str(root), "-o", str(out)])
    rows = rows_of(out / "汇总表.xlsx")
    commerce, transport, emergency, broken = (rows[n] for n in ("商务局", "交通局", "应急局", "坏"))
    assert commerce["评价框架"] == "湘西州州本级部门整体支出绩效评价指标（2018）"
    assert transport["评价框架"] == "县级部门整体支出绩效评价指标（长沙）"
    # A score-valued indicator is headed with 分, a rate with %.
    assert commerce["重点工作实际完成率\n值（分）"] == pytest.approx(float(seed.value("重点工作实际完成率")))
    assert commerce["预算完成率\n值（%）"] == pytest.approx(float(seed.value("预算完成率")))
    assert not any("重点工作实际完成率\n值（%）" in k for k in commerce)
    # Checklists, judgements and levels show their result.
    assert emergency["资金使用合规性\n结果"] == "4/5项符合"
    assert commerce["行政效能\n结果"] == "好" and transport["行政效能\n结果"] == "一般"
    # 评议 (经济效益, 社会效益): the evaluators' score is the result — one column, not a
    # 结果 repeating it beside 得分.
    assert commerce["经济效益\n得分"] == 3 and transport["社会效益\n得分"] == 3
    assert not any(k.startswith(("经济效益\n", "社会效益\n")) and not k.endswith("得分")
                   for k in commerce)
    # No value or result column repeats its indicator's score.
    for row in (commerce, transport, emergency):
        for key, value in row.items():
            if key.endswith(("\n结果", "）")):
                assert not (isinstance(value, str) and "分" in value), (key, value)
    # Not in this framework is not missing; not computable and not applicable say so.
    assert transport["绩效目标合理性\n结果"] == "本框架无此指标"
    assert transport["绩效目标合理性\n得分"] == "本框架无此指标"
    assert emergency["“三公经费”变动率\n值（%）"] == "无法计算"
    assert emergency["“三公经费”变动率\n得分"] == 0
    assert commerce["新建楼堂馆所面积控制率\n值（%）"] == "不适用"
    assert broken["状态"] == "失败" and broken["预算完成率\n值（%）"] is None
    assert broken["绩效目标合理性\n结果"] is None
    assert "YAML 格式错误" in broken["原因或变化"]
    notes = load_workbook(out / "汇总表.xlsx")["说明"]
    meaning = dict(notes.iter_rows(values_only=True))
    assert "本框架无此指标" in meaning and "缺少数据" in meaning
    assert "评议类指标（如经济效益、社会效益）由评价人员直接打分，只列得分" in meaning["指标的“值”列"]


def test_summary_reads_like_a_bureau_table(tmp_path, capsys):
    """The columns a 绩效科 reads first come first; indicators follow each framework's
    order; widths fit what the cells hold; scores 0.00, counts whole; printable."""
    root = tmp_path / "root"
    shutil.copytree(TRANSPORT, root / "交通局")  # its framework has no 绩效目标合理性
    shutil.copytree(EXAMPLE, root / "商务局")
    out = tmp_path / "out"
    main(["batch", str(root), "-o", str(out)])
    sheet = load_workbook(out / "汇总表.xlsx")["汇总"]
    header = [c.value for c in sheet[1]]
    assert header[:7] == ["部门文件夹", "单位名称", "年度", "评价框架", "总分", "等级", "状态"]
    assert header[-4:] == ["检查错误数", "检查警告数", "输出文件", "原因或变化"]
    # 投入 indicators of the second framework come before those both share, as there.
    names = list(dict.fromkeys(h.split("\n")[0] for h in header[7:-4]))
    assert names[:3] == ["绩效目标合理性", "绩效指标明确性", "在职人员控制率"]
    assert names.index("重点工作实际完成率") < names.index("经济效益") < names.index("行政效能")
    commerce = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "商务局")
    cell = {h: c for h, c in zip(header, commerce, strict=True)}
    assert cell["单位名称"].value == "湘西土家族苗族自治州商务局"
    assert cell["总分"].number_format == "0.00" and cell["总分"].value == pytest.approx(90.47)
    assert cell["经济效益\n得分"].number_format == "0.00"
    assert cell["检查错误数"].number_format == "0" and cell["检查错误数"].value == 3
    # 13 CJK characters take 26 width units: the column shows the whole name.
    width = {h: sheet.column_dimensions[c.column_letter].width for h, c in cell.items()}
    assert width["单位名称"] >= 26 and width["输出文件"] >= len("商务局.docx")
    assert all(width[h] >= 12 for h in header[7:-4])
    assert sheet.freeze_panes == "C2"
    assert (sheet.print_title_rows, sheet.print_title_cols) == ("$1:$1", "$A:$B")
    assert sheet.page_setup.orientation == "landscape"


def test_a_pdf_that_cannot_be_made_keeps_the_docx_and_its_figures(tmp_path, monkeypatch, capsys):
    import reportgen.render.pdf as pdf

    def no_libreoffice(paths, *args, **kwargs):
        return {p: "未找到 LibreOffice" for p in paths}

    monkeypatch.setattr(pdf, "convert_many", no_libreoffice)
    root = tmp_path / "root"
    shutil.copytree(TRANSPORT, root / "交通局")
    out = tmp_path / "out"
    assert main(["batch", str(root), "-o", str(out), "--pdf"]) == 1
    assert (out / "交通局.docx").is_file() and not (out / "交通局.pdf").exists()
    row = rows_of(out / "汇总表.xlsx")["交通局"]
    assert row["状态"] == "失败"
    assert row["原因或变化"] == ("Word 报告已生成（交通局.docx），PDF 未能生成：未找到 LibreOffice；"
                              "可在 Word 或 WPS 中打开后另存为 PDF")
    assert row["总分"] == pytest.approx(77.65) and row["预算完成率\n值（%）"] == pytest.approx(93.39)


def test_chunks_built_as_separate_tasks_sum_up_as_one_batch(root: Path, tmp_path):
    """docs/distributed.md: each task builds a chunk with build_chunk, the client sorts
    the outcomes and writes 汇总表 — the same rows as a batch on one machine."""
    from reportgen.batch import build_chunk, find_departments, run_batch
    from reportgen.summary import write_summary

    folders = find_departments(root)
    tasks = [build_chunk(root, [folder], tmp_path / "tasks") for folder in reversed(folders)]
    order = {f.relative_to(root).as_posix(): i for i, f in enumerate(folders)}
    outcomes = sorted((o for part in tasks for o in part), key=lambda o: order[o.folder])
    write_summary(tmp_path / "tasks" / "汇总表.xlsx", outcomes)
    batch = [o for o in run_batch(root, tmp_path / "batch", jobs=2) if o.folder in order]
    write_summary(tmp_path / "batch" / "汇总表.xlsx", batch)
    assert [o.ok for o in outcomes] == [True, True]
    assert rows_of(tmp_path / "tasks" / "汇总表.xlsx") == rows_of(tmp_path / "batch" / "汇总表.xlsx")
    for o in outcomes:
        assert (tmp_path / "tasks" / o.output).read_bytes() == \
            (tmp_path / "batch" / o.output).read_bytes()


def test_a_judged_indicator_without_its_score_says_so_in_its_one_column(tmp_path):
    """评议 has one column, 得分: when the department gave no score there, the cell says
    缺少数据 (explained on 说明) rather than a bare 0.00 that reads as judged."""
    import io

    from reportgen.batch import SUCCEEDED, Outcome, indicator_cells
    from reportgen.pipeline import evaluate
    from reportgen.summary import summary_workbook

    raw = example_raw()
    del raw["评议"]["经济效益"]
    ev = evaluate(write_department(tmp_path / "d", raw))
    outcome = Outcome("d", SUCCEEDED, name="商务局", indicators=indicator_cells(ev))
    sheet = load_workbook(io.BytesIO(summary_workbook([outcome])))["汇总"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, next(sheet.iter_rows(min_row=2, values_only=True)), strict=True))
    assert row["经济效益\n得分"] == "缺少数据" and row["社会效益\n得分"] == 3
    assert "经济效益\n结果" not in header


def test_indicator_columns_keep_each_frameworks_order():
    """Two frameworks: the second's own indicators go after the one each follows there;
    an indicator judged (评议) in one and checked in the other keeps a 结果 column."""
    from reportgen.batch import IndicatorRow, Outcome
    from reportgen.summary import indicator_columns

    first = IndicatorRow((("B", "%", "区间"), ("C", "", "评议"), ("D", "", "评议")), (None,) * 9)
    second = IndicatorRow((("A", "", "清单"), ("B", "%", "区间"), ("E", "%", "线性"),
                           ("D", "", "清单")), (None,) * 12)
    columns = indicator_columns([Outcome("x", indicators=first), Outcome("y", indicators=second)])
    assert [(c.name, c.heads) for c in columns] == [
        ("A", ["A\n结果", "A\n得分"]), ("B", ["B\n值（%）", "B\n得分"]),
        ("E", ["E\n值（%）", "E\n得分"]), ("C", ["C\n得分"]), ("D", ["D\n结果", "D\n得分"])]
