"""End to end in a real browser: Debian's Chromium driven by Playwright against
`reportgen serve` on 127.0.0.1.

The administrator creates a department; the department logs in, uploads a 填报表 with an
error, sees the message at its cell, fixes it in the form, edits a narrative, builds,
downloads the .docx — which is opened here and searched for the figures — and another
department cannot reach any of it. Set REPORTGEN_SHOTS=folder to keep screenshots.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
sync_api = pytest.importorskip("playwright.sync_api")

from reportgen.web import auth  # noqa: E402
from web_helpers import CHEAP_HASHER, PASSWORDS, free_port, make_root  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Chromium is not installed (.ci/run installs it)")


@pytest.fixture
def server(tmp_path: Path, monkeypatch):
    """reportgen serve's app under uvicorn in a thread, on 127.0.0.1 only."""
    import uvicorn

    from reportgen.web.app import create_app

    monkeypatch.setattr(auth, "_hasher", CHEAP_HASHER)
    root = make_root(tmp_path / "root")
    port = free_port()
    config = uvicorn.Config(create_app(root), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    yield f"http://127.0.0.1:{port}", root
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def shot(page, name: str) -> None:
    folder = os.environ.get("REPORTGEN_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def log_in(page, base: str, name: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def cell_of(key: str) -> tuple[str, str]:
    """(sheet, coordinate) of a 填报表 field, from the shared sheet layout."""
    from reportgen.workbook.layout import VALUE_COLUMN, Field, fields, placed

    for sheet, entry in fields():
        if entry.key == key:
            row = next(p.row for p in placed(sheet) if p.entry is entry)
            assert isinstance(entry, Field)
            return sheet.name, f"{VALUE_COLUMN}{row}"
    raise KeyError(key)


FIGURES = {
    "基本信息/单位名称": "浏览器测试局",
    "基本信息/年度": 2023,
    "收支/收入决算数/合计": "六千九百万",  # the error: words where a number belongs
    "收支/支出决算数/合计": 6504.18,
    "收支/年初结转和结余/合计": 412.5,
    "收支/年末结转和结余/合计": 835.64,
    "预算/年初预算": 4210.0,
    "预算/本年追加预算": 2388.96,
}


def filled_workbook(blank: bytes) -> bytes:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(blank))
    for key, value in FIGURES.items():
        sheet, coord = cell_of(key)
        wb[sheet][coord] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_department_fills_in_checks_builds_and_downloads_its_report(server, browser,
                                                                      tmp_path: Path) -> None:
    base, root = server
    admin = browser.new_context(accept_downloads=True).new_page()

    # 1. the bureau administrator creates the department and its account
    log_in(admin, base, "admin", PASSWORDS["admin"])
    assert admin.url == f"{base}/bureau"
    admin.fill("input[name=ident]", "browser-dept")
    admin.select_option("select[name=framework]", "湘西州本级2018")
    admin.fill("input[name=account]", "clerk")
    admin.click("text=新建部门和账号")
    password = admin.text_content("code.password").strip()
    assert len(password) >= 12
    shot(admin, "01-created")
    admin.goto(f"{base}/bureau")
    shot(admin, "02-bureau")
    assert "browser-dept" in admin.text_content("table.departments")

    # 2. the department logs in and uploads a 填报表 with an error
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    log_in(page, base, "clerk", password)
    assert page.url.endswith("/d/browser-dept")
    assert "未开始" in page.text_content("h1")
    with page.expect_download() as blank:
        page.click("text=下载空白填报表")
    workbook = tmp_path / "data.xlsx"
    workbook.write_bytes(filled_workbook(Path(blank.value.path()).read_bytes()))
    page.set_input_files("input[type=file]", str(workbook))
    page.click("text=上传并检查")
    assert "已上传" in page.text_content(".notice")
    assert "数据有误" in page.text_content("h1")
    shot(page, "03-department-with-error")

    # 3. the message links to its cell; the form shows it there
    sheet, coord = cell_of("收支/收入决算数/合计")
    page.click(f"ul.findings a[href$='form#cell-{sheet}-{coord}']")
    field = page.locator(f"[id='cell-{sheet}-{coord}']")
    assert "错误" in field.locator(".cell-error").first.text_content()
    assert field.locator("input").input_value() == "六千九百万"
    shot(page, "04-form-error-at-cell")

    # 4. fixed in the form
    field.locator("input").fill("6927.32")
    page.click("text=保存并检查")
    assert "已保存" in page.text_content(".notice")
    assert page.locator(f"[id='cell-{sheet}-{coord}'] .cell-error").count() == 0
    assert page.locator(f"[id='cell-{sheet}-{coord}'] input").input_value() == "6927.32"

    # 5. a narrative, with a data reference filled in by the preview
    page.goto(f"{base}/d/browser-dept/narratives/职责概述")
    text = "本局负责全县商务工作。{{ 年度 }}年收入决算数为{{ 收入决算数 }}万元。"
    page.fill("textarea[name=text]", text)
    # htmx posts the text as it is typed; the preview fills in the figures
    sync_api.expect(page.locator("#preview")).to_contain_text(
        "2023年收入决算数为6927.32万元", timeout=15000)
    shot(page, "05-narrative-preview")
    page.click("button:text('保存')")
    assert "已保存" in page.text_content(".notice")
    assert (root / "browser-dept" / "narratives" / "职责概述.md").read_text(
        encoding="utf-8") == text

    # 6. build and download the .docx; the figures are in it
    page.goto(f"{base}/d/browser-dept")
    page.click("text=生成 Word 报告")
    assert "报告已生成" in page.text_content(".notice")
    assert "第1次" in page.text_content("table.history")
    shot(page, "06-built")
    with page.expect_download() as report:
        page.click("table.history a:text('Word')")
    assert report.value.suggested_filename.endswith(".docx")
    from docx import Document

    from conftest import plain

    doc = Document(report.value.path())
    body = plain("\n".join(p.text for p in doc.paragraphs))
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "浏览器测试局" in body
    assert "本局负责全县商务工作。2023年收入决算数为6927.32万元。" in body
    assert "6927.32" in cells and "6504.18" in cells

    # 7. another department cannot reach any of it
    intruder = browser.new_context(accept_downloads=True).new_page()
    log_in(intruder, base, "other", PASSWORDS["other"])
    for path in ("/d/browser-dept", "/d/browser-dept/form", "/d/browser-dept/data",
                 "/d/browser-dept/narratives/职责概述"):
        response = intruder.goto(f"{base}{path}")
        assert response.status == 404, path
        assert "浏览器测试局" not in intruder.content()
    response = intruder.request.get(f"{base}/d/browser-dept/builds/1/report.docx")
    assert response.status == 404 and not response.body().startswith(b"PK")
    shot(intruder, "07-intruder")


def test_pages_work_as_plain_forms_without_javascript(server, browser) -> None:
    base, root = server
    page = browser.new_context(java_script_enabled=False).new_page()
    log_in(page, base, "xxsw", PASSWORDS["xxsw"])
    page.goto(f"{base}/d/xxsw/narratives/建议和请求")
    page.fill("textarea[name=text]", "无脚本也能保存。")
    page.click("button:text('保存')")
    assert "已保存" in page.text_content(".notice")
    assert (root / "xxsw" / "narratives" / "建议和请求.md").read_text(encoding="utf-8") == \
        "无脚本也能保存。"
    page.goto(f"{base}/d/xxsw")
    assert re.search(r"总分\s*90\.47", page.text_content("#check"))
    shot(page, "08-department-seed")
