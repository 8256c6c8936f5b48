"""`gridmap user …` (accounts) and `gridmap audit` (the audit log)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click

from cli.session import database_url, session_for, settings


@click.group()
def user() -> None:
    """Accounts: a role and the areas it answers for (geo/access.py)."""


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, help="admin, command, street, community, grid_worker, …")
@click.option("--area", "areas", multiple=True, required=True, help="an area code (repeatable)")
@click.option("--display-name", default=None)
@click.option("--worker", default=None, help="the grid worker this account is (workers.id)")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
def user_add(
    name: str,
    role: str,
    areas: tuple[str, ...],
    display_name: str | None,
    worker: str | None,
    password_stdin: bool,
) -> None:
    """Add an account; it must change its password at first sign-in. Without
    --password-stdin it signs in only through the identity service's proxy header."""
    from geo.accounts.accounts import add_account
    from geo.accounts.audit import record

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    with session_for(database_url()) as session:
        add_account(
            session, name, role, list(areas), password, display_name=display_name, worker_id=worker
        )
        record(session, "account.add", None, "cli", "cli", target=f"account:{name}")
        session.commit()
    click.echo(f"account {name} ({role}) added")


@user.command("list")
def user_list() -> None:
    from geo.accounts.accounts import list_accounts

    with session_for(database_url()) as session:
        for a in list_accounts(session):
            state = "disabled" if a["disabled"] else ""
            click.echo(f"{a['username']}\t{a['role']}\t{a['areas'] or ''}\t{state}".rstrip())


@user.command("reset-password")
@click.argument("name")
def user_reset_password(name: str) -> None:
    """Give an account a random password, printed once, that it must change at its next
    sign-in; its sessions end."""
    from geo.accounts.accounts import reset_password
    from geo.accounts.audit import record

    with session_for(database_url()) as session:
        first = reset_password(session, name)
        if first is not None:
            record(session, "password.reset", None, "cli", "cli", target=f"account:{name}")
        session.commit()
    if first is None:
        click.echo(f"no active account {name!r}")
        sys.exit(1)
    click.echo(f"{name} / {first} (shown this once; a new password is asked for at sign-in)")


@user.command("disable")
@click.argument("name")
def user_disable(name: str) -> None:
    """Disable an account: its sessions end and its API keys stop working."""
    from geo.accounts.accounts import disable_account
    from geo.accounts.audit import record

    with session_for(database_url()) as session:
        ok = disable_account(session, name)
        if ok:
            record(session, "account.disable", None, "cli", "cli", target=f"account:{name}")
        session.commit()
    click.echo("disabled" if ok else f"no active account {name!r}")
    sys.exit(0 if ok else 1)


@user.command("import")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
def user_import(file: Path) -> None:
    """Accounts from CSV (用户名, 角色, 辖区, 密码, 姓名, 网格员编号, or the English names):
    a report per row; exit 1 if any row was refused."""
    from geo.accounts.accounts import import_accounts

    with session_for(database_url()) as session:
        report = import_accounts(session, file.read_bytes())
        session.commit()
    click.echo(json.dumps(report, ensure_ascii=False, indent=1))
    sys.exit(1 if any(not r["ok"] for r in report) else 0)


@click.command()
@click.option("--user", "username", default=None)
@click.option("--action", default=None, help="e.g. signin, case.read_personal, case.transition")
@click.option("--since", type=click.DateTime(), default=None)
@click.option("--limit", default=200, show_default=True)
@click.option("--purge", is_flag=True, help="delete entries past GRIDMAP_AUDIT_DAYS instead")
def audit(
    username: str | None, action: str | None, since: datetime | None, limit: int, purge: bool
) -> None:
    """The audit log, newest first (JSON lines); or --purge the entries past the retention."""
    from geo.accounts import audit as log

    with session_for(database_url()) as session:
        if purge:
            n = log.purge(session, settings().audit_days)
            session.commit()
            click.echo(f"{n} entries older than {settings().audit_days:g} days deleted")
            return
        for entry in log.read(session, since=since, username=username, action=action, limit=limit):
            click.echo(json.dumps(entry, ensure_ascii=False, default=str))


COMMANDS = (user, audit)
