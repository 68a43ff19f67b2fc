"""GB/T 9704-2012 layout, checked in the XML of a built report (issue #8)."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections import Counter
from itertools import pairwise

import pytest
from lxml import etree

from conftest import EXAMPLE, example_raw, write_department
from reportgen.build import render_docx
from reportgen.framework import builtin_frameworks, load_framework
from reportgen.pipeline import evaluate
from reportgen.text import UNIT_GAP, UNITS, display_width

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


def mm(twips: int) -> float:
    return twips * 25.4 / 1440


def _geometry(sect: etree._Element) -> dict[str, int]:
    size, mar = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS)
    geo = {k: int(mar.get(q(f"w:{k}"))) for k in ("top", "bottom", "left", "right")}
    geo["paper_w"], geo["paper_h"] = int(size.get(q("w:w"))), int(size.get(q("w:h")))
    geo["text_w"] = geo["paper_w"] - geo["left"] - geo["right"]
    geo["text_h"] = geo["paper_h"] - geo["top"] - geo["bottom"]
    return geo


def _sections(parts) -> tuple[list[etree._Element], etree._Element]:
    sections = list(parts["word/document.xml"].iter(q("w:sectPr")))
    portrait = [s for s in sections if s.find("w:pgSz", NS).get(q("w:orient")) != "landscape"]
    landscape = [s for s in sections if s not in portrait]
    assert len(portrait) == 2 and len(landscape) == 1
    return portrait, landscape[0]


def test_grid_is_22_lines_of_28_characters(parts):
    """版心 156 mm x 225 mm (天头 37 mm, 订口 28 mm) with a grid of 22 lines of 28 三号
    characters: a character's pitch is 16 pt + charSpace/4096 pt."""
    portrait, _ = _sections(parts)
    for sect in portrait:
        geo = _geometry(sect)
        assert (round(mm(geo["text_w"]), 1), round(mm(geo["text_h"]), 1)) == (156.0, 225.0)
        assert (round(mm(geo["top"]), 1), round(mm(geo["left"]), 1)) == (37.0, 28.0)
        grid = sect.find("w:docGrid", NS)
        assert grid.get(q("w:type")) == "linesAndChars"
        pitch = int(grid.get(q("w:linePitch")))
        assert geo["text_h"] // pitch == 22
        char = 320 + int(grid.get(q("w:charSpace"))) * 20 / 4096  # twips
        assert 28 * char <= geo["text_w"] < 29 * char
        assert geo["text_w"] - 28 * char < 1  # 28 fill the line: the pitch is not rounded off
    # Body text is off the grid (LibreOffice would give each glyph two cells of it): its
    # leading is the grid's line pitch exactly and each 16 pt character is condensed so that
    # 28 fit a line and 29 do not.
    styles = parts["word/styles.xml"]
    normal = styles.find("w:style[@w:styleId='Normal']", NS)
    assert normal.find("w:pPr/w:snapToGrid", NS).get(q("w:val")) == "0"
    spacing = normal.find("w:pPr/w:spacing", NS)
    assert (spacing.get(q("w:line")), spacing.get(q("w:lineRule"))) == (str(pitch), "exact")
    assert normal.find("w:rPr/w:sz", NS).get(q("w:val")) == "32"
    advance = 320 + int(normal.find("w:rPr/w:spacing", NS).get(q("w:val")))  # twips
    assert 28 * advance <= geo["text_w"] < 29 * advance
    # Headings and other body-size styles inherit it; other sizes are not condensed.
    for style in styles.findall("w:style[@w:type='paragraph']", NS):
        size, own = style.find("w:rPr/w:sz", NS), style.find("w:rPr/w:spacing", NS)
        if style is not normal and size is not None and size.get(q("w:val")) != "32":
            assert own is not None and own.get(q("w:val")) == "0", style.get(q("w:styleId"))


needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice or poppler-utils not installed")


