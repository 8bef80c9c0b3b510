"""The end of /new: opening the claim the answers make, and showing a claim the intake opened
(or that the order already has) to whoever may see it."""

from __future__ import annotations

from telegram import Update

from bot.domain.intake import IntakeAnswers
from bot.domain.people import Permission
from bot.domain.playbook import plan_for
from bot.domain.stores import DEFAULT_STORE
from bot.handlers.access import can
from bot.handlers.card import show_card
from bot.handlers.claim_drafts import send_draft
from bot.handlers.common import answer_button, close_keyboard, send
from bot.handlers.context import ClaimContext
from bot.handlers.fallback import stale_button
from bot.services.claims import ClaimAlreadyOpenError, open_claim
from bot.services.journey import PreparedDraft
from bot.views import intake as views
from bot.views.claims import colleague_has_open_claim


async def open_claim_of(update: Update, context: ClaimContext, answers: IntakeAnswers) -> None:
    """Open the claim the (complete) answers make, show it and its first draft."""
    services = context.services
    actor = context.require_actor()
    facts, deadline = answers.to_claim()
    store_id = answers.store_id or DEFAULT_STORE
    try:
        opened = await open_claim(
            services.storage,
            services.renderer,
            services.store.profile_of(store_id),
            actor=actor,
            facts=facts,
            now=services.clock(),
            deadline=deadline,
            intake=answers,
            store_id=store_id,
        )
    except ClaimAlreadyOpenError as already:
        await services.storage.intakes.discard(actor.id)
        await already_open(update, context, facts.order_id, already)
        return
    await answer_button(update)
    claim = opened.claim
    text = views.opened(
        context.tr, claim.id, claim.facts.order_id, dated_by_notice=answers.dated_by_notice
    )
    await show_card(update, context, claim, replace_pressed=False, note=text)
    # Only now take the Open button away: had the messages failed, a press again shows the
    # claim it opened (the intake row says so), not a second one.
    await close_keyboard(update)
    prepared = PreparedDraft(
        claim, opened.draft_record, opened.findings, opened.draft.is_fallback, None
    )
    await send_draft(update, context, prepared)
    await services.storage.intakes.discard(actor.id)


async def show_opened(update: Update, context: ClaimContext, claim_id: int) -> None:
    """A button of an intake whose claim opened before the agent saw it: show that claim."""
    actor = context.require_actor()
    await context.services.storage.intakes.discard(actor.id)
    claim = await context.services.storage.claims.get(claim_id)
    if claim is None:  # pragma: no cover - claims are never deleted
        await stale_button(update, context)
        return
    await already_open(
        update, context, claim.facts.order_id, ClaimAlreadyOpenError(claim.id, claim.agent_id)
    )


async def already_open(
    update: Update, context: ClaimContext, order_id: str, already: ClaimAlreadyOpenError
) -> None:
    """The order has an open claim: show it to whoever may work on it; anyone else only
    learns that a colleague has it (not whose, not what it says)."""
    _ = context.tr.gettext
    await answer_button(update)
    await close_keyboard(update)
    actor = context.require_actor()
    claim = await context.services.storage.claims.get(already.claim_id)
    if claim is not None and (already.agent_id == actor.id or can(context, Permission.SEE_TEAM)):
        note = _("Order %(order_id)s already has an open claim, #%(number)s: here it is.") % {
            "order_id": order_id,
            "number": claim.id,
        }
        await show_card(update, context, claim, replace_pressed=False, note=note)
        if already.agent_id == actor.id and claim.revision == 1:
            # Untouched since it was opened: most likely this very intake, pressed again after
            # the bot stopped before its answer arrived. What the first press would have shown.
            kind = plan_for(claim.facts.reason, claim.facts.fulfillment).first_draft
            await send_draft(
                update, context, await context.services.journey.prepare(claim, kind, actor)
            )
        return
    await send(update, colleague_has_open_claim(context.tr, order_id))
