"""Connection slots: requests wait for a database connection in the order they came.

SQLAlchemy's asyncio pool hands a returned connection to whoever asks first, so under load
a request that was already waiting can lose it again and again to newcomers (asyncio's queue
puts a woken getter that lost the race at the back); a few requests then wait for hundreds
of milliseconds while the rest fly. A semaphore as wide as the pool (asyncio's is first come,
first served) in front of every checkout keeps the pool itself from ever having waiters.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from ledgerport.errors import DatabaseBusy

__all__ = ["Slots"]

WAIT_SECONDS = 30.0
"""As long as SQLAlchemy's pool would wait before giving up."""


class Slots:
    def __init__(self, size: int) -> None:
        self._free = asyncio.Semaphore(size)

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        if self._free.locked():
            try:
                async with asyncio.timeout(WAIT_SECONDS):
                    await self._free.acquire()
            except TimeoutError:
                raise DatabaseBusy(
                    "Every database connection is busy; retry shortly.",
                    headers={"Retry-After": "1"},
                ) from None
        else:
            await self._free.acquire()  # free: returns at once
        try:
            yield
        finally:
            self._free.release()
