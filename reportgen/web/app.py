"""The web application: routes, roles and the version check on every save.

FastAPI (on Starlette) serves server-rendered Jinja2 pages; every page is a plain HTML form
and works without JavaScript, htmx (shipped in static/) only adds live previews and
progress. Each route decides access on the server before it touches a file: the bureau
administrator may see every department, a department account only its own — for any other
id it gets 404, the same answer as for an id that does not exist.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ..findings import InputError
from . import builds as builds_mod
from . import departments as depts
from .auth import LOGIN_COOKIE, SESSION_COOKIE, SESSION_SECONDS, Accounts, Session, TooManyAttempts
from .guard import Guard
from .store import Store

HERE = Path(__file__).resolve().parent
ROLES = {"admin": "财政局管理员", "department": "部门账号"}
MESSAGES = {
    "saved": "已保存，检查结果已更新。",
    "uploaded": "已上传，检查结果已更新。",
    "built": "报告已生成。",
    "created": "部门已创建。",
    "batch": "批量生成已开始。",
}


class Problem(Exception):
    """An answer other than the page: status and a Chinese message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class LoginRequired(Exception):
    pass


@dataclass
class Web:
    root: Path
    store: Store
    accounts: Accounts
    batch: builds_mod.Batch
    locks: dict[str, threading.Lock]
    locks_guard: threading.Lock

    def lock(self, ident: str) -> threading.Lock:
        with self.locks_guard:
            return self.locks.setdefault(ident, threading.Lock())


