"""Build templates/report.docx, the docxtpl template of a 部门整体支出绩效评价报告.

Run as ``python templates/build_template.py``. The output is byte-for-byte
deterministic, so the committed .docx only changes when this script does.

Layout follows GB/T 9704-2012 (党政机关公文格式): A4, 版心 156 mm x 225 mm,
22 lines per page, 三号仿宋_GB2312 body, 黑体/楷体 headings, "— 1 —" page numbers.
The template is built programmatically so that every Jinja tag sits in one run
(Word would split hand-typed tags across runs).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import sys
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.section import CT_SectPr
from docx.section import Section
from docx.shared import Pt, Twips
from docx.text.paragraph import Paragraph
from lxml import etree

if not __package__:  # run as a script from a checkout: python templates/build_template.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reportgen.render.prepatched import sidecar_path  # noqa: E402
from reportgen.render.template import prepatched_sidecar  # noqa: E402
from reportgen.template_contract import (  # noqa: E402 - after the path fix above
    ATTACHMENTS,
    BODY,
    DRAFT_MARK,
    DRAFT_MARK_NAME,
    HEADINGS,
    LINE_CHARS,
    PARAGRAPH_STYLES,
    TABLE_CAPTION,
    TABLE_CENTER,
    TABLE_HEADING,
    TABLE_NUMBER,
    TABLE_STYLE,
    TABLE_STYLE_NAME,
    TABLE_TEXT,
    TEXT_WIDTH_MM,
)
from reportgen.zipfiles import restamped  # noqa: E402

OUT = Path(__file__).with_name("report.docx")

FIXED_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
# Word 2010's copy of styles.xml, full of theme fonts; python-docx has no constant for it.
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

# Official font names: the document must name these even though Linux lacks them
# (tools/preview-fonts.conf maps them to free look-alikes for previews).
FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"
LATIN = "Times New Roman"

# Font-table entries: charset 86 = GB2312; altName is what Word falls back to when
# the GB2312-era font is missing (stock Windows ships 仿宋/楷体, not the _GB2312 ones).
FONT_TABLE: list[tuple[str, str | None, str, str]] = [
    # (name, altName, family, pitch)
    (LATIN, None, "roman", "variable"),
    (SONGTI, "SimSun", "auto", "variable"),
    (FANGSONG, "仿宋", "modern", "fixed"),
    (KAITI, "楷体", "modern", "fixed"),
    (HEITI, "SimHei", "modern", "fixed"),
    (XIAOBIAOSONG, "宋体", "auto", "variable"),
]


def mm(value: float) -> int:
    """Millimetres to twips (1/20 pt), the unit of page geometry in WordprocessingML."""
    return round(value * 1440 / 25.4)


# --- Page geometry (GB/T 9704) -------------------------------------------------
A4_W, A4_H = 11906, 16838
# 版心 156 mm x 225 mm, 天头 37 mm and 订口 28 mm (GB/T 9704 5.2.1).
TEXT_W, TEXT_H = mm(TEXT_WIDTH_MM), mm(225)
MARGIN_TOP, MARGIN_LEFT = mm(37), mm(28)
MARGIN_RIGHT, MARGIN_BOTTOM = A4_W - MARGIN_LEFT - TEXT_W, A4_H - MARGIN_TOP - TEXT_H
ONE_CHAR = 320  # one 三号 character (16 pt) in twips
HEADER_DIST = mm(15)
# GB/T 9704 puts the 一字线 of "— 1 —" 7 mm below the text block. The dashes sit about 3 mm
# above the footer's bottom edge (measured in a 14 pt 宋体 footer), hence margin - 10 mm.
PAGE_NUMBER_LIFT = mm(7 + 3)
FOOTER_DIST = MARGIN_BOTTOM - PAGE_NUMBER_LIFT
# 225 mm text height / 22 lines = 579 twips (28.95 pt): both the grid pitch and body leading.
LINE_PITCH = TEXT_H // 22
# 22 lines of 28 characters. The grid is declared as 公文 templates have it (charSpace -849:
# a pitch of 16 pt less 0.207 pt, rounded down so that the 28th still fits), but body text is
# not snapped to it: LibreOffice gives a glyph wider than its grid cell two cells (justified
# lines spread to 14 characters in its PDFs) and rounds runs of digits up to whole cells. Body
# text keeps the 28.95 pt leading exactly instead, and is condensed by 0.3 pt a character,
# so that 28 fit in 156 mm and 29 do not.
CHAR_PITCH = TEXT_W / LINE_CHARS  # twips; 28 x 16 pt would take 158 mm
CHAR_SPACE = math.floor((CHAR_PITCH / 20 - 16) * 4096)
# In twips, i.e. twentieths of a point (w:spacing's unit): the 0.21 pt that 28 need, and one
# more, since LibreOffice rounds each advance to its reference device (measured: 0.25 pt
# still set 27 a line there).
CONDENSE = math.ceil(ONE_CHAR - CHAR_PITCH) + 1

# The landscape appendix keeps the portrait text block where it is on the paper, turned:
# its left edge is the portrait bottom, its top the portrait left (订口), so its margins
# are the portrait ones, turned, and its text block is 225 mm x 156 mm.
APPX_MARGIN_TOP, APPX_MARGIN_BOTTOM = MARGIN_LEFT, MARGIN_RIGHT
APPX_MARGIN_LEFT, APPX_MARGIN_RIGHT = MARGIN_BOTTOM, MARGIN_TOP
APPX_FOOTER_DIST = APPX_MARGIN_BOTTOM - PAGE_NUMBER_LIFT

BODY_PT = 16  # 三号
TABLE_PT = 10.5  # 五号
TABLE_LINE = 260  # 13 pt exact: 五号 set close (a font's own single spacing runs to 1.5 lines)


# --- Styles ----------------------------------------------------------------------
@dataclass(frozen=True)
class ParaStyle:
    """A paragraph style; None means "inherit from based_on"."""

    style_id: str
    name: str
    east_asia: str | None = None
    latin: str | None = None  # ascii/hAnsi/cs font; defaults to the East Asian font
    size_pt: float | None = None
    based_on: str | None = "Normal"
    next_style: str | None = None
    builtin: bool = False
    bold: bool = False
    jc: str | None = None
    indent_chars: int | None = None  # first-line indent in characters; 0 removes it
    left: int | None = None  # left indent, twips
    left_chars: int | None = None  # left indent, hundredths of a character
    hanging_chars: int | None = None  # hanging indent, hundredths of a character
    line: int | None = None  # line spacing, twips (exact) or 240ths (auto)
    line_rule: str = "exact"
    before: int | None = None
    after: int | None = None
    outline: int | None = None
    keep_next: bool = False
    snap_to_grid: bool = True
    widow_control: bool = False
    auto_space: bool = True  # Word's extra space between CJK and Latin text or digits
    ui_priority: int | None = None


def _rfonts_xml(east_asia: str, latin: str | None) -> str:
    latin = latin or east_asia
    return (
        f'<w:rFonts w:ascii="{latin}" w:eastAsia="{east_asia}" w:hAnsi="{latin}" w:cs="{latin}"/>'
    )


_ALIGN = {"both": WD_ALIGN_PARAGRAPH.JUSTIFY, "left": WD_ALIGN_PARAGRAPH.LEFT,
          "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}
# What may follow w:snapToGrid in a w:pPr (python-docx has no property for it).
_AFTER_SNAP_TO_GRID = ("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                       "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                       "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
                       "w:sectPr", "w:pPrChange")
# What may follow w:spacing (character spacing) in a w:rPr.
_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
            "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
            "w:eastAsianLayout", "w:specVanish", "w:oMath")


def add_paragraph_style(doc: DocxDocument, s: ParaStyle) -> None:
    """The style through python-docx's own classes, which keep the schema's child order;
    raw attributes only where it has no property (firstLineChars, snapToGrid, w:cs …)."""
    style = doc.styles.add_style(s.name, WD_STYLE_TYPE.PARAGRAPH, builtin=s.builtin)
    style.style_id = s.style_id
    element = style.element
    if s.style_id == BODY:
        element.set(qn("w:default"), "1")
    if s.based_on:
        element.basedOn_val = s.based_on
    if s.next_style:
        element.get_or_add_next().val = s.next_style
    if s.ui_priority is not None:
        element.uiPriority_val = s.ui_priority
    style.quick_style = True
    fmt = style.paragraph_format
    if s.keep_next:
        fmt.keep_with_next = True
    if s.widow_control:
        fmt.widow_control = True
    if not s.auto_space:
        for name in ("w:autoSpaceDE", "w:autoSpaceDN"):
            element.get_or_add_pPr().insert_element_before(
                OxmlElement(name, {qn("w:val"): "0"}), "w:bidi", "w:adjustRightInd",
                "w:snapToGrid", *_AFTER_SNAP_TO_GRID)
    if not s.snap_to_grid:
        # Single-spaced text would otherwise snap to the 28.95 pt line grid, and body text to
        # the character grid (see CONDENSE).
        snap = OxmlElement("w:snapToGrid", {qn("w:val"): "0"})
        element.get_or_add_pPr().insert_element_before(snap, *_AFTER_SNAP_TO_GRID)
    if s.before is not None:
        fmt.space_before = Twips(s.before)
    if s.after is not None:
        fmt.space_after = Twips(s.after)
    if s.line is not None and s.line_rule == "exact":
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Twips(s.line)
    elif s.line is not None:
        fmt.line_spacing = s.line / SINGLE  # "auto": a multiple of single spacing
    if s.left_chars is not None:
        # Character units win in Word/WPS; twips are the fallback for other readers.
        size = (s.size_pt or BODY_PT) * 20
        fmt.left_indent = Twips(round(s.left_chars / 100 * size))
        fmt.first_line_indent = Twips(-round((s.hanging_chars or 0) / 100 * size))
        element.pPr.ind.set(qn("w:leftChars"), str(s.left_chars))
        if s.hanging_chars:
            element.pPr.ind.set(qn("w:hangingChars"), str(s.hanging_chars))
    elif s.indent_chars is not None or s.left is not None:
        if s.left is not None:
            fmt.left_indent = Twips(s.left)
        chars = s.indent_chars or 0
        # firstLineChars wins in Word/WPS; firstLine is the fallback for other readers.
        fmt.first_line_indent = Twips(round(chars / 100 * (s.size_pt or BODY_PT) * 20))
        element.pPr.ind.set(qn("w:firstLineChars"), str(chars))
    if s.jc:
        fmt.alignment = _ALIGN[s.jc]
    if s.outline is not None:
        element.get_or_add_pPr().get_or_add_outlineLvl().val = s.outline
    font = style.font
    if s.east_asia:
        latin = s.latin or s.east_asia
        fonts = element.get_or_add_rPr().get_or_add_rFonts()
        font.name = latin  # w:ascii and w:hAnsi
        fonts.set(qn("w:eastAsia"), s.east_asia)
        fonts.set(qn("w:cs"), latin)
    if s.bold:
        font.bold = True
        element.rPr.get_or_add_bCs()
    if s.size_pt is not None:
        font.size = Pt(s.size_pt)
        size_cs = OxmlElement("w:szCs", {qn("w:val"): str(round(s.size_pt * 2))})
        element.rPr.sz.addnext(size_cs)  # complex-script size: python-docx has no property
    # Body-size text is condensed to 28 characters a line (CONDENSE); other sizes are not.
    condense = CONDENSE if s.style_id == BODY else 0 if s.size_pt not in (None, BODY_PT) else None
    if condense is not None:
        spacing = OxmlElement("w:spacing", {qn("w:val"): str(-condense)})
        element.get_or_add_rPr().insert_element_before(spacing, *_AFTER_SPACING)


def _heading(level: int, font: str, bold: bool = False) -> ParaStyle:
    # Built-in names ("heading 1") keep Word's navigation pane, TOC and localisation working.
    return ParaStyle(
        HEADINGS.get(level, f"Heading{level}"),
        PARAGRAPH_STYLES.get(HEADINGS.get(level, ""), f"heading {level}"),
        east_asia=font,
        latin=LATIN if font == FANGSONG else None,
        size_pt=BODY_PT,
        next_style="Normal",
        builtin=True,
        bold=bold,
        indent_chars=200,
        outline=level - 1,
        keep_next=True,
        ui_priority=9,
    )


NO_INDENT = 0
SINGLE = 240  # "auto" line spacing in 240ths of a line

# Body-text styles (仿宋/宋体) take Times New Roman for Latin letters and digits
# (latin=LATIN); titles, 黑体/楷体 headings and the page number use their Chinese face
# for everything. Kept one style per block, hence no auto-formatting here.
# fmt: off
PARA_STYLES: list[ParaStyle] = [
    ParaStyle(
        BODY, PARAGRAPH_STYLES[BODY], east_asia=FANGSONG, latin=LATIN, size_pt=BODY_PT,
        based_on=None, builtin=True, jc="both", indent_chars=200,
        line=LINE_PITCH, before=0, after=0, widow_control=True, snap_to_grid=False,
    ),
    ParaStyle("BodyNoIndent", "正文无缩进", indent_chars=NO_INDENT),
    ParaStyle(
        # Its 35 pt leading is off the 28.95 pt grid: snapping would double it.
        "Title", "Title", east_asia=XIAOBIAOSONG, size_pt=22, next_style="Normal",
        builtin=True, jc="center", indent_chars=NO_INDENT, line=700, after=LINE_PITCH,
        snap_to_grid=False, ui_priority=10,
    ),
    _heading(1, HEITI),
    _heading(2, KAITI),
    _heading(3, FANGSONG, bold=True),
    _heading(4, FANGSONG),
    ParaStyle(
        TABLE_TEXT, PARAGRAPH_STYLES[TABLE_TEXT], east_asia=SONGTI, latin=LATIN, size_pt=TABLE_PT,
        jc="left", indent_chars=NO_INDENT, left=0, line=TABLE_LINE, line_rule="exact",
        before=0, after=0, snap_to_grid=False,
    ),
    ParaStyle(TABLE_CENTER, PARAGRAPH_STYLES[TABLE_CENTER], based_on=TABLE_TEXT, jc="center"),
    # Amounts right-aligned: with two decimals always, their decimal points line up.
    ParaStyle(TABLE_NUMBER, PARAGRAPH_STYLES[TABLE_NUMBER], based_on=TABLE_TEXT, jc="right"),
    ParaStyle(
        TABLE_HEADING, PARAGRAPH_STYLES[TABLE_HEADING], east_asia=HEITI, size_pt=TABLE_PT,
        based_on=TABLE_TEXT, jc="center",
    ),
    ParaStyle(
        # Above a table in the body, centred: the body's face and size in bold, on its grid.
        TABLE_CAPTION, PARAGRAPH_STYLES[TABLE_CAPTION], bold=True, jc="center",
        indent_chars=NO_INDENT, keep_next=True,
    ),
    ParaStyle(
        "AppendixLabel", "附件标识", east_asia=HEITI, size_pt=BODY_PT, jc="left",
        indent_chars=NO_INDENT,
    ),
    ParaStyle(
        # GB/T 9704 8: "附件N" on the text block's first line, the title on its third, the
        # table right below it.
        "AppendixTitle", "附件标题", east_asia=XIAOBIAOSONG, size_pt=18, jc="center",
        indent_chars=NO_INDENT, before=LINE_PITCH, after=0,
    ),
    ParaStyle(
        # The cover is spaced by paragraph spacing, never by blank paragraphs.
        "CoverUnit", "封面单位名称", east_asia=XIAOBIAOSONG, size_pt=26, jc="center",
        indent_chars=NO_INDENT, line=800, snap_to_grid=False, before=4 * LINE_PITCH,
    ),
    ParaStyle(
        "CoverTitle", "封面报告标题", east_asia=XIAOBIAOSONG, size_pt=22, jc="center",
        indent_chars=NO_INDENT, line=700, snap_to_grid=False, before=LINE_PITCH,
        after=7 * LINE_PITCH,
    ),
    ParaStyle(
        # The left indent lines the "标签：值" rows up under the centred titles.
        "CoverField", "封面栏目", east_asia=FANGSONG, latin=LATIN, size_pt=BODY_PT,
        jc="left", indent_chars=NO_INDENT, left=mm(40),
    ),
    ParaStyle(
        # 附件说明: one line below the body, two characters in; "1." "2." hang under each
        # other after "附件：" (three characters). The closing block (附件说明, 署名, 成文日期)
        # is kept on one page.
        "AttachmentNote", "附件说明", indent_chars=NO_INDENT, before=LINE_PITCH,
        left_chars=500, hanging_chars=300, keep_next=True,
    ),
    ParaStyle("AttachmentNoteNext", "附件说明续行", indent_chars=NO_INDENT, left_chars=500,
              keep_next=True),
    ParaStyle(
        # 发文机关署名 two lines below the note (空二行): a seal of about 42 mm (four lines)
        # then has its top within a line of the note and its centre just above 署名 and
        # 成文日期 (GB/T 9704 7.3.5.1). Both are centred between a left indent given per
        # report and the right edge, so the name is centred on the date whatever the fonts.
        "Signature", "署名", jc="center", indent_chars=NO_INDENT, before=2 * LINE_PITCH,
        keep_next=True,
    ),
    # No extra space between the date's digits and 年月日 (Word adds it by default), so the
    # date is as wide as its characters and ends four characters from the right edge.
    ParaStyle("SignatureDate", "成文日期", jc="center", indent_chars=NO_INDENT,
              auto_space=False),
    ParaStyle(
        # The draft notice (草稿) on every page; empty, and so invisible, when final.
        "Header", "header", east_asia=HEITI, size_pt=14, builtin=True, jc="center",
        indent_chars=NO_INDENT, line=SINGLE, line_rule="auto", snap_to_grid=False,
        ui_priority=99,
    ),
    ParaStyle(
        # 四号半角宋体 page number (GB/T 9704).
        "Footer", "footer", east_asia=SONGTI, size_pt=14, builtin=True, jc="center",
        indent_chars=NO_INDENT, line=SINGLE, line_rule="auto", snap_to_grid=False,
        ui_priority=99,
    ),
]
# fmt: on

# Word needs these defaults to exist; they carry no formatting of their own.
DEFAULT_STYLES_XML = [
    '<w:style {ns} w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
    '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
    "<w:unhideWhenUsed/></w:style>",
    '<w:style {ns} w:type="table" w:default="1" w:styleId="TableNormal">'
    '<w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/>'
    '<w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
    '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
    '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
    "</w:tblCellMar></w:tblPr></w:style>",
    '<w:style {ns} w:type="numbering" w:default="1" w:styleId="NoList">'
    '<w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/>'
    "<w:unhideWhenUsed/></w:style>",
]


def table_style_xml() -> str:
    """ReportTable: ½ pt single borders everywhere, cell margins 1 mm left and right and
    0.5 mm above and below (text never touches a rule), 五号宋体."""
    border = 'w:val="single" w:sz="4" w:space="0" w:color="auto"'
    borders = "".join(
        f"<w:{side} {border}/>" for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    pad = mm(1)
    return (
        f'<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="{TABLE_STYLE}">'
        f'<w:name w:val="{TABLE_STYLE_NAME}"/><w:basedOn w:val="TableNormal"/>'
        '<w:uiPriority w:val="59"/><w:qFormat/>'
        '<w:pPr><w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" '
        'w:line="240" w:lineRule="auto"/><w:ind w:firstLineChars="0" w:firstLine="0"/>'
        "</w:pPr>"
        f"<w:rPr>{_rfonts_xml(SONGTI, LATIN)}"
        '<w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr>'
        f"<w:tblPr><w:tblBorders>{borders}</w:tblBorders>"
        f'<w:tblCellMar><w:top w:w="{pad // 2}" w:type="dxa"/><w:left w:w="{pad}" w:type="dxa"/>'
        f'<w:bottom w:w="{pad // 2}" w:type="dxa"/><w:right w:w="{pad}" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr>"
        "</w:style>"
    )


def doc_defaults_xml() -> str:
    # Explicit fonts and zh-CN (no theme fonts) so nothing falls back to Calibri/MS Mincho.
    return (
        f"<w:docDefaults {nsdecls('w')}><w:rPrDefault><w:rPr>"
        f"{_rfonts_xml(FANGSONG, LATIN)}"
        f'<w:kern w:val="2"/><w:sz w:val="{BODY_PT * 2}"/><w:szCs w:val="{BODY_PT * 2}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
        "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
        '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
        "</w:pPr></w:pPrDefault></w:docDefaults>"
    )


def install_styles(doc: DocxDocument) -> None:
    """Replace python-docx's ~160 theme-font styles with exactly the styles we use."""
    styles = doc.styles.element
    for style in styles.findall(qn("w:style")):
        styles.remove(style)
    styles.replace(styles.find(qn("w:docDefaults")), parse_xml(doc_defaults_xml()))
    ns = nsdecls("w")
    for xml in DEFAULT_STYLES_XML:
        styles.append(parse_xml(xml.format(ns=ns)))
    for spec in PARA_STYLES:
        add_paragraph_style(doc, spec)
    styles.append(parse_xml(table_style_xml()))
    styles.append(parse_xml(
        f'<w:style {ns} w:type="character" w:customStyle="1" w:styleId="{DRAFT_MARK}">'
        f'<w:name w:val="{DRAFT_MARK_NAME}"/><w:basedOn w:val="DefaultParagraphFont"/>'
        '<w:uiPriority w:val="1"/><w:qFormat/>'
        # shading, not w:highlight, which a style may not carry (Word ignores it there)
        '<w:rPr><w:shd w:val="clear" w:color="auto" w:fill="FFFF00"/></w:rPr>'
        "</w:style>"))


