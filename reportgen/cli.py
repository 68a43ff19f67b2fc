"""Command line: reportgen check | score | frameworks | build."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from . import __version__
from .cli_argparse import ChineseArgumentParser, whole_number
from .text import display_width, shown
from .web.commands import HELP as WEB_HELP  # serve, user: the web's libraries load when run
from .web.commands import add_commands as add_web_commands

TYPE_CHECKING = False  # typing itself is not imported: --help needs none of it (~2 ms)
if TYPE_CHECKING:  # each command imports what it uses: `reportgen --help` loads none of it
    from .findings import Finding
    from .pipeline import Evaluation
    from .scoring import Scorecard

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2
EXIT_NO_PDF = 3  # build: the .docx was written, its PDF was not
EXIT_INTERNAL = 4  # the last-resort handler: an error no check foresaw
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl+C


def _print_findings(findings: list[Finding]) -> None:
    for f in findings:
        print(f.render(), file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    from .findings import count_errors
    from .pipeline import evaluate

    findings = all_findings(evaluate(Path(args.dir)))
    errors = count_errors(findings)
    for f in findings:
        print(f.render())
    print(f"检查完成：{errors} 个错误，{len(findings) - errors} 个警告。")
    return check_status(findings)


def check_status(findings: list[Finding]) -> int:
    """The one rule check and score exit by: errors make 1, warnings alone 0."""
    from .findings import count_errors

    return EXIT_ERRORS if count_errors(findings) else EXIT_OK


def all_findings(ev: Evaluation) -> list[Finding]:
    """What check lists: the data's findings and what composing the report would say
    (missing sections and reasons, unknown names)."""
    from .compose import compose_report

    return ev.findings + compose_report(ev)[1]


def cmd_score(args: argparse.Namespace) -> int:
    from .pipeline import evaluate

    ev = evaluate(Path(args.dir))
    card = ev.scorecard
    if args.json:
        import json

        print(json.dumps(scorecard_json(card), ensure_ascii=False, indent=2))
    else:
        print(scorecard_table(card))
    findings = all_findings(ev)
    _print_findings(findings)
    return check_status(findings)


def scorecard_json(card: Scorecard) -> dict:
    from .numbers import fmt2

    return {
        "framework": card.framework.ident,
        "total": fmt2(card.total),
        "grade": card.grade,
        "indicators": [{
            "category": r.category, "group": r.group, "name": r.name,
            "points": fmt2(r.points),
            "value": None if r.value is None else fmt2(r.value),
            "score": fmt2(r.score), "lost": fmt2(r.lost),
            "status": r.status.value, "explanation": r.explanation,
        } for r in card.results],
    }


def scorecard_table(card: Scorecard) -> str:
    from .numbers import fmt2

    rows = [("三级指标", "指标值", "分值", "得分", "扣分")]
    for r in card.results:
        rows.append((r.name, r.value_text or "—", fmt2(r.points), fmt2(r.score),
                     fmt2(r.lost) if r.lost else ""))
    widths = [max(display_width(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(_pad(c, w, i) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
             for row in rows]
    lines.insert(1, "-" * display_width(lines[0]))
    lines.append("-" * display_width(lines[0]))
    lines.append(f"总分 {fmt2(card.total)}　等级 {card.grade}（评价框架：{card.framework.title}）")
    return "\n".join(lines)


def _pad(text: str, width: int, column: int) -> str:
    gap = " " * (width - display_width(text))
    return text + gap if column == 0 else gap + text


def cmd_frameworks(args: argparse.Namespace) -> int:
    from .framework import builtin_frameworks

    for fw in builtin_frameworks():
        print(f"{fw.ident}\t{fw.title}\t{fw.path}")
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build_one, build_pdf, plan_outputs
    from .findings import InputError
    from .numbers import fmt_score

    outputs = plan_outputs(Path(args.output), args.pdf)
    template = Path(args.template) if args.template else None
    built = build_one(Path(args.dir), outputs.docx, template)
    _print_findings(built.findings)
    card = built.evaluation.scorecard
    what = f"草稿 {built.output}" if built.draft else str(built.output)
    print(f"已生成 {what}（总分 {fmt_score(card.total)}，等级 {card.grade}；"
          f"{built.errors} 个错误，{built.warnings} 个警告，详见 reportgen check）")
    print(built.change)
    if outputs.pdf is not None:
        try:
            print(f"已生成 {build_pdf(built)}")
        except InputError as exc:
            from .render.pdf import find_soffice

            _print_findings(exc.findings)
            # LibreOffice present yet failing (a hang, a crash): installing is no advice.
            install = "" if find_soffice() else (
                "装好 LibreOffice 后重新运行本命令"
                "（Debian：sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk fonts-liberation2），或")
            print(f"Word 报告已生成：{built.output}；PDF 没有生成。{install}"
                  "在 Word/WPS 中打开报告另存为 PDF。", file=sys.stderr)
            return EXIT_NO_PDF
    if built.draft:
        print(f"[草稿] 有 {built.draft} 个错误涉及报告中的数字，报告已按草稿生成：每页页眉注明“草稿”，"
              "有关数字旁标有【待核实：…】；改正数据后重新生成即为正式报告", file=sys.stderr)
        return EXIT_ERRORS
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch import FAILED, NOT_BUILT, SKIPPED, BatchInterrupted, run_batch
    from .summary import write_summary

    root, out_dir = Path(args.root), Path(args.output)
    if not root.is_dir():
        what = "不是文件夹" if root.exists() else "找不到这个文件夹"
        print(f"[错误] {root}：{what}，请给出包含各部门文件夹的总文件夹", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        outcomes = run_batch(root, out_dir, args.jobs,
                             Path(args.template) if args.template else None, args.pdf,
                             on_progress=ProgressBar(), name_by_unit=args.name_by_unit,
                             allowed_frameworks=tuple(Path(p) for p in args.allowed_frameworks))
    except BatchInterrupted as stop:  # what finished is summed up; the rest is counted
        summary = out_dir / "汇总表.xlsx"
        write_summary(summary, stop.outcomes)
        missing = sum(1 for o in stop.outcomes if o.reason == NOT_BUILT)
        print(f"\n[中断] 已按 Ctrl+C 停止：{missing} 个部门未生成；已完成部门的汇总表：{shown(summary)}",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    if not outcomes:
        print(f"[错误] {root}：没有找到部门文件夹（内含 data.yaml 或 data.xlsx 的文件夹），"
              "也没有任何子文件夹", file=sys.stderr)
        return EXIT_UNREADABLE
    summary = out_dir / "汇总表.xlsx"
    write_summary(summary, outcomes)
    ok = [o for o in outcomes if o.ok]
    failed = [o for o in outcomes if o.status == FAILED]
    skipped = [o for o in outcomes if o.status == SKIPPED]
    flawed = [o for o in ok if o.errors]
    warned = [o for o in ok if o.warnings and not o.errors]
    drafts = [o for o in ok if o.draft]
    print(f"\n共 {len(outcomes)} 个文件夹：成功 {len(ok)} 个（其中草稿 {len(drafts)} 个，"
          f"{len(flawed)} 个有检查错误，"
          f"{len(warned)} 个只有警告），失败 {len(failed)} 个，跳过 {len(skipped)} 个。"
          f"汇总表：{shown(summary)}")
    for o in flawed + warned:
        print(f"  [{'草稿' if o.draft else '有问题'}] {shown(o.folder)}：{o.errors} 个错误，{o.warnings} 个警告；"
              f"查看：reportgen check {_shell_path(root, o.folder)}")
    for o in failed:
        print(f"  [失败] {shown(o.folder)}：{o.reason}；查看：reportgen check {_shell_path(root, o.folder)}")
    for o in skipped:
        print(f"  [跳过] {shown(o.folder)}：{o.reason}")
    return EXIT_ERRORS if failed or skipped or flawed else EXIT_OK


def _shell_path(root: Path, folder: str) -> str:
    """The folder as the clerk can paste it after reportgen check."""
    path = shown(root / folder) if folder != "." else shown(root)
    return f'"{path}"' if any(ch in path for ch in " ()&;'") else path


class ProgressBar:
    """A one-line bar on a terminal; a line per tenth otherwise (logs stay short)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.next_log = 0

    def __call__(self, done: int, total: int) -> None:
        if self.tty:
            filled = int(30 * done / max(total, 1))
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
            if done >= total:
                sys.stderr.write("\n")
        elif done * 10 >= self.next_log * total:
            print(f"进度：{done}/{total}", file=sys.stderr)
            self.next_log = done * 10 // max(total, 1) + 1
        sys.stderr.flush()


