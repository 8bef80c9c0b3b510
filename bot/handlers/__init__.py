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

from bot.handlers import (
    access,
    claim_list,
    claim_questions,
    claims,
    errors,
    fallback,
    history,
    inputs,
    intake,
    language,
    mail_notices,
    people,
    questions,
    review,
    start,
    stats,
    store,
    unassigned,
)
from bot.handlers.common import NEW_MESSAGE


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # Every question a feature asks, for the typed answers that come back (see questions.py).
    for feature in (intake, claim_questions, review, people, store):
        questions.register(feature.QUESTIONS)
    # Group -1: the access guard sees every update first and stops the ones it refuses.
    application.add_handler(TypeHandler(Update, access.guard), group=-1)
    # Group 0, first match wins, in this order:
    # 1. commands;
    application.add_handler(CommandHandler("new", intake.new_claim, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("start", start.start, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("help", start.help_command, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("cancel", intake.cancel, filters=NEW_MESSAGE))
    application.add_handler(
        CommandHandler("claims", claim_list.claims_command, filters=NEW_MESSAGE)
    )
    application.add_handler(CommandHandler("due", claim_list.due_command, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("lang", language.lang_command, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("tz", language.tz_command, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("history", history.history_command, filters=NEW_MESSAGE))
    # Each of these re-checks the role on the server (agents are refused, not just not shown).
    application.add_handler(CommandHandler("queue", review.queue_command, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("stats", stats.stats_command, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("export", stats.export_command, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("users", people.users_command, filters=NEW_MESSAGE))
    application.add_handler(CommandHandler("settings", store.settings_command, filters=NEW_MESSAGE))
    application.add_handler(
        CommandHandler("mails", mail_notices.mails_command, filters=NEW_MESSAGE)
    )
    # 2. buttons, one family per prefix, each parsed against its closed grammar;
    application.add_handler(CallbackQueryHandler(intake.button, pattern=intake.PATTERN))
    application.add_handler(CallbackQueryHandler(claims.claim_button, pattern=r"^c:"))
    application.add_handler(CallbackQueryHandler(claim_list.list_button, pattern=r"^l:"))
    application.add_handler(CallbackQueryHandler(unassigned.unassigned_button, pattern=r"^w:"))
    application.add_handler(CallbackQueryHandler(language.lang_button, pattern=r"^ui:"))
    application.add_handler(CallbackQueryHandler(language.tz_button, pattern=r"^tz:"))
    application.add_handler(CallbackQueryHandler(review.review_button, pattern=r"^r:"))
    application.add_handler(CallbackQueryHandler(review.queue_button, pattern=r"^q:"))
    application.add_handler(CallbackQueryHandler(people.people_button, pattern=r"^u:"))
    application.add_handler(CallbackQueryHandler(history.history_button, pattern=r"^h:"))
    application.add_handler(CallbackQueryHandler(store.setting_button, pattern=r"^s:"))
    application.add_handler(CallbackQueryHandler(stats.stats_button, pattern=r"^x:"))
    # 3. text and media: the answer to the question asked (a card's, a review's, /new's...),
    #    else stray input;
    application.add_handler(MessageHandler(NEW_MESSAGE & ~filters.COMMAND, inputs.text_message))
    # 4. whatever is left: old or forged buttons, unknown commands.
    application.add_handler(CallbackQueryHandler(fallback.stale_button))
    application.add_handler(MessageHandler(NEW_MESSAGE, fallback.unknown_input))
    application.add_error_handler(errors.on_error)
