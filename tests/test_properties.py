"""Property-based tests (hypothesis): any text gives a report that holds it; any valid data
gives scores within their points that add up to the total.

What "the report contains the string" means here, for a string s:

* 单位名称 (written to data.yaml with yaml.safe_dump, so any character can be escaped):
  some paragraph of the report, as python-docx reads it, contains clean_text(s): s less the
  characters XML 1.0 cannot hold (C0 controls but tab/newline/CR, surrogates, U+FFFE/FFFF),
  with CR and CRLF as newline (a line break inside the paragraph). The one exception is a
  lone surrogate: YAML cannot carry one, and reading the file says so with its line.
  (The test writes the name as an escaped double-quoted scalar: yaml_quoted.)
* a narrative: the file is s in UTF-8 on one line, between 正文： and 。 (so s does not start
  a heading or a list item). Some paragraph then reads exactly 正文：clean_text(s)。 — for
  every s without the three things narrative syntax gives a meaning: line breaks (they
  separate lines and paragraphs), ** (bold) and {{ (a data reference), and <!-- (a
  comment). Lone surrogates cannot be written to a UTF-8 file at all; the bytes that would
  encode one are refused with a message (test_surrogate_bytes_in_a_narrative). Control
  characters are dropped however many there are: valid UTF-8 is text. Only a file that is
  not UTF-8 and mostly control bytes, or that starts like a known binary format (.docx,
  PDF, PNG …), is refused as not text.
"""

from __future__ import annotations

import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from docx import Document
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLE, example_raw
from reportgen.build import render_docx
from reportgen.compose import compose_report
from reportgen.findings import InputError
from reportgen.framework import builtin_frameworks, load_framework
from reportgen.inputs.folder import Department, YamlLocator
from reportgen.inputs.narratives import read_narratives
from reportgen.loading import FolderInputs
from reportgen.model import MAX_NAME, DepartmentYear
from reportgen.numbers import round2
from reportgen.pipeline import assess, evaluate
from reportgen.text import clean_text, join_wrapped

SETTINGS = settings(max_examples=40, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.too_slow])
NARRATIVE = "职责概述.md"
NO_NARRATIVES = read_narratives(Path("no-narratives"))  # the shipped defaults only


def has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def paragraph_texts(data: bytes, folder: Path) -> list[str]:
    path = folder / "report.docx"
    path.write_bytes(data)
    doc = Document(str(path))
    cells = [p.text for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    return [p.text for p in doc.paragraphs] + cells


def yaml_quoted(text: str) -> str:
    """A double-quoted YAML scalar that means exactly text: every character YAML may not
    hold raw, and every line break (\\x85, U+2028, U+2029 fold like newlines), is escaped.
    (yaml.safe_dump writes a lone \\x85 raw, which then reads back as a space.)"""
    out = []
    for ch in text:
        code = ord(ch)
        printable = (code in (0x09,) or 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF
                     or 0xE000 <= code <= 0xFFFD and code != 0xFEFF or code >= 0x10000)
        if ch in '"\\':
            out.append("\\" + ch)
        elif printable and code not in (0x2028, 0x2029):
            out.append(ch)
        elif code < 0x100:
            out.append(f"\\x{code:02X}")
        else:
            out.append(f"\\u{code:04X}")
    return '"' + "".join(out) + '"'


def department(folder: Path, name: str, narrative: bytes | None) -> Path:
    raw = example_raw()
    raw["基本信息"]["单位名称"] = "NAME_PLACEHOLDER"
    text = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)
    folder.mkdir()
    (folder / "data.yaml").write_text(text.replace("NAME_PLACEHOLDER", yaml_quoted(name)),
                                      encoding="utf-8")
    shutil.copytree(EXAMPLE / "narratives", folder / "narratives")
    if narrative is not None:
        (folder / "narratives" / NARRATIVE).write_bytes(narrative)
    return folder


# -- any text ---------------------------------------------------------------------------
@SETTINGS
@given(name=st.text())
@example(name="商" * (MAX_NAME + 1))
def test_any_unit_name_is_in_the_report(name: str):
    with tempfile.TemporaryDirectory() as work:
        folder = department(Path(work) / "d", name, None)
        if has_surrogate(name):
            with pytest.raises(InputError) as caught:
                evaluate(folder)
            found = caught.value.findings[0]
            assert found.file.endswith("data.yaml") and found.line is not None
            assert "转义不是有效的字符" in found.message
            return
        if len(join_wrapped(name)) > MAX_NAME:  # st.text() does draw long names now and then
            with pytest.raises(InputError) as caught:
                evaluate(folder)
            found = caught.value.findings[0]
            assert found.file.endswith("data.yaml") and found.line is not None
            assert f"此处上限 {MAX_NAME:,} 字" in found.message
            return
        data, _ = render_docx(evaluate(folder))
        texts = paragraph_texts(data, Path(work))
    # A wrapped line beside Chinese text is joined (issue #8), outer blanks trimmed.
    expected = clean_text(join_wrapped(name))
    if not expected.strip():  # an empty name is marked on the cover, and check warns
        expected = "【待补充：单位名称】"
    assert any(expected in t for t in texts)
    cover = f"评价单位：{expected}"
    assert cover in texts


