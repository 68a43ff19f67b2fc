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
from reportgen.review.model import Kind

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
    found = [f for f in review.findings if f.kind is Kind.COMPUTATION]
    assert len(found) == 1
    assert "87.75%" in found[0].message and "100.00%" in found[0].message
    assert "407.30万元" in found[0].message
    assert review.year == 2018 and review.unit == "湘西自治州商务局"


def test_seed_head_count_total_against_parts(seed_docx):
    found = [f for f in review_file(seed_docx)[1].findings if f.kind is Kind.TOTAL]
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
        assert [f.render() for f in found if f.kind is not Kind.TOTAL] == []
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
