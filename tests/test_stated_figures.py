"""Input figures are printed as the data states them; computed ones at 0.00.

The rule (facts.figure_text): money in 万元 and every computed figure (rates, sums, changes)
at two places, rounded half-up; a score the data quotes from another body (绩效办考核得分)
with its own decimal places and at least two, never rounded; counts whole."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from conftest import EXAMPLE, ROOT, example_raw, write_department
from reportgen.cli import main
from reportgen.facts import figure_text, figures_of
from reportgen.numbers import fmt_stated
from reportgen.pipeline import evaluate
from reportgen.tables import basic_data_table

D = Decimal


@pytest.mark.parametrize("value, places, text", [
    ("93.341", 2, "93.341"), ("91.2", 2, "91.20"), ("95.6", 2, "95.60"), ("100", 2, "100.00"),
    ("93.3410", 2, "93.3410"), ("120", 0, "120"), ("120.50", 0, "120.50"), ("-0.000", 2, "0.000"),
])
def test_fmt_stated_keeps_the_given_places(value, places, text):
    assert fmt_stated(D(value), places) == text


@pytest.mark.parametrize("name, value, text", [
    ("绩效办考核得分", "93.341", "93.341"),  # a score as stated
    ("绩效办考核得分", "91.2", "91.20"),
    ("收入决算数", "6927.325", "6927.33"),   # money: two places, half-up
    ("年初预算", "5000", "5000.00"),
    ("编制数", "78", "78"),
    ("新建楼堂馆所批准面积", "1200.5", "1200.5"),
    ("收入决算数增长率", "15.004999", "15.00"),  # computed: two places
])
def test_figure_text_by_kind(name, value, text):
    assert figure_text(name, D(value)) == text


def test_the_seed_score_is_quoted_as_given_and_the_result_keeps_two_places():
    ev = evaluate(EXAMPLE)
    result = ev.scorecard.by_name("重点工作实际完成率")
    assert result.value == D("93.341") and result.score == D("7.47")
    assert result.explanation == "该项得分＝93.341÷100×8＝7.47分，扣0.53分"
    assert result.analysis == ("州绩效办对本部门2018年度为民办实事和部门重点工程与重点工作的考核得分为93.341分，"
                               "该项得分＝93.341÷100×8＝7.47分，扣0.53分。")
    assert result.value_text == "93.341分"
    assert ev.scorecard.total == D("90.47")


def test_appendix_2_quotes_the_score_as_given():
    ev = evaluate(EXAMPLE)
    table = basic_data_table(ev.department.data, ev.scorecard.figures)
    def text(cell) -> str:
        return "".join(p.text for p in cell.paragraphs)

    rows = {text(r.cells[0]): [text(c) for c in r.cells[1:]] for r in table.rows}
    assert rows["绩效办考核得分"][0] == "分" and rows["绩效办考核得分"][-1] == "93.341"
    assert rows["收入决算数"][-1] == "6927.32"


def test_a_score_with_one_place_reads_with_two(tmp_path):
    raw = example_raw()
    raw["考核与调查"]["绩效办考核得分"] = "91.2"
    result = evaluate(write_department(tmp_path / "d", raw)).scorecard.by_name("重点工作实际完成率")
    assert result.explanation == "该项得分＝91.20÷100×8＝7.30分，扣0.70分"


def test_the_stated_score_is_scored_as_printed(tmp_path):
    """93.063 printed as 93.063 is scored from it: ÷100×8 = 7.44504 → 7.45 (from 93.06, as
    the value was rounded before, it gave 7.4448 → 7.44 beside a printed 93.06)."""
    raw = example_raw()
    raw["考核与调查"]["绩效办考核得分"] = "93.063"
    result = evaluate(write_department(tmp_path / "d", raw)).scorecard.by_name("重点工作实际完成率")
    assert result.explanation == "该项得分＝93.063÷100×8＝7.45分，扣0.55分"
    assert result.score == D("7.45")


def test_a_claim_rounded_to_the_cent_is_not_an_error(tmp_path):
    raw = example_raw()
    raw["自填数"]["指标"]["重点工作实际完成率"] = {"值": "93.34", "得分": "7.47"}
    findings = evaluate(write_department(tmp_path / "d", raw)).findings
    assert not [f for f in findings if "重点工作实际完成率" in f.message]


def test_money_inputs_keep_two_places_in_figures():
    texts = figures_of(evaluate(EXAMPLE).department.data).texts()
    assert texts["收入决算数"] == "6927.32" and texts["绩效办考核得分"] == "93.341"


def test_summary_cell_shows_the_stated_places(tmp_path):
    root = tmp_path / "root"
    write_department(root / "a", example_raw())
    out = tmp_path / "out"
    main(["batch", str(root), "-o", str(out)])
    ws = openpyxl.load_workbook(out / "汇总表.xlsx").active
    head = [c.value for c in ws[1]]
    column = next(i for i, h in enumerate(head) if h and h.startswith("重点工作实际完成率") and "值" in h)
    cell = ws.cell(2, column + 1)
    assert (cell.value, cell.number_format) == (93.341, "0.000")


def test_no_example_data_has_money_given_beyond_the_cent():
    """The only figure stated with 3+ places in the examples is the 绩效办 score."""
    import re

    for data in (ROOT / "examples").glob("*/data.yaml"):
        for line in data.read_text(encoding="utf-8").splitlines():
            if re.search(r"\d\.\d{3,}", line.split("#")[0]):
                assert "绩效办考核得分" in line, (data, line)
