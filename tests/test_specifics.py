"""Specifics from data (issue #8): the notice, period, working group, the 考核 body, the
unit's code, address and short name — said where given, natural sentences where not;
需要说明事项 in the order written, free titles included; one score format; no space from a
wrapped line between Chinese characters."""

from __future__ import annotations

import re

import pytest
from docx import Document

from conftest import EXAMPLE, example_raw, plain, write_department
from reportgen.build import render_docx
from reportgen.pipeline import evaluate
from reportgen.text import join_wrapped


def paragraphs_of(folder, tmp_path) -> list[str]:
    out = tmp_path / "r.docx"
    out.write_bytes(render_docx(evaluate(folder))[0])
    return [plain(p.text) for p in Document(str(out)).paragraphs]


def find(texts: list[str], start: str) -> str:
    return next(t for t in texts if t.startswith(start))


# The sections a department may write itself and the examples do (引言 …); the tests of the
# shipped defaults remove the example's own.
OWN_PROCESS = ("引言", "评价目的", "评价过程", "局限性")


def with_default_process(folder):
    for name in OWN_PROCESS:
        (folder / "narratives" / f"{name}.md").unlink(missing_ok=True)
    return folder


@pytest.fixture
def given(tmp_path):
    folder = with_default_process(write_department(tmp_path / "g", example_raw()))
    return paragraphs_of(folder, tmp_path)


@pytest.fixture
def absent(tmp_path):
    raw = example_raw()
    del raw["评价工作"]
    del raw["基本信息"]["简称"], raw["基本信息"]["统一社会信用代码"], raw["基本信息"]["地址"]
    return paragraphs_of(with_default_process(write_department(tmp_path / "d", raw)), tmp_path)


def test_introduction_names_the_notice_period_and_short_name(given):
    assert find(given, "根据") == (
        "根据《湘西州财政局关于开展2018年度州本级财政资金绩效自评工作的通知》（州财绩〔2019〕5号）"
        "文件要求，湘西土家族苗族自治州商务局（以下简称州商务局）于2019年3月至6月对本单位2018年度"
        "部门整体支出开展了绩效自评。现将有关情况报告如下：")


def test_introduction_without_the_optional_facts_reads_naturally(absent):
    assert find(absent, "根据") == (
        "根据财政部门关于开展2018年度部门整体支出绩效自评工作的要求，湘西土家族苗族自治州商务局"
        "对本单位2018年度部门整体支出开展了绩效自评。现将有关情况报告如下：")


def test_process_states_key_dates_and_short_name(given, absent):
    """The notice cited in full in 引言 is 上述通知 here; without one, 上述要求 (the
    generic words said once); a working group only where the data describes one."""
    assert find(given, "按照") == (
        "按照上述通知要求，州商务局对2018年度部门整体支出开展自评。2019年4月召开现场评价工作"
        "安排部署会，6月15日完成自评工作。主要步骤如下：")
    assert find(absent, "按照") == (
        "按照上述要求，湘西土家族苗族自治州商务局对2018年度部门整体支出开展自评。主要步骤如下：")


def test_process_names_the_working_group_from_data(tmp_path):
    raw = example_raw()
    raw["评价工作"]["评价工作组"] = "由局长任组长，各科室负责人为成员。"
    texts = paragraphs_of(with_default_process(write_department(tmp_path / "t", raw)), tmp_path)
    assert find(texts, "按照") == (
        "按照上述通知要求，州商务局成立绩效评价工作组（由局长任组长，各科室负责人为成员），对2018年度"
        "部门整体支出开展自评。2019年4月召开现场评价工作安排部署会，6月15日完成自评工作。主要步骤如下：")


def test_default_steps_claim_only_what_every_unit_or_its_data_did(given):
    start = given.index("（二）绩效评价实施过程")
    steps = [t for t in given[start:] if re.match(r"\d+\.", t)][:5]
    assert steps == [
        "1.核实数据。核实2018年度部门整体支出数据的真实性和准确性，并将“三公经费”情况与2017年度"
        "进行对比分析。",
        "2.查阅资料。查阅年度预算安排、预算追加、非税收入、资金管理、经费支出、资产管理等文件资料和会计凭证。",
        "3.问卷调查。发放调查问卷90份（本单位员工30份、服务对象30份、社会公众30份），收回90份，"
        "了解其对本单位履职情况的满意程度。",
        "4.分析评议。对照评价指标和评分标准逐项计算、分析，确定各项指标得分。",
        "5.形成报告。在分析评议的基础上撰写绩效评价报告。"]


