"""The error handler: log what broke (no buyer data), tell the user in their language."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.handlers.context import ClaimContext

log = logging.getLogger(__name__)


async def on_error(update: object, context: ClaimContext) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    # The exception and its traceback, never the update itself (it holds people's messages).
    log.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    text = context.tr.gettext(
        "Sorry, something went wrong on our side. What you had already confirmed is saved;"
        " please try the last step again, or send /cancel."
    )
    try:
        if update.callback_query is not None:
            # Stop the button's spinner; harmless if the handler had answered it already.
            await update.callback_query.answer()
    except TelegramError:
        pass
    try:
        # A message, not a button alert: the button may already have been answered.
        await update.effective_chat.send_message(text)
    except TelegramError:
        log.warning("could not tell the user about the error in update %s", update_id)
