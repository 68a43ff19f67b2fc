"""Jinja's template syntax errors told in Chinese.

Jinja words its syntax errors in English ("expected token 'name', got 'end of print
statement'"). The clerk who typed a tag into Word reads what was expected and what was found,
in the words of the tag itself ({{ … }}, {% … %}); an error we do not know is still told in
Chinese, without Jinja's text.
"""

from __future__ import annotations

import re
from string import Template

from jinja2 import TemplateSyntaxError

TOKENS = {
    "name": "一个名称",
    "end of print statement": "“}}”",
    "begin of print statement": "“{{”",
    "end of statement block": "“%}”",
    "begin of statement block": "“{%”",
    "end of template": "模板结尾",
    "integer": "一个整数",
    "float": "一个数字",
    "string": "一段文字",
    "operator": "运算符",
}

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"expected token '(?P<a>[^']+)', got '(?P<b>[^']+)'"), "此处应为${a}，实际是${b}"),
    (re.compile(r"unexpected end of template.*expected '(?P<a>[^']+)'"),
     "标记没有结束：缺少${a}"),
    (re.compile(r"Expected an expression, got '(?P<a>[^']+)'"), "此处缺少名称或数值，遇到了${a}"),
    (re.compile(r"innermost block that needs to be closed is '(?P<a>[^']+)'"),
     "“{% ${a_raw} %}”没有配对的“{% end${a_raw} %}”"),
    (re.compile(r"unexpected end of template", re.IGNORECASE),
     "模板在标记结束前就结束了：缺少“}}”或“%}”，或 for/if 没有配对的 endfor/endif"),
    (re.compile(r"Encountered unknown tag '(?P<a>[^']+)'"),
     "“{% ${a_raw} %}”不是模板能用的标记（可用 for、endfor、if、elif、else、endif）"),
    (re.compile(r"unexpected char ['\"](?P<a>.+)['\"] at \d+"), "有无法识别的字符“${a_raw}”"),
    (re.compile(r"unexpected '(?P<a>[^']+)'"), "多了${a}"),
    (re.compile(r"tag name expected"), "“{%”后面应为标记名称，如 for、if"),
    (re.compile(r"expected name or number"), "“.”后面应为名称"),
    (re.compile(r"expected subscript expression"), "方括号中应有内容"),
    (re.compile(r"unclosed '(?P<a>.)'"), "“${a_raw}”没有配对的右括号"),
    (re.compile(r"Missing end of comment tag"), "注释“{#”没有结束的“#}”"),
    (re.compile(r"missing end of raw directive"), "raw 标记没有配对的 endraw"),
]


def _token(text: str) -> str:
    return TOKENS.get(text, f"“{text}”")


def describe(exc: TemplateSyntaxError) -> str:
    """A Chinese sentence for a Jinja syntax error; never Jinja's English."""
    message = exc.message or ""
    for pattern, chinese in _PATTERNS:
        match = pattern.search(message)
        if match:
            groups = match.groupdict()
            values = {k: _token(v) for k, v in groups.items()}
            values.update({f"{k}_raw": v for k, v in groups.items()})
            return Template(chinese).safe_substitute(values)
    return "写法不符合模板语法（检查 {{ }}、{% %} 是否成对，名称是否拼写正确）"