def test_purpose_does_not_repeat_the_introduction(given):
    """The default 引言 says on whose orders and when; 评价目的 says why."""
    from difflib import SequenceMatcher

    intro = find(given, "根据")
    purpose = given[given.index("（一）绩效评价目的") + 1]
    match = SequenceMatcher(None, intro, purpose, autojunk=False).find_longest_match()
    assert match.size < 8, intro[match.a:match.a + match.size]


@pytest.mark.parametrize("name", ["county-transport-2023", "state-emergency-2019",
                                  "xiangxi-commerce-2018", "xiangxi-commerce-2018-as-filed"])
def test_each_example_cites_its_notice_once_and_writes_its_own_process(tmp_path, name):
    from difflib import SequenceMatcher

    from reportgen.inputs.narratives import read_narratives

    folder = EXAMPLE.with_name(name)
    sections = read_narratives(folder / "narratives").sections
    assert not any(sections[n].is_default for n in OWN_PROCESS)
    texts = paragraphs_of(folder, tmp_path)
    body = "\n".join(texts)
    number = evaluate(folder).department.data.evaluation.notice.number
    assert body.count(number) == 1 and body.count("上述通知要求") == 1
    intro = texts[texts.index("一、基本情况") - 1]
    purpose = texts[texts.index("（一）绩效评价目的") + 1]
    match = SequenceMatcher(None, intro, purpose, autojunk=False).find_longest_match()
    assert match.size < 12, intro[match.a:match.a + match.size]


def test_the_short_name_of_the_department_store_is_introduced(tmp_path):
    body = "\n".join(paragraphs_of(EXAMPLE, tmp_path))
    assert body.count("武陵商业大厦") == 1
    assert body.index("州武陵商业大厦（以下简称武陵商厦）") < body.index("武陵商厦破产清算改制相关资金")


def test_credit_code_and_address_lead_the_staffing_paragraph(given, absent):
    assert find(given, "州商务局统一社会信用代码").startswith(
        "州商务局统一社会信用代码为114331000066864290，办公地址为湖南省湘西土家族苗族自治州吉首市世纪大道3号。"
        "经机构编制部门核定的编制数为78人")
    assert not any("统一社会信用代码" in t for t in absent)
    assert any(t.startswith("经机构编制部门核定的编制数为78人") for t in absent)


def test_the_assessing_body_comes_from_data(given, absent):
    assert any(t.startswith("州绩效办对本部门2018年度为民办实事") for t in given)
    # Without it, no level (州/县) is assumed.
    assert any(t.startswith("绩效考核部门对本部门2018年度为民办实事") for t in absent)
    assert not any("州绩效办" in t for t in absent if "年度为民办实事" in t)


def test_county_report_never_says_zhou(tmp_path):
    from conftest import ROOT
    texts = paragraphs_of(ROOT / "examples" / "county-transport-2023", tmp_path)
    assert not any("州绩效办" in t or "州商务局" in t for t in texts)
    assert any(t.startswith("县绩效办对本部门2023年度") for t in texts)


def test_conclusion_uses_the_short_name(given):
    assert find(given, "根据部门整体支出绩效评价指标体系").startswith(
        "根据部门整体支出绩效评价指标体系，经州商务局自评，2018年度部门整体支出绩效评价得分为90.47分")


def test_explanations_in_written_order_with_free_items(tmp_path):
    raw = example_raw()
    folder = write_department(tmp_path / "d", raw)
    reasons = folder / "narratives" / "需要说明事项.md"
    reasons.write_text("## 其他说明\n\n本年度机构未调整。\n\n## 预算控制率\n\n追加较多。\n\n"
                       "## 在职人员控制率\n\n在职人员控制在编制内。\n", encoding="utf-8")
    texts = paragraphs_of(folder, tmp_path)
    start, end = texts.index("四、需要说明事项"), texts.index("五、绩效评价结论")
    section = texts[start + 1:end]
    assert section == [
        "1.其他说明", "本年度机构未调整。",
        "2.预算控制率", "2018年度本部门预算控制率为348.83%，超过100%，按评分标准扣5.00分，不得分。", "追加较多。",
        "3.在职人员控制率", "在职人员控制在编制内。",
        "4.预算完成率", ("2018年度本部门预算完成率为87.75%，低于100%达12.25个百分点，按每低于5个百分点"
                       "扣2分计（不足5个百分点的部分不扣分），扣4.00分，得1.00分。"), "【待补充：预算完成率扣分原因】",
        "5.重点工作实际完成率", ("州绩效办对本部门2018年度为民办实事和部门重点工程与重点工作的考核得分为"
                            "93.341分，该项得分＝93.341÷100×8＝7.47分，扣0.53分。"), "【待补充：重点工作实际完成率扣分原因】"]