def narrative_text() -> st.SearchStrategy[str]:
    return st.text().filter(lambda s: not has_surrogate(s) and not any(
        mark in s for mark in ("\r", "\n", "**", "{{", "<!--")))


@SETTINGS
@given(text=narrative_text())
def test_any_narrative_text_is_in_the_report(text: str):
    data = f"正文：{text}。\n".encode()
    with tempfile.TemporaryDirectory() as work:
        folder = department(Path(work) / "d", "湘西土家族苗族自治州商务局", data)
        report, _ = render_docx(evaluate(folder))
        texts = paragraph_texts(report, Path(work))
    assert f"正文：{clean_text(text)}。" in texts


def test_the_narrative_property_can_fail():
    """The oracle is not vacuous: a dropped or altered character is noticed."""
    text = "甲\u2028乙\x85丙\t丁 &<>\"'"
    data = f"正文：{text}。\n".encode()
    with tempfile.TemporaryDirectory() as work:
        folder = department(Path(work) / "d", "单位", data)
        texts = paragraph_texts(render_docx(evaluate(folder))[0], Path(work))
    assert f"正文：{text}。" in texts
    assert f"正文：{text[:-1]}。" not in texts


def test_surrogate_bytes_in_a_narrative_are_refused_with_a_message(tmp_path):
    data = "正文：甲".encode() + b"\xed\xa0\x80" + "乙。\n".encode()  # UTF-8 of \ud800
    folder = department(tmp_path / "d", "单位", data)
    with pytest.raises(InputError) as caught:
        render_docx(evaluate(folder))
    found = caught.value.findings[0]
    assert found.file.endswith(NARRATIVE) and found.line == 1
    assert "第1行有不是 UTF-8 的字节" in found.message


def test_a_few_control_characters_are_text_not_binary(tmp_path):
    text = "甲\x00乙\x01丙\x07丁\x1b戊"
    folder = department(tmp_path / "d", "单位", f"正文：{text}。\n".encode())
    texts = paragraph_texts(render_docx(evaluate(folder))[0], tmp_path)
    assert "正文：甲乙丙丁戊。" in texts


def test_many_pasted_control_characters_are_dropped_not_refused(tmp_path):
    """Once refused as "not text" past 8 controls (81 of 2,300 fuzzed narratives)."""
    text = "甲" + "\x01\x02\x07\x1b\x00" * 40 + "乙"
    folder = department(tmp_path / "d", "单位", f"正文：{text}。\n".encode())
    texts = paragraph_texts(render_docx(evaluate(folder))[0], tmp_path)
    assert "正文：甲乙。" in texts


def test_a_stray_byte_in_a_utf8_narrative_names_its_line_not_gbk_garbage(tmp_path):
    data = "第一行。\n\n建议增加专项资金。".encode() + b"\xa0\n"
    folder = department(tmp_path / "d", "单位", data)
    with pytest.raises(InputError) as caught:
        render_docx(evaluate(folder))
    [found] = caught.value.findings
    assert found.line == 3 and "第3行有不是 UTF-8 的字节" in found.message


# -- any valid data ----------------------------------------------------------------------
FRAMEWORKS = {b.ident: load_framework(b.path) for b in builtin_frameworks()}


def amount(max_value: int = 10**8) -> st.SearchStrategy[str]:
    cents = st.one_of(st.just(0), st.integers(0, max_value * 100))
    return cents.map(lambda c: f"{Decimal(c) / 100:.2f}")


counts = st.integers(0, 5000).map(str)


