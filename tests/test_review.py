"""reportgen review: a hand-written report read, recomputed and handed back with comments."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml
from review_documents import seed_report, small_report

from reportgen.cli import main
from reportgen.review.engine import review_file
from reportgen.review.model import ReviewKind

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.is_dir())


def kinds(path: Path) -> list[str]:
    return [f.kind.value for f in review_file(path)[1].findings]


def messages(path: Path) -> list[str]:
    return [f.message for f in review_file(path)[1].findings]


@pytest.fixture(scope="module")
def seed_docx(tmp_path_factory) -> Path:
    return seed_report(tmp_path_factory.mktemp("seed") / "seed.docx")


def test_seed_budget_completion_rate_is_recomputed(seed_docx):
    _, review = review_file(seed_docx)
    found = [f for f in review.findings if f.kind is ReviewKind.COMPUTATION]
    assert len(found) == 1
    assert "87.75%" in found[0].message and "100.00%" in found[0].message
    assert "407.30万元" in found[0].message
    assert review.year == 2018 and review.unit == "湘西自治州商务局"


def test_seed_head_count_total_against_parts(seed_docx):
    found = [f for f in review_file(seed_docx)[1].findings if f.kind is ReviewKind.TOTAL]
    assert len(found) == 1
    assert "188人" in found[0].message and "216人" in found[0].message
    assert found[0].place.paragraph == 5


# --- reports reportgen generates review clean ----------------------------------------

def _build(folder: Path, out: Path, code: int = 0) -> Path:
    assert main(["build", str(folder), "-o", str(out)]) == code
    return out


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_generated_reports_review_clean(example, tmp_path):
    as_filed = example.name == "xiangxi-commerce-2018-as-filed"
    report = _build(example, tmp_path / "report.docx", 1 if as_filed else 0)
    found = review_file(report)[1].findings
    if as_filed:
        # This example keeps the seed's head count on purpose: the report is a draft that
        # prints it with its 【待核实：各项之和为216人】 mark; the review finds nothing else.
        assert [f.render() for f in found if f.kind is not ReviewKind.TOTAL] == []
    else:
        assert [f.render() for f in found] == []


def test_generated_report_with_consistent_head_count_reviews_clean(tmp_path):
    source = ROOT / "examples" / "xiangxi-commerce-2018"
    folder = tmp_path / "dept"
    shutil.copytree(source, folder)
    data = yaml.safe_load((folder / "data.yaml").read_text(encoding="utf-8"))
    data["人员"]["年末实有人数"]["合计"] = 216
    (folder / "data.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                      encoding="utf-8")
    report = _build(folder, tmp_path / "report.docx")
    assert [f.render() for f in review_file(report)[1].findings] == []


# --- written computations -------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "预算完成率＝（407.30＋1543.40＋5383.91－898.35）÷（407.30＋1543.40＋5383.91）×100%＝87.75%。",
    "预算完成率=(407.30+1,543.40+5,383.91-898.35)/(407.30+1,543.40+5,383.91)*100%=87.75%。",
    "预算完成率＝（４０７．３０＋１５４３．４０＋５３８３．９１－８９８．３５）÷（４０７．３０＋１５４３．４０＋５３８３．９１）×１００％＝８７．７５％。",
    "在职人员控制率＝（72÷78）×100%＝92.31%。",
    "在职人员控制率＝（72÷78）×100%＝92.3%。",
    "在职人员控制率＝72÷78×100＝92.31%。",
    "在职人员控制率为（72÷78）×100%=92.30%。",          # cut off, not rounded: tolerated
    "“三公经费”变动率＝（72－76.4）÷76.4＝-5.76%。",
    "得分＝93.341÷100×8＝7.47分。",
    "本部门年末在职人员136人，占编制数143人的比率为95.10%。",
    "完成对外劳务合作营业额2989万美元，完成年度任务2860万美元的104.5%。",
    "本部门上年结转407.30万元，年初预算1543.40万元，本年追加预算5383.91万元，年末结余898.35万元，"
    "预算完成率＝（上年结转＋年初预算＋本年追加预算－年末结余）÷（上年结转＋年初预算＋本年追加预算）"
    "×100%＝87.75%。",
    "本年度预算安排“三公经费”72万元，上年度预算安排“三公经费”76.4万元，变动率＝（本年度“三公经费”"
    "预算数－上年度“三公经费”预算数）÷上年度“三公经费”预算数×100%＝-5.76%。",
])
def test_correct_computations_are_not_flagged(sentence, tmp_path):
    assert messages(small_report(tmp_path / "r.docx", [sentence])) == []


@pytest.mark.parametrize(("sentence", "expected"), [
    ("在职人员控制率＝（72÷78）×100%＝93.31%。", "92.31%"),
    ("预算完成率＝（407.30＋1543.40＋5383.91－898.35）÷（407.30＋1543.40＋5383.91）×100%＝100%。",
     "88%"),
    ("得分＝93.341÷100×8＝7.57分。", "7.47分"),
    ("本部门年末在职人员136人，占编制数143人的比率为96.10%。", "95.10%"),
    ("实际政府采购金额为70.31万元，政府采购预算数73.89万元，政府采购执行率＝（实际政府采购金额÷"
     "政府采购预算数）×100%＝59.15%。", "95.15%"),
])
def test_wrong_computations_are_flagged_with_the_recomputed_figure(sentence, expected, tmp_path):
    found = messages(small_report(tmp_path / "r.docx", [sentence]))
    assert len(found) == 1 and expected in found[0]


# --- totals against parts -------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "“三公经费”实际支出数为60.07万元（公务接待费27.08万元、公务用车运行维护费32.99万元）。",
    "收入决算数6,927.32万元，其中：财政拨款收入6,914.61万元，其他收入12.71万元。",
    "全年支出6433.12万元（基本支出2231.19万元，项目支出4201.93万元），其中：工资福利支出1069.14万元，"
    "商品和服务支出1005.25万元，对个人和家庭补助支出860.82万元，资本性支出16.03万元，对企业补助3481.88万元；"
    "转入事业基金3.15万元。",
    "有进出口实绩的外贸企业由上年的42家增加到45家，其中实现“破零”企业17家，实现“倍增”企业5家。",
    "先后开展了8次中心组集中学习，其中邀请讲习团老师上门授课6次，开展了24次干部集中学习。",
    "支出合计100.00万元（2017年为90.00万元，2016年为80.00万元）。",
    "收入100万元，其中：甲33.33万元，乙33.33万元，丙33.33万元。",   # each part rounded as written
])
def test_consistent_or_partial_breakdowns_are_not_flagged(sentence, tmp_path):
    assert messages(small_report(tmp_path / "r.docx", [sentence])) == []


@pytest.mark.parametrize(("sentence", "expected"), [
    ("“三公经费”实际支出数为61.07万元（公务接待费27.08万元、公务用车运行维护费32.99万元）。", "60.07万元"),
    ("年末实有人数188人，其中：在职人员72人，聘用人员28人，离休人员15人，退休人员101人。", "216人"),
    ("发放问卷90份（本单位员工30份、服务对象30份、社会公众20份）。", "80份"),
])
def test_totals_that_are_not_the_sum_are_flagged(sentence, expected, tmp_path):
    found = messages(small_report(tmp_path / "r.docx", [sentence]))
    assert len(found) == 1 and expected in found[0]


# --- the command, the annotated copy --------------------------------------------------

def test_annotated_copy_has_comments_and_the_same_text(seed_docx, tmp_path, capsys):
    out = tmp_path / "审核后.docx"
    assert main(["review", str(seed_docx), "-o", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "87.75%" in printed and "216人" in printed
    with zipfile.ZipFile(out) as z:
        comments = z.read("word/comments.xml").decode("utf-8")
    assert comments.count('w:author="reportgen 审核"') == len(review_file(seed_docx)[1].findings)
    import docx
    before = [p.text for p in docx.Document(str(seed_docx)).paragraphs]
    after = [p.text for p in docx.Document(str(out)).paragraphs]
    assert before == after
    first = out.read_bytes()
    assert main(["review", str(seed_docx), "-o", str(out)]) == 1
    assert out.read_bytes() == first   # the same report gives the same copy


def test_annotated_copy_passes_the_schema_validator(seed_docx, tmp_path):
    audit = shutil.which("openxml-audit")
    if audit is None:
        pytest.skip("openxml-audit not installed")
    out = tmp_path / "a.docx"
    main(["review", str(seed_docx), "-o", str(out)])

    def errors(path: Path) -> list[tuple[str, str]]:
        result = subprocess.run([audit, "-o", "json", str(path)], capture_output=True, text=True,
                                check=False)
        return [(e["type"], e["description"]) for r in json.loads(result.stdout)
                for e in r["errors"]]

    found = errors(out)
    assert [e for e in found if e[0] == "schema"] == []
    # Its app-compat hints (python-docx's own blank document has two) are no more than the
    # input's: the comments add nothing a validator objects to.
    assert found == errors(seed_docx)


def test_json_output(seed_docx, capsys):
    assert main(["review", str(seed_docx), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["year"] == 2018
    assert {f["kind"] for f in data["findings"]} >= {"计算", "合计"}
    assert all("where" in f and "quote" in f for f in data["findings"])


def test_clean_report_exits_0(tmp_path, capsys):
    path = small_report(tmp_path / "ok.docx", ["在职人员控制率＝（72÷78）×100%＝92.31%。"])
    assert main(["review", str(path)]) == 0
    assert "未发现" in capsys.readouterr().out


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("report.pdf", b"%PDF-1.7\n", "PDF"),
    ("report.docx", b"not a word file", "不是有效的 Word 文档"),
    ("disguised.docx", b"%PDF-1.4 a pdf under another name", "PDF"),
])
def test_unreadable_inputs_exit_2_with_a_message(name, content, expected, tmp_path, capsys):
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["review", str(path)]) == 2
    assert expected in capsys.readouterr().err


def test_annotated_copy_opens_in_libreoffice(seed_docx, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice not installed")
    out = tmp_path / "annotated.docx"
    main(["review", str(seed_docx), "-o", str(out)])
    profile = tmp_path / "profile"
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                   capture_output=True, timeout=180, check=True)
    pdf = tmp_path / "annotated.pdf"
    assert pdf.exists() and pdf.stat().st_size > 10_000


# --- the seed: all five kinds of slip, and nothing else ------------------------------

def test_seed_gives_the_five_kinds_and_nothing_else(seed_docx):
    _, review = review_file(seed_docx)
    by_kind: dict[str, list] = {}
    for f in review.findings:
        by_kind.setdefault(f.kind.value, []).append(f)
    assert {k: len(v) for k, v in by_kind.items()} == {
        "计算": 1, "合计": 1, "前后不一": 1, "年份": 3, "编号": 2}
    computation = by_kind["计算"][0].message
    assert "87.75%" in computation and "应得1分（报告写5分）" in computation
    assert "总分相应为90.47分（报告写94.47分）" in computation
    procurement = by_kind["前后不一"][0]
    assert "政府采购执行率" in procurement.message and "得5分" in procurement.message
    assert "写得6分" in procurement.message and "应得6分" in procurement.message
    assert all(f.place.table == 1 and "2017年" in f.message for f in by_kind["年份"])
    assert [f.quote[0] for f in by_kind["编号"]] == ["③", "③"]
    assert review.framework == "湘西州本级2018"
    assert str(review.claimed_total) == "94.47" and str(review.recomputed_total) == "90.47"


def test_seed_put_right_reviews_clean(tmp_path):
    from review_documents import corrected_seed

    _, review = review_file(corrected_seed(tmp_path / "fixed.docx"))
    assert [f.render() for f in review.findings] == []
    assert str(review.claimed_total) == str(review.recomputed_total) == "90.47"


# --- the indicator table ---------------------------------------------------------------

def test_a_clean_indicator_table(tmp_path):
    from review_documents import FULL, scored_report

    path = scored_report(tmp_path / "t.docx", ["评价得分为37分，绩效评价等级为差。"], FULL, "37")
    _, review = review_file(path)
    assert [f.render() for f in review.findings] == []
    assert review.framework == "湘西州本级2018"


@pytest.mark.parametrize(("change", "total", "expected"), [
    ((4, ("预算完成率", "5", "6")), "38", "超过其分值"),
    ((4, ("预算完成率", "4", "4")), "36", "规定为5分"),
    (None, "38", "合计得分写的是38分，各三级指标得分相加为37"),
])
def test_indicator_table_slips(change, total, expected, tmp_path):
    from review_documents import FULL, scored_report

    rows = list(FULL)
    if change:
        rows[change[0]] = change[1]
    found = messages(scored_report(tmp_path / "t.docx", [], rows, total))
    assert any(expected in m for m in found), found


def test_group_points_against_the_indicators_below(tmp_path):
    from review_documents import SEED_MERGES, SEED_ROWS, seed_report

    merges = [m if m[:3] != (5, 8, 3) else (5, 8, 3, "21") for m in SEED_MERGES]
    import review_documents

    original = review_documents.SEED_MERGES
    review_documents.SEED_MERGES = merges
    try:
        path = seed_report(tmp_path / "s.docx", ["湘西自治州商务局2018年度部门整体支出绩效评价报告"],
                           SEED_ROWS)
    finally:
        review_documents.SEED_MERGES = original
    found = [f for f in review_file(path)[1].findings if f.kind is ReviewKind.TABLE]
    assert len(found) == 1 and "二级指标分值21分" in found[0].message
    assert "20分" in found[0].message


@pytest.mark.parametrize(("paragraphs", "expected"), [
    (["评价得分为38分，绩效评价等级为差。"], "正文写总分38分，指标表合计为37分"),
    (["评价得分为37分，绩效评价等级为良。"], "对应的等级应为“差”"),
])
def test_total_and_grade_in_the_text(paragraphs, expected, tmp_path):
    from review_documents import FULL, scored_report

    found = messages(scored_report(tmp_path / "t.docx", paragraphs, FULL, "37"))
    assert len(found) == 1 and expected in found[0], found


# --- scores in the text, scored again ------------------------------------------------

PROCUREMENT = ("（1）政府采购执行率（6分）",
               "本部门实际政府采购金额为70.31万元，政府采购预算73.89万元，政府采购执行率＝"
               "（实际政府采购金额÷政府采购预算数）×100%＝95.15%，根据评分标准，该项得{score}分。")


def test_text_score_against_table_score(tmp_path):
    from review_documents import FULL, scored_report

    heading, body = PROCUREMENT
    found = review_file(scored_report(tmp_path / "t.docx", [heading, body.format(score=5)],
                                      FULL, "37"))[1].findings
    assert [f.kind for f in found] == [ReviewKind.MISMATCH]
    assert "正文写得5分" in found[0].message and "应得6分" in found[0].message


def test_score_the_rule_does_not_give(tmp_path):
    from review_documents import FULL, scored_report

    heading, body = PROCUREMENT
    rows = [r if r[0] != "政府采购执行率" else ("政府采购执行率", "6", "4") for r in FULL]
    found = review_file(scored_report(tmp_path / "t.docx", [heading, body.format(score=4)],
                                      rows, "35"))[1].findings
    assert [f.kind for f in found] == [ReviewKind.SCORE]
    assert "95.15%" in found[0].message and "应得6分，报告写4分" in found[0].message


def test_correct_score_with_a_deduction(tmp_path):
    from review_documents import FULL, scored_report

    body = ("上年结转407.30万元，年初预算1543.40万元，本年追加预算5383.91万元，年末结余898.35万元，"
            "预算完成率＝（上年结转＋年初预算＋本年追加预算－年末结余）÷（上年结转＋年初预算＋"
            "本年追加预算）×100%＝87.75%，低于100%达12.25个百分点，扣4分，得1分。")
    rows = [r if r[0] != "预算完成率" else ("预算完成率", "5", "1") for r in FULL]
    path = scored_report(tmp_path / "t.docx", ["（1）预算完成率（5分）", body,
                                               "预算完成率为87.75%，该项扣4分。"], rows, "33")
    assert messages(path) == []


def test_the_same_value_written_differently(tmp_path):
    from review_documents import FULL, scored_report

    body = "预算控制率＝（5383.91÷1543.40）×100%＝348.83%，大于100%，得0分。"
    rows = [r if r[0] != "预算控制率" else ("预算控制率", "5", "0") for r in FULL]
    path = scored_report(tmp_path / "t.docx", ["（1）预算控制率（5分）", body,
                                               "4.1 本单位预算控制率为348.38%，该项指标不得分。"],
                         rows, "32")
    found = review_file(path)[1].findings
    assert [f.kind for f in found] == [ReviewKind.MISMATCH]
    assert "348.38%" in found[0].message and "348.83%" in found[0].message


# --- years -----------------------------------------------------------------------------

TITLE = "某某局2018年度部门整体支出绩效评价报告"


@pytest.mark.parametrize("paragraphs", [
    [TITLE, "根据《关于开展2018年度绩效自评工作的通知》（州财绩〔2019〕5号）要求，于2019年3月开展自评。"],
    [TITLE, "完成了2017年度部门整体绩效评价工作和2015—2017年度省级专项资金绩效评价。"],
    [TITLE, "（1）“三公经费”变动率（4分）",
     "2018年度预算安排“三公经费”72万元，2017年度预算安排76.4万元，变动率＝（72－76.4）÷76.4＝-5.76%，"
     "得满分4分。"],
    [TITLE, "（1）在职人员控制率（3分）", "与2017年相比，在职人员减少2人；在职人员控制率为92.31%，得满分3分。"],
])
def test_earlier_years_where_they_belong_are_not_flagged(paragraphs, tmp_path):
    from review_documents import FULL, scored_report

    assert messages(scored_report(tmp_path / "y.docx", paragraphs, FULL)) == []


@pytest.mark.parametrize(("paragraphs", "cell", "where"), [
    ([TITLE], "该指标以2017年完工的新建楼堂馆所为评价内容。", "指标表"),
    ([TITLE, "（一）2017年度部门整体支出情况"], "", "标题"),
    ([TITLE, "（1）在职人员控制率（3分）", "本部门2017年末实际在职人员72人，编制数78人，控制率92.31%，得满分3分。"],
     "", "指标分析"),
])
def test_a_year_left_over_from_last_report(paragraphs, cell, where, tmp_path):
    from review_documents import FULL, scored_report

    rows = [r if r[0] != "在职人员控制率" else ("在职人员控制率", "3", "3") for r in FULL]
    header = ("三级指标", "分值", "得分")
    path = scored_report(tmp_path / "y.docx", paragraphs, rows, header=header)
    if cell:
        import docx

        document = docx.Document(str(path))
        document.tables[0].cell(3, 0).text = f"在职人员控制率\n{cell}"
        document.save(str(path))
    found = review_file(path)[1].findings
    assert [f.kind for f in found] == [ReviewKind.YEAR], [f.render() for f in found]
    assert "2017年" in found[0].message and where in found[0].message


# --- numbering ---------------------------------------------------------------------------

@pytest.mark.parametrize("paragraphs", [
    ["一、基本情况", "1.1 职责", "1.2 支出", "（1）甲", "（2）乙", "①子项", "②子项", "（3）丙",
     "2.绩效评价", "2.1 目的", "（1）核实", "（2）查阅", "三、结论"],
    ["一、概况", "（一）职责", "1.贯彻政策", "2.发展流通", "（二）支出", "二、评价", "（一）目的"],
    ["（1）甲", "①一", "②二", "正文段落。", "①另一个列表", "②第二项", "（2）乙"],
    ["一是完成普法考试。二是简政放权。", "2018年，我局完成了各项工作。", "4.1本单位预算控制率为348.83%。"],
])
def test_good_numbering_is_not_flagged(paragraphs, tmp_path):
    assert messages(small_report(tmp_path / "n.docx", paragraphs)) == []


@pytest.mark.parametrize(("paragraphs", "expected"), [
    (["（1）从严治党", "为了落实责任。", "③狠抓意识形态", "④全面从严治党"], "从“③”开始"),
    (["一、概况", "二、评价", "四、结论"], "跳号"),
    (["（1）甲", "（2）乙", "（2）丙"], "重复"),
    (["1.1 职责", "1.3 支出"], "跳号"),
])
def test_numbering_slips(paragraphs, expected, tmp_path):
    found = messages(small_report(tmp_path / "n.docx", paragraphs))
    assert len(found) == 1 and expected in found[0], found


# --- totals in tables ----------------------------------------------------------------------

@pytest.mark.parametrize(("rows", "flagged"), [
    ([["项目（单位：万元）", "本年预算", "本年实际"], ["“三公经费”合计", "72.00", "60.07"],
      ["　其中：公务接待费", "35.00", "27.08"], ["　其中：公务用车运行维护费", "37.00", "32.99"]], False),
    ([["项目", "金额（万元）", "占比"], ["基本支出", "2231.19", "34.68%"], ["项目支出", "4201.93", "65.32%"],
      ["合计", "6433.12", "100.00%"]], False),
    ([["项目", "金额（万元）", "完成率"], ["基本支出", "2231.19", "95.1%"], ["项目支出", "4201.93", "88.0%"],
      ["合计", "6443.12", "90.3%"]], True),
    ([["项目（单位：万元）", "本年预算", "本年实际"], ["“三公经费”合计", "72.00", "61.07"],
      ["　其中：公务接待费", "35.00", "27.08"], ["　其中：公务用车运行维护费", "37.00", "32.99"]], True),
])
def test_table_totals(rows, flagged, tmp_path):
    found = review_file(small_report(tmp_path / "t.docx", ["附件2"], [rows]))[1].findings
    assert [f.kind for f in found] == ([ReviewKind.TOTAL] if flagged else []), [f.render() for f in found]


# --- a folder for the bureau ---------------------------------------------------------------

def test_folder_review_writes_copies_and_a_summary(seed_docx, tmp_path, capsys):
    from openpyxl import load_workbook

    folder = tmp_path / "收到的报告"
    (folder / "县直").mkdir(parents=True)
    shutil.copy(seed_docx, folder / "商务局.docx")
    small_report(folder / "县直" / "交通局.docx", ["在职人员控制率＝（72÷78）×100%＝92.31%。"])
    (folder / "扫描件.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "~$商务局.docx").write_bytes(b"lock")
    out = tmp_path / "审核结果"
    assert main(["review", str(folder), "-o", str(out)]) == 1
    captured = capsys.readouterr()
    assert "[1/3]" in captured.err and "[3/3]" in captured.err
    assert (out / "商务局（审核）.docx").exists() and (out / "县直" / "交通局（审核）.docx").exists()
    sheet = load_workbook(out / "审核汇总表.xlsx").active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    head = [c.value for c in sheet[1]]
    seed = dict(zip(head, rows["商务局.docx"], strict=True))
    assert seed["单位"] == "湘西自治州商务局" and seed["年度"] == 2018
    assert seed["计算问题"] == 1 and seed["年份问题"] == 3 and seed["编号问题"] == 2
    assert seed["问题合计"] == 8
    assert float(seed["报告所写总分"]) == 94.47 and float(seed["按报告数字复核总分"]) == 90.47
    clean = dict(zip(head, rows["县直/交通局.docx"], strict=True))
    assert clean["问题合计"] == 0 and clean["状态"] == "未发现问题"
    assert "PDF" in dict(zip(head, rows["扫描件.pdf"], strict=True))["状态"]


def test_doc_files_go_through_libreoffice(tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice not installed")
    source = small_report(tmp_path / "report.docx", [
        "某某局2018年度部门整体支出绩效评价报告",
        "年末实有人数188人，其中：在职人员72人，聘用人员28人，离休人员15人，退休人员101人。",
        "在职人员控制率＝（72÷78）×100%＝93.31%。", "③狠抓意识形态工作。"])
    profile = tmp_path / "profile"
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "doc", "--outdir", str(tmp_path), str(source)],
                   capture_output=True, timeout=180, check=True)
    out = tmp_path / "审核后.docx"
    assert main(["review", str(tmp_path / "report.doc"), "-o", str(out)]) == 1
    assert messages(out) == messages(source) and len(messages(source)) == 3


# --- correct hand-written variants: none of them is a finding -------------------------------

VARIANT_SENTENCES = [
    # the same computation worded differently
    "在职人员控制率=在职人员数/编制数×100%=72/78×100%=92.31%。",
    "预算完成率为（407.30+1543.40+5383.91-898.35）/（407.30+1543.40+5383.91）=87.75%。",
    "“三公经费”变动率＝（72－76.4）/76.4×100%＝－5.76%。",
    "公用经费控制率：（296.85万元÷349.77万元）×100％＝84.87％。",
    "预算控制率=本年追加预算/年初预算×100%=5,383.91/1,543.40×100%=348.83%。",
    "重点工作实际完成率得分=（93.341/100）×8=7.47分。",
    "满意度＝满意问卷数÷收回问卷数×100%＝86÷90×100%＝95.56%。",
    "控制率为83.43%（60.07÷72×100%）。",
    # totals in other words
    "年末实有人数216人。其中：在职人员72人，聘用等其他人员28人，离休人员15人，退休人员101人。",
    "三公经费支出合计60.07万元（其中：公务接待费27.08万元，公务用车运行维护费32.99万元）。",
    "收入6927.32万元（财政拨款收入6914.61万元、其他收入12.71万元），支出6433.12万元。",
    "发放问卷90份（本单位员工30份、服务对象30份、社会公众30份），收回90份。",
    "全州进出口总额2.44亿美元，同比增长23.8%，其中出口2.08亿美元，进口0.36亿美元。",
    # years and numbering that belong where they are
    "与2017年相比，三公经费下降5.76%。",
    ["（1）核实数据。", "（2）查阅资料。"],
    "①符合国家法律法规；②符合部门“三定”方案。",
]


@pytest.mark.parametrize("sentence", VARIANT_SENTENCES)
def test_correct_variants_one_by_one(sentence, tmp_path):
    lines = sentence if isinstance(sentence, list) else [sentence]
    path = small_report(tmp_path / "v.docx", ["某某局2018年度部门整体支出绩效评价报告", *lines])
    assert messages(path) == []


def test_correct_variants_together_with_a_differently_laid_out_table(tmp_path):
    from review_documents import FULL, scored_report

    flat = [line for s in VARIANT_SENTENCES for line in (s if isinstance(s, list) else [s])]
    paragraphs = ["某某局2018年度部门整体支出绩效评价报告", *flat,
                  "经单位自评，综合得分为37分，绩效评价等级为“差”。"]
    path = scored_report(tmp_path / "v.docx", paragraphs,
                         [(n, p, s) for n, p, s in FULL], "37",
                         header=("指标名称", "分值（分）", "自评得分（分）"),
                         extra=[["项目", "金额（万元）", "占比"], ["基本支出", "2,231.19", "34.68%"],
                                ["项目支出", "4,201.93", "65.32%"], ["合计", "6,433.12", "100.00%"]])
    _, review = review_file(path)
    assert [f.render() for f in review.findings] == []
    assert review.framework == "湘西州本级2018" and str(review.claimed_total) == "37"


def test_indicator_table_with_names_repeated_on_every_row(tmp_path):
    rows = [["一级指标", "分值", "二级指标", "分值", "三级指标", "分值", "得分"]]
    rows += [["投入", "13", "目标设定", "6", "绩效目标合理性", "3", "3"],
             ["投入", "13", "目标设定", "6", "绩效指标明确性", "3", "3"],
             ["投入", "13", "预算配置", "7", "在职人员控制率", "3", "3"],
             ["投入", "13", "预算配置", "7", "“三公经费”变动率", "4", "4"],
             ["合计", "13", "", "", "", "", "13"]]
    path = small_report(tmp_path / "r.docx", ["某某局2018年度部门整体支出绩效评价报告"], [rows])
    assert messages(path) == []
    rows[4][5] = "5"
    rows[5][6] = "14"
    wrong = small_report(tmp_path / "w.docx", ["某某局2018年度部门整体支出绩效评价报告"], [rows])
    found = messages(wrong)
    assert any("二级指标分值7分" in m and "8分" in m for m in found), found


def test_comments_cover_just_the_quoted_words(tmp_path):
    """The runs are cut at the quote's ends, so Word highlights the slip, not the paragraph."""
    import docx

    path = small_report(tmp_path / "r.docx", [
        "本部门在职人员72人，编制数78人，在职人员控制率＝（72÷78）×100%＝93.31%，符合要求。"])
    out = tmp_path / "a.docx"
    assert main(["review", str(path), "-o", str(out)]) == 1
    paragraph = docx.Document(str(out)).paragraphs[0]
    assert paragraph.text == docx.Document(str(path)).paragraphs[0].text
    xml = paragraph._p.xml
    inside = xml.split("commentRangeStart")[1].split("commentRangeEnd")[0]
    covered = "".join(t.split(">", 1)[1].split("<", 1)[0] for t in inside.split("<w:t")[1:])
    assert covered == "（72÷78）×100%＝93.31%"


