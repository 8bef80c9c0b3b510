"""An update python-telegram-bot cannot read (a Bot API server newer or older than the library)
is skipped: its offset is confirmed, it is logged once with its id and nothing of its content,
and every other update is served. Polling runs in this process against the fake Bot API of
tests/fakeapi.py over HTTP; the webhook runs as the real `claimbot run`."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import telegram
from telegram import Update
from telegram.ext import AIORateLimiter

from bot.app import build_application, running
from bot.settings import Secret, Settings
from bot.transport import OfflineBotApi, UpdateFactory
from bot.updates import TolerantBot, Unreadable
from tests.fakeapi import Bot, FakeTelegram
from tests.helpers import ADMIN, free_port, listening, seed_people

# Update ids no other log line can contain by chance.
FIRST_ID = 730_000_001
# What a person wrote: it must never reach the log.
QUESTION = "Did the parcel for Mrs Example at 12 Sample Road arrive?"
WELCOME = "Welcome to claimbot."


def old_poll(factory: UpdateFactory, user: dict[str, Any]) -> dict[str, Any]:
    """A private message holding a poll as Bot API servers before 9.6 send it: without
    `allows_revoting`, `members_only` and the options' `persistent_id`, which
    python-telegram-bot 22.8 requires, so `Update.de_json` raises."""
    poll = {
        "id": "5001",
        "question": QUESTION,
        "options": [{"text": "Yes", "voter_count": 0}, {"text": "No", "voter_count": 0}],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
    }
    return factory.message(user, poll=poll)


def test_the_old_poll_is_unreadable_for_the_installed_library() -> None:
    """The premise of this module: if a future python-telegram-bot reads it again, these tests
    need another unreadable update."""
    update = old_poll(UpdateFactory(), UpdateFactory().user(ADMIN))
    with pytest.raises(TypeError):
        Update.de_json(update, None)


async def until(condition: Callable[[], bool], seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


@asynccontextmanager
async def polling(settings: Settings, fake: FakeTelegram) -> AsyncIterator[None]:
    """`claimbot run`'s long polling in this process (so caplog sees its log), on the fake."""
    application = build_application(
        replace(settings, token=Secret(fake.token), api_base_url=fake.url)
    )
    async with running(application):
        updater = application.updater
        assert updater is not None
        await updater.start_polling(allowed_updates=Update.ALL_TYPES)
        try:
            yield
        finally:
            await updater.stop()


async def polls_per_second(fake: FakeTelegram, seconds: float = 1.0) -> float:
    before = fake.polls()
    await asyncio.sleep(seconds)
    return (fake.polls() - before) / seconds


def check_logged_once(caplog: pytest.LogCaptureFixture, update_id: int) -> None:
    about = [r for r in caplog.records if str(update_id) in r.getMessage()]
    assert [r.levelno for r in about] == [logging.WARNING], caplog.text[-3000:]
    assert QUESTION not in caplog.text, "a person's message reached the log"
    loud = [r.getMessage()[:200] for r in caplog.records if r.levelno > logging.WARNING]
    assert loud == []


