"""The file-system and generated part of the hostile corpus: cases git cannot store (named
pipes, devices, symbolic links, sparse giant files, names that are not UTF-8) or that are
too large to keep, built by a setup function. Each case, like tests/bad_inputs, must end
in its Chinese messages and exit code, without a traceback, without reaching the command
line's last-resort handler, and within 10 seconds.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import EXAMPLE
from reportgen import cli
from reportgen.cli import main
from reportgen.workbook.layout import SHEET_NAMES

SECONDS = 10
UNIT_NAME_LINE = next(i for i, line in enumerate(
    (EXAMPLE / "data.yaml").read_text(encoding="utf-8").splitlines(), 1) if "单位名称:" in line)


@dataclass
class Case:
    name: str
    setup: Callable[[Path, Path], list[str]]  # (department, workspace) → extra CLI args
    command: str
    exit: int
    messages: list[str] = field(default_factory=list)


def department(work: Path) -> Path:
    folder = work / "部门"
    shutil.copytree(EXAMPLE, folder)
    return folder


def fifo_narrative(dept: Path, work: Path) -> list[str]:
    target = dept / "narratives" / "职责概述.md"
    target.unlink()
    os.mkfifo(target)
    return []


def fifo_data(dept: Path, work: Path) -> list[str]:
    (dept / "data.yaml").unlink()
    os.mkfifo(dept / "data.yaml")
    return []


def device_data(dept: Path, work: Path) -> list[str]:
    (dept / "data.yaml").unlink()
    (dept / "data.yaml").symlink_to("/dev/zero")
    return []


def giant_data(dept: Path, work: Path) -> list[str]:
    with (dept / "data.yaml").open("r+b") as handle:  # sparse: no disk used
        handle.truncate(21 * 1024 * 1024)
    return []


def giant_unit_name(dept: Path, work: Path) -> list[str]:
    """Was: a 12 MB 单位名称 failed against the template (XML text node too long)."""
    data = dept / "data.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace(
        "单位名称: 湘西土家族苗族自治州商务局", "单位名称: " + "局" * (4 * 1024 * 1024)),  # 12 MB in UTF-8
        encoding="utf-8")
    return []


def giant_narrative(dept: Path, work: Path) -> list[str]:
    with (dept / "narratives" / "职责概述.md").open("r+b") as handle:
        handle.truncate(21 * 1024 * 1024)
    return []


def comment_bomb(dept: Path, work: Path) -> list[str]:
    """Was > 120 s: `<!--.*?-->` retried from each of 250,000 unclosed openers."""
    (dept / "narratives" / "职责概述.md").write_text("<!--" * 250_000, encoding="utf-8")
    return []


def link_loop_narrative(dept: Path, work: Path) -> list[str]:
    target = dept / "narratives" / "职责概述.md"
    target.unlink()
    target.symlink_to(target.name)
    return []


def fifo_framework(dept: Path, work: Path) -> list[str]:
    data = dept / "data.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace(
        "评价框架: 湘西州本级2018", "评价框架: ./框架.yaml"), encoding="utf-8")
    os.mkfifo(dept / "框架.yaml")
    return []


def fifo_template(dept: Path, work: Path) -> list[str]:
    os.mkfifo(work / "模板.docx")
    return ["--template", str(work / "模板.docx")]


# -- workbooks that would expand beyond a 填报表 --------------------------------------------------
XLSX_EXAMPLE = EXAMPLE.parent / "state-emergency-2019"


def rewrite_xlsx(dept: Path, change: Callable[[str, bytes], bytes], extra: dict | None = None) -> None:
    """dept's data.yaml becomes the Excel example's data.xlsx with each part changed."""
    (dept / "data.yaml").unlink()
    with zipfile.ZipFile(XLSX_EXAMPLE / "data.xlsx") as src, \
            zipfile.ZipFile(dept / "data.xlsx", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info)))
        for name, data in (extra or {}).items():
            dst.writestr(name, data)


# The worksheet part of 「收支」 in a workbook written from the layout (sheets in layout order).
FINANCE_PART = f"xl/worksheets/sheet{SHEET_NAMES.index('收支') + 1}.xml"


def rows(count: int, first: int = 1000) -> bytes:
    return "".join(f'<row r="{first + i}"/>' for i in range(count)).encode()


def million_rows(dept: Path, work: Path) -> list[str]:
    """Was 144 s for 8 million rows in a 662 KB workbook."""
    rewrite_xlsx(dept, lambda name, data: data.replace(b"</sheetData>", rows(2_000_000)
                                                       + b"</sheetData>")
                 if name == FINANCE_PART else data)
    return []


def extra_sheet_rows(dept: Path, work: Path) -> list[str]:
    """Was 66 s: a sheet that is not part of the 填报表, never read, still loaded."""
    def change(name: str, data: bytes) -> bytes:
        if name == "xl/workbook.xml":
            return data.replace('name="填表说明"'.encode(), 'name="备注"'.encode())
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b"</sheetData>", rows(1_000_000) + b"</sheetData>")
        return data
    rewrite_xlsx(dept, change)
    return []


def merged_to_the_end(dept: Path, work: Path) -> list[str]:
    """Was 85 s: openpyxl makes a cell object for every cell of a merged range."""
    def change(name: str, data: bytes) -> bytes:
        if name != FINANCE_PART:
            return data
        merge = b'<mergeCell ref="F2:XFD1048576"/>'
        if b"<mergeCells" in data:
            return data.replace(b"</mergeCells>", merge + b"</mergeCells>")
        return data.replace(b"</sheetData>", b"</sheetData><mergeCells>" + merge + b"</mergeCells>")
    rewrite_xlsx(dept, change)
    return []


def far_cell(dept: Path, work: Path) -> list[str]:
    rewrite_xlsx(dept, lambda name, data: data.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>')
        if name == FINANCE_PART else data)
    return []


def zero_filled_part(dept: Path, work: Path) -> list[str]:
    rewrite_xlsx(dept, lambda name, data: data,
                 {"xl/media/image1.png": bytes(210 * 1024 * 1024)})
    return []


# -- nothing written but the output ---------------------------------------------------------------
def elsewhere(work: Path) -> Path:
    folder = work / "别处"
    folder.mkdir(exist_ok=True)
    (folder / "重要.docx").write_bytes(b"someone else's file")
    return folder / "重要.docx"


def output_is_a_link(dept: Path, work: Path) -> list[str]:
    """Was: -o 报告.docx, a link to another file, replaced that file."""
    (work / "输出").mkdir()
    (work / "输出" / "报告.docx").symlink_to(elsewhere(work))
    return []


def manifest_is_a_link(dept: Path, work: Path) -> list[str]:
    (work / "输出").mkdir()
    (work / "输出" / "报告.docx.manifest.json").symlink_to(elsewhere(work))
    return []


def output_link_loop(dept: Path, work: Path) -> list[str]:
    (work / "输出").mkdir()
    (work / "输出" / "报告.docx").symlink_to("报告.docx")
    return []


def output_folder_link_loop(dept: Path, work: Path) -> list[str]:
    (work / "输出").mkdir()
    (work / "输出" / "环").symlink_to("环")
    return ["-o", str(work / "输出" / "环" / "报告.docx")]


def output_is_the_template(dept: Path, work: Path) -> list[str]:
    """Was: the template was replaced by the report made from it."""
    from reportgen.build import default_template

    shutil.copy(default_template(), dept / "模板.docx")
    return ["--template", str(dept / "模板.docx"), "-o", str(dept / "模板.docx")]


def output_is_a_narrative_link(dept: Path, work: Path) -> list[str]:
    """A .docx name that is the department's own data under another name (a hard link)."""
    os.link(dept / "data.yaml", dept / "数据.docx")
    return ["-o", str(dept / "数据.docx")]


