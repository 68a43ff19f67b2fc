"""List and heading numbering: a list that does not start at its first number, or skips.

Markers at the start of body paragraphs, by style: 一、 （一） 1. 1.1 （1） ① 一是.
Levels nest in the order they first appear; a marker of an outer level closes the lists
inside it. A list may restart at its first number. 一、 and 1. (and （一） and （1）) count
as one level when the arabic one simply continues the Chinese one, as hand-written
reports often switch after the first chapter.
"""

from __future__ import annotations

import re

from .model import ReviewFinding, ReviewKind
from .reader import SourceParagraph

_ZH = "一二三四五六七八九十"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_STYLES = [
    ("chapter", re.compile(r"^([一二三四五六七八九十]{1,3})、")),
    ("paren_zh", re.compile(r"^[(（]([一二三四五六七八九十]{1,3})[)）]")),
    ("dotted", re.compile(r"^(\d{1,2})[.．](\d{1,2})(?![\d.．%万亿元])")),
    ("arabic", re.compile(r"^(\d{1,2})(?:[.．、](?![\d])|\s*[.．]\s)")),
    ("paren", re.compile(r"^[(（](\d{1,2})[)）]")),
    ("circled", re.compile(f"^([{_CIRCLED}])")),
    ("shi", re.compile(r"^([一二三四五六七八九十]{1,3})是")),
]
_COUNTERPART = {"arabic": "chapter", "chapter": "arabic", "paren": "paren_zh", "paren_zh": "paren"}


def zh_number(text: str) -> int:
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _ZH.index(text[1]) + 1
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_ZH.index(tens) + 1) * 10 + (_ZH.index(ones) + 1 if ones else 0)
    return _ZH.index(text) + 1


def marker(text: str) -> tuple[str, int, str] | None:
    """(style, number, the marker as written) of a paragraph's leading list marker."""
    stripped = text.lstrip(" \u3000\t")
    # 附件说明 (GB/T 9704): "附件：1.…" opens its own list, "2.…" below continues it.
    stripped = re.sub(r"^附件[：:]\s*", "", stripped)
    for style, pattern in _STYLES:
        m = pattern.match(stripped)
        if not m:
            continue
        if style == "dotted":
            return f"dotted{int(m.group(1))}", int(m.group(2)), m.group(0)
        raw = m.group(1)
        if style in ("chapter", "paren_zh", "shi"):
            number = zh_number(raw)
        elif style == "circled":
            number = _CIRCLED.index(raw) + 1
        else:
            number = int(raw)
        return style, number, m.group(0)
    return None


def check_numbering(paragraphs: list[SourceParagraph]) -> list[ReviewFinding]:
    findings: list[ReviewFinding] = []
    stack: list[list] = []   # [style, last number, last marker text]
    for paragraph in paragraphs:
        found = marker(paragraph.text)
        if found is None:
            continue
        style, number, written = found
        offset = len(paragraph.text) - len(paragraph.text.lstrip(" \u3000\t"))
        clause = re.search(r"[。；;，,：:]", paragraph.text[offset:])
        span = (offset, offset + min(30, clause.start() if clause else len(paragraph.text)))
        level = next((i for i, s in enumerate(stack) if s[0] == style), None)
        if level is None and style in _COUNTERPART:
            twin = next((i for i, s in enumerate(stack) if s[0] == _COUNTERPART[style]), None)
            if twin is not None and stack[twin][1] == number - 1:
                del stack[twin + 1:]
                stack[twin] = [style, number, written]
                continue
        if level is None:
            stack.append([style, number, written])
            if number != 1:
                findings.append(ReviewFinding(ReviewKind.NUMBERING, paragraph, span, (
                    f"编号从“{written.strip()}”开始，前面没有{_first_numbers(style, number)}；"
                    "请从第一个编号开始，或检查是否漏了前面的条目。")))
            continue
        del stack[level + 1:]
        last, last_written = stack[level][1], stack[level][2]
        if number not in (last + 1, 1):
            problem = "重复" if number == last else ("跳号" if number > last else "倒退")
            findings.append(ReviewFinding(ReviewKind.NUMBERING, paragraph, span, (
                f"编号{problem}：上一条是“{last_written.strip()}”，这一条是“{written.strip()}”。")))
        stack[level] = [style, number, written]
    return findings


def _first_numbers(style: str, number: int) -> str:
    shown = [_label(style, n) for n in range(1, number)]
    return "“" + "”“".join(shown[:3]) + ("”等" if len(shown) > 3 else "”")


def _label(style: str, n: int) -> str:
    zh = _zh(n)
    return {"chapter": f"{zh}、", "paren_zh": f"（{zh}）", "arabic": f"{n}.", "paren": f"（{n}）",
            "circled": _CIRCLED[n - 1] if n <= 20 else str(n), "shi": f"{zh}是"}.get(
                style, f"{style.removeprefix('dotted')}.{n}")


def _zh(n: int) -> str:
    if n <= 10:
        return _ZH[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _ZH[tens - 1]) + "十" + (_ZH[ones - 1] if ones else "")