def test_a_report_without_an_indicator_table_says_so(tmp_path, capsys):
    path = small_report(tmp_path / "r.docx", ["在职人员控制率＝（72÷78）×100%＝92.31%。"])
    assert main(["review", str(path)]) == 0
    assert "评价框架：未识别（报告中没有找到指标表" in capsys.readouterr().out


# --- generated reports with deductions of every rule kind review clean ----------------------

def _deductions(raw: dict) -> None:
    raw["政府采购"]["实际"] = "60.00"                 # 81.20%: three steps off 100%, 0 points
    raw["公用经费"]["实际"] = "360.00"                # 102.93%: 2 points lost
    raw["三公经费"]["本年预算"] = {"合计": "80.00", "公务接待费": "40.00", "公务用车运行维护费": "40.00"}
    raw["考核与调查"]["满意度调查"]["满意"] = 80       # 88.89%: the (80, 90] band
    raw["考核与调查"]["绩效办考核得分"] = "88.5"
    raw["清单评价"]["资金使用合规性"] = ["是", "否", "是", "是", "否"]
    raw["清单评价"]["管理制度健全性"] = ["是", "是", "否", "是"]
    raw["评议"]["行政效能"]["等级"] = "一般"
    raw["新建楼堂馆所"] = {"批准面积": 1000, "实际面积": 1130, "批准投资": "500.00",
                       "实际投资": "512.00"}
    raw.pop("自填数", None)


