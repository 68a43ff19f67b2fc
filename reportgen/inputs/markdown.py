"""The Markdown subset narratives use: paragraphs, numbered and bulleted items, ## headings,
**bold**.

Hand-written rather than markdown-it: CommonMark's flanking rules leave
`**招商引资量质齐升。**2018年` unbolded (a closing ** after Chinese punctuation followed
by a letter does not close), which is exactly how Chinese writers use bold leads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")  # closing #s are cut in code: linear on any line
_LINE_END = re.compile(r"\r\n|\r|\n")  # not str.splitlines: U+2028, \x85, \v … are text here
_ORDERED = re.compile(r"^(\s*)(?:\d{1,4}(?:[.．)）]\s+|、\s*)|[（(]\d{1,4}[)）]\s*)(?=\S)")
_BULLET = re.compile(r"^(\s*)[-*+•]\s+(?=\S)")
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)


@dataclass(frozen=True)
class MdBlock:
    kind: Literal["paragraph", "item", "bullet", "heading"]
    text: str
    line: int
    level: int = 1


def strip_comments(text: str) -> str:
    """<!-- 填写说明 --> prompts vanish; their line breaks stay, so line numbers hold.

    A scan with str.find, linear in the text: the regex `<!--.*?-->` retried from every
    "<!--" of an unclosed run (`"<!--" * 250000`) and took quadratic time. An unclosed
    comment stays text, as before."""
    pieces: list[str] = []
    position = 0
    while (start := text.find("<!--", position)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        pieces.append(text[position:start])
        pieces.append("\n" * text.count("\n", start, end))
        position = end + 3
    pieces.append(text[position:])
    return "".join(pieces)


def parse_blocks(text: str) -> list[MdBlock]:
    text = strip_comments(text)
    blocks: list[MdBlock] = []
    current: list[str] = []
    kind, level, start = "paragraph", 1, 0

    def flush() -> None:
        if current:
            blocks.append(MdBlock(kind, _join(current), start, level))  # type: ignore[arg-type]
            current.clear()

    for number, line in enumerate(_LINE_END.split(text), 1):
        if not line.strip():
            flush()
            kind = "paragraph"
            continue
        heading = _HEADING.match(line)
        ordered = _ORDERED.match(line)
        bullet = _BULLET.match(line)
        if heading:
            flush()
            title = heading.group(2).rstrip().rstrip("#").rstrip()
            blocks.append(MdBlock("heading", title, number, len(heading.group(1))))
            kind = "paragraph"
        elif ordered or bullet:
            flush()
            match = ordered or bullet
            indent = len(match.group(1))
            kind, level, start = ("item" if ordered else "bullet"), 1 + (indent >= 2), number
            current.append(line[match.end():])
        else:
            if not current:
                start = number
            current.append(line.strip())
    flush()
    return blocks


def _join(lines: list[str]) -> str:
    """Join wrapped lines: no space between Chinese characters, one between Latin words."""
    text = lines[0].strip()
    for line in lines[1:]:
        line = line.strip()
        if text and line and text[-1].isascii() and line[0].isascii():
            text += " "
        text += line
    return text


def inline_runs(text: str) -> list[tuple[str, bool]]:
    """Split **bold** spans out of a text: [(text, bold), …]."""
    runs: list[tuple[str, bool]] = []
    position = 0
    for match in _BOLD.finditer(text):
        if match.start() > position:
            runs.append((text[position:match.start()], False))
        runs.append((match.group(1), True))
        position = match.end()
    if position < len(text):
        runs.append((text[position:], False))
    return runs or [("", False)]
