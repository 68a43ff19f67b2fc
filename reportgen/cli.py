"""Command line: reportgen check | score | frameworks | build."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from . import __version__
from .findings import Finding, InputError, count_errors, error
from .framework import builtin_frameworks
from .numbers import fmt2
from .pipeline import evaluate
from .scoring import Scorecard

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


def _print_findings(findings: list[Finding]) -> None:
    for f in findings:
        print(f.render(), file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    from .compose import compose_report  # what composing says: missing sections, names

    ev = evaluate(Path(args.dir))
    findings = ev.findings + compose_report(ev)[1]
    errors = count_errors(findings)
    for f in findings:
        print(f.render())
    print(f"检查完成：{errors} 个错误，{len(findings) - errors} 个警告。")
    return EXIT_ERRORS if errors else EXIT_OK


def cmd_score(args: argparse.Namespace) -> int:
    ev = evaluate(Path(args.dir))
    card = ev.scorecard
    if args.json:
        print(json.dumps(scorecard_json(card), ensure_ascii=False, indent=2))
    else:
        print(scorecard_table(card))
    _print_findings([f for f in card.findings])
    return EXIT_ERRORS if card.findings else EXIT_OK


def scorecard_json(card: Scorecard) -> dict:
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
    rows = [("三级指标", "指标值", "分值", "得分", "扣分")]
    for r in card.results:
        rows.append((r.name, r.value_text or "—", fmt2(r.points), fmt2(r.score),
                     fmt2(r.lost) if r.lost else ""))
    widths = [max(_width(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(_pad(c, w, i) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
             for row in rows]
    lines.insert(1, "-" * _width(lines[0]))
    lines.append("-" * _width(lines[0]))
    lines.append(f"总分 {fmt2(card.total)}　等级 {card.grade}（评价框架：{card.framework.title}）")
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int, column: int) -> str:
    gap = " " * (width - _width(text))
    return text + gap if column == 0 else gap + text


def cmd_frameworks(args: argparse.Namespace) -> int:
    for fw in builtin_frameworks():
        print(f"{fw.ident}\t{fw.title}\t{fw.path}")
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build_one, convert_to_pdf

    template = Path(args.template) if args.template else None
    built = build_one(Path(args.dir), Path(args.output), template)
    _print_findings(built.findings)
    card = built.evaluation.scorecard
    print(f"已生成 {built.output}（总分 {card.total}，等级 {card.grade}；"
          f"{built.errors} 个错误，{built.warnings} 个警告，详见 reportgen check）")
    print(built.change)
    if args.pdf:
        print(f"已生成 {convert_to_pdf(built.output)}")
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch import run_batch
    from .summary import write_summary

    root, out_dir = Path(args.root), Path(args.output)
    if not root.is_dir():
        print(f"[错误] {root}：不是文件夹", file=sys.stderr)
        return EXIT_UNREADABLE
    outcomes = run_batch(root, out_dir, args.jobs, Path(args.template) if args.template else None,
                         args.pdf, on_progress=ProgressBar())
    if not outcomes:
        print(f"[错误] {root}：没有找到部门文件夹（内含 data.yaml 或 data.xlsx 的文件夹）",
              file=sys.stderr)
        return EXIT_UNREADABLE
    summary = out_dir / "汇总表.xlsx"
    write_summary(summary, outcomes)
    ok = [o for o in outcomes if o.ok]
    failed = [o for o in outcomes if not o.ok]
    warned = [o for o in ok if o.errors or o.warnings]
    print(f"\n共 {len(outcomes)} 个部门：成功 {len(ok)} 个（其中 {len(warned)} 个有检查问题），"
          f"失败 {len(failed)} 个。汇总表：{summary}")
    for o in warned:
        print(f"  [有问题] {o.folder}：{o.errors} 个错误，{o.warnings} 个警告（reportgen check 查看）")
    for o in failed:
        print(f"  [失败] {o.folder}：{o.reason}")
    return EXIT_ERRORS if failed else EXIT_OK


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
    from .manifest import load, make_manifest

    if path.is_file():
        manifest = load(path)
        if manifest is None:
            raise InputError([error("不是 reportgen 生成的 .manifest.json 文件", str(path))],
                             unreadable=True)
        return manifest
    return make_manifest(evaluate(path))


def cmd_diff(args: argparse.Namespace) -> int:
    from .manifest import changes

    old, new = _manifest_of(Path(args.a)), _manifest_of(Path(args.b))
    lines = changes(old, new)
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


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="reportgen", description="部门整体支出绩效评价报告生成工具")
    p.add_argument("--version", action="version", version=f"reportgen {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="命令")
    i = sub.add_parser("init", help="新建部门文件夹：Excel 填报表、文字材料模板和填报说明")
    i.add_argument("dir", help="要新建的部门文件夹")
    i.add_argument("--framework", default="湘西州本级2018",
                   help="评价框架（内置标识或框架文件路径，默认 湘西州本级2018）")
    i.set_defaults(func=cmd_init)
    c = sub.add_parser("check", help="检查部门数据，一次列出全部错误和警告")
    c.add_argument("dir", help="部门文件夹（内含 data.yaml 或 data.xlsx）")
    c.set_defaults(func=cmd_check)
    s = sub.add_parser("score", help="计算各项指标得分、总分和等级")
    s.add_argument("dir", help="部门文件夹")
    s.add_argument("--json", action="store_true", help="以 JSON 输出")
    s.set_defaults(func=cmd_score)
    f = sub.add_parser("frameworks", help="列出内置评价框架")
    f.set_defaults(func=cmd_frameworks)
    b = sub.add_parser("build", help="生成 Word 报告")
    b.add_argument("dir", help="部门文件夹")
    b.add_argument("-o", "--output", required=True, help="输出的 .docx 文件")
    b.add_argument("--template", help="另用的 .docx 模板")
    b.add_argument("--pdf", action="store_true", help="同时用 LibreOffice 生成 PDF")
    b.set_defaults(func=cmd_build)
    m = sub.add_parser("batch", help="批量生成一个文件夹下所有部门的报告和汇总表")
    m.add_argument("root", help="包含各部门文件夹的总文件夹")
    m.add_argument("-o", "--output", required=True, help="输出文件夹")
    m.add_argument("-j", "--jobs", type=int, default=1, help="并行进程数（默认 1）")
    m.add_argument("--template", help="另用的 .docx 模板")
    m.add_argument("--pdf", action="store_true", help="同时生成 PDF")
    m.set_defaults(func=cmd_batch)
    d = sub.add_parser("diff", help="比较两个部门文件夹或两次生成记录（.manifest.json）")
    d.add_argument("a", help="原来的部门文件夹或 .manifest.json")
    d.add_argument("b", help="新的部门文件夹或 .manifest.json")
    d.set_defaults(func=cmd_diff)
    t = sub.add_parser("template", help="模板工具")
    tsub = t.add_subparsers(dest="template_command", required=True, metavar="子命令")
    tc = tsub.add_parser("check", help="检查 .docx 模板：未知名称、被 Word 拆开的标记、未配对的 for/if")
    tc.add_argument("file", help="要检查的 .docx 模板")
    tc.set_defaults(func=cmd_template_check)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
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


if __name__ == "__main__":
    sys.exit(main())