def test_generated_report_with_deductions_reviews_clean(make_department, tmp_path):
    folder = make_department(_deductions)
    report = tmp_path / "report.docx"
    main(["build", str(folder), "-o", str(report)])
    _, review = review_file(report)
    assert [f.render() for f in review.findings] == []
    assert review.claimed_total == review.recomputed_total


def test_a_damaged_table_span_is_bounded(tmp_path):
    import docx
    from docx.oxml.ns import qn

    path = small_report(tmp_path / "r.docx", ["正文。"], [[["合计", "1"], ["甲", "2"]]])
    document = docx.Document(str(path))
    tc = document.tables[0]._tbl.tr_lst[0].tc_lst[0]
    tc.get_or_add_tcPr().get_or_add_gridSpan().set(qn("w:val"), "100000000")
    document.save(str(path))
    _, review = review_file(path)   # returns at once, a row of 64 columns at most
    assert review.findings == []


@pytest.mark.parametrize("target", ["审核后.pdf", "审核后.doc"])
def test_the_copy_must_be_a_docx(seed_docx, tmp_path, target, capsys):
    assert main(["review", str(seed_docx), "-o", str(tmp_path / target)]) == 2
    assert ".docx" in capsys.readouterr().err
    assert not (tmp_path / target).exists()


def test_folder_review_goes_on_after_an_unforeseen_error(tmp_path, monkeypatch, capsys):
    from reportgen.review import command

    folder = tmp_path / "in"
    folder.mkdir()
    small_report(folder / "甲.docx", ["在职人员控制率＝（72÷78）×100%＝92.31%。"])
    small_report(folder / "乙.docx", ["在职人员控制率＝（72÷78）×100%＝92.31%。"])
    original = command.review_one

    def flaky(path, framework):
        if path.name == "甲.docx":
            raise RuntimeError("a bug")
        return original(path, framework)

    monkeypatch.setattr(command, "review_one", flaky)
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))   # the incident log goes here
    assert main(["review", str(folder), "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "甲.docx：程序内部错误" in err and "乙.docx：未发现问题" in err
    assert (tmp_path / "out" / "乙（审核）.docx").exists()
    assert "Traceback" not in err
    assert len(list(tmp_path.glob("reportgen-error-*.log"))) == 1


def test_an_indicator_left_out_of_the_table(tmp_path):
    from review_documents import scored_report

    from reportgen.framework import builtin_frameworks, load_framework

    framework = next(load_framework(b.path) for b in builtin_frameworks()
                     if b.ident == "湘西州本级2018")
    rows = [(i.name, str(i.points), str(i.points)) for _, _, i in framework.indicators()]
    complete = scored_report(tmp_path / "all.docx", [], rows, "100")
    assert messages(complete) == []
    shorter = scored_report(tmp_path / "less.docx", [], rows[:-1], "94")
    found = messages(shorter)
    assert len(found) == 1 and "合计为94分" in found[0] and "社会公众或服务对象满意度" in found[0]
