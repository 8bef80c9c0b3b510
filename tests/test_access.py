"""Who may use the bot, and what everyone else sees (nothing)."""

from __future__ import annotations

from typing import Any

from bot.app import CONSOLE_ADMIN_ID
from bot.domain.intake import IntakeAnswers
from bot.domain.people import Role
from tests.helpers import ADMIN, START, Clock, alerts, old_screen, person, texts

REFUSAL = (
    "Sorry, this bot is only for the members of a seller's support team. Ask your team's admin"
    " to add you; they will need your user id: 777."
)


async def test_unknown_user_is_refused_and_learns_nothing(bot: Any, clock: Clock) -> None:
    async with bot() as chat:
        # An admin opens a claim first, so there is data to leak.
        await chat.send("/new")
        await chat.send("303-1234567-7654321")
        for text in ("/start", "/new", "303-1234567-7654321", "/help", "hello"):
            clock.advance(minutes=10)  # a stranger is answered once per 10 minutes
            calls = await chat.send(text, user_id=777)
            assert texts(calls) == [REFUSAL]
            assert all(int(c.params["chat_id"]) == 777 for c in calls if "chat_id" in c.params)
        assert await chat.services.storage.users.get(777) is None
        assert 777 not in chat.app.user_data or not chat.app.user_data[777]


async def test_unknown_user_pressing_a_button_gets_an_alert_only(bot: Any) -> None:
    async with bot() as chat:
        await chat.send("/new")
        await chat.send("303-1234567-7654321")
        message = chat.last_keyboard()
        calls = await chat.press_data("mp:DE", message, user_id=777)
        assert [c.method for c in calls] == ["answerCallbackQuery"]
        assert alerts(calls) == [REFUSAL]
        assert calls[0].params["show_alert"] is True
        # The admin's conversation is untouched by the stranger's press.
        intake = await chat.services.storage.intakes.get(ADMIN)
        assert isinstance(intake, IntakeAnswers)
        assert intake.marketplace is None


async def test_a_stranger_is_answered_once_per_ten_minutes(bot: Any, clock: Clock) -> None:
    """The rest of a stranger's messages and presses are dropped without an answer: a flood
    of them must not spend the sending budget the team needs."""
    async with bot() as chat:
        message = old_screen(777)
        assert texts(await chat.send("/start", user_id=777)) == [REFUSAL]
        for text in ("/start", "hello", "/help"):
            assert await chat.send(text, user_id=777) == []
        assert await chat.press_data("mp:DE", message, user_id=777) == []
        assert texts(await chat.send("/start", user_id=778))[0].endswith("user id: 778.")
        clock.advance(minutes=10)
        assert alerts(await chat.press_data("mp:DE", message, user_id=777)) == [REFUSAL]
        assert chat.services.strangers.dropped == 4


async def test_a_stranger_added_by_an_admin_is_answered_at_once(bot: Any) -> None:
    async with bot() as chat:
        for text in ("/start", "/start", "hello"):
            await chat.send(text, user_id=777)
        assert texts(chat.api.calls, 777) == [REFUSAL]
        await chat.services.people.add(await person(chat, ADMIN), 777, Role.AGENT, "New")
        welcome = texts(await chat.send("/start", user_id=777))
        assert welcome[0].startswith("Welcome to claimbot. You are signed in as agent.")


async def test_refusal_speaks_the_strangers_language(bot: Any) -> None:
    async with bot() as chat:
        calls = await chat.send("/start", user_id=777, language_code="zh-hans")
        assert texts(calls) == [
            "抱歉，此机器人仅供卖家客服团队成员使用。"
            "请联系团队管理员添加您，他们需要您的用户 ID：777。"
        ]


async def test_admins_from_settings_are_bootstrapped(bot: Any) -> None:
    async with bot() as chat:
        user = await chat.services.storage.users.get(ADMIN)
        assert user is not None
        assert user.role == "admin"
        assert user.active


async def test_console_admin_is_refused_on_telegram(bot: Any) -> None:
    async with bot(channel="console") as chat:
        assert texts(await chat.send("/start", user_id=CONSOLE_ADMIN_ID))[0].startswith(
            "Welcome to claimbot."
        )
    async with bot(channel="telegram") as chat:
        calls = await chat.send("/start", user_id=CONSOLE_ADMIN_ID)
        assert texts(calls)[0].startswith("Sorry, this bot is only for the members")


async def test_deactivated_user_is_refused(bot: Any) -> None:
    async with bot() as chat:
        db = chat.services.storage.db
        await chat.services.storage.users.bootstrap_admin(55, START)
        async with db.transaction() as tx:
            await tx.execute("UPDATE users SET active = 0 WHERE id = 55")
        assert texts(await chat.send("/start", user_id=55))[0].startswith("Sorry, this bot")


async def test_updates_without_a_person_are_ignored(bot: Any) -> None:
    async with bot() as chat:
        post = {
            "update_id": 9001,
            "channel_post": {
                "message_id": 1,
                "date": 0,
                "text": "/start",
                "chat": {"id": -100123, "type": "channel", "title": "news"},
            },
        }
        assert await chat.feed(post) == []
