"""The web page at the HTTP level: roles on every route, CSRF, the version check, uploads,
passwords, cookies, the login rate limit and the audit log."""

from __future__ import annotations

import io
import sqlite3
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("argon2")

from fastapi.testclient import TestClient  # noqa: E402

from reportgen.web import auth  # noqa: E402
from reportgen.web.app import create_app  # noqa: E402
from reportgen.web.store import DB_NAME, STATE_DIR  # noqa: E402
from web_helpers import (  # noqa: E402
    CHEAP_HASHER,
    PASSWORDS,
    csrf_of,
    login,
    make_root,
    server_ms,
)


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch) -> None:
    monkeypatch.setattr(auth, "_hasher", CHEAP_HASHER)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_root(tmp_path / "root")


@pytest.fixture
def app(root: Path):
    return create_app(root)


def client_for(app, name: str | None, base_url: str = "http://testserver") -> TestClient:
    client = TestClient(app, base_url=base_url)
    if name is not None:
        assert login(client, name).status_code == 303
    return client


def csrf(client: TestClient, page: str = "/") -> str:
    return csrf_of(client.get(page).text)


def version(client: TestClient, ident: str) -> str:
    import re

    return re.search(r'name="version" value="([^"]+)"', client.get(f"/d/{ident}").text).group(1)


def db(root: Path) -> sqlite3.Connection:
    return sqlite3.connect(root / STATE_DIR / DB_NAME)


# -- roles ------------------------------------------------------------------------------------

def department_routes(seq: int) -> list[tuple[str, str]]:
    """Every route that names a department (method, path)."""
    d = "/d/xxsw"
    return [
        ("GET", d), ("GET", f"{d}/form"), ("GET", f"{d}/yaml"), ("GET", f"{d}/data"),
        ("GET", f"{d}/blank.xlsx"), ("GET", f"{d}/narratives/职责概述"),
        ("GET", f"{d}/narratives/需要说明事项"), ("GET", f"{d}/builds/{seq}/report.docx"),
        ("GET", f"{d}/builds/{seq}/report.pdf"), ("GET", f"{d}/builds/{seq}/pages"),
        ("GET", f"{d}/builds/{seq}/pages/1.png"), ("GET", f"{d}/compare?a={seq}&b={seq}"),
        ("GET", f"{d}/audit"),
        ("POST", f"{d}/form"), ("POST", f"{d}/yaml"), ("POST", f"{d}/upload"),
        ("POST", f"{d}/narratives/职责概述"), ("POST", f"{d}/preview/职责概述"),
        ("POST", f"{d}/build"),
    ]


ADMIN_ROUTES = [("GET", "/bureau"), ("GET", "/bureau/summary.xlsx"), ("GET", "/bureau/batch"),
                ("GET", "/bureau/audit"), ("POST", "/bureau/departments"),
                ("POST", "/bureau/batch"), ("POST", "/bureau/accounts/other/reset")]


def test_another_department_reaches_nothing_of_xxsw(app, root: Path) -> None:
    admin = client_for(app, "admin")
    assert admin.post("/d/xxsw/build", data={"csrf": csrf(admin, "/d/xxsw")},
                      follow_redirects=False).status_code == 303
    data_before = (root / "xxsw" / "data.yaml").read_bytes()
    narrative_before = (root / "xxsw" / "narratives" / "职责概述.md").read_bytes()
    other = client_for(app, "other")
    token = csrf(other, "/d/other")  # a valid token of the intruder's own session
    for method, path in department_routes(1):
        data = {"csrf": token, "version": "0", "text": "入侵", "收支!B3": "1"}
        r = other.request(method, path, data=data if method == "POST" else None,
                          files={"file": ("data.yaml", b"a: 1")} if path.endswith("upload")
                          else None, follow_redirects=False)
        assert r.status_code in (403, 404), (method, path, r.status_code)
        assert "湘西土家族苗族自治州商务局" not in r.text, (method, path)
        assert not r.content.startswith(b"PK"), (method, path)
    assert (root / "xxsw" / "data.yaml").read_bytes() == data_before
    assert (root / "xxsw" / "narratives" / "职责概述.md").read_bytes() == narrative_before
    # … while its own department works
    assert other.get("/d/other").status_code == 200


