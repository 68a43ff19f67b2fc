"""Read a YAML file into plain data plus a map from each key path to its line.

Scalars stay text (BaseLoader semantics), so no number ever passes through a float and
"0012" or "2018" mean exactly what was typed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..files import read_limited
from ..findings import Finding, InputError, error, warning
from ..text import shown
from .paths import at_longest_prefix

Path_ = tuple[str | int, ...]
# libyaml's C parser where the wheel has it (≈20× faster); same nodes, same marks.
_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


@dataclass
class YamlSource:
    data: object
    file: str
    lines: dict[Path_, int] = field(default_factory=dict)
    notes: list[Finding] = field(default_factory=list)
    digest: str = ""  # sha256 of the bytes read, for the build record

    def line_of(self, path: Path_) -> int | None:
        """Line of the deepest known prefix of path (1-based)."""
        return at_longest_prefix(self.lines, path)


class NotText(InputError):
    """The file is not text at all (a .docx renamed, an image): readers say it their way."""


def decode(raw: bytes, file: str) -> tuple[str, list[Finding]]:
    """UTF-8 (with or without BOM); GBK/GB18030 from old Notepad is read with a warning.

    The encoding is decided over the whole file: a file that is UTF-8 but for a few stray
    bytes (a truncated copy, a byte pasted from elsewhere) is not GBK; it is refused with
    the lines that are broken, never decoded into garbage. A stray control character
    pasted from Word is text to clean later; a file that is not text at all (a .docx
    renamed to .md, an image) is refused.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Notepad's "Unicode" (UTF-16 with BOM)
        try:
            return raw.decode("utf-16"), [warning(
                "文件是 UTF-16 编码，已按此读取；建议另存为 UTF-8 编码", file)]
        except UnicodeDecodeError:
            pass
    if raw.startswith(_BINARY_MAGIC):
        raise NotText([error("文件含有二进制内容，不是文本文件；请用文本编辑器另存为 UTF-8 编码",
                             file)], unreadable=True)
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    # Invalid bytes become lone surrogates (U+DC80…U+DCFF), one per byte, in one pass.
    text = raw.decode("utf-8-sig", "surrogateescape")
    broken = [m.start() for m in _ESCAPED.finditer(text)]
    sound = len(_NON_ASCII.findall(text)) - len(broken)
    if sound >= len(broken):  # mostly valid UTF-8: a broken UTF-8 file, not a GBK one
        lines = sorted({text.count("\n", 0, at) + 1 for at in broken[:1000]})
        shown_lines = "、".join(str(n) for n in lines[:10]) + ("等" if len(lines) > 10 else "")
        raise InputError([error(
            f"文件是 UTF-8 编码，但第{shown_lines}行有不是 UTF-8 的字节（可能是复制时带入或文件不完整）；"
            "请用文本编辑器检查这些行，删去乱码后另存为 UTF-8 编码", file, lines[0])],
            unreadable=True)
    if looks_binary(raw):
        raise NotText([error("文件含有二进制内容，不是文本文件；请用文本编辑器另存为 UTF-8 编码",
                             file)], unreadable=True)
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError([error("无法识别文件编码，请另存为 UTF-8 编码（此行起有既不是 UTF-8 也不是 GBK 的内容）",
                                file, line)], unreadable=True) from None
    return text, [warning("文件是 GBK/GB18030 编码，已按此读取；建议另存为 UTF-8 编码", file)]


_BINARY_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\xff\xd8\xff",
                 b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf", b"\x7fELF")
_ESCAPED = re.compile("[\udc80-\udcff]")
_NON_ASCII = re.compile("[^\x00-\x7f]")
_CONTROL = bytes([*range(0, 9), *range(14, 32)])


