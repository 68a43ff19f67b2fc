"""The clerk's and the bureau's workflow: init, batch with 汇总表, rebuild changes, diff."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from openpyxl import load_workbook

import seed
from conftest import EXAMPLE, ROOT, example_raw, write_department
from reportgen.cli import main
from reportgen.pipeline import evaluate

TRANSPORT = ROOT / "examples" / "county-transport-2023"
EMERGENCY = ROOT / "examples" / "state-emergency-2019"


def test_init_creates_a_folder_ready_to_fill(tmp_path, capsys):
    folder = tmp_path / "新部门"
    assert main(["init", str(folder), "--framework", "长沙县级"]) == 0
    assert (folder / "data.xlsx").is_file() and (folder / "填报说明.md").is_file()
    prompt = (folder / "narratives" / "需要说明事项.md").read_text(encoding="utf-8")
    assert prompt.startswith("<!--") and "## 指标名称" in prompt
    workbook = load_workbook(folder / "data.xlsx")
    assert workbook["基本信息"].protection.sheet
    # Nothing filled in yet: check names the first required cells, no traceback.
    capsys.readouterr()
    assert main(["check", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "data.xlsx「基本信息」!" in err and "缺少必填字段“单位名称”" in err
    assert main(["init", str(folder)]) == 2  # never overwrites a filled-in folder


def test_prompts_are_not_report_text(tmp_path):
    folder = write_department(tmp_path / "d", example_raw())
    (folder / "narratives" / "建议和请求.md").write_text("<!--\n写建议\n-->\n", encoding="utf-8")
    out = tmp_path / "r.docx"
    assert main(["build", str(folder), "-o", str(out)]) == 0
    from docx import Document

    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "写建议" not in text and "【待补充：建议和请求】" in text


def test_rebuild_says_what_changed(tmp_path, capsys):
    raw = example_raw()
    folder = write_department(tmp_path / "d", raw)
    out = tmp_path / "out" / "report.docx"
    assert main(["build", str(folder), "-o", str(out)]) == 0
    assert "首次生成" in capsys.readouterr().out
    assert main(["build", str(folder), "-o", str(out)]) == 0
    assert "输入与上次生成时相同" in capsys.readouterr().out
    raw["收支"]["年末结转和结余"] = {"合计": "0", "基本支出结转": "0", "项目支出结转和结余": "0"}
    write_department(folder, raw)
    # The books no longer balance: the rebuilt report is a draft (exit 1), and says what changed.
    assert main(["build", str(folder), "-o", str(out)]) == 1
    said = capsys.readouterr().out
    assert "预算完成率 87.75% → 100.00%，得分 1.00 → 5.00，总分 90.47 → 94.47" in said
    manifest = out.with_name("report.docx.manifest.json").read_text(encoding="utf-8")
    assert '"总分": "94.47"' in manifest


def test_diff_between_folders_and_manifests(tmp_path, capsys):
    raw = example_raw()
    raw["三公经费"]["上年预算"] = "60"
    other = write_department(tmp_path / "d", raw)
    assert main(["diff", str(EXAMPLE), str(other)]) == 0
    out = capsys.readouterr().out
    assert "“三公经费”变动率 -5.76% → 20.00%，得分 4.00 → 0.00" in out
    assert "总分 90.47 → 86.47" in out


def test_batch_builds_all_and_survives_a_broken_department(tmp_path, capsys):
    root = tmp_path / "全州"
    shutil.copytree(EXAMPLE, root / "商务局")
    shutil.copytree(TRANSPORT, root / "交通局")
    shutil.copytree(EMERGENCY, root / "应急局")
    (root / "坏部门").mkdir()
    (root / "坏部门" / "data.yaml").write_text("评价框架: [", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["batch", str(root), "-o", str(out), "-j", "2"]) == 1   # one failed
    said = capsys.readouterr().out
    assert "共 4 个文件夹：成功 3 个（其中草稿 0 个" in said and "失败 1 个" in said
    assert "[失败] 坏部门" in said and "YAML 格式错误" in said
    for name in ("商务局", "交通局", "应急局"):
        assert (out / f"{name}.docx").is_file()
        assert (out / f"{name}.docx.manifest.json").is_file()
    sheet = load_workbook(out / "汇总表.xlsx")["汇总"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"商务局", "交通局", "应急局", "坏部门"}
    assert rows["商务局"]["总分"] == pytest.approx(float(seed.TOTAL))
    assert rows["商务局"]["预算控制率\n值（%）"] == pytest.approx(float(seed.value("预算控制率")))
    assert rows["商务局"]["等级"] == seed.GRADE
    assert rows["商务局"]["检查错误数"] == 3  # the claims (自填数) that differ
    assert rows["坏部门"]["状态"] == "失败"
    assert sheet.freeze_panes == "C2" and sheet.auto_filter.ref
    assert sheet.cell(2, header.index("总分") + 1).number_format == "0.00"


def test_transport_example_loses_points_where_intended():
    card = evaluate(TRANSPORT).scorecard
    assert card.framework.ident == "长沙县级"
    building = card.by_name("新建楼堂馆所面积控制率")
    assert (building.value, building.score) == (Decimal("109.74"), 3)
    growth = card.by_name("“三公经费”变动率")
    assert (growth.value, growth.score) == (Decimal("15.00"), 0)
    satisfaction = card.by_name("社会公众或服务对象满意度")
    assert (satisfaction.value, satisfaction.score) == (Decimal("86.17"), 4)
    assert card.total == Decimal("77.65") and card.grade == "中"


def test_emergency_example_is_xlsx_with_a_zero_denominator():
    assert (EMERGENCY / "data.xlsx").is_file() and not (EMERGENCY / "data.yaml").exists()
    ev = evaluate(EMERGENCY)
    card = ev.scorecard
    growth = card.by_name("“三公经费”变动率")
    assert growth.status.value == "not_computable" and growth.score == 0
    assert growth.analysis == ("本部门2018年度“三公经费”预算为零，变动率无法按公式计算，"
                               "按评分标准扣4.00分，不得分。")
    assert card.by_name("资金使用合规性").score == 5
    assert card.total == Decimal("89.30") and card.grade == "良"
    # 需要说明事项.md explains the zero: no warning is left to clear.
    assert not [f for f in ev.findings if "无法计算" in f.message]