def create_app(root: Path) -> FastAPI:
    root = root.resolve()
    store = Store(root)
    web = Web(root, store, Accounts(store), builds_mod.Batch(), {}, threading.Lock())
    app = FastAPI(title="reportgen", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = web
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(roles=ROLES, statuses=depts.STATUSES, clock=_clock,
                                 stamp=lambda ident: stamp(web, ident))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    sync_departments(web)

    def page(request: Request, template: str, code: int = 200, **context) -> HTMLResponse:
        session = getattr(request.state, "session", None)
        context.setdefault("message", MESSAGES.get(request.query_params.get("msg", ""), ""))
        return templates.TemplateResponse(request, template, {"session": session, **context},
                                          status_code=code)

    @app.exception_handler(Problem)
    async def problem(request: Request, exc: Problem):
        return page(request, "problem.html", exc.status, problem=exc.message)

    @app.exception_handler(InputError)
    async def unreadable(request: Request, exc: InputError):
        # a department file too large or broken, met outside a route's own handling
        return page(request, "problem.html", 422,
                    problem="；".join(f.message for f in exc.findings[:5]))

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired):
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(404)
    async def not_found(request: Request, exc):
        return page(request, "problem.html", 404, problem="没有这个页面，或您无权访问。")

    # -- sessions -------------------------------------------------------------------------

    def session_of(request: Request) -> Session:
        session = web.accounts.session(request.cookies.get(SESSION_COOKIE))
        if session is None:
            raise LoginRequired
        request.state.session = session
        return session

    def admin_of(request: Request) -> Session:
        session = session_of(request)
        if not session.user.is_admin:
            raise Problem(403, "此页面仅限财政局管理员访问。")
        return session

    def department_of(request: Request, ident: str) -> tuple[Session, Path]:
        """The session and ROOT/<id>, or 404 when the id is unknown or not the user's own."""
        session = session_of(request)
        if not session.user.is_admin and session.user.department != ident:
            raise Problem(404, "没有这个部门，或您无权访问。")
        folder = depts.folder_of(root, ident)
        if folder is None:
            raise Problem(404, "没有这个部门，或您无权访问。")
        store.ensure_department(ident)
        return session, folder

    async def form_of(request: Request, session: Session | None, csrf: str | None = None):
        """The submitted form, once the request proves it comes from our own page."""
        origin = request.headers.get("origin")
        if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
            raise Problem(403, "请求来源与本站不符，已拒绝（CSRF 防护）。")
        form = await request.form(max_files=2, max_fields=2000, max_part_size=1024 * 1024)
        expected = csrf if session is None else session.csrf
        sent = request.headers.get("x-csrf-token") or form.get("csrf") or ""
        from .auth import same

        if not expected or not isinstance(sent, str) or not same(sent, expected):
            raise Problem(403, "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。")
        return form

    def version_of(form) -> tuple[int, str]:
        """The page's stamp: the department's save version and its files' digest."""
        number, _, digest = str(form.get("version", "")).partition("-")
        if not number.isdigit() or not digest:
            raise Problem(400, "表单缺少版本号，请刷新页面后重试。")
        return int(number), digest

    def save(ident: str, folder: Path, session: Session, seen: tuple[int, str], action: str,
             detail: str, write) -> None:
        """The version check of every save: one writer per department at a time, and only
        one who saw the current version; the other gets a conflict, never a silent loss."""
        expected, digest = seen
        with web.lock(ident):
            current = store.department(ident)
            if current is None or current.version != expected:
                by = current.changed_by if current else ""
                raise Problem(409, f"保存冲突：在您打开此页面之后，{by or '其他人'}已修改了本部门的内容"
                                   f"（当前版本 {current.version if current else '?'}，您的版本 {expected}）。"
                                   "您的修改未保存；请重新打开页面，在最新内容上再修改。")
            if digest != depts.folder_digest(folder):
                raise Problem(409, "保存冲突：在您打开此页面之后，本部门的文件在网页之外（命令行、Excel 或"
                                   "直接修改文件夹）被改动过。您的修改未保存；请重新打开页面，在最新内容上再修改。")
            write()
            with store.transaction() as db:
                if not store.claim_version(db, ident, expected, session.user.name):
                    raise Problem(409, "保存冲突，请刷新页面后重试。")  # pragma: no cover
            store.audit(session.user.name, action, ident, detail)
        refresh_status(web, ident, folder)

    # -- login ----------------------------------------------------------------------------

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request):
        import secrets

        token = secrets.token_urlsafe(32)
        response = page(request, "login.html", login_csrf=token)
        _cookie(response, request, LOGIN_COOKIE, token, 3600)
        return response

    @app.post("/login")
    async def login(request: Request):
        form = await form_of(request, None, request.cookies.get(LOGIN_COOKIE))
        name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
        client = request.client.host if request.client else "?"
        try:
            session = web.accounts.login(name, password, client)
        except TooManyAttempts as exc:
            store.audit(name[:64] or "?", "登录被限制", None, f"来自 {client}")
            raise Problem(429, f"登录失败次数过多，请 {exc.minutes} 分钟后再试。") from None
        if session is None:
            store.audit(name[:64] or "?", "登录失败", None, f"来自 {client}")
            token = request.cookies.get(LOGIN_COOKIE, "")
            return page(request, "login.html", 401, login_csrf=token,
                        error="账号或密码不正确。", name=name)
        store.audit(name, "登录", session.user.department, f"来自 {client}")
        target = "/bureau" if session.user.is_admin else f"/d/{quote(session.user.department)}"
        response = RedirectResponse(target, status_code=303)
        _cookie(response, request, SESSION_COOKIE, session.token, SESSION_SECONDS)
        response.delete_cookie(LOGIN_COOKIE, path="/")
        return response

    @app.post("/logout")
    async def logout(request: Request):
        session = session_of(request)
        await form_of(request, session)
        web.accounts.logout(session.token)
        store.audit(session.user.name, "退出", session.user.department)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @app.get("/")
    def home(request: Request):
        session = session_of(request)
        if session.user.is_admin:
            return RedirectResponse("/bureau", status_code=303)
        return RedirectResponse(f"/d/{quote(session.user.department or '')}", status_code=303)

    # -- department page ------------------------------------------------------------------

    @app.get("/d/{ident}", response_class=HTMLResponse)
    def department(request: Request, ident: str):
        session, folder = department_of(request, ident)
        result = refresh_status(web, ident, folder)
        row = store.department(ident)
        history = store.builds(ident)
        sections = [(s, (folder / "narratives" / f"{s}.md").is_file()) for s in depts.ALL_SECTIONS]
        return page(request, "department.html", ident=ident, dept=row, check=result,
                    kind=depts.data_kind(folder), sections=sections, reasons=depts.REASONS,
                    builds=history, pages_tools=builds_mod.tools_for_pages())

    @app.get("/d/{ident}/form", response_class=HTMLResponse)
    def figures_form(request: Request, ident: str):
        session, folder = department_of(request, ident)
        if depts.data_kind(folder) != "xlsx":
            raise Problem(404, "本部门的数据是 data.yaml，请在“编辑数据文件”中修改，或上传 data.xlsx。")
        from .form import form_sections

        result = depts.check(folder)
        at_cell: dict[str, list] = {}
        for f in result.findings:
            if f.link.startswith("form#"):
                at_cell.setdefault(f.link.removeprefix("form#"), []).append(f)
        return page(request, "form.html", ident=ident, dept=store.department(ident),
                    check=result, sections=form_sections(folder / "data.xlsx"), at_cell=at_cell)

    @app.post("/d/{ident}/form")
    async def save_form(request: Request, ident: str):
        session, folder = department_of(request, ident)
        form = await form_of(request, session)
        if depts.data_kind(folder) != "xlsx":
            raise Problem(404, "本部门没有 data.xlsx。")
        from ..output import write_atomically
        from .form import apply_form

        submitted = {k: str(v) for k, v in form.items() if "!" in k and isinstance(v, str)}
        changed: list[str] = []

        def write() -> None:
            data, cells = apply_form(folder / "data.xlsx", submitted)
            changed.extend(cells)
            if cells:
                write_atomically(folder / "data.xlsx", data)

        save(ident, folder, session, version_of(form), "保存表单", "", write)
        if changed:
            store.audit(session.user.name, "修改单元格", ident, "、".join(changed[:50]))
        return RedirectResponse(f"/d/{quote(ident)}/form?msg=saved", status_code=303)

    @app.get("/d/{ident}/yaml", response_class=HTMLResponse)
    def yaml_editor(request: Request, ident: str):
        session, folder = department_of(request, ident)
        if depts.data_kind(folder) != "yaml":
            raise Problem(404, "本部门的数据是 data.xlsx，请使用“填写表单”。")
        from ..files import read_limited

        text = read_limited(folder / "data.yaml", "数据文件", "data.yaml").decode(
            "utf-8", errors="replace")
        result = depts.check(folder)
        at_line: dict[int, list] = {}
        for f in result.findings:  # yaml#L32 → the message beside line 32
            if f.link.startswith("yaml#L"):
                at_line.setdefault(int(f.link.removeprefix("yaml#L")), []).append(f)
        return page(request, "yaml.html", ident=ident, dept=store.department(ident),
                    check=result, text=text, lines=text.splitlines(), at_line=at_line)

    @app.post("/d/{ident}/yaml")
    async def save_yaml(request: Request, ident: str):
        session, folder = department_of(request, ident)
        form = await form_of(request, session)
        if depts.data_kind(folder) != "yaml":
            raise Problem(404, "本部门没有 data.yaml。")
        from ..output import write_atomically
        from .uploads import Refused, check_yaml

        data = str(form.get("text", "")).replace("\r\n", "\n").encode()
        try:
            check_yaml(data, "data.yaml")
        except Refused as exc:
            raise Problem(400, f"未保存：{exc.message}") from None
        save(ident, folder, session, version_of(form), "保存数据文件", "data.yaml",
             lambda: write_atomically(folder / "data.yaml", data))
        return RedirectResponse(f"/d/{quote(ident)}/yaml?msg=saved", status_code=303)

    @app.post("/d/{ident}/upload")
    async def upload(request: Request, ident: str):
        session, folder = department_of(request, ident)
        form = await form_of(request, session)
        from ..output import write_atomically
        from .uploads import MAX_UPLOAD, Refused, check_xlsx, check_yaml

        file = form.get("file")
        if file is None or isinstance(file, str) or not file.filename:
            raise Problem(400, "请选择要上传的文件（data.xlsx 或 data.yaml）。")
        data = await file.read(MAX_UPLOAD + 1)
        name = Path(file.filename).name
        if len(data) > MAX_UPLOAD:
            raise Problem(413, f"“{name}”超过 {MAX_UPLOAD // 1024 // 1024} MB，已拒绝；原有数据未改动。")
        suffix = Path(name).suffix.lower()
        try:
            if suffix == ".xlsx":
                check_xlsx(data, name)
            elif suffix in (".yaml", ".yml"):
                check_yaml(data, name)
            else:
                raise Refused(f"“{name}”不是 .xlsx 或 .yaml 文件；请上传填好的 data.xlsx")
        except Refused as exc:
            store.audit(session.user.name, "上传被拒绝", ident, exc.message[:300])
            raise Problem(400, f"上传未被接受，原有数据未改动：{exc.message}") from None
        target = folder / ("data.xlsx" if suffix == ".xlsx" else "data.yaml")
        other = folder / ("data.yaml" if suffix == ".xlsx" else "data.xlsx")

        def write() -> None:
            write_atomically(target, data)
            if other.exists():  # one data file per folder: the upload replaces the other kind
                other.unlink()

        save(ident, folder, session, version_of(form), "上传数据", f"{name}（{len(data)} 字节）",
             write)
        return RedirectResponse(f"/d/{quote(ident)}?msg=uploaded", status_code=303)

    @app.get("/d/{ident}/data")
    def download_data(request: Request, ident: str):
        session, folder = department_of(request, ident)
        kind = depts.data_kind(folder)
        if not kind:
            raise Problem(404, "本部门还没有数据文件。")
        return FileResponse(folder / f"data.{kind}", filename=f"{ident}-data.{kind}")

    @app.get("/d/{ident}/blank.xlsx")
    def blank_workbook(request: Request, ident: str):
        session, folder = department_of(request, ident)
        return Response(blank_for(folder), media_type=XLSX,
                        headers=_attachment(f"{ident}-填报表.xlsx"))

    # -- narratives -----------------------------------------------------------------------

    @app.get("/d/{ident}/narratives/{section}", response_class=HTMLResponse)
    def narrative(request: Request, ident: str, section: str):
        session, folder = department_of(request, ident)
        if depts.narrative_path(folder, section) is None:
            raise Problem(404, "没有这一节文字材料。")
        text, is_default = depts.narrative_text(folder, section)
        return narrative_page(request, ident, folder, section, text, is_default)

    def narrative_page(request, ident, folder, section, text, is_default, code=200):
        result = depts.check(folder)
        blocks, notes = _preview(folder, section, text)
        head, items = depts.split_reasons(text) if section == depts.REASONS else ("", [])
        lost = [s.name for s in result.scores if s.lost]
        missing = [n for n in lost if n not in {i.title for i in items}]
        return page(request, "narrative.html", code, ident=ident, dept=store.department(ident),
                    section=section, text=text, is_default=is_default, blocks=blocks,
                    notes=notes, refs=result.references, head=head, items=items,
                    missing=missing, is_reasons=section == depts.REASONS,
                    title=_section_title(section))

    @app.post("/d/{ident}/narratives/{section}")
    async def save_narrative(request: Request, ident: str, section: str):
        session, folder = department_of(request, ident)
        form = await form_of(request, session)
        path = depts.narrative_path(folder, section)
        if path is None:
            raise Problem(404, "没有这一节文字材料。")
        text = _narrative_from(form, section)
        if len(text.encode()) > 2 * 1024 * 1024:
            raise Problem(413, "文字材料超过 2 MB，未保存；请精简。")
        from ..output import write_atomically

        save(ident, folder, session, version_of(form), "保存文字材料", section,
             lambda: write_atomically(path, text.encode()))
        return RedirectResponse(f"/d/{quote(ident)}/narratives/{quote(section)}?msg=saved",
                                status_code=303)

    @app.post("/d/{ident}/preview/{section}", response_class=HTMLResponse)
    async def preview(request: Request, ident: str, section: str):
        session, folder = department_of(request, ident)
        form = await form_of(request, session)
        if depts.narrative_path(folder, section) is None:
            raise Problem(404, "没有这一节文字材料。")
        blocks, notes = _preview(folder, section, _narrative_from(form, section))
        if request.headers.get("hx-request") == "true":
            return page(request, "preview.html", blocks=blocks, notes=notes)
        return page(request, "preview_page.html", blocks=blocks, notes=notes, ident=ident,
                    dept=store.department(ident), section=section)

    # -- builds ---------------------------------------------------------------------------

    @app.post("/d/{ident}/build")
    async def build(request: Request, ident: str):
        session, folder = department_of(request, ident)
        await form_of(request, session)
        try:
            row = run_build(web, ident, folder, session.user.name)
        except InputError as exc:
            shown = depts.shown(exc.findings, folder)
            raise Problem(400, "无法生成报告：" + "；".join(
                f"{f.where}：{f.message}" for f in shown[:5])) from None
        return RedirectResponse(f"/d/{quote(ident)}?msg=built#build-{row.seq}", status_code=303)

    def build_row(ident: str, seq: int):
        row = store.build(ident, seq)
        if row is None:
            raise Problem(404, "没有这次生成记录。")
        return row

    @app.get("/d/{ident}/builds/{seq}/report.docx")
    def download_build(request: Request, ident: str, seq: int):
        session, folder = department_of(request, ident)
        row = build_row(ident, seq)
        store.audit(session.user.name, "下载报告", ident, f"第{seq}次生成")
        path = builds_mod.build_dir(root, ident, seq) / builds_mod.REPORT
        return FileResponse(path, media_type=DOCX,
                            headers=_attachment(builds_mod.report_name(store, row)))

    @app.get("/d/{ident}/builds/{seq}/report.pdf")
    def download_pdf(request: Request, ident: str, seq: int):
        session, folder = department_of(request, ident)
        row = build_row(ident, seq)
        make_pages_or_problem(row)
        path = builds_mod.build_dir(root, ident, seq) / "report.pdf"
        name = builds_mod.report_name(store, row).removesuffix(".docx") + ".pdf"
        return FileResponse(path, media_type="application/pdf", headers=_attachment(name))

    def make_pages_or_problem(row):
        if not builds_mod.tools_for_pages():
            raise Problem(404, "服务器未安装 LibreOffice 或 pdftoppm，无法生成 PDF 和页面图。")
        try:
            with web.lock(f"pages:{row.department}"):
                return builds_mod.make_pages(root, row)
        except InputError as exc:
            raise Problem(500, "生成 PDF 失败：" + exc.findings[0].message) from None

    @app.get("/d/{ident}/builds/{seq}/pages", response_class=HTMLResponse)
    def pages(request: Request, ident: str, seq: int):
        session, folder = department_of(request, ident)
        row = build_row(ident, seq)
        count = len(make_pages_or_problem(row))
        return page(request, "pages.html", ident=ident, dept=store.department(ident), build=row,
                    count=count)

    @app.get("/d/{ident}/builds/{seq}/pages/{number}.png")
    def page_image(request: Request, ident: str, seq: int, number: int):
        session, folder = department_of(request, ident)
        row = build_row(ident, seq)
        files = builds_mod.page_files(root, row)
        if not 1 <= number <= len(files):
            raise Problem(404, "没有这一页。")
        return FileResponse(files[number - 1], media_type="image/png")

    @app.get("/d/{ident}/compare", response_class=HTMLResponse)
    def compare(request: Request, ident: str, a: int, b: int):
        session, folder = department_of(request, ident)
        first, second = build_row(ident, a), build_row(ident, b)
        lines, rows = builds_mod.compare(root, first, second)
        return page(request, "compare.html", ident=ident, dept=store.department(ident), a=first,
                    b=second, lines=lines, rows=rows)

    # -- bureau ---------------------------------------------------------------------------

    @app.get("/bureau", response_class=HTMLResponse)
    def bureau(request: Request, sort: str = "id", order: str = "asc", status: str = "",
               q: str = ""):
        admin_of(request)
        rows = store.departments()
        if status:
            rows = [r for r in rows if r.status == status]
        if q:
            rows = [r for r in rows if q in r.id or q in r.name or q in r.changed_by]
        rows = sorted(rows, key=SORT_KEYS.get(sort, SORT_KEYS["id"]), reverse=order == "desc")
        counts = {s: 0 for s in depts.STATUSES}
        for r in store.departments() if (status or q) else rows:
            counts[r.status] = counts.get(r.status, 0) + 1
        return page(request, "bureau.html", rows=rows, sort=sort, order=order, status=status,
                    q=q, counts=counts, frameworks=_frameworks(), batch=web.batch.state,
                    accounts={u.department: u.name for u in store.users() if u.department})

    @app.post("/bureau/departments")
    async def create_department(request: Request):
        session = admin_of(request)
        form = await form_of(request, session)
        ident = str(form.get("ident", "")).strip()
        framework = str(form.get("framework", "")).strip()
        account = str(form.get("account", "")).strip() or ident
        if not depts.valid_id(ident):
            raise Problem(400, "部门编号只能由字母、数字、汉字、“-”和“_”组成（不超过 64 个字符），"
                               "且以字母、数字或汉字开头。")
        if framework not in {f for f, _ in _frameworks()}:
            raise Problem(400, "请选择一个内置评价框架。")
        if len(account) > 64 or store.user(account) is not None:
            raise Problem(400, f"账号“{account}”已存在或过长，请换一个。")
        try:
            depts.create_department(root, ident, framework)
        except InputError as exc:
            raise Problem(400, exc.findings[0].message) from None
        password = web.accounts.add(account, "department", ident)
        store.ensure_department(ident)
        store.audit(session.user.name, "新建部门", ident, f"评价框架 {framework}，账号 {account}")
        refresh_status(web, ident, root / ident)
        return page(request, "created.html", ident=ident, account=account, password=password)

    @app.post("/bureau/accounts/{name}/reset")
    async def reset_password(request: Request, name: str):
        session = admin_of(request)
        await form_of(request, session)
        user = store.user(name)
        if user is None or user.is_admin:
            raise Problem(404, "没有这个部门账号。")
        password = web.accounts.reset(name)
        store.audit(session.user.name, "重置密码", user.department, name)
        return page(request, "created.html", ident=user.department, account=name,
                    password=password, reset=True)

    @app.get("/bureau/summary.xlsx")
    def summary(request: Request):
        session = admin_of(request)
        store.audit(session.user.name, "下载汇总表")
        return Response(summary_for(web), media_type=XLSX, headers=_attachment("汇总表.xlsx"))

    @app.post("/bureau/batch")
    async def batch(request: Request):
        session = admin_of(request)
        await form_of(request, session)
        ids = [r.id for r in store.departments() if r.status in (depts.DRAFT, depts.FINAL,
                                                                   depts.DATA_ERRORS)]

        def one(ident: str) -> None:
            folder = depts.folder_of(root, ident)
            if folder is not None:
                run_build(web, ident, folder, session.user.name)

        if not web.batch.start(ids, one):
            raise Problem(409, "已有一个批量生成在进行中，请等它完成。")
        store.audit(session.user.name, "批量生成", None, f"{len(ids)} 个部门")
        return RedirectResponse("/bureau/batch", status_code=303)

    @app.get("/bureau/batch", response_class=HTMLResponse)
    def batch_progress(request: Request):
        admin_of(request)
        return page(request, "batch.html", batch=web.batch.state,
                    partial=request.headers.get("hx-request") == "true")

    @app.get("/bureau/audit", response_class=HTMLResponse)
    def audit(request: Request, department: str = ""):
        admin_of(request)
        return page(request, "audit.html", entries=store.audit_entries(department or None),
                    department=department)

    @app.get("/d/{ident}/audit", response_class=HTMLResponse)
    def department_audit(request: Request, ident: str):
        session, folder = department_of(request, ident)
        return page(request, "audit.html", entries=store.audit_entries(ident), department=ident,
                    dept=store.department(ident), ident=ident)

    return Guard(app)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

