"""The idempotency store on a real SQLite database: claims, leases, replays."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ledgerport.errors import IdempotencyInProgress, IdempotencyKeyReused
from ledgerport.model import builtin_registry
from ledgerport.query.tables import Tables
from ledgerport.store import idempotency as store
from ledgerport.store.database import Database
from ledgerport.store.migrate import migrate

NOW = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)
TTL, LEASE = dt.timedelta(hours=24), dt.timedelta(minutes=2)


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database.connect(f"sqlite:///{tmp_path / 'idem.db'}")
    await migrate(db, Tables.build(builtin_registry()))
    yield db
    await db.dispose()


async def claim(db: Database, key: str, print_: str, now: dt.datetime) -> store.Claim:
    async with db.write() as conn:
        return await store.claim(conn, "alice", key, print_, now, ttl=TTL, lease=LEASE)


async def test_a_running_claim_refuses_a_second_one_until_its_lease_runs_out(
    database: Database,
) -> None:
    first = await claim(database, "k", "f1", NOW)
    assert first.replay is None
    assert not first.resumed
    with pytest.raises(IdempotencyInProgress) as running:
        await claim(database, "k", "f1", NOW + dt.timedelta(seconds=30))
    assert running.value.status == 409
    assert running.value.headers["Retry-After"] == "90"
    taken_over = await claim(database, "k", "f1", NOW + LEASE + dt.timedelta(seconds=1))
    assert taken_over.replay is None
    assert taken_over.resumed


async def test_an_answer_is_replayed_until_it_expires(database: Database) -> None:
    await claim(database, "k", "f1", NOW)
    answer = store.Answer(201, (("Location", "/api/9999/associates/7"),), b'{"a":1}')
    async with database.write() as conn:
        await store.finish(conn, "alice", "k", answer)
    replay = await claim(database, "k", "f1", NOW + dt.timedelta(hours=1))
    assert replay.replay == answer
    with pytest.raises(IdempotencyKeyReused):
        await claim(database, "k", "other", NOW + dt.timedelta(hours=1))
    after_expiry = await claim(database, "k", "other", NOW + TTL + dt.timedelta(seconds=1))
    assert after_expiry.replay is None
    assert not after_expiry.resumed


async def test_release_frees_only_an_unanswered_claim(database: Database) -> None:
    await claim(database, "k", "f1", NOW)
    async with database.write() as conn:
        await store.release(conn, "alice", "k")
    assert (await claim(database, "k", "f2", NOW)).replay is None
    async with database.write() as conn:
        await store.finish(conn, "alice", "k", store.Answer(200, (), None))
        await store.release(conn, "alice", "k")
    assert (await claim(database, "k", "f2", NOW)).replay == store.Answer(200, (), None)
