"""Messages outside a conversation: the answer to a question the bot asked (about a claim, a
review or a person), routed to the feature that asked it; anything else is stray input."""

from __future__ import annotations

from telegram import Update

from bot.handlers import claims, people, review, store
from bot.handlers.context import ClaimContext
from bot.handlers.fallback import unknown_input


async def text_message(update: Update, context: ClaimContext) -> None:
    actor = context.require_actor()
    pending = await context.services.storage.pending.get(actor.id)
    if pending is None:
        await unknown_input(update, context)
    elif pending.field in review.FIELDS:
        await review.typed_answer(update, context, pending)
    elif pending.field.startswith(people.ADD_FIELD):
        await people.typed_answer(update, context, pending)
    elif pending.field.startswith(store.FIELD):
        await store.typed_answer(update, context, pending)
    elif not await claims.typed_answer(update, context, pending):
        await unknown_input(update, context)