def test_department_accounts_cannot_use_bureau_routes(app) -> None:
    dept = client_for(app, "xxsw")
    token = csrf(dept, "/d/xxsw")
    for method, path in ADMIN_ROUTES:
        r = dept.request(method, path, data={"csrf": token, "ident": "x1",
                                             "framework": "湘西州本级2018"} if method == "POST"
                         else None, follow_redirects=False)
        assert r.status_code == 403, (method, path, r.status_code)
        assert "此页面仅限财政局管理员访问" in r.text


def test_no_session_redirects_every_route_to_login(app) -> None:
    anonymous = client_for(app, None)
    for method, path in department_routes(1) + ADMIN_ROUTES + [("GET", "/")]:
        r = anonymous.request(method, path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login", (method, path)


def test_ids_never_reach_the_file_system(app, root: Path) -> None:
    (root.parent / "secret").mkdir()
    (root.parent / "secret" / "data.yaml").write_text("x: 1", encoding="utf-8")
    (root / "link").symlink_to(root.parent / "secret")
    admin = client_for(app, "admin")
    for ident in ("..", "../secret", "link", ".reportgen-web", "%2e%2e", "xxsw%2f..", "a b"):
        r = admin.get(f"/d/{ident}/data", follow_redirects=False)
        assert r.status_code == 404, ident
    assert admin.get("/d/xxsw/narratives/..%2f..%2fdata").status_code == 404
    assert admin.get("/d/xxsw/narratives/README").status_code == 404


def test_admin_creates_a_department_with_its_own_account(app, root: Path) -> None:
    admin = client_for(app, "admin")
    r = admin.post("/bureau/departments", data={"csrf": csrf(admin, "/bureau"), "ident": "新部门1",
                                                "framework": "湘西州本级2018", "account": "xin"})
    assert r.status_code == 200
    import re

    password = re.search(r'class="password">([^<]+)<', r.text).group(1)
    assert (root / "新部门1" / "data.xlsx").is_file()
    xin = TestClient(app)
    assert login(xin, "xin", password).headers["location"] == "/d/%E6%96%B0%E9%83%A8%E9%97%A81"
    assert "未开始" in xin.get("/d/新部门1").text
    assert xin.get("/d/xxsw").status_code == 404
    bad = admin.post("/bureau/departments", data={"csrf": csrf(admin, "/bureau"), "ident": "../x",
                                                  "framework": "湘西州本级2018"})
    assert bad.status_code == 400 and not (root.parent / "x").exists()


# -- CSRF -------------------------------------------------------------------------------------

STATE_CHANGING = [
    ("/d/xxsw/form", {}), ("/d/xxsw/yaml", {"text": "a: 1"}), ("/d/xxsw/upload", {}),
    ("/d/xxsw/narratives/职责概述", {"text": "改掉"}), ("/d/xxsw/preview/职责概述", {"text": "x"}),
    ("/d/xxsw/build", {}), ("/bureau/departments", {"ident": "csrf1", "framework": "湘西州本级2018"}),
    ("/bureau/batch", {}), ("/bureau/accounts/other/reset", {}), ("/logout", {}),
]


@pytest.mark.parametrize("token", ["missing", "wrong", "other session"])
def test_every_state_changing_request_needs_the_sessions_csrf_token(app, root: Path,
                                                                    token: str) -> None:
    admin = client_for(app, "admin")
    stolen = csrf(client_for(app, "admin"), "/bureau")  # another session of the same user
    before = (root / "xxsw" / "narratives" / "职责概述.md").read_bytes()
    for path, data in STATE_CHANGING:
        form = {**data, "version": version(admin, "xxsw")}
        if token == "wrong":
            form["csrf"] = "x" * 43
        elif token == "other session":
            form["csrf"] = stolen
        r = admin.post(path, data=form, follow_redirects=False)
        assert r.status_code == 403, (path, r.status_code)
        assert "CSRF" in r.text
    assert (root / "xxsw" / "narratives" / "职责概述.md").read_bytes() == before
    assert not (root / "csrf1").exists()
    assert admin.get("/bureau").status_code == 200  # /logout without a token did not log out


def test_a_foreign_origin_is_refused_even_with_a_token(app) -> None:
    admin = client_for(app, "admin")
    r = admin.post("/d/xxsw/build", data={"csrf": csrf(admin, "/d/xxsw")},
                   headers={"origin": "http://evil.example"}, follow_redirects=False)
    assert r.status_code == 403


def test_login_form_itself_needs_its_token(app) -> None:
    client = TestClient(app)
    r = client.post("/login", data={"name": "admin", "password": PASSWORDS["admin"]},
                    follow_redirects=False)
    assert r.status_code == 403 and "reportgen_session" not in r.headers.get("set-cookie", "")


# -- the version check ------------------------------------------------------------------------

def test_two_people_saving_the_same_version_get_a_conflict_not_a_silent_overwrite(
        app, root: Path) -> None:
    first, second = client_for(app, "xxsw"), client_for(app, "admin")
    seen = version(first, "xxsw")
    assert version(second, "xxsw") == seen
    url = "/d/xxsw/narratives/职责概述"
    r1 = first.post(url, data={"csrf": csrf(first, url), "version": seen, "text": "甲写的职责。"},
                    follow_redirects=False)
    assert r1.status_code == 303
    r2 = second.post(url, data={"csrf": csrf(second, url), "version": seen, "text": "乙写的职责。"},
                     follow_redirects=False)
    assert r2.status_code == 409
    assert "保存冲突" in r2.text and "xxsw" in r2.text  # says who changed it
    text = (root / "xxsw" / "narratives" / "职责概述.md").read_text(encoding="utf-8")
    assert text == "甲写的职责。"
    assert int(version(second, "xxsw").split("-")[0]) == int(seen.split("-")[0]) + 1


def test_check_after_a_save_of_the_seed_example_within_300_ms(app, root: Path) -> None:
    dept = client_for(app, "xxsw")
    dept.get("/d/xxsw/yaml")  # warm: templates compiled, modules imported
    text = (root / "xxsw" / "data.yaml").read_text(encoding="utf-8")
    fixed = text.replace("预算完成率: {值: 100.00%, 得分: 5}", "预算完成率: {值: 87.75%, 得分: 1}")
    assert fixed != text
    times = []
    for body in (fixed, text, fixed):
        r = dept.post("/d/xxsw/yaml", data={"csrf": csrf(dept, "/d/xxsw/yaml"),
                                            "version": version(dept, "xxsw"), "text": body},
                      follow_redirects=False)
        assert r.status_code == 303
        times.append(server_ms(r))  # save + check + status recorded
    page = dept.get("/d/xxsw")
    times.append(server_ms(page))
    assert "90.47" in page.text and "自填总分为94.47分" in page.text
    # the median: one save may meet the machine busy with another process
    assert sorted(times)[len(times) // 2] < 300, times


# -- uploads ----------------------------------------------------------------------------------

def upload(client: TestClient, ident: str, name: str, data: bytes):
    return client.post(f"/d/{ident}/upload", data={"csrf": csrf(client, f"/d/{ident}"),
                                                   "version": version(client, ident)},
                       files={"file": (name, data)}, follow_redirects=False)


def workbook_bytes(tmp_path: Path, fill=None) -> bytes:
    from openpyxl import load_workbook

    from reportgen.workbook.new_folder import init_department

    folder = tmp_path / "blank"
    if not folder.exists():
        init_department(folder, "湘西州本级2018")
    wb = load_workbook(folder / "data.xlsx")
    if fill:
        fill(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def zip_of(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def test_bad_uploads_are_refused_in_chinese_and_leave_the_data_untouched(
        app, root: Path, tmp_path: Path) -> None:
    dept = client_for(app, "xxsw")
    before = (root / "xxsw" / "data.yaml").read_bytes()
    good = workbook_bytes(tmp_path)
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    macro = dict(parts)
    macro["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b"\0" * 100
    bomb = dict(parts)
    bomb["xl/worksheets/sheet9.xml"] = b"<a>" + b"0" * (60 * 1024 * 1024) + b"</a>"
    cases = {
        "not a zip": ("data.xlsx", "本文件不是表格".encode() * 10, "不是 Excel 工作簿"),
        "old xls": ("data.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500,
                    "不是 Excel 工作簿"),
        "zip bomb": ("data.xlsx", zip_of(bomb), "压缩炸弹"),
        "macros": ("data.xlsx", zip_of(macro), "含有宏"),
        "zip not workbook": ("data.xlsx", zip_of({"a.txt": b"hello"}), "不是 Excel 工作簿"),
        "other workbook": ("data.xlsx", _foreign_xlsx(),
            "没有填报表的工作表"),
        "wrong type": ("report.docx", good, "不是 .xlsx 或 .yaml"),
        "yaml not mapping": ("data.yaml", b"- 1\n- 2\n", "顶层"),
    }
    for label, (name, data, says) in cases.items():
        r = upload(dept, "xxsw", name, data)
        assert r.status_code in (400, 413), label
        assert "原有数据未改动" in r.text and says in r.text, (label, r.text[-600:])
        assert "Traceback" not in r.text
    assert (root / "xxsw" / "data.yaml").read_bytes() == before
    assert not (root / "xxsw" / "data.xlsx").exists()
    assert len(zip_of(bomb)) < 5 * 1024 * 1024  # small on the wire: refused for what it expands to


def _foreign_xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "别的表格"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_oversized_request_is_refused_before_it_is_read(app, root: Path) -> None:
    dept = client_for(app, "xxsw")
    big = b"0" * (6 * 1024 * 1024)
    r = upload(dept, "xxsw", "data.xlsx", big)
    assert r.status_code == 413 and "上限" in r.text
    assert (root / "xxsw" / "data.yaml").is_file()


def test_an_upload_with_a_data_error_is_kept_and_named_at_its_cell(app, root: Path,
                                                                  tmp_path: Path) -> None:
    def fill(wb) -> None:
        wb["基本信息"]["B4"] = "测试局"
        wb["基本信息"]["B8"] = 2023
        wb["收支"]["B3"] = "一百万"

    dept = client_for(app, "other")
    r = upload(dept, "other", "填好的.xlsx", workbook_bytes(tmp_path, fill))
    assert r.status_code == 303
    assert (root / "other" / "data.xlsx").is_file() and not (root / "other" / "data.yaml").exists()
    page = dept.get("/d/other")
    assert "数据有误" in page.text
    assert 'href="/d/other/form#cell-收支-B3"' in page.text
    form = dept.get("/d/other/form").text
    marker = form.index('id="cell-收支-B3"')
    assert "一百万" in form[marker:marker + 2000] and "cell-error" in form[marker:marker + 2000]
    # fixed in the form: the error is gone and the value is a number in the workbook
    r = dept.post("/d/other/form", data={"csrf": csrf(dept, "/d/other/form"),
                                         "version": version(dept, "other"), "收支!B3": "120.5"},
                  follow_redirects=False)
    assert r.status_code == 303
    from openpyxl import load_workbook

    assert load_workbook(root / "other" / "data.xlsx")["收支"]["B3"].value == 120.5
    assert "cell-收支-B3" not in dept.get("/d/other").text


# -- passwords, cookies, login ----------------------------------------------------------------

def test_passwords_are_stored_as_argon2id_hashes(root: Path) -> None:
    with db(root) as con:
        rows = con.execute("SELECT name, password_hash FROM users").fetchall()
    assert len(rows) == 3
    for name, stored in rows:
        assert stored.startswith("$argon2id$v=19$"), name
        assert PASSWORDS[name] not in stored
    # the tests hash cheaply; the server uses argon2-cffi's RFC 9106 defaults: 64 MiB, 3 passes
    assert auth.SERVER_HASHER.hash("x").startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_session_cookie_is_httponly_samesite_and_secure_over_https(app) -> None:
    plain = login(TestClient(app), "admin").headers["set-cookie"]
    assert "reportgen_session=" in plain and "HttpOnly" in plain and "SameSite=strict" in plain
    assert "Secure" not in plain.split("reportgen_login")[0]
    secure = login(TestClient(app, base_url="https://testserver"), "admin").headers["set-cookie"]
    session_part = [p for p in secure.split(", reportgen_login")[0:1]][0]
    assert "Secure" in session_part and "HttpOnly" in session_part


def test_sessions_are_stored_hashed_and_end_at_logout(app, root: Path) -> None:
    client = client_for(app, "xxsw")
    token = client.cookies.get("reportgen_session")
    with db(root) as con:
        stored = [r[0] for r in con.execute("SELECT token_hash FROM sessions")]
    assert token not in stored and len(stored) == 1
    client.post("/logout", data={"csrf": csrf(client, "/d/xxsw")})
    fresh = TestClient(app)
    fresh.cookies.set("reportgen_session", token)
    assert fresh.get("/d/xxsw", follow_redirects=False).headers["location"] == "/login"


def test_login_attempts_are_rate_limited(app, root: Path) -> None:
    client = TestClient(app)
    codes = [login(client, "xxsw", f"guess-{i}").status_code for i in range(5)]
    assert codes == [401] * 5
    blocked = login(client, "xxsw")  # the right password, but too late
    assert blocked.status_code == 429 and "登录失败次数过多" in blocked.text
    assert "reportgen_session" not in blocked.headers.get("set-cookie", "")
    # the limit is per account and per address: from here, other accounts are blocked too
    assert login(client, "other").status_code == 429
    with db(root) as con:
        actions = [r[0] for r in con.execute("SELECT action FROM audit WHERE user_name = 'xxsw'")]
    assert actions.count("登录失败") == 5 and "登录被限制" in actions


def test_wrong_password_and_unknown_user_answer_alike(app) -> None:
    a = login(TestClient(app), "xxsw", "wrong")
    b = login(TestClient(app), "nobody", "wrong")
    assert a.status_code == b.status_code == 401
    assert "账号或密码不正确" in a.text and "账号或密码不正确" in b.text


# -- audit log --------------------------------------------------------------------------------

def test_every_change_is_in_the_audit_log(app, root: Path) -> None:
    dept = client_for(app, "xxsw")
    url = "/d/xxsw/narratives/建议和请求"
    dept.post(url, data={"csrf": csrf(dept, url), "version": version(dept, "xxsw"),
                         "text": "建议加快资金拨付。"})
    dept.post("/d/xxsw/build", data={"csrf": csrf(dept, "/d/xxsw")})
    dept.get("/d/xxsw/builds/1/report.docx")
    admin = client_for(app, "admin")
    admin.post("/bureau/accounts/other/reset", data={"csrf": csrf(admin, "/bureau")})
    with db(root) as con:
        rows = con.execute("SELECT user_name, department, action, detail, at FROM audit "
                           "ORDER BY id").fetchall()
    entries = [(u, d, a, t) for u, d, a, t, _ in rows]
    assert ("xxsw", "xxsw", "登录", "来自 testclient") in entries
    assert ("xxsw", "xxsw", "保存文字材料", "建议和请求") in entries
    assert ("xxsw", "xxsw", "下载报告", "第1次生成") in entries
    assert ("admin", "other", "重置密码", "other") in entries
    built = [t for u, d, a, t in entries if a == "生成报告"]
    assert built and built[0].startswith("第1次生成；首次生成")
    assert all(at > 0 for *_, at in rows)
    page = admin.get("/bureau/audit").text
    assert "保存文字材料" in page and "建议和请求" in page


# -- history, compare, bureau -----------------------------------------------------------------

def test_build_history_says_what_changed_and_keeps_every_build(app, root: Path) -> None:
    dept = client_for(app, "xxsw")
    dept.post("/d/xxsw/build", data={"csrf": csrf(dept, "/d/xxsw")})
    first = dept.get("/d/xxsw/builds/1/report.docx").content
    text = (root / "xxsw" / "data.yaml").read_text(encoding="utf-8")
    more = text.replace("本年追加预算: 5383.91", "本年追加预算: 5000.00")
    assert more != text
    dept.post("/d/xxsw/yaml", data={"csrf": csrf(dept, "/d/xxsw/yaml"),
                                    "version": version(dept, "xxsw"), "text": more})
    dept.post("/d/xxsw/build", data={"csrf": csrf(dept, "/d/xxsw")})
    page = dept.get("/d/xxsw").text
    assert "第2次" in page and "与上次生成相比：预算完成率 87.75% → 87.08%" in page
    assert dept.get("/d/xxsw/builds/1/report.docx").content == first
    compare = dept.get("/d/xxsw/compare?a=1&b=2").text
    assert "预算完成率 87.75% → 87.08%" in compare and "预算控制率 348.83% → 323.96%" in compare
    assert "<td>总分</td><td class=\"num\"></td><td class=\"num\">90.47</td>" in compare


def test_bureau_table_sorts_and_filters(app) -> None:
    admin = client_for(app, "admin")
    admin.get("/d/xxsw")
    admin.get("/d/other")
    import re

    for order in ("asc", "desc"):
        page = admin.get(f"/bureau?sort=total&order={order}").text
        totals = [float(t) for t in re.findall(r'<td class="num">(\d+\.\d\d)</td>', page)]
        assert len(totals) == 2 and totals == sorted(totals, reverse=order == "desc")
    assert page.count("（网页之外）") == 2  # never saved here: the files' own time
    only = admin.get("/bureau?status=数据有误").text
    assert ">xxsw<" in only  # the seed has errors (年末实有人数)
    assert admin.get("/bureau?q=商务").text.count('href="/d/') == 1
    summary = admin.get("/bureau/summary.xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(summary.content)).active
    names = [row[1] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert "湘西土家族苗族自治州商务局" in names and len(names) == 2


# -- command line -----------------------------------------------------------------------------

def test_user_add_prints_a_one_time_password_that_logs_in(root: Path, capsys) -> None:
    from reportgen.cli import main

    assert main(["user", "add", str(root), "clerk2", "--department", "xxsw"]) == 0
    password = capsys.readouterr().out.split("一次性密码：")[1].strip()
    client = TestClient(create_app(root))
    assert login(client, "clerk2", password).headers["location"] == "/d/xxsw"
    assert main(["user", "add", str(root), "clerk2", "--department", "xxsw"]) == 1
    assert main(["user", "add", str(root), "clerk3", "--department", "nowhere"]) == 1
    assert "没有部门文件夹“nowhere”" in capsys.readouterr().err


def test_status_goes_from_errors_to_draft_to_final_and_back(app, root: Path) -> None:
    dept = client_for(app, "xxsw")
    assert "数据有误" in dept.get("/d/xxsw").text  # the seed's 自填数 differ from the computed
    text = (root / "xxsw" / "data.yaml").read_text(encoding="utf-8")
    body = text[:text.index("自填数:")]  # without the claims the data is correct
    r = dept.post("/d/xxsw/yaml", data={"csrf": csrf(dept, "/d/xxsw/yaml"),
                                        "version": version(dept, "xxsw"), "text": body},
                  follow_redirects=False)
    assert r.status_code == 303
    assert 'class="status s-草稿">草稿</span>' in dept.get("/d/xxsw").text
    dept.post("/d/xxsw/build", data={"csrf": csrf(dept, "/d/xxsw")})
    page = dept.get("/d/xxsw").text
    assert 'class="status s-定稿">定稿</span></h1>' in page
    url = "/d/xxsw/narratives/建议和请求"
    dept.post(url, data={"csrf": csrf(dept, url), "version": version(dept, "xxsw"),
                         "text": "改过的建议。"})
    assert 'class="status s-草稿">草稿</span></h1>' in dept.get("/d/xxsw").text  # not yet rebuilt


def test_each_reason_item_is_edited_on_its_own_and_saved_as_one_file(app, root: Path) -> None:
    dept = client_for(app, "xxsw")
    url = "/d/xxsw/narratives/需要说明事项"
    page = dept.get(url).text
    assert 'name="title_0" value="预算完成率"' in page and 'name="title_2"' in page
    form = {"csrf": csrf_of(page), "version": version(dept, "xxsw"), "head": "",
            "title_0": "预算完成率", "body_0": "资金下达较晚。",
            "title_1": "预算控制率", "body_1": "追加较多。",
            "title_2": "", "body_2": "",  # a removed item
            "title_3": "政府采购执行率", "body_3": "采购预算调整为73.89万元。"}
    assert dept.post(url, data=form, follow_redirects=False).status_code == 303
    saved = (root / "xxsw" / "narratives" / "需要说明事项.md").read_text(encoding="utf-8")
    assert saved == ("## 预算完成率\n\n资金下达较晚。\n\n## 预算控制率\n\n追加较多。\n\n"
                     "## 政府采购执行率\n\n采购预算调整为73.89万元。\n")


def test_preview_fills_in_references_and_changes_nothing(app, root: Path) -> None:
    dept = client_for(app, "xxsw")
    before = (root / "xxsw" / "narratives" / "职责概述.md").read_bytes()
    url = "/d/xxsw/preview/职责概述"
    form = {"csrf": csrf(dept, "/d/xxsw"), "text": "总分{{ 总分 }}，预算完成率{{ 预算完成率 }}。{{ 没有 }}"}
    partial = dept.post(url, data=form, headers={"hx-request": "true"})
    assert partial.status_code == 200 and partial.text.startswith('<div id="preview"')
    assert "总分90.47，预算完成率87.75%。{{ 没有 }}" in partial.text
    assert "引用了不存在的数据名称“没有”" in partial.text
    full = dept.post(url, data=form)  # without JavaScript: a whole page
    assert "<!doctype html>" in full.text and "总分90.47" in full.text
    assert (root / "xxsw" / "narratives" / "职责概述.md").read_bytes() == before


def test_batch_build_shows_progress_and_builds_every_filled_department(app, root: Path) -> None:
    admin = client_for(app, "admin")
    admin.get("/d/xxsw")
    admin.get("/d/other")
    r = admin.post("/bureau/batch", data={"csrf": csrf(admin, "/bureau")}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/bureau/batch"
    import time

    deadline = time.monotonic() + 120
    while "已完成：2/2" not in (page := admin.get("/bureau/batch").text):
        assert time.monotonic() < deadline, page
        assert "正在生成：" in page and "<progress" in page
        time.sleep(0.2)
    partial = admin.get("/bureau/batch", headers={"hx-request": "true"}).text
    assert partial.lstrip().startswith('<div id="batch"') and 'value="2"' in partial
    assert "第1次" in admin.get("/d/xxsw").text and "第1次" in admin.get("/d/other").text


@pytest.mark.skipif(not __import__("reportgen.web.builds", fromlist=["x"]).tools_for_pages(),
                    reason="LibreOffice and pdftoppm are not installed")
def test_report_pages_as_images_and_pdf(app) -> None:
    dept = client_for(app, "other")
    dept.post("/d/other/build", data={"csrf": csrf(dept, "/d/other")})
    page = dept.get("/d/other/builds/1/pages")
    assert page.status_code == 200
    import re

    count = int(re.search(r"共 (\d+) 页", page.text).group(1))
    assert count >= 5
    png = dept.get(f"/d/other/builds/1/pages/{count}.png")
    assert png.headers["content-type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert dept.get(f"/d/other/builds/1/pages/{count + 1}.png").status_code == 404
    pdf = dept.get("/d/other/builds/1/report.pdf")
    assert pdf.content.startswith(b"%PDF")


def test_serve_creates_the_administrator_once_and_listens_on_localhost(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    import httpx

    from web_helpers import free_port

    root = tmp_path / "root"
    root.mkdir()
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "reportgen.cli", "serve", str(root),
                                "--port", str(port)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, env=env)
    try:
        first = process.stdout.readline()
        assert first.startswith("首次启动：已创建财政局管理员账号 admin，一次性密码：")
        password = first.split("一次性密码：")[1].strip()
        deadline = time.monotonic() + 60
        while True:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/login")
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.2)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            page = client.get("/login")
            r = client.post("/login", data={"csrf": csrf_of(page.text), "name": "admin",
                                            "password": password})
            assert r.status_code == 303 and r.headers["location"] == "/bureau"
            assert "server" not in r.headers  # no server banner
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    again = subprocess.Popen([sys.executable, "-m", "reportgen.cli", "serve", str(root),
                              "--port", str(free_port())], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, env=env)
    try:  # the administrator exists: no second password
        assert again.stdout.readline().startswith("网页地址：http://127.0.0.1:")
    finally:
        again.send_signal(signal.SIGINT)
        again.wait(timeout=30)


def test_pages_load_nothing_from_outside(app) -> None:
    import re

    admin = client_for(app, "admin")
    for path in ("/bureau", "/d/xxsw", "/d/xxsw/yaml", "/d/xxsw/narratives/职责概述"):
        html = admin.get(path).text
        assert not re.search(r'(src|href)="(https?:)?//', html), path
        assert '<script src="/static/htmx.min.js"' in html
    js = admin.get("/static/htmx.min.js")
    assert js.status_code == 200 and b"htmx" in js.content[:200]
    assert "default-src 'self'" in admin.get("/bureau").headers["content-security-policy"]


def test_a_change_made_outside_the_web_page_is_not_overwritten(app, root: Path) -> None:
    dept = client_for(app, "xxsw")
    url = "/d/xxsw/narratives/职责概述"
    page = dept.get(url).text
    path = root / "xxsw" / "narratives" / "职责概述.md"
    path.write_text("在命令行旁用编辑器改的。", encoding="utf-8")  # e.g. while the page is open
    import re

    seen = re.search(r'name="version" value="([^"]+)"', page).group(1)
    r = dept.post(url, data={"csrf": csrf_of(page), "version": seen, "text": "网页上改的。"},
                  follow_redirects=False)
    assert r.status_code == 409 and "在网页之外" in r.text
    assert path.read_text(encoding="utf-8") == "在命令行旁用编辑器改的。"


def test_a_body_without_a_length_is_cut_off_at_the_limit(root: Path) -> None:
    """Chunked upload with no Content-Length, through a real server: 413, nothing kept."""
    import threading
    import time

    import httpx
    import uvicorn

    from web_helpers import free_port

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(root), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            assert login(client, "xxsw").status_code == 303
            token = csrf(client, "/d/xxsw")

            def body():
                yield (b'--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n'
                       + token.encode() + b'\r\n--b\r\nContent-Disposition: form-data; '
                       b'name="file"; filename="data.xlsx"\r\n\r\n')
                for _ in range(80):
                    yield b"0" * 100 * 1024
                yield b"\r\n--b--\r\n"

            try:
                r = client.post("/d/xxsw/upload", content=body(),
                                headers={"content-type": "multipart/form-data; boundary=b"})
                assert r.status_code == 413 and "上限" in r.text
            except httpx.TransportError:
                print("connection closed by the server before the client finished sending")
            assert client.get("/d/xxsw").status_code == 200  # the server carries on
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert (root / "xxsw" / "data.yaml").is_file() and not (root / "xxsw" / "data.xlsx").exists()


def test_a_yaml_message_is_shown_at_its_line(app, root: Path) -> None:
    dept = client_for(app, "xxsw")
    page = dept.get("/d/xxsw").text
    import re

    link = re.search(r'href="/d/xxsw/yaml#L(\d+)"', page)
    assert link, "a finding of data.yaml links to its line"
    line = int(link.group(1))
    editor = dept.get("/d/xxsw/yaml").text
    item = editor[editor.index(f'<li id="L{line}"'):]
    item = item[:item.index("</li>")]
    assert 'class="has-error"' in item and "自填" in item


def test_a_workbook_put_in_the_folder_that_would_expand_is_refused_by_the_form(
        app, root: Path, tmp_path: Path) -> None:
    import time

    source = zipfile.ZipFile(io.BytesIO(workbook_bytes(tmp_path)))
    entries = {i.filename: source.read(i) for i in source.infolist()}
    sheet = "xl/worksheets/sheet2.xml"
    entries[sheet] = entries[sheet].replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="F2:XFD1048576"/>'
        b"</mergeCells>", 1)
    (root / "other" / "data.xlsx").write_bytes(zip_of(entries))  # outside the page
    dept = client_for(app, "other")
    start = time.perf_counter()
    page = dept.get("/d/other/form")
    assert time.perf_counter() - start < 10  # openpyxl alone took 85 s on this range
    assert page.status_code in (200, 422)
    assert "F2:XFD1048576" in page.text and "Traceback" not in page.text
