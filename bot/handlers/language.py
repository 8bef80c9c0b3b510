"""/lang: the language claimbot speaks with the agent (the buyer's language is per claim)."""

from __future__ import annotations

from typing import Final

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.handlers.common import answer_button, close_keyboard, send
from bot.handlers.context import ClaimContext
from bot.i18n.catalogs import BOT_DOMAIN
from bot.views.labels import native_language_name

BUTTON: Final = "ui:"
FOLLOW_TELEGRAM: Final = "auto"


async def lang_command(update: Update, context: ClaimContext) -> None:
    _ = context.tr.gettext
    languages = context.services.catalogs.languages(BOT_DOMAIN)
    rows = [
        [InlineKeyboardButton(native_language_name(code), callback_data=BUTTON + code)]
        for code in languages
    ]
    rows.append(
        [
            InlineKeyboardButton(
                _("Follow my Telegram app's language"), callback_data=BUTTON + FOLLOW_TELEGRAM
            )
        ]
    )
    await send(
        update,
        _(
            "Which language should I use with you? Messages to buyers stay in each buyer's"
            " language."
        ),
        InlineKeyboardMarkup(rows),
    )


async def lang_button(update: Update, context: ClaimContext) -> None:
    services = context.services
    query = update.callback_query
    data = query.data if query is not None and isinstance(query.data, str) else ""
    choice = data.removeprefix(BUTTON)
    languages = services.catalogs.languages(BOT_DOMAIN)
    if choice != FOLLOW_TELEGRAM and choice not in languages:
        await answer_button(
            update, context.tr.gettext("That button is not valid any more."), alert=True
        )
        return
    actor = context.require_actor()
    stored = None if choice == FOLLOW_TELEGRAM else choice
    await services.storage.users.set_ui_language(actor.id, stored, services.clock())
    person = update.effective_user
    context.tr = services.translator(stored or (person.language_code if person else None))
    await answer_button(update)
    await close_keyboard(
        update,
        context.tr.gettext("From now on I speak %(language)s with you.")
        % {"language": native_language_name(context.tr.language)},
    )
