"""A claim's drafts in the chat: preparing one (or asking for the fact it needs, the delay
message's cause and what happens now included), showing it to copy, and its buttons: mark as
sent, edit, submit for review."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final

from telegram import InlineKeyboardMarkup, Update

from bot.domain.claims import Claim, StepId
from bot.domain.drafts import GIFT_KINDS, DraftKind
from bot.domain.errors import (
    AlreadySentError,
    MissingFactError,
    NeedsApprovalError,
    NotLatestVersionError,
    NotSolvedError,
    RefundGuardError,
    SendBlockedError,
)
from bot.domain.journey import current_step, delay_fact_missing
from bot.domain.questions import QuestionKind, fact_question
from bot.drafting.renderer import DraftFactsError
from bot.handlers import review
from bot.handlers.card import ask_about, show_card
from bot.handlers.common import answer_button, close_keyboard, joined, markup, send, show
from bot.handlers.context import ClaimContext
from bot.services.journey import PreparedDraft
from bot.views import card as views
from bot.views import review as review_views
from bot.views.buttons import choice, row_id

Action = Callable[[Update, ClaimContext, Claim, str | None], Awaitable[None]]


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
        menu = _DELAY_MENUS.get(missing.field)
        if menu is not None:  # a choice, not a typed answer: its menu
            await show(update, *menu(context.tr, claim))
            return
        question, arg = fact_question(missing.field, kind.value)
        await ask_about(update, context, claim, question, arg)
        return
    except NotSolvedError:
        await answer_button(
            update,
            context.tr.gettext(
                "Ask for the withdrawal only once the buyer confirms the problem is solved: tap"
                " “Buyer confirms it is solved” on the card first."
            ),
            alert=True,
        )
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
    """Header with what it says in the agent's own language, then the text alone (one copy
    gesture) with the buttons; the three as separate messages when they are too long. With
    review on, an agent's draft offers "Submit for review" instead of "Mark as sent" until a
    lead has approved it."""
    services = context.services
    actor = context.require_actor()
    await review.refresh_copies(context, prepared.superseded, actor=actor.id)
    draft = await services.journey.preview(prepared, context.tr.language, actor)
    preview = (draft.language, draft.text) if draft is not None else None
    submit = await services.reviews.needs_review(actor) and not await services.reviews.is_approved(
        prepared.record.id
    )
    standing = await services.reviews.standing(prepared.record, actor)
    returned = standing.returned
    header, body, preview_text, rows = views.draft_messages(
        context.tr,
        prepared,
        preview=preview,
        submit=submit,
        author=standing.author,
        note=review_views.decision_line(context.tr, returned) if returned else None,
    )
    # Two messages, not three: what it says in the agent's language goes with the header
    # when both fit in one message; the text stays alone (one copy gesture) with the buttons.
    together = joined(header, preview_text)
    if together is not None:
        await send(update, together)
        await send(update, body, markup(rows))
        return
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
    except SendBlockedError as blocked:
        await _explain(update, _("It breaks a messaging rule: edit it before it can be sent."))
        await send(update, *_blocked_screen(context, claim, blocked))
        return
    await answer_button(update, _("Marked as sent."))
    await close_keyboard(update)
    note = views.sent_note(context.tr, record)
    await show_card(update, context, fresh, replace_pressed=False, note=note)


def _blocked_screen(
    context: ClaimContext, claim: Claim, blocked: SendBlockedError
) -> tuple[str, InlineKeyboardMarkup | None]:
    text, rows = views.send_blocked(context.tr, claim, blocked.draft_id, blocked.findings)
    return text, markup(rows)


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
    await ask_about(update, context, claim, QuestionKind.DRAFT_EDIT, draft_id=draft_id)


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


# --- The delay message's two facts: the cause, and what happens now ----------------------------
_DELAY_MENUS: Final = {"delay_cause": views.delay_menu, "delay_next": views.delay_next_menu}


async def _delay(update: Update, context: ClaimContext, claim: Claim, arg: str | None) -> None:
    await _choose_delay_fact(update, context, claim, arg, "delay_cause")


async def _dnext(update: Update, context: ClaimContext, claim: Claim, arg: str | None) -> None:
    await _choose_delay_fact(update, context, claim, arg, "delay_next")


async def _choose_delay_fact(
    update: Update, context: ClaimContext, claim: Claim, arg: str | None, fact: str
) -> None:
    """The menu of one of the delay message's facts, or the choice tapped in it."""
    if arg is None:
        await answer_button(update)
        await show(update, *_DELAY_MENUS[fact](context.tr, claim))
        return
    journey, actor = context.services.journey, context.require_actor()
    if fact == "delay_cause":
        fresh = await journey.set_delay_cause(claim, arg, actor)
    else:
        fresh = await journey.set_delay_next(claim, arg, actor)
    await _delay_fact_set(update, context, fresh)


async def _delay_fact_set(update: Update, context: ClaimContext, claim: Claim) -> None:
    """After a delay fact is chosen: the other one when it is still open, then, at the
    delivery step before its message went out, that message; else the card."""
    missing = delay_fact_missing(claim)
    if missing is not None and missing != "delay_cause":
        await answer_button(update)
        await show(update, *_DELAY_MENUS[missing](context.tr, claim))
        return
    sent = await context.services.journey.sent_kinds(claim)
    if (
        missing is None
        and current_step(claim).id is StepId.EXPLAIN_DELIVERY
        and not sent & GIFT_KINDS
    ):
        await prepare(update, context, claim, DraftKind.DELIVERY_DELAY)
        return
    await answer_button(update)
    await show_card(update, context, claim)


async def _stlang(update: Update, context: ClaimContext, claim: Claim, arg: str | None) -> None:
    """The statement's language: its menu, or the language tapped and the statement in it."""
    if arg is None:
        await answer_button(update)
        await show(update, *views.statement_language_menu(context.tr, claim))
        return
    actor = context.require_actor()
    fresh = await context.services.journey.set_statement_language(claim, arg, actor)
    await prepare(update, context, fresh, DraftKind.AMAZON_STATEMENT)


DRAFT_ACTIONS: Final[dict[str, Action]] = {
    "stlang": _stlang,
    "delay": _delay,
    "dnext": _dnext,
    "draft": _draft,
    "refund": _refund,
    "sent": _sent,
    "edit": _edit,
    "submit": _submit,
}