@pytest.fixture(scope="module")
def example_pdf(tmp_path_factory):
    """The example as LibreOffice sets it (its PDFs are what build --pdf gives)."""
    from reportgen.render.pdf import convert_to_pdf

    docx = tmp_path_factory.mktemp("pdf") / "r.docx"
    docx.write_bytes(render_docx(evaluate(EXAMPLE))[0])
    return convert_to_pdf(docx)


@needs_libreoffice
def test_libreoffice_sets_28_characters_a_line(example_pdf):
    """The 28 characters a line as LibreOffice sets the body: a full line of Chinese text
    holds 28. On the character grid each glyph took two cells (lines of 14); condensed by
    0.25 pt it still set 27."""
    text = subprocess.run(["pdftotext", "-f", "2", "-l", "5", str(example_pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    lines = [line for line in text.splitlines() if len(line) > 20
             and all(unicodedata.east_asian_width(c) in "WF" for c in line)]
    assert len(lines) > 20
    assert Counter(map(len, lines)).most_common(1)[0][0] == 28


def _pdf_lines(pdf, needle: str) -> list[tuple[float, float, float, str]]:
    """(x min, y min, x max, text) of each line on the PDF page that holds needle."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    page = next(p for p in xml.split("<page ")[1:] if needle in p)
    return [(float(x0), float(y0), float(x1), "".join(re.findall(r">([^<]*)</word>", body)))
            for x0, y0, x1, body in re.findall(
                r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</line>',
                xml[xml.index(page):xml.index(page) + len(page)], re.S)]


@needs_libreoffice
def test_libreoffice_places_the_closing_block(parts, example_pdf):
    """Measured in LibreOffice's PDF, in characters of the 28-a-line grid (156 mm / 28):
    附件说明 one blank line below the body's last line, two characters in; 署名 two blank
    lines below it; the date on the next line; the name centred on the date, and the date's
    middle where a date of 6.5 characters ending four from the right edge has it. (Without
    Times New Roman LibreOffice draws the digits in a wider face and spaces them from 年月日,
    which Word is told not to: here the date is wider than in Word, on the same middle.)"""
    geo = _geometry(_sections(parts)[0][1])
    left, right = geo["left"] / 20, (geo["left"] + geo["text_w"]) / 20  # pt
    char, pitch = (right - left) / 28, geo["text_h"] / 20 / 22
    lines = _pdf_lines(example_pdf, "附件：1.")
    at = next(i for i, line in enumerate(lines) if line[3].startswith("附件：1."))
    body, note, note2, name, date = lines[at - 1:at + 4]
    assert (note2[3], name[3], date[3]) == ("2.基础数据表", "湘西土家族苗族自治州商务局", "2019年6月15日")
    assert round((note[1] - body[1]) / pitch, 2) == 2.00  # 空一行
    assert round((name[1] - note2[1]) / pitch, 2) == 3.00  # 空二行
    assert round((date[1] - name[1]) / pitch, 2) == 1.00
    assert abs((note[0] - left) / char - 2) < 0.1  # 左空二字

    def centre(line):
        return (line[0] + line[2]) / 2

    assert abs(centre(name) - centre(date)) / char < 0.1
    assert abs((right - centre(date)) / char - (4 + 6.5 / 2)) < 0.1


_CJK_UNITS = "|".join(sorted((u for u in UNITS if not u.isascii()), key=len, reverse=True))


def test_a_figure_and_its_unit_are_kept_together(parts):
    """Between a figure and its unit the no-break gap, and the unit in a run of no East
    Asian language (LibreOffice breaks Chinese text before any character otherwise)."""
    kept = 0
    for p in parts["word/document.xml"].iter(q("w:p")):
        style = p.find("w:pPr/w:pStyle", NS)
        if style is not None and style.get(q("w:val")).startswith(("Title", "Cover", "Signature")):
            continue  # lines of their own: the template's, 署名 and 成文日期 (no gap added)
        runs = p.findall("w:r", NS)
        text = "".join(texts(r) for r in runs)
        assert not re.search(rf"\d(?:{_CJK_UNITS})", text), text
        for run, after in pairwise(runs):
            if re.search(r"\d" + UNIT_GAP + "$", texts(run)):
                kept += 1
                assert re.match(_CJK_UNITS, texts(after)), texts(after)
                assert after.find("w:rPr/w:lang", NS).get(q("w:eastAsia")) == "x-none"
                assert run.find("w:rPr/w:lang", NS) is None  # the figure keeps the text's
    assert kept > 100


def test_counting_units_in_narratives_get_the_gap_too(parts):
    """导5县, 待4起 in the narratives are figures with units like 86公里: the same gap; a
    year's 年 keeps it too (the gap Word puts between a digit and CJK text anyway)."""
    body = texts(parts["word/document.xml"])
    for pair in ("5" + UNIT_GAP + "县", "4" + UNIT_GAP + "起", "2018" + UNIT_GAP + "年"):
        assert pair in body, pair
    assert not re.search(r"\d(?:县|起|座|处)", body)


@needs_libreoffice
def test_libreoffice_never_begins_a_line_with_the_unit_of_a_figure(example_pdf):
    """Body and tables: no line ends on a figure whose unit begins the next (the example
    had 13 before, 5383.91 | 万元 and 7.47 | 分 among them)."""
    text = subprocess.run(["pdftotext", str(example_pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    lines = [line.rstrip() for line in text.splitlines()]
    split = [(a[-10:], b[:6]) for a, b in pairwise(lines)
             if re.search(r"\d$", a) and not re.search(r"表\d+$", a)  # a caption's 表1
             and re.match(rf"\s*(?:{_CJK_UNITS})", b)]
    assert split == []


def test_landscape_pages_keep_the_text_block_on_the_paper(parts):
    """The landscape appendix turns the portrait page: its text block is the 版心 turned,
    225 mm x 156 mm, on the same place of the paper (left edge = portrait bottom, top =
    portrait left), and both appendix tables fit in it."""
    portrait, landscape = _sections(parts)
    port, land = _geometry(portrait[1]), _geometry(landscape)
    assert (land["paper_w"], land["paper_h"]) == (port["paper_h"], port["paper_w"])
    assert (land["left"], land["top"], land["right"], land["bottom"]) == (
        port["bottom"], port["left"], port["top"], port["right"])
    assert (round(mm(land["text_w"]), 1), round(mm(land["text_h"]), 1)) == (225.0, 156.0)
    assert landscape.find("w:docGrid", NS).get(q("w:type")) is None  # tables only: no grid
    widths = [sum(int(c.get(q("w:w"))) for c in table.find("w:tblGrid", NS))
              for table in parts["word/document.xml"].findall(".//w:tbl", NS)[-2:]]
    assert widths[0] == land["text_w"] >= widths[1]  # 附件1 fills it; 附件2 drops empty columns


def _rows_kept_with_next(table: etree._Element) -> list[bool]:
    """Per row: are all its paragraphs kept with the next (w:keepNext)?"""
    return [all(p.find("w:pPr/w:keepNext", NS) is not None for p in tr.iter(q("w:p")))
            for tr in table.findall("w:tr", NS)]


def test_body_tables_break_only_when_long(parts):
    """A body table under 8 rows (表2, the score summary) is kept on one page: every row
    but the last kept with the next. One of 8 rows or more (表1 here, 收支 of 8 rows) may
    break across pages instead of leaving a third of a page blank: its caption and header
    stay with the first row, the header repeats, the last row stays with the one before;
    no row splits inside either."""
    money, scores = parts["word/document.xml"].findall(".//w:tbl", NS)[:2]
    kept = _rows_kept_with_next(scores)
    assert len(kept) < 8 and kept == [True] * (len(kept) - 1) + [False]
    kept = _rows_kept_with_next(money)
    assert len(kept) >= 8 and kept == [True] + [False] * (len(kept) - 3) + [True, False]
    assert money.find("w:tr/w:trPr/w:tblHeader", NS) is not None
    caption = money.getprevious()
    assert texts(caption).startswith("表1") and caption.find("w:pPr/w:pStyle", NS).get(
        q("w:val")) == "TableCaption"
    for table in (money, scores):
        assert all(tr.find("w:trPr/w:cantSplit", NS) is not None
                   for tr in table.findall("w:tr", NS))


def test_body_tables_fill_the_text_block_with_space_after(parts):
    """表1 and 表2 alike: as wide as the text block (156 mm), centred; the paragraph or
    heading after each stands off its bottom border by spacing before (no blank line)."""
    body_tables = parts["word/document.xml"].findall(".//w:tbl", NS)[:2]
    for table in body_tables:
        width = int(table.find("w:tblPr/w:tblW", NS).get(q("w:w")))
        assert width == sum(int(c.get(q("w:w"))) for c in table.find("w:tblGrid", NS))
        assert abs(mm(width) - 156) < 0.1
        after = table.getnext()
        assert texts(after).strip()  # a heading or paragraph, not a blank one
        assert int(after.find("w:pPr/w:spacing", NS).get(q("w:before"))) >= 240


def test_appendix_tables_never_leave_a_row_alone(parts):
    """附件1 and 附件2 run over pages: the header repeats (w:tblHeader) and stays with the
    first row, and the last row is kept with the one before, never alone on a page. 附件1
    breaks freely elsewhere; 附件2 between its blocks of rows (test_docx)."""
    indicators, basic = parts["word/document.xml"].findall(".//w:tbl", NS)[-2:]
    for table in (indicators, basic):
        rows = table.findall("w:tr", NS)
        kept = _rows_kept_with_next(table)
        assert rows[0].find("w:trPr/w:tblHeader", NS) is not None and kept[0]
        assert kept[-2:] == [True, False]
    assert not any(_rows_kept_with_next(indicators)[1:-2])
    assert not all(_rows_kept_with_next(basic)[1:-2])  # not one block: it may break


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


WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
DRAWING_NS = {
    "w": W, "wp": WP, "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
}
EMU = 635  # per twip


def test_landscape_page_numbers_keep_their_place_on_the_paper(parts):
    """GB/T 9704: on the landscape appendix the number stays where the portrait pages have
    it on the paper: down the landscape page's left edge (the portrait bottom), turned with
    the paper, 7 mm outside the portrait text block; odd pages end one character inside the
    portrait right margin (the landscape bottom), even pages start one character inside the
    portrait left margin (the landscape top). A text box anchored to the page holds it, with
    no wrapping, so it takes no room from the footer or the body, its text turned a quarter
    clockwise; Word 2007 reads the VML fallback."""
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
    ids = []
    for kind in ("default", "even"):
        footer = parts[f"word/{refs[kind]}"]
        assert footer.find("w:tbl", NS) is None
        assert [c.tag for c in footer] == [q("w:p")]  # one paragraph, no line of its own
        choice = footer.find("w:p/w:r/mc:AlternateContent/mc:Choice", DRAWING_NS)
        assert choice.get("Requires") == "wps"
        anchor = choice.find("w:drawing/wp:anchor", DRAWING_NS)
        assert anchor.find("wp:wrapNone", DRAWING_NS) is not None
        assert anchor.get("allowOverlap") == "1" and anchor.get("simplePos") == "0"
        pos = {axis: anchor.find(f"wp:position{axis}", DRAWING_NS) for axis in "HV"}
        assert {p.get("relativeFrom") for p in pos.values()} == {"page"}
        x, y = (int(pos[a].find("wp:posOffset", DRAWING_NS).text) / EMU for a in "HV")
        extent = anchor.find("wp:extent", DRAWING_NS)
        width, height = int(extent.get("cx")) / EMU, int(extent.get("cy")) / EMU
        ids.append(anchor.find("wp:docPr", DRAWING_NS).get("id"))
        assert abs(x + width / 2 - (mar["bottom"] - 397)) <= 1  # 7 mm below the text block
        # Across the turned text the box holds a 四号 line as Word sets it in 宋体 (1.3 em),
        # with no inset, border or fill to move or hide it.
        assert width >= 1.3 * 280
        shape = anchor.find("a:graphic/a:graphicData/wps:wsp", DRAWING_NS)
        body_pr = shape.find("wps:bodyPr", DRAWING_NS)
        assert body_pr.get("vert") == "vert"  # top to bottom, turned clockwise with the paper
        assert [body_pr.get(f"{s}Ins") for s in "ltrb"] == ["0"] * 4
        assert body_pr.get("anchor") == "ctr"
        assert shape.find("wps:spPr/a:ln/a:noFill", DRAWING_NS) is not None
        assert shape.find("wps:spPr/a:noFill", DRAWING_NS) is not None
        p = shape.find("wps:txbx/w:txbxContent/w:p", DRAWING_NS)
        assert re.fullmatch(r"— 1 —", texts(p).replace(" PAGE ", "")) and " PAGE " in texts(p)
        assert p.find("w:pPr/w:pStyle", NS).get(q("w:val")) == "Footer"  # 四号宋体
        jc = p.find("w:pPr/w:jc", NS).get(q("w:val"))
        if kind == "default":
            assert (jc, y + height) == ("right", paper_w - mar["right"] - 320)
        else:
            assert (jc, y) == ("left", mar["left"] + 320)
        # The fallback: the same box and the same paragraph in VML.
        vml = footer.find("w:p/w:r/mc:AlternateContent/mc:Fallback/w:pict/v:shape", DRAWING_NS)
        style = dict(s.split(":") for s in vml.get("style").split(";"))
        assert [float(style[k].removesuffix("pt")) * 20 for k in
                ("margin-left", "margin-top", "width", "height")] == [x, y, width, height]
        assert style["mso-position-horizontal-relative"] == "page"
        assert style["mso-position-vertical-relative"] == "page"
        box = vml.find("v:textbox", DRAWING_NS)
        assert box.get("style") == "layout-flow:vertical"
        assert etree.tostring(box.find("w:txbxContent", DRAWING_NS)) == etree.tostring(
            p.getparent())
    # Drawing ids are unique in the package (Word repairs a file that repeats one).
    everywhere = [e.get("id") for name, part in parts.items()
                  for e in part.iter(f"{{{WP}}}docPr")]
    assert sorted(everywhere) == sorted(ids) and len(set(ids)) == 2


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
    assert [texts(p) for p in note] == ["附件：1.部门整体支出绩效评价指标表", "2.基础数据表"]
    sign = next(p for p in paras if style[id(p)] == "Signature")
    date = next(p for p in paras if style[id(p)] == "SignatureDate")
    assert texts(sign) == "湘西土家族苗族自治州商务局" and texts(date) == "2019年6月15日"
    # A sealed report (GB/T 9704 7.3.5.1): 成文日期右空四字, the name centred on the date.
    # Both are centred in the space from one left indent to the right edge, as wide as the
    # date and four characters on each side: 28 - 8 - 6.5 (seven half-width digits) =
    # 13.5 characters of the grid (156 mm / 28), in twips.
    geo = _geometry(_sections(parts)[0][1])
    left = {int(p.find("w:pPr/w:ind", NS).get(q("w:left"))) for p in (sign, date)}
    assert left == {round(13.5 * geo["text_w"] / 28)} == {4264}
    styles = parts["word/styles.xml"]
    for name in ("Signature", "SignatureDate"):
        assert styles.find(f"w:style[@w:styleId='{name}']/w:pPr/w:jc", NS).get(q("w:val")) == "center"
    # No extra space between digits and 年月日 in Word: the date is as wide as its characters.
    date_ppr = styles.find("w:style[@w:styleId='SignatureDate']/w:pPr", NS)
    assert [date_ppr.find(f"w:{k}", NS).get(q("w:val")) for k in ("autoSpaceDE", "autoSpaceDN")] \
        == ["0", "0"]
    styles = parts["word/styles.xml"]
    s = styles.find("w:style[@w:styleId='AttachmentNote']", NS)
    assert s.find("w:pPr/w:ind", NS).get(q("w:leftChars")) == "500"
    assert s.find("w:pPr/w:ind", NS).get(q("w:hangingChars")) == "300"
    pitch = int(styles.find("w:style[@w:styleId='Normal']/w:pPr/w:spacing", NS).get(q("w:line")))
    # 附件说明 one line below the body (空一行); 署名 two below it (空二行), so that the
    # seal's top comes within a line of the note; the date on the next line. All by
    # paragraph spacing, never blank paragraphs.
    assert int(s.find("w:pPr/w:spacing", NS).get(q("w:before"))) == pitch
    sig = styles.find("w:style[@w:styleId='Signature']/w:pPr/w:spacing", NS)
    assert int(sig.get(q("w:before"))) == 2 * pitch
    assert styles.find("w:style[@w:styleId='SignatureDate']/w:pPr/w:spacing", NS) is None
    assert note[-1].getnext() is sign and sign.getnext() is date
    # The block stays on one page, with the body's last lines: each of its paragraphs but the
    # date keeps with the next, and so does the paragraph before it.
    assert note[0].getprevious().find("w:pPr/w:keepNext", NS) is not None
    for name in ("AttachmentNote", "AttachmentNoteNext", "Signature"):
        assert styles.find(f"w:style[@w:styleId='{name}']/w:pPr/w:keepNext", NS) is not None
    # The appendix labels name the same attachments in the same order.
    labels = [texts(p) for p in paras if style[id(p)] == "AppendixTitle"]
    # GB/T 9704 8: "附件N" on the first line of the text block, the title on the third: one
    # line of the grid's pitch above the title, none above the label (each starts a page).
    pitch = {s.find("w:pPr/w:spacing", NS).get(q("w:line"))
             for s in styles.findall("w:style[@w:styleId='Normal']", NS)}
    title = styles.find("w:style[@w:styleId='AppendixTitle']/w:pPr/w:spacing", NS)
    label = styles.find("w:style[@w:styleId='AppendixLabel']/w:pPr/w:spacing", NS)
    assert {title.get(q("w:before"))} == pitch and title.get(q("w:line")) is None
    assert label is None or label.get(q("w:before")) in (None, "0")
    assert labels == ["部门整体支出绩效评价指标表", "基础数据表"]


@pytest.mark.parametrize(("name", "date", "left", "name_right"), [
    ("示例县交通运输局", "2024年5月20日", 1350, 325),  # 8 over 6.5 characters
    ("湘西土家族苗族自治州商务局", "2019年6月15日", 1350, 75),  # 13 over 6.5
    ("审计局", "2019年12月25日", 1300, 600),  # the date the longer: 7 over 3
])
def test_signature_is_centred_on_the_date_four_characters_in(name, date, left, name_right):
    """GB/T 9704 7.3.5.1 (加盖印章): 成文日期右空四字; 发文机关署名 on the line above,
    centred on the date. Both are centred from one left indent to the right edge (28
    characters); positions in hundredths of a character."""
    from types import SimpleNamespace

    from reportgen.compose import closing_block

    blocks = closing_block(SimpleNamespace(basic=SimpleNamespace(name=name)), date)
    sign, when = blocks[-2:]
    assert (sign.style, sign.text, when.style, when.text) == (
        "Signature", name, "SignatureDate", date)
    assert sign.left_chars == when.left_chars == left
    space = 2800 - left
    date_w, name_w = display_width(date) * 50, display_width(name) * 50
    assert (space - date_w) // 2 == 400  # 右空四字
    assert (space - name_w) // 2 == name_right  # the name's right gap: centred on the date
    # In the XML: twips of the grid's character (156 mm = 8844 twips, over 28).
    from reportgen.render.wordml import ParagraphPolicy

    for block in (sign, when):
        xml = etree.fromstring(ParagraphPolicy().render(block).replace(
            "<w:p>", f'<w:p xmlns:w="{W}">', 1))
        assert xml.find("w:pPr/w:ind", NS).attrib == {q("w:left"): str(round(left * 8844 / 2800))}


def test_a_name_too_wide_to_centre_wraps_inside_its_space():
    """A name more than eight characters wider than the date cannot be centred on it
    within the text block: it wraps in the same space, each line centred on the date,
    never past the right edge."""
    from types import SimpleNamespace

    from reportgen.compose import closing_block

    name = "湘西土家族苗族自治州人民政府办公室机关事务服务中心"  # 24 characters
    sign, when = closing_block(SimpleNamespace(basic=SimpleNamespace(name=name)),
                               "2019年6月15日")[-2:]
    assert sign.left_chars == when.left_chars == 1350
    assert 2800 - sign.left_chars < display_width(name) * 50  # so it takes two lines


def test_date_is_written_in_full_without_leading_zeros():
    """GB/T 9704 7.3.5: 年、月、日标全, the year in full, no 虚位 (1 not 01)."""
    import datetime as dt

    from reportgen.text import chinese_date

    assert chinese_date(dt.date(2019, 3, 5)) == "2019年3月5日"
    assert chinese_date(dt.date(2020, 12, 31)) == "2020年12月31日"


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


def test_paragraph_after_a_table_takes_no_line(parts):
    """Word wants a paragraph after a table that ends a placeholder's blocks; a full line of
    it, after a 附件1 that filled its page, made a blank page before 附件2's page break."""
    ends = [p for p in parts["word/document.xml"].iter(q("w:p"))
            if p.getprevious() is not None and p.getprevious().tag == q("w:tbl")
            and not texts(p).strip()]
    assert len(ends) >= 2  # after 附件1 and after 附件2
    for p in ends:
        spacing = p.find("w:pPr/w:spacing", NS)
        assert spacing.get(q("w:lineRule")) == "exact" and int(spacing.get(q("w:line"))) <= 20


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
    assert widths[1] >= len("分值") * char + margins  # the heading, not only the figure
    assert widths[4] >= len("预决算信息公开性") * char + margins  # eight 字
    # longer names break where their framework marks it: every line fits, and the width
    # saved goes to 评价标准 and 指标说明
    for builtin in builtin_frameworks():
        for _, _, ind in load_framework(builtin.path).indicators():
            assert all(display_width(line) * char / 2 + margins <= widths[4]
                       for line in ind.name_lines), ind.name
    assert widths[4] < 9 * char + margins
    assert widths[6] + widths[7] >= 0.49 * sum(widths)
    styles = parts["word/styles.xml"]
    mar = styles.find("w:style[@w:styleId='ReportTable']/w:tblPr/w:tblCellMar", NS)
    assert {child.tag.split("}")[1] for child in mar} == {"top", "left", "bottom", "right"}
    assert all(int(child.get(q("w:w"))) > 0 for child in mar)


def test_body_opens_on_an_odd_page(parts):
    """Printed on both sides (GB/T 9704), "— 1 —" is the front of a sheet: the body's section
    starts on an odd page (the cover's back stays blank) and restarts its numbering at 1."""
    portrait, _ = _sections(parts)
    cover, body = portrait
    assert cover.find("w:type", NS).get(q("w:val")) == "nextPage"
    assert body.find("w:type", NS).get(q("w:val")) == "oddPage"
    assert body.find("w:pgNumType", NS).get(q("w:start")) == "1"


@needs_libreoffice
def test_libreoffice_prints_the_covers_back_blank(example_pdf):
    def page(n: int) -> str:
        return subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(example_pdf), "-"],
                              capture_output=True, text=True, check=True).stdout

    assert "部门整体支出绩效评价报告" in page(1)
    assert page(2).strip() == ""
    assert re.search(r"—\s*1\s*—", page(3)) and "部门整体支出绩效评价报告" in page(3)
