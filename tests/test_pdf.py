"""The LibreOffice converter: many files per call, and a file that hangs or crashes
LibreOffice costs that file only (killed after the time-out, retried once, then reported).

A stand-in `soffice` on PATH behaves like the real one where it matters here: a wrapper
that forks the converting process (as soffice forks soffice.bin), converting the files in
order into --outdir; it hangs on a file named *hang*, crashes on *crash*, and hangs on
*flaky* the first time only. The real LibreOffice is exercised in test_docx and below.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.render import pdf

FAKE_SOFFICE = f"""#!{sys.executable}
import os, signal, sys, time
from pathlib import Path

args = sys.argv[1:]
log = Path(os.environ["FAKE_SOFFICE_LOG"])
outdir = Path(args[args.index("--outdir") + 1])
files = [Path(a) for a in args[args.index("--outdir") + 2:]]
with log.open("a") as f:
    f.write(" ".join(p.name for p in files) + "\\n")
child = os.fork()
if child:  # the wrapper waits for the converting process, as oosplash does
    _, status = os.waitpid(child, 0)
    sys.exit(os.waitstatus_to_exitcode(status) & 0xFF)
(log.parent / "pids").open("a").write(f"{{os.getpid()}}\\n")
for docx in files:
    if "hang" in docx.name or os.environ.get("FAKE_SOFFICE_HANG_ALL"):
        time.sleep(600)
    if "flaky" in docx.name:
        marker = log.parent / (docx.name + ".seen")
        if not marker.exists():
            marker.touch()
            time.sleep(600)
    if "crash" in docx.name:
        os.kill(os.getpid(), signal.SIGSEGV)
    (outdir / (docx.stem + ".pdf")).write_bytes(b"%PDF-1.4 " + docx.name.encode() + b"\\n%%EOF\\n")