def test_scores_have_one_format_everywhere(tmp_path):
    out = tmp_path / "r.docx"
    out.write_bytes(render_docx(evaluate(EXAMPLE))[0])
    doc = Document(str(out))
    text = plain("\n".join(p.text for p in doc.paragraphs))
    # Scores; a rule's own constant (按每低于5个百分点扣2分计) is the framework's wording,
    # and the 绩效办's 考核得分 is its figure quoted as stated (93.341, test_stated_figures).
    scores = re.findall(r"(?:得|得满分|扣|(?<!考核)得分为|得分＝[^＝]*＝)(\d+(?:\.\d+)?)分(?!计)", text)
    assert scores and all(re.fullmatch(r"\d+\.\d\d", s) for s in scores), scores
    table = doc.tables[-2]  # 附件1 (the body's own tables come first)
    column = [row.cells[-1].text for row in table.rows[1:]]
    assert all(re.fullmatch(r"\d+\.\d\d", c) for c in column), column
    assert column[-1] == "90.47" and "得分为90.47分" in text


@pytest.mark.parametrize(("raw", "expected"), [
    ("增长23.8%，\n  完成年度目标", "增长23.8%，完成年度目标"),
    ("全州1110个贫困村 全部建有", "全州1110个贫困村全部建有"),
    ("测试<局>&{{ 单位名称 }}", "测试<局>&{{ 单位名称 }}"),
    ("e-commerce\nplatform", "e-commerce platform"),
    # a folded line after full-width punctuation, or before a figure, is no space either
    ("改造477个；\n3家企业", "改造477个；3家企业"),
    ("改造477个； 3家企业", "改造477个；3家企业"),
    ("完成年度目标任务的 105.6%，同比", "完成年度目标任务的105.6%，同比"),
    ("增长20% 完成", "增长20%完成"),
    ("获认定为 “湖南老字号” 称号", "获认定为“湖南老字号”称号"),
    ("an “e-commerce” platform", "an “e-commerce” platform"),
])
def test_wrapped_lines_never_leave_a_space_beside_chinese(raw, expected):
    assert join_wrapped(raw) == expected


def test_folded_yaml_after_a_semicolon_prints_without_a_space(given):
    social = find(given, "全州1110个贫困村")
    assert "完成加油站地下油罐防渗改造477个；3家企业品牌获认定为“湖南老字号”；" in social


def test_a_total_that_is_its_only_part_is_not_repeated(tmp_path):
    """收入决算数 all 财政拨款收入 (其他收入 0): said as 全部为…, not "其中：" the same figure."""
    raw = example_raw()
    raw["收支"]["收入决算数"] = {"合计": "6927.32", "财政拨款收入": "6927.32", "其他收入": "0"}
    raw["收支"]["年初结转和结余"] = {"合计": "0", "基本支出结转": "0", "项目支出结转和结余": "0"}
    texts = paragraphs_of(write_department(tmp_path / "d", raw), tmp_path)
    assert find(texts, "2018年收入决算数") == "2018年收入决算数6927.32万元，全部为财政拨款收入；无年初结转和结余。"


def test_folded_yaml_in_a_judgement_prints_without_spaces(given):
    basis = find(given, "2018年全州招商引资到位资金")
    assert "， " not in basis and "增长23.8%，完成年度目标任务的105.6%" in basis


def test_without_a_survey_the_process_and_limits_say_nothing_of_one(make_department):
    """No 满意度调查: the 问卷调查 step is left out (the default steps stay 1…4) and the
    default 局限性 does not claim a small sample; with one, both state it."""
    from reportgen.compose import compose_report

    def texts(folder):
        doc, _ = compose_report(evaluate(with_default_process(folder)))
        return [getattr(b, "text", "") for b in doc.sections["绩效评价工作情况"]]

    with_survey = texts(make_department(name="with"))
    assert ("3.问卷调查。发放调查问卷90份（本单位员工30份、服务对象30份、社会公众30份），"
            "收回90份，了解其对本单位履职情况的满意程度。") in with_survey
    assert find(with_survey, "本次绩效评价") == (
        "本次绩效评价采取单位自评方式，评价人员以本单位工作人员为主，评价依据主要是本单位提供的"
        "财务数据和工作资料，问卷调查样本有限，部分效益类指标难以量化，评分在一定程度上依赖主观判断，"
        "评价结果存在一定局限性。")

    def no_survey(raw):
        del raw["考核与调查"]["满意度调查"]
    without = texts(make_department(no_survey))
    steps = [t for t in without if re.match(r"\d+\.", t)]
    assert [s.split("。")[0] for s in steps] == ["1.核实数据", "2.查阅资料", "3.分析评议", "4.形成报告"]
    assert "问卷" not in "".join(without)


