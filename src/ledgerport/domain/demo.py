"""``ledgerport init --demo``: demo companies 9999 and 1000 and a demo API user.

Every row goes in through ``pipeline.run``, the path an HTTP request takes (policy, plan,
validation, references, change log), as a system principal. Loading is idempotent: a
company that exists is left as it is, shared rows (currencies, countries, ERP users,
catalog products) are added only when missing, and an existing demo user is not touched.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from collections.abc import Sequence

from rich.markup import escape
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from ledgerport.auth.passwords import hash_password
from ledgerport.auth.principal import CompanyGrant, Principal
from ledgerport.codec import decode
from ledgerport.config import Settings
from ledgerport.domain.demo_build import Body, CompanyDemo, Item, build_company, shared_items
from ledgerport.domain.demo_data import COFFEE_ROASTERY, OFFICE_SUPPLY, CompanyProfile
from ledgerport.errors import LedgerportError, NotFound
from ledgerport.model import Scope, builtin_registry
from ledgerport.pipeline import run
from ledgerport.request.intent import Method, ResourceRequest, Target
from ledgerport.services import Services
from ledgerport.store.database import Database
from ledgerport.store.migrate import SECRET_KEY, read_meta
from ledgerport.store.system import api_user_companies, api_users

__all__ = ["DEMO_PROFILES", "DEMO_USERNAME", "load_demo"]

DEMO_PROFILES: tuple[CompanyProfile, ...] = (OFFICE_SUPPLY, COFFEE_ROASTERY)
DEMO_USERNAME = "demo"
DEMO_SCOPES = "read write webhooks"
INIT_USERNAME = "ledgerport-init"


async def load_demo(settings: Settings, database: Database) -> list[str]:
    """Load the demo data and user into a migrated database; return report lines (rich markup).

    Raises the pipeline's LedgerportError, with a note naming the request, when a row is
    refused: that is a bug in the demo data or in the pipeline, never the operator's doing.
    """
    async with database.read() as conn:
        secret = await read_meta(conn, SECRET_KEY)
    if secret is None:
        raise RuntimeError("The database has no secret key: run migrate before load_demo.")
    services = Services(
        settings=settings, database=database, registry=builtin_registry(), secret_key=secret
    )
    loader = _Loader(services, _init_principal())
    report = ["[bold]Demo data[/bold]"]
    report.append(await loader.shared(shared_items()))
    for profile in DEMO_PROFILES:
        report += await loader.company(build_company(profile), profile.name)
    report += await _demo_user(settings, database)
    return report


def _init_principal() -> Principal:
    return Principal(
        username=INIT_USERNAME,
        scopes=frozenset({"read", "write"}),
        companies=tuple(CompanyGrant(p.company_no) for p in DEMO_PROFILES),
        allow_sys=True,
        allow_catalog=True,
    )


class _Loader:
    """Posts demo rows through the pipeline, one request (one transaction) per row."""

    def __init__(self, services: Services, principal: Principal) -> None:
        self.services = services
        self.principal = principal

    async def shared(self, items: Sequence[Item]) -> str:
        created = [item for item in items if not await self.exists(item)]
        for item in created:
            await self.post(item, None)
        counts = _describe(Counter(_label(item) for item in items))
        there = len(items) - len(created)
        if there:
            counts += f" ({there} existed)" if created else " (existed)"
        return f"  shared: {counts}"

    async def company(self, demo: CompanyDemo, name: str) -> list[str]:
        header = f"  company {demo.company_no} {escape(name)}"
        company = Item(Scope.SYS, "companies", demo.company)
        if await self.exists(company):
            return [f"{header}: exists already, its data left as it is"]
        await self.post(company, None)
        for item in demo.items:
            await self.post(item, demo.company_no)
        return [f"{header}: added", *_company_report(demo.items)]

    async def exists(self, item: Item) -> bool:
        """Whether a company-independent row with the item's key is there (GET answers 200)."""
        entity = self.services.registry.entity(item.scope, item.resource)
        key = tuple(str(item.body[name]) for name in entity.key)
        try:
            await self.request(Method.GET, Target(item.scope, None, item.resource, key), None)
        except NotFound:
            return False
        return True

    async def post(self, item: Item, company_no: int | None) -> Body:
        target = Target(item.scope, company_no, item.resource)
        created = await self.request(Method.POST, target, item.body)
        parent = self.services.registry.entity(item.scope, item.resource)
        for child in parent.children:
            for row in item.children.get(child.name, ()):
                link = {theirs: created[own] for own, theirs in child.link}
                await self.post(Item(item.scope, child.resource, {**row, **link}), company_no)
        return created

    async def request(self, method: Method, target: Target, body: Body | None) -> Body:
        request = ResourceRequest(method, target, body=body)
        try:
            outcome = await run(request, self.principal, self.services)
        except LedgerportError as exc:
            if method is Method.POST:
                exc.add_note(_explain(target, body, exc))
            raise
        assert outcome.body is not None
        answer = decode(outcome.body)
        assert isinstance(answer, dict)
        return answer


