"""``run_batch`` when a transaction cannot begin (every connection busy, say): the request it
would have started with answers the error, and the batch goes on or stops as asked, never
waiting for a transaction that will not come. The database is faked: it refuses every BEGIN."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import msgspec

from ledgerport.auth.principal import Principal
from ledgerport.batch import run_batch
from ledgerport.config import load_settings
from ledgerport.errors import DatabaseBusy
from ledgerport.request.batch import parse_batch


class _Refusing:
    begun = 0

    @asynccontextmanager
    async def write(self, within: object = None) -> AsyncIterator[Any]:
        self.begun += 1
        raise DatabaseBusy("Every database connection is busy; retry shortly.")
        yield  # pragma: no cover - never reached


def _answers(tmp_path: Path, prefer: str | None) -> tuple[list[tuple[str, int]], int]:
    config = tmp_path / "ledgerport.toml"
    config.write_text('[database]\nurl = "sqlite:///x.db"\n')
    database = _Refusing()
    services: Any = SimpleNamespace(settings=load_settings(config, environ={}), database=database)
    body = {
        "requests": [
            {"id": str(i), "method": "PATCH", "url": f"9999/associates/{i}", "body": {"city": "X"}}
            for i in range(1, 4)
        ]
    }
    batch = parse_batch(
        "application/json", msgspec.json.encode(body), max_requests=100, prefer=prefer
    )
    principal = Principal(username="alice", scopes=frozenset({"read", "write"}), companies=())
    answers = asyncio.run(run_batch(batch, principal, services, "https://localhost"))
    return [(a.id, a.status) for a in answers], database.begun


def test_a_transaction_that_cannot_begin_fails_its_first_request_and_stops(
    tmp_path: Path,
) -> None:
    assert _answers(tmp_path, None) == ([("1", 503)], 1)


def test_with_continue_on_error_every_request_answers_and_the_batch_ends(
    tmp_path: Path,
) -> None:
    answers, begun = _answers(tmp_path, "odata.continue-on-error")
    assert answers == [("1", 503), ("2", 503), ("3", 503)]
    assert begun == 3
