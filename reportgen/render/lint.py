"""Lint a .docx template before use (reportgen template check FILE): every problem with the
paragraph or table cell where it is.

Errors are what would stop a build or make Word reject the report: a file that is not a
.docx, a broken or unclosed tag, an unbalanced {% for %}/{% if %}, an unknown name, a
paragraph-sized value used inside a line (or the reverse). Warnings are what renders but
probably not as meant: a tag Word split into differently formatted runs, a tag running on
into the next paragraph, full-width braces that are not a tag at all.

The build runs the same lint on a template once per process and refuses on errors, so
`template check` and `build` never disagree.
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from ..files import read_limited, unzipped_too_large, zip_problem
from ..findings import Finding, InputError, error, warning
from ..template_contract import (
    DRAFT_MARK,
    DRAFT_MARK_NAME,
    FIELDS,
    PARAGRAPH_STYLES,
    RENDERED_PARTS,
    SECTIONS,
    STYLES_PART,
    TABLE_STYLE,
    TABLE_STYLE_NAME,
)
from ..text import shown
from .syntax_messages import describe as describe_syntax

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OPENER = re.compile(r"\{\{|\{%|\{#")
_CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}
_PREFIX = re.compile(r"^(p|r|tr|tc) ")  # docxtpl: {{p x }}, {%tr for … %}, {{r x }}
_FULL_WIDTH = re.compile(r"[{｛][{｛%％]|[}｝%％][}｝]")  # reported when a full-width one is in it
_BLOCKS = {"for", "if", "macro", "call", "filter", "with", "autoescape", "raw", "block"}
_MIDDLE = {"elif": {"if"}, "else": {"if", "for"}}
_DOCXTPL_SINGLE = {"vm", "hm", "cellbg", "colspan"}
_REFUSED = {"include", "extends", "import", "from"}
# Run properties Word changes while typing without the writer meaning a format change.
_NOISE = {f"{W}lang", f"{W}noProof", f"{W}proofErr", f"{W}rtl", f"{W}cs"}

_ENV = SandboxedEnvironment()


@dataclass
class _Char:
    paragraph: int  # index into _Part.labels
    run: etree._Element | None


@dataclass
class _Part:
    name: str
    text: str = ""
    chars: list[_Char] = field(default_factory=list)
    paragraph_texts: dict[int, str] | None = None
    labels: list[str] = field(default_factory=list)


@dataclass
class _Block:
    keyword: str
    tag: str
    where: str


def lint_template(path: Path, fields: Iterable[str] = FIELDS,
                  sections: Iterable[str] = SECTIONS) -> list[Finding]:
    """Every problem of the template at path, errors first."""
    parts, problems = read_parts(path)
    if problems:
        return problems
    return lint_parts(str(path), parts, fields, sections)


def read_parts(path: Path) -> tuple[dict[str, bytes], list[Finding]]:
    """The template's rendered parts (body, headers, footers) and its styles, or why it is
    not a .docx."""
    entries, problems = read_package(path)
    return template_sources(entries), problems


def template_sources(entries: list[tuple[zipfile.ZipInfo, bytes]]) -> dict[str, bytes]:
    """What the lint reads of a package: the rendered parts and the styles, by name."""
    return {info.filename: data for info, data in sorted(entries, key=lambda e: e[0].filename)
            if RENDERED_PARTS.match(info.filename) or info.filename == STYLES_PART}


def read_package(path: Path) -> tuple[list[tuple[zipfile.ZipInfo, bytes]], list[Finding]]:
    """Every entry of the .docx at path, read with bounded work: the file through
    read_limited, and its entries only when all of them together unzip to less than
    UNZIPPED_LIMIT (a few KB of zeros can claim gigabytes). An entry that claims less than
    it holds fails its CRC check instead of growing."""
    file = shown(path)
    try:
        raw = read_limited(path, "模板", file)
    except InputError as exc:
        return [], exc.findings
    head = raw[:8]
    if not head:
        return [], [error("模板文件是空的（0 字节），不是 .docx 文件", file)]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return [], [error("这是旧版 Word（.doc）文件或设置了打开密码的文档，不是 .docx；"
                          "请在 Word 或 WPS 中另存为 .docx（Word 文档）并取消密码", file)]
    if head.startswith(b"{\\rtf"):
        return [], [error("这是 RTF 文件，不是 .docx；请在 Word 或 WPS 中另存为 .docx（Word 文档）",
                          file)]
    if not head.startswith(b"PK"):
        return [], [error("不是 .docx 文件（Word 文档）；模板须是用 Word 或 WPS 保存的 .docx", file)]
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "word/document.xml" not in names:
                return [], [error(_not_word(names), file)]
            too_big = unzipped_too_large(infos, "模板")
            if too_big:
                return [], [error(too_big, file)]
            entries = [(info, archive.read(info)) for info in infos]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
            NotImplementedError, ValueError) as exc:
        return [], [error(f"模板文件已损坏（可能没有完整复制或下载；{zip_problem(exc)}）；"
                          "请在 Word 或 WPS 中打开后重新另存为 .docx", file)]
    return entries, []


def _xml_problem(exc: etree.XMLSyntaxError) -> str:
    """libxml2's complaint in Chinese, for the kinds a damaged or hand-edited part has."""
    text = str(exc.msg or "")
    for english, chinese in (("Premature end", "内容不完整"), ("mismatch", "标签不配对"),
                             ("not defined", "用了未声明的前缀或实体"),
                             ("Char 0x", "含有 XML 不允许的字符"), ("encoding", "编码有误")):
        if english in text:
            return chinese
    return "格式有误"


