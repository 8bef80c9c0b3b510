"""What no other handler took: buttons of finished conversations, stray text, other media."""

from __future__ import annotations

from telegram import Update

from bot.handlers.common import answer_button, send
from bot.handlers.context import ClaimContext


async def stale_button(update: Update, context: ClaimContext) -> None:
    """Any button press nothing else claimed: old, finished, or forged. Nothing happens."""
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
