"""The unassigned queue (issue 15): /claims -> *Unassigned (N)*, *Take #N* for agents and
leads, *Assign #N to…* for leads. An agent sees the queue (order, marketplace, reason, time
left: what they need to choose) but not a claim's card until the claim is theirs."""

from __future__ import annotations

from telegram import Update

from bot.domain.errors import ClaimNotFoundError
from bot.domain.people import NotAllowedError, Permission, serves_store
from bot.handlers.access import can, deny, permitted, pressed, refuse_button
from bot.handlers.card import show_card
from bot.handlers.common import answer_button, send, send_to, show
from bot.handlers.context import ClaimContext
from bot.services import queue
from bot.storage import User
from bot.views import card as views
from bot.views.buttons import parse_unassigned_button
from bot.views.stores import card_stores


async def unassigned_button(update: Update, context: ClaimContext) -> None:
    button = await pressed(update, context, parse_unassigned_button, Permission.WORK_CLAIMS)
    if button is None:
        return
    if button.take is not None:
        await _take(update, context, button.take)
    elif button.assign is not None:
        if not await permitted(update, context, Permission.SEE_TEAM):
            return
        if button.to is None:
            await _choose(update, context, button.assign)
        else:
            await _assign(update, context, button.assign, button.to)
    else:
        await answer_button(update)
        await _page(update, context, button.offset or 0)


async def _page(update: Update, context: ClaimContext, offset: int) -> None:
    storage = context.services.storage
    stores = context.require_actor().stores  # a person limited to stores sees only theirs
    total = await storage.claims.unassigned_count(stores=stores)
    offset = min(offset, max(0, total - 1))
    page = await storage.claims.unassigned_page(offset=offset, limit=views.PAGE_SIZE, stores=stores)
    text, rows = views.unassigned_list(
        context.tr,
        page,
        total=total,
        offset=offset,
        now=context.services.clock(),
        can_assign=can(context, Permission.SEE_TEAM),
    )
    await show(update, text, rows)


async def _take(update: Update, context: ClaimContext, claim_id: int) -> None:
    actor = context.require_actor()
    services = context.services
    try:
        claim = await queue.take(services.storage, claim_id, actor, services.clock())
    except ClaimNotFoundError:
        await refuse_button(update, context)
        return
    except NotAllowedError:
        await deny(update, context, Permission.WORK_CLAIMS)
        return
    except queue.AlreadyTakenError as taken:
        await _taken(update, context, taken)
        return
    await answer_button(update)
    await show_card(update, context, claim)


async def _choose(update: Update, context: ClaimContext, claim_id: int) -> None:
    storage = context.services.storage
    claim = await storage.claims.get(claim_id)
    if claim is None or not serves_store(context.require_actor(), claim.store_id):
        await refuse_button(update, context)
        return
    if claim.agent_id is not None or claim.closed_at is not None:
        owner = await storage.users.get(claim.agent_id) if claim.agent_id else None
        await _taken(update, context, queue.AlreadyTakenError(claim_id, owner))
        return
    people = [(p.id, p.name()) for p in await queue.assignable(storage, claim.store_id)]
    await answer_button(update)
    text, rows = views.assign_menu(context.tr, claim, context.services.clock(), people)
    await show(update, text, rows)


async def _assign(update: Update, context: ClaimContext, claim_id: int, to_id: int) -> None:
    _ = context.tr.gettext
    actor = context.require_actor()
    services = context.services
    try:
        claim, person = await queue.assign(
            services.storage, claim_id, to_id, actor, services.clock()
        )
    except (ClaimNotFoundError, NotAllowedError):
        await refuse_button(update, context)  # no such claim, or not someone to give it to
        return
    except queue.AlreadyTakenError as taken:
        await _taken(update, context, taken)
        return
    await answer_button(update)
    await send(
        update,
        _("Claim #%(number)s is now %(name)s's.") % {"number": claim.id, "name": person.name()},
    )
    await _page(update, context, 0)
    await _send_card(context, person, claim_id, actor)


async def _send_card(context: ClaimContext, person: User, claim_id: int, by: User) -> None:
    """The assignee gets the card at once, in their language."""
    services = context.services
    claim = await services.storage.claims.get(claim_id)
    if claim is None or person.id == by.id:  # pragma: no cover - claims are never deleted
        return
    tr = services.translator_for(person)
    now = services.clock()
    sent = await services.journey.sent_kinds(claim)
    note = tr.gettext("%(name)s gave you claim #%(number)s.") % {
        "name": by.name(),
        "number": claim.id,
    }
    await send_to(context, person.id, note)
    await send_to(
        context,
        person.id,
        views.card_text(tr, claim, now, sent, card_stores(tr, services.store.stores)),
        views.card_keyboard(tr, claim, now, card_stores(tr, services.store.stores)),
    )


async def _taken(update: Update, context: ClaimContext, taken: queue.AlreadyTakenError) -> None:
    """Someone was quicker (or the claim closed): say who has it, and show the queue again."""
    _ = context.tr.gettext
    if taken.owner is None:
        text = _("Claim #%(number)s is closed.") % {"number": taken.claim_id}
    elif taken.owner.id == context.require_actor().id:
        text = _("Claim #%(number)s is yours already.") % {"number": taken.claim_id}
    else:
        text = _("%(name)s took claim #%(number)s first.") % {
            "name": taken.owner.name(),
            "number": taken.claim_id,
        }
    await answer_button(update, text, alert=True)
    await _page(update, context, 0)
