"""What a report template and the program agree on, declared once.

Composition fills these placeholders and gives its blocks these styles, the renderer
writes the style ids into the XML, the linter (reportgen template check) holds a custom
template to them, and templates/build_template.py defines them in the shipped template.
"""

from __future__ import annotations

import re

# One-line texts, usable anywhere in a paragraph as {{ 名称 }}.
FIELDS = ("单位名称", "年度", "预算编码", "评价方式", "报告日期", "统一社会信用代码", "草稿",
          "标题上行", "标题下行")
# Whole paragraphs and tables, each standing alone in its own paragraph as {{p 名称 }}.
SECTIONS = ("引言", "基本情况", "绩效评价工作情况", "绩效评价分析", "需要说明事项",
            "绩效评价结论", "经验教训与建议", "指标表", "基础数据表", "落款")
# The attachments in the order the template places them: the 附件说明 names them so.
ATTACHMENTS = ("部门整体支出绩效评价指标表", "基础数据表")

# The portrait text block (版心, GB/T 9704 5.2.1): 156 mm wide, 28 characters a line. A
# character of the grid is the width over 28; indents given in characters use it.
TEXT_WIDTH_MM, LINE_CHARS = 156, 28

# Paragraph style ids the generated blocks use (w:pStyle), with the names the shipped
# template gives them: a template lacking one shows those paragraphs as plain text.
BODY = "Normal"
HEADINGS = {2: "Heading2", 3: "Heading3", 4: "Heading4"}  # （一） / 1. / （1）
TABLE_TEXT = "TableText"
TABLE_CENTER = "TableCenter"
TABLE_NUMBER = "TableNumber"
TABLE_HEADING = "TableHeading"
TABLE_CAPTION = "TableCaption"  # 表1　2018年度收支情况, above a table in the body
ATTACHMENT_NOTE, ATTACHMENT_NOTE_NEXT = "AttachmentNote", "AttachmentNoteNext"
SIGNATURE, SIGNATURE_DATE = "Signature", "SignatureDate"
PARAGRAPH_STYLES: dict[str, str] = {
    BODY: "Normal", HEADINGS[2]: "heading 2", HEADINGS[3]: "heading 3",
    HEADINGS[4]: "heading 4", TABLE_TEXT: "表格文字", TABLE_CENTER: "表格文字居中",
    TABLE_NUMBER: "表格数字",
    TABLE_HEADING: "表格标题行", TABLE_CAPTION: "表题",
    ATTACHMENT_NOTE: "附件说明", ATTACHMENT_NOTE_NEXT: "附件说明续行",
    SIGNATURE: "署名", SIGNATURE_DATE: "成文日期",
}
# Character style of the in-place draft marks (【待核实：…】, 【待补充：…】): highlighted, so
# that none is overlooked before the report goes out.
DRAFT_MARK, DRAFT_MARK_NAME = "DraftMark", "待核实标记"
# Table style id of every generated table (borders, cell padding).
TABLE_STYLE = "ReportTable"
TABLE_STYLE_NAME = "报告表格"

# The package parts that are templates: the body, headers and footers.
RENDERED_PARTS = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")
STYLES_PART = "word/styles.xml"
