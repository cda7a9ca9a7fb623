"""Webhook delivery figures on PostgreSQL: deliveries per second from one worker, and the time
from commit to delivery at a steady rate of changes.

    .venv/bin/python bench/webhooks_bench.py [--pg postgresql://root@127.0.0.1:5432/postgres]

A fresh database is created and dropped. The receiver is a minimal asyncio HTTP/1.1 server
answering 204 (so the figures are ledgerport's), the worker is a real ``ledgerport worker``
process (LISTEN/NOTIFY), and changes are change-log rows committed one transaction each, as a
write through the API commits them.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import asyncpg

from ledgerport.events.manage import Webhooks
from ledgerport.events.sealing import SecretBox
from ledgerport.events.subscriptions import NewSubscription
from ledgerport.model import builtin_registry
from ledgerport.query.tables import Tables
from ledgerport.store import changelog
from ledgerport.store.database import Database
from ledgerport.store.migrate import SECRET_KEY, migrate, read_meta

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"


class Receiver:
    """Answers every request 204 on a kept-alive connection; records arrival and body."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, bytes]] = []
        self.server: asyncio.base_events.Server | None = None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                body = await reader.readexactly(length)
                self.arrivals.append((time.time(), body))
                writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def start(self) -> int:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])


def _serve_in_child(queue: multiprocessing.Queue[object]) -> None:
    async def run() -> None:
        receiver = Receiver()
        port = await receiver.start()
        queue.put(port)
        sent = 0
        while True:
            await asyncio.sleep(0.005)
            for arrived, body in receiver.arrivals[sent:]:
                queue.put((arrived, body))
            sent = len(receiver.arrivals)

    asyncio.run(run())


class RemoteReceiver:
    """The receiver in its own process, so the writer's CPU does not delay its clock."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, bytes]] = []
        self._queue: multiprocessing.Queue[object] = multiprocessing.Queue()
        self._process = multiprocessing.Process(
            target=_serve_in_child, args=(self._queue,), daemon=True
        )

    async def start(self) -> int:
        self._process.start()
        port = self._queue.get(timeout=30)
        assert isinstance(port, int)
        threading.Thread(target=self._drain, daemon=True).start()
        return port

    def _drain(self) -> None:
        while True:
            item = self._queue.get()
            assert isinstance(item, tuple)
            self.arrivals.append(item)

    def stop(self) -> None:
        self._process.terminate()


def entry(index: int) -> changelog.ChangeEntry:
    return changelog.ChangeEntry(
        at=dt.datetime.now(dt.UTC),
        company_no=9999,
        resource="associates",
        operation="created",
        key={"associateNo": index},
        changes={"associateNo": index, "name": f"Bench {index}", "city": "Molde"},
        username="bench",
        context_user=None,
    )


async def subscribe(database: Database, port: int, count: int) -> None:
    async with database.read() as conn:
        secret_key = await read_meta(conn, SECRET_KEY)
    assert secret_key is not None
    hooks = Webhooks(database, SecretBox(secret_key))
    for n in range(count):
        new = NewSubscription(
            f"http://127.0.0.1:{port}/s{n}", ("associates.*",), None, None, None, True
        )
        await hooks.create("bench", new, dt.datetime.now(dt.UTC))


async def disable_all(database: Database) -> None:
    from sqlalchemy import delete, update

    from ledgerport.store.webhook_tables import webhook_deliveries, webhook_subscriptions

    async with database.write() as conn:
        await conn.execute(update(webhook_subscriptions).values(enabled=False))
        await conn.execute(delete(webhook_deliveries))


async def wait_for(receiver: RemoteReceiver, count: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while len(receiver.arrivals) < count and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.01)


async def throughput(
    database: Database,
    receiver: RemoteReceiver,
    port: int,
    subs: int,
    n: int,
    start_worker: Callable[[], subprocess.Popen[bytes]],
) -> float:
    await subscribe(database, port, subs)
    # Queue n changes with no worker running, then time one worker delivering them all.
    for start in range(0, n // subs, 500):
        async with database.write() as conn:
            await changelog.append(
                conn, [entry(i) for i in range(start, min(start + 500, n // subs))]
            )
    receiver.arrivals.clear()
    total = (n // subs) * subs
    worker = start_worker()
    began = time.time()
    await wait_for(receiver, 1, 60)
    first = receiver.arrivals[0][0] if receiver.arrivals else began
    await wait_for(receiver, total, 300)
    last = receiver.arrivals[-1][0]
    worker.terminate()
    worker.wait(30)
    await disable_all(database)
    return total / (last - first)


async def latency(
    database: Database,
    receiver: RemoteReceiver,
    port: int,
    rate: int,
    seconds: int,
    start_worker: Callable[[], subprocess.Popen[bytes]],
) -> list[float]:
    await subscribe(database, port, 1)
    worker = start_worker()
    await asyncio.sleep(2)
    receiver.arrivals.clear()
    committed: dict[int, float] = {}
    interval = 1 / rate
    began = time.perf_counter()
    for i in range(rate * seconds):
        target = began + i * interval
        delay = target - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        async with database.write() as conn:
            await changelog.append(conn, [entry(1_000_000 + i)])
        committed[1_000_000 + i] = time.time()
    await wait_for(receiver, rate * seconds, 60)
    worker.terminate()
    worker.wait(30)
    delays = []
    for arrived, body in receiver.arrivals:
        key = json.loads(body)["data"]["key"]["associateNo"]
        if key in committed:
            delays.append((arrived - committed[key]) * 1000)
    await disable_all(database)
    return delays


async def main(pg: str, rates: list[int]) -> None:
    name = f"ledgerport_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(pg.replace("postgresql://", "postgres://"))
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{pg.rsplit('/', 1)[0]}/{name}"
    workdir = Path(tempfile.mkdtemp(prefix=name))
    config = workdir / "ledgerport.toml"
    config.write_text(
        f'[database]\nurl = "{url}"\n\n[webhooks]\nallow_http = true\nallow_private_urls = true\n'
        f'poll_seconds = 1.0\n\n[[users]]\nusername = "bench"\npassword_hash = "{HASH}"\n'
        "companies = [{ company_no = 9999 }]\n",
        encoding="utf-8",
    )
    database = Database.connect(url)
    try:
        await migrate(database, Tables.build(builtin_registry()))
        receiver = RemoteReceiver()
        port = await receiver.start()
        exe = str(Path(sys.executable).parent / "ledgerport")

        def start_worker() -> subprocess.Popen[bytes]:
            return subprocess.Popen(
                [exe, "worker", "--config", str(config)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

        for subs in (1, 10):
            rate = await throughput(database, receiver, port, subs, 5000, start_worker)
            print(f"throughput, {subs} subscription(s), 5000 deliveries: {rate:.0f} deliveries/s")
        for rate in rates:
            delays = sorted(await latency(database, receiver, port, rate, 15, start_worker))
            p50 = statistics.median(delays)
            p99 = delays[int(len(delays) * 0.99) - 1]
            print(
                f"commit→delivery at {rate} changes/s for 15 s ({len(delays)} events): "
                f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {delays[-1]:.1f} ms"
            )
    finally:
        await database.dispose()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default="postgresql://root@127.0.0.1:5432/postgres")
    parser.add_argument("--rate", type=int, action="append", help="changes/s (default 200)")
    args = parser.parse_args()
    asyncio.run(main(args.pg, args.rate or [200]))