def long_lock_name(dept: Path, work: Path) -> list[str]:
    """A 250-byte name: Word's ~$ lock name would exceed 255 bytes (was an OSError)."""
    (work / "输出").mkdir()
    return ["-o", str(work / "输出" / ("报" * 81 + ".docx"))]


def manifest_is_a_folder(dept: Path, work: Path) -> list[str]:
    (work / "输出" / "报告.docx.manifest.json").mkdir(parents=True)
    (work / "输出" / "报告.docx.manifest.json" / "x").write_text("x")
    return []


def narrative_links_outside(dept: Path, work: Path) -> list[str]:
    target = dept / "narratives" / "职责概述.md"
    target.unlink()
    target.symlink_to("/etc/hostname" if Path("/etc/hostname").exists() else "/etc/passwd")
    return []


def framework_outside(dept: Path, work: Path) -> list[str]:
    from reportgen.framework import builtin_frameworks

    (work / "别处").mkdir(exist_ok=True)
    shutil.copy(builtin_frameworks()[-1].path, work / "别处" / "框架.yaml")
    data = dept / "data.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace(
        "评价框架: 湘西州本级2018", f"评价框架: {work / '别处' / '框架.yaml'}"), encoding="utf-8")
    return []


CASES = [
    Case("output-is-a-link", output_is_a_link, "build", 2,
         ["报告.docx：输出路径是一个符号链接，指向", "为免改写链接指向的文件，不写入"]),
    Case("manifest-is-a-link", manifest_is_a_link, "build", 2,
         ["报告.docx.manifest.json：输出路径是一个符号链接"]),
    Case("output-link-loop", output_link_loop, "build", 2, ["报告.docx：输出路径是一个符号链接"]),
    Case("output-folder-link-loop", output_folder_link_loop, "build", 2,
         ["输出路径中有符号链接循环"]),
    Case("output-is-the-template", output_is_the_template, "build", 2,
         ["模板.docx：输出文件就是输入文件", "写入会覆盖它"]),
    Case("output-is-the-data-hard-linked", output_is_a_narrative_link, "build", 2,
         ["数据.docx：输出文件就是输入文件", "data.yaml"]),
    Case("output-lock-name-too-long", long_lock_name, "build", 1, ["无法写入输出文件：文件名太长"]),
    Case("manifest-is-a-folder", manifest_is_a_folder, "build", 1,
         ["报告.docx.manifest.json：输出路径是一个文件夹"]),
    Case("narrative-links-outside-single-build", narrative_links_outside, "check", 1,
         ["[警告]", "narratives/职责概述.md：文字材料指向部门文件夹以外的文件",
          "批量处理时会拒绝读取"]),
    Case("framework-outside-single-build", framework_outside, "check", 1,
         ["[警告]", "data.yaml:6：评价框架指向部门文件夹以外的文件"]),
    Case("xlsx-2M-rows", million_rows, "check", 2,
         ["data.xlsx：工作表「收支」的行数过多（超过 20,000 行）"]),
    Case("xlsx-extra-sheet-1M-rows", extra_sheet_rows, "check", 2,
         ["data.xlsx：工作表「备注」的行数过多（超过 20,000 行）"]),
    Case("xlsx-merged-F2-XFD1048576", merged_to_the_end, "check", 2,
         ["data.xlsx：工作表「收支」合并了单元格 F2:XFD1048576（17,174,609,925 个单元格）"]),
    Case("xlsx-cell-at-XFD1048576", far_cell, "check", 2,
         ["data.xlsx：工作表「收支」的 XFD1048576 有内容或格式，超出填报表的范围"]),
    Case("xlsx-unzips-to-210MB", zero_filled_part, "check", 2,
         ["data.xlsx：Excel 填报表解压后过大（共 210."]),
    Case("narrative-fifo", fifo_narrative, "build", 2,
         ["narratives/职责概述.md：这是一个命名管道（FIFO），不是普通文件，不能作为文字材料读取"]),
    Case("data-fifo", fifo_data, "check", 2,
         ["data.yaml：这是一个命名管道（FIFO），不是普通文件，不能作为数据文件读取"]),
    Case("data-dev-zero", device_data, "check", 2,
         ["data.yaml：这是一个设备文件，不是普通文件，不能作为数据文件读取"]),
    Case("data-21MB", giant_data, "check", 2,
         ["data.yaml：数据文件过大（21.0 MB，上限 20.0 MB）"]),
    Case("unit-name-12MB", giant_unit_name, "check", 1,
         [f"data.yaml:{UNIT_NAME_LINE}（基本信息.单位名称）：文字过长（4,194,304 字，此处上限 200 字）"]),
    Case("narrative-21MB", giant_narrative, "build", 2,
         ["narratives/职责概述.md：文字材料过大（21.0 MB，上限 20.0 MB）"]),
    Case("narrative-comment-bomb", comment_bomb, "check", 1, ["检查完成"]),
    Case("narrative-link-loop", link_loop_narrative, "build", 2,
         ["narratives/职责概述.md：无法读取文字材料：符号链接循环"]),
    Case("framework-fifo", fifo_framework, "score", 2,
         ["框架.yaml：这是一个命名管道（FIFO），不是普通文件，不能作为评价框架读取"]),
    Case("template-fifo", fifo_template, "build", 2,
         ["模板.docx：这是一个命名管道（FIFO），不是普通文件，不能作为模板读取"]),
]


def snapshot(folder: Path) -> dict[str, bytes | str | None]:
    """Every entry under folder: a file's bytes, a link's target (never followed)."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): (os.readlink(p) if p.is_symlink() else
                                         p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*")) if not p.is_fifo()}


@pytest.fixture
def no_last_resort(monkeypatch):
    def reached(argv):
        raise AssertionError(f"the last-resort handler was reached: reportgen {argv}")

    monkeypatch.setattr(cli, "report_unexpected", reached)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file_system_case(case: Case, tmp_path: Path, capsys, no_last_resort):
    dept = department(tmp_path)
    extra = case.setup(dept, tmp_path)
    args = [case.command, str(dept), *extra]
    out = tmp_path / "输出"
    if case.command == "build":
        out.mkdir(exist_ok=True)
        if "-o" not in extra:
            args += ["-o", str(out / "报告.docx")]
    before, before_out = snapshot(dept), snapshot(out)
    elsewhere = snapshot(tmp_path / "别处")
    started = time.perf_counter()
    code = main(args)
    elapsed = time.perf_counter() - started
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output
    assert code == case.exit, output
    for message in case.messages:
        assert message in output, f"{message!r} not in:\n{output}"
    assert elapsed < SECONDS, f"{case.name} took {elapsed:.1f} s"
    assert snapshot(dept) == before, "an input was written to"
    assert snapshot(out) == before_out, "the output folder changed"
    assert snapshot(tmp_path / "别处") == elsewhere, "a file elsewhere was written to"


def test_the_last_resort_handler_says_it_in_chinese_and_logs_elsewhere(
        tmp_path, monkeypatch, capsys):
    """An exception no check foresaw: a short message and a log file in the temporary
    folder (never beside the report), exit code 3, no traceback on the screen."""
    monkeypatch.setenv("TMPDIR", str(tmp_path / "临时"))
    (tmp_path / "临时").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)

    def broken(folder):
        raise RuntimeError("an unforeseen failure")

    monkeypatch.setattr("reportgen.pipeline.evaluate", broken)  # cli imports it per command
    out = tmp_path / "输出"
    out.mkdir()
    code = main(["check", str(EXAMPLE)])
    captured = capsys.readouterr()
    assert code == cli.EXIT_INTERNAL
    assert "Traceback" not in captured.err + captured.out
    assert "[错误] 程序内部错误，详细信息已写入" in captured.err and "未能完成" in captured.err
    [log] = (tmp_path / "临时").iterdir()
    assert log.name.startswith("reportgen-error-") and str(log) in captured.err
    text = log.read_text(encoding="utf-8")
    assert "RuntimeError: an unforeseen failure" in text and "reportgen check" in text
    assert list(out.iterdir()) == []


# -- templates: bounded unzipping, linear checking --------------------------------------------
def zero_filled_image_template(path: Path, size: int) -> Path:
    """The shipped template plus an image part of `size` zero bytes (a few hundred KB zipped)."""
    from reportgen.build import default_template

    with zipfile.ZipFile(default_template()) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("word/media/image1.png", bytes(size))
    return path


def test_a_template_that_unzips_too_large_is_refused_by_check_and_build(tmp_path, capsys,
                                                                        no_last_resort):
    """Was: template check passed a template carrying a zero-filled image that build then
    died on. Both now read through one bounded reader (render/lint.read_package)."""
    template = zero_filled_image_template(tmp_path / "模板.docx", 210 * 1024 * 1024)
    assert template.stat().st_size < 2 * 1024 * 1024
    started = time.perf_counter()
    assert main(["template", "check", str(template)]) == 2
    checked = capsys.readouterr().out
    out = tmp_path / "报告.docx"
    assert main(["build", str(EXAMPLE), "-o", str(out), "--template", str(template)]) == 2
    built = capsys.readouterr().err
    assert time.perf_counter() - started < SECONDS
    for said in (checked, built):
        assert "模板解压后过大（共 210." in said and "上限 200.0 MB" in said, said
        assert "最大的是 word/media/image1.png，210.0 MB" in said
    assert not out.exists()


def many_tags_template(path: Path, count: int) -> Path:
    from docx import Document

    from reportgen.build import default_template

    document = Document(str(default_template()))
    for _ in range(count):
        document.add_paragraph("{{p 引言 }}")
    document.save(str(path))
    return path


def test_template_check_is_linear_in_tags(tmp_path):
    """Was 40 s for 4,000 tags: each {{p …}} rebuilt its paragraph's text from the whole part."""
    from reportgen.render.lint import lint_template

    times = {}
    for count in (1000, 4000):
        path = many_tags_template(tmp_path / f"t{count}.docx", count)
        started = time.perf_counter()
        lint_template(path)
        times[count] = time.perf_counter() - started
    assert times[4000] < SECONDS
    # Linear: about 4× (with noise from a shared machine); quadratic was 16.6× (1.5 s → 25 s).
    assert times[4000] < 12 * times[1000] + 1.0, times


