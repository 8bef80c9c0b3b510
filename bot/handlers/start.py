"""/start, /help and /cancel outside a conversation."""

from __future__ import annotations

from telegram import Update

from bot.domain.people import Permission
from bot.handlers import questions
from bot.handlers.access import can
from bot.handlers.common import send
from bot.handlers.context import ClaimContext
from bot.views.labels import ROLES


async def start(update: Update, context: ClaimContext) -> None:
    _ = context.tr.gettext
    actor = context.require_actor()
    text = "\n\n".join(
        [
            _("Welcome to claimbot. You are signed in as %(role)s.")
            % {"role": _(ROLES[actor.role])},
            _(
                "I walk you through each A-to-z Guarantee claim: find the cause, plan, handle the"
                " problem, get the claim closed. I also write the messages to the buyer for you."
            ),
            _("Stay calm and do not refund before you have talked to the buyer."),
            _("Send /new to open a claim, or /help for all commands."),
        ]
    )
    await send(update, text)


async def help_command(update: Update, context: ClaimContext) -> None:
    _ = context.tr.gettext
    lines = [
        _("Commands:"),
        _("/new - open a claim: a few questions, then the plan and the first message"),
        _("/claims - your open claims, most urgent first; tap one for its card"),
        _("/due - open claims by the time left to respond to Amazon (leads: the whole team)"),
        _("/history ORDER_ID - everything that happened on a claim, who did it and when"),
        _("/lang - the language I use with you"),
        _("/tz - the time zone I show times in (each claim's marketplace's, unless you choose)"),
        _("/cancel - stop what you are doing; nothing half-done is saved"),
        _("/help - this list"),
    ]
    # Only what the person's role allows: the server refuses the rest anyway.
    if can(context, Permission.REVIEW):
        lines.append(_("/queue - drafts waiting for your review, most urgent first"))
    if can(context, Permission.REPORTS):
        lines.append(
            _(
                "/stats [DAYS or FROM TO] - the team's claims, outcomes and deadlines; the last"
                " 60 days unless you say"
            )
        )
        lines.append(_("/export [DAYS or FROM TO] - the team's claims as a CSV file"))
    if can(context, Permission.MANAGE_PEOPLE):
        lines.append(_("/users - the team: add people, change roles, remove people"))
    if can(context, Permission.MANAGE_STORE):
        lines.append(_("/settings - review on or off, and the store profile"))
    if can(context, Permission.READ_MAILS):
        lines.append(_("/mails - the mails from the mailbox that claimbot left for an admin"))
    lines.extend(["", _("Answer a question by tapping a button or by typing the answer.")])
    await send(update, "\n".join(lines))


async def cancel_outside(update: Update, context: ClaimContext) -> None:
    """Outside the intake, /cancel stops waiting for a typed answer."""
    _ = context.tr.gettext
    waiting = await questions.waiting(context)
    if waiting is None:
        await send(update, _("There is nothing to cancel."))
        return
    await questions.done(context)
    if waiting.claim_id is None:
        await send(update, _("I stopped waiting for your answer. Nothing was changed."))
        return
    await send(
        update,
        _("I stopped waiting for your answer about claim #%(number)s. Nothing was changed.")
        % {"number": waiting.claim_id},
    )
