"""Chat handlers, one module per feature, registered in an explicit order by `register`."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.handlers import access, claims, errors, fallback, intake, language, start
from bot.handlers.common import NEW_MESSAGE


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # Group -1: the access guard sees every update first and stops the ones it refuses.
    application.add_handler(TypeHandler(Update, access.guard), group=-1)
    # Group 0, first match wins, in this order:
    # 1. conversations (they must see their own answers before any catch-all);
    application.add_handler(intake.conversation())
    # 2. plain commands;
    application.add_handler(CommandHandler("start", start.start, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("help", start.help_command, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("cancel", start.cancel_outside, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("claims", claims.claims_command, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("lang", language.lang_command, filters=NEW_MESSAGE))
    # 3. buttons of claim cards, the claim list and the language menu;
    application.add_handler(CallbackQueryHandler(claims.claim_button, pattern=r"^c:"))
    application.add_handler(CallbackQueryHandler(claims.list_button, pattern=r"^l:"))
    application.add_handler(CallbackQueryHandler(language.lang_button, pattern=r"^ui:"))
    # 4. text and media: the answer to a question a card asked, else stray input;
    application.add_handler(MessageHandler(NEW_MESSAGE & ~filters.COMMAND, claims.text_message))
    # 5. whatever is left: old or forged buttons, unknown commands.
    application.add_handler(CallbackQueryHandler(fallback.stale_button))
    application.add_handler(MessageHandler(NEW_MESSAGE, fallback.unknown_input))
    application.add_error_handler(errors.on_error)
