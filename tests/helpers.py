"""The shared vocabulary of the tests: who is on the team, which orders and notices they work
on, and the plain helpers that drive a chat through the real Application.

Test modules import these from here and never from one another, so a module can be changed
(or deleted) without breaking another one. The fixtures (`bot`, `settings`, `clock`) stay in
conftest.py, where pytest looks for them, and are built from the pieces here. The tests that
run `claimbot run` as a process find the fake Bot API, the process and its users in
tests/fakeapi.py; the team they start with is seeded by `seed_people` here.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import Update

from bot.app import ClaimApplication, services_of
from bot.domain.claims import Claim
from bot.domain.people import Role
from bot.handlers.context import Services
from bot.services.people import People
from bot.storage import Database, Storage, User
from bot.storage.migrations import MIGRATIONS
from bot.transport import ApiCall, OfflineBotApi, UpdateFactory

# --- Who --------------------------------------------------------------------------------------
ADMIN = 42  # the admin from the settings: signed in from the first update
LEAD, LEAD2, AGENT = 50, 51, 60  # added by `team`; Telegram shows them as "Lead 50", "Anna"
# The team of the tests that run `claimbot run` as a process, seeded by `seed_people`.
CREW_LEAD = 3001
CREW_AGENTS = (2001, 2002, 2003)

# --- What about, and when ---------------------------------------------------------------------
ORDER = "303-1234567-7654321"  # a DE order: the intake's defaults below open a German claim
START = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)  # where the `clock` fixture starts
# A sticker message's payload: media where the bot expects text.
STICKER = {
    "file_id": "x",
    "file_unique_id": "y",
    "width": 1,
    "height": 1,
    "is_animated": False,
    "is_video": False,
    "type": "regular",
}
# Amazon's claim notification for a US order, pasted whole at the intake's first question.
US_NOTICE = """Subject: A-to-Z Guarantee claim filed for order 112-4455667-1234567

Dear Seller,

A buyer has filed an A-to-Z Guarantee claim for the order below.

Order ID: 112-4455667-1234567
Claim reason: Item not received
Claim amount: $45.99
Claim filed on: November 1, 2026
Please respond by: November 4, 2026

To respond, go to Seller Central (sellercentral.amazon.com) > Performance > A-to-Z Guarantee
Claims. If you do not respond by the date above, Amazon may decide the claim in the buyer's
favour.

