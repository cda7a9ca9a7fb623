"""What webhook feature tests share: the running setup and its worker process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from conftest import Live
from feature.webhooks.receiver import Receiver


@dataclass
class WorkerProcess:
    """``ledgerport worker`` as a real process (PostgreSQL)."""

    config_path: Path
    process: subprocess.Popen[bytes] | None = None
    extra: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def spawn(self) -> subprocess.Popen[bytes]:
        command = [str(Path(sys.executable).parent / "ledgerport"), "worker", "--config"]
        return subprocess.Popen(
            [*command, str(self.config_path)],
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def start(self) -> None:
        self.process = self.spawn()

    def kill(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
            self.process = None

    def stop_all(self) -> None:
        for proc in [self.process, *self.extra]:
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()


@dataclass
class HookLive:
    live: Live
    receiver: Receiver
    worker: WorkerProcess | None

    def client(self, user: str = "alice") -> httpx.Client:
        return self.live.client(user)

    def path(self) -> str:
        return f"/hook/{uuid.uuid4().hex}"