"""


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "soffice"
    script.write_text(FAKE_SOFFICE)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_SOFFICE_LOG", str(tmp_path / "calls.log"))
    monkeypatch.setattr(pdf, "TIMEOUT_SECONDS", 1.0)
    monkeypatch.setattr(pdf, "_hangs", pdf._Hangs(os.getpid()))
    return tmp_path


def _docx(folder: Path, *names: str) -> list[Path]:
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / f"{name}.docx").write_bytes(b"PK fake")
    return [folder / f"{name}.docx" for name in names]


def _calls(work: Path) -> list[list[str]]:
    return [line.split() for line in (work / "calls.log").read_text().splitlines()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie waiting for its parent counts as gone
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def test_many_files_go_through_one_call(fake_soffice):
    files = _docx(fake_soffice / "out", "a", "b", "c", "d")
    assert pdf.convert_many(files) == {}
    assert _calls(fake_soffice) == [["a.docx", "b.docx", "c.docx", "d.docx"]]
    for f in files:
        assert f.with_suffix(".pdf").read_bytes() == b"%PDF-1.4 " + f.name.encode() + b"\n%%EOF\n"


def test_a_hanging_file_is_killed_retried_once_and_reported_alone(fake_soffice):
    files = _docx(fake_soffice / "out", "a", "b", "hang", "c", "d")
    start = time.monotonic()
    problems = pdf.convert_many(files)
    elapsed = time.monotonic() - start
    assert list(problems) == [files[2]]
    assert "超过 1 秒无进展，已终止" in problems[files[2]]
    assert problems[files[2]] == "LibreOffice 处理该报告超过 1 秒无进展，已终止，重试一次仍失败"
    assert _calls(fake_soffice) == [["a.docx", "b.docx", "hang.docx", "c.docx", "d.docx"],
                                    ["hang.docx"], ["c.docx", "d.docx"]]
    for f in files[:2] + files[3:]:
        assert f.with_suffix(".pdf").exists()
    assert not files[2].with_suffix(".pdf").exists() and files[2].exists()
    assert elapsed < 10
    pids = [int(p) for p in (fake_soffice / "pids").read_text().split()]
    assert not any(_alive(p) for p in pids)  # the stuck converters were killed, not orphaned


def test_a_libreoffice_that_hangs_on_every_file_is_given_up_after_three(
        fake_soffice, monkeypatch):
    monkeypatch.setenv("FAKE_SOFFICE_HANG_ALL", "1")
    files = _docx(fake_soffice / "out", "a", "b", "c", "d", "e", "f")
    start = time.monotonic()
    problems = pdf.convert_many(files)
    assert time.monotonic() - start < 15  # 3 reports × 2 tries × 1 s and the probe, not 6 × 2
    assert list(problems) == files
    assert all("超过 1 秒无进展，已终止" in problems[f] for f in files[:3])
    assert all("连续 3 份报告超过 1 秒无进展" in problems[f] and "5 分钟内不再尝试" in problems[f]
               for f in files[3:])
    assert _calls(fake_soffice) == [["a.docx", "b.docx", "c.docx", "d.docx", "e.docx",
                                     "f.docx"], ["a.docx"], ["b.docx", "c.docx", "d.docx",
                                     "e.docx", "f.docx"], ["b.docx"],
                                    ["c.docx", "d.docx", "e.docx", "f.docx"], ["c.docx"],
                                    ["reportgen-probe.txt"]]  # a known-good file fails too
    # the next chunk of the batch fails at once, without starting LibreOffice
    later = _docx(fake_soffice / "out", "g")
    assert "连续 3 份报告" in pdf.convert_many(later)[later[0]]
    assert len(_calls(fake_soffice)) == 7
    # after GIVE_UP_SECONDS it tries again, and a converted report clears the count
    monkeypatch.setattr(pdf, "GIVE_UP_SECONDS", 0.0)
    monkeypatch.delenv("FAKE_SOFFICE_HANG_ALL")
    assert pdf.convert_many(later) == {}
    assert pdf._hangs.in_a_row == 0 and pdf._hangs.given_up_at is None


def test_three_bad_reports_in_a_row_cost_only_themselves(fake_soffice):
    # LibreOffice still converts a known-good file, so the reports after them go on
    files = _docx(fake_soffice / "out", "hang1", "hang2", "hang3", "a", "b")
    problems = pdf.convert_many(files)
    assert list(problems) == files[:3]
    assert all(p == "LibreOffice 处理该报告超过 1 秒无进展，已终止，重试一次仍失败"
               for p in problems.values())
    assert _calls(fake_soffice)[-3:] == [["hang3.docx"], ["reportgen-probe.txt"],
                                         ["a.docx", "b.docx"]]
    assert files[3].with_suffix(".pdf").exists() and files[4].with_suffix(".pdf").exists()
    assert pdf._hangs.in_a_row == 0 and pdf._hangs.given_up_at is None


def test_hangs_apart_do_not_add_up(fake_soffice):
    files = _docx(fake_soffice / "out", "hang1", "a", "hang2", "b", "hang3", "c", "hang4")
    problems = pdf.convert_many(files)
    assert sorted(f.name for f in problems) == ["hang1.docx", "hang2.docx", "hang3.docx",
                                                "hang4.docx"]
    assert all("超过 1 秒无进展，已终止" in p for p in problems.values())


def test_a_crashing_file_costs_that_file_only(fake_soffice):
    files = _docx(fake_soffice / "out", "a", "crash", "b")
    problems = pdf.convert_many(files)
    assert list(problems) == [files[1]]
    assert "异常退出" in problems[files[1]]
    assert files[0].with_suffix(".pdf").exists() and files[2].with_suffix(".pdf").exists()


def test_a_file_that_hangs_once_succeeds_on_its_retry(fake_soffice):
    files = _docx(fake_soffice / "out", "a", "flaky", "b")
    assert pdf.convert_many(files) == {}
    assert _calls(fake_soffice) == [["a.docx", "flaky.docx", "b.docx"], ["flaky.docx"],
                                    ["b.docx"]]


def test_files_with_one_name_in_two_folders_do_not_overwrite_each_other(fake_soffice):
    first = _docx(fake_soffice / "one", "r")[0]
    second = _docx(fake_soffice / "two", "r")[0]
    assert pdf.convert_many([first, second]) == {}
    assert len(_calls(fake_soffice)) == 2
    assert first.with_suffix(".pdf").exists() and second.with_suffix(".pdf").exists()


def test_batch_reports_the_department_whose_pdf_failed_and_keeps_its_docx(
        fake_soffice, make_department, capsys):
    root = fake_soffice / "root"
    for name in ("甲", "hang", "乙"):
        folder = make_department(name=name)
        shutil.move(folder, root / name)
    out = fake_soffice / "batch-out"
    code = main(["batch", str(root), "-o", str(out), "--pdf"])
    captured = capsys.readouterr()
    assert code == 1
    assert ("[失败] hang：Word 报告已生成（hang.docx），PDF 未能生成：LibreOffice 处理该报告超过 1 秒"
            "无进展，已终止，重试一次仍失败；可在 Word 或 WPS 中打开后另存为 PDF") in captured.out
    assert (out / "hang.docx").exists() and not (out / "hang.pdf").exists()
    assert (out / "甲.pdf").exists() and (out / "乙.pdf").exists()
    assert len(_calls(fake_soffice)) == 3  # all three in one call, the retry, the rest


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_real_libreoffice_converts_several_reports_in_one_call(example_dir, tmp_path):
    from reportgen.build import build_one

    files = [build_one(example_dir, tmp_path / f"r{i}.docx").output for i in range(3)]
    assert pdf.convert_many(files) == {}
    for f in files:
        data = f.with_suffix(".pdf").read_bytes()
        assert data.startswith(b"%PDF-") and len(data) > 50_000
    # the profile named the installed version: LibreOffice skipped its graphics self-tests
    assert pdf.installed_version(pdf.find_soffice())
    assert not (pdf.profile_dir() / "user" / "GraphicsRenderTests.log").exists()


def test_the_version_is_read_from_the_installation_beside_soffice(tmp_path):
    program = tmp_path / "lo" / "program"
    program.mkdir(parents=True)
    (program / "soffice").touch()
    assert pdf.installed_version(str(program / "soffice")) is None  # no registry: no seed
    registry = tmp_path / "lo" / "share" / "registry"
    registry.mkdir(parents=True)
    (registry / "main.xcd").write_text(
        '<node oor:name="Product"><prop oor:name="ooName"><value>LibreOffice</value></prop>'
        '<prop oor:name="ooSetupVersion">\n <value>24.2</value>\n</prop></node>')
    pdf.installed_version.cache_clear()
    assert pdf.installed_version(str(program / "soffice")) == "24.2"


def test_a_new_profile_records_the_installed_version(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "find_soffice", lambda: "/opt/lo/program/soffice")
    monkeypatch.setattr(pdf, "installed_version", lambda soffice: "7.4")
    pdf.seed_profile(tmp_path)
    settings = (tmp_path / "user" / "registrymodifications.xcu").read_text()
    assert ('<prop oor:name="ooSetupLastVersion" oor:op="fuse"><value>7.4</value></prop>'
            in settings)
    import xml.dom.minidom

    xml.dom.minidom.parseString(settings)  # well-formed, or LibreOffice would discard it


def test_build_says_the_pdf_failed_without_telling_to_install_libreoffice(
        fake_soffice, make_department, capsys):
    folder = make_department(name="hang")
    out = fake_soffice / "hang.docx"
    assert main(["build", str(folder), "-o", str(out), "--pdf"]) == 3
    err = capsys.readouterr().err
    assert "超过 1 秒无进展，已终止" in err and "重试一次仍失败" in err
    assert "装好 LibreOffice" not in err and "另存为 PDF" in err
    assert out.exists() and not out.with_suffix(".pdf").exists()


@pytest.mark.skipif(shutil.which("soffice") is None or not Path("/proc").is_dir(),
                    reason="LibreOffice not installed, or no /proc to find it by")
def test_a_real_libreoffice_that_stops_is_killed_and_the_files_still_converted(
        example_dir, tmp_path, monkeypatch):
    """The real thing, stopped (SIGSTOP) on the second report as a hang would leave it:
    killed after the time-out with everything it started, then the same profile converts
    the stuck report alone and the rest in a new call (a killed LibreOffice's lock file
    does not block its profile)."""
    import tempfile
    import threading

    from reportgen.build import build_one

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where convert_many works
    monkeypatch.setattr(pdf, "_profile", None)  # a profile of this test's own
    files = [build_one(example_dir, tmp_path / f"r{i}.docx").output for i in range(3)]
    stopped: list[int] = []

    def stop_after_the_first_pdf() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not stopped:
            if list(tmp_path.glob("reportgen-pdf-*/*.pdf")):
                for proc in Path("/proc").iterdir():
                    try:
                        cmdline = (proc / "cmdline").read_bytes()
                    except OSError:
                        continue
                    if b"soffice.bin" in cmdline and str(pdf.profile_dir()).encode() in cmdline:
                        os.kill(int(proc.name), signal.SIGSTOP)
                        stopped.append(int(proc.name))
            time.sleep(0.02)

    watcher = threading.Thread(target=stop_after_the_first_pdf, daemon=True)
    watcher.start()
    # 10 s without a new PDF: a loaded machine starts and converts a report well within it
    assert pdf.convert_many(files, timeout=10.0) == {}
    watcher.join()
    assert stopped, "LibreOffice finished before it could be stopped"
    assert not any(_alive(pid) for pid in stopped)
    for f in files:
        data = f.with_suffix(".pdf").read_bytes()
        assert data.startswith(b"%PDF-") and len(data) > 50_000


@pytest.mark.skipif(os.name != "posix", reason="process groups and signals")
@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_during_batch_pdf_ends_libreoffice_and_leaves_no_folders(
        fake_soffice, make_department, jobs):
    """Was: the workers were ended but LibreOffice, in a session of its own, went on
    converting into a temporary folder nobody removed."""
    root = fake_soffice / "root"
    for name in ("hang1", "hang2"):  # the fake converter hangs on both, for 600 s
        shutil.move(make_department(name=name), root / name)
    scratch = fake_soffice / "scratch"
    scratch.mkdir()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
           "TMPDIR": str(scratch), "PYTHONIOENCODING": "utf-8"}
    process = subprocess.Popen([sys.executable, "-m", "reportgen.cli", "batch", str(root),
                                "-o", str(fake_soffice / "out"), "-j", str(jobs), "--pdf"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    pids_file = fake_soffice / "pids"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (
            not pids_file.exists() or len(pids_file.read_text().split()) < jobs):
        time.sleep(0.05)
    converters = [int(p) for p in pids_file.read_text().split()]
    try:
        assert len(converters) == jobs and all(_alive(p) for p in converters)
        os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl+C does
        _, stderr = process.communicate(timeout=30)
        assert process.returncode == 130, stderr
        assert "Traceback" not in stderr
        time.sleep(0.2)
        assert not any(_alive(p) for p in converters)
        assert sorted(p.name for p in scratch.iterdir()) == []  # no work folder, no profile
    finally:  # a failed run leaves no 600-second sleeper behind
        for pid in converters:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
