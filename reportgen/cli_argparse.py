"""argparse in Chinese: usage, help headings and every argument error.

argparse builds its English strings through gettext (`_()` and `ngettext()` looked up in its
own module when a message is made). ChineseArgumentParser answers those look-ups from the
table below while it parses or formats help, and puts the gettext functions back afterwards,
so no other user of argparse in the process (pytest, say) sees Chinese.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
import unicodedata
from collections.abc import Iterator

TYPE_CHECKING = False  # typing is not imported at run time (see cli.py)
if TYPE_CHECKING:
    from typing import NoReturn

# argparse's message ids (Python 3.11–3.13) → Chinese. An id missing here shows in English:
# test_cli_speaks_chinese runs every kind of argument error to catch that.
MESSAGES: dict[str, str] = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "the following arguments are required: %s": "缺少必填的参数：%s",
    "one of the arguments %s is required": "需要以下参数之一：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "此选项不带值，多余的值 %r 无效",
    "expected one argument": "后面需要一个值",
    "expected at most one argument": "后面最多一个值",
    "expected at least one argument": "后面至少需要一个值",
    "ambiguous option: %(option)s could match %(matches)s":
        "选项 %(option)s 不完整，可能是 %(matches)s 中的任何一个，请写全",
    "unexpected option string: %s": "多余的选项：%s",
    "invalid %(type)s value: %(value)r": "%(value)r 不是有效的%(type)s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "没有 %(value)r 这一项（可选：%(choices)s）",
    "invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)":
        "没有 %(value)r 这一项，是否应为 %(closest)r？（可选：%(choices)s）",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "没有 %(parser_name)r 这个命令（可选：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
}
PLURALS: dict[str, str] = {
    "expected %s argument": "后面需要 %s 个值",
    "conflicting option string: %s": "选项重复：%s",
}


_HEADING = re.compile(r"^(\S[^\n:]*):$", re.MULTILINE)


def _gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    if singular in PLURALS:
        return PLURALS[singular]
    return singular if n == 1 else plural


@contextlib.contextmanager
def chinese() -> Iterator[None]:
    """argparse's gettext look-ups answered in Chinese for the duration (re-entrant)."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _gettext, _ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class ChineseHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the line breaks of descriptions and epilogs (examples, exit codes)."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32, width=100)

    # argparse aligns the help column by len(); a Chinese character takes two columns on a
    # terminal, so the widths are measured as displayed.
    def add_argument(self, action: argparse.Action) -> None:
        if action.help is not argparse.SUPPRESS:
            invocations = [self._format_action_invocation(action)]
            invocations += [self._format_action_invocation(sub)
                            for sub in self._iter_indented_subactions(action)]
            width = max(map(display_width, invocations)) + self._current_indent
            self._action_max_length = max(self._action_max_length, width)
            self._add_item(self._format_action, [action])

    def _format_action(self, action: argparse.Action) -> str:
        text = super()._format_action(action)
        header = self._format_action_invocation(action)
        extra = display_width(header) - len(header)
        prefix = " " * self._current_indent + header
        first, newline, rest = text.partition("\n")
        if not extra or not action.help or not first.startswith(prefix):
            return text
        tail = first[len(prefix):]
        padding = len(tail) - len(tail.lstrip(" "))
        if padding - extra >= 2:
            first = prefix + tail[extra:]
        else:  # too wide for the column: the help starts on the next line
            column = min(self._action_max_length + 2, self._max_help_position)
            first = prefix + "\n" + " " * column + tail.lstrip(" ")
        return first + newline + rest

    def _get_default_metavar_for_optional(self, action: argparse.Action) -> str:
        return "值"

    def _get_default_metavar_for_positional(self, action: argparse.Action) -> str:
        return action.dest


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose every word to the user is Chinese; errors exit with 2."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        kwargs.setdefault("add_help", False)
        with chinese():
            super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="显示本帮助并退出")

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        with chinese():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
        with chinese():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with chinese():
            return super().format_usage()

    def format_help(self) -> str:
        with chinese():
            text = super().format_help()
        # argparse ends each section heading with an ASCII colon.
        return _HEADING.sub(r"\1：", text)

    def error(self, message: str) -> NoReturn:
        with chinese():
            self.print_usage(sys.stderr)
            self.exit(2, f"{self.prog}：错误：{message}\n"
                         f"（{self.prog} -h 查看用法和示例）\n")


def display_width(text: str) -> int:
    """Columns a text takes on a terminal: East Asian wide and full-width characters two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def whole_number(low: int, high: int):
    """A type for an integer option within [low, high], with a Chinese error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"“{text}”不是整数") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"应为 {low}～{high} 之间的整数，实际为 {value}")
        return value

    parse.__name__ = "整数"
    return parse
