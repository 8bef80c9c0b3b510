"""The claim card's buttons (its drafts' are in claim_drafts.py, its typed answers in
claim_questions.py).

Each button is parsed against a closed grammar (bot/views/buttons.py), then the claim is loaded
for the person pressing (someone else's claim looks exactly like a missing one), then its
revision is compared: a button of a card that has changed since gets the current card instead.
The work itself happens in bot/services/journey.py.
"""

from __future__ import annotations

import logging
from typing import Final

from telegram import Update

from bot.domain.claims import Cause, Claim, Evidence, Fulfillment, Outcome, Reason, StepId
from bot.domain.errors import (
    ContactFirstError,
    InvalidChoiceError,
    MissingFactError,
)
from bot.domain.fields import EDITABLE
from bot.domain.journey import next_step, previous_step
from bot.domain.people import NotAllowedError
from bot.domain.questions import QuestionKind, fact_question
from bot.handlers import questions
from bot.handlers.access import pressed, refuse_button
from bot.handlers.card import ask_about, load_or_refuse, show_card
from bot.handlers.claim_drafts import DRAFT_ACTIONS, Action
from bot.handlers.common import answer_button, show
from bot.handlers.context import ClaimContext
from bot.handlers.history import show_history
from bot.storage import StaleClaimError
from bot.views import card as views
from bot.views.buttons import choice, parse_claim_button, row_id

log = logging.getLogger(__name__)


# --- Claim buttons ---------------------------------------------------------------------------
async def claim_button(update: Update, context: ClaimContext) -> None:
    button = await pressed(update, context, parse_claim_button)
    if button is None:
        return
    _ = context.tr.gettext
    claim = await load_or_refuse(update, context, button.claim_id)
    if claim is None:
        return
    if claim.is_closed and button.action not in ("hist", "card"):
        await answer_button(
            update, _("Claim #%(number)s is closed.") % {"number": claim.id}, alert=True
        )
        await show_card(update, context, claim, replace_pressed=False)
        return
    # Draft buttons are checked against the draft's version instead (see mark_sent, edit).
    if button.revision != claim.revision and button.action not in REVISION_FREE:
        await _stale(update, context, claim)
        return
    try:
        await ACTIONS[button.action](update, context, claim, button.arg)
    except StaleClaimError:
        fresh = await context.services.journey.load(claim.id, context.require_actor())
        await _stale(update, context, fresh)
    except (InvalidChoiceError, NotAllowedError):
        # A value no screen offers (forged, or from a plan that has changed), or a change the
        # service refuses this person: refuse quietly. Anything else is a bug: it goes on to
        # the error handler, not disguised as an invalid button.
        await refuse_button(update, context)


async def _stale(update: Update, context: ClaimContext, claim: Claim) -> None:
    """A button of an older revision of the card (a replay, or simply an old message):
    nothing happens; the person gets the current card."""
    person = update.effective_user
    log.info(
        "stale button on claim %s (revision %s) from user %s",
        claim.id,
        claim.revision,
        person.id if person else None,
    )
    await answer_button(
        update,
        context.tr.gettext("This claim has changed since. Here is its current card."),
        alert=True,
    )
    await show_card(update, context, claim, replace_pressed=False)


async def _card(update: Update, context: ClaimContext, claim: Claim, arg: str | None) -> None:
    await answer_button(update)
    await show_card(update, context, claim, replace_pressed=arg != views.NEW_MESSAGE)


async def _move(update: Update, context: ClaimContext, claim: Claim, target: StepId | None) -> None:
    if target is None:
        raise InvalidChoiceError("no step")  # next at the last step, back at the first
    fresh = await context.services.journey.move_to(claim, target, context.require_actor())
    await answer_button(update)
    await show_card(update, context, fresh)


async def _next(update: Update, context: ClaimContext, claim: Claim, _arg: str | None) -> None:
    try:
        await _move(update, context, claim, next_step(claim))
    except ContactFirstError as refused:
        await answer_button(update, context.tr.gettext(refused.msgid), alert=True)


async def _back(update: Update, context: ClaimContext, claim: Claim, _arg: str | None) -> None:
    await _move(update, context, claim, previous_step(claim))


async def _reply(update: Update, context: ClaimContext, claim: Claim, _arg: str | None) -> None:
    await answer_button(update)
    await ask_about(update, context, claim, QuestionKind.BUYER_REPLY)


async def _cause(update: Update, context: ClaimContext, claim: Claim, arg: str | None) -> None:
    cause = choice(Cause, arg) if arg is not None else None
    fresh = await context.services.journey.choose_cause(claim, cause, context.require_actor())
    await answer_button(update)
    await show_card(update, context, fresh)


async def _free(update: Update, context: ClaimContext, claim: Claim, _arg: str | None) -> None:
    await answer_button(update)
    await ask_about(update, context, claim, QuestionKind.FREE_TEXT)


async def _facts(update: Update, context: ClaimContext, claim: Claim, _arg: str | None) -> None:
    await answer_button(update)
    text, rows = views.facts_menu(context.tr, claim)
    await show(update, text, rows)