# --- Package clean-up --------------------------------------------------------------
def drop_unused_parts(doc: DocxDocument) -> None:
    """Drop parts that only carry noise: theme-font styles copy, thumbnail, bibliography."""
    unwanted = {STYLES_WITH_EFFECTS, RT.CUSTOM_XML}
    for r_id, rel in list(doc.part.rels.items()):
        if rel.reltype in unwanted:
            doc.part.drop_rel(r_id)
    pkg_rels = doc.part.package.rels
    for r_id, rel in list(pkg_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            pkg_rels.pop(r_id)
    # Its list definitions point at styles that no longer exist.
    numbering = doc.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)


def clean_settings(doc: DocxDocument) -> None:
    """No revision-session ids (rsid noise), Chinese theme language, Word 2013+ layout."""
    settings = doc.settings.element
    for tag in ("w:rsids", "w:savePreviewPicture", "w:proofState"):
        for el in settings.findall(qn(tag)):
            settings.remove(el)
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    # python-docx's template says Word 2010 (14), which opens in "compatibility mode".
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")


def font_table_xml() -> bytes:
    fonts = []
    for name, alt, family, pitch in FONT_TABLE:
        alt_xml = f'<w:altName w:val="{alt}"/>' if alt else ""
        charset = "00" if name == LATIN else "86"
        fonts.append(
            f'<w:font w:name="{name}">{alt_xml}<w:charset w:val="{charset}"/>'
            f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
        )
    xml = f"<w:fonts {nsdecls('w')}>{''.join(fonts)}</w:fonts>"
    return etree.tostring(
        etree.fromstring(xml), xml_declaration=True, encoding="UTF-8", standalone=True
    )


