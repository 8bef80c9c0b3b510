"""The per-chat update processor: chats run side by side, each chat strictly in order, and the
state of a conversation is on disk as soon as its update is handled."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.app import build_application, running
from bot.processor import ChatOrderedProcessor, chat_key
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.persistence import SQLitePersistence
from bot.transport import OFFLINE_TOKEN, OfflineBotApi, UpdateFactory
from tests.helpers import ADMIN, full_journey

# A handler blocks on the event named in the message text ("wait:a"); others return at once.
Gates = dict[str, asyncio.Event]
# Set when the update with that text has started, and when it has been handled.
STARTED: defaultdict[str, asyncio.Event] = defaultdict(asyncio.Event)
ENDED: defaultdict[str, asyncio.Event] = defaultdict(asyncio.Event)


@asynccontextmanager
async def bare(gates: Gates, log: list[str], processor: ChatOrderedProcessor) -> AsyncIterator[Any]:
    """A bare Application with the processor; its handler logs "start/end <text>"."""
    STARTED.clear()  # events belong to one test's event loop
    ENDED.clear()
    api = OfflineBotApi()
    builder = ApplicationBuilder().token(OFFLINE_TOKEN).request(api).get_updates_request(api)
    app: Application[Any, Any, Any, Any, Any, Any] = builder.concurrent_updates(processor).build()

    async def handle(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        text = update.effective_message.text if update.effective_message else ""
        log.append(f"start {text}")
        STARTED[text or ""].set()
        if text and text.startswith("wait:"):
            await gates[text[5:]].wait()
        if text == "boom":
            log.append("end boom")
            raise RuntimeError("a handler failed")
        log.append(f"end {text}")
        ENDED[text or ""].set()

    app.add_handler(MessageHandler(filters.TEXT, handle))
    async with app:
        await app.start()
        try:
            yield app
        except BaseException:
            for gate in gates.values():
                gate.set()  # a failed test must not hang in stop(), waiting for its handlers
            raise
        finally:
            await app.stop()


def put(app: Any, factory: UpdateFactory, user_id: int, text: str) -> None:
    update = Update.de_json(factory.message(factory.user(user_id), text), app.bot)
    app.update_queue.put_nowait(update)


async def started(text: str) -> None:
    await asyncio.wait_for(STARTED[text].wait(), 5)


async def handled(text: str) -> None:
    await asyncio.wait_for(ENDED[text].wait(), 5)


async def test_a_slow_chat_does_not_hold_up_another() -> None:
    gates = {"a": asyncio.Event()}
    log: list[str] = []
    async with bare(gates, log, ChatOrderedProcessor()) as app:
        factory = UpdateFactory()
        put(app, factory, 1, "wait:a")
        put(app, factory, 2, "quick")
        await handled("quick")
        # Chat 1 is still blocked while chat 2 has been served.
        assert "end wait:a" not in log
        gates["a"].set()
        await app.update_queue.join()
    assert log.index("end quick") < log.index("end wait:a")


async def test_one_chat_is_served_strictly_in_order() -> None:
    gates = {"a": asyncio.Event()}
    log: list[str] = []
    processor = ChatOrderedProcessor()
    async with bare(gates, log, processor) as app:
        factory = UpdateFactory()
        put(app, factory, 1, "wait:a")
        put(app, factory, 1, "second")
        put(app, factory, 1, "third")
        put(app, factory, 2, "other")
        await handled("other")
        # The chat's next updates wait for the blocked one, not only to start after it.
        assert "start second" not in log
        assert processor.busy_chats == 1
        gates["a"].set()
        await app.update_queue.join()
    mine = [entry for entry in log if not entry.endswith("other")]
    assert mine == [
        "start wait:a",
        "end wait:a",
        "start second",
        "end second",
        "start third",
        "end third",
    ]
    assert processor.busy_chats == 0  # no queue left behind for idle chats


async def test_a_failing_update_does_not_stop_its_chat() -> None:
    log: list[str] = []
    seen: list[float] = []
    processor = ChatOrderedProcessor(observer=lambda _update, seconds: seen.append(seconds))
    async with bare({}, log, processor) as app:
        factory = UpdateFactory()
        put(app, factory, 1, "boom")
        put(app, factory, 1, "after")
        await app.update_queue.join()
    assert log == ["start boom", "end boom", "start after", "end after"]
    # python-telegram-bot hands a handler's exception to the error handlers, so the failed
    # update was still handled, and timed.
    assert len(seen) == 2


async def test_many_chats_interleave_and_each_keeps_its_order() -> None:
    log: list[str] = []
    async with bare({}, log, ChatOrderedProcessor(max_concurrent_updates=8)) as app:
        factory = UpdateFactory()
        for step in range(20):
            for user in range(1, 31):
                put(app, factory, user, f"{user}.{step}")
        await app.update_queue.join()
    for user in range(1, 31):
        ends = [e for e in log if e.startswith(f"end {user}.")]
        assert ends == [f"end {user}.{step}" for step in range(20)]
    assert len(log) == 2 * 20 * 30


async def test_a_chat_holds_at_most_one_slot() -> None:
    """A chat's queued updates wait for their turn without a slot: with two slots, a chat with
    a blocked update and a backlog behind it leaves the other slot to everyone else."""
    gates = {"a": asyncio.Event()}
    log: list[str] = []
    processor = ChatOrderedProcessor(max_concurrent_updates=2)
    async with bare(gates, log, processor) as app:
        factory = UpdateFactory()
        put(app, factory, 1, "wait:a")
        for n in range(50):
            put(app, factory, 1, f"backlog {n}")
        put(app, factory, 2, "quick")
        await handled("quick")
        assert "end wait:a" not in log
        assert processor.running == 1  # chat 1's blocked update; its backlog holds nothing
        gates["a"].set()
        await app.update_queue.join()
    assert [e for e in log if e.startswith("end backlog")] == [
        f"end backlog {n}" for n in range(50)
    ]


async def test_the_slots_still_bound_the_chats_running_at_once() -> None:
    gates = {name: asyncio.Event() for name in "abc"}
    log: list[str] = []
    processor = ChatOrderedProcessor(max_concurrent_updates=2)
    async with bare(gates, log, processor) as app:
        factory = UpdateFactory()
        for user, name in enumerate("abc", start=1):
            put(app, factory, user, f"wait:{name}")
        await started("wait:a")
        await started("wait:b")
        for _ in range(20):  # time enough for the third to start, if it could
            await asyncio.sleep(0)
        assert processor.running == 2
        assert "start wait:c" not in log  # the third chat waits for a slot
        gates["a"].set()
        await started("wait:c")
        assert processor.running == 2
        gates["b"].set()
        gates["c"].set()
        await app.update_queue.join()
    assert processor.running == 0


async def test_idle_chats_leave_nothing_behind() -> None:
    """The per-chat state lives while a chat has updates queued: a thousand chats come and go,
    and nothing is left of them."""
    log: list[str] = []
    processor = ChatOrderedProcessor(max_concurrent_updates=8)
    async with bare({}, log, processor) as app:
        factory = UpdateFactory()
        for round_ in range(3):
            for user in range(1, 1001):
                put(app, factory, user + 1000 * round_, f"{user}")
                put(app, factory, user + 1000 * round_, f"{user} again")
            await app.update_queue.join()
            assert processor.busy_chats == 0
            assert processor.running == 0
    assert len(log) == 2 * 2 * 3000


async def test_a_backlog_is_worked_off_at_stop() -> None:
    """Stopping (SIGTERM) takes no new update but handles those already fetched, each chat
    still in order, as python-telegram-bot's `Application.stop` does (and did before chats
    held at most one slot)."""
    gates = {"a": asyncio.Event()}
    log: list[str] = []
    processor = ChatOrderedProcessor()
    async with bare(gates, log, processor) as app:
        factory = UpdateFactory()
        put(app, factory, 1, "wait:a")
        for n in range(20):
            put(app, factory, 1, f"{n}")
            put(app, factory, 2, f"other {n}")
        await handled("other 19")
        asyncio.get_running_loop().call_later(0.01, gates["a"].set)
    # Leaving `bare` stopped the application.
    assert [e for e in log if e.startswith("end") and "other" not in e] == [
        "end wait:a",
        *[f"end {n}" for n in range(20)],
    ]
    assert processor.busy_chats == 0


def test_updates_without_a_chat_share_one_queue() -> None:
    factory = UpdateFactory()
    user = factory.user(7)
    message = Update.de_json(factory.message(user, "hi"), None)
    inline_button = Update.de_json(factory.callback(user, None, "x"), None)
    assert chat_key(message) == ("chat", 7)
    assert chat_key(inline_button) == ("user", 7)
    assert chat_key(object()) == ("other",)


@pytest.mark.parametrize("max_concurrent", [0, -1])
def test_the_limit_must_be_positive(max_concurrent: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        ChatOrderedProcessor(max_concurrent)


async def test_an_intake_is_on_disk_as_soon_as_its_update_is_handled(
    settings: Settings,
) -> None:
    """The intake's question and answers are written before the update's answer, not after
    the persistence interval (an hour here): a killed process resumes at the same question."""
    api = OfflineBotApi()
    app = build_application(settings, api, persistence_interval=3600, reminder_interval=None)
    factory = UpdateFactory()
    user = factory.user(ADMIN)
    async with running(app):
        app.update_queue.put_nowait(Update.de_json(factory.message(user, "/new"), app.bot))
        await app.update_queue.join()
        with sqlite3.connect(settings.db_path) as conn:
            intakes = conn.execute("SELECT user_id, answers FROM intakes").fetchall()
        assert len(intakes) == 1
        assert intakes[0][0] == ADMIN
        assert json.loads(intakes[0][1])["step"] == "order_id"


async def test_persistence_writes_only_what_changed(tmp_path: Any) -> None:
    db = Database(tmp_path / "p.sqlite3")
    persistence = SQLitePersistence(db)
    await persistence.get_user_data()  # opens and migrates

    def stored() -> list[Any]:
        with sqlite3.connect(db.path) as conn:
            return conn.execute("SELECT user_id, data FROM ptb_user_data").fetchall()

    try:
        await persistence.update_user_data(5, {"intake": {"step": 1}})
        assert stored() == [(5, '{"intake": {"step": 1}}')]
        # Someone else rewrites the row; handing over the same data again writes nothing,
        # so the foreign value stays. That is how we can tell no write happened.
        with sqlite3.connect(db.path) as conn:
            conn.execute("UPDATE ptb_user_data SET data = '{}' WHERE user_id = 5")
        await persistence.update_user_data(5, {"intake": {"step": 1}})
        assert stored() == [(5, "{}")]
        await persistence.update_user_data(5, {"intake": {"step": 2}})
        assert stored() == [(5, '{"intake": {"step": 2}}')]
        await persistence.update_user_data(5, {})  # nothing left to remember: no row
        assert stored() == []
        await persistence.update_conversation("intake", (5, 5), 3)
        await persistence.update_conversation("intake", (5, 5), None)
        with sqlite3.connect(db.path) as conn:
            assert conn.execute("SELECT COUNT(*) FROM ptb_conversations").fetchone() == (0,)
    finally:
        await db.close()


async def test_a_whole_journey_keeps_nothing_in_python_telegram_bots_user_or_chat_data(
    bot: Any,
) -> None:
    """claimbot's state lives in its own tables (the intake, pending questions), written in
    the update's transaction: the persistence does not store user_data or chat_data, so a
    handler that kept something there would lose it at a restart. None does."""
    async with bot() as chat:
        await full_journey(chat)
        assert await chat.services.storage.claims.count() == 1
        assert all(not data for data in chat.app.user_data.values())
        assert all(not data for data in chat.app.chat_data.values())
