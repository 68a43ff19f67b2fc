"""The sandbox a .docx template renders in: no attribute tricks (Jinja's sandbox), and a
budget per report for the text built and the loop iterations run.

A template is a user's file too. Limiting single operations is not enough: two nested
loops each under a limit never finish, and `{% set a = 年度*100000 %}{% set b = a*10000 %}`
builds gigabytes from steps each of which looks small. So every piece of text the
template builds (by `*`, `+`, `~`, `%`, a filter or a string method) and everything it
outputs is charged to one budget, checked before the text is made when its size can be
known in advance (center(10**9), "%999999999s"|format, join with a huge separator), and
every loop iteration is charged to a second one. Both are per report, across all parts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from jinja2 import nodes, pass_eval_context
from jinja2.exceptions import SecurityError, TemplateRuntimeError, UndefinedError
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import SandboxedEnvironment

MAX_ITERATIONS = 1_000_000  # loop iterations per report, all loops together
BASE_TEXT = 20_000_000      # characters a template may build or output beyond its data …
DATA_FACTOR = 3             # … plus three times the text of the data it is given
_LOOP, _CONCAT = "reportgen_loop", "reportgen_concat"
_WIDTH = re.compile(r"%[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?|\{[^{}]*?:[^{}]*?(\d+)[^{}]*\}")


class BudgetExceeded(SecurityError):
    """Raised with a Chinese message when a render would exceed its budget."""


class _Budget:
    def __init__(self, text: int) -> None:
        self.text = self.text_limit = text
        self.iterations = MAX_ITERATIONS

    def charge(self, size: int, what: str) -> None:
        if size > self.text:
            raise BudgetExceeded(
                f"模板中的{what}会生成过多的文字（本份报告的模板合计上限 {self.text_limit:,} 字）；"
                "模板中宜只写名称，如 {{ 单位名称 }}")
        self.text -= size

    def loop(self, iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            self.iterations -= 1
            if self.iterations < 0:
                raise BudgetExceeded(f"模板中的循环合计超过 {MAX_ITERATIONS:,} 次，已停止；"
                                     "请检查模板中的 {% for %}（是否嵌套过深或范围过大）")
            yield item


_budget: ContextVar[_Budget | None] = ContextVar("reportgen_template_budget", default=None)


def _current() -> _Budget:
    budget = _budget.get()
    if budget is None:  # rendered outside render_budget (a test, say): the base budget
        budget = _Budget(BASE_TEXT)
        _budget.set(budget)
    return budget


@contextmanager
def render_budget(context: dict[str, object]):
    """One budget for one report: BASE_TEXT plus DATA_FACTOR times the data's text."""
    data = sum(len(_text_of(v)) for v in context.values())
    token = _budget.set(_Budget(BASE_TEXT + DATA_FACTOR * data))
    try:
        yield _budget.get()
    finally:
        _budget.reset(token)


def charge_output(chunks: Iterable[str]) -> str:
    """Join a part's output, charging it as it comes: a runaway template stops early."""
    budget = _current()
    pieces = []
    for chunk in chunks:
        budget.charge(len(chunk), "输出")
        pieces.append(chunk)
    return "".join(pieces)


def _text_of(value: object) -> str:
    html = getattr(value, "__html__", None)
    return html() if callable(html) else str(value)


def _size(value: object) -> int:
    return len(value) if isinstance(value, (str, list, tuple)) else len(str(value))


# -- what each operation would make, before it is made ------------------------------------
def _format_widths(spec: str) -> int:
    """The widest field a %-format or str.format spec asks for (a dynamic one: unbounded)."""
    widest = 0
    for match in _WIDTH.finditer(spec):
        for group in match.groups():
            if group == "*":
                return 1 << 62
            if group:
                widest = max(widest, int(group[:19]))
    return widest


def _check_format(template: object, args: tuple, kwargs: dict) -> None:
    if isinstance(template, str):
        width = _format_widths(template)
        given = sum(_size(a) for a in args) + sum(_size(v) for v in kwargs.values())
        _current().charge(len(template) + width + given, "格式化（format、%）")