def replace_font_table(doc: DocxDocument) -> None:
    # python-docx loads fontTable.xml as an opaque Part; replacing its blob is the only API.
    for rel in doc.part.rels.values():
        if rel.reltype == RT.FONT_TABLE:
            rel.target_part._blob = font_table_xml()


APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"><Application>reportgen</Application></Properties>')


def set_app_properties(doc: DocxDocument) -> None:
    """The application that wrote the file is reportgen, not the Word that made python-docx's
    blank document; page and word counts it cannot know are left out."""
    for rel in doc.part.package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = APP_XML


def set_core_properties(doc: DocxDocument) -> None:
    props = doc.core_properties
    props.author = "reportgen"
    props.last_modified_by = "reportgen"
    props.comments = ""
    props.title = ""
    props.subject = ""
    props.keywords = ""
    props.category = ""
    props.revision = 1
    props.created = FIXED_TIME
    props.modified = FIXED_TIME


# --- Sections ------------------------------------------------------------------------
def section_properties(
    *, landscape: bool = False, restart_numbering: bool = False, line_grid: bool = True,
    start: str = "nextPage",
) -> CT_SectPr:
    """A new-page section's w:sectPr, through python-docx's Section where it has properties."""
    sect_pr = OxmlElement("w:sectPr")
    section = Section(sect_pr, None)  # no document part: headers and footers come later
    # Written out although nextPage is the default: python-docx would leave it implicit.
    sect_pr.get_or_add_type().set(qn("w:val"), start)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Twips(A4_H), Twips(A4_W)
        top, bottom = APPX_MARGIN_TOP, APPX_MARGIN_BOTTOM
        left, right = APPX_MARGIN_LEFT, APPX_MARGIN_RIGHT
        footer = APPX_FOOTER_DIST
    else:
        section.page_width, section.page_height = Twips(A4_W), Twips(A4_H)
        top, bottom, left, right = MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT
        footer = FOOTER_DIST
    section.top_margin, section.bottom_margin = Twips(top), Twips(bottom)
    section.left_margin, section.right_margin = Twips(left), Twips(right)
    section.header_distance, section.footer_distance = Twips(HEADER_DIST), Twips(footer)
    section.gutter = Twips(0)
    # No python-docx property for these three; appended in the schema's order.
    if restart_numbering:
        sect_pr.append(OxmlElement("w:pgNumType", {qn("w:start"): "1"}))
    sect_pr.append(OxmlElement("w:cols", {qn("w:space"): "425"}))
    # The appendix holds tables only, so it gets no line grid.
    grid = ({qn("w:type"): "linesAndChars", qn("w:linePitch"): str(LINE_PITCH),
             qn("w:charSpace"): str(CHAR_SPACE)} if line_grid
            else {qn("w:linePitch"): "312"})
    sect_pr.append(OxmlElement("w:docGrid", grid))
    return sect_pr


