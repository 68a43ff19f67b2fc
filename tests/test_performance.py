"""What keeps a batch fast and linear, checked by behaviour rather than by timing."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

from conftest import EXAMPLE
from reportgen import output
from reportgen.build import build_one
from reportgen.output import write_atomically
from reportgen.render.lint import read_package
from reportgen.render.prepatched import patch, patched_parts, sidecar_path
from reportgen.render.template import COMPRESS_LEVEL, prepatched_sidecar, template_parts
from reportgen.resources import data_dir


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


def cold_build(example_dir, out, home, template=None):
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}
    extra = ["--template", str(template)] if template else []
    result = subprocess.run([sys.executable, "-c", COLD_BUILD, "build", str(example_dir),
                             "-o", str(out), *extra], capture_output=True, text=True, env=env,
                            check=False)
    assert result.returncode in (0, 1), result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_a_cold_build_of_the_shipped_template_imports_no_docxtpl_and_writes_nothing_else(
        example_dir, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    out = tmp_path / "out"
    imported = [cold_build(example_dir, out / f"r{i}.docx", home) for i in range(2)]
    assert imported == ["[]", "[]"]
    assert (out / "r0.docx").read_bytes() == (out / "r1.docx").read_bytes()
    assert list(home.rglob("*")) == []  # no cache, nothing but the output
    assert sorted(p.name for p in out.iterdir()) == [
        "r0.docx", "r0.docx.manifest.json", "r1.docx", "r1.docx.manifest.json"]


def test_a_custom_template_is_patched_in_memory_and_renders_the_same(example_dir, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    custom = tmp_path / "custom.docx"
    shutil.copyfile(data_dir("templates") / "report.docx", custom)
    assert cold_build(example_dir, tmp_path / "custom-out.docx", home, custom) \
        == "['docx', 'docxtpl']"
    cold_build(example_dir, tmp_path / "shipped-out.docx", home)
    assert (tmp_path / "custom-out.docx").read_bytes() \
        == (tmp_path / "shipped-out.docx").read_bytes()
    assert list(home.rglob("*")) == []


def test_the_shipped_patched_parts_are_docxtpls_patch_of_the_shipped_template():
    template = data_dir("templates") / "report.docx"
    stored = json.loads(sidecar_path(template).read_text(encoding="utf-8"))
    current = json.loads(prepatched_sidecar(template))
    assert stored == current, "run python templates/build_template.py"
    entries, _ = read_package(template)
    split, _ = template_parts(entries, str(template))
    sources = {part: source for part, (_, source, _) in split.items()}
    assert patched_parts(sources, template) == patch(sources)
    assert "{{p " not in "".join(stored["parts"].values())  # patched, not a copy


def test_a_stale_sidecar_is_not_used(tmp_path, monkeypatch):
    from reportgen.render import prepatched

    monkeypatch.setattr(prepatched, "docxtpl_version", lambda: "0.0-other")
    template = data_dir("templates") / "report.docx"
    sources = {"word/document.xml": "<w:p><w:r><w:t>{{p 引言 }}</w:t></w:r></w:p>"}
    assert patched_parts(sources, template) == {"word/document.xml": "{{ 引言 }}"}


def test_a_batchs_parent_keeps_what_repeats_across_departments_once(tmp_path):
    """Pickled back from the workers, each department's names, units and scores arrive as
    copies; the parent keeps one of each, and the cells read back as they were built."""
    from reportgen.batch import indicator_cells, run_batch
    from reportgen.pipeline import evaluate

    root = tmp_path / "全州"
    for name in ("甲", "乙", "丙"):
        shutil.copytree(EXAMPLE, root / name)
    outcomes = run_batch(root, tmp_path / "out", jobs=2, chunk=1)
    assert [o.ok for o in outcomes] == [True, True, True]
    first, *others = outcomes
    assert len(first.indicators) == len(evaluate(EXAMPLE).scorecard.results) > 10
    assert list(first.indicators) == list(indicator_cells(evaluate(root / "丙")))
    for other in others:
        assert other.indicators.heads is first.indicators.heads
        assert other.framework is first.framework
        assert other.indicators.texts == first.indicators.texts  # copies of one department
        shared = [(mine, theirs) for i, (mine, theirs)
                  in enumerate(zip(other.indicators.texts, first.indicators.texts, strict=True))
                  if i % 3 and mine is not None]  # results and scores; values are not pooled
        assert shared and all(mine is theirs for mine, theirs in shared)


def test_after_the_first_render_output_that_is_not_xml_is_still_refused(example_dir):
    """Later renders are checked without building a tree: still well-formed or refused."""
    import pytest

    from reportgen.build import load_template, template_context
    from reportgen.compose import compose_report
    from reportgen.findings import InputError
    from reportgen.pipeline import evaluate
    from reportgen.render.template import CompiledTemplate
    from reportgen.render.wordml import RawXml

    shipped = data_dir("templates") / "report.docx"
    compiled = CompiledTemplate(shipped)
    assert all(part.bound for part in compiled.parts.values())  # the shipped one: fast path
    context = template_context(compose_report(evaluate(example_dir))[0])
    good = compiled.render(context)
    assert compiled.render(context) == good == load_template(shipped).render(context)
    section = next(k for k, v in context.items() if isinstance(v, RawXml))
    for broken in ("<w:p><w:r><w:t>未闭合</w:t></w:r>", "<w:p></w:r></w:p>", "<w:p>&nbsp;</w:p>"):
        with pytest.raises(InputError) as caught:
            compiled.render({**context, section: RawXml(broken)})
        assert "不是合法的 XML" in caught.value.findings[0].message


def test_a_template_using_an_undeclared_prefix_is_parsed_as_a_tree_every_time():
    from reportgen.render.template import _prefixes_bound

    declared = '<w:document xmlns:w="urn:w" xmlns:v="urn:v"><w:body>'
    assert _prefixes_bound(declared + '{% if x %}<v:shape w:id="1"/>{% endif %}</w:body>')
    assert _prefixes_bound(declared + '<w:t xml:space="preserve">a</w:t></w:body>')
    assert not _prefixes_bound(declared + "{% if x %}<o:lock/>{% endif %}</w:body>")
    assert not _prefixes_bound(declared + '<w:p wp14:paraId="1"/></w:body>')


def test_an_input_below_the_department_through_no_link_is_inside_without_resolving(tmp_path):
    """The shortcut that spares two realpath walks per input keeps every refusal."""
    from reportgen.inputs.confine import Confinement

    dept, outside = tmp_path / "部门", tmp_path / "外面"
    (dept / "narratives").mkdir(parents=True)
    outside.mkdir()
    (outside / "职责概述.md").write_text("外面", encoding="utf-8")
    (dept / "narratives" / "职责概述.md").write_text("里面", encoding="utf-8")
    (dept / "linked").symlink_to(outside)  # a folder leading out
    (dept / "narratives" / "link.md").symlink_to(outside / "职责概述.md")
    batch = Confinement(refuse=True)
    assert batch.check(dept / "narratives" / "职责概述.md", dept, "文字材料") is None
    for path in (dept / "linked" / "职责概述.md", dept / "narratives" / "link.md",
                 dept / "narratives" / ".." / ".." / "外面" / "职责概述.md"):
        finding = batch.check(path, dept, "文字材料")
        assert finding is not None and finding.is_error and "部门文件夹以外" in finding.message
    (tmp_path / "别名").symlink_to(dept)  # the department itself reached by a link: inside
    assert batch.check(tmp_path / "别名" / "narratives" / "职责概述.md", tmp_path / "别名",
                       "文字材料") is None
