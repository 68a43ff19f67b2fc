"""Text helpers shared by composition and rendering."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from pathlib import Path

# XML 1.0 cannot hold these at all (C0 controls but tab/newline, surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DIGITS = "零一二三四五六七八九"

# Units written right after a figure (4386.20万元, 96人, 86公里), longest first: 万美元
# before 万元 before 元. The reviewer reads figures by them; the renderer keeps each on the
# line of its figure.
UNITS = ("亿美元", "万美元", "亿元", "万元", "元", "平方米", "万人次", "人次", "人", "个", "项",
         "家", "份", "次", "户", "名", "分", "%", "倍", "年", "月", "日", "天", "吨", "头", "册",
         "条", "种", "辆", "台", "所", "件", "座", "处", "起", "县", "栋", "间", "批", "场",
         "宗", "笔", "套", "亩", "公里", "万")
# U+202F NARROW NO-BREAK SPACE: what the report puts between a figure and its unit, so that
# no line ends on the figure and begins with the unit (render/wordml.py says how).
UNIT_GAP = "\u202f"


_GAP = re.compile(r"\s+")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _wide_mark(ch: str) -> bool:
    """Full-width punctuation (，。；（…), which carries its own spacing."""
    return _wide(ch) and unicodedata.category(ch)[0] in "PS"


_QUOTES = "“”‘’"


def _figure_edge(ch: str) -> bool:
    return ch.isascii() and (ch.isdigit() or ch == "%")


def join_wrapped(text: str) -> str:
    """A wrapped line in Chinese text is no space: YAML folds "增长23.8%，⏎完成" into
    "，␣完成"; this gives "，完成". Spaces between two Chinese characters, beside full-width
    punctuation ("；␣3家") or between a Chinese character and a figure ("的␣105.6%") go;
    a line break goes when either side is Chinese; anything else stays one space
    (e-commerce platform, {{ 名称 }})."""
    text = text.strip()

    def gap(m: re.Match[str]) -> str:
        before, after = text[m.start() - 1], text[m.end()]
        if _wide(before) and _wide(after) or _wide_mark(before) or _wide_mark(after):
            return ""
        # Curly quotes are not wide, but beside Chinese or a figure they are Chinese quotes.
        tight_before = _wide(before) or _figure_edge(before)
        tight_after = _wide(after) or _figure_edge(after)
        if _wide(before) and _figure_edge(after) or _figure_edge(before) and _wide(after):
            return ""
        if before in _QUOTES and tight_after or after in _QUOTES and tight_before:
            return ""
        if "\n" in m.group(0):
            return "" if _wide(before) or _wide(after) else " "
        return m.group(0)

    return _GAP.sub(gap, text)


def xml_escape(text: str) -> str:
    """&, < and > as XML entities: what xml.sax.saxutils.escape does, without the import
    of urllib, http.client, ssl and email that module brings."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def clean_text(text: str) -> str:
    """Drop what XML cannot hold; Windows and old Mac line ends become \\n."""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 19 → 十九, 21 → 二十一 (headings （一） … （九十九）)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else f"{_DIGITS[tens]}十")
    return head + (_DIGITS[ones] if ones else "")


def chinese_count(n: int) -> str:
    """A count before a measure word: 两项, not 二项 (2 alone); otherwise as chinese_number."""
    return "两" if n == 2 else chinese_number(n)


def circled_number(n: int) -> str:
    """1 → ①, 20 → ⑳, 21 → (21): how 评价标准 number their criteria."""
    return chr(0x245F + n) if 0 < n <= 20 else f"({n})"


def display_width(text: str) -> int:
    """Columns a terminal or a spreadsheet cell gives text: two for wide (CJK) characters."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def chinese_date(day: dt.date) -> str:
    """2019年6月18日: Arabic numerals, the full year, no leading zeros (GB/T 9704)."""
    return f"{day.year}年{day.month}月{day.day}日"


def quoted(name: str) -> str:
    """“预算完成率”, but “三公经费”变动率 as it is: it carries its own quotation marks."""
    return name if "“" in name else f"“{name}”"


def shown(path: Path | str) -> str:
    """A path as text a terminal, a JSON file or a workbook can hold. A name that is not
    UTF-8 (from a zip made on Windows: GBK bytes) reaches Python as lone surrogates; each
    such part of the path is shown as GB18030 when it reads so, with U+FFFD otherwise."""
    text = os.fspath(path)
    if not _SURROGATE.search(text):
        return text
    return "/".join(_shown_part(part) for part in text.split("/"))


_SURROGATE = re.compile("[\ud800-\udfff]")


def _shown_part(part: str) -> str:
    if not _SURROGATE.search(part):
        return part
    try:
        raw = part.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that no byte stands for
        return _SURROGATE.sub("\ufffd", part)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def unrepeated(name: str, context: str, keep: int = 3) -> str:
    """A name where its sentence has already named its subject: the name less its longest
    head of three characters or more that `context` holds, keeping at least its last `keep`
    characters — 满意度 after 社会公众或服务对象满意度不高, 变动率 after 2018年度“三公经费”
    预算为零, 执行率 after 政府采购执行与预算偏差较大. The whole name where none of it was said."""
    for cut in range(len(name), 2, -1):
        if name[:cut] in context:
            return name[min(cut, max(len(name) - keep, 0)):]
    return name
