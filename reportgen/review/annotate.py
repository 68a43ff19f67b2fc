"""The annotated copy: the department's own document with a Word comment (批注) at each
finding, authored "reportgen 审核". Nothing else in the document changes."""

from __future__ import annotations

import io
from copy import deepcopy
from pathlib import Path

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.text.run import Run
from lxml import etree

from ..output import write_atomically
from ..zipfiles import restamped
from .model import ReviewFinding
from .reader import ReviewedDocument, SourceCell, SourceParagraph

AUTHOR = "reportgen 审核"
INITIALS = "审核"
# The two styles python-docx's comments refer to, as Word itself defines them when a
# document gets its first comment; without them a validator reports dangling style names.
_COMMENT_STYLES = {
    "CommentReference": ('<w:style {ns} w:type="character" w:styleId="CommentReference">'
                         '<w:name w:val="annotation reference"/><w:uiPriority w:val="99"/>'
                         '<w:semiHidden/><w:unhideWhenUsed/>'
                         '<w:rPr><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style>'),
    "CommentText": ('<w:style {ns} w:type="paragraph" w:styleId="CommentText">'
                    '<w:name w:val="annotation text"/><w:uiPriority w:val="99"/>'
                    '<w:unhideWhenUsed/><w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr>'
                    '</w:style>'),
}


def annotated_bytes(doc: ReviewedDocument, findings: list[ReviewFinding]) -> bytes:
    """Comments go into the document object the review read, then it is saved as a copy."""
    added = 0
    for finding in findings:
        runs = _anchor(finding)
        if runs:
            comment = doc.word.add_comment(runs, text=f"【{finding.kind.value}】{finding.message}",
                                           author=AUTHOR, initials=INITIALS)
            # No timestamp: the same report reviewed twice gives the same bytes.
            comment._comment_elm.attrib.pop(qn("w:date"), None)
            added += 1
    if added:
        _add_comment_styles(doc)
    out = io.BytesIO()
    doc.word.save(out)
    return restamped(out.getvalue())


def _add_comment_styles(doc: ReviewedDocument) -> None:
    _add_styles(doc.word.styles.element)
    # Word 2010's copy of the styles, where a document has one, must list them too.
    for part in doc.word.part.package.iter_parts():
        if part.partname == "/word/stylesWithEffects.xml":
            root = etree.fromstring(part.blob)
            _add_styles(root)
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                        standalone=True)


def _add_styles(styles) -> None:
    present = {s.get(qn("w:styleId")) for s in styles.iterchildren(qn("w:style"))}
    for style_id, xml in _COMMENT_STYLES.items():
        if style_id not in present:
            styles.append(parse_xml(xml.format(ns=nsdecls("w"))))


def write_annotated(doc: ReviewedDocument, findings: list[ReviewFinding], target: Path) -> None:
    write_atomically(target, annotated_bytes(doc, findings))


def _anchor(finding: ReviewFinding):
    target = finding.target
    if isinstance(target, SourceCell):
        return target.runs()
    if finding.span is None:
        return [r for _, _, r in target.runs if r.text]
    start, end = finding.span
    # Word highlights whole runs: cut the runs at the quote's ends, as Word does itself.
    _split_at(target, start)
    _split_at(target, end)
    return target.runs_between(start, end)


def _split_at(paragraph: SourceParagraph, pos: int) -> None:
    """Split the run holding text offset pos into two runs with the same properties; a run
    holding more than plain text (a tab, a field, a picture) is left whole."""
    for i, (start, end, run) in enumerate(paragraph.runs):
        if not start < pos < end:
            continue
        element = run._r
        content = [c for c in element if c.tag != qn("w:rPr")]
        if len(content) != 1 or content[0].tag != qn("w:t"):
            return
        text = content[0].text or ""
        twin = deepcopy(element)
        twin_text = next(c for c in twin if c.tag == qn("w:t"))
        content[0].text, twin_text.text = text[:pos - start], text[pos - start:]
        for t in (content[0], twin_text):
            t.set(qn("xml:space"), "preserve")
        element.addnext(twin)
        paragraph.runs[i:i + 1] = [(start, pos, run), (pos, end, Run(twin, run._parent))]
        return