def _check_join(sep: object, items: list) -> None:
    size = _size(sep) * max(len(items) - 1, 0) + sum(_size(i) for i in items)
    _current().charge(size, "拼接（join）")


def _check_replace(text: object, old: object, new: object, count: object = -1) -> None:
    if not (isinstance(text, str) and isinstance(old, str) and isinstance(new, str)):
        return
    hits = len(text) + 1 if old == "" else text.count(old)
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    _current().charge(len(text) + hits * max(len(new) - len(old), 0), "替换（replace）")


def _check_width(text: object, width: object, what: str) -> None:
    if isinstance(width, int):
        _current().charge(max(width, 0) + _size(text), what)


def _guarded(name: str, check) -> Any:  # noqa: ANN401 - wraps Jinja's own filters
    original = SandboxedEnvironment().filters[name]

    passes = hasattr(original, "jinja_pass_arg")  # gets an eval context or environment first

    def filter_(*args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        check(*(args[1:] if passes else args), **kwargs)
        return original(*args, **kwargs)

    if passes:
        filter_.jinja_pass_arg = original.jinja_pass_arg  # type: ignore[attr-defined]
    return filter_


def _guarded_join() -> Any:  # noqa: ANN401
    original = SandboxedEnvironment().filters["join"]

    @pass_eval_context
    def join(eval_ctx, value, d="", attribute=None):  # noqa: ANN001, ANN202 - Jinja's
        items = list(value)  # what a template can iterate is already bounded (range, data)
        _check_join(d, items)
        return original(eval_ctx, items, d, attribute)

    return join


_FILTER_CHECKS = {
    "center": lambda value, width=80: _check_width(value, width, "居中（center）"),
    "format": lambda value, *args, **kwargs: _check_format(value, args, kwargs),
    "replace": lambda s, old, new, count=None: _check_replace(
        s, old, new, -1 if count is None else count),
    "indent": lambda s, width=4, *a, **k: _current().charge(
        _size(s) + (str(s).count("\n") + 1) * (width if isinstance(width, int) else _size(width)),
        "缩进（indent）"),
    "wordwrap": lambda s, width=79, break_long_words=True, wrapstring=None, *a, **k: (
        _current().charge(_size(s) * (1 + _size(wrapstring or "")), "换行（wordwrap）")),
    "batch": lambda value, linecount, fill_with=None: _check_width("", linecount, "分组（batch）"),
    "slice": lambda value, slices, fill_with=None: _check_width("", slices, "分组（slice）"),
}

# str methods a template may call, and what they would make.
_METHOD_CHECKS = {
    "center": lambda s, width, *a: _check_width(s, width, "居中（center）"),
    "ljust": lambda s, width, *a: _check_width(s, width, "补齐（ljust）"),
    "rjust": lambda s, width, *a: _check_width(s, width, "补齐（rjust）"),
    "zfill": lambda s, width: _check_width(s, width, "补零（zfill）"),
    "expandtabs": lambda s, tabsize=8: _check_width(
        s, s.count("\t") * tabsize if isinstance(tabsize, int) else 0, "展开制表符"),
    "join": lambda s, items: None,  # checked with the items materialized, in call()
    "replace": lambda s, old, new, count=-1: _check_replace(s, old, new, count),
}


class TemplateSandbox(SandboxedEnvironment):
    """Jinja's sandbox plus the per-report budget (see the module's comment)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:  # noqa: ANN401
        super().__init__(**options)
        self.filters.update({name: _guarded(name, check) for name, check in _FILTER_CHECKS.items()
                             if name in self.filters})
        self.filters["join"] = _guarded_join()
        self.filters[_LOOP] = lambda iterable: _current().loop(iterable)
        self.filters[_CONCAT] = _concat

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Every loop's sequence goes through the budget's counter; every `~` through a
        join that is charged before it is made."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, _LOOP, [], [], None, None, lineno=loop.lineno)
        for parent in tree.find_all(nodes.Node):
            for field in parent.fields:
                value = getattr(parent, field, None)
                if isinstance(value, nodes.Concat):
                    setattr(parent, field, _concat_node(value))
                elif isinstance(value, list):
                    value[:] = [_concat_node(v) if isinstance(v, nodes.Concat) else v
                                for v in value]
        return tree

    def call_binop(self, context, operator, left, right):  # noqa: ANN001 - Jinja's signature
        if operator == "**":
            raise BudgetExceeded("模板中不能使用乘方运算“**”")
        if operator == "*":
            sequence = next((v for v in (left, right) if isinstance(v, (str, list, tuple))), None)
            count = next((v for v in (left, right) if isinstance(v, int)), None)
            if sequence is not None and count is not None:
                _current().charge(len(sequence) * max(count, 0), "“*”运算")
        elif operator == "+" and all(isinstance(v, (str, list, tuple)) for v in (left, right)):
            _current().charge(len(left) + len(right), "“+”运算")
        elif operator == "%" and isinstance(left, str):
            args = right if isinstance(right, tuple) else (right,)
            _check_format(left, args, right if isinstance(right, dict) else {})
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Any:  # noqa: ANN401
        """str.format and format_map, which Jinja's sandbox wraps when they are looked up."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        spec = value.__self__

        def checked(*args: Any, **kwargs: Any) -> str:  # noqa: ANN401
            mapping = args[0] if value.__name__ == "format_map" and args else kwargs
            _check_format(spec, args if value.__name__ == "format" else (),
                          dict(mapping) if hasattr(mapping, "keys") else {})
            return wrapped(*args, **kwargs)

        return checked

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: ANN001, N805 - Jinja's
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(owner, str) and name in _METHOD_CHECKS:
            if name == "join" and args:
                items = list(args[0])
                _check_join(owner, items)
                args = (items, *args[1:])
            else:
                _METHOD_CHECKS[name](owner, *args, **kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(result, str):
            _current().charge(len(result), "函数调用")
        return result


def _concat_node(node: nodes.Concat) -> nodes.Filter:
    return nodes.Filter(nodes.List(node.nodes, lineno=node.lineno), _CONCAT, [], [], None, None,
                        lineno=node.lineno)


@pass_eval_context
def _concat(eval_ctx, items: list) -> str:  # noqa: ANN001
    _current().charge(sum(len(_text_of(i)) for i in items), "“~”连接")
    return markup_join(items) if eval_ctx.autoescape else str_join(items)


# -- what went wrong, in Chinese ------------------------------------------------------------
_UNSAFE = re.compile(r"access to attribute '([^']*)' of '([^']*)' object is unsafe")


def describe_render_error(exc: BaseException) -> str:
    """A render failure in Chinese: never Jinja's or Python's English."""
    if isinstance(exc, BudgetExceeded):
        return str(exc)
    if isinstance(exc, UndefinedError):
        name = re.search(r"'([^']+)' is undefined", str(exc))
        attribute = re.search(r"has no attribute '([^']+)'", str(exc))
        if name:
            return f"模板用到的“{name.group(1)}”不是可用的名称"
        if attribute:
            return f"模板用到的属性“{attribute.group(1)}”不存在"
        return "模板用到了不存在的名称或属性"
    if isinstance(exc, SecurityError):
        unsafe = _UNSAFE.search(str(exc))
        if unsafe:
            return f"模板试图访问内部属性“{unsafe.group(1)}”，这是不允许的（模板在沙箱中渲染）"
        return "模板试图调用不允许的函数或修改数据（模板在沙箱中渲染）"
    if isinstance(exc, OverflowError):
        return "模板中的范围或数值过大（range 最多 100,000 项）"
    if isinstance(exc, ZeroDivisionError):
        return "模板中的表达式除以了 0"
    if isinstance(exc, RecursionError):
        return "模板中的宏调用自身过深（递归）"
    if isinstance(exc, TypeError):
        return "模板中的表达式类型不符（如文字与数字相加，或对文字调用了不能用的函数）"
    if isinstance(exc, (ValueError, TemplateRuntimeError, KeyError, IndexError, AttributeError)):
        return "模板中的表达式无法计算（数值、下标或格式不合适）"
    return "模板中的表达式无法计算"
