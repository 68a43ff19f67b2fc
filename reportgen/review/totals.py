"""Totals against their parts, as sentences write them:

    "年末实有人数188人，其中：在职政府机关人员32人，……退休人员101人"
    "实际支出数为60.07万元（公务接待费27.08万元、公务用车运行维护费32.99万元）"

A part is a clause "label + figure" in the total's unit (a parenthetical after it is that
part's own breakdown). A list may run on into the next figures of the sentence, so the
total is accepted when any leading run of two or more parts adds up to it; only a total
that no run of its parts reaches is reported. Parts that are a subset ("其中实现“破零”企业
17家") are not a breakdown: without "其中：" or a parenthesis right after the total nothing
is checked.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from decimal import Decimal

from .figures import COUNT_UNITS, Figure, figures, normalize, show
from .model import ReviewFinding, ReviewKind
from .reader import SourceParagraph

_OPEN, _CLOSE = "(", ")"
_SEPARATORS = "，,、；;"
_NOT_A_PART = re.compile(r"为|比|较|增|减|同比|上年|去年|同期|约|近|超过|达到|以上|以下|累计|\d")
_LEAD = re.compile(r"^\s*(?:其中\s*[:，,]?|含|包括)\s*")


@dataclass(frozen=True)
class WrittenBreakdown:
    total: Figure
    parts: list[Figure]


def check_totals(paragraphs: list[SourceParagraph]) -> list[ReviewFinding]:
    findings = []
    for paragraph in paragraphs:
        for breakdown in breakdowns(paragraph.text):
            message = _judge(breakdown)
            if message:
                # From the total's label ("年末实有人数188人") to its last part.
                label = max(paragraph.text.rfind(ch, 0, breakdown.total.start)
                            for ch in "，。；：:,;（(") + 1
                span = (label, breakdown.parts[-1].end)
                findings.append(ReviewFinding(ReviewKind.TOTAL, paragraph, span, message))
    return findings


def breakdowns(text: str) -> list[WrittenBreakdown]:
    norm = normalize(text)
    figs = figures(text)
    found: list[WrittenBreakdown] = []
    depth = _depths(norm)
    for fig in figs:
        after = fig.end
        if fig.unit in ("", "%", "年", "月", "日") or depth[fig.start]:
            continue
        if after < len(norm) and norm[after] == _OPEN:
            close = _matching(norm, after)
            inner_start = after + 1
            lead = _LEAD.match(norm, inner_start, close)
            parts = _parts(norm, figs, lead.end() if lead else inner_start, close, fig.unit, depth)
            if len(parts) >= 2:
                found.append(WrittenBreakdown(fig, parts))
            after = close + 1 if close < len(norm) else close
        gap = re.match(r"\s*[，,]?\s*其中\s*:", norm[after:])
        if gap and not _within_sentence_break(norm, fig.end, after + gap.end()):
            parts = _parts(norm, figs, after + gap.end(), _sentence_end(norm, after), fig.unit,
                           depth)
            if len(parts) >= 2:
                found.append(WrittenBreakdown(fig, parts))
    return found


def _judge(b: WrittenBreakdown) -> str:
    decimals = max([b.total.decimals] + [p.decimals for p in b.parts])
    exact = b.total.unit in COUNT_UNITS
    tolerance = Decimal(0) if exact else Decimal(len(b.parts)) * Decimal("0.5").scaleb(-decimals)
    running = Decimal(0)
    for i, part in enumerate(b.parts):
        running += part.value
        if i >= 1 and abs(running - b.total.value) <= tolerance:
            return ""
    gap = running - b.total.value
    names = "＋".join(p.text.strip() for p in b.parts)
    return (f"合计{b.total.text.strip()}与各项之和不符：{names}＝{show(running, decimals)}"
            f"{b.total.unit}，{'多' if gap > 0 else '少'}{show(abs(gap), decimals)}{b.total.unit}"
            f"；请核对合计数或各项数字。")


def _parts(norm: str, figs: list[Figure], start: int, end: int, unit: str,
           depth: list[int]) -> list[Figure]:
    starts = [f.start for f in figs]
    parts: list[Figure] = []
    pos = start
    while pos < end:
        clause_end = _clause_end(norm, pos, end)
        clause = norm[pos:clause_end]
        first = bisect_left(starts, pos)
        inside = []
        for f in figs[first:]:
            if f.end > clause_end:
                break
            inside.append(f)
        base = depth[pos] - (1 if norm[pos] == _OPEN else 0)
        top = [f for f in inside if depth[f.start] == base]
        if not top:
            break
        last = top[-1]
        tail = norm[last.end:clause_end].strip()
        if tail and not (tail.startswith(_OPEN) and tail.endswith(_CLOSE)):
            break
        if last.unit != unit:
            break
        label = norm[pos:last.start]
        if _NOT_A_PART.search(_strip_parens(label)) or "=" in clause:
            break
        following = norm[clause_end + 1:clause_end + 4] if clause_end < end else ""
        if following.lstrip().startswith("其中"):
            break
        parts.append(last)
        pos = clause_end + 1
    return parts


def _clause_end(norm: str, pos: int, end: int) -> int:
    depth = 0
    for i in range(pos, end):
        ch = norm[i]
        if ch == _OPEN:
            depth += 1
        elif ch == _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in _SEPARATORS:
            return i
    return end


def _depths(norm: str) -> list[int]:
    depth, out = 0, []
    for ch in norm:
        if ch == _OPEN:
            depth += 1
        out.append(depth)
        if ch == _CLOSE:
            depth = max(0, depth - 1)
    out.append(depth)
    return out


def _strip_parens(text: str) -> str:
    return re.sub(r"\([^()]*\)", "", text)


def _matching(norm: str, open_at: int) -> int:
    """The closing parenthesis, or the sentence end when the writer never closed it."""
    depth = 0
    for i in range(open_at, len(norm)):
        if norm[i] == _OPEN:
            depth += 1
        elif norm[i] == _CLOSE:
            depth -= 1
            if depth == 0:
                return i
        elif norm[i] in "。\n":
            return i
    return len(norm)


def _sentence_end(norm: str, pos: int) -> int:
    ends = [i for i in (norm.find(ch, pos) for ch in "。\n") if i >= 0]
    return min(ends) if ends else len(norm)


def _within_sentence_break(norm: str, a: int, b: int) -> bool:
    return any(ch in "。\n" for ch in norm[a:b])


# --- tables -----------------------------------------------------------------------------

_TOTAL_ROW = re.compile(r"^(?:合\s*计|总\s*计)|合计$")
_SUB_ROW = re.compile(r"^[\s\u3000]*(?:其中|含)|^[\u3000 ]{1,}")
_NOT_ADDITIVE = re.compile(r"率|比例|比重|占比|%|增长|增减|变动|同比|单价|均|序号|编号|年度|年份")
_CELL_NUMBER = re.compile(r"^-?\d+(?:,\d{3})*(?:\.\d+)?$")


def check_table_totals(tables, indicator_table) -> list[ReviewFinding]:
    """A table's 合计 row against the rows it sums: its "其中" rows right below it, or
    else the other rows above it. Rate and ratio columns are not sums."""
    skip = indicator_table.table.number if indicator_table is not None else None
    findings: list[ReviewFinding] = []
    for table in tables:
        if table.number == skip or len(table.rows) < 3:
            continue
        header = table.rows[0]
        for r, row in enumerate(table.rows):
            label = normalize(row[0].text).strip() if row else ""
            if r == 0 or not _TOTAL_ROW.search(label.replace(" ", "")):
                continue
            below = []
            for other in table.rows[r + 1:]:
                if not _SUB_ROW.match(other[0].text):
                    break
                below.append(other)
            if below:
                parts = below
            else:
                start = max((i for i in range(1, r) if _TOTAL_ROW.search(
                    normalize(table.rows[i][0].text).replace(" ", ""))), default=0) + 1
                parts = [p for p in table.rows[start:r] if not _SUB_ROW.match(p[0].text)]
            findings += _table_columns(table, header, row, parts)
    return findings


def _table_columns(table, header, total_row, parts) -> list[ReviewFinding]:
    findings = []
    for c in range(1, len(total_row)):
        cell = total_row[c]
        if not cell.is_origin or c >= len(header) or _NOT_ADDITIVE.search(header[c].text):
            continue
        total = _cell_value(cell.text)
        values = [_cell_value(p[c].text) for p in parts if c < len(p) and p[c].is_origin]
        values = [v for v in values if v is not None]
        if total is None or len(values) < 2 or len(values) != len(parts):
            continue
        decimals = max([total[1]] + [v[1] for v in values])
        got = sum((v[0] for v in values), Decimal(0))
        tolerance = Decimal(len(values)) * Decimal("0.5").scaleb(-decimals) if decimals else 0
        if abs(got - total[0]) > tolerance:
            findings.append(ReviewFinding(ReviewKind.TOTAL, cell, None, (
                f"“{normalize(total_row[0].text).strip()}”一行“{header[c].text.strip()}”列为"
                f"{cell.text.strip()}，而各项之和为{show(got, decimals)}，相差"
                f"{show(abs(got - total[0]), decimals)}。")))
    return findings


def _cell_value(text: str) -> tuple[Decimal, int] | None:
    norm = normalize(text).strip().removesuffix("万元").removesuffix("元").strip()
    if not _CELL_NUMBER.match(norm):
        return None
    plain = norm.replace(",", "")
    return Decimal(plain), len(plain.split(".", 1)[1]) if "." in plain else 0