def end_section_in(paragraph: Paragraph, sect_pr: CT_SectPr) -> None:
    """A section's properties live in its last paragraph (except the final section)."""
    paragraph._p.get_or_add_pPr().append(sect_pr)


PAGE_NUMBER_RUNS = (
    '<w:r><w:t xml:space="preserve">— </w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    "<w:r><w:t>1</w:t></w:r>"
    '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    '<w:r><w:t xml:space="preserve"> —</w:t></w:r>'
)


def _page_number_xml(jc: str, side: str) -> str:
    """ "— N —" with a real PAGE field (complex field: WPS and Word both update it), one
    character in from the right on odd pages and from the left on even pages (GB/T 9704)."""
    return (f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="Footer"/>'
            f'<w:ind w:{side}="{ONE_CHAR}"/><w:jc w:val="{jc}"/></w:pPr>{PAGE_NUMBER_RUNS}</w:p>')


# Landscape pages are read with the paper turned, the table's head toward the paper's left
# edge (订口 on odd pages, 切口 on even ones): the portrait bottom edge is the landscape
# page's left edge and the portrait right edge its bottom. GB/T 9704 keeps the page number
# where it is on the paper, so there it runs down the left edge, turned with the paper.
LANDSCAPE_NUMBER_X = MARGIN_BOTTOM - mm(7)  # the portrait number: 7 mm below the text block
# Across the turned text: one 四号 line, which Word sets 1.3 em high in 宋体 (6.4 mm); the
# box is centred on its place, so a wider one only leaves room.
LANDSCAPE_NUMBER_W = mm(10)
LANDSCAPE_NUMBER_H = mm(40)  # holds "— 999 —"
EMU_PER_TWIP = 635
NS_DRAWING = (
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    ' xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
    ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
    ' xmlns:v="urn:schemas-microsoft-com:vml"')