def looks_binary(raw: bytes) -> bool:
    """For a file that is not UTF-8: mostly control bytes means not text at all."""
    if raw.startswith(_BINARY_MAGIC):
        return True
    sample = raw[:65536]
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    return controls > max(8, len(sample) // 100)


def read_yaml(path: Path, display_name: str | None = None, kind: str = "数据文件") -> YamlSource:
    file = display_name or shown(path)
    raw = read_limited(path, kind, file)
    text, notes = decode(raw, file)
    source = parse_yaml(text, file, notes)
    source.digest = hashlib.sha256(raw).hexdigest()
    return source


def parse_yaml(text: str, file: str, notes: list[Finding] | None = None) -> YamlSource:
    if not text.strip():
        raise InputError([error("文件是空的，请按示例填写", file)], unreadable=True)
    try:
        if _could_be_hostile(text):
            _check_structure(text, file)
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        problem, line = _yaml_problem(exc)
        raise InputError([error(f"YAML 格式错误：{problem}；请检查缩进、冒号和引号", file, line)],
                         unreadable=True) from None
    except yaml.reader.ReaderError as exc:
        character = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        at = text.find(character)
        raise InputError([error(
            f"文件中有不允许的控制字符（U+{ord(character[:1] or '?'):04X}），多为从 Word 或网页复制带入；"
            "请删去该字符", file, text.count("\n", 0, at) + 1 if at >= 0 else None)],
            unreadable=True) from None
    except yaml.YAMLError:
        raise InputError([error("YAML 格式错误：无法解析；请检查缩进、冒号和引号", file)],
                         unreadable=True) from None
    if node is None:  # only comments, or only "---"
        raise InputError([error("文件是空的，请按示例填写", file)], unreadable=True)
    source = YamlSource(data=None, file=file, notes=list(notes or []))
    source.data = _to_python(node, (), source)
    return source


def top_level_scalars(text: str, keys: frozenset[str]) -> dict[str, str]:
    """The text of those top-level keys whose value is a scalar, parsing only as far as
    the last of them (a framework's 标识 and 名称 sit at its top)."""
    found: dict[str, str] = {}
    depth, key = 0, None  # key: the top-level key whose value comes next
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
            if depth == 1:
                key = None
        elif depth == 1 and isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
            if key is None:
                key = event.value if isinstance(event, yaml.ScalarEvent) else ""
            else:
                if key in keys and isinstance(event, yaml.ScalarEvent):
                    found[key] = event.value
                    if len(found) == len(keys):
                        break
                key = None
    return found


MAX_DEPTH = 40


def _could_be_hostile(text: str) -> bool:
    """Cheap bound first: without "*" there is no alias; a block level needs one more column
    of indentation or a "- " on its line, a flow level a bracket anywhere. Data files stay
    far below the bound."""
    if "*" in text:
        return True
    block = max((len(line) - len(line.lstrip(" ")) + line.count("- ")
                 for line in text.splitlines()), default=0)
    return text.count("[") + text.count("{") + block + 2 >= MAX_DEPTH


def _check_structure(text: str, file: str) -> None:
    """Refuse, before composing, what would make composing blow up: aliases (`*a`, which
    can expand a small file a billion-fold or refer to themselves) and nesting deep enough
    to overflow libyaml's recursive composer. The event parser itself is iterative."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            depth = _visit(event, depth, file)
    except yaml.MarkedYAMLError as exc:
        # PyYAML ≥ 6.0.4 stops deep nesting itself (at 1000 levels), before we count.
        if "nesting depth" not in str(exc.problem):
            raise
        mark = exc.problem_mark or exc.context_mark
        raise InputError([error(f"嵌套超过{MAX_DEPTH}层，不是有效的数据文件", file,
                                mark.line + 1 if mark else None)], unreadable=True) from None


def _visit(event: yaml.Event, depth: int, file: str) -> int:
    """One parser event: refuse an alias or one level too many; return the new depth."""
    if isinstance(event, yaml.AliasEvent):
        raise InputError([error("不支持 YAML 别名（“*名称”）；请把内容直接写出", file,
                                event.start_mark.line + 1)], unreadable=True)
    if isinstance(event, yaml.CollectionStartEvent):
        depth += 1
        if depth > MAX_DEPTH:
            raise InputError([error(f"嵌套超过{MAX_DEPTH}层，不是有效的数据文件", file,
                                    event.start_mark.line + 1)], unreadable=True)
    elif isinstance(event, yaml.CollectionEndEvent):
        depth -= 1
    return depth


# libyaml's and PyYAML's wordings → Chinese; True: point at where the bracket or quote
# opened (the problem itself is only found at the end of the file).
_PROBLEMS = {
    "mapping values are not allowed": ("此处不能出现“键: 值”（可能缺少缩进或多了冒号）", False),
    "could not find expected ':'": ("缺少冒号“:”", False),
    "found character '\\t' that cannot start any token": ("不能用 Tab 缩进，请改用空格", False),
    "found a tab character": ("不能用 Tab 缩进，请改用空格", False),
    "found character that cannot start any token": (
        "有不能出现在此处的字符（如 Tab、@、`），请删去或给值加引号", False),
    "expected <block end>": ("缩进不一致", False),
    "did not find expected key": ("缩进不一致或缺少键", False),
    "did not find expected '-' indicator": ("列表项“- ”的缩进不一致", False),
    "did not find expected ',' or ']'": ("此行开始的方括号“[”没有闭合，或各项之间缺少逗号", True),
    "did not find expected ',' or '}'": ("此行开始的花括号“{”没有闭合，或各项之间缺少逗号", True),
    "found unexpected end of stream": ("此行开始的引号没有闭合（文件在引号内结束）", True),
    "found invalid Unicode character escape code": (
        "引号内的 \\u 转义不是有效的字符（如单独的 \\uD800）", False),
    "but found another document": ("文件中只能有一份数据，请删去“---”及其后的内容", False),
    "found unknown escape character": (
        "双引号内的反斜杠“\\”后面不是有效的转义（如 \\n）；如要写反斜杠本身，请写两个“\\\\”"
        "或改用单引号", False),
    "did not find expected hexdecimal number": (
        "双引号内的 \\x、\\u 转义后面不是十六进制数字；如要写反斜杠本身，请改用单引号", False),
    "found undefined alias": ("不支持 YAML 别名（“*名称”）；请把内容直接写出", False),
    "found unexpected document indicator": ("引号内出现了单独一行的“---”或“...”，请删去或改写", False),
    "found undefined tag handle": ("“!”开头的写法是 YAML 标签，数据中不能使用；请给值加引号", False),
    "did not find the expected '>'": ("“!”开头的写法是 YAML 标签，数据中不能使用；请给值加引号", False),
    "did not find expected comment or line break": ("“|”或“>”后面只能换行，不能接其他文字", False),
    "did not find expected alphabetic or numeric character": (
        "“&”或“*”后面缺少名称；YAML 锚点和别名不能使用，如是文字请加引号", False),
    "did not find expected <document start>": ("多了括号或其他字符，数据到此处之前已结束", False),
    "did not find expected node content": ("此处缺少内容（可能多了逗号或冒号），请检查", False),
    "found duplicate %YAML directive": ("“%YAML”指令重复，请删去", False),
}


def _yaml_problem(exc: yaml.MarkedYAMLError) -> tuple[str, int | None]:
    """The Chinese problem and its line (1-based)."""
    problem = (exc.problem or "").strip()
    mark = exc.problem_mark or exc.context_mark
    for english, (chinese, at_opening) in _PROBLEMS.items():
        if problem.startswith(english):
            if at_opening and exc.context_mark is not None:
                mark = exc.context_mark
            return chinese, mark.line + 1 if mark else None
    # Never the parser's English: a wording not known here is still said in Chinese.
    return "此处写法不符合 YAML 格式", mark.line + 1 if mark else None


def _to_python(node: yaml.Node, path: Path_, source: YamlSource) -> object:
    source.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                source.notes.append(error("键必须是文字", source.file, key_node.start_mark.line + 1))
                continue
            key = key_node.value.strip()
            if key in result:
                source.notes.append(error(f"字段“{key}”重复出现，请删去一处", source.file,
                                          key_node.start_mark.line + 1))
            result[key] = _to_python(value_node, (*path, key), source)
            source.lines[(*path, key)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, (*path, i), source) for i, item in enumerate(node.value)]
    value = node.value
    # BaseLoader keeps "~" and "null" as text; an empty plain scalar is "nothing".
    if node.style is None and value in {"", "~", "null", "Null", "NULL"}:
        return None
    return value
