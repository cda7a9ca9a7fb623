"""The ``ledgerport`` command: init, serve, worker, users, clients, import."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ledgerport.app import NotInitialised, build_services
from ledgerport.auth.passwords import hash_password
from ledgerport.config import ConfigError, Settings, load_settings
from ledgerport.domain.numbering import ensure_defaults
from ledgerport.model import builtin_registry
from ledgerport.query.tables import Tables
from ledgerport.server import ServeOptions, serve
from ledgerport.services import utc_now
from ledgerport.store.database import Database
from ledgerport.store.migrate import migrate

__all__ = ["app", "main"]

app = typer.Typer(
    help="ledgerport: a self-hosted integration API for ERP data.", no_args_is_help=True
)
users_app = typer.Typer(help="Manage API users.", no_args_is_help=True)
app.add_typer(users_app, name="users")
console = Console(soft_wrap=True)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="Settings file (default ./ledgerport.toml).")
]


def _settings(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except ConfigError as exc:
        console.print(f"[red]configuration refused:[/red] {exc}")
        raise typer.Exit(2) from None


@app.command()
def init(
    config: ConfigOption = None,
    demo: Annotated[bool, typer.Option(help="Add companies 9999 and 1000 with demo data.")] = False,
) -> None:
    """Create or migrate the database; with --demo, load demo companies and a demo user."""
    settings = _settings(config)
    asyncio.run(_init(settings, demo))


async def _init(settings: Settings, demo: bool) -> None:
    database = Database.connect(settings.database_url, settings.database.pool_size)
    try:
        changes = await migrate(database, Tables.build(builtin_registry()))
        for line in changes:
            console.print(f"  {line}")
        console.print(
            f"[green]database ready[/green] at {settings.database.url}"
            f" ({len(changes)} change{'s' if len(changes) != 1 else ''})"
        )
        if demo:
            from ledgerport.domain.demo import load_demo

            report = await load_demo(settings, database)
            for line in report:
                console.print(line)
        await _number_series(database)
    finally:
        await database.dispose()


async def _number_series(database: Database) -> None:
    """Default number series intervals for every company that lacks them."""
    tables = Tables.build(builtin_registry())
    async with database.write() as conn:
        made = await ensure_defaults(conn, tables, builtin_registry(), utc_now())
    if made:
        console.print(f"  {made} default number series intervals")


@app.command("serve")
def serve_command(
    config: ConfigOption = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8443).")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    insecure_http: Annotated[
        bool, typer.Option("--insecure-http", help="Serve plain HTTP instead of HTTPS.")
    ] = False,
) -> None:
    """Serve the API over HTTPS (a self-signed localhost certificate when none is set)."""
    settings = _settings(config)
    asyncio.run(_preflight(settings))
    options = ServeOptions(
        host=host or settings.server.host,
        port=port or settings.server.port,
        workers=workers,
        insecure_http=insecure_http,
        config_path=config.resolve() if config else None,
    )
    scheme = "http" if insecure_http else "https"
    shown = "localhost" if options.host in ("127.0.0.1", "0.0.0.0") else options.host  # noqa: S104
    console.print(
        f"ledgerport on [bold]{scheme}://{shown}:{options.port}[/bold]"
        f" — Swagger UI at {scheme}://{shown}:{options.port}/swagger"
    )
    serve(settings, options)


async def _preflight(settings: Settings) -> None:
    """Refuse to start with a clear message rather than a failing worker's traceback."""
    try:
        services = await build_services(settings)
    except (NotInitialised, ConfigError) as exc:
        console.print(f"[red]cannot serve:[/red] {exc}")
        raise typer.Exit(2) from None
    await services.database.dispose()


@app.command()
def worker(config: ConfigOption = None) -> None:
    """Deliver webhooks until stopped (SIGTERM/SIGINT finish in-flight deliveries first)."""
    settings = _settings(config)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_work(settings))