def _not_word(names: set[str]) -> str:
    if "xl/workbook.xml" in names:
        return "这是 Excel 文件，不是 Word 文档；模板须是 .docx"
    if "ppt/presentation.xml" in names:
        return "这是 PowerPoint 文件，不是 Word 文档；模板须是 .docx"
    if "content.xml" in names:
        return "这是 OpenDocument（.odt）文件；请在 WPS 或 LibreOffice 中另存为 .docx"
    return "压缩包中没有 word/document.xml，不是 Word 文档；模板须是 .docx"


def lint_parts(file: str, parts: dict[str, bytes], fields: Iterable[str] = FIELDS,
               sections: Iterable[str] = SECTIONS) -> list[Finding]:
    linter = _Linter(file, frozenset(fields), frozenset(sections))
    for name, data in parts.items():
        if RENDERED_PARTS.match(name):
            linter.lint(name, data)
    linter.findings.extend(style_problems(file, parts.get(STYLES_PART)))
    return sorted(linter.findings, key=lambda f: not f.is_error)  # errors first, stable


def style_problems(file: str, styles: bytes | None) -> list[Finding]:
    """A warning for each style the generated paragraphs and tables use that the template
    does not define: Word shows those paragraphs as plain body text instead."""
    defined: dict[str, str] = {}  # style id → name, as the template has them
    if styles is not None:
        try:
            root = etree.fromstring(styles, etree.XMLParser(resolve_entities=False))
        except etree.XMLSyntaxError:
            root = None
        for style in root.iter(f"{W}style") if root is not None else ():
            name = style.find(f"{W}name")
            defined[style.get(f"{W}styleId", "")] = "" if name is None else name.get(f"{W}val", "")
    by_name = {name.lower(): sid for sid, name in defined.items()}
    problems = []
    for sid, name in [*PARAGRAPH_STYLES.items(), (TABLE_STYLE, TABLE_STYLE_NAME),
                      (DRAFT_MARK, DRAFT_MARK_NAME)]:
        if sid in defined:
            continue
        kind = {TABLE_STYLE: "表格样式", DRAFT_MARK: "字符样式"}.get(sid, "段落样式")
        other = by_name.get(name.lower())
        hint = (f"模板中名为“{name}”的样式标识是“{other}”，而报告按标识“{sid}”引用它；"
                f"请把该样式的标识改为“{sid}”" if other else
                f"请在模板中新建{kind}“{name}”（标识“{sid}”）")
        problems.append(warning(f"模板缺少报告用到的{kind}“{sid}”，用到它的内容将失去格式；{hint}",
                                file, field=STYLES_PART))
    return problems


