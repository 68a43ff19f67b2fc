"""Written computations: "（A＋B－C）÷（A＋B）×100%＝87.75%", symbolic or with figures,
and ratios "占编制数143人的比率为95.10%", recomputed exactly at the precision written.

A percent sign means ÷100 wherever it stands, so "（72÷78）×100%＝92.31%" holds exactly as
arithmetic; the looser "（72÷78）×100＝92.31%" is accepted too. A symbolic formula's names
are bound to the figures written before it in the same paragraph, by the longest common
subsequence of name and label; when the binding is not clear-cut nothing is claimed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, localcontext
from itertools import islice, permutations

from ..formula import FormulaError, NotComputable, parse_formula
from ..numbers import HUNDRED
from .figures import Figure, agrees, figures, normalize, sentence_bounds, show
from .model import ReviewFinding, ReviewKind
from .reader import SourceParagraph

_RESULT = re.compile(r"\s*(?P<num>-?\d+(?:,\d{3})*(?:\.(?P<frac>\d+))?)\s*(?P<unit>%|分|万元|元|人|个|份|项)?")
_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)(?P<unit>%|万元|元|人|个|份|项|分)?"
                    r"|(?P<op>[-+×÷/*xX])|(?P<open>[(\[【])|(?P<close>[)\]】])"
                    r"|(?P<name>[^\s\d\-+×÷/*()\[\]【】=，。；;:,!?]+))")
_QUOTES = str.maketrans("", "", "“”\"'‘’「」《》")
_CLAUSE_STOPS = "，。；;:,!?！？\n"
MAX_CANDIDATES = 8   # figures tried per name
MAX_NAMES = 5        # a formula with more names is not bound (permutations grow fast)
MAX_BINDINGS = 20_000


@dataclass(frozen=True)
class Computation:
    paragraph: SourceParagraph
    span: tuple[int, int]        # from the expression's start to the result's end
    shown: str                   # the expression with figures, as the message shows it
    written: Figure              # the stated result
    recomputed: Decimal | None   # in the written scale (87.75 for 87.75%), None if unknown
    consistent: bool

    def finding(self, consequence: str = "") -> ReviewFinding:
        unit = self.written.unit
        assert self.recomputed is not None
        got = f"{show(self.recomputed, self.written.decimals)}{unit}"
        message = (f"按报告所列数字重新计算：{self.shown}＝{got}，报告写的是{self.written.text.strip()}。"
                   f"{consequence}")
        return ReviewFinding(ReviewKind.COMPUTATION, self.paragraph, self.span, message)


def find_computations(paragraphs: list[SourceParagraph], year: int | None) -> list[Computation]:
    found: list[Computation] = []
    for paragraph in paragraphs:
        norm = normalize(paragraph.text)
        for eq in (m.start() for m in re.finditer("=", norm)):
            computation = _at(paragraph, norm, eq, year)
            if computation is not None:
                found.append(computation)
        found.extend(_ratios(paragraph, norm))
    return found


def _at(paragraph: SourceParagraph, norm: str, eq: int, year: int | None) -> Computation | None:
    result = _RESULT.match(norm, eq + 1)
    if result is None or not result.group("num"):
        return None
    left = _clause_start(norm, eq)
    parsed = _expression(norm, left, eq)
    if parsed is None:
        return None
    start, tokens = parsed
    frac = result.group("frac") or ""
    written = Figure(Decimal(result.group("num").replace(",", "")), result.group("unit") or "",
                     len(frac), result.start("num"), result.end(),
                     paragraph.text[result.start("num"):result.end()])
    names = sorted({t for kind, t in tokens if kind == "name"})
    if len(names) > MAX_NAMES:
        return None
    span = (start, result.end())
    if not names:
        value = _evaluate(tokens, {})
        if value is None:
            return None
        return _judged(paragraph, span, _shown(tokens, {}), written, [value])
    bindings = _bindings(names, norm[:start], year)
    if not bindings:
        return None
    best, plausible = bindings
    values = {_evaluate(tokens, b) for b in best}
    if None in values or len(values) != 1:
        return None
    computation = _judged(paragraph, span, _shown(tokens, best[0]), written, list(values))
    if computation is None or computation.consistent:
        return computation
    # Benefit of the doubt: another plausible reading of the names gives what is written.
    for binding in plausible:
        value = _evaluate(tokens, binding)
        if value is not None and _scaled(value, written) is not None:
            return None
    return computation


def _clause_start(norm: str, eq: int) -> int:
    """Just after the previous "=" or clause stop; a thousands separator is not a stop."""
    for i in range(eq - 1, -1, -1):
        ch = norm[i]
        if ch == "," and i > 0 and norm[i - 1].isdigit() and norm[i + 1:i + 4].isdigit():
            continue
        if ch in _CLAUSE_STOPS or ch == "=":
            return i + 1
    return 0


def _expression(norm: str, left: int, right: int) -> tuple[int, list[tuple[str, str]]] | None:
    """The longest suffix of norm[left:right] that is an arithmetic expression with an operator."""
    tokens: list[tuple[int, str, str]] = []
    pos = left
    while pos < right:
        m = _TOKEN.match(norm, pos, right)
        if m is None or m.end() == pos:
            return None
        kind = m.lastgroup or ""
        if kind == "unit":
            kind = "num"
        text = m.group(kind) if kind != "num" else m.group(0).strip()
        start = m.start(kind) if kind != "num" else m.start("num")
        if kind == "name":
            text = text.translate(_QUOTES)
            if not text:
                pos = m.end()
                continue
        tokens.append((start, kind, text))
        pos = m.end()
    for i in range(len(tokens)):
        tail = [(k, t) for _, k, t in tokens[i:]]
        if not any(k == "op" for k, _ in tail):
            return None
        if _evaluable(tail):
            return tokens[i][0], tail
    return None


def _source(tokens: list[tuple[str, str]], names: dict[str, str]) -> str:
    out = []
    for kind, text in tokens:
        if kind == "num":
            number = text.rstrip("%万元人个份项分").replace(",", "")
            out.append(f"({number}/100)" if text.endswith("%") else number)
        elif kind == "op":
            out.append({"×": "*", "÷": "/", "x": "*", "X": "*"}.get(text, text))
        elif kind == "open":
            out.append("(")
        elif kind == "close":
            out.append(")")
        else:
            out.append(names.get(text, "v_"))
    return " ".join(out)


def _evaluable(tokens: list[tuple[str, str]]) -> bool:
    placeholders = {t: f"v{i}" for i, t in enumerate(sorted({t for k, t in tokens if k == "name"}))}
    try:
        parse_formula(_source(tokens, placeholders), frozenset(placeholders.values()))
    except FormulaError:
        return False
    return True


def _evaluate(tokens: list[tuple[str, str]], binding: dict[str, Figure]) -> Decimal | None:
    placeholders = {t: f"v{i}" for i, t in enumerate(sorted(binding))}
    try:
        formula = parse_formula(_source(tokens, placeholders), frozenset(placeholders.values()))
        with localcontext() as ctx:
            ctx.prec = 34
            return formula.evaluate({placeholders[t]: f.value for t, f in binding.items()})
    except (FormulaError, NotComputable, ArithmeticError):
        return None


def _shown(tokens: list[tuple[str, str]], binding: dict[str, Figure]) -> str:
    wide = {"+": "＋", "-": "－", "*": "×", "/": "÷", "x": "×", "X": "×"}
    out = []
    for kind, text in tokens:
        if kind == "name" and text in binding:
            out.append(binding[text].text.strip())
        elif kind == "op":
            out.append(wide.get(text, text))
        else:
            out.append({"open": "（", "close": "）"}.get(kind, text))
    return "".join(out)


def _scaled(value: Decimal, written: Figure) -> Decimal | None:
    """The exact value in the written scale, if it agrees with what is written."""
    options = [value * HUNDRED, value] if written.unit == "%" else [value]
    for option in options:
        if agrees(written.value, option, written.decimals):
            return option
    return None


def _judged(paragraph: SourceParagraph, span: tuple[int, int], shown: str, written: Figure,
            values: list[Decimal]) -> Computation | None:
    value = values[0]
    scaled = _scaled(value, written)
    if scaled is not None:
        return Computation(paragraph, span, shown, written, scaled, True)
    # Report in the scale the writer used: ×100% gives a fraction shown as percent.
    shown_value = value * HUNDRED if written.unit == "%" else value
    return Computation(paragraph, span, shown, written, shown_value, False)


def _bindings(names: list[str], before: str, year: int | None):
    """All best and all plausible bindings of names to the figures written before them."""
    candidates = _candidates(before, year)
    if len(candidates) < len(names):
        return None
    scores = {(n, i): _lcs(n, label) for n in names for i, (label, _) in enumerate(candidates)}
    keep = set()
    for n in names:
        ranked = sorted(range(len(candidates)), key=lambda i: -scores[n, i])[:MAX_CANDIDATES]
        keep.update(i for i in ranked if scores[n, i] > 0)
    pool = sorted(keep)
    if len(pool) < len(names):
        return None
    best_total, best, plausible = -1, [], []
    for chosen in islice(permutations(pool, len(names)), MAX_BINDINGS):
        per = [scores[n, i] for n, i in zip(names, chosen, strict=True)]
        if min(per) == 0:
            continue
        binding = {n: candidates[i][1] for n, i in zip(names, chosen, strict=True)}
        plausible.append(binding)
        if any(s < min(2, len(n)) for s, n in zip(per, names, strict=True)):
            continue
        total = sum(per)
        if total > best_total:
            best_total, best = total, [binding]
        elif total == best_total:
            best.append(binding)
    return (best, plausible) if best else None


def _candidates(before: str, year: int | None) -> list[tuple[str, Figure]]:
    out: list[tuple[str, Figure]] = []
    previous_end = 0
    for fig in figures(before):
        label_start = max([previous_end] + [before.rfind(ch, 0, fig.start) + 1 for ch in "，。；;:：、()（）"])
        label = before[label_start:fig.start]
        previous_end = fig.end
        if fig.unit in ("%", "年", "月", "日") or label.endswith(("第", "截至")):
            continue
        if year is not None:
            label = label.replace(f"{year}年", "本年").replace(f"{year - 1}年", "上年")
        out.append((label.translate(_QUOTES), fig))
    return out


def _lcs(a: str, b: str) -> int:
    if not a or not b:
        return 0
    previous = [0] * (len(b) + 1)
    for ch in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if ch == other else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


_RATIO = re.compile(
    r"(?P<verb>占|完成)(?:了)?(?P<label>[^，。；;,\d]{0,30}?)(?P<den>\d+(?:,\d{3})*(?:\.\d+)?)"
    r"(?P<unit>万美元|亿美元|亿元|万元|元|人|个|项|家|份|户|名)的(?:比率|比例|比重)?(?:为|是|达)?"
    r"(?P<res>-?\d+(?:\.(?P<frac>\d+))?)%")


def _ratios(paragraph: SourceParagraph, norm: str) -> list[Computation]:
    """"在职人员136人，占编制数143人的比率为95.10%": the figure before ÷ the figure named."""
    found = []
    for m in _RATIO.finditer(norm):
        left, _ = sentence_bounds(norm, m.start(), m.end())
        before = [f for f in figures(paragraph.text[left:m.start()]) if f.unit == m.group("unit")]
        if not before:
            continue
        numerator = before[-1]
        denominator = Decimal(m.group("den").replace(",", ""))
        if denominator == 0:
            continue
        written = Figure(Decimal(m.group("res")), "%", len(m.group("frac") or ""),
                         m.start("res"), m.end(), paragraph.text[m.start("res"):m.end()])
        exact = numerator.value / denominator * HUNDRED
        shown = f"{numerator.text.strip()}÷{paragraph.text[m.start('den'):m.end('unit')]}×100%"
        consistent = agrees(written.value, exact, written.decimals)
        found.append(Computation(paragraph, (left + numerator.start, m.end()), shown, written,
                                 exact, consistent))
    return found
