"""PDF through LibreOffice: many reports per `soffice` call, each one bounded in time.

Starting LibreOffice costs about 0.3 s of CPU (over a second without the profile set-up
below); converting one more ~24-page report in the same call about 0.4 s. So a batch hands each worker's reports to one `soffice
--convert-to pdf` call (a listener driven over UNO would need LibreOffice's own Python,
python3-uno, which a venv does not see). Each worker keeps one private profile for all
its calls: parallel calls sharing a profile would hand their files to each other.

A file that makes LibreOffice hang or crash must cost that file only. LibreOffice
converts the files of a call in order, so the call is watched: when no new finished
PDF appears for `timeout` seconds, the whole process group is killed (`soffice` is a
script that forks soffice.bin). The file it was working on is retried once on its own;
the files after it go on in a new call. A file that fails twice is reported in Chinese;
its .docx stays where it is. After three such hangs in a row LibreOffice converts a
one-line text file: if that fails too, LibreOffice itself is broken and the process stops
starting it for a while instead of paying two time-outs per report; if it works, the three
reports were bad and the rest go on.

Each process's profile records the installed version, which spares every start
LibreOffice's graphics self-tests (see PROFILE_SETTINGS).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..findings import InputError, error
from ..output import write_atomically

TIMEOUT_SECONDS = 30.0  # per report, LibreOffice's start included: a 21-page report takes ~1 s
POLL_SECONDS = 0.1
INSTALL_HINT = ("未找到 LibreOffice，无法生成 PDF；请安装：sudo apt-get install "
                "libreoffice-writer-nogui（Windows 请安装 LibreOffice 并把 soffice 加入 PATH）")


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@dataclass
class _Profile:
    """One LibreOffice profile per process, made on first use, removed at exit."""

    pid: int
    path: Path


_profile: _Profile | None = None
PROFILE_PREFIX = "reportgen-lo-"  # then the owner's pid: a dead owner's profile is swept


def profile_dir() -> Path:
    global _profile
    if _profile is None or _profile.pid != os.getpid():  # a forked worker makes its own
        _sweep_orphans()
        path = Path(tempfile.mkdtemp(prefix=f"{PROFILE_PREFIX}{os.getpid()}-"))
        _profile = _Profile(os.getpid(), path)
        # multiprocessing's finalizers run at exit in the main process and in pool workers
        # alike (atexit handlers do not run in forked workers).
        from multiprocessing import util

        util.Finalize(None, shutil.rmtree, args=(str(path), True), exitpriority=0)
    seed_profile(_profile.path)
    return _profile.path


# LibreOffice runs about a hundred graphics self-tests (≈0.8 s of CPU, user/
# GraphicsRenderTests.log) at every start whose profile has not recorded the running
# version as its last one; only the first start of the desktop records it, so a headless
# profile pays them on every call. A new profile says it has seen this version already.
PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" \
oor:op="fuse"><value>{version}</value></prop></item>
</oor:items>
"""
_VERSION = re.compile(rb'<prop oor:name="ooSetupVersion"[^>]*>\s*<value>(\d+\.\d+)<')


def seed_profile(path: Path) -> None:
    """Record the installed version in the profile folder `path` (new or not yet used by
    LibreOffice, which keeps the setting once it writes its own)."""
    settings = path / "user" / "registrymodifications.xcu"
    if settings.exists():
        return
    soffice = find_soffice()
    version = installed_version(soffice) if soffice else None
    if version is None:  # not found: LibreOffice works as before, only slower to start
        return
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(PROFILE_SETTINGS.format(version=version), encoding="utf-8")


@functools.cache
def installed_version(soffice: str) -> str | None:
    """LibreOffice's major.minor version ("7.4") as its configuration states it (read from
    share/registry/main.xcd beside program/soffice, a few ms; `soffice --version` would
    start LibreOffice)."""
    program = Path(soffice).resolve().parent
    for registry in (program.parent / "share" / "registry",  # Linux, Windows
                     program.parent / "Resources" / "registry"):  # macOS
        try:
            found = _VERSION.search((registry / "main.xcd").read_bytes())
        except OSError:
            continue
        if found:
            return found.group(1).decode()
    return None


def _sweep_orphans() -> None:
    """Remove the profiles of processes that were killed before their finalizer ran."""
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows
        return
    for path in Path(tempfile.gettempdir()).glob(f"{PROFILE_PREFIX}*-*"):
        pid = path.name.removeprefix(PROFILE_PREFIX).split("-", 1)[0]
        if not pid.isdigit() or not path.is_dir() or path.is_symlink():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except (PermissionError, OverflowError, OSError):
            continue  # alive (another user's) or not ours to judge


