"""GB/T 9704-2012 layout, checked in the XML of a built report (issue #8)."""

from __future__ import annotations

import re
import zipfile

import pytest
from lxml import etree

from conftest import EXAMPLE, example_raw, write_department
from reportgen.build import render_docx
from reportgen.pipeline import evaluate
from reportgen.text import display_width

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def q(tag: str) -> str:
    return f"{{{W}}}{tag.split(':')[1]}"


@pytest.fixture(scope="module")
def parts(tmp_path_factory) -> dict[str, etree._Element]:
    out = tmp_path_factory.mktemp("layout") / "r.docx"
    out.write_bytes(render_docx(evaluate(EXAMPLE))[0])
    with zipfile.ZipFile(out) as z:
        return {n: etree.fromstring(z.read(n)) for n in z.namelist()
                if n.endswith((".xml", ".rels"))}


def texts(p: etree._Element) -> str:
    return "".join(p.itertext())


def test_grid_is_22_lines_of_28_characters(parts):
    body = parts["word/document.xml"]
    portrait = [s for s in body.iter(q("w:sectPr"))
                if s.find("w:pgSz", NS).get(q("w:orient")) != "landscape"]
    assert portrait
    for sect in portrait:
        grid, size, mar = (sect.find(f"w:{t}", NS) for t in ("docGrid", "pgSz", "pgMar"))
        assert grid.get(q("w:type")) == "linesAndChars"
        width = int(size.get(q("w:w"))) - int(mar.get(q("w:left"))) - int(mar.get(q("w:right")))
        height = int(size.get(q("w:h"))) - int(mar.get(q("w:top"))) - int(mar.get(q("w:bottom")))
        pitch = int(grid.get(q("w:linePitch")))
        assert height // pitch == 22
        # characters a line: text width over (16 pt + charSpace/4096 pt)
        char = 320 + int(grid.get(q("w:charSpace"))) * 20 / 4096
        assert int(width // char) == 28
        # GB/T 9704 margins within ±1 mm: 天头 37, 订口 28
        assert abs(int(mar.get(q("w:top"))) - 2098) <= 57 and abs(int(mar.get(q("w:left"))) - 1587) <= 57


def test_page_numbers_odd_right_even_left_one_character_in(parts):
    settings = parts["word/settings.xml"]
    assert settings.find("w:evenAndOddHeaders", NS) is not None
    body = parts["word/document.xml"]
    rels = {r.get("Id"): r.get("Target") for r in parts["word/_rels/document.xml.rels"]}
    sections = list(body.iter(q("w:sectPr")))
    main = sections[1]
    refs = {r.get(q("w:type")): rels[r.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")]
            for r in main.findall("w:footerReference", NS)}
    assert set(refs) == {"default", "even"}
    for kind, jc, side in (("default", "right", "right"), ("even", "left", "left")):
        p = parts[f"word/{refs[kind]}"].find("w:p", NS)
        assert p.find("w:pPr/w:jc", NS).get(q("w:val")) == jc
        assert p.find("w:pPr/w:ind", NS).get(q(f"w:{side}")) == "320"  # one 三号 character
        assert re.fullmatch(r"— 1 —", texts(p).replace(" PAGE ", ""))
        assert " PAGE " in texts(p)
    # The cover has no page number; the landscape appendix has its own (the next test).
    assert sections[0].find("w:footerReference", NS) is None
    assert sections[1].find("w:pgNumType", NS).get(q("w:start")) == "1"


def test_landscape_page_numbers_keep_their_place_on_the_paper(parts):
    """GB/T 9704: on the landscape appendix the number stays where the portrait pages have
    it on the paper: down the landscape page's left edge (the portrait bottom), turned with
    the paper, 7 mm outside the portrait text block; odd pages end one character inside the
    portrait right margin (the landscape bottom), even pages start one character inside the
    portrait left margin (the landscape top). A floating one-cell table anchored to the page
    holds it, its text turned by w:textDirection."""
    body = parts["word/document.xml"]
    rels = {r.get("Id"): r.get("Target") for r in parts["word/_rels/document.xml.rels"]}
    sections = list(body.iter(q("w:sectPr")))
    portrait, landscape = sections[1], sections[2]
    assert landscape.find("w:pgSz", NS).get(q("w:orient")) == "landscape"
    refs = {r.get(q("w:type")): rels[r.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")]
            for r in landscape.findall("w:footerReference", NS)}
    assert set(refs) == {"default", "even"}
    paper_w = int(portrait.find("w:pgSz", NS).get(q("w:w")))
    mar = {k: int(portrait.find("w:pgMar", NS).get(q(f"w:{k}"))) for k in ("left", "right", "bottom")}
    for kind in ("default", "even"):
        footer = parts[f"word/{refs[kind]}"]
        table = footer.find("w:tbl", NS)
        anchor = table.find("w:tblPr/w:tblpPr", NS)
        assert (anchor.get(q("w:horzAnchor")), anchor.get(q("w:vertAnchor"))) == ("page", "page")
        cell = table.find("w:tr/w:tc", NS)
        assert cell.find("w:tcPr/w:textDirection", NS).get(q("w:val")) == "tbRl"
        width = int(cell.find("w:tcPr/w:tcW", NS).get(q("w:w")))
        height = int(table.find("w:tr/w:trPr/w:trHeight", NS).get(q("w:val")))
        x, y = int(anchor.get(q("w:tblpX"))), int(anchor.get(q("w:tblpY")))
        assert abs(x + width / 2 - (mar["bottom"] - 397)) <= 1  # 7 mm below the text block
        p = cell.find("w:p", NS)
        assert re.fullmatch(r"— 1 —", texts(p).replace(" PAGE ", "")) and " PAGE " in texts(p)
        assert p.find("w:pPr/w:pStyle", NS).get(q("w:val")) == "Footer"  # 四号宋体
        jc = p.find("w:pPr/w:jc", NS).get(q("w:val"))
        if kind == "default":
            assert (jc, y + height) == ("right", paper_w - mar["right"] - 320)
        else:
            assert (jc, y) == ("left", mar["left"] + 320)
        assert footer[-1].tag == q("w:p")  # a footer ends with a paragraph


def test_footer_style_is_4hao_songti(parts):
    styles = parts["word/styles.xml"]
    footer = styles.find("w:style[@w:styleId='Footer']", NS)
    assert footer.find("w:rPr/w:sz", NS).get(q("w:val")) == "28"  # 四号 14 pt
    assert footer.find("w:rPr/w:rFonts", NS).get(q("w:eastAsia")) == "宋体"


def test_closing_block_follows_the_standard(parts):
    body = parts["word/document.xml"]
    paras = list(body.iter(q("w:p")))
    style = {id(p): (p.find("w:pPr/w:pStyle", NS).get(q("w:val"))
                     if p.find("w:pPr/w:pStyle", NS) is not None else "") for p in paras}
    note = [p for p in paras if style[id(p)] in ("AttachmentNote", "AttachmentNoteNext")]
    assert [texts(p) for p in note] == ["附件：1. 部门整体支出绩效评价指标表", "2. 基础数据表"]
    sign = next(p for p in paras if style[id(p)] == "Signature")
    date = next(p for p in paras if style[id(p)] == "SignatureDate")
    assert texts(sign) == "湘西土家族苗族自治州商务局" and texts(date) == "2019年6月15日"
    right = {k: int(p.find("w:pPr/w:ind", NS).get(q("w:rightChars"))) for k, p in
             (("sign", sign), ("date", date))}
    assert right["sign"] == 200  # 右空二字
    # The date starts two characters right of the name's first character.
    name_start = 2800 - right["sign"] - display_width(texts(sign)) * 50
    date_start = 2800 - right["date"] - display_width(texts(date)) * 50
    assert date_start - name_start == 200
    styles = parts["word/styles.xml"]
    s = styles.find("w:style[@w:styleId='AttachmentNote']", NS)
    assert s.find("w:pPr/w:ind", NS).get(q("w:leftChars")) == "500"
    assert s.find("w:pPr/w:ind", NS).get(q("w:hangingChars")) == "300"
    assert int(s.find("w:pPr/w:spacing", NS).get(q("w:before"))) > 0  # 空一行, no blank paragraph
    # The appendix labels name the same attachments in the same order.
    labels = [texts(p) for p in paras if style[id(p)] == "AppendixTitle"]
    assert labels == ["部门整体支出绩效评价指标表", "基础数据表"]


def test_no_blank_paragraph_spaces_the_text(parts):
    body = parts["word/document.xml"].find("w:body", NS)
    blank = []
    for p in body.findall("w:p", NS):
        if texts(p).strip():
            continue
        ppr = p.find("w:pPr", NS)
        holds_section = ppr is not None and ppr.find("w:sectPr", NS) is not None
        after_table = p.getprevious() is not None and p.getprevious().tag == q("w:tbl")
        if not (holds_section or after_table):
            blank.append(etree.tostring(p)[:120])
    assert blank == []


def test_title_breaks_between_words(parts):
    body = parts["word/document.xml"]
    title = next(p for p in body.iter(q("w:p"))
                 if (s := p.find("w:pPr/w:pStyle", NS)) is not None and s.get(q("w:val")) == "Title")
    lines = "".join(t.text if t.tag == q("w:t") else "\n" for t in title.iter(q("w:t"), q("w:br")))
    assert lines.split("\n") == ["湘西土家族苗族自治州商务局2018年度", "部门整体支出绩效评价报告"]


@pytest.mark.parametrize("name", ["示例州应急管理局", "湘西土家族苗族自治州人民政府办公室机关事务服务中心"])
def test_title_lines_never_split_a_word(name, tmp_path):
    from reportgen.phrases import title_lines
    raw = example_raw()
    raw["基本信息"]["单位名称"] = name
    data = evaluate(write_department(tmp_path / "d", raw)).department.data
    top, bottom = title_lines(data)
    assert top + bottom == f"{name}2018年度部门整体支出绩效评价报告"
    assert bottom.endswith("部门整体支出绩效评价报告") and display_width(top) <= 40 or top == name


def test_document_properties_are_honest_and_deterministic(parts):
    core = parts["docProps/core.xml"]
    dc = "{http://purl.org/dc/elements/1.1/}"
    terms = "{http://purl.org/dc/terms/}"
    assert core.find(f"{dc}creator").text == "湘西土家族苗族自治州商务局"
    assert core.find(f"{terms}created").text == "2019-06-15T00:00:00Z"
    app = parts["docProps/app.xml"]
    ns = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    assert app.find(f"{ns}Application").text == "reportgen"
    assert app.find(f"{ns}Pages") is None  # nothing it cannot know


def test_indicator_table_columns_hold_their_names_on_one_line(parts):
    """五号 is 10.5 pt; a column must hold the name plus its cell margins (1 mm a side)."""
    tbl = parts["word/document.xml"].findall(".//w:tbl", NS)[-2]  # 附件1
    widths = [int(c.get(q("w:w"))) for c in tbl.find("w:tblGrid", NS)]
    char = 10.5 * 20  # twips
    margins = 2 * 57
    assert widths[0] >= len("产出及效率") * char + margins
    assert widths[4] >= len("重点工作实际完成率") * char + margins  # eight 字 and more
    styles = parts["word/styles.xml"]
    mar = styles.find("w:style[@w:styleId='ReportTable']/w:tblPr/w:tblCellMar", NS)
    assert {child.tag.split("}")[1] for child in mar} == {"top", "left", "bottom", "right"}
    assert all(int(child.get(q("w:w"))) > 0 for child in mar)
