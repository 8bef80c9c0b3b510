"""What every claim screen handler shares: showing the card, loading a claim for the person
pressing (or refusing the button), and asking a typed answer about the claim."""

from __future__ import annotations

from telegram import Update

from bot.domain.claims import Claim
from bot.domain.errors import ClaimNotFoundError
from bot.domain.questions import PendingQuestion, QuestionKind
from bot.handlers import questions
from bot.handlers.access import refuse_button
from bot.handlers.common import joined, send, show
from bot.handlers.context import ClaimContext
from bot.views import card as views
from bot.views.stores import card_stores


async def show_card(
    update: Update,
    context: ClaimContext,
    claim: Claim,
    *,
    replace_pressed: bool = True,
    note: str | None = None,
) -> None:
    """The card; `note` (what just happened: the claim opened, a message marked as sent) goes
    above it in the same message, one message instead of two, or before it when too long."""
    now = context.services.clock()
    sent = await context.services.journey.sent_kinds(claim)
    stores = card_stores(context.tr, context.services.store.stores)
    text = views.card_text(context.tr, claim, now, sent, stores)
    if note is not None:
        together = joined(note, text, limit=views.MAX_SCREEN)
        if together is None:
            await send(update, note)
        text = together or text
    await show(
        update,
        text,
        views.card_keyboard(context.tr, claim, now, stores),
        replace_pressed=replace_pressed,
    )


async def load_or_refuse(update: Update, context: ClaimContext, claim_id: int) -> Claim | None:
    """The claim, or None after refusing the button: a claim that does not exist and one the
    person may not see get the same answer."""
    try:
        return await context.services.journey.load(claim_id, context.require_actor())
    except ClaimNotFoundError:
        await refuse_button(update, context)
        return None


async def ask_about(
    update: Update,
    context: ClaimContext,
    claim: Claim,
    kind: QuestionKind,
    arg: str | None = None,
    *,
    draft_id: int | None = None,
) -> None:
    """A typed answer about the claim (bot/handlers/claim_questions.py takes it)."""
    pending = PendingQuestion.about(claim, context.require_actor().id, kind, arg, draft_id=draft_id)
    await questions.ask(update, context, pending)