def _manifest_of(path: Path) -> dict:
    """A manifest file, or a department folder evaluated now."""
    from .findings import InputError, error
    from .manifest import make_manifest, read
    from .pipeline import evaluate

    if path.is_dir():
        return make_manifest(evaluate(path))
    if not os.path.lexists(path):
        raise InputError([error("找不到：应为部门文件夹或生成记录（.manifest.json）", str(path))],
                         unreadable=True)
    return read(path)  # bounded, checked: a pipe, a foreign or hostile file is said so


def cmd_diff(args: argparse.Namespace) -> int:
    from .findings import InputError
    from .manifest import changes

    sides: list[dict] = []
    problems: list[InputError] = []
    for raw in (args.a, args.b):  # both sides are looked at: every problem in one pass
        try:
            sides.append(_manifest_of(Path(raw)))
        except InputError as exc:
            problems.append(exc)
    if problems:
        raise InputError([f for exc in problems for f in exc.findings],
                         any(exc.unreadable for exc in problems))
    lines = changes(*sides)
    print("\n".join(lines) if lines else "两者的指标值、得分和总分相同。")
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from .workbook.new_folder import init_department

    created = init_department(Path(args.dir), args.framework)
    print(f"已创建部门文件夹 {args.dir}：")
    for path in created:
        print(f"  {path}")
    print("请先阅读 填报说明.md，在 data.xlsx 中填写数据，在 narratives/ 中撰写文字材料，"
          "然后运行 reportgen check 检查。")
    return EXIT_OK


