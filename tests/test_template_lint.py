"""reportgen template check: lint_template reports each problem with its paragraph or
table cell; the build refuses what the lint calls an error, so the two never disagree."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from docx import Document

from conftest import EXAMPLE
from reportgen.build import default_template, render_docx, template_context
from reportgen.compose import compose_report
from reportgen.findings import InputError, Severity
from reportgen.pipeline import evaluate
from reportgen.render.lint import lint_template
from reportgen.template_contract import FIELDS, SECTIONS

SECT = ('<w:sectPr><w:footerReference w:type="default" r:id="{rid}"/>'
        '<w:pgSz w:w="11906" w:h="16838"/></w:sectPr>')


def run(text: str, bold: bool = False) -> str:
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(*runs: str) -> str:
    return f"<w:p>{''.join(r if r.startswith('<w:r>') else run(r) for r in runs)}</w:p>"


def table(rows: list[list[str]]) -> str:
    body = "".join("<w:tr>" + "".join(f"<w:tc>{para(c)}</w:tc>" for c in row) + "</w:tr>"
                   for row in rows)
    return f"<w:tbl>{body}</w:tbl>"


def make(path: Path, body: str, footer: str | None = None) -> Path:
    """The shipped template with its body (and optionally its footer text) replaced."""
    source = zipfile.ZipFile(default_template())
    doc = source.read("word/document.xml").decode()
    rid = re.search(r'footerReference w:type="default" r:id="(rId\d+)"', doc).group(1)
    doc = re.sub(r"<w:body>.*</w:body>", f"<w:body>{body}{SECT.format(rid=rid)}</w:body>",
                 doc, flags=re.DOTALL)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = doc.encode()
            elif info.filename == "word/footer1.xml" and footer is not None:
                xml = data.decode()
                data = re.sub(r"(<w:ftr[^>]*>).*(</w:ftr>)", rf"\g<1>{para(footer)}\g<2>", xml,
                              flags=re.DOTALL).encode()
            archive.writestr(info, data)
    path.write_bytes(out.getvalue())
    return path


def findings(path: Path) -> list[str]:
    return [f.render() for f in lint_template(path)]


def errors(path: Path) -> list[str]:
    return [f.render() for f in lint_template(path) if f.severity is Severity.ERROR]


FULL = "".join(para(f"{{{{p {name} }}}}") for name in SECTIONS) + \
    "".join(para(f"{name}：{{{{ {name} }}}}") for name in FIELDS)


# -- what reportgen supplies ----------------------------------------------------------------
def test_the_known_names_are_what_a_build_supplies():
    ev = evaluate(EXAMPLE)
    doc, _ = compose_report(ev)
    context = template_context(doc)
    assert set(FIELDS) | set(SECTIONS) == set(context)
    assert set(SECTIONS) == set(doc.sections)


def test_the_shipped_template_is_clean_and_the_lint_reads_it(tmp_path):
    assert lint_template(default_template()) == []
    # The same template with one section tag written inline: the lint must see it there.
    source = zipfile.ZipFile(default_template())
    broken = tmp_path / "t.docx"
    with zipfile.ZipFile(broken, "w") as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace("{{p 基础数据表 }}".encode(), "{{ 基础数据表 }}".encode())
            archive.writestr(info, data)
    [only] = lint_template(broken)
    assert only.is_error and "基础数据表" in only.message


def test_a_template_using_every_name_is_clean(tmp_path):
    assert findings(make(tmp_path / "t.docx", FULL)) == []


# -- unknown names, with the paragraph or cell ---------------------------------------------
def test_unknown_name_in_a_paragraph(tmp_path):
    path = make(tmp_path / "t.docx", para("标题") + para("") + para("评价单位：{{ 单位名 }}"))
    assert findings(path) == [f"[错误] {path}（第3段）：模板中的“{{{{ 单位名 }}}}”用到的“单位名”"
                              "不是可用的名称，是否应为“单位名称”？"]


def test_unknown_name_in_a_table_cell_and_a_footer(tmp_path):
    body = para("附表") + table([["项目", "数值"], ["总分", "{{ 总得分 }}"], ["等级", "{{ 等级 }}"]])
    path = make(tmp_path / "t.docx", body, footer="{{ 页码 }}")
    found = findings(path)
    assert any("（表格1第2行第2列）：模板中的“{{ 总得分 }}”用到的“总得分”" in f for f in found)
    assert any("（表格1第3行第2列）：模板中的“{{ 等级 }}”用到的“等级”" in f for f in found)
    assert any("（页脚（footer1.xml）第1段）：模板中的“{{ 页码 }}”" in f for f in found)


def test_names_declared_by_the_template_itself_are_known(tmp_path):
    body = (para("{%p for 行 in 指标表 %}") + para("{{ loop.index }}：{{ 行 }}")
            + para("{%p endfor %}") + para("{% set 全称 = 单位名称 %}{{ 全称 }}"))
    path = make(tmp_path / "t.docx", body)
    assert errors(path) == []


# -- tags split by Word ----------------------------------------------------------------------
def test_a_tag_split_across_runs_with_different_formatting_is_a_warning(tmp_path):
    path = make(tmp_path / "t.docx", para("评价单位：", run("{{ 单位"), run("名称 }}", bold=True)))
    assert findings(path) == [
        f"[警告] {path}（第1段）：标记“{{{{ 单位名称 }}}}”被 Word 拆成了格式不同的几段文字，"
        "生成时统一采用第一段的格式；建议删去后一次输入整个标记"]


def test_a_tag_split_across_runs_with_the_same_formatting_is_fine(tmp_path):
    path = make(tmp_path / "t.docx", para(run("{{ 单"), run("位名"), run("称 }}")))
    assert findings(path) == []


def test_a_tag_running_into_the_next_paragraph(tmp_path):
    path = make(tmp_path / "t.docx", para("甲") + para("{{ 单位") + para("名称 }}"))
    [found] = findings(path)
    assert found.startswith(f"[警告] {path}（第2段）：标记“{{{{ 单位名称 }}}}”从本段延续到下一段")


def test_an_unclosed_tag(tmp_path):
    path = make(tmp_path / "t.docx", para("{{ 单位名称") + para("{{ 年度 }}"))
    assert errors(path) == [f"[错误] {path}（第1段）：标记“{{{{ 单位名称”没有结束（缺少“}}}}”）；"
                            "标记须在同一段内写完"]


def test_full_width_braces_are_not_tags(tmp_path):
    path = make(tmp_path / "t.docx", para("｛｛ 单位名称 ｝｝"))
    found = findings(path)
    assert found and all("全角花括号" in f and "（第1段）" in f for f in found)


# -- blocks and syntax -------------------------------------------------------------------------
def test_a_for_without_endfor(tmp_path):
    path = make(tmp_path / "t.docx", para("甲") + para("{%p for 行 in 指标表 %}") + para("{{ 行 }}"))
    assert errors(path) == [f"[错误] {path}（第2段）：“{{%p for 行 in 指标表 %}}”没有对应的“{{% endfor %}}”"]


def test_an_endif_without_if_and_a_mismatched_end(tmp_path):
    body = (para("{% endif %}") + para("{% for 行 in 指标表 %}") + para("{% if 行 %}")
            + para("{% endfor %}"))
    found = errors(make(tmp_path / "t.docx", body))
    assert any("（第1段）：多余的“{% endif %}”：前面没有对应的“{% if … %}”" in f for f in found)
    assert any("（第3段）：“{% if 行 %}”没有对应的“{% endif %}”（在第4段遇到了“{% endfor %}”）" in f
               for f in found)
    assert len(found) == 2


def test_else_outside_if(tmp_path):
    [found] = errors(make(tmp_path / "t.docx", para("{% else %}")))
    assert "（第1段）：“{% else %}”前面没有对应的“{% if %}”" in found


def test_jinja_syntax_errors_are_located(tmp_path):
    body = para("{{ 单位名称 | }}") + table([["{% if 年度 == %}", "x"]])
    found = errors(make(tmp_path / "t.docx", body))
    assert any("（第1段）：标记“{{ 单位名称 | }}”写法有误" in f for f in found)
    assert any("（表格1第1行第1列）：标记“{% if 年度 == %}”写法有误" in f for f in found)


def test_include_and_unknown_tags_are_refused(tmp_path):
    found = errors(make(tmp_path / "t.docx", para("{% include '其他.docx' %}") + para("{% 循环 %}")))
    assert any("（第1段）" in f and "不能使用 include" in f for f in found)
    assert any("（第2段）" in f and "不是可用的模板标记" in f for f in found)


# -- a value of the wrong size: Word would refuse the document -----------------------------------
def test_a_section_inside_a_line_and_a_field_as_a_paragraph(tmp_path):
    path = make(tmp_path / "t.docx", para("情况：{{ 基本情况 }}") + para("{{p 单位名称 }}"))
    found = errors(path)
    assert any("（第1段）：“{{ 基本情况 }}”是成段的内容" in f and "{{p 基本情况 }}" in f for f in found)
    assert any("（第2段）：“{{p 单位名称 }}”是一行文字" in f for f in found)


def test_a_paragraph_tag_with_other_text_is_a_warning(tmp_path):
    [found] = findings(make(tmp_path / "t.docx", para("说明：{{p 引言 }}")))
    assert found.startswith("[警告]") and "会替换整个段落" in found


# -- not a .docx -----------------------------------------------------------------------------------
def zip_with(names: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in names.items():
            archive.writestr(name, text)
    return out.getvalue()


@pytest.mark.parametrize(("content", "message"), [
    (b"", "模板文件是空的（0 字节）"),
    ("{{ 单位名称 }}\n".encode(), "不是 .docx 文件（Word 文档）"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 Word（.doc）文件或设置了打开密码的文档"),
    (b"{\\rtf1\\ansi hello}", "这是 RTF 文件"),
    (zip_with({"xl/workbook.xml": "<workbook/>"}), "这是 Excel 文件"),
    (zip_with({"content.xml": "<office/>", "mimetype": "x"}), "OpenDocument（.odt）"),
    (default_template().read_bytes()[:3000], "模板文件已损坏"),
    (zip_with({"word/document.xml": "<w:document><w:body>"}), "不是合法的 XML"),
    (zip_with({"word/document.xml": '<?xml version="1.0"?><d/>'.encode("utf-16")}),
     "不是 UTF-8 编码"),
])
def test_not_a_docx(tmp_path, content, message):
    path = tmp_path / "模板.docx"
    path.write_bytes(content)
    [found] = errors(path)
    assert found.startswith(f"[错误] {path}") and message in found
    with pytest.raises(InputError) as caught:  # the build says the same
        render_docx(evaluate(EXAMPLE), path)
    assert message in caught.value.findings[0].render()


def test_a_missing_template(tmp_path):
    [found] = errors(tmp_path / "没有.docx")
    assert "无法读取模板：找不到该文件或文件夹" in found


# -- the build agrees with the lint ------------------------------------------------------------------
@pytest.mark.parametrize("body", [
    para("评价单位：{{ 单位名 }}"),
    para("{%p for 行 in 指标表 %}"),
    para("情况：{{ 基本情况 }}"),
    para("{{p 单位名称 }}"),
    para("{{ 单位名称 | }}"),
])
def test_the_build_refuses_what_the_lint_calls_an_error(tmp_path, body):
    path = make(tmp_path / "t.docx", FULL + body)
    expected = errors(path)
    assert expected
    with pytest.raises(InputError) as caught:
        render_docx(evaluate(EXAMPLE), path)
    assert [f.render() for f in caught.value.findings] == expected


def test_a_template_with_only_warnings_builds_a_report_word_opens(tmp_path):
    body = FULL + para("评价单位：", run("{{ 单位"), run("名称 }}", bold=True))
    path = make(tmp_path / "t.docx", body)
    assert findings(path) and not errors(path)
    data, _ = render_docx(evaluate(EXAMPLE), path)
    out = tmp_path / "out.docx"
    out.write_bytes(data)
    assert "评价单位：湘西土家族苗族自治州商务局" in [p.text for p in Document(str(out)).paragraphs]


@pytest.mark.parametrize(("tag", "message"), [
    ("{{ 单位名称.__class__.__mro__ }}", "模板试图访问内部属性“__class__”"),
    ("{{ 单位名称|attr('__class__') }}", "模板试图访问内部属性“__class__”"),
    ("{{ 单位名称 + 1 }}", "模板中的表达式类型不符"),
    ("{{ 年度 / 0 }}", "模板中的表达式类型不符"),
    ("{{ 1 / 0 }}", "模板中的表达式除以了 0"),
    ("{% for i in range(1000000) %}{% endfor %}", "模板中的范围或数值过大"),
    ("{{ 单位名称.center(10**3) }}", "不能使用乘方"),
])
def test_the_sandbox_refuses_and_explains_in_chinese(tmp_path, tag, message):
    path = make(tmp_path / "t.docx", FULL + para(tag))
    with pytest.raises(InputError) as caught:
        render_docx(evaluate(EXAMPLE), path)
    said = caught.value.findings[0].message
    assert message in said
    assert not any(word in said for word in ("unsafe", "Error", "Range too big", "undefined"))


def test_cli_template_check_on_the_default_template(capsys):
    from reportgen.build import default_template
    from reportgen.cli import main

    assert main(["template", "check", str(default_template())]) == 0
    assert "检查完成：0 个错误" in capsys.readouterr().out


def test_cli_template_check_not_a_docx(tmp_path, capsys):
    from reportgen.cli import main

    fake = tmp_path / "模板.docx"
    fake.write_text("not a zip", encoding="utf-8")
    assert main(["template", "check", str(fake)]) == 2
    assert str(fake) in capsys.readouterr().out


@pytest.mark.parametrize("expression", ["'x' * 100000000", "9 ** 9 ** 9"])
def test_template_cannot_exhaust_memory(tmp_path, capsys, expression):
    from reportgen.cli import main

    template = tmp_path / "t.docx"
    with zipfile.ZipFile(default_template()) as src, zipfile.ZipFile(template, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace("评价方式：{{ 评价方式 }}".encode(),
                                    f"评价方式：{{{{ {expression} }}}}".encode())
            dst.writestr(info, data)
    out = tmp_path / "r.docx"
    code = main(["build", str(EXAMPLE), "-o", str(out), "--template", str(template)])
    said = capsys.readouterr()
    assert code != 0 and not out.exists()
    assert "Traceback" not in said.err
    assert "会生成过多的文字" in said.err or "不能使用乘方" in said.err
