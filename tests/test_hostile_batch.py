"""Hostile batches and build records: Ctrl+C, names that are not UTF-8 or hold control
characters, two folders claiming one report, inputs leading outside the department,
concurrent builds, manifests that are not what they claim. No traceback, nothing written
but the outputs, a Chinese message naming the place."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import EXAMPLE, ROOT
from reportgen import cli
from reportgen.cli import main


@pytest.fixture(autouse=True)
def no_last_resort(monkeypatch):
    def reached(argv):
        raise AssertionError(f"the last-resort handler was reached: reportgen {argv}")

    monkeypatch.setattr(cli, "report_unexpected", reached)


def copy_example(folder: Path, name: str | None = None) -> Path:
    shutil.copytree(EXAMPLE, folder)
    if name is not None:
        data = folder / "data.yaml"
        data.write_text(data.read_text(encoding="utf-8").replace(
            "单位名称: 湘西土家族苗族自治州商务局", f"单位名称: {name}"), encoding="utf-8")
    return folder


def summary_rows(out: Path) -> list[tuple]:
    sheet = load_workbook(out / "汇总表.xlsx").worksheets[0]
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_names_not_utf8_and_control_characters_reach_the_summary(tmp_path, capsys):
    """Was: \\x01 or \\x07 in a folder or 单位名称 killed 汇总表.xlsx after every report was
    written; GBK folder names (a zip made on Windows) broke build records and messages."""
    root = tmp_path / "总"
    root.mkdir()
    gbk = os.fsdecode(os.fsencode(root) + b"/" + "财政局".encode("gbk"))
    copy_example(Path(gbk))
    copy_example(root / "控制\x07字符", name='"湘西\\x01商务局\\x07"')
    narratives = Path(gbk) / "narratives"
    (narratives / "职责概述.md").rename(os.fsdecode(os.fsencode(narratives) + b"/"
                                                + "职责概述.md".encode("gbk")))
    out = tmp_path / "输出"
    code = main(["batch", str(root), "-o", str(out)])
    said = capsys.readouterr()
    assert code == 1, said  # the example has check errors; both reports are built
    rows = {r[0]: r for r in summary_rows(out)}
    assert set(rows) == {"财政局", "控制字符"}
    assert rows["控制字符"][1] == "湘西商务局"
    assert all(r[[*rows.values()][0].index("成功") if "成功" in r else -1] for r in rows.values())
    assert "财政局" in said.out and "Traceback" not in said.err
    # the GBK-named narrative was found under its GBK reading, not replaced by a default
    assert "缺少“部门职责概述”" not in said.out + said.err
    assert main(["diff", *(str(p) for p in sorted(out.glob("*.docx.manifest.json")))]) == 0


def test_two_folders_claiming_one_report_are_both_errors_and_nothing_is_written(tmp_path,
                                                                                 capsys):
    root = tmp_path / "总"
    copy_example(root / "a" / "b")
    copy_example(root / "a-b")
    copy_example(root / "c")
    out = tmp_path / "输出"
    assert main(["batch", str(root), "-o", str(out)]) == 1
    said = capsys.readouterr().out
    assert "a/b、a-b 的报告文件名相同（a-b.docx），为免互相覆盖都不生成" in said
    assert not (out / "a-b.docx").exists() and (out / "c.docx").exists()
    status = {r[0]: r for r in summary_rows(out)}
    assert "失败" in status["a/b"] and "失败" in status["a-b"]


def test_inputs_outside_the_department_are_refused_in_a_batch(tmp_path, capsys):
    root = tmp_path / "总"
    linked = copy_example(root / "链接")
    (linked / "narratives" / "职责概述.md").unlink()
    (linked / "narratives" / "职责概述.md").symlink_to(tmp_path / "外面.md")
    (tmp_path / "外面.md").write_text("别处的文字。", encoding="utf-8")
    framed = copy_example(root / "框架")
    frameworks = tmp_path / "框架库"
    frameworks.mkdir()
    shutil.copy(ROOT / "reportgen" / "frameworks" / "xiangxi-2018.yaml", frameworks / "本地.yaml")
    data = framed / "data.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace(
        "评价框架: 湘西州本级2018", f"评价框架: {frameworks / '本地.yaml'}"), encoding="utf-8")
    out = tmp_path / "输出"
    assert main(["batch", str(root), "-o", str(out)]) == 1
    said = capsys.readouterr().out
    assert "职责概述.md：文字材料指向部门文件夹以外的文件" in said
    assert "评价框架指向部门文件夹以外的文件" in said
    assert sorted(p.name for p in out.glob("*.docx")) == []
    # an allowed folder of frameworks is accepted
    assert main(["batch", str(root), "-o", str(out), "--允许框架目录", str(frameworks)]) == 1
    assert (out / "框架.docx").exists() and not (out / "链接.docx").exists()


@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_stops_the_batch_writes_the_summary_of_what_finished_and_exits_130(
        tmp_path, jobs):
    root = tmp_path / "总"
    # far more than finish between the signal and its arrival, even on a quiet machine
    # where -j 2 builds 80 reports in under a second
    total = 400
    for i in range(total):
        copy_example(root / f"部门{i:02d}")
    out = tmp_path / "输出"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    process = subprocess.Popen([sys.executable, "-m", "reportgen.cli", "batch", str(root),
                                "-o", str(out), "-j", str(jobs)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    # Workers hand back chunks of 8: once 17 reports exist, one chunk of the two workers
    # has surely finished (one report at a time with -j 1).
    enough = 2 if jobs == 1 else 17
    deadline = time.monotonic() + 120
    while len(list(out.glob("*.docx"))) < enough and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.1)
    os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl+C does
    interrupted = time.monotonic()
    stdout, stderr = process.communicate(timeout=30)
    assert time.monotonic() - interrupted < 10, "the workers were not stopped promptly"
    assert process.returncode == 130, stderr
    assert "Traceback" not in stdout + stderr
    assert "[中断] 已按 Ctrl+C 停止：" in stderr and "个部门未生成" in stderr
    rows = summary_rows(out)
    assert len(rows) == total
    not_built = [r for r in rows if any(isinstance(c, str) and "Ctrl+C" in c for c in r)]
    assert 0 < len(not_built) < total
    missing = int(stderr.split("停止：")[1].split(" 个")[0])
    assert missing == len(not_built)


def _interrupted_while_writing(*args, **kwargs):
    """Ctrl+C in the middle of a zip, whose clean-up then fails on the half-closed file."""
    try:
        raise KeyboardInterrupt
    finally:
        raise ValueError("I/O operation on closed file.")  # noqa: B012 - what zipfile does


def test_ctrl_c_that_surfaces_as_a_clean_up_error_still_stops_the_batch(
        tmp_path, monkeypatch, capsys):
    """Was: under load a Ctrl+C that arrived while a report's zip was written surfaced as
    the ValueError of its clean-up; the batch took it for one department's failure, built
    the other 399 reports and exited 1 instead of 130."""
    import reportgen.build

    root = tmp_path / "总"
    for i in range(3):
        copy_example(root / f"部门{i}")
    monkeypatch.setattr(reportgen.build, "build_one", _interrupted_while_writing)
    assert main(["batch", str(root), "-o", str(tmp_path / "输出")]) == 130
    said = capsys.readouterr().err
    assert "[中断] 已按 Ctrl+C 停止：3 个部门未生成" in said and "Traceback" not in said


def test_ctrl_c_behind_an_unexpected_error_exits_130_not_4(tmp_path, monkeypatch, capsys):
    import reportgen.build

    monkeypatch.setattr(reportgen.build, "build_one", _interrupted_while_writing)
    assert main(["build", str(copy_example(tmp_path / "部门")), "-o",
                 str(tmp_path / "报告.docx")]) == 130
    assert "[中断] 已按 Ctrl+C 停止" in capsys.readouterr().err


def test_concurrent_builds_of_one_output_leave_a_record_that_matches_the_report(tmp_path):
    """Was: two builds interleaved report and record writes; the record beside the
    report could describe the other build's report."""
    import hashlib
    import json

    from reportgen.build import build_one

    one = copy_example(tmp_path / "甲")
    two = copy_example(tmp_path / "乙", name="另一个局")
    out = tmp_path / "报告.docx"
    errors: list[BaseException] = []

    def build(folder: Path) -> None:
        try:
            for _ in range(3):
                build_one(folder, out)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=build, args=(f,)) for f in (one, two)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    record = json.loads((tmp_path / "报告.docx.manifest.json").read_text(encoding="utf-8"))
    assert record["输出摘要"] == hashlib.sha256(out.read_bytes()).hexdigest()