def cmd_template_check(args: argparse.Namespace) -> int:
    from .findings import count_errors
    from .render.lint import lint_parts, read_parts

    path = Path(args.file)
    parts, problems = read_parts(path)
    findings = problems or lint_parts(str(path), parts)
    for f in findings:
        print(f.render())
    errors = count_errors(findings)
    print(f"检查完成：{errors} 个错误，{len(findings) - errors} 个警告。")
    if problems:
        return EXIT_UNREADABLE
    return EXIT_ERRORS if errors else EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    from .review.command import run_review

    return run_review(args)


# Each command's help: what it does, an example, and what its exit status means.
HELP: dict[str, tuple[str, str, str]] = {
    "init": ("新建部门文件夹：Excel 填报表、文字材料模板和填报说明",
             "reportgen init 某部门-2024 --framework 长沙县级",
             "0 已创建；2 文件夹中已有数据文件（不会覆盖）或评价框架无法读取"),
    "check": ("检查部门数据，一次列出全部错误和警告（注明文件和行号，Excel 为工作表和单元格）",
              "reportgen check examples/xiangxi-commerce-2018",
              "0 没有错误（可能有警告）；1 有错误；2 无法读取（文件夹、数据文件或评价框架）"),
    "score": ("计算各项指标的数值、得分、扣分，以及总分和等级",
              "reportgen score examples/xiangxi-commerce-2018 --json",
              "与 check 相同：0 没有错误（可能有警告）；1 有错误；2 无法读取"),
    "frameworks": ("列出内置评价框架（标识、名称、文件）", "reportgen frameworks", "0"),
    "build": ("生成 Word 报告；输出文件名的后缀决定格式：.docx 生成 Word，.pdf 生成 PDF"
              "（同时在旁边保留 .docx），加 --pdf 两者都生成",
              "reportgen build examples/xiangxi-commerce-2018 -o 输出/湘西州商务局2018.docx --pdf",
              "0 已生成正式报告（检查问题列在报告之前，见 reportgen check）；"
              "1 报告按草稿生成（有错误涉及报告中的数字），或数据有错误无法生成；"
              "2 无法读取输入或无法写入输出，或输出文件名的后缀不对；"
              "3 Word 报告已生成，但 PDF 未能生成"),
    "batch": ("批量生成总文件夹下所有部门的报告，并生成 汇总表.xlsx；某个部门出错不影响其他部门，"
              "没有数据文件的子文件夹列为“跳过”并写明原因",
              "reportgen batch 各部门2024 -o 输出 -j 2 --按单位命名",
              "0 全部为正式报告且没有检查错误；1 有部门失败、被跳过、生成为草稿或有检查错误"
              "（见汇总表“状态”列）；2 总文件夹无法读取或其中没有任何部门"),
    "diff": ("比较两个部门文件夹或两次生成记录（.manifest.json）的指标值、得分和总分",
             "reportgen diff 输出/甲.docx.manifest.json examples/xiangxi-commerce-2018",
             "0 已比较（有无差别都是 0）；2 某一方不存在或无法读取"),
    "template": ("模板工具", "reportgen template check 我的模板.docx", "见 template check"),
    "review": ("审核手写的报告：重算报告中的计算、合计、指标表得分、年份和编号，"
               "在前后矛盾处加 Word 批注；也可审核整个文件夹并生成 审核汇总表.xlsx",
               "reportgen review 某单位2018年度绩效评价报告.docx -o 审核后.docx",
               "0 未发现问题；1 发现问题（或文件夹中有无法读取的报告）；2 无法读取（如 PDF、损坏的文件）"),
    "template check": ("检查自定义 .docx 模板：未知的变量名、被 Word 拆开的标记、未配对的 for/if",
                       "reportgen template check 我的模板.docx",
                       "0 没有错误；1 有错误；2 无法读取模板"),
}