SORT_KEYS = {
    "id": lambda r: r.id,
    "name": lambda r: r.name,
    "status": lambda r: depts.STATUSES.index(r.status) if r.status in depts.STATUSES else 9,
    "errors": lambda r: r.errors,
    "warnings": lambda r: r.warnings,
    "total": lambda r: float(r.total) if r.total else -1.0,
    "grade": lambda r: r.grade,
    "changed_at": lambda r: r.changed_at or 0.0,
    "changed_by": lambda r: r.changed_by,
}


def _clock(at: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(at)) if at else "—"


def _cookie(response: Response, request: Request, name: str, value: str, age: int) -> None:
    response.set_cookie(name, value, max_age=age, path="/", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")


def _attachment(filename: str) -> dict[str, str]:
    return {"content-disposition": f"attachment; filename*=UTF-8''{quote(filename)}"}


def _frameworks() -> list[tuple[str, str]]:
    from ..framework import builtin_frameworks

    return [(f.ident, f.title) for f in builtin_frameworks()]


def _section_title(section: str) -> str:
    from ..inputs.narratives import NARRATIVE_SECTIONS

    return NARRATIVE_SECTIONS.get(section, "需要说明事项（每个未得满分的指标一节）")


def _narrative_from(form, section: str) -> str:
    if section != depts.REASONS or "text" in form:
        return str(form.get("text", "")).replace("\r\n", "\n")
    items = []
    for i in range(200):
        if f"title_{i}" not in form:
            break
        items.append(depts.ReasonItem(str(form.get(f"title_{i}", "")),
                                      str(form.get(f"body_{i}", "")).replace("\r\n", "\n")))
    return depts.join_reasons(str(form.get("head", "")).replace("\r\n", "\n"), items)


def _preview(folder: Path, section: str, text: str):
    try:
        return depts.preview(folder, section, text)
    except InputError as exc:
        return [], depts.shown(exc.findings, folder)


def stamp(web: Web, ident: str) -> str:
    """What a save form carries: the save version and the digest of the files it shows."""
    row = web.store.department(ident)
    folder = depts.folder_of(web.root, ident)
    digest = depts.folder_digest(folder) if folder is not None else "0"
    return f"{row.version if row else 0}-{digest}"


def sync_departments(web: Web) -> None:
    """Folders made by `reportgen init` (or copied in) appear on the bureau page; their
    status is computed in the background so a start with hundreds of folders stays quick."""
    known = {r.id for r in web.store.departments()}
    new = [i for i in depts.department_ids(web.root) if i not in known]
    for ident in new:
        web.store.ensure_department(ident)
    pending = [r.id for r in web.store.departments() if not r.checked]
    if pending:
        def work() -> None:
            for ident in pending:
                folder = depts.folder_of(web.root, ident)
                if folder is not None:
                    refresh_status(web, ident, folder)

        threading.Thread(target=work, daemon=True).start()


def refresh_status(web: Web, ident: str, folder: Path) -> depts.CheckResult:
    result = depts.check(folder)
    final = None
    latest = web.store.builds(ident)
    if latest and latest[0].errors == 0 and latest[0].draft == 0:
        final = latest[0].digest
    web.store.record_check(ident, result.name, result.status(final), result.errors,
                           result.warnings, result.total, result.grade, result.digest,
                           depts.last_modified(folder))
    return result


def run_build(web: Web, ident: str, folder: Path, user: str):
    with web.lock(ident):
        row = builds_mod.build_department(web.root, web.store, folder, ident, user)
    web.store.audit(user, "生成报告", ident, f"第{row.seq}次生成；{row.change}")
    refresh_status(web, ident, folder)
    return row


def blank_for(folder: Path) -> bytes:
    """A blank 填报表 for the department's framework (from its data, else the default)."""
    import tempfile

    from ..workbook.new_folder import init_department

    framework = "湘西州本级2018"
    kind = depts.data_kind(folder)
    if kind:
        try:
            from ..pipeline import evaluate

            framework = evaluate(folder).framework_file.as_posix()
        except InputError:
            pass
    with tempfile.TemporaryDirectory(prefix="reportgen-blank-") as work:
        try:
            init_department(Path(work) / "d", framework)
        except InputError:
            init_department(Path(work) / "e", "湘西州本级2018")
            return (Path(work) / "e" / "data.xlsx").read_bytes()
        return (Path(work) / "d" / "data.xlsx").read_bytes()


def summary_for(web: Web) -> bytes:
    """汇总表.xlsx of every department as it stands now, with its latest build's change."""
    from ..batch import SUCCEEDED, Outcome, indicator_cells
    from ..pipeline import evaluate
    from ..summary import summary_workbook

    latest = web.store.latest_builds()
    outcomes = []
    for row in web.store.departments():
        folder = depts.folder_of(web.root, row.id)
        outcome = Outcome(folder=row.id)
        build = latest.get(row.id)
        if folder is None:
            continue
        try:
            ev = evaluate(folder)
        except InputError as exc:
            outcome.reason = "；".join(f.message for f in exc.findings[:3])
            outcomes.append(outcome)
            continue
        card, data = ev.scorecard, ev.department.data
        outcome.status = SUCCEEDED
        outcome.framework = ev.framework.title
        outcome.output = builds_mod.report_name(web.store, build) if build else ""
        outcome.name, outcome.year = data.basic.name, str(data.basic.year)
        outcome.total, outcome.grade = str(card.total), card.grade
        outcome.errors, outcome.warnings = row.errors, row.warnings
        outcome.change = f"{row.status}；{build.change}" if build else row.status
        outcome.indicators = indicator_cells(ev)
        outcomes.append(outcome)
    return summary_workbook(outcomes)