Sincerely,
Amazon Services
"""


# --- The chat harness -------------------------------------------------------------------------
@dataclass
class Clock:
    """The time the bot sees: it moves only when a test moves it."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Chat:
    """One running bot: send messages and press buttons as any user, read what it answered."""

    app: ClaimApplication
    api: OfflineBotApi
    factory: UpdateFactory
    errors: list[BaseException] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)  # Telegram first names; else "Agent"

    @property
    def services(self) -> Services:
        return services_of(self.app)

    def user(self, user_id: int, language_code: str | None = "en") -> dict[str, Any]:
        return self.factory.user(user_id, language_code, self.names.get(user_id, "Agent"))

    async def feed(self, data: dict[str, Any]) -> list[ApiCall]:
        before = len(self.api.calls)
        await self.app.process_update(Update.de_json(data, self.app.bot))
        return self.api.calls[before:]

    async def send(
        self, text: str, user_id: int = ADMIN, language_code: str | None = "en"
    ) -> list[ApiCall]:
        return await self.feed(self.factory.message(self.user(user_id, language_code), text))

    async def press(
        self, label: str, user_id: int = ADMIN, language_code: str | None = "en"
    ) -> list[ApiCall]:
        """Press the button labelled `label` on the newest keyboard in the user's chat that
        has one (a draft's buttons come after the card's, and both stay usable)."""
        for message in self.keyboards(user_id):
            for row in message["reply_markup"]["inline_keyboard"]:
                for button in row:
                    if button["text"] == label:
                        return await self.press_data(
                            button["callback_data"], message, user_id, language_code
                        )
        message = self.last_keyboard(user_id)
        labels = [b["text"] for r in message["reply_markup"]["inline_keyboard"] for b in r]
        raise AssertionError(f"no button {label!r} on any keyboard; the last has: {labels}")

    def keyboards(self, chat_id: int = ADMIN) -> list[dict[str, Any]]:
        """Every message in the chat that still has a keyboard, newest first."""
        found: list[dict[str, Any]] = []
        seen: set[int] = set()
        for call in reversed(self.api.calls):
            if call.method == "sendMessage" and call.result["chat"]["id"] == chat_id:
                message_id = call.result["message_id"]
                current = self.api.message(chat_id, message_id)
                if message_id not in seen and current and current.get("reply_markup"):
                    seen.add(message_id)
                    found.append(current)
        return found

    def labels(self, chat_id: int = ADMIN) -> list[str]:
        """The button labels of the newest keyboard."""
        message = self.last_keyboard(chat_id)
        return [b["text"] for r in message["reply_markup"]["inline_keyboard"] for b in r]

    async def press_data(
        self,
        data: str,
        message: dict[str, Any] | None = None,
        user_id: int = ADMIN,
        language_code: str | None = "en",
    ) -> list[ApiCall]:
        message = message if message is not None else self.last_keyboard(user_id)
        return await self.feed(
            self.factory.callback(self.user(user_id, language_code), message, data)
        )

    def last_keyboard(self, chat_id: int = ADMIN) -> dict[str, Any]:
        for call in reversed(self.api.calls):
            if call.method == "sendMessage" and call.result["chat"]["id"] == chat_id:
                current = self.api.message(chat_id, call.result["message_id"])
                if current and current.get("reply_markup"):
                    return current
        raise AssertionError(f"no keyboard in chat {chat_id}")


def texts(calls: list[ApiCall], chat_id: int | None = None) -> list[str]:
    """The texts of the messages sent (not edits), optionally to one chat."""
    return [
        c.params["text"]
        for c in calls
        if c.method == "sendMessage" and (chat_id is None or int(c.params["chat_id"]) == chat_id)
    ]


def button_data(message: dict[str, Any], fragment: str) -> str:
    """The data of the one button on `message` whose data contains `fragment`."""
    (data,) = [
        b["callback_data"]
        for row in message["reply_markup"]["inline_keyboard"]
        for b in row
        if fragment in b["callback_data"]
    ]
    return str(data)


def alerts(calls: list[ApiCall]) -> list[str]:
    """What the answers to button presses said ("" when a press was answered silently)."""
    return [c.params.get("text", "") for c in calls if c.method == "answerCallbackQuery"]


# --- Steps many tests take --------------------------------------------------------------------
async def person(chat: Chat, user_id: int) -> User:
    """The stored user, who must exist: as the services want their actor."""
    found = await chat.services.storage.users.get(user_id)
    assert found is not None
    return found


async def stored_claim(chat: Chat, number: int = 1) -> Claim:
    """Claim #`number` as stored now, which must exist (its revision goes into button data)."""
    found = await chat.services.storage.claims.get(number)
    assert found is not None
    return found


def old_screen(user_id: int) -> dict[str, Any]:
    """A message in the presser's own chat that the bot no longer has: a menu shown there
    cannot be edited in place and comes as a new message, which the test can see."""
    return {
        "message_id": 10**6 + user_id,
        "date": 0,
        "chat": {"id": user_id, "type": "private"},
        "text": "an old screen",
    }


async def team(chat: Chat, *, leads: tuple[int, ...] = (LEAD, LEAD2)) -> None:
    """An agent and the leads, added by the admin through the service the /users screen uses."""
    chat.names.update({AGENT: "Anna", LEAD: "Lead 50", LEAD2: "Lead 51"})
    admin = await person(chat, ADMIN)
    people = chat.services.people
    await people.add(admin, AGENT, Role.AGENT, "Anna")
    for lead in leads:
        await people.add(admin, lead, Role.LEAD, f"Lead {lead}")


