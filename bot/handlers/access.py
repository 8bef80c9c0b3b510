"""The access guard: runs before every other handler (group -1).

Known, active users go on with `context.actor` and their translator set; anyone else gets a
short translated refusal that reveals nothing but their own user id (which an admin needs to
add them), and the update stops here.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.handlers.context import ClaimContext

log = logging.getLogger(__name__)


async def guard(update: Update, context: ClaimContext) -> None:
    services = context.services
    person = update.effective_user
    if person is None or person.is_bot:
        # Channel posts, service updates and other bots: nobody to serve.
        raise ApplicationHandlerStop
    user = await services.storage.users.get(person.id)
    allowed = (
        user is not None
        and user.active
        # The console's local admin exists only for the console.
        and (user.origin != "console" or services.channel == "console")
    )
    if user is None or not allowed:
        log.info("refused update %s from user %s", update.update_id, person.id)
        await _refuse(update, context, person.id, person.language_code)
        raise ApplicationHandlerStop
    context.actor = user
    context.tr = services.translator(user.ui_language or person.language_code)


async def _refuse(
    update: Update, context: ClaimContext, user_id: int, language: str | None
) -> None:
    tr = context.services.translator(language)
    text = tr.gettext(
        "Sorry, this bot is only for the members of a seller's support team. Ask your team's"
        " admin to add you; they will need your user id: %(user_id)s."
    ) % {"user_id": user_id}
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
        return
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE and update.effective_message:
        await chat.send_message(text)
