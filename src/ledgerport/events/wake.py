"""Waking the dispatcher when work appears, instead of waiting for its poll.

- In the same process (the embedded SQLite default, or an API process that dispatches): a
  pool check-in after a committed write transaction wakes it, i.e. after the commit.
- Across processes on PostgreSQL: ``LISTEN`` on one dedicated connection (a pooled one would
  lose it on reset). The outbox trigger's ``pg_notify`` is delivered at commit, coalesced per
  transaction. After a reconnect the dispatcher re-polls, since notifications sent while it
  was away are lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.pool import ConnectionPoolEntry

from ledgerport.store.database import Database
from ledgerport.store.webhook_tables import NOTIFY_CHANNEL

__all__ = ["listen_forever", "wake_after_writes"]

log = logging.getLogger("ledgerport.webhooks")
_WROTE = "ledgerport_wrote"


def wake_after_writes(database: Database, wake: Callable[[], None]) -> Callable[[], None]:
    """Call ``wake`` after each committed write of this process; returns the uninstaller."""
    engine = database.engine.sync_engine

    def on_commit(conn: Connection) -> None:
        if conn.get_execution_options().get("ledgerport_write"):
            conn.info[_WROTE] = True

    def on_checkin(_dbapi: Any, record: ConnectionPoolEntry) -> None:
        if record.info.pop(_WROTE, False):
            wake()

    event.listen(engine, "commit", on_commit)
    event.listen(engine.pool, "checkin", on_checkin)

    def remove() -> None:
        event.remove(engine, "commit", on_commit)
        event.remove(engine.pool, "checkin", on_checkin)

    return remove


async def listen_forever(url: str, wake: Callable[[], None], stop: asyncio.Event) -> None:
    """LISTEN on a dedicated asyncpg connection, reconnecting (and waking) after a loss."""
    delay = 0.5
    while not stop.is_set():
        conn: Any = None
        try:
            conn = await asyncpg.connect(url.replace("postgresql://", "postgres://", 1))
            lost = asyncio.Event()
            conn.add_termination_listener(lambda _c, lost=lost: lost.set())
            await conn.add_listener(NOTIFY_CHANNEL, lambda *_a: wake())
            wake()  # re-poll: anything notified while we were not listening
            delay = 0.5
            stopping = asyncio.create_task(stop.wait())
            losing = asyncio.create_task(lost.wait())
            await asyncio.wait({stopping, losing}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            losing.cancel()
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("webhook LISTEN connection failed (%s); retrying in %.1fs", exc, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(delay * 2, 30.0)
        finally:
            if conn is not None and not conn.is_closed():
                await conn.close()
