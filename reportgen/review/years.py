"""Years that do not belong to the report: an earlier year in the indicator table, in a
heading, or in an indicator's analysis where the figures are this year's.

Earlier years are normal elsewhere (同比, 上年, the previous evaluation, a document
number), so running text outside the analysis is left alone.
"""

from __future__ import annotations

import re

from .figures import normalize
from .indicator_table import IndicatorTable
from .indicator_text import Section
from .model import ReviewFinding, ReviewKind
from .reader import SourceParagraph

_YEAR = re.compile(r"(?<![\d〔\[])((?:19|20)\d{2})\s*(?=年)")
_RANGE = re.compile(r"(?:19|20)\d{2}\s*[—–\-~～至到]\s*(?:19|20)\d{2}")
# Words that make an earlier year legitimate in an analysis sentence.
_COMPARISON = re.compile(r"上年|上一年|去年|同比|比上|较上|增长|下降|减少|增加|变动|对比|相比|"
                         r"上年度|以前年度|历年|连续")
_HEADING = re.compile(r"^\s*(?:[(（]?[一二三四五六七八九十\d]+[)）、.．]|[①-⑳])")


def check_years(year: int | None, table: IndicatorTable | None, paragraphs: list[SourceParagraph],
                sections: list[Section], uses_last_year: set[str]) -> list[ReviewFinding]:
    if year is None:
        return []
    findings: list[ReviewFinding] = []
    if table is not None:
        seen = set()
        for row in table.table.rows:
            for cell in row:
                if not cell.is_origin or cell.origin in seen:
                    continue
                seen.add(cell.origin)
                stale = _stale(cell.text, year)
                if stale:
                    findings.append(ReviewFinding(ReviewKind.YEAR, cell, None, (
                        f"这是{year}年度的报告，指标表中却写着“{stale}年”，"
                        f"应为{year}年（可能是沿用上年报告时未改）。")))
    for paragraph in paragraphs:
        text = paragraph.text.strip()
        if len(text) <= 40 and _HEADING.match(text):
            stale = _stale(text, year)
            if stale and str(year) not in text:
                findings.append(_text_finding(paragraph, stale, year, "标题"))
    for section in sections:
        if section.indicator in uses_last_year:
            continue
        for paragraph in section.paragraphs:
            for sentence, offset in _sentences(paragraph.text):
                if _COMPARISON.search(sentence) or str(year) in sentence:
                    continue
                stale = _stale(sentence, year)
                if stale:
                    findings.append(_text_finding(paragraph, stale, year, "指标分析", offset,
                                                  sentence))
    return findings


def _stale(text: str, year: int) -> str:
    norm = _RANGE.sub(lambda m: " " * len(m.group(0)), normalize(text))
    for m in _YEAR.finditer(norm):
        if int(m.group(1)) < year:
            return m.group(1)
    return ""


def _sentences(text: str):
    start = 0
    for m in re.finditer(r"[。；;！？]", text):
        yield text[start:m.end()], start
        start = m.end()
    if start < len(text):
        yield text[start:], start


def _text_finding(paragraph: SourceParagraph, stale: str, year: int, where: str, offset: int = 0,
                  sentence: str | None = None) -> ReviewFinding:
    text = sentence if sentence is not None else paragraph.text
    at = normalize(text).find(stale)
    span = (offset + at, offset + at + len(stale) + 1) if at >= 0 else None
    return ReviewFinding(ReviewKind.YEAR, paragraph, span, (
        f"这是{year}年度的报告，{where}中却写着“{stale}年”，应为{year}年"
        f"（可能是沿用上年报告时未改）。"))