def _landscape_page_number_xml(odd: bool) -> str:
    """The number in a text box anchored to the page, its text turned a quarter clockwise
    (DrawingML vert="vert", VML layout-flow:vertical in the fallback Word 2007 reads), as
    Word itself writes a text box. A drawing with no wrapping takes no room in the footer
    or the body in any editor; how one treats a floating table in a footer is unspecified
    (LibreOffice 7.4 gave the body its full height with one too).
    Odd pages: it ends one character above the portrait right margin; even pages: it starts
    one character below the portrait left margin."""
    if odd:
        top, jc = A4_W - MARGIN_RIGHT - ONE_CHAR - LANDSCAPE_NUMBER_H, "right"
    else:
        top, jc = MARGIN_LEFT + ONE_CHAR, "left"
    w, h = LANDSCAPE_NUMBER_W, LANDSCAPE_NUMBER_H
    left = LANDSCAPE_NUMBER_X - w // 2
    # docPr ids are unique in the package: the body has no drawings, the footers one each.
    shape_id, name = (1, "页码（奇数页）") if odd else (2, "页码（偶数页）")
    content = ('<w:txbxContent><w:p><w:pPr><w:pStyle w:val="Footer"/>'
               f'<w:jc w:val="{jc}"/></w:pPr>{PAGE_NUMBER_RUNS}</w:p></w:txbxContent>')
    cx, cy = w * EMU_PER_TWIP, h * EMU_PER_TWIP
    drawing = (
        '<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0"'
        ' relativeHeight="1" behindDoc="0" locked="1" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="page"><wp:posOffset>{left * EMU_PER_TWIP}'
        '</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="page"><wp:posOffset>{top * EMU_PER_TWIP}'
        '</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:wrapNone/><wp:docPr id="{shape_id}" name="{name}"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData'
        ' uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr>'
        f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln>'
        f'</wps:spPr><wps:txbx>{content}</wps:txbx>'
        '<wps:bodyPr rot="0" vert="vert" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0"'
        ' anchor="ctr" anchorCtr="0"><a:noAutofit/></wps:bodyPr>'
        '</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>')
    pt = 20  # twips per point
    style = (f"position:absolute;margin-left:{left / pt}pt;margin-top:{top / pt}pt;"
             f"width:{w / pt}pt;height:{h / pt}pt;z-index:1;"
             "mso-position-horizontal:absolute;mso-position-horizontal-relative:page;"
             "mso-position-vertical:absolute;mso-position-vertical-relative:page;"
             "v-text-anchor:middle")
    fallback = (
        f'<w:pict><v:shape id="{name}" type="#_x0000_t202" style="{style}"'
        ' filled="f" stroked="f"><v:textbox style="layout-flow:vertical" inset="0,0,0,0">'
        f"{content}</v:textbox></v:shape></w:pict>")
    return (
        f'<w:p {nsdecls("w")} {NS_DRAWING}><w:pPr><w:pStyle w:val="Footer"/></w:pPr><w:r>'
        f'<mc:AlternateContent><mc:Choice Requires="wps">{drawing}</mc:Choice>'
        f"<mc:Fallback>{fallback}</mc:Fallback></mc:AlternateContent></w:r></w:p>")


