"""Safe writes: a temporary file beside the target renamed into place; a killed build
leaves the previous report intact; a report open in Word or WPS gets a clear message."""

from __future__ import annotations

import os
import random
import shutil
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document

from conftest import EXAMPLE
from reportgen import output
from reportgen.cli import main
from reportgen.findings import InputError
from reportgen.output import lock_files, temp_files, write_atomically

GOOD = b"previous good report"


# -- the mechanism ----------------------------------------------------------------------
def test_writes_a_temporary_file_beside_the_target_and_renames_it(tmp_path, monkeypatch):
    target = tmp_path / "报告.docx"
    target.write_bytes(GOOD)
    renames = []
    real_replace = os.replace

    def spy(src, dst):
        src, dst = Path(src), Path(dst)
        renames.append((src, dst))
        assert src.read_bytes() == b"new"        # complete before it is renamed
        assert target.read_bytes() == GOOD       # … and the old one untouched until then
        real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", spy)
    write_atomically(target, b"new")
    [(src, dst)] = renames
    assert dst == target.resolve() and src.parent == target.resolve().parent
    assert src.name.startswith(".报告.docx.") and src.name.endswith(".tmp")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报告.docx"]


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path, monkeypatch, failure):
    target = tmp_path / "报告.docx"
    target.write_bytes(GOOD)

    def broken_fsync(fd):
        raise failure

    monkeypatch.setattr(output.os, "fsync", broken_fsync)
    expected = InputError if isinstance(failure, OSError) else KeyboardInterrupt
    with pytest.raises(expected) as caught:
        write_atomically(target, b"new" * 1000)
    if expected is InputError:
        assert "磁盘空间不足" in caught.value.findings[0].message
    assert target.read_bytes() == GOOD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报告.docx"]


def test_a_replaced_report_keeps_its_permissions_and_a_new_one_follows_the_umask(tmp_path):
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    old = tmp_path / "old.docx"
    old.write_bytes(GOOD)
    old.chmod(0o640)
    write_atomically(old, b"new")
    assert stat.S_IMODE(old.stat().st_mode) == 0o640
    umask = os.umask(0o022)
    os.umask(umask)
    new = tmp_path / "new.docx"
    write_atomically(new, b"new")
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~umask


def test_stale_temporary_files_are_removed_and_live_ones_kept(tmp_path):
    target = tmp_path / "报告.docx"
    stale = tmp_path / ".报告.docx.0badf00d.tmp"
    live = tmp_path / ".报告.docx.feedbeef.tmp"
    other = tmp_path / ".其他.docx.0badf00d.tmp"
    for path in (stale, live, other):
        path.write_bytes(b"partial")
    hours_ago = time.time() - 2 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    os.utime(other, (hours_ago, hours_ago))
    assert temp_files(target) == sorted([stale, live])
    write_atomically(target, b"new")
    assert not stale.exists()
    assert live.exists() and other.exists()  # a build may be writing it; not ours to judge


# -- open in Word / WPS / LibreOffice -----------------------------------------------------
@pytest.mark.parametrize(("name", "lock"), [
    ("报告.docx", "~$报告.docx"),                          # short: Word and WPS alike
    ("商务局年度报告.docx", "~$务局年度报告.docx"),          # 7 characters: Word drops one
    ("湘西州商务局报告.docx", "~$州商务局报告.docx"),        # 8 or more: Word drops two
    ("湘西州商务局报告.docx", "~$湘西州商务局报告.docx"),    # WPS keeps the whole name
    ("report.docx", ".~lock.report.docx#"),               # LibreOffice
])
def test_an_open_report_is_not_overwritten(tmp_path, name, lock):
    target = tmp_path / name
    target.write_bytes(GOOD)
    (tmp_path / lock).write_bytes(b"owner")
    assert tmp_path / lock in lock_files(target)
    with pytest.raises(InputError) as caught:
        write_atomically(target, b"new")
    message = caught.value.findings[0].render()
    assert f"锁定文件 {lock}" in message and "请先关闭该文件再生成" in message
    assert target.read_bytes() == GOOD