@pytest.mark.parametrize(("content", "why"), [
    ('{"指标":[1,2,3]}', "“指标”中的每一项应有“名称”"),
    ("[" * 100_000, "嵌套过深"),
    ('{"指标":[{"名称":"x","值":{"a":1}}]}', "指标“x”的值或得分不是文字或数字"),
    ('{"指标": "全部"}', "缺少“指标”列表"),
    ("{", "不是有效的 JSON"),
])
def test_foreign_or_hostile_manifests_are_named_in_diff_and_ignored_by_build(
        tmp_path, capsys, content, why):
    record = tmp_path / "报告.docx.manifest.json"
    record.write_text(content, encoding="utf-8")
    assert main(["diff", str(record), str(EXAMPLE)]) == 2
    said = capsys.readouterr()
    assert "报告.docx.manifest.json" in said.err
    assert f"不是 reportgen 生成的 .manifest.json 文件（{why}）" in said.err
    assert main(["build", str(EXAMPLE), "-o", str(tmp_path / "报告.docx")]) == 0
    assert "首次生成" in capsys.readouterr().out  # the foreign record is replaced, not read


def test_a_manifest_that_is_a_pipe_or_folder_is_named_in_diff(tmp_path, capsys):
    os.mkfifo(tmp_path / "管道.json")
    assert main(["diff", str(tmp_path / "管道.json"), str(EXAMPLE)]) == 2
    assert "这是一个命名管道（FIFO）" in capsys.readouterr().err