def _fill(part, xml: str) -> None:
    element = part._element
    for child in list(element):
        element.remove(child)
    element.append(parse_xml(xml))


def fill_footer(doc: DocxDocument, section_index: int) -> None:
    """Odd pages right, even pages left (settings: evenAndOddHeaders); the later portrait
    sections inherit both; the cover has none."""
    section = doc.sections[section_index]
    section.footer.is_linked_to_previous = False
    _fill(section.footer, _page_number_xml("right", "right"))
    section.even_page_footer.is_linked_to_previous = False
    _fill(section.even_page_footer, _page_number_xml("left", "left"))


def fill_landscape_footer(doc: DocxDocument, section_index: int) -> None:
    """The landscape appendix's own footers: the number where the portrait pages have it
    on the paper, in a text box anchored to the footer's one paragraph."""
    section = doc.sections[section_index]
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        footer.is_linked_to_previous = False
        _fill(footer, _landscape_page_number_xml(odd))


def fill_header(doc: DocxDocument, section_index: int) -> None:
    """{{ 草稿 }}: "草稿　尚有N处错误待核实…" on a draft, nothing on a final report.
    Set on the first section, odd and even pages; the others inherit it: every page."""
    section = doc.sections[section_index]
    xml = (f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="Header"/></w:pPr>'
           "<w:r><w:t>{{ 草稿 }}</w:t></w:r></w:p>")
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False
        _fill(header, xml)


