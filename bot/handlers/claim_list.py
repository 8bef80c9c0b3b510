"""/claims and /due [store:N]: pages of open claims, most urgent first, and the button that
opens one.

An agent sees their own claims; a team lead may switch to the whole team's. With several
stores, a row of store buttons shows one store's claims, or all the person works for.
"""

from __future__ import annotations

from telegram import Update

from bot.domain.people import Permission
from bot.handlers.access import can, permitted, pressed
from bot.handlers.card import load_or_refuse, show_card
from bot.handlers.common import answer_button, show
from bot.handlers.context import ClaimContext
from bot.handlers.stats import pressed_store, store_name, typed_store, visible_stores
from bot.views import card as views
from bot.views.buttons import ListButton, parse_list_button
from bot.views.stores import store_rows


async def claims_command(update: Update, context: ClaimContext) -> None:
    ok, store = await typed_store(update, context, "/claims store:2")
    if ok:
        await _list_page(update, context, 0, replace_pressed=False, store=store)


async def due_command(update: Update, context: ClaimContext) -> None:
    """Claims by time left: the agent's own; for leads, the whole team's."""
    ok, store = await typed_store(update, context, "/due store:2")
    if ok:
        team = can(context, Permission.SEE_TEAM)
        await _list_page(update, context, 0, replace_pressed=False, team=team, store=store)


async def _list_page(
    update: Update,
    context: ClaimContext,
    offset: int,
    *,
    replace_pressed: bool,
    team: bool = False,
    store: int | None = None,
) -> None:
    """A page of open claims: the person's own, or for leads (who may switch) the team's; of
    `store`, or of every store the person works for."""
    actor = context.require_actor()
    storage = context.services.storage
    sees_team = can(context, Permission.SEE_TEAM)
    team = team and sees_team
    owner = None if team else actor.id
    # A person limited to stores sees only theirs (issue 16); `store` is one of them.
    stores = actor.stores if store is None else frozenset({store})
    total = await storage.claims.open_count_for_agent(owner, stores=stores)
    offset = min(offset, max(0, total - 1))
    page = await storage.claims.open_page_for_agent(
        owner, offset=offset, limit=views.PAGE_SIZE, stores=stores
    )
    owners: dict[int, str] = {}
    if team:
        people = await storage.users.names({c.agent_id for c in page if c.agent_id is not None})
        owners = {user_id: person.name() for user_id, person in people.items()}
    text, rows = views.claims_list(
        context.tr,
        page,
        total=total,
        offset=offset,
        now=context.services.clock(),
        team=team if sees_team else None,
        owners=owners,
        unassigned=await storage.claims.unassigned_count(stores=stores),
        store=store,
        store_name=store_name(context, store),
        store_rows=store_rows(
            context.tr,
            await visible_stores(context),
            store,
            lambda sid: ListButton(offset=0, team=team, store=sid).data(),
        ),
    )
    await show(update, text, rows, replace_pressed=replace_pressed)


async def list_button(update: Update, context: ClaimContext) -> None:
    button = await pressed(update, context, parse_list_button)
    if button is None:
        return
    if button.claim_id is None:
        if button.team and not await permitted(update, context, Permission.SEE_TEAM):
            return
        if not await pressed_store(update, context, button.store):
            return
        await answer_button(update)
        await _list_page(
            update,
            context,
            button.offset or 0,
            replace_pressed=True,
            team=button.team,
            store=button.store,
        )
        return
    claim = await load_or_refuse(update, context, button.claim_id)
    if claim is None:
        return
    await answer_button(update)
    await show_card(update, context, claim, replace_pressed=False)
