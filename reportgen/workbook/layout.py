"""The Excel 填报表 (data.xlsx): one declarative description of its sheets and rows.

blank.py creates the blank workbook from these tables and inputs/xlsx_reader.py reads a filled one
back from the same tables, so a row added here appears in the workbook and is read into
data.yaml's structure without touching either module.

Two kinds of sheet:

* a form (FormSheet): the columns 项目 | 数值 | 单位 | 说明, one fixed row per field. Each
  Field names its label, unit, key path in data.yaml ("收支/收入决算数/财政拨款收入"), the
  validation kind and a note saying what the figure is and where it is copied from;
* a record table (RecordSheet): one row per indicator of the evaluation framework named in the
  workbook (清单评价, 评议, 自填数). The writer lists the framework's indicators; the reader
  identifies each row by the indicator name in column A, so it needs no framework.

An empty cell means "not given": its key is left out, exactly as if the line were missing
from data.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

WORKBOOK_TITLE = "部门整体支出绩效评价 基础数据填报表"
GUIDE_SHEET = "填表说明"
FORM_HEADER = ("项目", "数值", "单位", "说明")
VALUE_COLUMN = "B"


class CellKind(StrEnum):
    """How a cell is validated in Excel and turned into data.yaml text."""

    AMOUNT = "非负数"        # 金额（万元）、面积：不小于0的数
    COUNT = "非负整数"       # 人数、份数
    SCORE = "分数"           # 0～100 分
    PERCENT = "百分比"       # 自填的比率，单元格为百分比格式
    YES_NO = "是否"          # 下拉：是、否
    LEVEL = "等级"           # 下拉：评价框架等级表中的等级（好、一般、无 …）
    TEXT = "文字"
    LINES = "多项文字"       # 每行一项（或以顿号分隔），读作列表
    STEPS = "多行文字"       # 每行一项，读作列表；一项之内可以有顿号（工作安排）
    DATE = "日期"
    YEAR = "年份"
    FRAMEWORK = "评价框架"   # 下拉：内置框架；也可填写框架文件路径


MULTILINE = frozenset({CellKind.LINES, CellKind.STEPS})  # a list: one item a line in the cell


@dataclass(frozen=True)
class Field:
    """One input row of a form sheet."""

    label: str
    unit: str
    key: str                 # data.yaml key path, parts joined by "/"
    kind: CellKind
    note: str
    indent: int = 0          # label indentation: 0 group, 1 part, 2 part of a part

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.key.split("/"))


@dataclass(frozen=True)
class SheetHeading:
    """A bold row that opens a group of fields (indent 1: a sub-group); nothing to fill in."""

    text: str
    note: str = ""
    indent: int = 0


@dataclass(frozen=True)
class FreeRows:
    """Rows whose 项目 cell the clerk types too: parts with free names under one key."""

    key: str
    count: int
    unit: str
    kind: CellKind
    note: str
    indent: int = 1

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.key.split("/"))


Entry = Field | SheetHeading | FreeRows


@dataclass(frozen=True)
class FormSheet:
    name: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Column:
    """A column of a record table; key None means a descriptive (locked) column."""

    header: str
    width: int
    key: str | None = None
    kind: CellKind | None = None


@dataclass(frozen=True)
class RecordSheet:
    """One row (or one row per checklist item) per framework indicator.

    items="list": each row is one answer of the indicator's list (清单评价: [是, 否, …]);
    items="fields": each input column is one key of the indicator's record (评议: 得分, 依据).
    total_label: a last row with this name in column A holds, in the column headed
    total_column, the value at total_key (自填数: 总分).
    """

    name: str
    key: str
    items: str
    columns: tuple[Column, ...]
    total_label: str = ""
    total_key: str = ""
    total_column: str = ""

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.key.split("/"))

    def input_columns(self) -> list[tuple[int, Column]]:
        """(1-based column number, column) of every input column."""
        return [(i, c) for i, c in enumerate(self.columns, start=1) if c.key is not None]


# ---------------------------------------------------------------------------------------------
# Sources quoted in the notes: 部门决算报表（财政部统一格式）
#   财决01表 收入支出决算总表 · 财决04表 支出决算表 · 财决05表 支出决算明细表
#   财决08表 一般公共预算财政拨款基本支出决算表 · 财决附02表 基本数字表 · 财决附03表 机构运行信息表
# ---------------------------------------------------------------------------------------------

_M, _P, _CNT = CellKind.AMOUNT, "万元", CellKind.COUNT

_THREE_PUBLIC_PARTS = ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费")


def _three_public(key: str, title: str, source: str) -> tuple[Entry, ...]:
    """A 三公经费 block: 合计 plus the four standard parts."""
    return (
        SheetHeading(f"“三公”经费{title}", source),
        Field("合计", _P, f"三公经费/{key}/合计", _M,
              f"“三公”经费{title}合计（四项之和）；{source}"),
        *(Field(part, _P, f"三公经费/{key}/{part}", _M, f"“三公”经费{title}中的{part}；{source}",
                indent=1)
          for part in _THREE_PUBLIC_PARTS),
    )


BASIC = FormSheet("基本信息", (
    SheetHeading("评价对象"),
    Field("评价框架", "文字", "评价框架", CellKind.FRAMEWORK,
          "评分所用的指标体系：内置框架的标识（如 湘西州本级2018），或自定义框架文件（.yaml）"
          "相对于本文件夹的路径。清单评价、评议、自填数各表按生成时的框架列出指标；更换框架后请用 reportgen init 在另一个文件夹生成新的填报表（init 不会覆盖已有的 data.xlsx），再把数据抄过去"),
    Field("单位名称", "文字", "基本信息/单位名称", CellKind.TEXT,
          "部门（单位）全称，与部门决算封面、机关赋码证书上的名称一致。必填"),
    Field("统一社会信用代码", "文字", "基本信息/统一社会信用代码", CellKind.TEXT,
          "18位统一社会信用代码，见机关赋码证书或事业单位法人证书；按文字填写，避免 Excel 变成科学计数法"),
    Field("预算编码", "文字", "基本信息/预算编码", CellKind.TEXT,
          "财政部门核定的预算单位编码，见部门预算批复或部门决算封面"),
    Field("地址", "文字", "基本信息/地址", CellKind.TEXT, "单位办公地址"),
    Field("年度", "年", "基本信息/年度", CellKind.YEAR,
          "被评价的预算年度（即决算年度，四位数字，如 2018），不是报告撰写年度。必填"),
    Field("报告日期", "日期", "基本信息/报告日期", CellKind.DATE,
          "自评报告落款日期，如 2019-06-15"),
    Field("评价方式", "文字", "基本信息/评价方式", CellKind.TEXT, "留空时按“部门自评”"),
    SheetHeading("机构设置", "按“三定”方案和部门决算单位构成填写"),
    Field("内设机构", "文字", "基本信息/内设机构", CellKind.LINES,
          "“三定”方案确定的内设科室，每行一个（单元格内换行按 Alt+Enter），或用顿号“、”分隔"),
    Field("下属单位", "文字", "基本信息/下属单位", CellKind.LINES,
          "纳入本部门决算的下属预算单位（见部门决算单位构成），每行一个或用顿号“、”分隔"),
))

# 简称 and how the evaluation was run: a sheet of its own, so the rows of the sheets above
# stay where workbooks filled before it was added have them (the reader finds rows by place).
EVALUATION = FormSheet("评价工作", (
    SheetHeading("报告用语"),
    Field("简称", "文字", "基本信息/简称", CellKind.TEXT,
          "单位简称，如 州商务局。报告第一次写全称并注明“以下简称州商务局”，其后用简称；"
          "留空时全文用全称"),
    SheetHeading("评价依据", "布置本次绩效评价的通知。报告引言写作“根据《发文机关＋标题》（文号）文件要求”；"
                 "三项都留空时写作“根据财政部门关于开展×年度部门整体支出绩效自评工作的要求”"),
    Field("发文机关", "文字", "评价工作/通知/发文机关", CellKind.TEXT,
          "通知的发文机关，如 湘西州财政局；标题中已含发文机关的留空"),
    Field("标题", "文字", "评价工作/通知/标题", CellKind.TEXT,
          "通知的标题，不加书名号，如 关于开展2018年度州本级财政资金绩效自评工作的通知；"
          "填了发文机关或文号的，标题必填"),
    Field("文号", "文字", "评价工作/通知/文号", CellKind.TEXT,
          "通知的发文字号，如 州财绩〔2019〕5号（年份用六角括号〔〕）"),
    SheetHeading("评价工作安排", "写入报告“绩效评价实施过程”；留空的项不写"),
    Field("评价期间", "文字", "评价工作/评价期间", CellKind.TEXT,
          "开展自评的时间，如 2019年3月至6月；报告写作“于2019年3月至6月组织力量……开展了绩效自评”"),
    Field("工作安排", "文字", "评价工作/工作安排", CellKind.STEPS,
          "评价工作的关键时间节点，每行一项（单元格内换行按 Alt+Enter），按时间先后，"
          "如 2019年4月召开现场评价工作安排部署会"),
    Field("评价工作组", "文字", "评价工作/评价工作组", CellKind.TEXT,
          "评价工作组的组成，如 由局长任组长，分管财务的副局长任副组长，各科室负责人为成员"),
    Field("考核机构", "文字", "评价工作/考核机构", CellKind.TEXT,
          "对本部门重点工作进行绩效考核、给出“绩效办考核得分”的机构，如 州绩效办、县绩效办；"
          "留空时报告写作“绩效考核部门”"),
))

_STAFF_SOURCE = "部门决算《基本数字表》（财决附02表）"

STAFF = FormSheet("人员", (
    SheetHeading("编制数", f"机构编制部门核定的编制数；{_STAFF_SOURCE}“编制人数”栏"),
    Field("合计", "人", "人员/编制数/合计", _CNT, f"核定编制总数；{_STAFF_SOURCE}编制人数合计"),
    Field("行政编制（小计）", "人", "人员/编制数/行政编制/合计", _CNT, "行政编制数小计", 1),
    Field("政府机关人员", "人", "人员/编制数/行政编制/政府机关人员", _CNT,
          "行政编制中的机关工作人员（公务员）编制", 2),
    Field("工勤人员", "人", "人员/编制数/行政编制/工勤人员", _CNT, "行政编制中的机关工勤人员编制", 2),
    Field("事业编制（小计）", "人", "人员/编制数/事业编制/合计", _CNT, "事业编制数小计", 1),
    Field("参照公务员法管理人员", "人", "人员/编制数/事业编制/参照公务员法管理人员", _CNT,
          "参照公务员法管理的事业编制", 2),
    Field("财政补助人员", "人", "人员/编制数/事业编制/财政补助人员", _CNT,
          "财政补助事业编制", 2),
    Field("经费自理人员", "人", "人员/编制数/事业编制/经费自理人员", _CNT,
          "经费自理事业编制；没有的留空", 2),
    SheetHeading("年末实有人数", f"{_STAFF_SOURCE}“年末实有人数”栏，按人员类别填写"),
    Field("合计", "人", "人员/年末实有人数/合计", _CNT,
          "年末实有人数总计（在职＋聘用等其他＋离休＋退休）"),
    Field("在职人员（小计）", "人", "人员/年末实有人数/在职人员/合计", _CNT,
          f"年末在职人员数；{_STAFF_SOURCE}在职人员合计，“在职人员控制率”的分子", 1),
    Field("政府机关人员", "人", "人员/年末实有人数/在职人员/政府机关人员", _CNT,
          "在职的行政人员", 2),
    Field("工勤人员", "人", "人员/年末实有人数/在职人员/工勤人员", _CNT,
          "在职的工勤人员（含超编安置人员）", 2),
    Field("参照公务员法管理人员", "人", "人员/年末实有人数/在职人员/参照公务员法管理人员", _CNT,
          "在职的参照公务员法管理人员", 2),
    Field("财政补助人员", "人", "人员/年末实有人数/在职人员/财政补助人员", _CNT,
          "在职的财政补助事业人员", 2),
    Field("经费自理人员", "人", "人员/年末实有人数/在职人员/经费自理人员", _CNT,
          "在职的经费自理事业人员；没有的留空", 2),
    Field("聘用等其他人员", "人", "人员/年末实有人数/聘用等其他人员", _CNT,
          "编制外聘用、劳务派遣等其他人员", 1),
    Field("离休人员", "人", "人员/年末实有人数/离休人员", _CNT, "离休人员数", 1),
    Field("退休人员", "人", "人员/年末实有人数/退休人员", _CNT, "退休人员数", 1),
))

_TOTAL_TABLE = "部门决算《收入支出决算总表》（财决01表）"

FINANCE = FormSheet("收支", (
    SheetHeading("收入决算数", _TOTAL_TABLE),
    Field("合计", _P, "收支/收入决算数/合计", _M, f"{_TOTAL_TABLE}“本年收入合计”"),
    Field("财政拨款收入", _P, "收支/收入决算数/财政拨款收入", _M,
          f"{_TOTAL_TABLE}第1行“一般公共预算财政拨款收入”与“政府性基金预算财政拨款收入”之和", 1),
    Field("其他收入", _P, "收支/收入决算数/其他收入", _M,
          f"{_TOTAL_TABLE}财政拨款以外的各项收入（上级补助、事业、经营、附属单位上缴及其他收入）之和", 1),
    SheetHeading("年初结转和结余", f"{_TOTAL_TABLE}“年初结转和结余”"),
    Field("合计", _P, "收支/年初结转和结余/合计", _M, "上年结转到本年的资金合计，即“上年结转”"),
    Field("基本支出结转", _P, "收支/年初结转和结余/基本支出结转", _M, "年初结转和结余中的基本支出结转", 1),
    Field("项目支出结转和结余", _P, "收支/年初结转和结余/项目支出结转和结余", _M,
          "年初结转和结余中的项目支出结转和结余", 1),
    SheetHeading("支出决算数", "合计及三种分类：按支出性质、按经济分类（按功能分类可选），每种分类各项之和应等于合计"),
    Field("合计", _P, "收支/支出决算数/合计", _M, f"{_TOTAL_TABLE}“本年支出合计”"),
    SheetHeading("按支出性质", "部门决算《支出决算表》（财决04表）", indent=1),
    Field("基本支出", _P, "收支/支出决算数/按支出性质/基本支出", _M,
          "财决04表“基本支出”栏合计", 2),
    Field("项目支出", _P, "收支/支出决算数/按支出性质/项目支出", _M,
          "财决04表“项目支出”栏合计", 2),
    SheetHeading("按经济分类", "部门决算《支出决算明细表》（财决05表），按支出经济分类类级科目", indent=1),
    Field("工资福利支出", _P, "收支/支出决算数/按经济分类/工资福利支出", _M,
          "财决05表 301 工资福利支出", 2),
    Field("商品和服务支出", _P, "收支/支出决算数/按经济分类/商品和服务支出", _M,
          "财决05表 302 商品和服务支出", 2),
    Field("对个人和家庭的补助", _P, "收支/支出决算数/按经济分类/对个人和家庭的补助", _M,
          "财决05表 303 对个人和家庭的补助", 2),
    Field("资本性支出", _P, "收支/支出决算数/按经济分类/资本性支出", _M,
          "财决05表 309、310 资本性支出", 2),
    Field("对企业补助", _P, "收支/支出决算数/按经济分类/对企业补助", _M,
          "财决05表 311、312 对企业补助", 2),
    Field("其他经济分类支出", _P, "收支/支出决算数/按经济分类/其他支出", _M,
          "上述以外的科目（债务利息及费用、对社会保障基金补助、399 其他支出等）之和；没有的留空", 2),
    SheetHeading("按功能分类（可选）",
            "在“项目”列填写功能分类类级科目名称，“数值”列填写金额；见财决04表", indent=1),
    FreeRows("收支/支出决算数/按功能分类", 6, _P, _M,
             "功能分类类级科目（如“商业服务业等支出”“社会保障和就业支出”）的支出决算数", indent=2),
    SheetHeading("转入事业基金", f"{_TOTAL_TABLE}结余分配"),
    Field("转入事业基金", _P, "收支/转入事业基金", _M,
          f"{_TOTAL_TABLE}“结余分配”中的转入事业基金；没有的留空"),
    SheetHeading("年末结转和结余", f"{_TOTAL_TABLE}“年末结转和结余”"),
    Field("合计", _P, "收支/年末结转和结余/合计", _M, "结转到下年的资金合计，即“年末结余”"),
    Field("基本支出结转", _P, "收支/年末结转和结余/基本支出结转", _M, "年末结转和结余中的基本支出结转", 1),
    Field("项目支出结转和结余", _P, "收支/年末结转和结余/项目支出结转和结余", _M,
          "年末结转和结余中的项目支出结转和结余", 1),
    SheetHeading("上年度（可选）", "上年度部门决算数，供与本年对比"),
    Field("收入决算数", _P, "上年度/收入决算数", _M, f"上年度{_TOTAL_TABLE}“本年收入合计”"),
    Field("支出决算数", _P, "上年度/支出决算数", _M, f"上年度{_TOTAL_TABLE}“本年支出合计”"),
    Field("年末结转和结余", _P, "上年度/年末结转和结余", _M, f"上年度{_TOTAL_TABLE}“年末结转和结余”"),
))

_OPERATIONS = "部门决算《机构运行信息表》（财决附03表）"

BUDGET = FormSheet("预算与三公", (
    SheetHeading("预算", "预算完成率、预算控制率的依据"),
    Field("年初预算", _P, "预算/年初预算", _M,
          "本级人大批准、财政批复的年初部门预算数（见部门预算批复文件）"),
    Field("本年追加预算", _P, "预算/本年追加预算", _M,
          "年度执行中财政追加（调整）的预算数，见追加预算指标文件；有追减的按净额填写"),
    *_three_public("本年预算", "本年预算", "年初部门预算批复的“三公”经费预算数"),
    *_three_public("上年预算", "上年预算", "上年度部门预算批复的“三公”经费预算数；可只填合计"),
    *_three_public("本年实际", "本年实际支出", f"{_OPERATIONS}“三公”经费支出"),
    *_three_public("上年实际", "上年实际支出", f"上年度{_OPERATIONS}“三公”经费支出（可选）"),
    SheetHeading("公用经费", "基本支出中的商品和服务支出"),
    Field("预算", _P, "公用经费/预算", _M, "年初预算中基本支出的公用经费（商品和服务支出）安排数"),
    Field("实际", _P, "公用经费/实际", _M,
          "部门决算《一般公共预算财政拨款基本支出决算表》（财决08表）公用经费合计"),
    Field("上年实际", _P, "公用经费/上年实际", _M, "上年度公用经费实际支出（可选）"),
    SheetHeading("政府采购", _OPERATIONS),
    Field("预算", _P, "政府采购/预算", _M, "经批准的政府采购预算数（含年中调整）"),
    Field("实际", _P, "政府采购/实际", _M, f"{_OPERATIONS}“政府采购支出”合计"),
    Field("上年实际", _P, "政府采购/上年实际", _M, "上年度政府采购实际金额（可选）"),
    SheetHeading("新建楼堂馆所", "本年度完工的新建楼堂馆所项目；没有的四项均留空（按满分计）"),
    Field("批准面积", "平方米", "新建楼堂馆所/批准面积", _M, "发展改革部门批准的建设面积"),
    Field("实际面积", "平方米", "新建楼堂馆所/实际面积", _M, "竣工实际建设面积"),
    Field("批准投资", _P, "新建楼堂馆所/批准投资", _M, "批准的投资概算"),
    Field("实际投资", _P, "新建楼堂馆所/实际投资", _M, "竣工决算实际投资金额"),
))

ASSESSMENT = FormSheet("考核与调查", (
    SheetHeading("重点工作考核", "“重点工作实际完成率”的依据"),
    Field("绩效办考核得分", "分", "考核与调查/绩效办考核得分", CellKind.SCORE,
          "绩效办对本部门为民办实事和重点工程、重点工作的考核得分（百分制），见绩效考核结果通报"),
    SheetHeading("满意度调查", "“社会公众或服务对象满意度”的依据：满意份数÷收回份数"),
    Field("发放", "份", "考核与调查/满意度调查/发放", _CNT, "发放的调查问卷份数"),
    Field("收回", "份", "考核与调查/满意度调查/收回", _CNT, "收回的有效问卷份数"),
    Field("满意", "份", "考核与调查/满意度调查/满意", _CNT, "收回问卷中评价为满意（含基本满意）的份数"),
    # Appended after the rows older workbooks have (the reader finds rows by place).
    SheetHeading("发放对象（可选）",
                 "问卷发给了谁、各多少份；报告写作“发放调查问卷90份（服务对象45份、社会公众45份）”，"
                 "留空时写作“向服务对象和社会公众发放调查问卷……”", indent=1),
    FreeRows("考核与调查/满意度调查/发放对象", 4, "份", _CNT,
             "在“项目”列填写发放对象（如 服务对象、社会公众），“数值”列填写向其发放的份数；"
             "各行之和应等于发放份数", indent=2),
))

FORMS: tuple[FormSheet, ...] = (BASIC, EVALUATION, STAFF, FINANCE, BUDGET, ASSESSMENT)

CHECKLISTS = RecordSheet("清单评价", "清单评价", "list", (
    Column("指标", 22),
    Column("序号", 6),
    Column("评价标准", 60),
    Column("是否符合", 10, key="", kind=CellKind.YES_NO),
    Column("计分方法", 30),
))

JUDGEMENTS = RecordSheet("评议", "评议", "fields", (
    Column("指标", 16),
    Column("分值", 8),
    Column("得分", 10, key="得分", kind=CellKind.SCORE),
    Column("等级", 10, key="等级", kind=CellKind.LEVEL),
    Column("依据", 60, key="依据", kind=CellKind.TEXT),
    Column("评分标准", 40),
))

CLAIMS = RecordSheet("自填数", "自填数/指标", "fields", (
    Column("指标", 26),
    Column("分值", 8),
    Column("自填值", 12, key="值", kind=CellKind.PERCENT),
    Column("自填得分", 12, key="得分", kind=CellKind.SCORE),
    Column("说明", 50),
), total_label="总分", total_key="自填数/总分", total_column="自填得分")

RECORDS: tuple[RecordSheet, ...] = (CHECKLISTS, JUDGEMENTS, CLAIMS)

SHEET_NAMES: tuple[str, ...] = (GUIDE_SHEET, *(s.name for s in FORMS), *(s.name for s in RECORDS))

GUIDE = (
    "只在浅黄色单元格中填写；其余单元格是说明，已锁定（工作表保护没有密码，列宽、行高可直接调整）。",
    "金额单位为万元，保留两位小数；人数、份数填整数；面积单位为平方米。",
    "留空表示“未填写”或“不适用”。“合计”和各分项都填写的，程序会核对分项之和是否等于合计。",
    "单元格可以用公式计算；程序读取 Excel/WPS 保存的计算结果，所以填好后请在 Excel/WPS 中保存一次。",
    "请勿插入、删除或移动行；如需空白表，可用 reportgen init 在另一个文件夹生成（init 不会覆盖已有的 data.xlsx），再把数据抄过去。",
    "“清单评价”“评议”“自填数”三张表按所选评价框架列出指标；更换评价框架后请用 reportgen init 在另一个文件夹生成新的填报表，再把数据抄过去。",
    "“自填数”填原报告中手工填写的比率和得分（可选），程序用来核对是否与公式计算结果一致。",
    "部门职责、项目实施情况、存在问题等文字材料写在部门文件夹的 narratives 文件夹中，不在本表填写。",
    "填好后保存为 .xlsx 格式（不要另存为 .xls 或 .et），文件名为 data.xlsx，放在部门文件夹中；"
    "同一文件夹中不能同时有 data.yaml。",
)


@dataclass(frozen=True)
class Placed:
    """A form entry with its row number on the sheet (row 1 is the header)."""

    row: int
    entry: Entry


def placed(sheet: FormSheet) -> list[Placed]:
    """Every entry of a form sheet with its row; a FreeRows block takes `count` rows."""
    out: list[Placed] = []
    row = 2
    for entry in sheet.entries:
        out.append(Placed(row, entry))
        row += entry.count if isinstance(entry, FreeRows) else 1
    return out


def fields() -> list[tuple[FormSheet, Field]]:
    """Every fixed field of every form sheet, in workbook order."""
    return [(s, e) for s in FORMS for e in s.entries if isinstance(e, Field)]