# One bad report hangs LibreOffice on itself; a LibreOffice that hangs on every report (a
# broken installation) would cost each report two time-outs, a batch hours. After
# HUNG_IN_A_ROW reports in a row hung twice each, none converted between them, a one-line
# text file is converted: only if that fails too does this process stop trying for
# GIVE_UP_SECONDS and fail the rest at once (bad reports in a row cost only themselves).
HUNG_IN_A_ROW = 3
GIVE_UP_SECONDS = 300.0


@dataclass
class _Hangs:
    pid: int
    in_a_row: int = 0
    given_up_at: float | None = None

    def given_up(self) -> bool:
        if self.given_up_at is not None and time.monotonic() - self.given_up_at >= GIVE_UP_SECONDS:
            self.in_a_row, self.given_up_at = 0, None
        return self.given_up_at is not None

    def count(self, hung: bool) -> None:
        self.in_a_row = self.in_a_row + 1 if hung else 0

    def suspect(self) -> bool:
        return self.in_a_row >= HUNG_IN_A_ROW

    def give_up(self) -> None:
        self.given_up_at = time.monotonic()


_hangs = _Hangs(os.getpid())


def _hang_record() -> _Hangs:
    global _hangs
    if _hangs.pid != os.getpid():  # a forked worker counts its own
        _hangs = _Hangs(os.getpid())
    return _hangs


def convert_to_pdf(docx: Path, timeout: float | None = None) -> Path:
    """docx → docx.with_suffix('.pdf'), written atomically; InputError saying why not."""
    problem = convert_many([docx], timeout).get(docx)
    if problem:
        raise InputError([error(problem, str(docx))])
    return docx.with_suffix(".pdf")


def convert_many(files: list[Path], timeout: float | None = None) -> dict[Path, str]:
    """Convert each .docx to a PDF beside it. Returns the problem (in Chinese: what went
    wrong, not what became of the report) of each file that could not be converted; files
    converted are absent from the result. `timeout`:
    seconds without progress before LibreOffice is killed (default TIMEOUT_SECONDS)."""
    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    soffice = find_soffice()
    if soffice is None:
        return dict.fromkeys(files, INSTALL_HINT)
    problems: dict[Path, str] = {}
    pending = list(dict.fromkeys(files))
    with tempfile.TemporaryDirectory(prefix="reportgen-pdf-") as work:
        outdir = Path(work)
        while pending:
            hangs = _hang_record()
            if hangs.given_up():
                problems.update(dict.fromkeys(pending, _gave_up(timeout)))
                break
            group = _same_stem_once(pending)
            pending = [f for f in pending if f not in set(group)]
            _run(soffice, group, outdir, timeout)
            stuck = _collect(group, outdir, problems)
            if stuck is None or stuck != group[0]:
                hangs.count(hung=False)  # some converted
            if stuck is None:
                continue
            # LibreOffice stopped on `stuck`: retry it alone once, then the rest anew.
            index = group.index(stuck)
            pending = group[index + 1:] + pending
            retry = _run(soffice, [stuck], outdir, timeout)
            if _collect([stuck], outdir, problems) is not None:
                problems[stuck] = _reason(retry, timeout)
                hangs.count(hung=retry.hung)
                if hangs.suspect():
                    if _still_converts(soffice, timeout):
                        hangs.count(hung=False)  # the reports were bad, not LibreOffice
                    else:
                        hangs.give_up()
            else:
                hangs.count(hung=False)
    return problems


@dataclass
class _Result:
    hung: bool
    code: int | None
    stderr: str


# The blank page LibreOffice inserts before the body (it opens on an odd page) is printed:
# without it a PDF printed on both sides puts "— 1 —" on the back of the cover.
PDF_FILTER = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'


def _run(soffice: str, group: list[Path], outdir: Path, timeout: float) -> _Result:
    for stale in outdir.iterdir():
        stale.unlink()
    args = [soffice, f"-env:UserInstallation={profile_dir().as_uri()}", "--headless",
            "--norestore", "--nologo", "--nodefault", "--convert-to", PDF_FILTER,
            "--outdir", str(outdir), *map(str, group)]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=log, start_new_session=True)
        _running[os.getpid()] = (process, outdir)
        restore = _end_with_this_process()
        try:
            hung = _watch(process, outdir, timeout)
        except BaseException:  # Ctrl+C in a -j 1 batch, or any error: LibreOffice stops too
            _kill(process)
            raise
        finally:
            _running.pop(os.getpid(), None)
            restore()
        log.seek(0)
        stderr = log.read().decode("utf-8", "replace")
    return _Result(hung, process.returncode, stderr)


