"""reportgen build: one department folder → one .docx (and optionally a PDF)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .compose import compose_report
from .document import ReportDocument
from .findings import Finding, InputError, count_errors, draft_errors, error, warning
from .inputs.confine import TRUSTED, Confinement
from .manifest import describe_changes, make_manifest, manifest_path
from .manifest import dump as dump_manifest
from .manifest import load as load_manifest
from .output import check_target, output_lock, target_of, write_atomically
from .pipeline import Evaluation, evaluate
from .render.template import CompiledTemplate
from .render.wordml import RawXml, blocks_xml
from .resources import data_dir


def default_template() -> Path:
    return data_dir("templates") / "report.docx"


@cache
def load_template(path: Path) -> CompiledTemplate:
    """Loaded and compiled once per process, whatever the number of reports."""
    return CompiledTemplate(path)


def template_context(doc: ReportDocument) -> dict[str, object]:
    context: dict[str, object] = dict(doc.fields)
    context.update({name: RawXml(blocks_xml(blocks)) for name, blocks in doc.sections.items()})
    return context


def render_docx(ev: Evaluation, template: Path | None = None) -> tuple[bytes, list[Finding]]:
    doc, findings = compose_report(ev)
    compiled = load_template(template or default_template())
    basic = ev.department.data.basic
    title = f"{doc.fields['单位名称']}{doc.fields['年度']}年度部门整体支出绩效评价报告"
    if doc.fields["草稿"]:  # the document's title property says what its pages' headers say
        title += "（草稿）"
    date = basic.report_date.isoformat() if basic.report_date else ""
    return (compiled.render(template_context(doc), title, doc.fields["单位名称"], date),
            findings + compiled.warnings)


@dataclass(frozen=True)
class Outputs:
    """What one build writes: always the .docx; the PDF beside it when asked for."""

    docx: Path
    pdf: Path | None


def plan_outputs(output: Path, pdf: bool = False) -> Outputs:
    """The suffix decides the format: .docx a Word report (and its PDF with pdf=True);
    .pdf a PDF, with the .docx it is made from kept beside it. Anything else is refused
    before any work is done."""
    suffix = output.suffix.lower()
    if suffix == ".docx":
        return Outputs(output, output.with_suffix(".pdf") if pdf else None)
    if suffix == ".pdf":
        docx = output.with_suffix(".docx")
        return Outputs(docx, docx.with_suffix(".pdf"))
    found = f"“{output.suffix}”" if output.suffix else "没有后缀"
    raise InputError([error(
        f"输出文件名应以 .docx（Word 报告）或 .pdf（PDF，同时在旁边保留 .docx）结尾，"
        f"实际{found}；例如 -o {output.stem or '报告'}.docx，要两者都生成再加 --pdf",
        str(output))], unreadable=True)


@dataclass
class Built:
    output: Path
    evaluation: Evaluation
    findings: list[Finding]
    change: str

    @property
    def errors(self) -> int:
        return count_errors(self.findings)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    @property
    def draft(self) -> int:
        """Errors behind printed figures; more than none makes the report a draft (草稿)."""
        return len(draft_errors(self.findings))


def build_one(folder: Path, output: Path | Callable[[Evaluation], Path],
              template: Path | None = None, durable: bool = True,
              confinement: Confinement = TRUSTED) -> Built:
    """Evaluate, render, write report and manifest; say what changed since the last build.

    output may be a function of the evaluation (a batch naming reports after 单位名称).
    durable=False leaves the fsync to the caller (a batch syncs once at its end); the
    write is atomic either way."""
    ev = evaluate(folder, confinement)
    if callable(output):
        output = output(ev)
    data, notes = render_docx(ev, template)
    record = manifest_path(output)
    after = make_manifest(ev, output, data)
    inputs = [path for path, _ in ev.sources()] + [template or default_template()]
    for target in (output, record):  # both may be written, or neither is
        check_target(target, inputs)
    with output_lock(target_of(output).parent):  # the record beside a report describes that report
        before = load_manifest(record)
        write_atomically(output, data, durable=durable, keep=inputs)
        notes = notes + _write_record(record, dump_manifest(after), inputs)
    return Built(output, ev, ev.findings + notes, describe_changes(before, after))


def _write_record(record: Path, data: bytes, inputs: list[Path]) -> list[Finding]:
    """The report is written; a record that cannot be (a full disk) must not be left
    describing the previous report: it is removed, and the build says so."""
    try:
        write_atomically(record, data, durable=False, keep=inputs)
    except InputError as exc:
        with contextlib.suppress(OSError):
            target_of(record).unlink()
        reason = exc.findings[0].message if exc.findings else ""
        return [warning(f"报告已生成，但生成记录未能写入（{reason}），下次生成时无法说明变化",
                        str(record))]
    return []


def build_pdf(built: Built) -> Path:
    """The PDF of a built report, with its own build record (never the .docx's)."""
    from .render.pdf import convert_to_pdf

    pdf = convert_to_pdf(built.output)
    record_pdf(built, pdf)
    return pdf


def record_pdf(built: Built, pdf: Path) -> None:
    write_atomically(manifest_path(pdf), dump_manifest(make_manifest(
        built.evaluation, pdf, pdf.read_bytes())), durable=False)
