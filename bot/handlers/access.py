"""The access guard: runs before every other handler (group -1).

Known, active users go on with `context.actor` and their translator set; anyone else gets a
short translated refusal that reveals nothing but their own user id (which an admin needs to
add them), and the update stops here. The refusal goes out at most once per person per window
and within an overall budget (`bot.services.strangers`): a flood of strangers' messages must
not spend the sending budget the team needs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.domain.people import Permission, allowed
from bot.handlers.context import ClaimContext
from bot.i18n.locales import normalize_language
from bot.views.buttons import REVIEW_PREFIX

log = logging.getLogger(__name__)
T = TypeVar("T")


# Telegram user ids fit in 52 bits (see bot.domain.people.MAX_USER_ID); an id SQLite's 64-bit
# integers cannot even hold is forged, and refused before any query.
MAX_STORABLE_ID = 2**63 - 1


async def guard(update: Update, context: ClaimContext) -> None:
    """Fails closed: whatever goes wrong in here, no other handler sees the update."""
    try:
        await _guard(update, context)
    except ApplicationHandlerStop:
        raise
    except Exception:
        log.exception("access check failed for update %s: refused", update.update_id)
        raise ApplicationHandlerStop from None


async def _guard(update: Update, context: ClaimContext) -> None:
    services = context.services
    person = update.effective_user
    if person is None or person.is_bot or not 0 < person.id <= MAX_STORABLE_ID:
        # Channel posts, service updates, other bots, forged ids: nobody to serve.
        raise ApplicationHandlerStop
    user = await services.storage.users.get(person.id)
    allowed = (
        user is not None
        and user.active
        # The console's local admin exists only for the console.
        and (user.origin != "console" or services.channel == "console")
    )
    if user is None or not allowed:
        await _refuse(update, context, person.id, person.language_code)
        raise ApplicationHandlerStop
    query = update.callback_query
    if query is not None and not query.data:
        # A press without data (a game button, or forged) would match every button pattern.
        await query.answer()
        raise ApplicationHandlerStop
    client_language = normalize_language(person.language_code)
    telegram_name = (person.full_name or "")[:64] or None
    if (client_language, telegram_name) != (user.client_language, user.telegram_name):
        await services.storage.users.seen(user.id, telegram_name, client_language, services.clock())
        user = replace(user, client_language=client_language, telegram_name=telegram_name)
    context.actor = user
    context.tr = services.translator(user.ui_language or person.language_code, user.time_zone)
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        await _outside_private_chat(update, context)


async def _outside_private_chat(update: Update, context: ClaimContext) -> None:
    """In a group (the leads' review chat) only review card buttons work: every other screen
    shows claim data meant for one person, so it stays in private chats."""
    query = update.callback_query
    if query is not None and isinstance(query.data, str) and query.data.startswith(REVIEW_PREFIX):
        return
    if query is not None:
        await refuse_button(update, context)
    elif update.effective_message is not None and (update.effective_message.text or "").startswith(
        "/"
    ):
        await update.effective_message.reply_text(
            context.tr.gettext("Please write to me in our private chat.")
        )
    raise ApplicationHandlerStop


async def permitted(update: Update, context: ClaimContext, permission: Permission) -> bool:
    """Whether the person may; if not, they have been told and the refusal logged."""
    if can(context, permission):
        return True
    await deny(update, context, permission)
    return False


async def pressed(
    update: Update,
    context: ClaimContext,
    parse: Callable[[object], T | None],
    permission: Permission | None = None,
) -> T | None:
    """The pressed button as `parse` reads it, when it is one of ours and the person's role
    carries `permission`; else None, after refusing and logging."""
    query = update.callback_query
    button = parse(query.data if query is not None else None)
    if button is None:
        await refuse_button(update, context)
        return None
    if permission is not None and not await permitted(update, context, permission):
        return None
    return button


def can(context: ClaimContext, permission: Permission) -> bool:
    """The acting person's role carries `permission` (their role as stored now)."""
    return allowed(context.require_actor().role, permission)


async def deny(update: Update, context: ClaimContext, permission: Permission) -> None:
    """Refuse an action the person's role does not allow, and log it (ids only)."""
    actor = context.require_actor()
    log.warning(
        "refused %s to user %s (role %s) in update %s",
        permission.value,
        actor.id,
        actor.role.value,
        update.update_id,
    )
    text = context.tr.gettext(
        "Your role does not allow that. Ask your team's admin if you need it."
    )
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_chat is not None:
        await update.effective_chat.send_message(text)


async def refuse_button(update: Update, context: ClaimContext) -> None:
    """A button that is not (or no longer) one of ours for this person: forged, replayed or
    stale. Nothing happens; the press is logged with the data (ids only, never buyer data)."""
    query = update.callback_query
    data = query.data if query is not None else None
    person = update.effective_user
    log.warning(
        "refused button %r from user %s in update %s",
        data[:64] if isinstance(data, str) else data,
        person.id if person else None,
        update.update_id,
    )
    if query is not None:
        await query.answer(
            context.tr.gettext("That button is not valid any more."), show_alert=True
        )


async def _refuse(
    update: Update, context: ClaimContext, user_id: int, language: str | None
) -> None:
    """A button press gets the refusal as an alert, a message in a private chat as a message;
    in a group nothing is said. Within the limits only: the rest are dropped and counted."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None and (
        chat is None or chat.type != ChatType.PRIVATE or update.effective_message is None
    ):
        log.debug("refused update %s from user %s without an answer", update.update_id, user_id)
        return
    if not context.services.strangers.answer(user_id):
        return
    log.info("refused update %s from user %s", update.update_id, user_id)
    tr = context.services.translator(language)
    text = tr.gettext(
        "Sorry, this bot is only for the members of a seller's support team. Ask your team's"
        " admin to add you; they will need your user id: %(user_id)s."
    ) % {"user_id": user_id}
    if query is not None:
        await query.answer(text, show_alert=True)
    elif chat is not None:
        await chat.send_message(text)
