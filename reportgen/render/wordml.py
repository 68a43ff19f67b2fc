"""WordprocessingML for each kind of document element: one small policy class per kind.

The strings go into the template where a `{{p name }}` paragraph stood. All text is
escaped here and only here; line breaks and tabs become w:br and w:tab.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate, pairwise
from typing import ClassVar

from ..document import CONTINUE, RESTART, Block, Cell, Heading, Paragraph, Row, Run, Table
from ..template_contract import (
    DRAFT_MARK,
    HEADINGS,
    LINE_CHARS,
    SIGNATURE,
    SIGNATURE_DATE,
    TABLE_STYLE,
    TABLE_TEXT,
    TEXT_WIDTH_MM,
)
from ..text import UNIT_GAP, UNITS, clean_text, xml_escape

TWIPS_PER_MM = 1440 / 25.4


def _twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


_CHAR_TWIPS = _twips(TEXT_WIDTH_MM) / LINE_CHARS  # one character of the grid


def run_xml(run: Run, keep_units: bool = True) -> str:
    """One run, or several where a unit follows a figure (see text.UNIT_GAP)."""
    # rPr order: rStyle, b, bCs, …, lang.
    style = f'<w:rStyle w:val="{DRAFT_MARK}"/>' if run.marked else ""
    bold = style + ("<w:b/><w:bCs/>" if run.bold else "")
    text = clean_text(run.text)
    pieces = _UNIT_AFTER_FIGURE.split(text) if keep_units else [text]
    if len(pieces) == 1:
        return _one_run(pieces[0], bold)
    # split() alternates: text ending on a figure, its unit, text, unit, …, text.
    return "".join(
        _one_run(piece + (UNIT_GAP if i % 2 == 0 and i + 1 < len(pieces) else ""),
                 bold + (_UNIT_LANG if i % 2 else ""))
        for i, piece in enumerate(pieces) if piece)


# A figure and the unit after it (4386.20万元, 96人) stay on one line: the gap between them
# is UNIT_GAP, a no-break space, and the unit is a run of its own tagged with no East Asian
# language (x-none, Word's own tag for "no language"). LibreOffice 7.4 needs both: text it
# takes for Chinese it breaks with its own rule, before any character but a forbidden one,
# ignoring no-break characters (i18npool breakiterator_cjk.cxx; newer versions check them);
# text of no CJK language goes to the Unicode rules (UAX #14), which never break at one.
# The narrow space is the gap LibreOffice and Word would put between a figure and Chinese
# text anyway (Word: autoSpaceDN), so the line looks as before. A Latin unit (%) is never
# split from its figure.
_UNIT_AFTER_FIGURE = re.compile(
    r"(?<=\d)(" + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True)
                          if not u.isascii()) + ")")
_UNIT_LANG = '<w:lang w:eastAsia="x-none"/>'
# 署名 and 成文日期 are lines of their own, centred by their width: the date's style turns
# Word's CJK/digit spacing off so that it is as wide as its characters; no gap goes in.
_LINES_OF_THEIR_OWN = frozenset({SIGNATURE, SIGNATURE_DATE})


def _one_run(text: str, props: str) -> str:
    props = f"<w:rPr>{props}</w:rPr>" if props else ""
    pieces = []
    for i, line in enumerate(text.split("\n")):
        if i:
            pieces.append("<w:br/>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                pieces.append("<w:tab/>")
            if chunk:
                pieces.append(f'<w:t xml:space="preserve">{xml_escape(chunk)}</w:t>')
    return f"<w:r>{props}{''.join(pieces)}</w:r>"


# Space between a body table and the paragraph or heading after it, in twips: about half
# of the body's 22-line grid line (225 mm / 22), so a heading never touches the bottom
# border. Word has no space-after for a table, and a blank paragraph would be a line of
# text; spacing before on the next paragraph is what both Word and LibreOffice honour.
SPACE_AFTER_TABLE = 290


@lru_cache(maxsize=8192)
def paragraph_xml(style: str, runs: tuple[Run, ...], keep_next: bool = False,
                  left_chars: int = 0, after_table: bool = False) -> str:
    """Cached: across a batch most table cells and default texts repeat word for word."""
    keep = "<w:keepNext/>" if keep_next else ""
    keep += f'<w:spacing w:before="{SPACE_AFTER_TABLE}"/>' if after_table else ""
    # pPr order: pStyle, keepNext, …, spacing, ind, jc — an indent keeps the style's jc. In twips
    # of the grid's character (156 mm / 28), which Word and LibreOffice both place alike;
    # w:leftChars would leave Word to its own character unit, and LibreOffice ignores it.
    ind = f'<w:ind w:left="{round(left_chars * _CHAR_TWIPS / 100)}"/>' if left_chars else ""
    keep_units = style not in _LINES_OF_THEIR_OWN
    body = "".join(run_xml(r, keep_units) for r in runs)
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep}{ind}</w:pPr>{body}</w:p>'


class ParagraphPolicy:
    kind: ClassVar[type] = Paragraph

    def render(self, block: Paragraph, after_table: bool = False) -> str:
        return paragraph_xml(block.style, block.runs, block.keep_next, block.left_chars,
                             after_table)


class HeadingPolicy:
    kind: ClassVar[type] = Heading

    def render(self, block: Heading, after_table: bool = False) -> str:
        return paragraph_xml(HEADINGS[block.level], (Run(block.text),),
                             after_table=after_table)


class TablePolicy:
    """Borders come from the template's ReportTable style; header rows repeat on each page
    and no row splits across pages."""

    kind: ClassVar[type] = Table

    def render(self, block: Table, after_table: bool = False) -> str:
        # Columns rounded at their edges: together they are exactly the table's width.
        edges = [_twips(e) for e in accumulate(block.widths_mm, initial=0)]
        columns = tuple(b - a for a, b in pairwise(edges))
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in columns)
        total = edges[-1]
        height = (f'<w:trHeight w:val="{_twips(block.min_row_height_mm)}" w:hRule="atLeast"/>'
                  if block.min_row_height_mm else "")
        # Keep with next: header rows with the first body row, the last row with the one
        # before it (never alone on a page), rows that go together, and a small table whole.
        last = len(block.rows) - 1
        rows = "".join(
            self._row(row, columns, height,
                      keep=row.header or row.keep_next or i == last - 1
                      or (block.keep_together and i < last))
            for i, row in enumerate(block.rows))
        return (
            "<w:tbl><w:tblPr>"
            f'<w:tblStyle w:val="{TABLE_STYLE}"/>'
            f'<w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/>'
            '<w:tblLayout w:type="fixed"/>'
            f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>")

    def _row(self, row: Row, columns: tuple[int, ...], height: str, keep: bool) -> str:
        props = "<w:cantSplit/>" + height + ("<w:tblHeader/>" if row.header else "")
        cells, column = [], 0
        for cell in row.cells:
            width = sum(columns[column:column + cell.span])
            cells.append(self._cell(cell, width, keep))
            column += cell.span
        return f"<w:tr><w:trPr>{props}</w:trPr>{''.join(cells)}</w:tr>"

    def _cell(self, cell: Cell, width: int, keep: bool) -> str:
        # Schema order inside w:tcPr: tcW, gridSpan, vMerge, …, vAlign.
        span = f'<w:gridSpan w:val="{cell.span}"/>' if cell.span > 1 else ""
        merge = _VMERGE[cell.merge]
        paragraphs = "".join(paragraph_xml(p.style, p.runs, keep) for p in cell.paragraphs)
        return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span}{merge}'
                f'<w:vAlign w:val="center"/></w:tcPr>{paragraphs or _empty(keep)}</w:tc>')


def _empty(keep: bool) -> str:
    return "<w:p><w:pPr><w:keepNext/></w:pPr></w:p>" if keep else "<w:p/>"


_VMERGE = {"": "", RESTART: '<w:vMerge w:val="restart"/>', CONTINUE: "<w:vMerge/>"}


POLICIES = {policy.kind: policy for policy in (ParagraphPolicy(), HeadingPolicy(), TablePolicy())}


# 0.6 pt high, so that it still fits below a table that fills its page: a full line went
# over to a page of its own, left blank before 附件2's page break (as the template's
# section-break paragraph does).
END_OF_TABLE = (f'<w:p><w:pPr><w:pStyle w:val="{TABLE_TEXT}"/>'
                '<w:spacing w:line="12" w:lineRule="exact"/>'
                '<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr></w:p>')


def blocks_xml(blocks: list[Block]) -> str:
    parts = [POLICIES[type(block)].render(block, isinstance(before, Table))
             for before, block in zip([None, *blocks], blocks, strict=False)]
    if blocks and isinstance(blocks[-1], Table):
        # A table may not end a cell or a section's body; Word wants a paragraph after it.
        parts.append(END_OF_TABLE)
    return "".join(parts)


class RawXml:
    """Marks generated WordprocessingML as safe for the autoescaping template."""

    def __init__(self, xml: str) -> None:
        self.xml = xml

    def __html__(self) -> str:
        return self.xml
