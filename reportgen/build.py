"""reportgen build: one department folder → one .docx (and optionally a PDF)."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path

from .compose import compose_report
from .document import ReportDocument
from .findings import Finding, InputError, Severity, error
from .inputs.narratives import read_narratives
from .output import write_atomically
from .pipeline import Evaluation, evaluate
from .render.template import CompiledTemplate
from .render.wordml import RawXml, blocks_xml


def default_template() -> Path:
    return Path(str(resources.files("reportgen.templates") / "report.docx"))


@cache
def load_template(path: Path) -> CompiledTemplate:
    """Loaded and compiled once per process, whatever the number of reports."""
    return CompiledTemplate(path)


def template_context(doc: ReportDocument) -> dict[str, object]:
    context: dict[str, object] = dict(doc.fields)
    context.update({name: RawXml(blocks_xml(blocks)) for name, blocks in doc.sections.items()})
    return context


def render_docx(ev: Evaluation, template: Path | None = None) -> tuple[bytes, list[Finding]]:
    narratives = read_narratives(ev.department.narratives_dir)
    doc, findings = compose_report(ev, narratives)
    compiled = load_template(template or default_template())
    title = f"{doc.fields['单位名称']}{doc.fields['年度']}年度部门整体支出绩效评价报告"
    return compiled.render(template_context(doc), title), findings


def convert_to_pdf(docx: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise InputError([error(
            "未找到 LibreOffice，无法生成 PDF；请安装：sudo apt-get install "
            "libreoffice-writer-nogui（Windows 请安装 LibreOffice 并把 soffice 加入 PATH）",
            str(docx))])
    with tempfile.TemporaryDirectory(prefix="reportgen-pdf-") as work:
        profile = Path(work) / "profile"  # a private profile: parallel conversions collide
        result = subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
             "--convert-to", "pdf", "--outdir", work, str(docx)],
            capture_output=True, text=True, timeout=300, check=False)
        produced = Path(work) / f"{docx.stem}.pdf"
        if result.returncode != 0 or not produced.exists():
            raise InputError([error(f"LibreOffice 转换 PDF 失败：{result.stderr.strip()[:300]}",
                                    str(docx))])
        target = docx.with_suffix(".pdf")
        write_atomically(target, produced.read_bytes())
    return target


def build_report(args: argparse.Namespace) -> int:
    ev = evaluate(Path(args.dir))
    template = Path(args.template) if args.template else None
    data, notes = render_docx(ev, template)
    output = Path(args.output)
    write_atomically(output, data)
    findings = ev.findings + notes
    for f in findings:
        print(f.render(), file=sys.stderr)
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    print(f"已生成 {output}（总分 {ev.scorecard.total}，等级 {ev.scorecard.grade}；"
          f"{errors} 个错误，{len(findings) - errors} 个警告，请用 reportgen check 查看）")
    if args.pdf:
        print(f"已生成 {convert_to_pdf(output)}")
    return 0
