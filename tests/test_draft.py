"""Draft mode (草稿): a report whose printed figures contradict each other says so on every
page and beside each affected figure; the CLI and the batch say so too."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
from docx import Document
from docx.oxml.ns import qn

from conftest import EXAMPLE, ROOT, example_raw, plain, write_department
from reportgen.build import render_docx
from reportgen.cli import main
from reportgen.pipeline import evaluate
from reportgen.text import UNIT_GAP

AS_FILED = ROOT / "examples" / "xiangxi-commerce-2018-as-filed"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def text_of(path: Path) -> str:
    doc = Document(str(path))
    return plain("\n".join(p.text for p in doc.paragraphs))


def header_texts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        names = sorted(n for n in z.namelist() if n.startswith("word/header"))
        return ["".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", z.read(n).decode()))
                for n in names]


def test_seed_example_is_final_though_its_claims_differ(tmp_path, capsys):
    out = tmp_path / "r.docx"
    assert main(["build", str(EXAMPLE), "-o", str(out)]) == 0
    said = capsys.readouterr()
    assert "草稿" not in said.out + said.err
    assert "【待核实" not in text_of(out)
    assert set(header_texts(out)) == {""}
    assert "年末实有人数216人" in text_of(out)
    # The claims (自填数) still differ from the computed values: check reports them.
    assert main(["check", str(EXAMPLE)]) == 1
    assert "自填总分为94.47分" in capsys.readouterr().out


def test_as_filed_example_is_a_draft_marked_in_place(tmp_path, capsys):
    out = tmp_path / "r.docx"
    assert main(["build", str(AS_FILED), "-o", str(out)]) == 1
    said = capsys.readouterr()
    assert said.out.startswith(f"已生成 草稿 {out}")
    assert "[草稿] 有 2 个错误涉及报告中的数字" in said.err
    assert "年末实有人数188人【待核实：各项之和为216人】，其中：在职人员72人" in text_of(out)
    # The seed's 17-character 统一社会信用代码, kept as filed (GB 32100 wants 18).
    assert "统一社会信用代码为11433100006686429【待核实：应为18位，现为17位；如缺末位校验码，应为114331000066864290】，" in text_of(out)
    assert set(header_texts(out)) == {"草稿　尚有2处错误待核实，核实前不得作为正式报告报送"}
    # the mark is a run of its own in the highlighting character style, defined once
    doc = Document(str(out))
    marks, unmarked = [], []
    for paragraph in doc.paragraphs:
        run_of_marks = ""
        for run in [*paragraph.runs, None]:
            if run is not None and run._r.xpath("w:rPr/w:rStyle[@w:val='DraftMark']"):
                run_of_marks += run.text
                continue
            if run_of_marks:
                marks.append(run_of_marks.replace(UNIT_GAP, ""))
            run_of_marks = ""
            unmarked.append("" if run is None else run.text)
    assert marks == ["【待核实：应为18位，现为17位；如缺末位校验码，应为114331000066864290】", "【待核实：各项之和为216人】"]
    assert not any("【" in text for text in unmarked)
    style = doc.styles.element.xpath("w:style[@w:styleId='DraftMark']")[0]
    assert style.get(qn("w:type")) == "character"
    assert style.xpath("string(w:rPr/w:shd/@w:fill)") == "FFFF00"
    assert doc.core_properties.title.endswith("年度部门整体支出绩效评价报告（草稿）")


def test_a_final_report_has_no_mark_style_in_use_and_no_draft_title(tmp_path):
    out = tmp_path / "r.docx"
    assert main(["build", str(EXAMPLE), "-o", str(out)]) == 0
    doc = Document(str(out))
    assert not doc.element.body.xpath(".//w:rStyle[@w:val='DraftMark']")
    assert "草稿" not in doc.core_properties.title


def test_header_reaches_every_page(tmp_path):
    out = tmp_path / "r.docx"
    main(["build", str(AS_FILED), "-o", str(out)])
    body = Document(str(out)).element.body
    sections = body.findall(f".//{W}sectPr")
    first = sections[0].findall(f"{W}headerReference")
    # The first section names its headers; the later ones inherit them (none overrides).
    assert {r.get(qn("w:type")) for r in first} >= {"default"}
    for later in sections[1:]:
        assert later.findall(f"{W}headerReference") == []


def test_unbalanced_accounts_are_marked_where_printed(tmp_path):
    raw = example_raw()
    raw["收支"]["收入决算数"]["合计"] = "7027.32"
    raw["收支"]["收入决算数"]["财政拨款收入"] = "7014.61"
    ev = evaluate(write_department(tmp_path / "d", raw))
    out = tmp_path / "r.docx"
    out.write_bytes(render_docx(ev)[0])
    text = text_of(out)
    assert ("年末结转和结余898.35万元，其中：基本支出结转107.58万元，项目支出结转和结余790.77万元"
            "【待核实：年初结转和结余与收入之和为7434.62万元，支出、转入事业基金与年末结转和结余之和为"
            "7334.62万元，相差100.00万元】。") in text


def test_missing_data_marks_the_indicator_and_the_total(tmp_path):
    raw = example_raw()
    del raw["政府采购"]
    ev = evaluate(write_department(tmp_path / "d", raw))
    out = tmp_path / "r.docx"
    out.write_bytes(render_docx(ev)[0])
    text = text_of(out)
    assert ("政府采购执行率缺少计算所需的数据（“政府采购”实际、“政府采购”预算），无法计算，扣6.00分，"
            "不得分【待核实：数据缺失，补齐后重新生成】。") in text
    assert "评价得分为84.47分【待核实：一项指标缺少数据，未计入得分】，" in text


def test_batch_and_summary_list_a_draft(tmp_path, capsys):
    root = tmp_path / "root"
    shutil.copytree(EXAMPLE, root / "a")
    shutil.copytree(AS_FILED, root / "b")
    out = tmp_path / "out"
    assert main(["batch", str(root), "-o", str(out)]) == 1
    said = capsys.readouterr().out
    assert "其中草稿 1 个" in said and "[草稿] b" in said
    ws = openpyxl.load_workbook(out / "汇总表.xlsx").active
    head = [c.value for c in ws[1]]
    status = head.index("状态")
    assert [row[status].value for row in ws.iter_rows(min_row=2)] == ["成功", "草稿（2处待核实）"]
