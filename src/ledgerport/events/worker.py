"""Running a dispatcher: as ``ledgerport worker`` or inside the API process (embedded default)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from ledgerport.config import Settings
from ledgerport.events.dispatcher import Dispatcher
from ledgerport.events.sealing import secret_box
from ledgerport.events.wake import listen_forever, wake_after_writes
from ledgerport.model import Registry
from ledgerport.query.tables import Tables
from ledgerport.store.database import Database

__all__ = ["running_dispatcher"]


@asynccontextmanager
async def running_dispatcher(
    database: Database,
    settings: Callable[[], Settings],
    model: Callable[[], tuple[Registry, Tables]],
    secret_key: str,
) -> AsyncIterator[Dispatcher]:
    """A dispatcher running in the background of this event loop until the block ends."""
    dispatcher = Dispatcher(
        database=database,
        settings=settings,
        model=model,
        box=secret_box(settings(), secret_key),
    )
    stop = asyncio.Event()
    remove_hook = wake_after_writes(database, dispatcher.wake)
    tasks = [asyncio.create_task(dispatcher.run(stop))]
    if not database.is_sqlite:
        tasks.append(
            asyncio.create_task(listen_forever(settings().database_url, dispatcher.wake, stop))
        )
    try:
        yield dispatcher
    finally:
        stop.set()
        remove_hook()
        dispatcher.wake()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*tasks)
