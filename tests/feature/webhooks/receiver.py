"""A real webhook receiver on 127.0.0.1 for tests: records requests, answers as scripted."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass(frozen=True)
class Answer:
    status: int = 204
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    body: bytes = b""


@dataclass
class Receiver:
    """One HTTP server; each test uses its own path, scripts answers per path."""

    server: ThreadingHTTPServer
    received: dict[str, list[Received]] = field(default_factory=lambda: defaultdict(list))
    script: dict[str, deque[Answer]] = field(default_factory=lambda: defaultdict(deque))
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def answer(self, path: str, *answers: Answer) -> None:
        with self.lock:
            self.script[path].extend(answers)

    def requests(self, path: str) -> list[Received]:
        with self.lock:
            return list(self.received[path])

    def wait_for(self, path: str, count: int, timeout: float = 15.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.requests(path)
            if len(got) >= count:
                return got
            time.sleep(0.02)
        raise AssertionError(f"{path}: {len(self.requests(path))} of {count} requests arrived")


def start_receiver() -> Receiver:
    holder: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            receiver = holder[0]
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            with receiver.lock:
                receiver.received[self.path].append(
                    Received(self.path, dict(self.headers.items()), body, time.monotonic())
                )
                queue = receiver.script[self.path]
                answer = queue.popleft() if queue else Answer()
            if answer.delay:
                time.sleep(answer.delay)
            self.send_response(answer.status)
            for name, value in answer.headers:
                self.send_header(name, value)
            self.send_header("content-length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver = Receiver(server)
    holder.append(receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver
