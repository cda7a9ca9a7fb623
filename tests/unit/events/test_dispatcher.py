"""The dispatcher against a real SQLite database, with httpx.MockTransport as the receiver."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from ledgerport.config import CompanyAccess, Settings, UserSettings, WebhookSettings
from ledgerport.events.access import owner_lookup
from ledgerport.events.attempt import next_delay, retry_after_seconds
from ledgerport.events.claims import Outcome, claim, forget_finished, record
from ledgerport.events.dispatcher import Dispatcher
from ledgerport.events.manage import Webhooks
from ledgerport.events.outbox import fan_out
from ledgerport.events.sealing import SecretBox
from ledgerport.events.subscriptions import NewSubscription
from ledgerport.model import builtin_registry
from ledgerport.query.tables import Tables
from ledgerport.store import changelog
from ledgerport.store.database import Database
from ledgerport.store.migrate import migrate

HOOKS = WebhookSettings(
    allow_private_urls=True, allow_http=True, retry_schedule=(0, 0), lease_seconds=30
)


def _settings(companies: tuple[int, ...]) -> Settings:
    user = UserSettings(
        username="alice",
        password_hash="$argon2id$not-used",
        companies=tuple(CompanyAccess(company_no=c) for c in companies),
    )
    return Settings(webhooks=HOOKS, users=(user,))


class Setup:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.registry = builtin_registry()
        self.tables = Tables.build(self.registry)
        self.settings = _settings((9999,))
        self.box = SecretBox("unit-test-key")
        self.sent: list[httpx.Request] = []
        self.answers: list[httpx.Response] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return self.answers.pop(0) if self.answers else httpx.Response(204)

    def dispatcher(self) -> Dispatcher:
        return Dispatcher(
            database=self.database,
            settings=lambda: self.settings,
            model=lambda: (self.registry, self.tables),
            box=self.box,
            transport=httpx.MockTransport(self.handler),
            rng=random.Random(1),
        )

    async def subscribe(self, events: tuple[str, ...] = ("associates.*",)) -> str:
        hooks = Webhooks(self.database, self.box)
        new = NewSubscription("http://receiver.test/x", events, None, None, None, True)
        _sub, secret = await hooks.create("alice", new, dt.datetime.now(dt.UTC))
        return secret

    async def change(self, company_no: int, name: str) -> None:
        entry = changelog.ChangeEntry(
            at=dt.datetime.now(dt.UTC),
            company_no=company_no,
            resource="associates",
            operation="created",
            key={"associateNo": 1},
            changes={"associateNo": 1, "name": name},
            username="alice",
            context_user=None,
        )
        async with self.database.write() as conn:
            await changelog.append(conn, [entry])

    async def drain(self) -> None:
        dispatcher = self.dispatcher()
        async with httpx.AsyncClient(transport=httpx.MockTransport(self.handler)) as client:
            await dispatcher.drain(client)


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    database = Database.connect(f"sqlite:///{tmp_path / 'unit.db'}")
    asyncio.run(migrate(database, Tables.build(builtin_registry())))
    yield Setup(database)
    asyncio.run(database.dispose())


def test_delivers_signed_and_skips_companies_the_owner_lost(setup: Setup) -> None:
    async def scenario() -> None:
        secret = await setup.subscribe()
        await setup.change(9999, "Visible")
        await setup.drain()
        assert len(setup.sent) == 1
        request = setup.sent[0]
        payload = Webhook(secret).verify(request.content, dict(request.headers))
        assert payload["data"]["entity"]["name"] == "Visible"
        # The event is fanned out while alice has 9999 ...
        await setup.change(9999, "Revoked before delivery")
        await fan_out(
            setup.database,
            setup.tables,
            setup.registry,
            owner_lookup(lambda: setup.settings),
            dt.datetime.now(dt.UTC),
        )
        # ... and her access is withdrawn before the dispatcher sends it.
        setup.settings = _settings((1000,))
        await setup.drain()
        assert len(setup.sent) == 1

    asyncio.run(scenario())


def test_dead_letter_after_the_schedule(setup: Setup) -> None:
    async def scenario() -> None:
        await setup.subscribe()
        setup.answers = [httpx.Response(500), httpx.Response(500), httpx.Response(500)]
        await setup.change(9999, "Never")
        for _ in range(3):
            await setup.drain()
            await asyncio.sleep(0.01)
        assert len(setup.sent) == 3
        await setup.drain()
        assert len(setup.sent) == 3

    asyncio.run(scenario())


def test_retry_after_and_schedule() -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert retry_after_seconds("120", now) == 120
    assert retry_after_seconds("Thu, 01 Jan 2026 00:01:00 GMT", now) == 60
    assert retry_after_seconds("soon", now) is None
    rng = random.Random(1)
    assert next_delay((5, 300), 3, None, rng) is None
    assert next_delay((5, 300), 1, 42.0, rng) == 42.0
    delay = next_delay((5, 300), 2, None, rng)
    assert delay is not None
    assert 240 <= delay <= 360


def test_an_expired_lease_returns_the_delivery_and_the_old_claim_cannot_record(
    setup: Setup,
) -> None:
    async def scenario() -> None:
        await setup.subscribe()
        await setup.change(9999, "Leased")
        now = dt.datetime.now(dt.UTC)
        await fan_out(
            setup.database, setup.tables, setup.registry, owner_lookup(lambda: setup.settings), now
        )
        first = await claim(setup.database, now, 10, 5, 50)
        assert len(first) == 1
        # While the lease runs nobody else gets it ...
        assert await claim(setup.database, now + dt.timedelta(seconds=5), 10, 5, 50) == []
        # ... once it has expired (the worker died), it is due again for another worker.
        later = now + dt.timedelta(seconds=11)
        second = await claim(setup.database, later, 10, 5, 50)
        assert [d.id for d in second[0].deliveries] == [d.id for d in first[0].deliveries]
        delivery_id = first[0].deliveries[0].id
        late = Outcome(delivery_id, later, 1.0, 204, None, "succeeded")
        await record(setup.database, first[0].subscription.id, first[0].token, [late])
        hooks = Webhooks(setup.database, setup.box)
        listed = await hooks.deliveries("alice", first[0].subscription.id, None, 10)
        assert listed[0].status == "delivering"  # the dead worker's answer is ignored
        await record(setup.database, second[0].subscription.id, second[0].token, [late])
        listed = await hooks.deliveries("alice", first[0].subscription.id, None, 10)
        assert listed[0].status == "succeeded"
        assert len(listed[0].log) == 1

    asyncio.run(scenario())


def test_finished_deliveries_are_forgotten_after_the_retention_period(setup: Setup) -> None:
    async def scenario() -> None:
        await setup.subscribe()
        await setup.change(9999, "Old news")
        await setup.drain()
        hooks = Webhooks(setup.database, setup.box)
        subs = await hooks.all("alice")
        assert len(await hooks.deliveries("alice", subs[0].id, None, 10)) == 1
        now = dt.datetime.now(dt.UTC)
        assert await forget_finished(setup.database, now - dt.timedelta(days=1)) == 0
        assert await forget_finished(setup.database, now + dt.timedelta(seconds=1)) == 1
        assert await hooks.deliveries("alice", subs[0].id, None, 10) == []

    asyncio.run(scenario())
