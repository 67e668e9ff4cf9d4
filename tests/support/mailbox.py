"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, on a free port, keeping what it receives."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Collector:
    """The handler: every delivered message, parsed, and the connection (client port) it came on.
    `refuse` makes the server answer 550 to recipients. Two ways relays end a connection: `hang_up` closes it
    after each message (an idle timeout; `hung_up` is set once it is closed), `one_per_connection` answers
    421 to a second message on a connection and closes it (a per-connection cap)."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.connections: list[int] = []
        self.refuse = self.hang_up = self.one_per_connection = False
        self.hung_up = threading.Event()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.one_per_connection and session.peer[1] in self.connections:
            asyncio.get_running_loop().call_soon(server.transport.close)
            return "421 4.7.0 One message per connection in this test"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.7.1 Refused by the test"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.connections.append(session.peer[1])
        if self.hang_up:
            asyncio.get_running_loop().call_soon(self._close, server)
        return "250 Message accepted"

    def _close(self, server) -> None:
        server.transport.close()  # the socket itself closes on the loop's next turn: say so only after it
        asyncio.get_running_loop().call_soon(self.hung_up.set)


class Mailbox:
    def __init__(self):
        self.collector = Collector()
        self.port = free_port()
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[EmailMessage]:
        return self.collector.messages

    def clear(self) -> None:
        self.collector.messages.clear()
        self.collector.connections.clear()
        self.collector.refuse = self.collector.hang_up = self.collector.one_per_connection = False
        self.collector.hung_up.clear()

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def last(self, address: str) -> EmailMessage:
        found = self.to(address)
        assert found, f"no message to {address}; got {[(m['To'], m['Subject']) for m in self.messages]}"
        return found[-1]


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain text and the HTML of a message."""
    return (
        message.get_body(preferencelist=("plain",)).get_content(),
        message.get_body(preferencelist=("html",)).get_content(),
    )


def links(message: EmailMessage) -> list[str]:
    plain, _ = parts(message)
    return re.findall(r"https?://\S+", plain)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)