def _explain(target: Target, body: Body | None, exc: LedgerportError) -> str:
    where = target.company_no if target.scope is Scope.COMPANY else target.scope.value
    fields = "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
    return (
        f"demo data refused ({exc.code}): POST /api/{where}/{target.resource}"
        f"{' [' + fields + ']' if fields else ''} with {body!r}"
    )


_LABELS = {
    "users": "ERP users",
    "paymentterms": "payment terms",
    "deliveryterms": "delivery terms",
    "vatcodes": "VAT codes",
    "stockbalances": "stock balances",
    "customerinvoices": "customer invoices",
    "supplierinvoices": "supplier invoices",
}

_GROUPS = (
    ("associates", ("customers", "contacts", "suppliers", "employees")),
    ("inventory", ("products", "warehouses", "stock balances")),
    ("sales", ("orders", "customer invoices")),
    ("purchases", ("supplier invoices",)),
    ("ledger", ("vouchers", "accounts", "VAT codes")),
    ("dimensions", ("departments", "projects")),
    ("terms", ("payment terms", "delivery terms")),
)
"""How the report groups what a company got; anything else is listed under ``other``."""


def _label(item: Item) -> str:
    if item.resource == "associates":
        for field, kind in (
            ("customerNo", "customers"),
            ("supplierNo", "suppliers"),
            ("employeeNo", "employees"),
        ):
            if item.body.get(field) is not None:
                return kind
    if item.scope is Scope.CATALOG:
        return "catalog products"
    return _LABELS.get(item.resource, item.resource)


def _describe(counts: Counter[str]) -> str:
    return ", ".join(f"{n} {label}" for label, n in counts.items())


def _company_report(items: Sequence[Item]) -> list[str]:
    """``sales: 40 orders (137 lines), 8 customer invoices (24 lines)``: a line per group."""
    counts: Counter[str] = Counter()
    lines: Counter[str] = Counter()
    for item in items:
        label = _label(item)
        counts[label] += 1
        for name, rows in item.children.items():
            if name == "lines":
                lines[label] += len(rows)
            else:
                counts[name] += len(rows)

    def shown(label: str) -> str:
        extra = f" ({lines[label]} lines)" if lines[label] else ""
        return f"{counts[label]} {label}{extra}"

    grouped = {label for _, labels in _GROUPS for label in labels}
    other = tuple(label for label in counts if label not in grouped)
    return [
        f"    {group}: {', '.join(shown(label) for label in labels if counts[label])}"
        for group, labels in (*_GROUPS, ("other", other))
        if any(counts[label] for label in labels)
    ]


async def _demo_user(settings: Settings, database: Database) -> list[str]:
    """Add the ``demo`` API user with a fresh password, unless it exists (then say so)."""
    header = "[bold]Demo API user[/bold]"
    port = settings.server.port
    if any(user.username == DEMO_USERNAME for user in settings.users):
        return [
            header,
            f"  {DEMO_USERNAME} is a user of the settings file, so none was added to the",
            "  database (a name in both is refused at start).",
        ]
    password = secrets.token_urlsafe(12)
    password_hash = hash_password(password)  # slow on purpose: not inside the transaction
    async with database.write() as conn:
        if await _user_exists(conn, DEMO_USERNAME):
            return [
                header,
                f"  {DEMO_USERNAME} exists already and was left unchanged (its password was",
                "  shown when it was made). To reset it, delete the database file and run",
                "  init --demo again.",
                "  try:",
                *_curl(DEMO_USERNAME, "PASSWORD", port),
            ]
        await _insert_user(conn, DEMO_USERNAME, password_hash)
    return [
        header,
        f"  user name: {DEMO_USERNAME}",
        f"  password:  {escape(password)}",
        "  start the server with `ledgerport serve`, then try:",
        *_curl(DEMO_USERNAME, password, port),
    ]


def _curl(username: str, password: str, port: int) -> list[str]:
    """A ready-to-paste command, on two lines so no terminal width breaks it."""
    url = f"https://localhost:{port}/api/{DEMO_PROFILES[0].company_no}/associates?$top=5"
    return [f"    curl -k -u {escape(username)}:{escape(password)} \\", f"      '{url}'"]


async def _user_exists(conn: AsyncConnection, username: str) -> bool:
    found = await conn.execute(select(api_users.c.username).where(api_users.c.username == username))
    return found.first() is not None


async def _insert_user(conn: AsyncConnection, username: str, password_hash: str) -> None:
    await conn.execute(
        api_users.insert().values(
            username=username,
            password_hash=password_hash,
            context_user="DEMO",
            allow_basic=True,
            allow_sys=True,
            allow_catalog=True,
            scopes=DEMO_SCOPES,
            disabled=False,
            created_at=dt.datetime.now(dt.UTC),
        )
    )
    await conn.execute(
        api_user_companies.insert(),
        [
            {"username": username, "company_no": p.company_no, "number_series": "[]"}
            for p in DEMO_PROFILES
        ],
    )
