"""/history ORDER_ID, a claim card's History button, and the CSV export for leads."""

from __future__ import annotations

from telegram import Update

from bot.domain.orders import OrderIdError
from bot.domain.people import NotAllowedError, Permission
from bot.handlers.access import can, deny, pressed, refuse_button
from bot.handlers.common import answer_button, markup, send, send_file
from bot.handlers.context import ClaimContext
from bot.services.journey import ClaimNotFoundError
from bot.views import history as views
from bot.views.buttons import parse_history_button
from bot.views.claims import colleague_has_open_claim


async def history_command(update: Update, context: ClaimContext) -> None:
    _ = context.tr.gettext
    text = " ".join(context.args or [])
    if not text:
        await send(
            update,
            _("Send /history followed by the order id, like /history 303-1234567-7654321."),
        )
        return
    try:
        found = await context.services.history.find(context.require_actor(), text)
    except OrderIdError:
        await send(update, _("That is not an Amazon order id (like 303-1234567-7654321)."))
        return
    if found.colleague_open:  # as /new says it, and nothing more
        await send(update, colleague_has_open_claim(context.tr, found.order_id))
    claims = found.claims
    if not claims:
        if not found.colleague_open:
            await send(update, _("No claim about that order that you can see."))
        return
    if len(claims) > 1:
        prompt, rows = views.history_choices(context.tr, claims[0].facts.order_id, claims)
        await send(update, prompt, markup(rows))
        return
    await show_history(update, context, claims[0].id)


async def show_history(
    update: Update, context: ClaimContext, claim_id: int, *, answer: bool = False
) -> None:
    """The trail; raises ClaimNotFoundError (before answering anything) for a claim the
    person may not see."""
    trail = await context.services.history.trail(context.require_actor(), claim_id)
    if answer:
        await answer_button(update)
    text, rows = views.history_screen(context.tr, trail, can_export=can(context, Permission.EXPORT))
    await send(update, text, markup(rows))


async def history_button(update: Update, context: ClaimContext) -> None:
    button = await pressed(update, context, parse_history_button)
    if button is None:
        return
    try:
        if button.action == "show":
            await show_history(update, context, button.claim_id, answer=True)
            return
        name, data = await context.services.history.export_csv(
            context.require_actor(), button.claim_id
        )
    except ClaimNotFoundError:
        await refuse_button(update, context)
        return
    except NotAllowedError:
        await deny(update, context, Permission.EXPORT)
        return
    await answer_button(update)
    await send_file(update, name, data)