async def walk_to_language(
    chat: Chat,
    order: str = ORDER,
    *,
    user_id: int = ADMIN,
    market: str = "DE · Germany",
    shipped: str = "Seller-shipped (FBM)",
    reason: str = "Damaged or defective",
) -> list[ApiCall]:
    """Walk /new up to its language question, answering with these buttons; returns the
    calls of the last step. The defaults are a German claim about a defective FBM order."""
    await chat.send("/new", user_id)
    await chat.send(order, user_id)
    await chat.press(market, user_id)
    await chat.press(shipped, user_id)
    return await chat.press(reason, user_id)


async def open_claim(
    chat: Chat,
    user_id: int = ADMIN,
    *,
    order: str = ORDER,
    market: str = "DE · Germany",
    shipped: str = "Seller-shipped (FBM)",
    reason: str = "Damaged or defective",
    language: str = "German",
) -> list[ApiCall]:
    """Walk /new to the opened claim as `user_id`; returns the calls of the last step (the
    claim opened, its card and first draft)."""
    await walk_to_language(
        chat, order, user_id=user_id, market=market, shipped=shipped, reason=reason
    )
    await chat.press(language, user_id)
    return await chat.press("Open the claim ▸", user_id)


async def choose_delay(
    chat: Chat,
    cause: str = "Customs",
    following: str = "Tracking shows it on its way",
    user_id: int = ADMIN,
) -> list[ApiCall]:
    """From a card at the delivery step: the cause of the delay, then what happens now (the
    two facts the delay message states). Returns the calls of the last press: the delay
    message, or the gift question when no gift is configured."""
    await chat.press("Cause of the delay", user_id)
    await chat.press(cause, user_id)
    return await chat.press(following, user_id)


async def team_claim(
    chat: Chat, *, leads: tuple[int, ...] = (LEAD, LEAD2), submit: bool = False
) -> list[ApiCall]:
    """The team, and claim #1 opened by the agent (its first draft submitted for review with
    `submit`): where most tests of reviews, roles and reminders begin. Returns the calls of
    the last step."""
    await team(chat, leads=leads)
    calls = await open_claim(chat, AGENT)
    if submit:
        calls = await chat.press("📤 Submit for review", AGENT)
    return calls


async def close_as_withdrawn(chat: Chat, user_id: int = ADMIN) -> None:
    """Record the outcome "withdrawn by the buyer" on the claim whose card `user_id` sees."""
    await chat.press("Outcome", user_id)
    await chat.press("Withdrawn by the buyer", user_id)
    await chat.press("✓ Confirm", user_id)


async def review_round(chat: Chat, *, comment: str | None = None) -> None:
    """Submit the agent's newest draft; the lead returns it (with `comment`) or approves it."""
    await chat.press("📤 Submit for review", AGENT)
    if comment is None:
        await chat.press("✓ Approve", LEAD)
        await chat.press("✓ Mark as sent", AGENT)
        return
    await chat.press("↩ Return", LEAD)
    await chat.send(comment, LEAD)


async def full_journey(chat: Chat) -> None:
    """Claim #1 through the whole journey with a lead's review: returned once (with a comment
    that looks like a spreadsheet formula), edited, approved and sent; the buyer's reply, a
    replacement offer, a withdrawal request, the outcome. What the audit trail and the log
    tests read."""
    await team_claim(chat, leads=(LEAD,))
    await review_round(chat, comment='=HYPERLINK("x") please be warmer')
    await chat.press("✎ Edit", AGENT)
    draft = await chat.services.storage.drafts.latest(1, "inquiry")
    assert draft is not None
    await chat.send(draft.body.replace("Guten Tag,", "Guten Tag und vielen Dank,"), AGENT)
    await review_round(chat)
    await chat.press("💬 Buyer replied", AGENT)
    await chat.send("Das Gerät geht nach einer Minute aus.", AGENT)
    await chat.press("Really defective", AGENT)
    await chat.press("✉ Replacement offer", AGENT)
    await review_round(chat)
    await chat.press("✅ Buyer confirms it is solved", AGENT)
    await chat.press("✉ Request to withdraw the claim", AGENT)
    await review_round(chat)
    await close_as_withdrawn(chat, AGENT)