# --- Body ----------------------------------------------------------------------------
def para(doc: DocxDocument, style_id: str, text: str = "") -> Paragraph:
    """Add a paragraph whose text (often one Jinja tag) is a single run."""
    paragraph = doc.add_paragraph()
    paragraph._p.style = style_id  # set the ID directly; python-docx looks up by name
    if text:
        paragraph.add_run(text)
    return paragraph


MAIN_CHAPTERS = [
    ("一、基本情况", "基本情况"),
    ("二、绩效评价工作情况", "绩效评价工作情况"),
    ("三、部门整体支出绩效评价分析", "绩效评价分析"),
    ("四、需要说明事项", "需要说明事项"),
    ("五、绩效评价结论", "绩效评价结论"),
    ("六、经验教训与建议", "经验教训与建议"),
]


def build_cover(doc: DocxDocument) -> None:
    para(doc, "CoverUnit", "{{ 单位名称 }}")
    para(doc, "CoverTitle", "{{ 年度 }}年度部门整体支出绩效评价报告")
    para(doc, "CoverField", "{%p if 预算编码 %}")
    para(doc, "CoverField", "预算编码：{{ 预算编码 }}")
    para(doc, "CoverField", "{%p endif %}")
    para(doc, "CoverField", "评价方式：{{ 评价方式 }}")
    para(doc, "CoverField", "评价单位：{{ 单位名称 }}")
    last = para(doc, "CoverField", "报告日期：{{ 报告日期 }}")
    end_section_in(last, section_properties())