HANGING_SOFFICE = f"""#!{sys.executable}
import os, signal, sys, time
from pathlib import Path
signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a stuck LibreOffice does not listen
child = os.fork()
if child:
    Path(os.environ["HANGING_PIDS"]).open("a").write(f"{{os.getpid()}} {{child}}\\n")
    os.waitpid(child, 0)
time.sleep(600)
"""


def test_libreoffice_that_hangs_is_killed_and_the_docx_kept(tmp_path, monkeypatch, capsys,
                                                            no_last_resort):
    """Uses the converter of #11 (render/pdf.py): the stuck process group is killed after
    the time limit (30 s per report; 2 s here), the report stays, the message is Chinese."""
    from reportgen.render import pdf

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "soffice").write_text(HANGING_SOFFICE)
    (bin_dir / "soffice").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("HANGING_PIDS", str(tmp_path / "pids"))
    monkeypatch.setattr(pdf, "TIMEOUT_SECONDS", 2.0)
    assert pdf.TIMEOUT_SECONDS < 60 and pdf.__dict__["TIMEOUT_SECONDS"] == 2.0
    out = tmp_path / "报告.pdf"
    started = time.perf_counter()
    code = main(["build", str(EXAMPLE), "-o", str(out)])
    elapsed = time.perf_counter() - started
    said = capsys.readouterr()
    assert code == cli.EXIT_NO_PDF, said
    assert elapsed < SECONDS
    assert "Traceback" not in said.out + said.err
    assert "超过 2 秒无进展，已终止" in said.out + said.err
    assert (tmp_path / "报告.docx").exists() and not out.exists()
    for pid in (tmp_path / "pids").read_text().split():
        assert not running(int(pid)), f"LibreOffice process {pid} still running"


def running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie waits for a reaper the container may lack)."""
    for _ in range(50):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        if state in ("Z", "X"):
            return False
        time.sleep(0.1)  # SIGKILL is delivered, not yet acted on
    return True


def test_a_killed_processs_libreoffice_profile_is_swept_by_the_next_one(tmp_path, monkeypatch):
    import subprocess
    import tempfile

    from reportgen.render import pdf

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = tmp_path / f"{pdf.PROFILE_PREFIX}{dead.pid}-abcd"
    (orphan / "user").mkdir(parents=True)
    alive = tmp_path / f"{pdf.PROFILE_PREFIX}{os.getppid()}-efgh"
    alive.mkdir()
    monkeypatch.setattr(pdf, "_profile", None)
    made = pdf.profile_dir()
    assert not orphan.exists()
    assert alive.exists() and made.exists()
    assert made.name.startswith(f"{pdf.PROFILE_PREFIX}{os.getpid()}-")
