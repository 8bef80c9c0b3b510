"""Exactly once across crashes (issue 15): the real `claimbot run` reads a real IMAP server
through a proxy that kills it (SIGKILL) at chosen moments of a mail's life:

- "fetched": right after the server sent a mail (the bot is reading it, writing its claim,
  or committing: a kill anywhere between fetching and flagging);
- "store": when the bot asks the server to flag a mail (its transaction committed, the
  flag never set);
- "stored": right after the server confirmed the flag (the bot has not yet written that
  it did);
- "random": anywhere, after a random delay.

After each kill the database is intact and no claim exists twice; the bot restarts and reads
on. At the end every mail caused exactly one effect: one claim per notice (copies of a notice
included), one request for information and one buyer's reply recorded, one record per mail,
every mail claimbot acted on flagged \\Seen on the server and the two it left unread, every UID
of the mailbox recorded and flagged.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakeapi import Bot, FakeTelegram
from tests.helpers import seed_people, soak_count
from tests.imapserver import DATA, PASSWORD, USER, ImapServer, wait_until

# The kills cycle through MODES: 8 in `make test` hit each moment twice; 50 under `make soak`;
# MAIL_KILLS=n while debugging.
KILLS = soak_count("MAIL_KILLS", quick=8, soak=50)
SEED = int(os.environ.get("MAIL_SEED", "20261205"))
NOTICES = 2 * KILLS - 2  # two new mails before each run: the armed moment always comes
MODES = ("fetched", "store", "stored", "random")


class KillingProxy:
    """A TCP proxy between the bot and the IMAP server that kills the bot at the n-th
    moment of the armed kind."""

    def __init__(self, target: int, rng: random.Random) -> None:
        self.target = target
        self.rng = rng
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.bot: Bot | None = None
        self.mode: str | None = None
        self.countdown = 0
        self.kills: list[str] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def arm(self, bot: Bot, mode: str | None, nth: int) -> None:
        with self.lock:
            self.bot, self.mode, self.countdown = bot, mode, nth
        if mode == "random":
            delay = self.rng.uniform(0.3, 3.0)
            threading.Timer(delay, self._kill, args=("random",)).start()

    def _kill(self, why: str) -> None:
        with self.lock:
            if self.bot is None or self.mode is None or not self.bot.alive():
                return
            self.bot.kill()
            self.kills.append(why)
            self.mode = None

    def _moment(self, kind: str) -> bool:
        """Whether this moment is the armed one (counting down to the n-th)."""
        with self.lock:
            if self.mode != kind:
                return False
            self.countdown -= 1
            return self.countdown <= 0

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pipe, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, False), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, upstream: bool) -> None:
        try:
            while data := source.recv(65536):
                flagging = upstream and re.search(rb"UID store", data, re.IGNORECASE)
                if flagging and self._moment("store"):
                    self._kill("store")  # the flag never reaches the server
                    return
                sink.sendall(data)
                if not upstream and b"UID FETCH completed" in data and self._moment("fetched"):
                    time.sleep(self.rng.uniform(0, 0.05))  # somewhere in the mail's processing
                    self._kill("fetched")
                if not upstream and b"UID STORE completed" in data and self._moment("stored"):
                    self._kill("stored")
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.close()

    def close(self) -> None:
        self.listener.close()


def follow_up(name: str, order: str) -> bytes:
    """A mail of tests/data/mail about another order (its Message-ID names the order or is
    the file's own)."""
    return (DATA / name).read_bytes().replace(b"113-5550123-4567890", order.encode())


def notice(order: str, number: int) -> bytes:
    """Amazon's English claim notice for another order (its own Message-ID)."""
    raw = (DATA / "en_amazon_com_qp.eml").read_bytes()
    raw = raw.replace(b"113-5550123-4567890", order.encode())
    return raw.replace(b"<atoz-", f"<atoz-{number}-".encode(), 1)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[FakeTelegram, ImapServer, Bot, KillingProxy]]:
    rng = random.Random(SEED)  # noqa: S311 - a kill schedule, not a secret
    with FakeTelegram() as fake, ImapServer() as server:
        proxy = KillingProxy(server.port, rng)
        bot = Bot(fake, tmp_path)
        seed_people(bot.db)
        bot.env.update(
            {
                "CLAIMBOT_IMAP_URL": f"imap://{USER}@127.0.0.1:{proxy.port}/INBOX",
                "CLAIMBOT_IMAP_PASSWORD": PASSWORD,
                "CLAIMBOT_IMAP_POLL": "1",
            }
        )
        try:
            yield fake, server, bot, proxy
        finally:
            bot.close()
            proxy.close()


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.soak
def test_every_mail_causes_exactly_one_effect_whatever_kills_the_bot(
    world: tuple[FakeTelegram, ImapServer, Bot, KillingProxy],
) -> None:
    _fake, server, bot, proxy = world
    rng = random.Random(SEED + 1)  # noqa: S311 - the mails' order
    orders = [f"113-{5550000 + n:07d}-{4567000 + n:07d}" for n in range(NOTICES)]
    notices: list[bytes | str] = [notice(order, n) for n, order in enumerate(orders)]
    # Amazon's request for information on the first order, the buyer's message on the second:
    # after their notices (a later UID is read later), among the crashes.
    follow_ups = [follow_up("en_info_request.eml", orders[0])]
    follow_ups.append(follow_up("en_buyer_message_qp.eml", orders[1]))
    rest = [*notices[2:], "not_amazon.eml", "broken_mime.eml", notices[0], notices[3]]
    rest += follow_ups
    rng.shuffle(rest)
    mails = [*notices[:2], *rest]
    total = len(mails)

    def done() -> bool:
        flagged = query(bot.db, "SELECT COUNT(*) FROM mailbox_uids WHERE flagged_at IS NOT NULL")
        return flagged[0][0] == total

    schedule = [MODES[n % len(MODES)] for n in range(KILLS)]
    for run, mode in enumerate([*schedule, None]):
        server.deliver(*(mails[2 * run : 2 * run + 2] if mode else mails[2 * run :]))
        proxy.arm(bot, mode, rng.randint(1, 2))
        killed = len(proxy.kills)
        try:
            bot.start()
        except AssertionError:  # killed before it first polled Telegram: a kill like another
            if len(proxy.kills) == killed:
                raise
        if mode is None:
            assert wait_until(done, 60), bot.log_tail()
            assert bot.process is not None
            bot.process.terminate()
            assert bot.reap() == 0
        else:
            wait_until(lambda: not bot.alive() or done(), 30)
            if bot.alive():  # the moment never came: all was read before it
                bot.process.terminate()  # type: ignore[union-attr]
            bot.reap()
        # After every stop: intact, and no claim twice.
        assert query(bot.db, "PRAGMA integrity_check") == [("ok",)]
        assert (
            query(
                bot.db,
                "SELECT order_id, COUNT(*) FROM claims GROUP BY order_id HAVING COUNT(*) > 1",
            )
            == []
        )

    assert len(proxy.kills) >= KILLS * 3 // 4, proxy.kills  # the kills did happen
    assert set(proxy.kills) == set(MODES)
    # Exactly one effect per mail.
    assert sorted(str(row[0]) for row in query(bot.db, "SELECT order_id FROM claims")) == orders
    assert query(bot.db, "SELECT COUNT(*) FROM events WHERE kind = 'claim_from_mail'") == [
        (NOTICES,)
    ]
    assert query(bot.db, "SELECT outcome, COUNT(*) FROM mails GROUP BY outcome ORDER BY 1") == [
        ("left", 2),
        ("opened", NOTICES),
        ("recorded", 2),
    ]
    follow_up_events = """
        SELECT c.order_id, e.kind FROM events e JOIN claims c ON c.id = e.claim_id
        WHERE e.kind IN ('info_requested', 'buyer_replied') ORDER BY c.order_id"""
    assert query(bot.db, follow_up_events) == [
        (orders[0], "info_requested"),
        (orders[1], "buyer_replied"),
    ]
    assert query(bot.db, "SELECT COUNT(*) FROM mailbox_uids WHERE flagged_at IS NULL") == [(0,)]
    flags = server.flags()
    assert len(flags) == total
    seen = sorted("\\Seen" in found for found in flags.values())
    assert seen == [False] * 2 + [True] * (NOTICES + 4)  # the two left for an admin stay unread