def test_a_change_on_last_year_is_said_of_the_total_not_the_last_part(tmp_path):
    """In brackets after its total, before 其中: neither the last part's change nor
    合计比上年 after the list, and no bracket inside the bracket."""
    texts = paragraphs_of(EXAMPLE.with_name("county-transport-2023"), tmp_path)
    assert find(texts, "2023年收入决算数") == (
        "2023年收入决算数12486.55万元（比上年11205.30万元增加1281.25万元，增长11.43%），其中："
        "财政拨款收入12310.20万元，其他收入176.35万元；年初结转和结余1320.18万元，其中："
        "基本支出结转85.42万元，项目支出结转和结余1234.76万元。")
    assert find(texts, "2023年支出决算数").endswith(
        "；年末结转和结余912.57万元（比上年1320.18万元减少407.61万元，下降30.88%），其中："
        "基本支出结转40.16万元，项目支出结转和结余872.41万元。")


@pytest.mark.parametrize("folder", ["xiangxi-commerce-2018", "xiangxi-commerce-2018-as-filed"])
def test_example_states_each_economic_figure_one_way(folder):
    """项目实施情况 and the 经济效益 basis name the same figures: one spelling of each."""
    from reportgen.compose import compose_report

    root = EXAMPLE.parent / folder
    doc, _ = compose_report(evaluate(root))
    texts = [getattr(b, "text", "") for b in doc.sections["基本情况"] + doc.sections["绩效评价分析"]]
    attract = next(t for t in texts if t.startswith("1.招商引资量质齐升。"))
    trade = next(t for t in texts if t.startswith("2.外经外贸结构优化。"))
    basis = next(t for t in texts if t.startswith("2018年全州招商引资到位资金"))
    assert "全州实施招商合作项目330个，实际到位资金393.28亿元，同比增长20%；" in attract
    assert "对外承包工程和劳务合作营业额2989万美元，同比增长22.4%，完成年度任务的104.51%，" in trade
    assert basis.startswith("2018年全州招商引资到位资金393.28亿元，完成全年目标任务的100.58%；")
    assert "；对外承包工程和劳务合作营业额2989万美元，完成年度目标任务的104.51%；" in basis


def test_state_example_names_the_county_count_as_in_its_narrative():
    """项目实施情况 says 接入全州8个县市; the 行政效能 basis from the workbook says it the same way."""
    analysis = evaluate(EXAMPLE.parent / "state-emergency-2019").scorecard.by_name("行政效能").analysis
    assert analysis == ("新机构组建当年完成“三定”，应急指挥平台接入全州8个县市，行政审批事项全部网上可办。"
                        "根据评分标准，行政效能评定为“好”，得满分6.00分。")


@pytest.mark.parametrize("folder, expected", [
    ("county-transport-2023", "2023年本部门追加预算3271.95万元，占年初预算9214.60万元的比例较高。"),
    ("state-emergency-2019", "2019年本局追加预算1266.20万元，占年初预算3120.00万元的比例较高。主要原因是"),
    ("xiangxi-commerce-2018", "2018年本部门追加预算5383.91万元，远高于年初预算1543.40万元。"),
    ("xiangxi-commerce-2018-as-filed", "2018年本部门追加预算5383.91万元，远高于年初预算1543.40万元。"),
])
def test_example_explains_extra_budget_without_saying_the_year_twice(folder, expected):
    """“2023年本部门本年追加预算” said the year twice; the state example named two figures
    and went on to 主要原因是 without saying what was to be explained."""
    from reportgen.compose import compose_report

    doc, _ = compose_report(evaluate(EXAMPLE.parent / folder))
    texts = [getattr(b, "text", "") for b in doc.sections["需要说明事项"]]
    assert any(t.startswith(expected) for t in texts)
    assert not any("年本部门本年" in t or "年本局本年" in t for t in texts)
