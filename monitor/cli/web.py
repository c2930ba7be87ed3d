"""`arcwatch serve` (the web triage queue) and `arcwatch users ...` (who may use it)."""
from __future__ import annotations

import getpass
import logging
import sys

from monitor import users
from monitor.cli._common import add_format, config_of, print_json, store_of

log = logging.getLogger(__name__)


def register(subparsers) -> None:
    p = subparsers.add_parser("serve", help="run the web triage queue")
    p.add_argument("--host", help="address to listen on (default: [web] host)")
    p.add_argument("--port", type=int, help="port to listen on (default: [web] port)")
    p.set_defaults(func=cmd_serve)

    group = subparsers.add_parser("users", help="people who may use the web queue, and their roles")
    sub = group.add_subparsers(dest="users_command", metavar="SUBCOMMAND", required=True)
    p = sub.add_parser("add", help="add a user; the password is read from stdin")
    p.add_argument("email")
    p.add_argument("--role", choices=users.ROLES, required=True,
                   help="admin and manager can act on alerts; viewer can only read")
    p.set_defaults(func=cmd_add)
    p = sub.add_parser("passwd", help="set a user's password, read from stdin")
    p.add_argument("email")
    p.set_defaults(func=cmd_passwd)
    p = sub.add_parser("role", help="change a user's role")
    p.add_argument("email")
    p.add_argument("role", choices=users.ROLES)
    p.set_defaults(func=cmd_role)
    for name, disabled, text in (("disable", True, "stop a user signing in (sessions and token stop at once)"),
                                 ("enable", False, "let a disabled user sign in again")):
        p = sub.add_parser(name, help=text)
        p.add_argument("email")
        p.set_defaults(func=cmd_disable, disabled=disabled)
    p = sub.add_parser("token", help="issue a new API token (printed once; replaces the old one)")
    p.add_argument("email")
    p.set_defaults(func=cmd_token)
    p = sub.add_parser("list", help="list users")
    add_format(p)
    p.set_defaults(func=cmd_list)


def read_password(stream=None) -> str:
    """A password from a terminal (asked twice, not echoed) or the first line of piped stdin."""
    stream = stream or sys.stdin
    if stream.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != first:
            raise users.UserError("the passwords differ")
        return first
    line = stream.readline()
    if not line:
        raise users.UserError("no password on stdin: pipe it in, e.g. `printf '%s\\n' \"$PW\" | arcwatch users add ...`")
    return line.rstrip("\r\n")


def cmd_serve(args) -> int:
    import uvicorn

    from monitor.web.app import create_app

    config = config_of(args)
    engine = store_of(config)
    host = args.host or config.web.host
    port = args.port if args.port is not None else config.web.port
    app = create_app(engine, config)
    log.info("serving the triage queue on http://%s:%d", host, port)
    # proxy_headers: behind a trusted local reverse proxy the client address (for rate limits) is the real one.
    uvicorn.run(app, host=host, port=port, proxy_headers=True, log_level="info", server_header=False)
    return 0


def cmd_add(args) -> int:
    engine = store_of(config_of(args))
    account = users.add_user(engine, args.email, args.role, read_password())
    print(f"added {account.email} ({account.role})")
    return 0


def cmd_passwd(args) -> int:
    engine = store_of(config_of(args))
    users.set_password(engine, args.email, read_password())
    print(f"password of {users.normalise_email(args.email)} changed")
    return 0


def cmd_role(args) -> int:
    users.set_role(store_of(config_of(args)), args.email, args.role)
    print(f"{users.normalise_email(args.email)} is now {args.role}")
    return 0


def cmd_disable(args) -> int:
    users.set_disabled(store_of(config_of(args)), args.email, args.disabled)
    print(f"{users.normalise_email(args.email)} {'disabled' if args.disabled else 'enabled'}")
    return 0


def cmd_token(args) -> int:
    token = users.new_token(store_of(config_of(args)), args.email)
    print(token)
    print("Store it now: only its hash is kept. Use it as `Authorization: Bearer TOKEN` on /api/alerts.",
          file=sys.stderr)
    return 0


def cmd_list(args) -> int:
    rows = users.list_users(store_of(config_of(args)))
    if args.format == "json":
        print_json([u.as_json() for u in rows])
        return 0
    for u in rows:
        flags = ", ".join(f for f, on in (("disabled", u.disabled), ("api token", u.token)) if on)
        print(f"{u.email:<40} {u.role:<8} {flags}")
    return 0
