"""A docxtpl template loaded and compiled once, rendered many times, saved byte-identically.

docxtpl's own render reloads the .docx with python-docx, re-patches and recompiles the
XML, and saves through python-docx on every call. Here docxtpl's patch step (the tag
syntax `{{p }}`, `{%p %}` …) runs once per template, Jinja compiles once, and each render
only fills the compiled parts and writes a zip with fixed timestamps.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from jinja2 import StrictUndefined, TemplateSyntaxError
from lxml import etree

from ..findings import Finding, InputError, error
from ..template_contract import RENDERED_PARTS, STYLES_PART
from ..text import xml_escape
from ..zipfiles import fixed_entry
from .lint import lint_parts, read_package, style_problems, template_sources
from .prepatched import patched_parts, sidecar_bytes
from .sandbox import TemplateSandbox, charge_output, describe_render_error, render_budget
from .syntax_messages import describe as describe_syntax
from .wordml import RawXml

# Level 1: a third of level 6's time on document.xml for ~15 % more bytes. Set on the
# entry: CPython ignores ZipFile(compresslevel=…) for entries given as a ZipInfo, and
# ZipInfo.compress_level is 3.13+; writestr(…, compresslevel=) works from 3.7.
COMPRESS_LEVEL = 1
_BODY = re.compile(r"(<w:body>)(.*)(</w:body>)", re.DOTALL)


@dataclass
class _Part:
    prefix: str
    template: object  # jinja2.Template
    suffix: str
    bound: bool = False  # every namespace prefix of the part's source is declared in it


class CompiledTemplate:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: list[tuple[zipfile.ZipInfo, bytes]] = []
        self.parts: dict[str, _Part] = {}
        self.structure_checked: set[str] = set()
        self.env = TemplateSandbox(autoescape=True, undefined=StrictUndefined)
        self._load()

    def _load(self) -> None:
        name = str(self.path)
        self.entries, problems = read_package(self.path)  # not a .docx: says what it is
        if problems:
            raise InputError(problems, unreadable=True)
        self.sources = template_sources(self.entries)
        split, problems = template_parts(self.entries, name)
        patched_sources = patched_parts({part: source for part, (_, source, _) in split.items()},
                                        self.path)
        for part, (prefix, _, suffix) in split.items():
            patched = patched_sources[part]
            try:
                self.parts[part] = _Part(prefix, self.env.from_string(patched), suffix,
                                         _prefixes_bound(prefix + patched + suffix))
            except TemplateSyntaxError as exc:
                text = re.sub(r"<[^>]+>", "", patched.splitlines()[exc.lineno - 1]
                              if exc.lineno and exc.lineno <= len(patched.splitlines()) else "")
                problems.append(error(f"模板标记有误：{describe_syntax(exc)}（附近文字：{text[:60]}）",
                                      f"{name}:{part}"))
        if problems:  # the lint says where, in Chinese
            located = [f for f in lint_parts(name, self.sources) if f.is_error]
            raise InputError(located or problems, unreadable=True)
        self.linted: dict[tuple[frozenset[str], frozenset[str]], list[Finding]] = {}
        self.rendered_names = [info.filename for info, _ in self.entries
                               if info.filename in self.parts
                               or info.filename == "docProps/core.xml"]
        self.static_zip = self._static_zip()
        # Rendered anyway, but worth saying with every report made from this template.
        self.warnings = style_problems(name, self.sources.get(STYLES_PART))

    def render(self, context: dict[str, object], core_title: str = "", author: str = "",
               date: str = "") -> bytes:
        problems = self._lint(context)  # unknown names included, with their paragraph
        if problems:
            raise InputError(problems, unreadable=True)
        # Unchanged entries were compressed once (see _static_zip); only the rendered
        # parts are compressed per report and appended.
        out = io.BytesIO(self.static_zip)
        out.seek(0, io.SEEK_END)
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive, \
                render_budget(context):
            for name in self.rendered_names:
                if name in self.parts:
                    data = self._render_part(name, context)
                else:
                    data = core_properties(core_title, author, date)
                archive.writestr(fixed_entry(name), data, compresslevel=COMPRESS_LEVEL)
        return out.getvalue()

    def _lint(self, context: dict[str, object]) -> list[Finding]:
        """What `template check` calls an error, for these names; once per process."""
        sections = frozenset(k for k, v in context.items() if isinstance(v, RawXml))
        key = (frozenset(context) - sections, sections)
        if key not in self.linted:
            self.linted[key] = [f for f in lint_parts(str(self.path), self.sources, *key)
                                if f.is_error]
        return self.linted[key]

    def _static_zip(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for info, data in self.entries:
                if info.filename not in self.rendered_names:
                    archive.writestr(fixed_entry(info.filename), data,
                                     compresslevel=COMPRESS_LEVEL)
        return out.getvalue()

    def _render_part(self, name: str, context: dict[str, object]) -> bytes:
        part = self.parts[name]
        try:
            body = charge_output(part.template.generate(context))
        except MemoryError:
            raise InputError([error("模板渲染时内存不足：模板生成的内容过大", str(self.path),
                                    field=name)], unreadable=True) from None
        except Exception as exc:  # {{ 单位名称 + 1 }}, {{ 1/0 }} …: the template's, not ours
            raise InputError([error(
                f"模板无法渲染：{describe_render_error(exc)}；模板中宜只写名称，"
                "如 {{ 单位名称 }}，可用 reportgen template check 检查", str(self.path),
                field=name)], unreadable=True) from None
        data = f"{part.prefix}{body}{part.suffix}".encode()
        checked = name in self.structure_checked
        try:
            if checked and part.bound and len(data) <= TEXT_NODE_LIMIT:
                # Rendered once as a tree: its structure and namespaces are proven (the
                # template alone brings prefixes, our policies write w: and xml: only, the
                # data is escaped). Only well-formedness can still depend on the data, and
                # parsing without building a tree proves it in half the time.
                etree.fromstring(data, etree.XMLParser(target=_NoTree()))
                return data
            root = etree.fromstring(data)
        except etree.XMLSyntaxError as exc:  # never write a document Word cannot open
            if "too long" in str(exc) or "Resource limit" in str(exc):
                raise InputError([error("报告中有一段文字超过 1000 万字节，Word 等软件无法处理；"
                                        "请把过长的段落分段", str(self.path))],
                                 unreadable=True) from None
            raise InputError([error(f"模板渲染后的 {name} 不是合法的 XML（第{exc.lineno}行）；"
                                    "请用 reportgen template check 检查模板", str(self.path))],
                             unreadable=True) from None
        # Misplaced text comes from how the template uses its tags, not from the data
        # (which the policies escape): one render per part proves it for all the others.
        if not checked and _MISPLACED(root):
            # well-formed, yet text where Word allows none: Word refuses it
            raise InputError([error(
                f"模板渲染后的 {name} 结构有误（文字出现在段落之外，或段落出现在文字之中）；"
                "请用 reportgen template check 检查模板", str(self.path))], unreadable=True)
        self.structure_checked.add(name)
        return data


# libxml2's longest text node: a part shorter than this cannot hold a longer one.
TEXT_NODE_LIMIT = 10_000_000


class _NoTree:
    """A parser target with no handlers: libxml2 checks the XML, lxml builds nothing."""

    def close(self) -> None:
        return None


_PREFIX_USED = re.compile(r"</?([A-Za-z_][\w.-]*):|\s([A-Za-z_][\w.-]*):[\w.-]+\s*=")
_PREFIX_DECLARED = re.compile(r"xmlns:([A-Za-z_][\w.-]*)\s*=")


def _prefixes_bound(xml: str) -> bool:
    """Every prefix an element or attribute of the source uses is declared in it (text
    looking like one only errs towards parsing every render as a tree)."""
    used = {element or attribute for element, attribute in _PREFIX_USED.findall(xml)}
    return used <= {*_PREFIX_DECLARED.findall(xml), "xml", "xmlns"}


# One pass over the text nodes (a union of //w:p | //w:r … is superlinear in lxml).
_MISPLACED = etree.XPath(
    "boolean(//w:t[*] | //text()[normalize-space()][parent::w:body or parent::w:p or "
    "parent::w:r or parent::w:tbl or parent::w:tr or parent::w:tc or parent::w:hdr or "
    "parent::w:ftr])",
    namespaces={"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"})


def prepatched_sidecar(path: Path) -> bytes:
    """The patched parts of the template at path, stored beside it by build_template.py."""
    entries, problems = read_package(path)
    split, more = template_parts(entries, str(path))
    if problems or more:
        raise InputError(problems + more, unreadable=True)
    return sidecar_bytes({part: source for part, (_, source, _) in split.items()})


def template_parts(entries: list[tuple[zipfile.ZipInfo, bytes]], name: str
                   ) -> tuple[dict[str, tuple[str, str, str]], list[Finding]]:
    """The parts with tags, each split into prefix, template source and suffix."""
    problems: list[Finding] = []
    split: dict[str, tuple[str, str, str]] = {}
    for info, data in entries:
        if not RENDERED_PARTS.match(info.filename):
            continue
        try:
            xml = data.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(error(f"{info.filename} 不是 UTF-8 编码", name))
            continue
        prefix, source, suffix = _split(xml, info.filename)
        if "{" in source:
            split[info.filename] = prefix, source, suffix
    return split, problems


def _split(xml: str, name: str) -> tuple[str, str, str]:
    """Only the body of document.xml is a template; headers/footers are whole."""
    if name == "word/document.xml":
        match = _BODY.search(xml)
        if match:
            return xml[:match.end(1)], match.group(2), xml[match.start(3):]
    start = xml.find("?>") + 2 if xml.startswith("<?xml") else 0
    return xml[:start], xml[start:], ""


def core_properties(title: str, author: str = "", date: str = "") -> bytes:
    """Honest and deterministic: the unit wrote it, dated by its 报告日期 (ISO, 2019-06-15);
    without a date no date is claimed."""
    who = xml_escape(author or "reportgen")
    when = "".join(f'<dcterms:{tag} xsi:type="dcterms:W3CDTF">{date}T00:00:00Z</dcterms:{tag}>'
                   for tag in ("created", "modified")) if date else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{xml_escape(title)}</dc:title><dc:creator>{who}</dc:creator>"
        f"<cp:lastModifiedBy>{who}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f"{when}</cp:coreProperties>").encode()
