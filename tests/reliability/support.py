"""Shared by the reliability tests: addresses where nothing listens, and a Redis server of our own."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path


def closed_port() -> int:
    """A local TCP port nothing listens on (the OS just handed it out and it was closed again)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unreachable_database_url(kind: str, tmp_path: Path) -> str:
    """A database URL that fails to connect: PostgreSQL on a closed port, or a SQLite "file" that is a
    folder (SQLite cannot open it; a missing folder would simply be created)."""
    if kind == "postgresql":
        return f"postgresql+psycopg://course:s3cret-pw@127.0.0.1:{closed_port()}/course?connect_timeout=2"
    folder = tmp_path / "not-a-database-file"
    folder.mkdir(exist_ok=True)
    return f"sqlite:///{folder}"


class RedisServer:
    """`redis-server` on a free local port, started and stopped by the test (never the shared one)."""

    def __init__(self) -> None:
        self.port = closed_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def stored_keys(self) -> list[bytes]:
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
            sock.sendall(b"KEYS *\r\n")
            time.sleep(0.1)
            return [line for line in sock.recv(65536).split(b"\r\n") if line and line[:1] not in b"*$"]
