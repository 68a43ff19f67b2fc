"""统一社会信用代码 (GB 32100-2015): the check character, the messages check gives at the
place the code is written (data.yaml line, 填报表 cell), and the in-place mark of a draft."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from conftest import EXAMPLE, ROOT, example_raw, write_department
from reportgen import credit_code
from reportgen.cli import main
from reportgen.inputs.yaml_source import read_yaml
from reportgen.pipeline import evaluate
from reportgen.workbook.blank import write_workbook
from workbook_fill import fill_from_raw

AS_FILED = ROOT / "examples" / "xiangxi-commerce-2018-as-filed"
SEED_CODE = "11433100006686429"  # as the seed prints it: 17 characters


def test_weights_are_powers_of_three_mod_31_as_the_standard_lists():
    assert credit_code.WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize("first17, due", [
    ("91350100M000100Y4", "3"),  # the standard's worked example (Σ=1640, MOD 31 = 28, 31−28)
    ("91512081MA62K0260", "E"),
    (SEED_CODE, "0"),            # MOD = 0 gives 31, written 0
    ("11430100MB0000000", "D"),
    ("11433100MB1000000", "Q"),
])
def test_check_character(first17, due):
    assert credit_code.check_character(first17) == due


@pytest.mark.parametrize("code", ["114331000066864290", "11430100MB0000000D",
                                  "91350100M000100Y43", "11433100MB1000000Q"])
def test_valid_codes_pass(code):
    assert credit_code.problems(code) == []


def test_seventeen_characters_say_the_length_and_the_likely_full_code():
    [problem] = credit_code.problems(SEED_CODE)
    assert problem.message == (
        "统一社会信用代码应为18位，现为17位（11433100006686429）；请按证书核对，"
        "如缺的是末位校验码，完整的代码应为114331000066864290")
    assert problem.short == "应为18位，现为17位；如缺末位校验码，应为114331000066864290"


def test_a_wrong_check_character_says_which_it_should_be():
    [problem] = credit_code.problems("11430100MB0000000X")
    assert problem.message == ("统一社会信用代码11430100MB0000000X的校验位（第18位）应为D，现为X；"
                               "请按证书逐位核对（多为某一位抄错）")
    assert problem.short == "校验位应为D，现为X"


def test_letters_the_code_never_uses_are_named_with_the_digit_they_look_like():
    messages = [p.message for p in credit_code.problems("1143310000668642O0")]
    assert messages == ["统一社会信用代码第17位“O”不是代码用字（代码只用数字和除I、O、S、V、Z以外的大写字母），"
                        "可能应为0；请按证书核对"]
    region = [p.short for p in credit_code.problems("1143A100006686429X")]
    assert region == ["第3～8位应为数字", "校验位应为N，现为X"]
    assert credit_code.problems("1143A100006686429N")[0].message == (
        "统一社会信用代码第3～8位应为行政区划码（6位数字），现为“43A100”；请按证书核对")


@pytest.mark.parametrize("typed", ["１１４３３１００００６６８６４２９０", "114331 000066 864290",
                                   "11430100mb0000000d", "1143 0100　MB00-0000-0D"])
def test_full_width_digits_spaces_hyphens_and_lower_case_are_read_as_printed(typed):
    code = credit_code.normalize(typed)
    assert code in ("114331000066864290", "11430100MB0000000D")
    assert credit_code.problems(code) == []


def test_the_model_keeps_the_code_as_the_certificate_prints_it(tmp_path: Path):
    raw = example_raw()
    raw["基本信息"]["统一社会信用代码"] = "１１４３３１００００６６８６４２９０"
    dept = evaluate(write_department(tmp_path / "d", raw))
    assert dept.department.data.basic.credit_code == "114331000066864290"
    assert not [f for f in dept.findings if "信用代码" in f.message]


def test_check_names_the_line_and_the_example_codes_are_valid(capsys):
    for example in ("xiangxi-commerce-2018", "county-transport-2023", "state-emergency-2019"):
        main(["check", str(ROOT / "examples" / example)])
        assert "统一社会信用代码" not in capsys.readouterr().out
    assert main(["check", str(AS_FILED)]) == 1
    out = capsys.readouterr().out
    line = next(n for n, text in enumerate((AS_FILED / "data.yaml").read_text("utf-8").splitlines(), 1)
                if "统一社会信用代码" in text)
    assert (f"[错误] {AS_FILED / 'data.yaml'}:{line}（基本信息.统一社会信用代码）："
            "统一社会信用代码应为18位，现为17位（11433100006686429）") in out


def test_an_invalid_code_makes_a_draft_marked_beside_the_code(tmp_path: Path):
    raw = example_raw()
    raw["基本信息"]["统一社会信用代码"] = "11433100006686420"  # a digit lost in the middle
    folder = write_department(tmp_path / "d", raw)
    out = tmp_path / "r.docx"
    assert main(["build", str(folder), "-o", str(out)]) == 1
    doc = Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    [identity] = [t for t in texts if "统一社会信用代码" in t]
    assert identity.startswith("州商务局统一社会信用代码为11433100006686420【待核实：应为18位，现为17位；"
                               "如缺末位校验码，应为114331000066864204】，"
                               "办公地址为")
    assert doc.sections[0].header.paragraphs[0].text.startswith("草稿　尚有1处错误待核实")


def test_the_workbook_cell_is_named(tmp_path: Path):
    folder = tmp_path / "商务局"
    folder.mkdir()
    book = write_workbook(folder / "data.xlsx", "xiangxi-2018")
    raw = read_yaml(EXAMPLE / "data.yaml").data
    raw.pop("评价工作")
    raw["基本信息"].pop("简称")
    raw["基本信息"]["统一社会信用代码"] = "11430100MB0000000X"
    assert fill_from_raw(book, raw) == []
    ws = load_workbook(book)["基本信息"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "统一社会信用代码")
    [found] = [f for f in evaluate(folder).findings if "信用代码" in f.message]
    assert found.file == f"{book}「基本信息」!B{row}"
    assert found.message.endswith("的校验位（第18位）应为D，现为X；请按证书逐位核对（多为某一位抄错）")


def test_the_web_page_shows_the_same_check_with_a_link_to_the_field():
    from reportgen.web.departments import check

    result = check(AS_FILED)
    [shown] = [f for f in result.findings if "信用代码" in f.message]
    assert shown.is_error and shown.where == "data.yaml:12（基本信息.统一社会信用代码）"
    assert shown.link  # the page links to the line it names
    assert shown.message == credit_code.problems(SEED_CODE)[0].message
    assert result.scores and result.total == "90.47"
