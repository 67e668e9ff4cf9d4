"""Shared by the reliability tests: addresses where nothing listens, a Redis server of our own, and a TCP
proxy that can stall a database."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import threading
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


class StallingProxy:
    """A TCP proxy of the test's own between the app and a database, which can stop forwarding and start
    again: the database then looks frozen to the app (its connections stay open, nothing comes back),
    as a SIGSTOPped server, a failover or a black-holed route does. The shared PostgreSQL is never
    touched: only this proxy stalls. Every socket is closed by `close`."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.flowing = threading.Event()
        self.flowing.set()
        self.closed = threading.Event()
        self.sockets: list[socket.socket] = [self.listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def stall(self) -> None:
        self.flowing.clear()

    def resume(self) -> None:
        self.flowing.set()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._connect, args=(client,), daemon=True).start()

    def _connect(self, client: socket.socket) -> None:
        self.sockets.append(client)
        while not self.flowing.wait(0.05):  # a connection made during a stall hangs, as it would
            if self.closed.is_set():
                return
        try:
            server = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        server.settimeout(None)
        self.sockets.append(server)
        for source, sink in ((client, server), (server, client)):
            threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        while not self.closed.is_set():
            try:
                data = source.recv(65536)
            except OSError:
                break
            if not data:
                break
            while not self.flowing.wait(0.05):  # holds what it read until the stall ends
                if self.closed.is_set():
                    return
            try:
                sink.sendall(data)
            except OSError:
                break
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.closed.set()
        self.flowing.set()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.close()