async def _work(settings: Settings) -> None:
    import signal

    from ledgerport.domain.extensions import watch_registry
    from ledgerport.events.worker import running_dispatcher

    try:
        services = await build_services(settings)
    except (NotInitialised, ConfigError) as exc:
        console.print(f"[red]cannot start the worker:[/red] {exc}")
        raise typer.Exit(2) from None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    console.print(f"ledgerport worker delivering webhooks from {settings.database.url}")
    watcher = asyncio.create_task(watch_registry(services, stop))  # custom fields in payloads
    try:
        async with running_dispatcher(
            services.database,
            lambda: services.settings,
            lambda: (services.registry, services.tables),
            services.secret_key,
        ):
            await stop.wait()
    finally:
        stop.set()
        await watcher
        await services.database.dispose()


@users_app.command("hash-password")
def hash_password_command(
    password: Annotated[
        str | None, typer.Option(help="The password (asked for when not given).")
    ] = None,
) -> None:
    """Print an argon2 hash to put in a [[users]] password_hash."""
    if password is None:
        password = getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline()
        password = password.rstrip("\n")
    if not password:
        console.print("[red]an empty password is not allowed[/red]")
        raise typer.Exit(2)
    print(hash_password(password))


@app.command("import")
def import_command(
    resource: Annotated[str, typer.Argument(help="Company resource, e.g. associates.")],
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="A .csv or JSON-lines file.")
    ],
    company: Annotated[int, typer.Option(min=1, help="Company number.")],
    config: ConfigOption = None,
    user: Annotated[
        str | None,
        typer.Option(help="Import as this API user (its companies and number series)."),
    ] = None,
    chunk_size: Annotated[int, typer.Option(min=1, max=1000, help="Rows per batch.")] = 500,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row, then roll everything back.")
    ] = False,
    failed: Annotated[
        Path | None, typer.Option(help="Where to write failed rows (default FILE.failed.EXT).")
    ] = None,
) -> None:
    """Create rows from a CSV (header = field names) or JSON-lines file, in batches."""
    settings = _settings(config)
    code = asyncio.run(
        _import(settings, resource, file, company, user, chunk_size, dry_run, failed)
    )
    raise typer.Exit(code)


async def _import(
    settings: Settings,
    resource: str,
    file: Path,
    company: int,
    user: str | None,
    chunk_size: int,
    dry_run: bool,
    failed: Path | None,
) -> int:
    from rich.progress import Progress

    from ledgerport.auth.users import find_user, principal_of
    from ledgerport.errors import LedgerportError
    from ledgerport.imports import import_rows, operator, read_source, write_failures
    from ledgerport.model import Scope

    try:
        services = await build_services(settings)
    except (NotInitialised, ConfigError) as exc:
        console.print(f"[red]cannot import:[/red] {exc}")
        return 2
    try:
        entity = services.registry.get(Scope.COMPANY, resource)
        if entity is None:
            console.print(f"[red]cannot import:[/red] there is no company resource {resource!r}")
            return 2
        default_context = settings.server.default_context_user
        principal = operator(company, default_context)
        if user is not None:
            async with services.database.read() as conn:
                record = await find_user(conn, user, settings.users)
            if record is None or record.disabled:
                console.print(f"[red]cannot import:[/red] no enabled API user {user!r}")
                return 2
            principal = principal_of(record, default_context)
        try:
            source = read_source(file, entity)
        except (ValueError, UnicodeDecodeError) as exc:
            console.print(f"[red]cannot read {file}:[/red] {exc}")
            return 2
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task(f"importing {file.name}", total=len(source.rows))
            try:
                report = await import_rows(
                    services,
                    principal,
                    company,
                    resource,
                    source,
                    chunk_size=chunk_size,
                    dry_run=dry_run,
                    progress=lambda n: bar.advance(task, n),
                )
            except LedgerportError as exc:
                console.print(f"[red]import stopped:[/red] {exc.detail}")
                return 2
    finally:
        await services.database.dispose()
    verb = "would create" if dry_run else "created"
    console.print(
        f"{resource}: {verb} {report.created}, failed {len(report.failed)}"
        f" of {len(source.rows)} rows" + (" (dry run: nothing was kept)" if dry_run else "")
    )
    if report.failed:
        target = failed or file.with_name(f"{file.stem}.failed{file.suffix}")
        write_failures(source, report.failed, target)
        console.print(f"failed rows with their errors: {target}")
        return 1
    return 0


def main() -> None:
    from ledgerport.cli_auth import clients_app, register_user_commands

    register_user_commands(users_app)
    app.add_typer(clients_app, name="clients")
    app()