HELP.update(WEB_HELP)


def _command(sub, name: str, func: Callable[[argparse.Namespace], int] | None = None,
             title: str | None = None) -> ChineseArgumentParser:
    summary, example, codes = HELP[title or name]
    p = sub.add_parser(name, help=summary, description=summary,
                       epilog=f"示例：\n  {example}\n\n退出码：{codes}")
    if func is not None:
        p.set_defaults(func=func)
    return p


def parser() -> ChineseArgumentParser:
    p = ChineseArgumentParser(
        prog="reportgen", description="部门整体支出绩效评价报告生成工具",
        epilog="示例：\n  reportgen check 某部门-2018\n  reportgen build 某部门-2018 -o 报告.docx\n\n"
               "每个命令的用法、示例和退出码：reportgen 命令 -h")
    p.add_argument("--version", action="version", version=f"reportgen {__version__}",
                   help="显示版本号并退出")
    sub = p.add_subparsers(dest="command", required=True, metavar="命令", title="命令",
                             help="下列命令之一")
    i = _command(sub, "init", cmd_init)
    i.add_argument("dir", metavar="部门文件夹", help="要新建的部门文件夹")
    i.add_argument("--framework", metavar="框架", default="湘西州本级2018",
                   help="评价框架（内置标识或框架文件路径，默认 湘西州本级2018）")
    c = _command(sub, "check", cmd_check)
    c.add_argument("dir", metavar="部门文件夹", help="内含 data.yaml 或 data.xlsx 的部门文件夹")
    s = _command(sub, "score", cmd_score)
    s.add_argument("dir", metavar="部门文件夹", help="内含 data.yaml 或 data.xlsx 的部门文件夹")
    s.add_argument("--json", action="store_true", help="以 JSON 输出")
    _command(sub, "frameworks", cmd_frameworks)
    b = _command(sub, "build", cmd_build)
    b.add_argument("dir", metavar="部门文件夹", help="内含 data.yaml 或 data.xlsx 的部门文件夹")
    b.add_argument("-o", "--output", metavar="输出文件", required=True,
                   help="报告文件名，以 .docx 或 .pdf 结尾，如 输出/报告.docx")
    b.add_argument("--template", metavar="模板", help="另用的 .docx 模板")
    b.add_argument("--pdf", action="store_true",
                   help="另用 LibreOffice 生成同名 PDF（需安装 LibreOffice）")
    m = _command(sub, "batch", cmd_batch)
    m.add_argument("root", metavar="总文件夹", help="包含各部门文件夹的总文件夹")
    m.add_argument("-o", "--output", metavar="输出文件夹", required=True,
                   help="报告和 汇总表.xlsx 写入的文件夹")
    m.add_argument("-j", "--jobs", metavar="进程数", type=whole_number(1, 64), default=1,
                   help="并行进程数（默认 1）")
    m.add_argument("--template", metavar="模板", help="另用的 .docx 模板")
    m.add_argument("--pdf", action="store_true", help="同时生成 PDF（需安装 LibreOffice）")
    m.add_argument("--按单位命名", "--name-by-unit", dest="name_by_unit", action="store_true",
                   help="报告以“单位名称＋年度”命名（如 湘西州商务局2018年度绩效评价报告.docx），"
                        "而不是以部门文件夹命名")
    m.add_argument("--允许框架目录", "--allow-frameworks", dest="allowed_frameworks",
                   metavar="文件夹", action="append", default=[],
                   help="批量处理时，部门的评价框架只能是内置框架或部门文件夹中的文件；"
                        "另外允许使用此文件夹中的框架（可重复）")
    d = _command(sub, "diff", cmd_diff)
    d.add_argument("a", metavar="甲", help="原来的部门文件夹或 .manifest.json")
    d.add_argument("b", metavar="乙", help="新的部门文件夹或 .manifest.json")
    t = _command(sub, "template")
    tsub = t.add_subparsers(dest="template_command", required=True, metavar="子命令",
                            title="子命令", help="下列子命令之一")
    tc = _command(tsub, "check", cmd_template_check, title="template check")
    tc.add_argument("file", metavar="模板", help="要检查的 .docx 模板")
    r = _command(sub, "review", cmd_review)
    r.add_argument("report", metavar="报告", help="报告（.docx、.doc 或 .wps），或装有多份报告的文件夹")
    r.add_argument("--framework", metavar="框架",
                   help="评价框架（内置标识或框架文件路径；默认按报告的指标表判断）")
    r.add_argument("-o", "--output", metavar="输出",
                   help="带批注的副本（.docx）；审核文件夹时为输出文件夹")
    r.add_argument("--json", action="store_true", help="以 JSON 输出审核结果")
    add_web_commands(sub, _command)
    return p


