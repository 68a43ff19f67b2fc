"""What keeps a batch fast and linear, checked by behaviour rather than by timing."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

from reportgen import output
from reportgen.build import build_one
from reportgen.output import write_atomically
from reportgen.render.template import COMPRESS_LEVEL


def _deflate(data: bytes, level: int) -> int:
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return len(packer.compress(data) + packer.flush())


def test_the_rendered_document_is_deflated_at_the_level_the_code_says(example_dir, tmp_path):
    built = build_one(example_dir, tmp_path / "r.docx")
    with zipfile.ZipFile(io.BytesIO(built.output.read_bytes())) as archive:
        info = archive.getinfo("word/document.xml")
        data = archive.read(info)
    assert COMPRESS_LEVEL == 1
    assert info.compress_type == zipfile.ZIP_DEFLATED
    assert info.compress_size == _deflate(data, COMPRESS_LEVEL)
    assert info.compress_size != _deflate(data, 6)  # the level is really applied


def test_many_writes_into_one_folder_list_it_once(tmp_path, monkeypatch):
    listed: list[Path] = []
    scan = output._scan

    def counting_scan(folder: Path):
        listed.append(folder)
        return scan(folder)

    monkeypatch.setattr(output, "_scan", counting_scan)
    monkeypatch.setattr(output, "_scans", {})
    for i in range(50):
        write_atomically(tmp_path / f"报告{i}.docx", b"x", durable=False)
    assert listed == [tmp_path.resolve()]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"报告{i}.docx" for i in range(50))


def test_stale_leftovers_found_by_the_one_listing_are_removed_per_target(tmp_path, monkeypatch):
    monkeypatch.setattr(output, "_scans", {})
    old = time.time() - 2 * 3600
    leftovers = {name: tmp_path / f".{name}.0badf00d.tmp" for name in ("甲.docx", "乙.docx")}
    for path in leftovers.values():
        path.write_bytes(b"partial")
        os.utime(path, (old, old))
    write_atomically(tmp_path / "甲.docx", b"new", durable=False)
    assert not leftovers["甲.docx"].exists()
    assert leftovers["乙.docx"].exists()  # another report's: removed when that one is written
    write_atomically(tmp_path / "乙.docx", b"new", durable=False)
    assert not leftovers["乙.docx"].exists()


COLD_BUILD = """
import sys
from reportgen.cli import main
code = main(sys.argv[1:])
print(sorted(m for m in ("docxtpl", "docx", "xml.sax.saxutils", "urllib.request") if m in sys.modules))
sys.exit(code)
"""


def test_a_cold_build_imports_docxtpl_only_until_its_patch_step_is_cached(example_dir, tmp_path):
    env = {**os.environ, "REPORTGEN_CACHE_DIR": str(tmp_path / "cache")}
    outputs, imported = [], []
    for i in range(2):
        out = tmp_path / f"r{i}.docx"
        result = subprocess.run([sys.executable, "-c", COLD_BUILD, "build", str(example_dir),
                                 "-o", str(out)], capture_output=True, text=True, env=env,
                                check=False)
        assert result.returncode in (0, 1), result.stderr
        imported.append(result.stdout.strip().splitlines()[-1])
        outputs.append(out.read_bytes())
    assert imported == ["['docx', 'docxtpl']", "[]"]
    assert outputs[0] == outputs[1]
    assert len(list((tmp_path / "cache").glob("patched-*.json"))) == 1


def test_a_broken_cache_file_is_patched_again(example_dir, tmp_path, monkeypatch):
    from reportgen.render import patch_cache

    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(tmp_path))
    sources = {"word/document.xml": "<w:p><w:r><w:t>{{ 单位名称 }}</w:t></w:r></w:p>"}
    first = patch_cache.patched_parts(sources)
    [cached] = tmp_path.glob("patched-*.json")
    cached.write_text("{not json", encoding="utf-8")
    assert patch_cache.patched_parts(sources) == first
    assert patch_cache.patched_parts(sources) == first  # rewritten whole
