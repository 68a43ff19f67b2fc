"""The template contract (reportgen/template_contract.py) is the one list of placeholder
names and style ids; the shipped template is what templates/build_template.py builds; a
custom template missing a style the renderer uses is reported; and the docxtpl behaviour
the compiled template relies on is pinned."""

from __future__ import annotations

import importlib.util
import io
import re
import sys
import zipfile
from pathlib import Path

from docxtpl import DocxTemplate
from lxml import etree

from conftest import EXAMPLE, ROOT
from reportgen.build import default_template, render_docx
from reportgen.findings import Severity
from reportgen.pipeline import evaluate
from reportgen.render.lint import lint_template
from reportgen.template_contract import (
    PARAGRAPH_STYLES,
    STYLES_PART,
    TABLE_CENTER,
    TABLE_STYLE,
    TABLE_STYLE_NAME,
)


def _builder():
    spec = importlib.util.spec_from_file_location(
        "build_template", ROOT / "templates" / "build_template.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _with_styles(path: Path, change) -> Path:
    """The shipped template with its styles.xml changed by change(xml) → xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(default_template()) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == STYLES_PART:
                data = change(data.decode()).encode()
            target.writestr(info, data)
    path.write_bytes(out.getvalue())
    return path


def _drop_style(style_id: str):
    return lambda xml: re.sub(rf'<w:style [^>]*w:styleId="{style_id}".*?</w:style>', "", xml,
                              flags=re.DOTALL)


def test_the_shipped_template_is_what_the_builder_builds():
    assert _builder().build() == default_template().read_bytes()


def test_the_builder_defines_every_style_of_the_contract():
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = etree.fromstring(zipfile.ZipFile(default_template()).read(STYLES_PART))
    defined = {s.get(f"{w}styleId"): s.find(f"{w}name").get(f"{w}val") for s in root.iter(f"{w}style")}
    for style_id, name in [*PARAGRAPH_STYLES.items(), (TABLE_STYLE, TABLE_STYLE_NAME)]:
        assert defined.get(style_id) == name, style_id


def test_a_template_without_a_style_the_renderer_uses_is_reported(tmp_path):
    path = _with_styles(tmp_path / "模板.docx", _drop_style(TABLE_CENTER))
    found = lint_template(path)
    assert [(f.severity, f.message) for f in found] == [(Severity.WARNING, (
        "模板缺少报告用到的段落样式“TableCenter”，用到它的内容将失去格式；"
        "请在模板中新建段落样式“表格文字居中”（标识“TableCenter”）"))]
    # the build makes the report anyway and says the same with it
    _, notes = render_docx(evaluate(EXAMPLE), path)
    assert found[0] in notes


def test_a_heading_saved_under_chinese_words_style_id_is_named(tmp_path):
    # Chinese Word saves the built-in "heading 2" with the style id "2".
    path = _with_styles(tmp_path / "模板.docx",
                        lambda xml: xml.replace('w:styleId="Heading2"', 'w:styleId="2"'))
    assert [f.message for f in lint_template(path)] == [
        "模板缺少报告用到的段落样式“Heading2”，用到它的内容将失去格式；模板中名为“heading 2”"
        "的样式标识是“2”，而报告按标识“Heading2”引用它；请把该样式的标识改为“Heading2”"]


# docxtpl's patch_xml is private API: the compiled template calls it once per part with no
# instance (render/template.py). These are the rewrites it relies on; if a docxtpl release
# changes them, this fails here rather than as a broken report.
PATCHED = {
    # {{p name }}: the whole paragraph becomes the value (block XML goes in its place)
    "<w:p><w:r><w:t>{{p 引言 }}</w:t></w:r></w:p>": "{{ 引言 }}",
    # {%p … %}: the tag's paragraph disappears
    "<w:p><w:r><w:t>{%p if 预算编码 %}</w:t></w:r></w:p><w:p><w:r><w:t>x</w:t></w:r></w:p>"
    "<w:p><w:r><w:t>{%p endif %}</w:t></w:r></w:p>":
        "{% if 预算编码 %}<w:p><w:r><w:t>x</w:t></w:r></w:p>{% endif %}",
    # a tag Word split across runs is joined, in the first run's formatting
    "<w:p><w:r><w:t>单位：{{ 单</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>位名称 }}</w:t></w:r></w:p>":
        '<w:p><w:r><w:t xml:space="preserve">单位：{{ 单位名称 }}</w:t></w:r></w:p>',
    "<w:p><w:r><w:t>{</w:t></w:r><w:r><w:t>{ 年度 }</w:t></w:r><w:r><w:t>}</w:t></w:r></w:p>":
        '<w:p><w:r><w:t xml:space="preserve">{{ 年度 }}</w:t></w:r></w:p>',
}


def test_docxtpl_patch_xml_still_rewrites_tags_as_the_compiled_template_expects():
    for source, expected in PATCHED.items():
        assert DocxTemplate.patch_xml(None, source) == expected, source
