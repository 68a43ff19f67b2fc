"""Exact decimal parsing, half-up rounding and display formats.

Every figure enters as text (YAML is read without type resolution) and stays a Decimal;
a binary float is refused outright so that 2.675 can never become 2.67.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, getcontext, localcontext
from functools import lru_cache

CENT = Decimal("0.01")
HUNDRED = Decimal(100)

# Units a clerk may type after a figure; they are checked against the field's kind.
_UNIT_SUFFIXES = ("万元", "元", "人", "个", "份", "分", "%")
_GROUPING = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


class NumberFormatError(ValueError):
    """A text that is not a number; the message is the Chinese explanation."""


def normalize_text(raw: str) -> str:
    """Full-width digits, signs and punctuation to ASCII (NFKC), spaces removed."""
    text = unicodedata.normalize("NFKC", raw)
    text = text.replace("−", "-").replace("–", "-").replace("﹣", "-")
    return "".join(text.split())


def parse_decimal(raw: object, *, allow_percent: bool = False) -> Decimal:
    """Read "6,927.32", "６９２７．３２", "6927.32万元" or (if allowed) "92.31%" as Decimal."""
    if isinstance(raw, bool):
        raise NumberFormatError(f"“{raw}”不是数字")
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        raise NumberFormatError("数值不能以二进制浮点数传入，请以文本形式提供")
    elif isinstance(raw, str):
        value = _parse_text(raw, allow_percent)
    else:
        raise NumberFormatError(f"应为数字，实际为{_kind(raw)}")
    if not value.is_finite():
        raise NumberFormatError(f"“{raw}”不是有限的数字")
    return value


def _parse_text(raw: str, allow_percent: bool) -> Decimal:
    text = normalize_text(raw)
    if not text:
        raise NumberFormatError("值为空，请填写数字")
    for suffix in _UNIT_SUFFIXES:
        if text.endswith(suffix):
            if suffix == "%" and not allow_percent:
                raise NumberFormatError(f"“{raw}”带有百分号，此处应填写金额或数量")
            text = text[: -len(suffix)]
            break
    if "," in text:
        if not _GROUPING.match(text):
            raise NumberFormatError(f"“{raw}”的千位分隔符位置不对")
        text = text.replace(",", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise NumberFormatError(f"“{raw}”不是数字")
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid numbers
        raise NumberFormatError(f"“{raw}”不是数字") from exc


def _kind(raw: object) -> str:
    if isinstance(raw, dict):
        return "一组字段"
    if isinstance(raw, list):
        return "列表"
    if raw is None:
        return "空值"
    return type(raw).__name__


def round2(value: Decimal) -> Decimal:
    """四舍五入 to two places: 2.345 → 2.35, 0.125 → 0.13."""
    digits = value.adjusted() + 3  # the result's digits: beyond the context's, quantize fails
    if digits > getcontext().prec:
        with localcontext() as ctx:
            ctx.prec = digits
            return value.quantize(CENT, rounding=ROUND_HALF_UP)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def shows_as_zero(value: Decimal) -> bool:
    """A figure that prints as 0.00 (or 0): to the reader a zero category, said as 无 or
    left out rather than printed as 0.00万元."""
    return round2(value) == 0


@lru_cache(maxsize=8192)
def fmt2(value: Decimal) -> str:
    """Two decimals always: 6927.32, 76.40; never "-0.00" (equal Decimals share a cache
    entry, and -0.001 rounds to zero, not to a negative zero)."""
    rounded = round2(value)
    return f"{rounded.copy_abs() if rounded == 0 else rounded:f}"


def fmt_stated(value: Decimal, places: int = 2) -> str:
    """A figure as the data states it: its own decimal places, and at least `places`
    (93.341 → 93.341, 91.2 → 91.20 with places=2, 120 → 120 with places=0). Never rounded:
    a figure another body published (绩效办's 考核得分) is quoted, not restated."""
    keep = max(places, -int(value.as_tuple().exponent))  # finite: parse_decimal refuses NaN
    if keep == 0:
        return f"{value.copy_abs() if value == 0 else value:f}"
    with localcontext() as ctx:
        ctx.prec = max(getcontext().prec, value.adjusted() + keep + 2)
        shown = value.quantize(Decimal(1).scaleb(-keep))
    return f"{shown.copy_abs() if shown == 0 else shown:f}"


def fmt_rate(value: Decimal) -> str:
    return f"{fmt2(value)}%"


@lru_cache(maxsize=8192)
def fmt_points(value: Decimal) -> str:
    """Points and scores as a reader writes them: 3, 0.5, 7.47."""
    text = fmt2(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_count(value: Decimal) -> str:
    return fmt_points(value)


# The one rule for scores (得分, 扣分, subtotals, 总分): two decimals, as rounded, in the
# body, 需要说明事项, 结论, the appendix and 汇总表 alike (the xlsx cells use "0.00").
# A framework's weights (分值 3, 每步扣0.5分) are its own constants and keep fmt_points.
fmt_score = fmt2

MINUS = "\u2212"  # a proper minus sign: an ASCII hyphen before a figure reads as a dash


def signed(text: str) -> str:
    """"-5.76" as "−5.76" for print; machine-read values keep the ASCII sign."""
    return MINUS + text[1:] if text.startswith("-") else text