@st.composite
def department_data(draw) -> dict:
    ident = draw(st.sampled_from(sorted(FRAMEWORKS)))
    framework = FRAMEWORKS[ident]
    raw = example_raw()
    raw.pop("自填数", None)
    raw["评价框架"] = ident
    raw["人员"] = {"编制数": draw(counts),
                 "年末实有人数": {"在职人员": draw(counts), "退休人员": draw(counts)}}
    raw["收支"] = {
        "收入决算数": draw(amount()), "年初结转和结余": draw(amount()),
        "支出决算数": {"按支出性质": {"基本支出": draw(amount()), "项目支出": draw(amount())}},
        "转入事业基金": draw(amount(1000)), "年末结转和结余": draw(amount())}
    raw["预算"] = {"年初预算": draw(amount()), "本年追加预算": draw(amount())}
    raw["三公经费"] = {key: draw(amount(1000)) for key in ("本年预算", "上年预算", "本年实际")}
    raw["公用经费"] = {"预算": draw(amount(10**5)), "实际": draw(amount(10**5))}
    raw["政府采购"] = {"预算": draw(amount(10**5)), "实际": draw(amount(10**5))}
    raw["新建楼堂馆所"] = draw(st.one_of(st.just("无"), st.fixed_dictionaries({
        key: amount(10**5) for key in ("批准面积", "实际面积", "批准投资", "实际投资")})))
    raw["考核与调查"] = {
        "绩效办考核得分": draw(st.integers(0, 150_000).map(lambda m: f"{Decimal(m) / 1000}")),
        "满意度调查": {key: draw(counts) for key in ("发放", "收回", "满意")}}
    raw["清单评价"], raw["评议"] = {}, {}
    for _, _, ind in framework.indicators():
        rule = ind.rule
        if rule.kind == "清单":
            raw["清单评价"][ind.name] = draw(st.lists(st.sampled_from(["是", "否"]),
                                                  min_size=len(rule.items),
                                                  max_size=len(rule.items)))
        elif rule.kind == "评议":
            cents = draw(st.integers(0, int(ind.points * 100)))
            raw["评议"][ind.name] = {"得分": f"{Decimal(cents) / 100}", "依据": "依据充分"}
        elif rule.kind == "等级":
            raw["评议"][ind.name] = {"等级": draw(st.sampled_from([lv.name for lv in rule.levels])),
                                   "依据": "依据充分"}
    return raw


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=department_data())
def test_scores_lie_within_their_points_and_add_up(raw: dict):
    data = DepartmentYear.model_validate(raw)
    framework = FRAMEWORKS[raw["评价框架"]]
    dept = Department(Path("d"), data, YamlLocator("data.yaml", {}))
    ev = assess(FolderInputs(dept, NO_NARRATIVES, framework, Path("framework.yaml")))
    card = ev.scorecard
    assert len(card.results) == len(framework.indicators())
    for r in card.results:
        assert Decimal(0) <= r.score <= r.points, (r.name, r.score, r.points)
        assert r.score == round2(r.score), (r.name, r.score)
    assert sum(r.score for r in card.results) == card.total
    assert Decimal(0) <= card.total <= Decimal(100)
    # Where the data decides the score outright, it is that score (a stub scorer fails here).
    for r in card.results:
        rule = r.indicator.rule
        if rule.kind == "清单":
            met = raw["清单评价"][r.name].count("是")
            missed = len(rule.items) - met
            expected = (rule.per_item * met if rule.mode == "得分"
                        else max(Decimal(0), r.points - rule.per_item * missed))
            assert r.score == min(expected, r.points), r.name
        elif rule.kind == "评议":
            assert r.score == Decimal(raw["评议"][r.name]["得分"]), r.name
        elif rule.kind == "等级":
            level = raw["评议"][r.name]["等级"]
            assert r.score == min(next(lv.score for lv in rule.levels if lv.name == level),
                                  r.points), r.name
    staff, posts = Decimal(raw["人员"]["年末实有人数"]["在职人员"]), Decimal(raw["人员"]["编制数"])
    in_service = card.by_name("在职人员控制率")
    assert in_service.value == (round2(staff / posts * 100) if posts else None)
    assert card.grade == framework.grade(card.total)
    # the rest of the pipeline takes any valid data too: the composed report states the total
    doc, _ = compose_report(ev)
    conclusion = "".join(b.text for b in doc.sections["绩效评价结论"] if hasattr(b, "text"))
    assert f"{card.total:.2f}" in conclusion


# -- any structure ---------------------------------------------------------------------------
def _paths(node: object, prefix: tuple = ()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


EXAMPLE_PATHS = [p for p in _paths(example_raw()) if p]
yaml_values = st.recursive(
    st.none() | st.sampled_from(["", "是", "否", "-1", "1e30", "NaN", "100%", "无", "２０１８",
                                 "99999999999999", "0", "0.001"]) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["合计", "得分", "等级", "依据", "值", "预算", "x"]) | st.text(max_size=4),
        inner, max_size=3),
    max_leaves=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(st.sampled_from(EXAMPLE_PATHS), yaml_values),
                        min_size=1, max_size=3))
def test_any_value_anywhere_is_read_or_refused_never_a_traceback(changes):
    """Whatever value replaces whatever field, the data is refused with findings
    (InputError) or read, scored, checked and composed: no other exception."""
    from reportgen.inputs.folder import build_model

    raw = example_raw()
    for path, value in changes:
        node = raw
        try:
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change replaced the parent
    try:
        dept = build_model(Path("d"), raw, YamlLocator("data.yaml", {}), [])
    except InputError as exc:
        assert exc.findings and all(f.message for f in exc.findings)
        return
    framework = FRAMEWORKS.get(dept.data.framework)
    if framework is None:
        return
    ev = assess(FolderInputs(dept, NO_NARRATIVES, framework, Path("framework.yaml")))
    assert [r.name for r in ev.scorecard.results] == [i.name for _, _, i in framework.indicators()]
    doc, _ = compose_report(ev)
    assert doc.fields["年度"] == str(dept.data.basic.year)
