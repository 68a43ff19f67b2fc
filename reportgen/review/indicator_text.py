"""The text around the indicator table: the section headed by each indicator's name, the
scores and points it states, an indicator's value written anywhere, the total and grade."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .figures import normalize
from .indicator_table import key
from .reader import SourceParagraph

_MARKER = re.compile(r"^\s*(?:[(（]?[一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|"
                     r"\d+(?:\.\d+)*[.．、]?|[①-⑳])\s*")
_POINTS_SUFFIX = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*[:：。]?\s*$")
_SCORE = re.compile(r"(?:得满分|得)\s*(\d+(?:\.\d+)?)\s*分|(不得分)|"
                    r"(?<!考核)(?<!测评)(?<!评价)得分(?:为|是|[:：])?\s*(\d+(?:\.\d+)?)\s*分")
_GRADE = re.compile(r"等级为\s*[“\"]?([优良中差])|评为\s*[“\"]?([优良中差])[”\"]?")
_TEXT_TOTAL = re.compile(r"(?:(?:评价|自评|综合|总)得分|总分)(?:为|是|[:：])\s*(\d+(?:\.\d+)?)\s*分")


@dataclass
class Section:
    indicator: str              # key() of the name
    heading: SourceParagraph
    paragraphs: list[SourceParagraph]
    points: Decimal | None      # "（5分）" in the heading


def indicator_sections(paragraphs: list[SourceParagraph], names: list[str]) -> list[Section]:
    wanted = {key(n): n for n in names}
    sections: list[Section] = []
    current: Section | None = None
    for paragraph in paragraphs:
        heading = _heading_name(paragraph.text, wanted)
        if heading is not None:
            name, points = heading
            current = Section(name, paragraph, [], points)
            sections.append(current)
            continue
        if current is not None and _looks_like_heading(paragraph.text):
            current = None
        if current is not None:
            current.paragraphs.append(paragraph)
    return sections


def _heading_name(text: str, wanted: dict[str, str]) -> tuple[str, Decimal | None] | None:
    stripped = _MARKER.sub("", text.strip(), count=1)
    points = None
    m = _POINTS_SUFFIX.search(normalize(stripped))
    if m:
        points = Decimal(m.group(1))
        stripped = stripped[:m.start()]
    name = key(stripped).rstrip("：:。")
    return (name, points) if name in wanted and len(name) <= 30 else None


def _looks_like_heading(text: str) -> bool:
    stripped = text.strip()
    return bool(_MARKER.match(stripped)) and len(stripped) <= 30


@dataclass(frozen=True)
class Claim:
    paragraph: SourceParagraph
    span: tuple[int, int]
    value: Decimal
    text: str


def score_claims(section: Section) -> list[Claim]:
    claims = []
    for paragraph in section.paragraphs:
        norm = normalize(paragraph.text)
        found = []
        for m in _SCORE.finditer(norm):
            value = Decimal(0) if m.group(2) else Decimal(m.group(1) or m.group(3))
            found.append(Claim(paragraph, (m.start(), m.end()), value, paragraph.text[m.start():m.end()]))
        for m in re.finditer(r"得分\s*(?:为|是|[:：])?\s*(?:=[^=。，；]*)*=\s*(\d+(?:\.\d+)?)\s*分", norm):
            found.append(Claim(paragraph, (m.start(), m.end()), Decimal(m.group(1)),
                               paragraph.text[m.start(1):m.end()]))
        if found:
            claims.append(max(found, key=lambda c: c.span[0]))   # the paragraph's conclusion
    return claims


def value_claims(paragraphs: list[SourceParagraph], name: str) -> list[Claim]:
    """"预算控制率为348.83%" wherever the text says it."""
    name = _plain_quotes(name)
    pattern = re.compile(re.escape(name) + r"(?:为|是|达到?|=)\s*(-?\d+(?:\.\d+)?)%")
    claims = []
    for paragraph in paragraphs:
        norm = _plain_quotes(paragraph.text)
        if name not in norm:
            continue
        for m in pattern.finditer(norm):
            claims.append(Claim(paragraph, (m.start(), m.end()), Decimal(m.group(1)),
                                paragraph.text[m.start(1):m.end()]))
    return claims


_QUOTES_SAME_LENGTH = str.maketrans("“”‘’", '""' + "''")


@lru_cache(maxsize=8192)
def _plain_quotes(text: str) -> str:
    return normalize(text).translate(_QUOTES_SAME_LENGTH)


def text_total(paragraphs: list[SourceParagraph]) -> tuple[Claim | None, Claim | None]:
    """The total score and the grade the conclusion states (the last ones written)."""
    total = grade = None
    for paragraph in paragraphs:
        norm = normalize(paragraph.text)
        for m in _TEXT_TOTAL.finditer(norm):
            total = Claim(paragraph, (m.start(), m.end()), Decimal(m.group(1)),
                          paragraph.text[m.start(1):m.end()])
        for m in _GRADE.finditer(norm):
            letter = m.group(1) or m.group(2)
            grade = Claim(paragraph, (m.start(), m.end()), Decimal(0), letter)
    return total, grade