class _Linter:
    def __init__(self, file: str, fields: frozenset[str], sections: frozenset[str]) -> None:
        self.file = file
        self.fields = fields
        self.sections = sections
        self.findings: list[Finding] = []

    def add(self, bad: bool, where: str, message: str) -> None:
        self.findings.append((error if bad else warning)(message, self.file, field=where))

    # -- a part: XML → text stream → tags ---------------------------------------------
    def lint(self, name: str, data: bytes) -> None:
        title = _part_title(name)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            self.add(True, title or name, f"{name} 不是 UTF-8 编码；请在 Word 或 WPS 中打开后重新保存为 .docx")
            return
        try:
            root = etree.fromstring(data, etree.XMLParser(resolve_entities=False))
        except etree.XMLSyntaxError as exc:
            line = exc.lineno if exc.lineno else None
            self.add(True, title or name, f"{name} 不是合法的 XML（第{line}行，"
                     f"{_xml_problem(exc)}）；请在 Word 中打开后重新保存")
            return
        part = _stream(root, name, title)
        for match in _FULL_WIDTH.finditer(part.text):
            if not set(match.group(0)) & {"｛", "｝", "％"}:
                continue
            self.add(False, part.labels[part.chars[match.start()].paragraph],
                     f"“{match.group(0)}”含全角花括号或百分号，不会被当作模板标记；"
                     "标记须用半角字符，如 {{ 单位名称 }}")
        stack: list[_Block] = []
        scopes: list[set[str]] = [set()]
        position = 0
        while (opener := _OPENER.search(part.text, position)) is not None:
            start, kind = opener.start(), opener.group(0)
            following = _OPENER.search(part.text, opener.end())
            stop = following.start() if following is not None else len(part.text)
            end = part.text.find(_CLOSER[kind], opener.end(), stop)  # bounded: stays linear
            where = part.labels[part.chars[start].paragraph]
            if end < 0:
                stop = next((i for i in range(start, stop) if part.chars[i].paragraph
                             != part.chars[start].paragraph), stop)
                self.add(True, where, f"标记“{_clip(part.text[start:stop].rstrip(), 30)}”没有结束"
                         f"（缺少“{_CLOSER[kind]}”）；标记须在同一段内写完")
                position = opener.end()
                continue
            end += 2
            self.tag(part, start, end, kind, where, stack, scopes)
            position = end
        for block in stack:
            self.add(True, block.where, f"“{block.tag}”没有对应的“{{% end{block.keyword} %}}”")

    # -- one tag ----------------------------------------------------------------------
    def tag(self, part: _Part, start: int, end: int, kind: str, where: str,
            stack: list[_Block], scopes: list[set[str]]) -> None:
        tag = part.text[start:end]
        self.layout(part, start, end, tag, where)
        if kind == "{#":
            return
        inner = _smart_quotes(tag[2:-2])
        prefix_match = _PREFIX.match(inner)
        prefix = prefix_match.group(1) if prefix_match else ""
        body = inner[prefix_match.end():] if prefix_match else inner.lstrip("-")
        body = body.rstrip("-").strip()
        if kind == "{{":
            self.expression(tag, body, prefix, where, part, start, scopes)
        else:
            self.statement(tag, body, where, stack, scopes)

    def layout(self, part: _Part, start: int, end: int, tag: str, where: str) -> None:
        paragraphs = {c.paragraph for c in part.chars[start:end]}
        if len(paragraphs) > 1:
            self.add(False, where, f"标记“{_clip(tag)}”从本段延续到下一段，生成时两段会合并为一段；"
                     "请把标记写在同一段内")
            return
        runs = []
        for c in part.chars[start:end]:
            if c.run is not None and (not runs or runs[-1] is not c.run):
                runs.append(c.run)
        if len({_format_of(r) for r in runs}) > 1:
            self.add(False, where, f"标记“{_clip(tag)}”被 Word 拆成了格式不同的几段文字，"
                     "生成时统一采用第一段的格式；建议删去后一次输入整个标记")

    def expression(self, tag: str, body: str, prefix: str, where: str, part: _Part,
                   start: int, scopes: list[set[str]]) -> None:
        try:
            ast = _ENV.parse(f"{{{{ {body} }}}}")
        except TemplateSyntaxError as exc:
            self.add(True, where, f"标记“{_clip(tag)}”写法有误：{describe_syntax(exc)}")
            return
        self.names(tag, ast, where, scopes)
        if any(isinstance(n, (nodes.BinExpr, nodes.Call)) for n in ast.find_all(nodes.Expr)):
            self.add(False, where, f"“{_clip(tag)}”中有运算或函数调用，数据不合适时生成会失败；"
                     "模板中宜只写名称，如 {{ 单位名称 }}")
        if not re.fullmatch(r"\w+", body):
            return
        if body in self.sections and prefix != "p":
            self.add(True, where, f"“{_clip(tag)}”是成段的内容（段落和表格），不能写在一行文字中；"
                     f"请让它单独占一段，写成“{{{{p {body} }}}}”")
        elif body in self.fields and prefix == "p":
            self.add(True, where, f"“{_clip(tag)}”是一行文字，不能用“{{{{p …}}}}”；"
                     f"请写成“{{{{ {body} }}}}”")
        elif prefix == "p" and _paragraph_text(part, start).strip() != tag.strip():
            self.add(False, where, f"“{_clip(tag)}”会替换整个段落，本段中的其他文字不会出现在报告中")

    def statement(self, tag: str, body: str, where: str, stack: list[_Block],
                  scopes: list[set[str]]) -> None:
        keyword = body.split(None, 1)[0] if body.split() else ""
        if keyword.startswith("end") and keyword[3:] in _BLOCKS | {"set"}:
            self.close(tag, keyword[3:], body, where, stack, scopes)
            return
        if keyword in _MIDDLE:
            if not stack or stack[-1].keyword not in _MIDDLE[keyword]:
                self.add(True, where, f"“{_clip(tag)}”前面没有对应的“{{% if %}}”")
                return
            self.parse_names(tag, f"{{% if true %}}{{% {body} %}}{{% endif %}}", where, scopes)
            return
        if keyword in _DOCXTPL_SINGLE:
            rest = body[len(keyword):].strip()
            if rest:
                self.parse_names(tag, f"{{{{ {rest} }}}}", where, scopes)
            return
        if keyword in _REFUSED:
            self.add(True, where, f"“{_clip(tag)}”：模板中不能使用 {keyword}，请把内容直接写在模板里")
            return
        if keyword == "set" and "=" not in body:
            keyword = "set"  # a block set: {% set x %}…{% endset %}
            self.open(tag, keyword, f"{{% {body} %}}{{% endset %}}", where, stack, scopes)
            return
        if keyword in _BLOCKS:
            self.open(tag, keyword, f"{{% {body} %}}{{% end{keyword} %}}", where, stack, scopes)
            return
        if keyword == "set":
            ast = self.parse_names(tag, f"{{% {body} %}}", where, scopes)
            if ast is not None:
                scopes[-1].update(n.name for n in ast.find_all(nodes.Name) if n.ctx == "store")
            return
        self.add(True, where, f"“{_clip(tag)}”不是可用的模板标记（可用：for、if、elif、else、set 等）")

    def open(self, tag: str, keyword: str, snippet: str, where: str, stack: list[_Block],
             scopes: list[set[str]]) -> None:
        ast = self.parse_names(tag, snippet, where, scopes)
        declared: set[str] = set()
        if ast is not None:
            declared = {n.name for n in ast.find_all(nodes.Name) if n.ctx in {"store", "param"}}
            if keyword == "for":
                declared.add("loop")
        stack.append(_Block(keyword, _clip(tag), where))
        scopes.append(declared)

    def close(self, tag: str, keyword: str, body: str, where: str, stack: list[_Block],
              scopes: list[set[str]]) -> None:
        if body.split() != [f"end{keyword}"]:
            self.add(True, where, f"“{_clip(tag)}”写法有误：结束标记后不能再写其他内容")
        if not any(b.keyword == keyword for b in stack):
            self.add(True, where, f"多余的“{_clip(tag)}”：前面没有对应的“{{% {keyword} … %}}”")
            return
        while stack:
            block = stack.pop()
            scopes.pop()
            if block.keyword == keyword:
                return
            self.add(True, block.where, f"“{block.tag}”没有对应的“{{% end{block.keyword} %}}”"
                     f"（在{where}遇到了“{_clip(tag)}”）")

    def parse_names(self, tag: str, snippet: str, where: str,
                    scopes: list[set[str]]) -> nodes.Template | None:
        try:
            ast = _ENV.parse(snippet)
        except TemplateSyntaxError as exc:
            self.add(True, where, f"标记“{_clip(tag)}”写法有误：{describe_syntax(exc)}")
            return None
        self.names(tag, ast, where, scopes)
        return ast

    def names(self, tag: str, ast: nodes.Template, where: str, scopes: list[set[str]]) -> None:
        known = self.fields | self.sections
        # Only names not known are looked up in the scopes: linear in tags, however deep.
        unknown = meta.find_undeclared_variables(ast) - known
        for name in sorted(n for n in unknown if not any(n in s for s in reversed(scopes))):
            hint = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.5)
            tip = f"，是否应为“{hint[0]}”？" if hint else f"；可用名称：{'、'.join(sorted(known))}"
            self.add(True, where, f"模板中的“{_clip(tag)}”用到的“{name}”不是可用的名称{tip}")