def test_the_cli_says_to_close_word(tmp_path, capsys):
    target = tmp_path / "报告.docx"
    target.write_bytes(GOOD)
    (tmp_path / "~$报告.docx").write_bytes(b"owner")
    assert main(["build", str(EXAMPLE), "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert "该文件正在 Word 或 WPS 中打开" in err and "Traceback" not in err
    assert target.read_bytes() == GOOD


@pytest.mark.parametrize("kind", ["folder", "under-a-file"])
def test_unusable_output_paths(tmp_path, kind):
    if kind == "folder":
        target = tmp_path / "报告.docx"
        target.mkdir()
        expected = "输出路径是一个文件夹"
    else:
        (tmp_path / "文件").write_bytes(b"")
        target = tmp_path / "文件" / "报告.docx"
        expected = "无法创建输出文件夹"
    with pytest.raises(InputError) as caught:
        write_atomically(target, b"new")
    assert expected in caught.value.findings[0].message


# -- killing a build ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def big_department(tmp_path_factory) -> Path:
    """The example with a 2.7 MB narrative of varied text: a 2 MB report that takes a
    noticeable time to compose, render and write."""
    folder = tmp_path_factory.mktemp("big") / "部门"
    shutil.copytree(EXAMPLE, folder)
    rng = random.Random(1)
    chars = [chr(c) for c in range(0x4E00, 0x9FA5)]
    items = [f"{i}. " + "".join(rng.choices(chars, k=150)) + "。" for i in range(1, 6001)]
    (folder / "narratives" / "项目实施情况.md").write_text("\n".join(items), encoding="utf-8")
    return folder


def cli(folder: Path, target: Path) -> list[str]:
    return [sys.executable, "-m", "reportgen.cli", "build", str(folder), "-o", str(target)]


def is_complete_report(data: bytes, path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        if archive.testzip() is not None:
            return False
    Document(str(path))
    return True


def assert_old_or_complete(target: Path, old: bytes, new: bytes) -> None:
    data = target.read_bytes()
    assert data in (old, new), "the report is neither the previous one nor a complete new one"
    if data == new:
        assert is_complete_report(data, target)
    leftovers = {p.name for p in target.parent.iterdir()} - {target.name, "报告.docx.manifest.json"}
    assert all(name.startswith(".报告.docx.") and name.endswith(".tmp") for name in leftovers)


def test_a_killed_build_leaves_the_previous_report(big_department, tmp_path):
    reference = tmp_path / "reference" / "报告.docx"
    start = time.perf_counter()
    subprocess.run(cli(big_department, reference), check=True, capture_output=True)
    duration = time.perf_counter() - start
    new = reference.read_bytes()
    assert is_complete_report(new, reference)
    old = (EXAMPLE.parent.parent / "templates" / "report.docx").read_bytes()  # any other docx
    outcomes = []
    for fraction in (0.1, 0.3, 0.5, 0.7, 0.85, 0.95, 1.05):
        out = tmp_path / f"kill-{fraction}"
        out.mkdir()
        target = out / "报告.docx"
        target.write_bytes(old)
        process = subprocess.Popen(cli(big_department, target), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction)
        process.kill()
        process.wait()
        assert_old_or_complete(target, old, new)
        outcomes.append(target.read_bytes() == new)
    assert not outcomes[0]  # killed long before the end: certainly the old report


SLOW_WRITER = """
import os, sys, time
real_fdopen = os.fdopen

class HalfThenWait:
    def __init__(self, handle):
        self.handle = handle
    def write(self, data):
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        print("HALF", flush=True)
        time.sleep(60)
        self.handle.write(data[len(data) // 2:])
    def __getattr__(self, name):
        return getattr(self.handle, name)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return self.handle.__exit__(*exc)

os.fdopen = lambda fd, *a, **k: HalfThenWait(real_fdopen(fd, *a, **k))
from reportgen.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_build_killed_while_writing_leaves_the_previous_report(big_department, tmp_path):
    """Deterministic: the child stops half-way through writing the report and is killed."""
    target = tmp_path / "报告.docx"
    target.write_bytes(GOOD)
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, "build", str(big_department), "-o", str(target)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "HALF"
        [partial] = temp_files(target)           # half a report exists, under another name
        assert partial.stat().st_size > 0 and partial.name.startswith(".")
    finally:
        process.kill()
        process.wait()
    assert target.read_bytes() == GOOD
    # The next build replaces the report, and a leftover once an hour old is cleared away.
    hours_ago = time.time() - 2 * 3600
    os.utime(partial, (hours_ago, hours_ago))
    assert main(["build", str(big_department), "-o", str(target)]) == 0
    assert is_complete_report(target.read_bytes(), target)
    assert temp_files(target) == []
