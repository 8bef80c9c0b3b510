"""/claims, the claim card and every button on it, and the typed answers the card asks for.

Each button is parsed against a closed grammar (bot/views/buttons.py), then the claim is loaded
for the person pressing (someone else's claim looks exactly like a missing one), then its
revision is compared: a button of a card that has changed since gets the current card instead.
The work itself happens in bot/services/journey.py.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Final

from telegram import Update

from bot.domain.claims import Cause, Claim, Evidence, Fulfillment, Outcome, Reason
from bot.domain.drafts import DraftKind
from bot.domain.errors import (
    AlreadySentError,
    ClaimNotFoundError,
    InvalidChoiceError,
    MissingFactError,
    NeedsApprovalError,
    NotLatestVersionError,
    RefundGuardError,
)
from bot.domain.fields import EDITABLE
from bot.domain.journey import next_step, previous_step
from bot.domain.people import NotAllowedError
from bot.domain.questions import PendingQuestion, QuestionKind, fact_question
from bot.drafting.renderer import DraftFactsError
from bot.handlers import questions, review
from bot.handlers.access import pressed, refuse_button
from bot.handlers.common import answer_button, close_keyboard, markup, send, show
from bot.handlers.context import ClaimContext
from bot.handlers.history import show_history
from bot.services.journey import PreparedDraft
from bot.storage import StaleClaimError
from bot.views import card as views
from bot.views.buttons import choice, parse_claim_button, row_id

log = logging.getLogger(__name__)

Action = Callable[[Update, ClaimContext, Claim, str | None], Awaitable[None]]


async def show_card(
    update: Update, context: ClaimContext, claim: Claim, *, replace_pressed: bool = True
) -> None:
    now = context.services.clock()
    await show(
        update,
        views.card_text(context.tr, claim, now),
        views.card_keyboard(context.tr, claim, now),
        replace_pressed=replace_pressed,
    )


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


async def load_or_refuse(update: Update, context: ClaimContext, claim_id: int) -> Claim | None:
    """The claim, or None after refusing the button: a claim that does not exist and one the
    person may not see get the same answer."""
    try:
        return await context.services.journey.load(claim_id, context.require_actor())
    except ClaimNotFoundError:
        await refuse_button(update, context)
        return None


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


async def _draft(update: Update, context: ClaimContext, claim: Claim, arg: str | None) -> None:
    await prepare(update, context, claim, choice(DraftKind, arg))


async def _refund(update: Update, context: ClaimContext, claim: Claim, _arg: str | None) -> None:
    await prepare(update, context, claim, DraftKind.REFUND, refund_confirmed=True)


async def prepare(
    update: Update,
    context: ClaimContext,
    claim: Claim,
    kind: DraftKind,
    *,
    refund_confirmed: bool = False,
) -> None:
    journey = context.services.journey
    try:
        prepared = await journey.prepare(
            claim, kind, context.require_actor(), refund_confirmed=refund_confirmed
        )
    except MissingFactError as missing:
        await answer_button(update)
        question, arg = fact_question(missing.field)
        await _ask(update, context, claim, question, arg)
        return
    except RefundGuardError:
        await answer_button(update)
        text, rows = views.refund_guard(context.tr, claim)
        await show(update, text, rows)
        return
    except DraftFactsError as error:
        await answer_button(update, context.tr.gettext(error.msgid) % error.params, alert=True)
        return
    await answer_button(update)
    await send_draft(update, context, prepared)


async def send_draft(update: Update, context: ClaimContext, prepared: PreparedDraft) -> None:
    """Header, then the text alone (one copy gesture), then what it says in the agent's own
    language; the buttons go under the last message. With review on, an agent's draft offers
    "Submit for review" instead of "Mark as sent" until a lead has approved it."""
    services = context.services
    actor = context.require_actor()
    await review.refresh_copies(context, prepared.superseded)
    draft = services.journey.preview(prepared, context.tr.language, actor)
    preview = (draft.language, draft.text) if draft is not None else None
    submit = await services.reviews.needs_review(actor) and not await services.reviews.is_approved(
        prepared.record.id
    )
    header, body, preview_text, rows = views.draft_messages(
        context.tr, prepared, preview=preview, submit=submit
    )
    await send(update, header)
    if preview_text is None:
        await send(update, body, markup(rows))
        return
    await send(update, body)
    await send(update, preview_text, markup(rows))


async def _explain(update: Update, text: str) -> None:
    """Answer a draft button the journey refused for a reason the person can act on (a
    newer version exists, approval is missing). Other refusals are not caught where this is
    called: they go up, to be refused as an invalid button."""
    await answer_button(update, text, alert=True)


async def _sent(update: Update, context: ClaimContext, claim: Claim, arg: str | None) -> None:
    _ = context.tr.gettext
    journey = context.services.journey
    try:
        fresh, record = await journey.mark_sent(claim, row_id(arg), context.require_actor())
    except AlreadySentError:
        # Pressed twice, or again after a restart lost the first answer: where it stands.
        await answer_button(update, _("This message was already marked as sent."))
        await close_keyboard(update)
        await show_card(update, context, claim, replace_pressed=False)
        return
    except NotLatestVersionError:
        await _explain(
            update, _("There is a newer version of this message: mark that one as sent.")
        )
        return
    except NeedsApprovalError:
        await _explain(
            update, _("A team lead has to approve this version first: submit it for review.")
        )
        return
    await answer_button(update, _("Marked as sent."))
    await close_keyboard(update)
    await send(update, views.sent_note(context.tr, record))
    await show_card(update, context, fresh, replace_pressed=False)


async def _edit(update: Update, context: ClaimContext, claim: Claim, arg: str | None) -> None:
    draft_id = row_id(arg)
    try:
        await context.services.journey.newest_version(claim, draft_id)
    except NotLatestVersionError:
        await _explain(
            update, context.tr.gettext("There is a newer version of this message: edit that one.")
        )
        return
    await answer_button(update)
    await _ask(update, context, claim, QuestionKind.DRAFT_EDIT, draft_id=draft_id)


async def _ask(
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


async def _move(update: Update, context: ClaimContext, claim: Claim, target: str | None) -> None:
    if target is None:
        raise InvalidChoiceError("no step")  # next at the last step, back at the first
    fresh = await context.services.journey.move_to(claim, target, context.require_actor())
    await answer_button(update)
    await show_card(update, context, fresh)


async def _next(update: Update, context: ClaimContext, claim: Claim, _arg: str | None) -> None:
    await _move(update, context, claim, next_step(claim))


async def _back(update: Update, context: ClaimContext, claim: Claim, _arg: str | None) -> None:
    await _move(update, context, claim, previous_step(claim))


async def _reply(update: Update, context: ClaimContext, claim: Claim, _arg: str | None) -> None:
    await answer_button(update)
    await _ask(update, context, claim, QuestionKind.BUYER_REPLY)


async def _cause(update: Update, context: ClaimContext, claim: Claim, arg: str | None) -> None:
    cause = choice(Cause, arg) if arg is not None else None
    fresh = await context.services.journey.choose_cause(claim, cause, context.require_actor())
    await answer_button(update)
    await show_card(update, context, fresh)


async def _free(update: Update, context: ClaimContext, claim: Claim, _arg: str | None) -> None:
    await answer_button(update)
    await _ask(update, context, claim, QuestionKind.FREE_TEXT)


async def _facts(update: Update, context: ClaimContext, claim: Claim, _arg: str | None) -> None:
    await answer_button(update)
    text, rows = views.facts_menu(context.tr, claim)
    await show(update, text, rows)


async def _fact(update: Update, context: ClaimContext, claim: Claim, arg: str | None) -> None:
    if arg not in EDITABLE:
        raise InvalidChoiceError(arg)
    await answer_button(update)
    kind, name = fact_question(arg)
    await _ask(update, context, claim, kind, name)


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


async def _delay(update: Update, context: ClaimContext, claim: Claim, arg: str | None) -> None:
    if arg is None:
        await answer_button(update)
        await show(update, *views.delay_menu(context.tr, claim))
        return
    fresh = await context.services.journey.set_delay_cause(claim, arg, context.require_actor())
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
        await _ask(update, context, claim, QuestionKind.EVIDENCE, item.value)
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


async def _submit(update: Update, context: ClaimContext, claim: Claim, arg: str | None) -> None:
    try:
        item, superseded = await context.services.reviews.submit(
            claim, row_id(arg), context.require_actor()
        )
    except AlreadySentError:
        await answer_button(
            update, context.tr.gettext("This message was already marked as sent."), alert=True
        )
        return
    except NotLatestVersionError:
        await _explain(
            update,
            context.tr.gettext("There is a newer version of this message: submit that one."),
        )
        return
    await review.submitted(update, context, item, superseded)


async def _hist(update: Update, context: ClaimContext, claim: Claim, _arg: str | None) -> None:
    await answer_button(update)
    await show_history(update, context, claim.id)


async def _info(update: Update, context: ClaimContext, claim: Claim, _arg: str | None) -> None:
    fresh = await context.services.journey.record_info_request(claim, context.require_actor())
    await answer_button(update, context.tr.gettext("Noted: answer Amazon within 48 hours."))
    await show_card(update, context, fresh)


async def _stop(update: Update, context: ClaimContext, claim: Claim, _arg: str | None) -> None:
    await questions.done(context)
    await answer_button(update)
    await show_card(update, context, claim)


ACTIONS: Final[dict[str, Action]] = {
    "card": _card,
    "draft": _draft,
    "refund": _refund,
    "sent": _sent,
    "edit": _edit,
    "next": _next,
    "back": _back,
    "reply": _reply,
    "cause": _cause,
    "free": _free,
    "facts": _facts,
    "fact": _fact,
    "delay": _delay,
    "evid": _evidence,
    "out": _outcome,
    "close": _close,
    "all": _all,
    "basic": _basic,
    "reason": _reason,
    "ship": _ship,
    "lang": _lang,
    "stop": _stop,
    "submit": _submit,
    "hist": _hist,
    "info": _info,
}
# Buttons checked against something other than the claim's revision: a draft's version
# (sent, edit, submit), or harmless to replay (card, history).
REVISION_FREE: Final = frozenset({"sent", "edit", "card", "submit", "hist"})