def main(argv: list[str] | None = None) -> int:
    _tolerant_output()
    # pydantic scans every installed package's entry points for plugins when it builds its
    # first model (~15 ms of each check); reportgen uses none. A value the user set stays.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    args = parser().parse_args(argv)
    from .findings import InputError  # after parsing: -h and --version need none of it

    handler: Callable[[argparse.Namespace], int] = args.func
    try:
        return handler(args)
    except BrokenPipeError:  # output piped into head and the like
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except InputError as exc:
        _print_findings(exc.findings)
        total = len(exc.findings)
        print(f"无法继续：{total} 个问题需要先处理。", file=sys.stderr)
        return EXIT_UNREADABLE if exc.unreadable else EXIT_ERRORS
    except KeyboardInterrupt:
        return _interrupted()
    except MemoryError:
        print("[错误] 内存不足，无法完成；请检查输入中是否有异常巨大的内容，或关闭其他程序后重试。",
              file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as exc:  # noqa: BLE001 - the last resort: never a traceback on the screen
        from .incident import interrupted

        if interrupted(exc):
            return _interrupted()
        return report_unexpected(sys.argv[1:] if argv is None else argv)


def _interrupted() -> int:
    print("\n[中断] 已按 Ctrl+C 停止；原有的报告没有被改动。", file=sys.stderr)
    return EXIT_INTERRUPTED


def report_unexpected(argv: list[str]) -> int:
    """An error no check foresaw: a short message, the details in a log file to send in.

    The log goes to the system's temporary folder, never beside the report."""
    from .incident import log_unexpected, unexpected_message

    log = log_unexpected(f"命令：reportgen {' '.join(argv)}")
    print(f"[错误] {unexpected_message(log)}；未能完成，原有的报告没有被改动。", file=sys.stderr)
    return EXIT_INTERNAL


def _tolerant_output() -> None:
    """Whatever a message holds, printing it never fails (a console in another encoding)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


if __name__ == "__main__":
    sys.exit(main())
