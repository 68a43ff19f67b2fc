"""Safe arithmetic over named facts: + − × ÷, parentheses, numbers, fact names. Nothing else.

A framework file is data written by a finance bureau: its formulas are parsed with `ast`
and walked here; there is no eval, no attribute access, no call, no subscript.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

_SYMBOLS = str.maketrans({"×": "*", "÷": "/", "（": "(", "）": ")", "－": "-", "＋": "+",
                          "−": "-"})
MAX_LENGTH = 500
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class FormulaError(ValueError):
    """The formula text is not allowed; the message is Chinese."""


class NotComputable(Exception):
    """A value cannot be computed from this data (missing figure, zero denominator)."""

    def __init__(self, reason: str, missing: tuple[str, ...] = (),
                 zero: tuple[str, ...] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.missing = missing  # facts not given
        self.zero = zero        # facts in a denominator that came out 0


@dataclass(frozen=True)
class Formula:
    text: str
    tree: ast.expr
    source: str

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(n.id for n in ast.walk(self.tree) if isinstance(n, ast.Name))

    @property
    def fact(self) -> str | None:
        """The fact's name where the formula is that one fact alone (公式: 绩效办考核得分)."""
        return self.tree.id if isinstance(self.tree, ast.Name) else None

    def evaluate(self, values: Mapping[str, Decimal | None]) -> Decimal:
        missing = tuple(sorted(n for n in self.names if values.get(n) is None))
        if missing:
            raise NotComputable(f"缺少数据：{'、'.join(missing)}", missing)
        return _eval(self.tree, values, self.source)


def parse_formula(text: str, known: frozenset[str] | set[str]) -> Formula:
    source = str(text).translate(_SYMBOLS).strip()
    if not source:
        raise FormulaError("公式为空")
    if len(source) > MAX_LENGTH:
        raise FormulaError(f"公式“{source[:30]}…”长达{len(source)}个字符，超过{MAX_LENGTH}个字符的上限")
    try:
        tree = ast.parse(source, mode="eval").body
    except (SyntaxError, RecursionError, MemoryError):  # RecursionError: nested too deep
        raise FormulaError(f"公式“{text}”无法解析，只能使用数字、数据项名称、＋－×÷和括号") from None
    for node in ast.walk(tree):
        _check_node(node, text, source)
    formula = Formula(text=str(text), tree=tree, source=source)
    unknown = sorted(formula.names - set(known))
    if unknown:
        raise FormulaError(f"公式“{text}”中的数据项“{'、'.join(unknown)}”不存在")
    return formula


def _check_node(node: ast.AST, text: str, source: str) -> None:
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _OPERATORS:
            raise FormulaError(f"公式“{text}”只能使用＋－×÷运算")
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise FormulaError(f"公式“{text}”只能使用＋－×÷运算")
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise FormulaError(f"公式“{text}”中只能出现数字和数据项名称")
    elif isinstance(node, ast.Name):
        if node.id.startswith("_"):
            raise FormulaError(f"公式“{text}”中的名称“{node.id}”不允许")
    elif not isinstance(node, (ast.operator, ast.unaryop, ast.expr_context)):
        raise FormulaError(
            f"公式“{text}”含有不允许的写法（{_describe(node)}），只能使用数字、数据项名称、＋－×÷和括号")


def _describe(node: ast.AST) -> str:
    return {ast.Call: "函数调用", ast.Attribute: "属性访问", ast.Subscript: "下标",
            ast.Lambda: "lambda", ast.Compare: "比较"}.get(type(node), type(node).__name__)


def _eval(node: ast.expr, values: Mapping[str, Decimal | None], source: str) -> Decimal:
    if isinstance(node, ast.Constant):
        # The literal's own digits, never the float ast made of it.
        return Decimal(ast.get_source_segment(source, node) or str(node.value))
    if isinstance(node, ast.Name):
        value = values[node.id]
        assert value is not None
        return value
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, values, source)
        return -operand if isinstance(node.op, ast.USub) else operand
    assert isinstance(node, ast.BinOp)
    left = _eval(node.left, values, source)
    right = _eval(node.right, values, source)
    if isinstance(node.op, ast.Add):
        return left + right
    if isinstance(node.op, ast.Sub):
        return left - right
    if isinstance(node.op, ast.Mult):
        return left * right
    if right == 0:
        denominator = ast.get_source_segment(source, node.right) or "分母"
        names = tuple(sorted({n.id for n in ast.walk(node.right) if isinstance(n, ast.Name)}))
        raise NotComputable(f"分母“{denominator.strip('() ')}”为0", zero=names)
    return left / right