# --- For the tests that run `claimbot run` as a process ---------------------------------------
def seed_people(db: Path) -> None:
    """The team (ADMIN, CREW_LEAD and the CREW_AGENTS), created through claimbot's own
    services in the database at `db` before the bot's first start."""

    async def seed() -> None:
        database = Database(db)
        await database.open()
        try:
            storage = Storage(database)
            now = datetime.now(UTC)
            await storage.users.bootstrap_admin(ADMIN, now)
            people = People(storage, lambda: now, frozenset({ADMIN}))
            admin = await storage.users.get(ADMIN)
            assert admin is not None
            await people.add(admin, CREW_LEAD, Role.LEAD)
            for agent in CREW_AGENTS:
                await people.add(admin, agent, Role.AGENT)
        finally:
            await database.close()

    asyncio.run(seed())


# --- Soak: how long the long proofs run -------------------------------------------------------
# `make test` runs the crash, mailbox-crash and fuzz proofs (marked `soak`) at sizes that still
# hit every kind of kill and every kind of update; `make soak` sets CLAIMBOT_SOAK=1 and runs
# them at full size. Read here only, so every proof grows the same way.
SOAK = os.environ.get("CLAIMBOT_SOAK", "") not in {"", "0"}


def soak_count(variable: str, quick: int, soak: int) -> int:
    """How many times a long proof repeats (kills, generated updates): `quick` in `make test`,
    `soak` under CLAIMBOT_SOAK=1; the environment variable `variable` (CRASH_KILLS...) sets
    it outright, for debugging one test."""
    if os.environ.get(variable):
        return int(os.environ[variable])
    return soak if SOAK else quick


# --- Ports for servers the tests start --------------------------------------------------------
def free_port() -> int:
    """A port the webhook server can listen on. Not one the kernel hands out for port 0: those
    come from the ephemeral range, which every client connection of the suite (and of anything
    else on the machine) also draws from, so between this probe and the bot's bind another
    socket could take it ("Address already in use", seen once in CI-like runs). A random port
    below that range, checked free, is not taken by anyone's outgoing connection. Under
    pytest-xdist each worker draws from its own slice of it: between this probe and the
    server's bind another worker could otherwise pick the same port (and `listening` would
    find the other worker's server there)."""
    low, _high = _ephemeral_range()
    first = max(1024, low - 12000)
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 1)
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    size = (low - first) // max(1, workers)
    first += size * (worker % max(1, workers))
    for _ in range(200):
        port = random.randint(first, first + size - 1)  # noqa: S311 - not a secret
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free port below the ephemeral range")


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999  # Linux's default


def listening(port: int, seconds: float = 10) -> bool:
    """Whether the port accepts connections within `seconds` (registering the webhook can
    come before the server listens)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


# --- Databases of an older schema ---------------------------------------------------------------
def schema_up_to(raw: sqlite3.Connection, version: int) -> None:
    """Bring a fresh SQLite file to schema `version` as an older claimbot left it (its
    migrations applied and recorded), for tests of the migrations after it."""
    for migration in MIGRATIONS[:version]:
        raw.executescript(migration.sql)
    raw.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    )
    raw.executemany(
        "INSERT INTO schema_migrations VALUES (?, ?, '2026-11-01T00:00:00+00:00')",
        [(m.version, m.name) for m in MIGRATIONS[:version]],
    )