# -- the text stream of a part, with each character's paragraph and run ------------------
def _stream(root: etree._Element, name: str, title: str) -> _Part:
    part = _Part(name)
    index: dict[etree._Element, int] = {}
    for paragraph, label in _labels(root, title):
        index[paragraph] = len(part.labels)
        part.labels.append(label)
    pieces: list[str] = []
    for t in root.iter(f"{W}t"):
        text = t.text or ""
        if not text:
            continue
        paragraph = next(t.iterancestors(f"{W}p"), None)
        number = index.get(paragraph) if paragraph is not None else None
        if number is None:  # text outside the places _labels knows (rare structures)
            number = len(part.labels)
            part.labels.append(f"{title}（位置不明）")
            if paragraph is not None:
                index[paragraph] = number
        run = next(t.iterancestors(f"{W}r"), None)
        pieces.append(text)
        part.chars.extend([_Char(number, run)] * len(text))
    part.text = "".join(pieces)
    return part


def _labels(root: etree._Element, title: str) -> list[tuple[etree._Element, str]]:
    """Each paragraph with the place a writer finds it: 第12段, 表格1第3行第2列 …"""
    out: list[tuple[etree._Element, str]] = []

    def walk(container: etree._Element, prefix: str, single: bool) -> None:
        paragraphs = tables = 0
        for child in container:
            if child.tag == f"{W}p":
                paragraphs += 1
                label = prefix if single and prefix else f"{prefix}第{paragraphs}段"
                out.append((child, label))
                for box in child.iter(f"{W}txbxContent"):
                    walk(box, f"{label}的文本框中", False)
            elif child.tag == f"{W}tbl":
                tables += 1
                for r, row in enumerate(child.iter(f"{W}tr"), 1):
                    if next(row.iterancestors(f"{W}tbl")) is not child:
                        continue
                    for c, cell in enumerate(row.iterchildren(f"{W}tc", f"{W}sdt"), 1):
                        cells = [cell] if cell.tag == f"{W}tc" else list(cell.iter(f"{W}tc"))
                        for one in cells:
                            only = len(one.findall(f"{W}p")) == 1
                            walk(one, f"{prefix}表格{tables}第{r}行第{c}列", only)
            elif child.tag in {f"{W}body", f"{W}sdt", f"{W}sdtContent", f"{W}customXml"}:
                walk(child, prefix, False)

    walk(root, title, False)
    return out


def _part_title(name: str) -> str:
    stem = name.rsplit("/", 1)[-1]
    if stem.startswith("header"):
        return f"页眉（{stem}）"
    if stem.startswith("footer"):
        return f"页脚（{stem}）"
    return ""


def _paragraph_text(part: _Part, at: int) -> str:
    """The whole text of the paragraph holding character at; all paragraphs' texts are
    gathered in one pass on first use (per tag, a scan would make the lint quadratic)."""
    if part.paragraph_texts is None:
        pieces: dict[int, list[str]] = {}
        for ch, c in zip(part.text, part.chars, strict=True):
            pieces.setdefault(c.paragraph, []).append(ch)
        part.paragraph_texts = {k: "".join(v) for k, v in pieces.items()}
    return part.paragraph_texts[part.chars[at].paragraph]


def _format_of(run: etree._Element) -> bytes:
    props = run.find(f"{W}rPr")
    if props is None:
        return b""
    kept = [etree.tostring(child, method="c14n") for child in props if child.tag not in _NOISE]
    return b"".join(sorted(kept))


def _smart_quotes(text: str) -> str:
    """docxtpl turns Word's curly quotes inside tags back into straight ones; so do we."""
    return text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
