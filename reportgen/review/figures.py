"""Figures written in running text: number, unit, precision and where they stand.

Full-width digits and punctuation are mapped one character to one character, so every
offset found in the normalized text is an offset in what the department wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import lru_cache

from ..text import UNIT_GAP, UNITS

_WIDE = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},
                       "．": ".", "％": "%", "＋": "+", "－": "-", "＝": "=", "（": "(",
                       "）": ")", "／": "/", "＊": "*", "−": "-", "﹣": "-", "：": ":",
                       "\u3000": " "})

COUNT_UNITS = frozenset({"人", "个", "项", "家", "份", "次", "户", "名", "人次", "头", "册",
                         "条", "种", "辆", "台", "所", "件"})
_NUMBER = re.compile(
    r"(?<![\d.])(?:(?:(?<=[=为是:(\s，,、])|^)(?P<sign>-))?(?<![\d.])(?P<int>\d{1,3}(?:,\d{3})+(?!\d)|\d{1,3}(?:，\d{3})+(?=\.\d)|\d+)"
    r"(?:\.(?P<frac>\d+))?"
    r"(?:" + UNIT_GAP + "?(?P<unit>" + "|".join(re.escape(u) for u in UNITS) + r"))?")


@lru_cache(maxsize=8192)
def normalize(text: str) -> str:
    """Same length as the input: full-width forms to ASCII, nothing else changed (cached:
    every check reads the same paragraphs)."""
    return text.translate(_WIDE)


@dataclass(frozen=True)
class Figure:
    value: Decimal
    unit: str
    decimals: int
    start: int           # offset of the first digit (or sign)
    end: int             # offset after the unit
    text: str

    @property
    def number_end(self) -> int:
        if not self.unit:
            return self.end
        return self.start + len(self.text.removesuffix(self.unit).removesuffix(UNIT_GAP))


def figures(text: str) -> list[Figure]:
    """Every number in the text with the unit written right after it."""
    norm = normalize(text)
    found = []
    for m in _NUMBER.finditer(norm):
        digits = m.group("int").replace(",", "").replace("，", "")
        frac = m.group("frac") or ""
        value = Decimal(f"{digits}.{frac}" if frac else digits)
        if m.group("sign"):
            value = -value
        found.append(Figure(value, m.group("unit") or "", len(frac), m.start(), m.end(),
                            text[m.start():m.end()]))
    return found


def as_written(value: Decimal, decimals: int) -> Decimal:
    """四舍五入 to the precision the department wrote."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def agrees(written: Decimal, exact: Decimal, decimals: int) -> bool:
    """Written equals the exact value rounded half up, or cut off, at the written precision."""
    if as_written(exact, decimals) == written:
        return True
    cut = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_DOWN)
    return cut == written


def show(value: Decimal, decimals: int = 2) -> str:
    text = f"{as_written(value, decimals):f}"
    return "0" if text.strip("-0.") == "" and decimals == 0 else text


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (up to 。！？ or a line end) around text[start:end]."""
    stops = "。！？\n"
    left = max(text.rfind(ch, 0, start) for ch in stops) + 1
    rights = [i for i in (text.find(ch, end) for ch in stops) if i >= 0]
    right = min(rights) + 1 if rights else len(text)
    return left, right