# LibreOffice runs in a session of its own (so that a hang can be killed with all it
# started): a process told to end must end it, or it goes on converting for nobody.
_running: dict[int, tuple[subprocess.Popen, Path]] = {}  # pid → the call under way


def end_conversions() -> None:
    """Kill this process's LibreOffice call under way; remove its folder and profile."""
    call = _running.pop(os.getpid(), None)
    if call is not None:
        _kill(call[0])
        shutil.rmtree(call[1], ignore_errors=True)
    if _profile is not None and _profile.pid == os.getpid():
        shutil.rmtree(_profile.path, ignore_errors=True)


def _end_with_this_process() -> Callable[[], object]:
    """While a call runs, SIGTERM (a batch worker ended at Ctrl+C) ends LibreOffice first,
    then does what it did before: the program's own handler, or the default ending.
    Returns what restores the previous handler."""
    if (threading.current_thread() is not threading.main_thread()
            or not hasattr(signal, "SIGTERM")):
        return lambda: None
    previous = signal.getsignal(signal.SIGTERM)
    if previous in (signal.SIG_IGN, None):  # ignored, or set outside Python: not ours
        return lambda: None

    def on_terminate(signum: int, frame: object) -> None:
        end_conversions()
        if callable(previous):
            previous(signum, frame)
            return
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    signal.signal(signal.SIGTERM, on_terminate)
    return lambda: signal.signal(signal.SIGTERM, previous)


def _kill(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _watch(process: subprocess.Popen, outdir: Path, timeout: float) -> bool:
    """Wait for the call; kill its process group when no PDF has appeared for `timeout`."""
    done, last = 0, time.monotonic()
    while True:
        try:
            process.wait(POLL_SECONDS)
            return False
        except subprocess.TimeoutExpired:
            pass
        now_done = sum(1 for _ in os.scandir(outdir))
        if now_done != done:
            done, last = now_done, time.monotonic()
        elif time.monotonic() - last > timeout:
            _kill(process)
            return True


def _collect(group: list[Path], outdir: Path, problems: dict[Path, str]) -> Path | None:
    """Move each finished PDF beside its .docx; the first file without one is returned."""
    for docx in group:
        produced = outdir / f"{docx.stem}.pdf"
        data = produced.read_bytes() if produced.exists() else b""
        if not _complete(data):
            return docx
        try:
            write_atomically(docx.with_suffix(".pdf"), data, durable=False)
        except InputError as exc:
            problems[docx] = exc.findings[0].message
    return None


PROBE_NAME = "reportgen-probe"


def _still_converts(soffice: str, timeout: float) -> bool:
    """Whether LibreOffice converts a one-line text file: known good input, so a failure
    is LibreOffice's own."""
    with tempfile.TemporaryDirectory(prefix="reportgen-probe-") as work:
        source, outdir = Path(work) / "source", Path(work) / "pdf"
        source.mkdir()
        outdir.mkdir()
        text = source / f"{PROBE_NAME}.txt"
        text.write_text("reportgen\n", encoding="utf-8")
        result = _run(soffice, [text], outdir, timeout)
        converted = outdir / f"{PROBE_NAME}.pdf"
        return not result.hung and converted.exists() and _complete(converted.read_bytes())


def _complete(pdf: bytes) -> bool:
    """A killed export leaves a PDF without its trailer."""
    return pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-1024:]


def _same_stem_once(files: list[Path]) -> list[Path]:
    """One call writes every PDF into one folder by stem: no two files with one stem."""
    seen: set[str] = set()
    group = []
    for f in files:
        if f.stem not in seen:
            seen.add(f.stem)
            group.append(f)
    return group


def _gave_up(timeout: float) -> str:
    return (f"LibreOffice 已连续 {HUNG_IN_A_ROW} 份报告超过 {timeout:g} 秒无进展，看来是 "
            f"LibreOffice 本身无法工作，{GIVE_UP_SECONDS / 60:g} 分钟内不再尝试；请先确认 "
            "soffice --headless --convert-to pdf 能转换一份报告，再重新生成 PDF")


def _reason(result: _Result, timeout: float) -> str:
    if result.hung:
        what = f"LibreOffice 处理该报告超过 {timeout:g} 秒无进展，已终止"
    elif result.code:
        what = f"LibreOffice 处理该报告时异常退出（退出码 {result.code}）"
    else:
        detail = next((line for line in result.stderr.splitlines()
                       if line.strip() and "javaldx" not in line), "")
        what = "LibreOffice 未能转换该报告" + (f"（{detail.strip()[:200]}）" if detail else "")
    return f"{what}，重试一次仍失败"  # the caller says what became of the report
