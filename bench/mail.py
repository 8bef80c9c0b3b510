"""The mail intake's figures for `make bench` (issue 15), against a real IMAP server (pymap's
in-memory backend on 127.0.0.1), each with its baseline in the same run:

- mails_per_s: claimbot's reader reading MAILS mails (claim notices for as many orders, one in
  ten not from Amazon) and doing what each says: a claim opened in SQLite, its UID recorded in
  the same transaction, the flag set on the server, the announcement sent;
  mail_fetch_per_s: the same mails only fetched, by the same IMAP client, one command per mail
  as the reader fetches them; mail_cost_ratio = fetch rate / claimbot rate.
- mail_to_card_ms: the median time from a mail's arrival on the server (APPEND done) to the
  announcement with its Take button sent to the leads, the reader waiting in IDLE;
  mail_push_ms: the median time from the same arrival to the server's word (IDLE push)
  reaching a bare client; mail_to_card_ratio = mail_to_card_ms / mail_push_ms.
"""

from __future__ import annotations

import asyncio
import imaplib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aioimaplib

from bot.app import ClaimApplication, build_application, running, services_of
from bot.services.mailbox import ImapSession, MailboxReader
from bot.settings import MailboxSettings, Secret, Settings, StoreProfile
from bot.transport import ApiCall, OfflineBotApi

USER, PASSWORD = "orders@example-store.test", "bench"
NOTICE = Path(__file__).parent.parent / "samples" / "claim-notice-en.eml"
STRANGER = b"From: newsletter@example.test\r\nSubject: Deals\r\n\r\nThis week only.\r\n"
ADMIN = 19_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    def __init__(self) -> None:
        self.port = _free_port()
        pymap = Path(sys.executable).with_name("pymap")
        command = [str(pymap), "--host", "127.0.0.1", "--port", str(self.port), "dict"]
        self.process = subprocess.Popen(  # noqa: S603 - our own pymap, fixed arguments
            [*command, "--demo-user", USER, "--demo-password", PASSWORD],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("pymap did not start")

    def settings(self) -> MailboxSettings:
        return MailboxSettings(
            host="127.0.0.1",
            port=self.port,
            user=USER,
            password=Secret(PASSWORD),
            tls=False,
            poll_seconds=600.0,
        )

    def deliver(self, mails: list[bytes]) -> None:
        client = imaplib.IMAP4("127.0.0.1", self.port)
        client.login(USER, PASSWORD)
        for raw in mails:
            client.append("INBOX", None, None, raw)
        client.logout()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def mails(count: int, start: int = 0) -> list[bytes]:
    """Claim notices for `count` orders, every tenth mail a stranger's instead."""
    raw = NOTICE.read_bytes()
    found: list[bytes] = []
    for n in range(start, start + count):
        if n % 10 == 9:
            found.append(STRANGER.replace(b"Deals", f"Deals {n}".encode()))
            continue
        order = f"113-{5_000_000 + n:07d}-{4_000_000 + n:07d}".encode()
        found.append(
            raw.replace(b"113-5550123-4567890", order).replace(b"<atoz-", b"<%d-atoz-" % n, 1)
        )
    return found


def _app(folder: Path) -> tuple[ClaimApplication, OfflineBotApi]:
    settings = Settings(
        db_path=folder / "bench-mail.sqlite3",
        admins=frozenset({ADMIN}),
        store=StoreProfile(name="Acme Home"),
    )
    api = OfflineBotApi()
    return build_application(settings, api, persistence_interval=3600), api


async def fetch_only(server: Server, count: int) -> float:
    """The baseline: the same client fetching each mail, nothing done with it."""
    session = ImapSession(server.settings())
    await session.open()
    try:
        uids = await session.new_uids(0, None)
        start = time.perf_counter()
        for uid in uids[:count]:
            await session.fetch(uid)
        return count / (time.perf_counter() - start)
    finally:
        await session.close()


async def reader_rate(server: Server, folder: Path, count: int) -> float:
    app, _api = _app(folder)
    async with running(app):
        services = services_of(app)

        async def nothing(*_args: object) -> None:
            return None

        reader = MailboxReader(
            server.settings(),
            services.mail,
            storage=services.storage,
            clock=services.clock,
            announce=nothing,
            trouble=nothing,
        )
        session = ImapSession(server.settings())
        await session.open()
        try:
            start = time.perf_counter()
            done = await reader.sync(session)
            seconds = time.perf_counter() - start
        finally:
            await session.close()
    if done != count:
        raise RuntimeError(f"the reader read {done} mails, not {count}")
    return count / seconds


async def push_ms(server: Server, rounds: int) -> float:
    """The baseline: from APPEND done to a bare client's IDLE push."""
    client = aioimaplib.IMAP4(host="127.0.0.1", port=server.port)
    await client.wait_hello_from_server()
    await client.login(USER, PASSWORD)
    await client.select("INBOX")
    times: list[float] = []
    for n in range(rounds):
        idle = await client.idle_start(timeout=60)
        await asyncio.sleep(0.05)
        start = time.perf_counter()
        await asyncio.to_thread(server.deliver, [STRANGER + b"%d" % n])
        await client.wait_server_push(timeout=30)
        times.append(time.perf_counter() - start)
        client.idle_done()
        await idle
    await client.logout()
    return statistics.median(times) * 1000


async def card_ms(server: Server, folder: Path, rounds: int) -> float:
    """From APPEND done to the leads' announcement, claimbot's reader in IDLE."""
    api = OfflineBotApi()
    cards: list[float] = []
    settings = Settings(
        db_path=folder / "bench-card.sqlite3",
        admins=frozenset({ADMIN}),
        store=StoreProfile(name="Acme Home"),
        mailbox=server.settings(),
    )
    app = build_application(settings, api, persistence_interval=3600)

    def seen(call: ApiCall) -> None:
        if call.method == "sendMessage" and "w:t:" in str(call.params.get("reply_markup")):
            cards.append(time.perf_counter())

    api.listener = seen
    times: list[float] = []
    async with running(app):
        await asyncio.sleep(1.0)  # the reader connects and waits in IDLE
        for n in range(rounds):
            before = len(cards)
            start = time.perf_counter()
            await asyncio.to_thread(server.deliver, mails(1, 100_000 + 10 * n))  # notices
            for _ in range(2000):
                if len(cards) > before:
                    break
                await asyncio.sleep(0.005)
            else:
                raise RuntimeError("no card within 10 s of the mail")
            times.append(cards[before] - start)
            await asyncio.sleep(0.1)
    return statistics.median(times) * 1000


async def mail_figures(count: int = 200, rounds: int = 15) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        server = Server()
        try:
            server.deliver(mails(count))
            fetched = await fetch_only(server, count)
            rate = await reader_rate(server, folder, count)
        finally:
            server.stop()
        server = Server()
        try:
            push = await push_ms(server, rounds)
            card = await card_ms(server, folder, rounds)
        finally:
            server.stop()
    return {
        "mail_fetch_per_s": fetched,
        "mails_per_s": rate,
        "mail_cost_ratio": fetched / rate,
        "mail_push_ms": push,
        "mail_to_card_ms": card,
        "mail_to_card_ratio": card / push,
    }


if __name__ == "__main__":
    for key, value in asyncio.run(mail_figures()).items():
        print(f"{key}={value:.2f}")
