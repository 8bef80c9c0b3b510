"""The door every update comes through (bot/door.py): what its walk looks at and what it may
skip. The whole bot's handling of such updates is in test_fuzz, test_intake and test_people."""

from __future__ import annotations

from typing import Any

from telegram import Bot, Message, Update

from bot.door import valid_update
from bot.transport import OFFLINE_TOKEN, OfflineBotApi, UpdateFactory

BOT_ID = int(OFFLINE_TOKEN.split(":", 1)[0])
AGENT = 4242


async def _bot() -> Bot:
    bot = Bot(OFFLINE_TOKEN, request=OfflineBotApi(), get_updates_request=OfflineBotApi())
    await bot.initialize()  # its id, as the application's bot has it
    return bot


def _own_message(factory: UpdateFactory, text: str, **extra: Any) -> dict[str, Any]:
    """A message claimbot sent, as a button press brings it back, with a keyboard."""
    me = {"id": BOT_ID, "is_bot": True, "first_name": "claimbot", "username": "claimbot"}
    message: dict[str, Any] = factory.message(factory.user(AGENT), text, **extra)["message"]
    message["from"] = me
    message["reply_markup"] = {
        "inline_keyboard": [[{"text": f"Button {n}", "callback_data": f"c:{n}"}] for n in range(8)]
    }
    return message


async def test_a_valid_press_comes_through_as_it_is() -> None:
    bot = await _bot()
    factory = UpdateFactory()
    data = factory.callback(factory.user(AGENT), _own_message(factory, "Card · Grüße"), "c:1")
    update = Update.de_json(data, bot)
    assert valid_update(update, bot) is update


async def test_text_a_person_wrote_is_mended_even_inside_claimbots_own_message() -> None:
    """The buttons of claimbot's own message are skipped (its own text, as sent); a message
    that one replies to was written by someone else and is looked at."""
    bot = await _bot()
    factory = UpdateFactory()
    quoted = factory.message(factory.user(AGENT), "Anna \ud800 wrote")["message"]
    own = _own_message(factory, "Card", reply_to_message=quoted)
    update = Update.de_json(factory.callback(factory.user(AGENT), own, "c:1"), bot)
    mended = valid_update(update, bot)
    assert isinstance(mended, Update)
    assert mended is not update
    message = mended.callback_query.message if mended.callback_query else None
    assert isinstance(message, Message)
    assert message.reply_to_message is not None
    assert message.reply_to_message.text == "Anna \ufffd wrote"


async def test_the_pressed_data_and_the_persons_name_are_looked_at() -> None:
    bot = await _bot()
    factory = UpdateFactory()
    person = factory.user(AGENT, first_name="Li \udc00")
    update = Update.de_json(
        factory.callback(person, _own_message(factory, "Card"), "c:\ud800"), bot
    )
    mended = valid_update(update, bot)
    assert isinstance(mended, Update)
    assert mended.callback_query is not None
    assert mended.callback_query.data == "c:\ufffd"
    assert mended.callback_query.from_user.first_name == "Li \ufffd"


async def test_a_keyboard_not_sent_by_claimbot_is_looked_at() -> None:
    """Only claimbot's own message's buttons are skipped: the same keyboard on a message from
    someone else (another bot's, in a group) is walked like everything else."""
    bot = await _bot()
    factory = UpdateFactory()
    foreign = _own_message(factory, "Other bot")
    foreign["from"] = {"id": 777, "is_bot": True, "first_name": "other"}
    foreign["reply_markup"]["inline_keyboard"][3][0]["text"] = "bad \ud800"
    update = Update.de_json(factory.callback(factory.user(AGENT), foreign, "c:1"), bot)
    assert valid_update(update, bot) is not update
