"""Small helpers handlers share: replying to messages and button presses alike."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, Final

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.constants import MessageLimit
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackContext, filters

from bot.views.card import MAX_SCREEN, Rows

log = logging.getLogger(__name__)

MAX_TEXT: Final = MessageLimit.MAX_TEXT_LENGTH
# New messages only: an edited old answer must not be taken as a new one.
NEW_MESSAGE: Final = filters.UpdateType.MESSAGE


async def send(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Send `text` to the update's chat as plain text (never parsed as Markdown or HTML), in
    pieces if it is longer than Telegram allows; the keyboard goes with the last piece."""
    chat = update.effective_chat
    if chat is None:
        return None
    pieces = split_text(text)
    sent: Message | None = None
    for number, piece in enumerate(pieces, start=1):
        sent = await chat.send_message(
            piece, reply_markup=markup if number == len(pieces) else None
        )
    return sent


async def answer_button(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Acknowledge a button press (Telegram shows a spinner until this is sent)."""
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=alert)


async def close_keyboard(update: Update, replacement_text: str | None = None) -> None:
    """Take the keyboard off the pressed message, optionally showing the choice made. Nothing
    is sent when the message already looks like that (one Bot API call saved per tap)."""
    query = update.callback_query
    if query is None or query.message is None or not isinstance(query.message, Message):
        return
    if unchanged(query.message, replacement_text, None):
        return
    try:
        if replacement_text is not None:
            await query.message.edit_text(replacement_text, reply_markup=None)
        else:
            await query.message.edit_reply_markup(reply_markup=None)
    except BadRequest:
        # Already edited or too old to edit: the keyboard is gone or harmless either way.
        return


def unchanged(message: Message, text: str | None, keyboard: InlineKeyboardMarkup | None) -> bool:
    """Whether editing `message` to `text` (None: its text stays) and `keyboard` would change
    nothing: Telegram refuses such an edit ("message is not modified"), so it is not sent."""
    if text is not None and message.text != text:
        return False
    current = message.reply_markup
    if current is None or not current.inline_keyboard:
        return keyboard is None or not keyboard.inline_keyboard
    # python-telegram-bot compares keyboards button by button (text, data, link...).
    return keyboard is not None and current == keyboard


def markup(rows: Rows) -> InlineKeyboardMarkup | None:
    """The keyboard of `rows`; the same rows give the same (immutable) keyboard object."""
    if not rows:
        return None
    return _keyboard(tuple(tuple((label, data) for label, data in row) for row in rows))


FrozenRows = tuple[tuple[tuple[str, str], ...], ...]


class Keyboard(InlineKeyboardMarkup):
    """An inline keyboard of (label, callback data) buttons whose JSON form is written straight
    from those pairs. python-telegram-bot turns the object into that form at every send by
    walking each button's twenty-odd attributes: with building the buttons, that was about a
    tenth of an update's own cost (issue 16); tests/test_remembered.py checks the two forms
    are the same."""

    __slots__ = ("_pairs",)

    def __init__(self, rows: FrozenRows) -> None:
        super().__init__(
            [
                [InlineKeyboardButton(label, callback_data=data) for label, data in row]
                for row in rows
            ]
        )
        self._pairs = rows  # a protected attribute: python-telegram-bot lets it be set

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        if not recursive:
            return super().to_dict(recursive=False)
        return {
            "inline_keyboard": [
                [{"text": label, "callback_data": data} for label, data in row]
                for row in self._pairs
            ]
        }


# Many keyboards recur (the intake's choices for every agent, a claim's card shown again), and
# python-telegram-bot freezes its objects: one keyboard can be sent any number of times.
@lru_cache(maxsize=1024)
def _keyboard(rows: FrozenRows) -> InlineKeyboardMarkup:
    return Keyboard(rows)


async def show(update: Update, text: str, rows: Rows, *, replace_pressed: bool = True) -> None:
    """Show a screen: in place of the pressed message when there is one (menus and cards
    replace each other), else as a new message."""
    query = update.callback_query
    if (
        replace_pressed
        and query is not None
        and isinstance(query.message, Message)
        and len(text) <= MAX_SCREEN
    ):
        keyboard = markup(rows)
        if unchanged(query.message, text, keyboard):
            return
        try:
            await query.message.edit_text(text, reply_markup=keyboard)
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return
        else:
            return
    await send(update, text, markup(rows))


async def send_to(
    context: CallbackContext[Any, Any, Any, Any],
    chat_id: int,
    text: str,
    rows: Rows | None = None,
    *,
    thread_id: int | None = None,
) -> Message | None:
    """A message to someone else's chat (a lead, the agent, the leads' group; `thread_id`: a
    forum topic in it), in pieces if long. A person who blocked the bot is logged and skipped:
    one unreachable lead must not stop the others."""
    return await send_by(context.bot, chat_id, text, rows, thread_id=thread_id)


async def send_by(
    bot: Bot, chat_id: int, text: str, rows: Rows | None = None, *, thread_id: int | None = None
) -> Message | None:
    """`send_to` for a caller outside any update or job (the mailbox reader): the bot alone."""
    pieces = split_text(text)
    sent: Message | None = None
    try:
        for number, piece in enumerate(pieces, start=1):
            sent = await bot.send_message(
                chat_id,
                piece,
                reply_markup=markup(rows or []) if number == len(pieces) else None,
                message_thread_id=thread_id,
            )
    except TelegramError as error:
        log.warning("could not write to chat %s: %s", chat_id, type(error).__name__)
        return None
    return sent


async def send_file(update: Update, name: str, data: bytes) -> None:
    """A file (an export) to the update's chat."""
    chat = update.effective_chat
    if chat is not None:
        await chat.send_document(InputFile(data, filename=name), filename=name)


async def send_image(update: Update, name: str, png: bytes, caption: str) -> None:
    """A picture (a chart) with its caption to the update's chat."""
    chat = update.effective_chat
    if chat is not None:
        await chat.send_photo(InputFile(png, filename=name), caption=caption)


def joined(*parts: str | None, limit: int = MAX_TEXT) -> str | None:
    """The parts as one message (blank lines between them), or None when that would be longer
    than one message may be: then they go as separate messages, as before."""
    text = "\n\n".join(part for part in parts if part)
    return text if len(text) <= limit else None


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split at paragraph, then line, then space boundaries into pieces of at most `limit`
    characters; the pieces joined give back the text exactly."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        end = limit
        for sep in ("\n\n", "\n", " "):
            found = rest.rfind(sep, 0, limit - len(sep) + 1)
            if found > 0:
                end = found + len(sep)
                break
        pieces.append(rest[:end])
        rest = rest[end:]
    pieces.append(rest)
    return pieces
