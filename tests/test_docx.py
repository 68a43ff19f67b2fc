"""The rendered report, re-opened with python-docx."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

import seed
from conftest import EXAMPLE, example_raw, plain, write_department
from reportgen.build import render_docx
from reportgen.cli import main
from reportgen.pipeline import evaluate
from reportgen.text import UNIT_GAP

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.docx"
    assert main(["build", str(EXAMPLE), "-o", str(out)]) == 0
    return out


def paragraphs(path: Path, styles: set[str] | None = None) -> list[str]:
    doc = Document(str(path))
    return [plain(p.text) for p in doc.paragraphs
            if styles is None or p.style.style_id in styles]


def body_text(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return plain("\n".join([p.text for p in doc.paragraphs] + cells))


def test_heading_sequence(report):
    headings = paragraphs(report, {"Heading1", "Heading2"})
    assert headings == [
        "一、基本情况", "（一）部门职责概述", "（二）部门支出描述", "（三）部门项目实施情况",
        "二、绩效评价工作情况", "（一）绩效评价目的", "（二）绩效评价实施过程", "（三）绩效评价的局限性",
        "三、部门整体支出绩效评价分析", "（一）投入（13分）", "（二）过程（61分）", "（三）产出及效率（26分）",
        "四、需要说明事项",
        "五、绩效评价结论", "（一）绩效评价得分", "（二）存在的绩效问题",
        "六、经验教训与建议", "（一）主要做法及经验", "（二）存在的困难和问题", "（三）建议和请求",
    ]
    third = paragraphs(report, {"Heading3"})
    # 1. as the narratives' items and the seed write it: no space after the full stop
    assert third[:4] == ["1.绩效目标合理性（3分）", "2.绩效指标明确性（3分）",
                         "3.在职人员控制率（3分）", "4.“三公经费”变动率（4分）"]


def test_cover_and_title(report):
    text = paragraphs(report)
    assert "湘西土家族苗族自治州商务局" in text
    assert "2018年度部门整体支出绩效评价报告" in text
    assert "评价方式：部门自评" in text
    assert "报告日期：2019年6月15日" in text
    assert "湘西土家族苗族自治州商务局2018年度\n部门整体支出绩效评价报告" in text  # broken between words


def test_generated_figures(report):
    text = body_text(report)
    for piece in ("＝92.31%", "＝\u22125.76%，较上年下降，得满分4.00分", "＝348.83%", "＝84.87%", "＝83.43%", "＝95.15%",
                  "＝87.75%", "得分为90.47分", "绩效评价等级为“优”",
                  "2018年收入决算数6927.32万元，其中：财政拨款收入6914.61万元，其他收入12.71万元",
                  "年末实有人数216人", "该项得分＝93.341÷100×8＝7.47分，扣0.53分"):
        assert piece in text, piece


def test_one_explanation_per_indicator_below_full_points(report):
    text = paragraphs(report)
    start, end = text.index("四、需要说明事项"), text.index("五、绩效评价结论")
    items = [t for t in paragraphs(report, {"Heading3"}) if t in text[start:end]]
    assert items == ["1.预算完成率", "2.预算控制率", "3.重点工作实际完成率", "4.政府采购预算调整"]
    section = "\n".join(text[start:end])
    assert ("2018年度本部门预算完成率为87.75%，低于100%达12.25个百分点，按每低于5个百分点扣2分计"
            "（不足5个百分点的部分不扣分），扣4.00分，得1.00分。") in section
    assert "3775.30万元" in section          # the department's own reason
    assert "【待补充" not in section


def test_problems_derived_from_deductions(report):
    text = paragraphs(report)
    start = text.index("（二）存在的绩效问题")
    problems = text[start + 1:start + 5]
    assert problems[0] == "本年度共有三项指标未得满分，合计扣9.53分。存在的主要绩效问题是："
    assert problems[1] == "1.预算执行进度偏慢，年末结转和结余较多（预算完成率87.75%，扣4.00分）。"
    assert problems[2] == ("2.年初预算编制与实际需求差距较大，年内追加预算较多（预算控制率348.83%，"
                           "扣5.00分）。")
    assert problems[3] == "3.部分重点工作未全面完成（州绩效办考核得分93.341分，扣0.53分）。"


def test_appendix_table_labels_on_every_row_points_once_per_group(report):
    """附件1: every row names its 一级 and 二级 (a vertically merged label shows on the first
    page only, in Word, WPS and LibreOffice alike); their points stand once per group, in a
    cell merged down its rows (w:vMerge), so no column repeats a figure to be added up.
    The header row repeats on each page; 分值 centred, 得分 right-aligned."""
    doc = Document(str(report))
    table = doc.tables[-2]  # 附件1 (the body's own tables come first)
    rows = table._tbl.tr_lst
    assert len(rows) == 1 + 19 + 1
    assert rows[0].trPr.find(qn("w:tblHeader")) is not None
    assert all(r.trPr.find(qn("w:tblHeader")) is None for r in rows[1:])
    assert all(r.trPr.find(qn("w:cantSplit")) is not None for r in rows)

    def column(col):
        return [rows[i].tc_lst[col] for i in range(1, 20)]

    def texts(col):
        return [tc.xpath("string(.)") for tc in column(col)]

    def merges(col):
        return [(tc.xpath("string(w:tcPr/w:vMerge/@w:val)") or "continue")
                if tc.xpath("w:tcPr/w:vMerge") else "" for tc in column(col)]

    assert texts(0) == ["投入"] * 4 + ["过程"] * 10 + ["产出及效率"] * 5
    assert merges(0) == [""] * 19 and merges(2) == [""] * 19  # names: every row
    assert texts(1) == ["13"] + [""] * 3 + ["61"] + [""] * 9 + ["26"] + [""] * 4
    assert merges(1) == (["restart"] + ["continue"] * 3 + ["restart"] + ["continue"] * 9
                         + ["restart"] + ["continue"] * 4)
    second_level = texts(2)
    assert second_level[:4] == ["目标设定"] * 2 + ["预算配置"] * 2
    assert texts(3)[:4] == ["6", "", "7", ""]
    assert merges(3)[:4] == ["restart", "continue"] * 2
    # tcPr in schema order: the merge before the vertical alignment
    assert [c.tag.split("}")[1] for c in rows[1].tc_lst[1].tcPr] == ["tcW", "vMerge", "vAlign"]
    # every merged cell, restart and continuation alike, centred vertically
    merged = [tc for col in (1, 3) for tc in column(col) if tc.xpath("w:tcPr/w:vMerge")]
    assert len(merged) == 19 * 2
    assert all(tc.xpath("string(w:tcPr/w:vAlign/@w:val)") == "center" for tc in merged)
    # 分值: small integers, centred (not right-aligned against the 评价标准 text); 得分 has
    # decimals and stays right-aligned
    for col in (1, 3, 5):
        assert {p.pPr.pStyle.val for tc in column(col) for p in tc.p_lst
                if p.xpath("string(.)")} == {"TableCenter"}
    assert {p.pPr.pStyle.val for tc in column(8) for p in tc.p_lst} == {"TableNumber"}
    assert rows[-1].xpath("string(.)").endswith(str(seed.TOTAL))


def test_long_indicator_names_break_between_words(report):
    """A name longer than the column breaks where the framework marks it, as two
    paragraphs of the cell; eight characters stay on one line (column width: test_layout)."""
    table = Document(str(report)).tables[-2]
    names = {tc.xpath("string(.)"): [p.xpath("string(.)") for p in tc.p_lst]
             for tr in table._tbl.tr_lst[1:20] for tc in tr.tc_lst[4:5]}
    assert names["新建楼堂馆所面积控制率"] == ["新建楼堂馆所", "面积控制率"]
    assert names["新建楼堂馆所投资概算控制率"] == ["新建楼堂馆所", "投资概算控制率"]
    assert names["预决算信息公开性"] == ["预决算信息公开性"]
    assert all(len(line) <= 8 for lines in names.values() for line in lines)


def test_basic_data_table(report):
    """附件2: every figure a formula reads, with its unit; no column empty in every row
    (the seed has no 上年实际 at all), amounts right-aligned."""
    table = Document(str(report)).tables[-1]
    cells = [[c.text for c in r.cells] for r in table.rows]
    f = {name: str(figure) for name, figure in seed.FIGURES.items()}
    assert cells[0] == ["项目", "单位", "上年预算", "本年预算", "本年实际"]
    rows = {row[0]: row[1:] for row in cells[1:]}
    assert rows["收入决算数"] == ["万元", "—", "—", f["收入决算数"]]
    # 全年预算 is a row of its own, not a budget figure beside 支出决算数
    assert rows["支出决算数"] == ["万元", "—", "—", f["支出决算数"]]
    assert rows["全年预算合计"] == ["万元", "—", f["全年预算"], "—"]
    assert rows["年初结转和结余"] == ["万元", "—", "—", "407.30"]
    assert rows["年初预算"] == ["万元", "—", "1543.40", "—"]
    assert rows["本年追加预算"] == ["万元", "—", "5383.91", "—"]
    assert rows["“三公经费”合计"] == ["万元", "76.40", "72.00", "60.07"]
    assert rows["　其中：公务接待费"] == ["万元", "—", "35.00", "27.08"]
    # a second part aligns under the first instead of repeating 其中：
    assert rows["　　　　公务用车运行维护费"] == ["万元", "—", "37.00", "32.99"]
    assert [r[0] for r in cells].count("　其中：公务用车运行维护费") == 0
    assert rows["公用经费"] == ["万元", "—", "349.77", "296.85"]
    assert rows["政府采购"] == ["万元", "—", "73.89", "70.31"]
    assert rows["编制数"] == ["人", "—", "—", "78"] and rows["在职人员数"][-1] == "72"
    assert rows["绩效办考核得分"] == ["分", "—", "—", "93.341"]
    assert not any("新建楼堂馆所" in name for name in rows)  # none this year: no empty row
    for column in range(2, 5):
        assert any(row[column] != "—" for row in cells[1:])
    styles = {p.style.style_id for r in table.rows[1:] for c in r.cells[2:] for p in c.paragraphs}
    assert styles == {"TableNumber"}


def test_east_asian_fonts_without_theme_overrides(report):
    with zipfile.ZipFile(report) as archive:
        styles = archive.read("word/styles.xml").decode()
    assert "Theme" not in styles.replace("TableTheme", "")   # no w:asciiTheme/w:eastAsiaTheme
    doc = Document(str(report))
    expected = {"Normal": "仿宋_GB2312", "Title": "方正小标宋简体", "Heading1": "黑体",
                "Heading2": "楷体_GB2312", "Heading3": "仿宋_GB2312", "Heading4": "仿宋_GB2312",
                "TableText": "宋体", "Footer": "宋体"}
    for style_id, font in expected.items():
        style = next(s for s in doc.styles if s.style_id == style_id)
        fonts = style.element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == font, style_id
    normal = next(s for s in doc.styles if s.style_id == "Normal")
    assert normal.font.size.pt == 16
    assert normal.paragraph_format.line_spacing.pt == pytest.approx(28.95, abs=0.05)


def test_page_setup_and_page_numbers(report):
    doc = Document(str(report))
    main_section = doc.sections[1]
    assert round(main_section.page_width.mm) == 210 and round(main_section.page_height.mm) == 297
    assert round(main_section.top_margin.mm) == 37 and round(main_section.left_margin.mm) == 28
    with zipfile.ZipFile(report) as archive:
        footers = [archive.read(n).decode() for n in archive.namelist() if "footer" in n]
    assert any("PAGE" in f and "—" in f for f in footers)


def test_same_input_same_bytes(tmp_path):
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    assert main(["build", str(EXAMPLE), "-o", str(a)]) == 0
    assert main(["build", str(EXAMPLE), "-o", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()


def _build(folder: Path) -> Path:
    out = folder / "out.docx"
    data, _ = render_docx(evaluate(folder))
    out.write_bytes(data)
    Document(str(out))  # opens
    return out


HOSTILE = "A<b>&c \"q\" 'q' {{ 7*7 }} {% for x in y %}{{x}}{% endfor %} {#c#} \x0b\x00\x0c\x1f end"


def test_hostile_text_comes_out_as_text(tmp_path):
    raw = example_raw()
    raw["基本信息"]["单位名称"] = "测试<局>&{{ 单位名称 }}"
    folder = write_department(tmp_path / "d", raw)
    (folder / "narratives" / "职责概述.md").write_text(HOSTILE, encoding="utf-8")
    out = _build(folder)
    text = body_text(out)
    assert "A<b>&c \"q\" 'q' {{ 7*7 }} {% for x in y %}{{x}}{% endfor %} {#c#}  end" in text
    assert "测试<局>&{{ 单位名称 }}" in text
    assert "49" not in text.split("{{ 7*7 }}")[0][-5:]


def test_missing_narrative_and_reason_build_with_markers(tmp_path, capsys):
    folder = write_department(tmp_path / "d", example_raw())
    (folder / "narratives" / "项目实施情况.md").unlink()
    reasons = folder / "narratives" / "需要说明事项.md"
    reasons.write_text(reasons.read_text(encoding="utf-8").split("## 预算控制率")[0],
                       encoding="utf-8")
    text = "\n".join(paragraphs(_build(folder)))
    assert "【待补充：部门项目实施情况】" in text
    assert "【待补充：预算控制率扣分原因】" in text
    assert main(["check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "[警告]" in out and "缺少“部门项目实施情况”的文字材料" in out
    assert "指标“预算控制率”扣5.00分，但没有写明原因" in out


def test_unknown_reference_is_reported_with_file_and_line(tmp_path, capsys):
    folder = write_department(tmp_path / "d", example_raw())
    path = folder / "narratives" / "建议和请求.md"
    path.write_text("第一段。\n\n收入为{{ 收入决算数 }}万元，支出为{{ 支出总数 }}。\n",
                    encoding="utf-8")
    text = "\n".join(paragraphs(_build(folder)))
    assert "收入为6927.32万元，支出为{{ 支出总数 }}。" in text
    main(["check", str(folder)])
    out = capsys.readouterr().out
    assert f"{path}:3" in out and "不存在的数据名称“支出总数”" in out


def test_references_to_indicator_values(tmp_path):
    folder = write_department(tmp_path / "d", example_raw())
    (folder / "narratives" / "建议和请求.md").write_text(
        "控制率{{ 预算控制率 }}，得{{ 预算控制率.得分 }}分；总分{{ 总分 }}。", encoding="utf-8")
    assert "控制率348.83%，得0.00分；总分90.47。" in body_text(_build(folder))


def test_corrected_figure_flows_into_text(tmp_path):
    raw = example_raw()
    raw["收支"]["年末结转和结余"] = {"合计": "0", "基本支出结转": "0", "项目支出结转和结余": "0"}
    raw["收支"]["支出决算数"]["合计"] = "7331.47"
    folder = write_department(tmp_path / "d", raw)
    text = body_text(_build(folder))
    assert "预算完成率＝" in text and "＝100.00%" in text
    assert "2018年度本部门预算完成率为" not in text  # no longer lost points: no lead-in
    # The department's section is still printed as written (issue #8: free items), with a warning.
    ev = evaluate(folder)
    _, notes = render_docx(ev)
    assert any("“预算完成率”没有扣分，这段说明仍按原文写入" in f.message for f in notes)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_pdf_through_libreoffice(tmp_path):
    out = tmp_path / "r.docx"
    assert main(["build", str(EXAMPLE), "-o", str(out), "--pdf"]) == 0
    pdf = out.with_suffix(".pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert pdf.stat().st_size > 50_000


def test_pdf_without_libreoffice_says_how_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    code = main(["build", str(EXAMPLE), "-o", str(tmp_path / "r.docx"), "--pdf"])
    assert code == 3  # the .docx is there, its PDF is not
    err = capsys.readouterr().err
    assert "apt-get install libreoffice-writer-nogui" in err
    assert f"Word 报告已生成：{tmp_path / 'r.docx'}；PDF 没有生成" in err
    assert "无法继续" not in err
    assert (tmp_path / "r.docx").is_file() and not (tmp_path / "r.pdf").exists()


def test_gbk_narrative_is_read_and_check_says_so(tmp_path, capsys):
    folder = write_department(tmp_path / "d", example_raw())
    path = folder / "narratives" / "建议和请求.md"
    path.write_bytes("建议进一步加强预算编制管理。".encode("gb18030"))
    assert "建议进一步加强预算编制管理。" in body_text(_build(folder))
    main(["check", str(folder)])
    out = capsys.readouterr().out
    assert f"[警告] {path}：文件是 GBK/GB18030 编码" in out


def test_basic_data_table_orders_parts_and_keeps_its_blocks_together(tmp_path):
    """三公 parts in one order whatever the data's (公务接待费 first); 新建楼堂馆所 批准 and
    实际 each a row in 本年实际 (neither is a budget); rows of a block (收支, 预算, 三公,
    人员, 问卷 …) kept with each other, so a page break falls between blocks."""
    raw = example_raw()
    raw["三公经费"]["本年预算"] = {"合计": 72.00, "因公出国（境）费": 0.00,
                              "公务用车运行维护费": 37.00, "公务接待费": 35.00}
    raw["新建楼堂馆所"] = {"批准面积": 1150, "实际面积": 1262, "批准投资": 480.00,
                      "实际投资": 476.30}
    out = tmp_path / "r.docx"
    main(["build", str(write_department(tmp_path / "d", raw)), "-o", str(out)])
    table = Document(str(out)).tables[-1]
    cells = [[c.text for c in r.cells] for r in table.rows]
    labels = [row[0].strip("　") for row in cells]
    at = labels.index("其中：公务接待费")
    assert labels[at:at + 3] == ["其中：公务接待费", "公务用车运行维护费", "因公出国（境）费"]
    rows = {row[0]: row[1:] for row in cells[1:]}
    assert rows["新建楼堂馆所批准面积"] == ["平方米", "—", "—", "1150"]
    assert rows["新建楼堂馆所实际投资"] == ["万元", "—", "—", "476.30"]
    kept = [all(p.xpath("w:pPr/w:keepNext") for p in tr.xpath(".//w:p"))
            for tr in table._tbl.tr_lst]
    ends = {label for label, keep in zip(labels, kept, strict=True) if not keep}
    assert {"年末结转和结余", "全年预算合计", "政府采购", "新建楼堂馆所实际投资",
            "在职人员数", "绩效办考核得分"} <= ends
    assert kept[labels.index("问卷发放数")] and kept[labels.index("问卷收回数")]
    assert kept[labels.index("收入决算数")] and not kept[-1]


def test_body_tables_have_captions_above_and_are_referred_to(report):
    """表1 收支, 表2 得分: a bold centred caption right above each (kept with it), and the
    text before it says 见表N; figures right-aligned in both tables."""
    doc = Document(str(report))
    body = doc.element.body
    captions = body.xpath("w:p[w:pPr/w:pStyle/@w:val='TableCaption']")
    def text(p) -> str:  # a figure and its unit are joined by UNIT_GAP (test_layout)
        return p.xpath("string(.)").replace(UNIT_GAP, "")

    assert [text(p) for p in captions] == ["表1　2018年度收支情况", "表2　一级指标得分情况"]
    for caption, table in zip(captions, doc.tables[:2], strict=True):
        assert caption.getnext() is table._tbl
        lead = text(caption.getprevious())
        assert lead.endswith(("2018年度收支情况见表1。", "各一级指标得分及得分率见表2。"))
    style = doc.styles.element.xpath("w:style[@w:styleId='TableCaption']")[0]
    assert style.xpath("w:pPr/w:keepNext") and style.xpath("w:rPr/w:b")
    assert style.xpath("string(w:pPr/w:jc/@w:val)") == "center"
    scores = doc.tables[1]
    assert {p.style.style_id for r in scores.rows[1:] for c in r.cells[1:]
            for p in c.paragraphs} == {"TableNumber"}


def test_run_in_heads_are_bold_with_their_number(report):
    """1.**贯彻政策。**… : the number goes with its head, bold (as a 1. heading is whole)."""
    doc = Document(str(report))
    run_ins = [p for p in doc.paragraphs if p.style.style_id == "Normal" and len(p.runs) > 1
               and p.runs[1].bold and p.runs[0].text[:-1].isdigit() and p.runs[0].text[-1] == "."]
    assert len(run_ins) >= 3
    assert all(p.runs[0].bold for p in run_ins)
    plain = [p for p in doc.paragraphs if p.text.startswith("1.") and p.runs
             and not any(r.bold for r in p.runs[1:])]
    assert all(not p.runs[0].bold for p in plain)  # a plain item stays plain


def test_body_tables_money_summary_and_score_summary(report):
    doc = Document(str(report))
    money, scores = ([[c.text for c in r.cells] for r in t.rows] for t in doc.tables[:2])
    assert money[0] == ["项目", "金额（万元）"]
    assert ["年初结转和结余", "407.30"] in money and ["转入事业基金", "3.15"] in money
    assert money[-1] == ["年末结转和结余", "898.35"]
    at = money.index(["支出决算数", "6433.12"])
    assert money[at + 1:at + 3] == [["　其中：基本支出", "2231.19"], ["　　　　项目支出", "4201.93"]]
    assert scores == [["一级指标", "分值", "得分", "得分率"],
                      ["投入", "13", "13.00", "100.00%"], ["过程", "61", "52.00", "85.25%"],
                      ["产出及效率", "26", "25.47", "97.96%"], ["合计", "100", "90.47", "90.47%"]]


def test_appendix_criteria_stand_one_a_line(report):
    """附件1 评价标准: each numbered criterion (①…) on a line of its own, in every framework
    the same, whether the framework wrote them one a line or run on; the closing rule
    (以上情况每出现一例…) on its own line after them."""
    doc = Document(str(report))
    rows = doc.tables[-2]._tbl.tr_lst
    cells = {tr.tc_lst[4].xpath("string(.)"): [p.xpath("string(.)") for p in tr.tc_lst[6].p_lst]
             for tr in rows[1:-1]}
    for name in ("管理制度健全性", "资金使用合规性", "预决算信息公开性", "绩效指标明确性"):
        lines = cells[name]
        numbered = [line for line in lines if line[:1] in "①②③④⑤⑥"]
        assert numbered and all(line.count("①") + line.count("②") + line.count("③")
                                + line.count("④") + line.count("⑤") == 1 for line in numbered)
    assert cells["资金使用合规性"][-2:] == ["⑤资金使用无截留、挤占、挪用、虚列支出等情况。",
                                        "以上情况每出现一例不符合要求的扣1\u202f分，扣完为止。"]
    assert len(cells["管理制度健全性"]) == 4