async def test_polling_skips_an_unreadable_update_and_serves_the_rest_of_its_batch(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    factory = UpdateFactory()
    admin = factory.user(ADMIN)
    with FakeTelegram(first_update_id=FIRST_ID) as fake:
        fake.push(factory.message(admin, "/help"))
        bad = fake.push(old_poll(factory, admin))
        fake.push(factory.message(admin, "/start"))
        async with polling(settings, fake):
            answered = await until(lambda: len(fake.texts_to(ADMIN)) >= 2)
            rate = await polls_per_second(fake)
        assert answered, f"answers: {fake.texts_to(ADMIN)!r}, {rate:.0f} getUpdates a second"
        texts = fake.texts_to(ADMIN)
        assert len(texts) == 2
        assert texts[1].startswith(WELCOME)
        assert fake.confirmed >= bad, "the unreadable update was not confirmed"
        assert rate <= 3, f"{rate:.0f} getUpdates a second"
    check_logged_once(caplog, bad)


@pytest.mark.parametrize("alone", [False, True], ids=["last-of-its-batch", "alone"])
async def test_polling_confirms_an_unreadable_update_that_ends_its_batch(
    settings: Settings, caplog: pytest.LogCaptureFixture, alone: bool
) -> None:
    """The updater confirms what it received by asking for the next offset after the last
    update it was given: an unreadable update at the end of a batch is not among them, and must
    be confirmed all the same."""
    caplog.set_level(logging.INFO)
    factory = UpdateFactory()
    admin = factory.user(ADMIN)
    with FakeTelegram(first_update_id=FIRST_ID) as fake:
        if not alone:
            fake.push(factory.message(admin, "/help"))
        bad = fake.push(old_poll(factory, admin))
        async with polling(settings, fake):
            confirmed = await until(lambda: fake.confirmed >= bad)
            rate = await polls_per_second(fake)
            assert confirmed, f"not confirmed; {rate:.0f} getUpdates a second"
            assert rate <= 3, f"{rate:.0f} getUpdates a second"
            assert len(fake.texts_to(ADMIN)) == (0 if alone else 1)
            # The bot goes on serving.
            fake.push(factory.message(admin, "/start"))
            assert await until(lambda: any(t.startswith(WELCOME) for t in fake.texts_to(ADMIN)))
    check_logged_once(caplog, bad)


def post(url: str, update: dict[str, Any], secret: str) -> int:
    request = urllib.request.Request(  # noqa: S310 - a local http URL of the test
        url,
        data=json.dumps(update).encode(),
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_webhook_answers_an_unreadable_update_200_and_serves_the_next(
    tmp_path: Path,
) -> None:
    """Telegram posts an update again after any answer but a 2xx: an update the library cannot
    read must be answered 200 (and skipped), or it is posted again and again."""
    secret = "webhook-Secret_17"
    port = free_port()
    url = f"http://127.0.0.1:{port}/claimbot/hook"
    factory = UpdateFactory(next_update_id=FIRST_ID)
    admin = factory.user(ADMIN)
    with FakeTelegram() as fake:
        bot = Bot(fake, tmp_path)
        bot.env.update(
            CLAIMBOT_WEBHOOK_URL=url,
            CLAIMBOT_WEBHOOK_LISTEN="127.0.0.1",
            CLAIMBOT_WEBHOOK_PORT=str(port),
            CLAIMBOT_WEBHOOK_SECRET=secret,
        )
        seed_people(bot.db)
        try:
            bot.start(ready="setWebhook")
            assert listening(port), "the webhook server did not open its port"
            bad = old_poll(factory, admin)
            assert post(url, bad, secret) == 200
            assert post(url, factory.message(admin, "/start"), secret) == 200
            assert fake.wait(lambda: fake.texts_to(ADMIN) != [], 10)
            assert fake.texts_to(ADMIN)[0].startswith(WELCOME)
            assert bot.process is not None
            bot.process.terminate()
            assert bot.reap() == 0
        finally:
            bot.close()
    log = (tmp_path / "bot.log").read_text()
    assert QUESTION not in log, "a person's message reached the log"
    about = [line for line in log.splitlines() if str(bad["update_id"]) in line]
    assert len(about) == 1, log[-3000:]
    assert " WARNING " in about[0]
    assert "CRITICAL" not in log


def test_an_unreadable_update_is_confirmed_once_what_came_before_it_is() -> None:
    """The offset moves past an unreadable update only when the caller's offset confirms
    every update before it in its batch: an updater that stopped before taking a batch leaves
    the batch unconfirmed, as python-telegram-bot means it to."""
    factory = UpdateFactory(next_update_id=10)
    user = factory.user(ADMIN)
    batch = [
        factory.message(user, "/help"),
        old_poll(factory, user),
        factory.message(user, "/start"),
        old_poll(factory, user),
    ]
    sent = copy.deepcopy(batch)
    unreadable = Unreadable()
    assert unreadable.offset(10) == 10
    kept = unreadable.readable(batch, 10, None)
    assert [u["update_id"] for u in kept] == [10, 12]
    assert batch == sent, "reading changed the updates"
    assert unreadable.offset(10) == 10  # the updater stopped: nothing is confirmed for it
    assert unreadable.offset(13) == 14  # it took 10 and 12: 13 is confirmed with them
    assert unreadable.offset(14) == 14

    # Unreadable updates in a row, the first of a batch asked for without an offset.
    rows = [old_poll(factory, user), old_poll(factory, user)]  # 14, 15
    assert unreadable.readable(rows, None, None) == []
    assert unreadable.offset(None) == 16
    assert unreadable.offset(None) is None
    assert unreadable.offset(-1) == -1  # counted from the end: left alone


def test_an_unreadable_update_is_logged_once_with_its_id_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    factory = UpdateFactory(next_update_id=FIRST_ID)
    bad = old_poll(factory, factory.user(ADMIN))
    unreadable = Unreadable()
    for _ in range(3):  # a server that sends it again, or a webhook post repeated
        assert unreadable.readable([bad], FIRST_ID, None) == []
        assert unreadable.read(bad, None) is None
    assert unreadable.read(["not", "an", "update"], None) is None
    assert unreadable.read("nor this", None) is None
    assert [r.getMessage() for r in caplog.records] == [
        f"update {FIRST_ID} skipped: python-telegram-bot {telegram.__version__} cannot read"
        " it (TypeError)",
        f"update without an id skipped: python-telegram-bot {telegram.__version__} cannot"
        " read it (not a JSON object)",
    ]
    assert all(r.levelno == logging.WARNING and r.exc_info is None for r in caplog.records)


def test_the_bot_skips_unreadable_updates_and_keeps_the_flood_limits(
    settings: Settings,
) -> None:
    online = build_application(replace(settings, token=Secret("1:abc")))
    assert isinstance(online.bot, TolerantBot)
    assert isinstance(online.bot.rate_limiter, AIORateLimiter)
    assert online.bot.base_url == "https://api.telegram.org/bot1:abc"
    hosted = build_application(
        replace(settings, token=Secret("1:abc"), api_base_url="http://127.0.0.1:8081")
    )
    assert hosted.bot.base_url == "http://127.0.0.1:8081/bot1:abc"
    assert hosted.bot.base_file_url == "http://127.0.0.1:8081/file/bot1:abc"
    offline = build_application(settings, OfflineBotApi())
    assert isinstance(offline.bot, TolerantBot)
    assert offline.bot.rate_limiter is None


async def test_the_offline_bot_answers_as_before(bot: Callable[..., Any]) -> None:
    """The console and the chat tests run on the same TolerantBot, on the offline Bot API."""
    async with bot() as chat:
        calls = await chat.send("/start")
        assert [c.method for c in calls] == ["sendMessage"]
        assert str(calls[0].params["text"]).startswith(WELCOME)
