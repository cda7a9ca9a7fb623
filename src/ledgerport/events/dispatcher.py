"""The webhook dispatcher: fan out the outbox, claim deliveries, send them, record results.

One loop per process claims work for as many subscriptions as it has free slots
(``webhooks.concurrency``); each claimed subscription is delivered by its own task, in order,
so a slow or failing receiver holds one slot and never delays another subscription. The loop
runs when woken (commits in this process, PostgreSQL NOTIFY, a finished task) and at least
every ``poll_seconds``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from ledgerport.config import Settings
from ledgerport.events.access import access_error, find_owner, owner_lookup
from ledgerport.events.attempt import attempt
from ledgerport.events.claims import (
    Claim,
    Outcome,
    claim,
    extend,
    forget_finished,
    record,
    release,
)
from ledgerport.events.guard import guarded_client
from ledgerport.events.outbox import fan_out
from ledgerport.events.sealing import SecretBox
from ledgerport.events.subscriptions import Subscription
from ledgerport.events.targets import policy_of
from ledgerport.model import Registry
from ledgerport.query.tables import Tables
from ledgerport.store.database import Database

__all__ = ["Dispatcher"]

log = logging.getLogger("ledgerport.webhooks")

PER_SUBSCRIPTION = 50
"""Deliveries of one subscription claimed at once (sent one after another, in order)."""
CLEANUP_EVERY = dt.timedelta(hours=1)
COALESCE_SECONDS = 0.01
"""After a wake-up, wait this long so a burst of commits is fanned out in one transaction."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Dispatcher:
    """Delivers webhooks for one process. Dependencies are passed in; tests replace them."""

    database: Database
    settings: Callable[[], Settings]
    model: Callable[[], tuple[Registry, Tables]]
    box: SecretBox
    clock: Callable[[], dt.datetime] = utc_now
    transport: httpx.AsyncBaseTransport | None = None
    rng: random.Random = field(default_factory=random.Random)
    _wake: asyncio.Event = field(default_factory=asyncio.Event, init=False)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set, init=False)
    _loop: asyncio.AbstractEventLoop | None = field(default=None, init=False)
    _cleaned_at: dt.datetime | None = field(default=None, init=False)
    _busy: dict[asyncio.Task[None], int] = field(default_factory=dict, init=False)

    def wake(self) -> None:
        """Thread-safe: run the loop soon."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._wake.set)

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; in-flight deliveries finish or return to the pool."""
        self._loop = asyncio.get_running_loop()
        settings = self.settings()
        async with guarded_client(
            policy_of(settings), settings.webhooks.timeout_seconds, self.transport
        ) as client:
            while not stop.is_set():
                self._wake.clear()
                try:
                    await self.step(client)
                except Exception:
                    log.exception("webhook dispatcher step failed; retrying")
                waiter = asyncio.create_task(self._wake.wait())
                stopper = asyncio.create_task(stop.wait())
                await asyncio.wait(
                    {waiter, stopper},
                    timeout=self.settings().webhooks.poll_seconds,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                waiter.cancel()
                stopper.cancel()
                await asyncio.sleep(COALESCE_SECONDS)
            if self._tasks:
                await asyncio.wait(self._tasks, timeout=self.settings().webhooks.timeout_seconds)
            for task in self._tasks:
                task.cancel()

    async def step(self, client: httpx.AsyncClient) -> None:
        """Fan out everything pending, then claim as much as there are free slots for."""
        registry, tables = self.model()
        owners = owner_lookup(self.settings)
        while await fan_out(self.database, tables, registry, owners, self.clock()) > 0:
            pass
        hooks = self.settings().webhooks
        await self._clean_up(hooks.retention_days)
        free = hooks.concurrency - len(self._tasks)
        claims = await claim(
            self.database,
            self.clock(),
            hooks.lease_seconds,
            free,
            PER_SUBSCRIPTION,
            frozenset(self._busy.values()),
        )
        for claimed in claims:
            task = asyncio.create_task(self.deliver(client, claimed))
            self._tasks.add(task)
            self._busy[task] = claimed.subscription.id
            task.add_done_callback(self._finished)

    async def _clean_up(self, retention_days: float) -> None:
        """Once an hour, drop deliveries finished longer ago than the retention period."""
        now = self.clock()
        if self._cleaned_at is not None and now - self._cleaned_at < CLEANUP_EVERY:
            return
        self._cleaned_at = now
        removed = await forget_finished(self.database, now - dt.timedelta(days=retention_days))
        if removed:
            log.info("removed %d finished webhook deliveries past retention", removed)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._busy.pop(task, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("webhook delivery task failed", exc_info=task.exception())
        self._wake.set()

    async def drain(self, client: httpx.AsyncClient) -> None:
        """Step until nothing is due and nothing is in flight (tests, CLI one-shot)."""
        while True:
            await self.step(client)
            if not self._tasks:
                return
            await asyncio.wait(set(self._tasks))

    async def deliver(self, client: httpx.AsyncClient, work: Claim) -> None:
        """Send a claim's deliveries in order; stop at the first failure and give back the rest."""
        sub = work.subscription
        settings = self.settings()
        hooks = settings.webhooks
        owner = await find_owner(self.database, self.settings, sub.owner)
        secrets = self._secrets(sub)
        outcomes: list[Outcome] = []
        pending = [d.id for d in work.deliveries]
        lease_until = work.lease_until
        for delivery in work.deliveries:
            now = self.clock()
            if now + dt.timedelta(seconds=hooks.timeout_seconds + 1) > lease_until:
                lease_until = now + dt.timedelta(seconds=hooks.lease_seconds)
                await extend(self.database, pending, work.token, lease_until)
            pending.remove(delivery.id)
            resource = delivery.event_type.rpartition(".")[0]
            denied = access_error(owner, delivery.company_no, resource)
            if denied is not None:
                outcomes.append(
                    Outcome(delivery.id, now, 0.0, None, denied, "skipped", counts_as_attempt=False)
                )
                continue
            outcome = await attempt(
                client,
                sub.url,
                secrets,
                delivery,
                now=now,
                schedule=hooks.retry_schedule,
                rng=self.rng,
            )
            outcomes.append(outcome)
            if outcome.status != "succeeded":
                break
        await record(self.database, sub.id, work.token, outcomes)
        await release(self.database, pending, work.token, self.clock())

    def _secrets(self, sub: Subscription) -> list[str]:
        secrets = [self.box.open(sub.secret)]
        until = sub.previous_secret_until
        if sub.previous_secret and until is not None and until > self.clock():
            secrets.append(self.box.open(sub.previous_secret))
        return secrets
