"""The typed answers a claim card asks for: a fact, the buyer's reply, the usage steps, the
agent's own version of a draft or a message from scratch, the fact that ticks an evidence item.

Each is a question of the registry (bot/handlers/questions.py). What they share: the claim is
loaded for the person answering (one they may no longer see makes the message stray input), a
closed claim stores nothing, and a claim changed at the same moment asks for the message again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final

from telegram import Message, Update

from bot.domain.claims import Claim, Evidence
from bot.domain.drafts import DraftKind
from bot.domain.errors import ClaimNotFoundError, TextError
from bot.domain.fields import FieldError
from bot.domain.journey import EVIDENCE_FACT
from bot.domain.questions import PendingQuestion, QuestionKind
from bot.handlers import questions
from bot.handlers.card import show_card
from bot.handlers.claim_drafts import prepare, send_draft
from bot.handlers.common import markup, send, show
from bot.handlers.context import ClaimContext
from bot.storage import StaleClaimError
from bot.views import card as views
from bot.views.buttons import choice

Apply = Callable[[Update, ClaimContext, Claim, PendingQuestion, str], Awaitable[None]]


async def _prompt(
    update: Update, context: ClaimContext, pending: PendingQuestion, hint: str | None
) -> None:
    claim = await _claim(context, pending)
    if claim is None:
        return
    text, rows = views.input_prompt(context.tr, claim, _prompt_key(pending), hint)
    await send(update, text, markup(rows))


def _prompt_key(pending: PendingQuestion) -> str:
    """Which prompt text asks the question (bot/views/labels.py FIELD_PROMPTS)."""
    if pending.kind is QuestionKind.EVIDENCE:
        return EVIDENCE_FACT.get(Evidence(pending.arg or ""), "")
    if pending.kind is QuestionKind.FACT:
        return pending.arg or ""
    if pending.kind is QuestionKind.GIFT:
        return "gift"
    return pending.kind.value


async def _claim(context: ClaimContext, pending: PendingQuestion) -> Claim | None:
    try:
        return await context.services.journey.load(pending.claim_id or 0, context.require_actor())
    except ClaimNotFoundError:
        return None


def _answer(apply: Apply) -> questions.Answer:
    """A claim question's answer: checks what all of them share, then `apply`."""

    async def answer(
        update: Update, context: ClaimContext, pending: PendingQuestion, message: Message
    ) -> bool:
        _ = context.tr.gettext
        claim = await _claim(context, pending)
        if claim is None:
            await questions.done(context)
            return False
        if claim.is_closed:
            await questions.done(context)
            await send(
                update,
                _("Claim #%(number)s is closed; I did not store that.") % {"number": claim.id},
            )
            return True
        if message.text is None:
            await _prompt(update, context, pending, _("I can only read text here."))
            return True
        try:
            await apply(update, context, claim, pending, message.text or "")
        except StaleClaimError:
            await send(update, _("The claim changed at the same moment. Please send that again."))
        return True

    return answer


async def _reply(
    update: Update, context: ClaimContext, claim: Claim, _pending: PendingQuestion, text: str
) -> None:
    fresh = await context.services.journey.record_reply(claim, text, context.require_actor())
    await questions.done(context)
    await show_card(update, context, fresh, replace_pressed=False)


async def _own_text(
    update: Update, context: ClaimContext, claim: Claim, pending: PendingQuestion, text: str
) -> None:
    """The agent's own version of a draft, or a message written from scratch."""
    journey = context.services.journey
    actor = context.require_actor()
    try:
        if pending.kind is QuestionKind.DRAFT_EDIT and pending.draft_id is not None:
            prepared = await journey.edit(claim, pending.draft_id, text, actor)
        else:
            prepared = await journey.write_free(claim, text, actor)
    except TextError as error:
        raise FieldError(error.msgid, **error.params) from None
    await questions.done(context)
    await send_draft(update, context, prepared)


async def _usage_steps(
    update: Update, context: ClaimContext, claim: Claim, pending: PendingQuestion, text: str
) -> None:
    actor = context.require_actor()
    fresh = await context.services.journey.set_fact(claim, pending.kind.value, text, actor)
    await questions.done(context)
    await prepare(update, context, fresh, DraftKind.USAGE_HELP)


async def _gift(
    update: Update, context: ClaimContext, claim: Claim, pending: PendingQuestion, text: str
) -> None:
    """The gift a draft needed: stored on the claim, then that draft."""
    actor = context.require_actor()
    fresh = await context.services.journey.set_fact(claim, "gift", text, actor)
    await questions.done(context)
    await prepare(update, context, fresh, choice(DraftKind, pending.arg))


async def _evidence(
    update: Update, context: ClaimContext, claim: Claim, pending: PendingQuestion, text: str
) -> None:
    item = Evidence(pending.arg or "")
    actor = context.require_actor()
    fresh = await context.services.journey.supply_evidence(claim, item, text, actor)
    await questions.done(context)
    await show(update, *views.evidence_menu(context.tr, fresh), replace_pressed=False)


async def _fact(
    update: Update, context: ClaimContext, claim: Claim, pending: PendingQuestion, text: str
) -> None:
    actor = context.require_actor()
    fresh = await context.services.journey.set_fact(claim, pending.arg or "", text, actor)
    await questions.done(context)
    await send(update, context.tr.gettext("Saved."))
    await show(update, *views.facts_menu(context.tr, fresh), replace_pressed=False)


# Not text_only: a sticker about a claim that is closed or gone is answered as such.
QUESTIONS: Final = {
    kind: questions.Question(_prompt, _answer(apply), text_only=False)
    for kind, apply in (
        (QuestionKind.BUYER_REPLY, _reply),
        (QuestionKind.DRAFT_EDIT, _own_text),
        (QuestionKind.FREE_TEXT, _own_text),
        (QuestionKind.USAGE_STEPS, _usage_steps),
        (QuestionKind.GIFT, _gift),
        (QuestionKind.EVIDENCE, _evidence),
        (QuestionKind.FACT, _fact),
    )
}
