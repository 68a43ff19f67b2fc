"""The face: `reportgen review REPORT|FOLDER [--framework …] [-o …] [--json]`."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from ..findings import InputError
from .annotate import write_annotated
from .convert import CONVERTIBLE, converted_copy, is_pdf, refuse_pdf
from .engine import review_file
from .model import Review, ReviewKind
from .reader import ReviewedDocument

EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2
READABLE = (".docx", *CONVERTIBLE, ".pdf")  # a PDF is listed in the summary as refused


def run_review(args: argparse.Namespace) -> int:
    source = Path(args.report)
    if source.is_dir():
        return _review_folder(source, args)
    output = Path(args.output) if args.output else None
    if output is not None and output.suffix.lower() != ".docx":
        raise InputError(_problem(output, "带批注的副本应保存为 .docx 文件，如 -o 审核后.docx"),
                         unreadable=True)
    doc, review = review_one(source, args.framework)
    if output is not None:
        write_annotated(doc, review.findings, output)
    if args.json:
        print(json.dumps(review_json(source, review), ensure_ascii=False, indent=2))
    else:
        print(review_text(source, review))
        if output is not None:
            print(f"带批注的副本：{output}")
    return EXIT_FINDINGS if review.findings else EXIT_CLEAN


def review_one(source: Path, framework: str | None) -> tuple[ReviewedDocument, Review]:
    if not source.exists():
        raise InputError(_problem(source, "文件不存在"), unreadable=True)
    if is_pdf(source):
        raise refuse_pdf(source)
    if source.suffix.lower() in CONVERTIBLE:
        with tempfile.TemporaryDirectory(prefix="reportgen-review-") as work:
            converted = converted_copy(source, Path(work))
            doc, review = review_file(converted, framework)
            doc.path = source
            return doc, review
    return review_file(source, framework)


def _problem(path: Path, message: str):
    from ..findings import error

    return [error(message, str(path))]


def review_text(source: Path, review: Review) -> str:
    lines = [f"审核：{source.name}（{_identity(review)}）"]
    lines += [f.render() for f in review.findings]
    if review.findings:
        counts = "，".join(f"{k.value}{review.count(k)}处" for k in ReviewKind if review.count(k))
        lines.append(f"共发现{len(review.findings)}处问题：{counts}。")
    else:
        lines.append("未发现前后矛盾或计算错误。")
    return "\n".join(lines)


def _identity(review: Review) -> str:
    parts = [f"单位：{review.unit or '未识别'}", f"年度：{review.year or '未识别'}"]
    if review.framework:
        note = f"（{review.framework_note}）" if review.framework_note else ""
        parts.append(f"评价框架：{review.framework}{note}")
    else:
        parts.append(f"评价框架：未识别（{review.framework_note}；可用 --framework 指定），"
                     "未按框架重新评分")
    return "，".join(parts)


def review_json(source: Path, review: Review) -> dict:
    return {
        "file": str(source), "unit": review.unit, "year": review.year,
        "framework": review.framework, "framework_note": review.framework_note,
        "claimed_total": None if review.claimed_total is None else f"{review.claimed_total:f}",
        "recomputed_total": (None if review.recomputed_total is None
                             else f"{review.recomputed_total:f}"),
        "counts": {k.value: review.count(k) for k in ReviewKind},
        "findings": [f.as_json() for f in review.findings],
    }


def _review_folder(folder: Path, args: argparse.Namespace) -> int:
    from .summary import FolderRow, write_summary

    if not args.output:
        raise InputError(_problem(folder, "审核整个文件夹时请用 -o 指定输出文件夹"), unreadable=True)
    out_dir = Path(args.output)
    files = _reports_in(folder, out_dir)
    if not files:
        raise InputError(_problem(folder, "文件夹中没有 .docx、.doc 或 .wps 文件"), unreadable=True)
    rows: list[FolderRow] = []
    records = []
    used: set[Path] = set()
    for i, path in enumerate(files, 1):
        started = time.perf_counter()
        relative = path.relative_to(folder)
        target = out_dir / relative.parent / f"{path.stem}（审核）.docx"
        if target in used:   # 报告.doc beside 报告.docx
            target = target.with_name(f"{path.stem}（审核，{path.suffix.lstrip('.')}）.docx")
        used.add(target)
        try:
            doc, review = review_one(path, args.framework)
            write_annotated(doc, review.findings, target)
            rows.append(FolderRow(relative.as_posix(), review, target.relative_to(out_dir).as_posix()))
            status = f"{len(review.findings)}处问题" if review.findings else "未发现问题"
            records.append(review_json(relative, review))
        except InputError as exc:
            reason = "；".join(f.message for f in exc.findings)
            rows.append(FolderRow(relative.as_posix(), None, "", reason))
            status = f"无法读取：{reason}"
            records.append({"file": relative.as_posix(), "error": reason})
        except Exception:  # noqa: BLE001 - one odd report must not stop the bureau's batch
            from ..incident import log_unexpected, unexpected_message

            reason = unexpected_message(log_unexpected(f"reportgen review {path}"))
            rows.append(FolderRow(relative.as_posix(), None, "", reason))
            status = reason
            records.append({"file": relative.as_posix(), "error": reason})
        seconds = time.perf_counter() - started
        print(f"[{i}/{len(files)}] {relative.as_posix()}：{status}（{seconds:.1f}秒）", file=sys.stderr)
    summary = out_dir / "审核汇总表.xlsx"
    write_summary(summary, rows)
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
    found = sum(1 for r in rows if r.review is not None and r.review.findings)
    failed = sum(1 for r in rows if r.review is None)
    print(f"共审核{len(rows)}份报告：{found}份有问题，{failed}份无法读取。汇总表：{summary}",
          file=sys.stderr if args.json else sys.stdout)
    return EXIT_FINDINGS if found or failed else EXIT_CLEAN


def _reports_in(folder: Path, out_dir: Path) -> list[Path]:
    out = out_dir.resolve()
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in READABLE:
            continue
        if path.name.startswith(("~$", ".")) or out in path.resolve().parents:
            continue
        found.append(path)
    return found
