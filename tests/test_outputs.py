"""Output names mean what they say: the suffix decides the format, records never shared."""

from __future__ import annotations

import json
import shutil

import pytest
from docx import Document

from conftest import EXAMPLE, example_raw, write_department
from reportgen.build import plan_outputs
from reportgen.cli import main
from reportgen.findings import InputError


def test_docx_suffix_writes_a_word_report(tmp_path, capsys):
    out = tmp_path / "报告.docx"
    assert main(["build", str(EXAMPLE), "-o", str(out)]) == 0
    Document(str(out))  # a real Word document
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报告.docx", "报告.docx.manifest.json"]


@pytest.mark.parametrize("name", ["报告", "报告.doc", "报告.txt", "报告.docx.bak"])
def test_an_unknown_or_missing_suffix_says_what_to_write(tmp_path, capsys, name):
    code = main(["build", str(EXAMPLE), "-o", str(tmp_path / name)])
    assert code == 2
    err = capsys.readouterr().err
    assert "输出文件名应以 .docx（Word 报告）或 .pdf（PDF，同时在旁边保留 .docx）结尾" in err
    assert "例如 -o " in err and ".docx" in err
    assert list(tmp_path.iterdir()) == []  # refused before any work


def test_plan_outputs():
    from pathlib import Path

    def plan(name: str, pdf: bool = False) -> tuple:
        outputs = plan_outputs(Path(name), pdf)
        return outputs.docx, outputs.pdf

    assert plan("a/r.docx") == (Path("a/r.docx"), None)
    assert plan("a/r.docx", pdf=True) == (Path("a/r.docx"), Path("a/r.pdf"))
    assert plan("a/r.pdf") == (Path("a/r.docx"), Path("a/r.pdf"))
    assert plan("a/r.pdf", pdf=True) == (Path("a/r.docx"), Path("a/r.pdf"))
    assert plan_outputs(Path("a/R.DOCX")).docx == Path("a/R.DOCX")
    with pytest.raises(InputError) as caught:
        plan_outputs(Path("a/r.odt"))
    assert "实际“.odt”" in caught.value.findings[0].message


def test_pdf_suffix_without_libreoffice_keeps_the_docx(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert main(["build", str(EXAMPLE), "-o", str(tmp_path / "r.pdf")]) == 3
    err = capsys.readouterr().err
    assert "PDF 没有生成" in err and "无法继续" not in err
    docx = tmp_path / "r.docx"
    Document(str(docx))  # the Word report, under its own suffix
    assert not (tmp_path / "r.pdf").exists()  # never a .docx named .pdf


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_pdf_suffix_writes_a_pdf_and_keeps_the_docx(tmp_path, capsys):
    out = tmp_path / "r.pdf"
    assert main(["build", str(EXAMPLE), "-o", str(out), "--pdf"]) == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    Document(str(tmp_path / "r.docx"))
    said = capsys.readouterr().out
    assert f"已生成 {tmp_path / 'r.docx'}" in said and f"已生成 {out}" in said
    docx_record = json.loads((tmp_path / "r.docx.manifest.json").read_text(encoding="utf-8"))
    pdf_record = json.loads((tmp_path / "r.pdf.manifest.json").read_text(encoding="utf-8"))
    assert docx_record["输出文件"] == "r.docx" and pdf_record["输出文件"] == "r.pdf"
    assert docx_record["输出摘要"] != pdf_record["输出摘要"]


def test_outputs_differing_only_in_suffix_keep_their_own_records(tmp_path, monkeypatch, capsys):
    """Two departments built to r.docx and r.pdf: each record describes its own output."""
    raw = example_raw()
    raw["三公经费"]["上年预算"] = "60"
    other = write_department(tmp_path / "other", raw)
    out = tmp_path / "out"
    assert main(["build", str(EXAMPLE), "-o", str(out / "r.docx")]) == 0
    first = (out / "r.docx.manifest.json").read_bytes()
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert main(["build", str(other), "-o", str(out / "r2.pdf")]) == 3
    assert (out / "r.docx.manifest.json").read_bytes() == first
    assert json.loads((out / "r2.docx.manifest.json").read_text(encoding="utf-8"))["总分"] \
        == "86.47"
    assert not (out / "r.manifest.json").exists() and not (out / "r2.manifest.json").exists()


def test_diff_reports_both_missing_sides(tmp_path, capsys):
    code = main(["diff", str(tmp_path / "甲.docx.manifest.json"), str(tmp_path / "乙部门")])
    assert code == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / '甲.docx.manifest.json'}：找不到" in err
    assert f"{tmp_path / '乙部门'}：找不到" in err


def test_diff_reads_the_records_builds_write(tmp_path, capsys):
    assert main(["build", str(EXAMPLE), "-o", str(tmp_path / "r.docx")]) == 0
    capsys.readouterr()
    assert main(["diff", str(tmp_path / "r.docx.manifest.json"), str(EXAMPLE)]) == 0
    assert "两者的指标值、得分和总分相同" in capsys.readouterr().out