def test_init_onto_a_file_or_a_pseudo_file_system(tmp_path, capsys):
    (tmp_path / "已有").write_text("x")
    assert main(["init", str(tmp_path / "已有")]) == 2
    assert "已有：已存在同名的文件（不是文件夹）" in capsys.readouterr().err
    assert main(["init", "/proc/self/新部门"]) == 2
    assert "/proc/self/新部门：无法创建部门文件夹" in capsys.readouterr().err
    assert (tmp_path / "已有").read_text() == "x"


def test_a_full_disk_when_the_record_is_written_keeps_the_report_and_no_stale_record(
        tmp_path, monkeypatch, capsys):
    """The report is the deliverable: written. A record that cannot be written is not
    left behind describing the previous report."""
    import errno

    from reportgen import output

    out = tmp_path / "报告.docx"
    assert main(["build", str(EXAMPLE), "-o", str(out)]) == 0
    capsys.readouterr()
    old_record = (tmp_path / "报告.docx.manifest.json").read_bytes()
    real = output._create_temp

    def full_for_records(path):
        if path.name.endswith(".manifest.json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path)

    monkeypatch.setattr(output, "_create_temp", full_for_records)
    other = copy_example(tmp_path / "乙", name="另一个局")
    assert main(["build", str(other), "-o", str(out)]) == 0
    said = capsys.readouterr()
    assert "生成记录未能写入（无法写入输出文件：磁盘空间不足）" in said.err
    assert "另一个局" in Document_text(out)
    assert not (tmp_path / "报告.docx.manifest.json").exists()
    assert old_record  # the earlier record existed and is gone rather than wrong


def Document_text(path: Path) -> str:  # noqa: N802 - reads like python-docx's Document
    from docx import Document

    return "\n".join(p.text for p in Document(str(path)).paragraphs)
