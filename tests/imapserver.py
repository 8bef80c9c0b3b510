"""A real IMAP server for the mail intake's tests: pymap's in-memory backend, run as its own
process on 127.0.0.1 (IDLE, UIDPLUS, UIDVALIDITY as any server has them). The tests put mails
in with the standard library's `imaplib` (another client than the bot's), look at their
flags, and stop or restart the server to see the bot cope.
"""

from __future__ import annotations

import imaplib
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Self

from bot.settings import MailboxSettings, Secret
from tests.helpers import free_port, listening

USER = "orders@example-store.test"
PASSWORD = "correct horse battery staple"  # the test server's demo user's
DATA = Path(__file__).parent / "data" / "mail"


class ImapServer:
    """`with ImapServer() as server:`; `server.restart()` loses every mail (in memory) and
    gives the folder a new UIDVALIDITY, like a rebuilt mailbox."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        pymap = Path(sys.executable).with_name("pymap")
        command = [str(pymap), "--host", "127.0.0.1", "--port", str(self.port), "dict"]
        self.process = subprocess.Popen(
            [*command, "--demo-user", USER, "--demo-password", PASSWORD],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not listening(self.port, 30):
            self.stop()
            raise AssertionError("the IMAP test server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def settings(self, **changes: object) -> MailboxSettings:
        values: dict[str, object] = {
            "host": "127.0.0.1",
            "port": self.port,
            "user": USER,
            "password": Secret(PASSWORD),
            "tls": False,
            "poll_seconds": 1.0,
        }
        values.update(changes)
        return MailboxSettings(**values)  # type: ignore[arg-type]

    # --- The other side: the seller's mail client ----------------------------------------------
    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        client.login(USER, PASSWORD)
        return client

    def deliver(self, *mails: bytes | str, folder: str = "INBOX", date: str | None = None) -> None:
        """Mails arriving (APPEND), a file name of tests/data/mail or raw bytes each."""
        client = self.client()
        try:
            for mail in mails:
                raw = (DATA / mail).read_bytes() if isinstance(mail, str) else mail
                when = f'"{date}"' if date else None
                status, said = client.append(folder, None, when, raw)
                assert status == "OK", said
        finally:
            client.logout()

    def flags(self, folder: str = "INBOX") -> dict[int, set[str]]:
        """Each mail's flags by UID."""
        client = self.client()
        try:
            client.select(folder)
            status, lines = client.uid("FETCH", "1:*", "(UID FLAGS)")
            assert status == "OK", lines
        finally:
            client.logout()
        found: dict[int, set[str]] = {}
        for line in lines:
            if not isinstance(line, bytes):
                continue
            uid = re.search(rb"UID (\d+)", line)
            flags = re.search(rb"FLAGS \(([^)]*)\)", line)
            if uid and flags:
                found[int(uid.group(1))] = set(flags.group(1).decode().split()) - {"\\Recent"}
        return found

    def uidvalidity(self, folder: str = "INBOX") -> int:
        client = self.client()
        try:
            client.select(folder)
            _name, values = client.response("UIDVALIDITY")
        finally:
            client.logout()
        return int(values[0])


def wait_until(condition: object, seconds: float = 15) -> bool:
    """Polls a no-argument callable until it is true."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False
