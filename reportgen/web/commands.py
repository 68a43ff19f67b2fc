"""The command line's `serve` and `user add`: parsers here, libraries loaded only when run."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2
MISSING = ("网页功能需要额外的库，请先安装：pip install 'reportgen[web]'"
           "（或在源代码目录中 pip install '.[web]'）")


# Each command's help as the command line keeps it: summary, an example, exit codes.
HELP: dict[str, tuple[str, str, str]] = {
    "serve": ("启动网页：各部门在浏览器中填报数据、撰写文字材料、检查并生成报告，财政局查看全部部门。"
              "首次启动时创建管理员账号 admin 并显示一次性密码",
              "reportgen serve 各部门2024 --port 8000",
              "0 已正常停止；2 总文件夹无法读取或未安装网页所需的库"),
    "user": ("网页账号管理", "reportgen user add 各部门2024 张三 --department 商务局", "见 user add"),
    "user add": ("新建网页账号并显示一次性密码：--admin 为财政局管理员，--department 为某部门的账号",
                 "reportgen user add 各部门2024 张三 --department 商务局",
                 "0 已创建；1 账号已存在、账号名不合适或没有该部门；2 总文件夹无法读取"),
}


def add_commands(sub, command) -> None:
    """command(sub, name, func, title=None) makes a parser with the command line's help."""
    s = command(sub, "serve", cmd_serve)
    s.add_argument("root", metavar="总文件夹",
                   help="其中每个子文件夹是一个部门；账号和操作记录保存在其中的 .reportgen-web")
    s.add_argument("--host", metavar="地址", default="127.0.0.1",
                   help="监听地址（默认 127.0.0.1，仅本机可访问）")
    s.add_argument("--port", metavar="端口", type=int, default=8000, help="端口（默认 8000）")
    u = command(sub, "user")
    usub = u.add_subparsers(dest="user_command", required=True, metavar="子命令",
                            title="子命令", help="下列子命令之一")
    a = command(usub, "add", cmd_user_add, title="user add")
    a.add_argument("root", metavar="总文件夹", help="reportgen serve 使用的总文件夹")
    a.add_argument("name", metavar="账号名", help="登录用的账号名（不超过 64 个字符）")
    who = a.add_mutually_exclusive_group(required=True)
    who.add_argument("--admin", action="store_true", help="财政局管理员（可查看和管理全部部门）")
    who.add_argument("--department", metavar="部门",
                     help="部门账号：只能访问该部门（总文件夹下的部门文件夹名）")


def _root(path: str) -> Path | None:
    """The root folder, once the web libraries are known to be installed."""
    root = Path(path)
    if not root.is_dir():
        print(f"[错误] {root}：不是文件夹；请先创建总文件夹（可用 reportgen init 在其中新建部门）",
              file=sys.stderr)
        return None
    if any(importlib.util.find_spec(name) is None
           for name in ("fastapi", "uvicorn", "argon2", "jinja2")):
        print(f"[错误] {MISSING}", file=sys.stderr)
        return None
    return root


def cmd_serve(args: argparse.Namespace) -> int:
    root = _root(args.root)
    if root is None:
        return EXIT_UNREADABLE
    import uvicorn

    from .app import create_app
    from .auth import Accounts
    from .store import Store

    store = Store(root)
    if not store.has_admin():
        password = Accounts(store).add("admin", "admin")
        store.audit("reportgen", "新建账号", None, "admin（首次启动）")
        print(f"首次启动：已创建财政局管理员账号 admin，一次性密码：{password}\n"
              "（只显示这一次；忘记时可用 reportgen user add 新建管理员账号）")
    print(f"网页地址：http://{args.host}:{args.port}/ （按 Ctrl+C 停止）")
    uvicorn.run(create_app(root), host=args.host, port=args.port, log_level="warning",
                server_header=False)
    return EXIT_OK


def cmd_user_add(args: argparse.Namespace) -> int:
    root = _root(args.root)
    if root is None:
        return EXIT_UNREADABLE
    from .auth import Accounts
    from .departments import folder_of
    from .store import Store

    if args.department and folder_of(root, args.department) is None:
        print(f"[错误] {root}：没有部门文件夹“{args.department}”", file=sys.stderr)
        return EXIT_ERRORS
    if not args.name or len(args.name) > 64:
        print("[错误] 账号名不能为空，且不超过 64 个字符", file=sys.stderr)
        return EXIT_ERRORS
    store = Store(root)
    if store.user(args.name) is not None:
        print(f"[错误] 账号“{args.name}”已存在", file=sys.stderr)
        return EXIT_ERRORS
    role = "admin" if args.admin else "department"
    if args.department:
        store.ensure_department(args.department)
    password = Accounts(store).add(args.name, role, args.department)
    store.audit("reportgen", "新建账号", args.department, f"{args.name}（命令行）")
    print(f"已创建账号 {args.name}，一次性密码：{password}")
    return EXIT_OK
