"""What no other handler took: buttons of finished conversations, stray text, other media."""

from __future__ import annotations

import logging

from telegram import Update

from bot.handlers.common import answer_button, send
from bot.handlers.context import ClaimContext

log = logging.getLogger(__name__)


async def stale_button(update: Update, context: ClaimContext) -> None:
    """Any button press nothing else claimed: old, finished, or forged. Nothing happens; the
    press is logged (the data holds ids only, never buyer data)."""
    query = update.callback_query
    data = query.data if query is not None else None
    log.warning(
        "refused unknown button %r from user %s in update %s",
        data[:64] if isinstance(data, str) else data,
        update.effective_user.id if update.effective_user else None,
        update.update_id,
    )
    await answer_button(
        update,
        context.tr.gettext("This button is no longer active. Send /new to start a claim."),
        alert=True,
    )


async def unknown_input(update: Update, context: ClaimContext) -> None:
    await send(
        update,
        context.tr.gettext("I did not understand that. Send /new to open a claim or /help."),
    )