def section_break_paragraph(doc: DocxDocument) -> Paragraph:
    """Holds a section break after a {{p}} tag, which docxtpl replaces whole.

    0.6 pt exact leading keeps it invisible and, unlike a full 28.95 pt line, it
    still fits when the last page is completely full (18 twips slack).
    """
    paragraph = para(doc, "BodyNoIndent")
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:spacing {nsdecls("w")} w:line="12" w:lineRule="exact"/>'))
    ppr.append(parse_xml(f'<w:rPr {nsdecls("w")}><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>'))
    return paragraph


def build_main(doc: DocxDocument) -> None:
    # Two lines broken between words where composition says (never inside 绩效).
    title = para(doc, "Title", "{{ 标题上行 }}")
    title._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:br/><w:t>{{{{ 标题下行 }}}}</w:t></w:r>'))
    para(doc, "Normal", "{{p 引言 }}")
    for heading, variable in MAIN_CHAPTERS:
        para(doc, "Heading1", heading)
        para(doc, "Normal", f"{{{{p {variable} }}}}")
    # 附件说明, then the unit's name and the date (GB/T 9704 7.3.5): made by composition.
    para(doc, "Normal", "{{p 落款 }}")
    # The body opens on an odd page: printed on both sides (GB/T 9704), "— 1 —" is a sheet's
    # front and the cover's back stays blank (LibreOffice inserts the blank page).
    end_section_in(section_break_paragraph(doc),
                   section_properties(restart_numbering=True, start="oddPage"))


def build_appendix(doc: DocxDocument) -> None:
    para(doc, "AppendixLabel", "附件1")
    para(doc, "AppendixTitle", ATTACHMENTS[0])
    para(doc, "BodyNoIndent", "{{p 指标表 }}")
    # pageBreakBefore instead of a break-only paragraph, which would leave an
    # empty line at the top of the next page.
    label = para(doc, "AppendixLabel", "附件2")
    label._p.get_or_add_pPr().insert(1, parse_xml(f"<w:pageBreakBefore {nsdecls('w')}/>"))
    para(doc, "AppendixTitle", ATTACHMENTS[1])
    para(doc, "BodyNoIndent", "{{p 基础数据表 }}")
    body = doc.element.body
    body.replace(body.sectPr, section_properties(landscape=True, line_grid=False))


# --- Output --------------------------------------------------------------------------
def build() -> bytes:
    doc = Document()
    drop_unused_parts(doc)
    clean_settings(doc)
    replace_font_table(doc)
    install_styles(doc)
    set_core_properties(doc)
    set_app_properties(doc)
    build_cover(doc)
    build_main(doc)
    build_appendix(doc)
    doc.settings.odd_and_even_pages_header_footer = True  # GB/T 9704 page numbers
    fill_header(doc, 0)  # every section: a draft says so on every page
    fill_footer(doc, 1)  # main section; the cover has none
    fill_landscape_footer(doc, 2)
    buffer = io.BytesIO()
    doc.save(buffer)
    return restamped(buffer.getvalue(), sort=True)


def main() -> None:
    OUT.write_bytes(build())
    # docxtpl's patch step done now, so that a cold build need not import docxtpl
    sidecar_path(OUT).write_bytes(prepatched_sidecar(OUT))
    print(f"wrote {OUT} and {sidecar_path(OUT).name}")


if __name__ == "__main__":
    main()
