"""``ledgerport users ...`` and ``ledgerport clients ...``: API users and OAuth clients kept
in the database (users of the settings file are listed but changed in the file)."""

from __future__ import annotations

import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from ledgerport.auth.clients import add_client, list_clients, remove_client
from ledgerport.auth.passwords import hash_password
from ledgerport.auth.principal import CompanyGrant
from ledgerport.auth.users import UserRecord, find_user
from ledgerport.auth.userstore import UserChange, add_user, change_user, list_users
from ledgerport.config import DEFAULT_SCOPES, ConfigError, Settings, load_settings
from ledgerport.errors import LedgerportError
from ledgerport.services import utc_now
from ledgerport.store.database import Database

__all__ = ["clients_app", "register_user_commands"]

T = TypeVar("T")
console = Console(soft_wrap=True)
clients_app = typer.Typer(help="Manage OAuth clients.", no_args_is_help=True)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="Settings file (default ./ledgerport.toml).")
]
ScopesOption = Annotated[
    list[str] | None,
    typer.Option("--scope", help="A scope (repeat): read, write, webhooks, admin."),
]


def _settings(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except ConfigError as exc:
        console.print(f"[red]configuration refused:[/red] {exc}")
        raise typer.Exit(2) from None


def _run(config: Path | None, work: Callable[[Database, Settings], Awaitable[T]]) -> T:
    settings = _settings(config)

    async def main() -> T:
        database = Database.connect(settings.database_url, settings.database.pool_size)
        try:
            return await work(database, settings)
        finally:
            await database.dispose()

    try:
        return asyncio.run(main())
    except LedgerportError as exc:
        console.print(f"[red]refused:[/red] {exc.detail}")
        for error in exc.errors:
            console.print(f"  {error.field}: {error.message}")
        raise typer.Exit(1) from None


def _read_password(password_stdin: bool) -> str:
    if password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            console.print("[red]the passwords differ[/red]")
            raise typer.Exit(2)
    if len(password) < 8:
        console.print("[red]use a password of at least 8 characters[/red]")
        raise typer.Exit(2)
    return password


def register_user_commands(users_app: typer.Typer) -> None:
    """Add add/list/disable/enable/set-companies to ``ledgerport users``."""

    @users_app.command("add")
    def add(
        username: str,
        company: Annotated[list[int] | None, typer.Option(help="A company (repeat).")] = None,
        scope: ScopesOption = None,
        context_user: Annotated[str | None, typer.Option(help="ERP user it acts as.")] = None,
        allow_basic: Annotated[bool, typer.Option(help="May use Basic auth.")] = True,
        allow_sys: Annotated[bool, typer.Option(help="May use /api/sys.")] = False,
        allow_catalog: Annotated[bool, typer.Option(help="May use /api/catalog.")] = False,
        password_stdin: Annotated[
            bool, typer.Option("--password-stdin", help="Read the password from stdin.")
        ] = False,
        config: ConfigOption = None,
    ) -> None:
        """Add an API user to the database (the password is asked for, or read from stdin)."""
        password_hash = hash_password(_read_password(password_stdin))
        record = UserRecord(
            username=username,
            password_hash=password_hash,
            context_user=context_user,
            allow_basic=allow_basic,
            allow_sys=allow_sys,
            allow_catalog=allow_catalog,
            scopes=tuple(scope) if scope else DEFAULT_SCOPES,
            companies=tuple(CompanyGrant(c) for c in company or []),
        )

        async def work(db: Database, settings: Settings) -> None:
            async with db.write() as conn:
                await add_user(conn, record, settings.users, utc_now())

        _run(config, work)
        console.print(f"[green]added[/green] API user {username}")

    @users_app.command("list")
    def list_(config: ConfigOption = None) -> None:
        """List API users (from the settings file and the database); never a hash."""

        async def work(db: Database, settings: Settings) -> list[tuple[UserRecord, str]]:
            async with db.read() as conn:
                return await list_users(conn, settings.users)

        table = Table("user", "source", "scopes", "companies", "basic", "sys", "catalog", "state")
        for user, source in _run(config, work):
            table.add_row(
                user.username,
                source,
                " ".join(user.scopes),
                " ".join(str(g.company_no) for g in user.companies),
                "yes" if user.allow_basic else "no",
                "yes" if user.allow_sys else "no",
                "yes" if user.allow_catalog else "no",
                "disabled" if user.disabled else "active",
            )
        console.print(table)

    def _change(username: str, change: UserChange, config: Path | None) -> None:
        async def work(db: Database, settings: Settings) -> None:
            async with db.write() as conn:
                await change_user(conn, username, change, settings.users)

        _run(config, work)

    @users_app.command("disable")
    def disable(username: str, config: ConfigOption = None) -> None:
        """Disable a user: its credentials and tokens stop working (within seconds)."""
        _change(username, UserChange(disabled=True), config)
        console.print(f"[green]disabled[/green] {username}")

    @users_app.command("enable")
    def enable(username: str, config: ConfigOption = None) -> None:
        """Enable a disabled user again."""
        _change(username, UserChange(disabled=False), config)
        console.print(f"[green]enabled[/green] {username}")

    @users_app.command("set-companies")
    def set_companies(
        username: str,
        companies: Annotated[list[int], typer.Argument(help="Company numbers.")],
        config: ConfigOption = None,
    ) -> None:
        """Replace the companies a user may reach."""
        grants = tuple(CompanyGrant(c) for c in companies)
        _change(username, UserChange(companies=grants), config)
        console.print(f"[green]{username}[/green] reaches {' '.join(map(str, companies))}")


@clients_app.command("add")
def clients_add(
    name: str,
    owner: Annotated[str, typer.Option(help="The API user the client belongs to.")],
    grant: Annotated[list[str], typer.Option(help="A grant type (repeat).")],
    redirect_uri: Annotated[
        list[str] | None, typer.Option(help="A redirect URI (repeat); http://localhost allowed.")
    ] = None,
    scope: ScopesOption = None,
    public: Annotated[bool, typer.Option(help="No secret (PKCE clients).")] = False,
    config: ConfigOption = None,
) -> None:
    """Register an OAuth client; its secret is printed this once."""

    async def work(db: Database, settings: Settings) -> tuple[str, str | None]:
        async with db.write() as conn:
            if await find_user(conn, owner, settings.users) is None:
                console.print(f"[red]refused:[/red] there is no API user {owner!r}")
                raise typer.Exit(1)
            created = await add_client(
                conn,
                name=name,
                owner=owner,
                redirect_uris=tuple(redirect_uri or ()),
                grant_types=tuple(grant),
                scopes=tuple(scope) if scope else ("read", "write"),
                public=public,
                now=utc_now(),
            )
        return created.client.client_id, created.secret

    client_id, secret = _run(config, work)
    console.print(f"client_id:     {client_id}")
    if secret:
        console.print(f"client_secret: {secret}")
        console.print("[yellow]The secret is shown only now; store it safely.[/yellow]")


@clients_app.command("list")
def clients_list(config: ConfigOption = None) -> None:
    """List registered OAuth clients (never a secret)."""

    async def work(db: Database, settings: Settings) -> Table:
        async with db.read() as conn:
            clients = await list_clients(conn)
        table = Table("client_id", "name", "owner", "type", "grants", "scopes", "redirect URIs")
        for c in clients:
            table.add_row(
                c.client_id,
                c.name,
                c.owner or "",
                "public" if c.public else "confidential",
                " ".join(c.grant_types),
                " ".join(c.scopes),
                " ".join(c.redirect_uris),
            )
        return table

    console.print(_run(config, work))


@clients_app.command("remove")
def clients_remove(client_id: str, config: ConfigOption = None) -> None:
    """Remove a client and revoke its tokens."""

    async def work(db: Database, settings: Settings) -> None:
        async with db.write() as conn:
            await remove_client(conn, client_id)

    _run(config, work)
    console.print(f"[green]removed[/green] {client_id}")