async def _fact(update: Update, context: ClaimContext, claim: Claim, arg: str | None) -> None:
    if arg not in EDITABLE:
        raise InvalidChoiceError(arg)
    await answer_button(update)
    kind, name = fact_question(arg)
    await ask_about(update, context, claim, kind, name)


async def _basic(update: Update, context: ClaimContext, claim: Claim, arg: str | None) -> None:
    screen = views.basics_menu(context.tr, claim, arg or "")
    if screen is None:
        raise InvalidChoiceError(arg)
    await answer_button(update)
    await show(update, *screen)


async def _reason(update: Update, context: ClaimContext, claim: Claim, arg: str | None) -> None:
    await _correct(update, context, claim, reason=choice(Reason, arg))


async def _ship(update: Update, context: ClaimContext, claim: Claim, arg: str | None) -> None:
    await _correct(update, context, claim, fulfillment=choice(Fulfillment, arg))


async def _store(update: Update, context: ClaimContext, claim: Claim, arg: str | None) -> None:
    """The store a mail's claim belongs to, confirmed on its card (issue 16)."""
    fresh = await context.services.journey.change_store(claim, context.require_actor(), row_id(arg))
    await answer_button(update)
    await show_card(update, context, fresh)


async def _lang(update: Update, context: ClaimContext, claim: Claim, arg: str | None) -> None:
    await _correct(update, context, claim, language=arg or "")


async def _correct(
    update: Update,
    context: ClaimContext,
    claim: Claim,
    *,
    reason: Reason | None = None,
    fulfillment: Fulfillment | None = None,
    language: str | None = None,
) -> None:
    """A corrected reason, fulfilment or buyer language; the card shows the plan that follows."""
    fresh = await context.services.journey.change_basics(
        claim,
        context.require_actor(),
        reason=reason,
        fulfillment=fulfillment,
        language=language,
    )
    await answer_button(update)
    await show_card(update, context, fresh)


async def _evidence(update: Update, context: ClaimContext, claim: Claim, arg: str | None) -> None:
    if arg is None:
        await answer_button(update)
        await show(update, *views.evidence_menu(context.tr, claim))
        return
    item = choice(Evidence, arg)
    try:
        fresh = await context.services.journey.toggle_evidence(claim, item, context.require_actor())
    except MissingFactError:
        await answer_button(update)
        await ask_about(update, context, claim, QuestionKind.EVIDENCE, item.value)
        return
    await answer_button(update)
    await show(update, *views.evidence_menu(context.tr, fresh))


async def _outcome(update: Update, context: ClaimContext, claim: Claim, arg: str | None) -> None:
    # Checked before the press is answered: a press is answered once, and a forged outcome
    # gets the "not valid" answer.
    outcome = choice(Outcome, arg) if arg is not None else None
    await answer_button(update)
    if outcome is None:
        await show(update, *views.outcome_menu(context.tr, claim))
        return
    await show(update, *views.outcome_confirm(context.tr, claim, outcome))


async def _close(update: Update, context: ClaimContext, claim: Claim, arg: str | None) -> None:
    outcome = choice(Outcome, arg)
    fresh = await context.services.journey.close(claim, outcome, context.require_actor())
    await answer_button(update)
    await show_card(update, context, fresh)


async def _all(update: Update, context: ClaimContext, claim: Claim, _arg: str | None) -> None:
    await answer_button(update)
    await show(update, *views.all_drafts_menu(context.tr, claim))


async def _hist(update: Update, context: ClaimContext, claim: Claim, _arg: str | None) -> None:
    await answer_button(update)
    await show_history(update, context, claim.id)


async def _info(update: Update, context: ClaimContext, claim: Claim, _arg: str | None) -> None:
    fresh = await context.services.journey.record_info_request(claim, context.require_actor())
    await answer_button(update, context.tr.gettext("Noted: answer Amazon within 48 hours."))
    await show_card(update, context, fresh)


async def _solved(update: Update, context: ClaimContext, claim: Claim, _arg: str | None) -> None:
    fresh = await context.services.journey.record_solved(claim, context.require_actor())
    await answer_button(update, context.tr.gettext("Noted: the buyer confirms it is solved."))
    await show_card(update, context, fresh)


async def _stop(update: Update, context: ClaimContext, claim: Claim, _arg: str | None) -> None:
    await questions.done(context)
    await answer_button(update)
    await show_card(update, context, claim)


ACTIONS: Final[dict[str, Action]] = {
    **DRAFT_ACTIONS,
    "card": _card,
    "next": _next,
    "back": _back,
    "reply": _reply,
    "cause": _cause,
    "free": _free,
    "facts": _facts,
    "fact": _fact,
    "evid": _evidence,
    "out": _outcome,
    "close": _close,
    "all": _all,
    "basic": _basic,
    "reason": _reason,
    "ship": _ship,
    "store": _store,
    "lang": _lang,
    "stop": _stop,
    "hist": _hist,
    "info": _info,
    "solved": _solved,
}
# Buttons checked against something other than the claim's revision: a draft's version
# (sent, edit, submit), or harmless to replay (card, history).
REVISION_FREE: Final = frozenset({"sent", "edit", "card", "submit", "hist"})
