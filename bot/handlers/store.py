"""/settings: the store settings an admin sees and changes in the chat."""

from __future__ import annotations

from typing import Final

from telegram import Update

from bot.domain.fields import STORE_TEXTS, FieldError
from bot.domain.people import Permission
from bot.handlers.access import can, deny, permitted, pressed
from bot.handlers.common import answer_button, send, show
from bot.handlers.context import ClaimContext
from bot.storage import PendingInput
from bot.views.buttons import SettingButton, parse_setting_button
from bot.views.settings import settings_screen

FIELD: Final = "store:"  # + name / signature: the typed answer awaited
TEXTS: Final = {"name": "name", "sign": "signature"}  # button action -> store text


async def settings_command(update: Update, context: ClaimContext) -> None:
    if await permitted(update, context, Permission.MANAGE_STORE):
        await _screen(update, context, replace=False)


async def setting_button(update: Update, context: ClaimContext) -> None:
    button = await pressed(update, context, parse_setting_button, Permission.MANAGE_STORE)
    if button is None:
        return
    _ = context.tr.gettext
    if button.action in TEXTS:
        await answer_button(update)
        await _ask(update, context, TEXTS[button.action])
        return
    if button.action == "review":
        await context.services.store.set_review_required(
            button.value == "on", context.require_actor()
        )
        await answer_button(update, _("Saved."))
    else:
        await answer_button(update)
    await _screen(update, context, replace=True)


async def _ask(update: Update, context: ClaimContext, name: str, hint: str | None = None) -> None:
    _ = context.tr.gettext
    actor = context.require_actor()
    await context.services.storage.pending.set(
        PendingInput(actor.id, None, FIELD + name), context.services.clock()
    )
    prompt = (
        _(
            "Send the store name buyers should read (at most 80 characters), or - to use the"
            " one in claimbot.toml."
        )
        if name == "name"
        else _(
            "Send the signature for messages to buyers (at most 4 lines), or - to use the one in"
            " claimbot.toml."
        )
    )
    text = f"{hint}\n\n{prompt}" if hint else prompt
    await show(
        update,
        text,
        [[("✕ " + _("Never mind"), SettingButton("show").data())]],
        replace_pressed=False,
    )


async def typed_answer(update: Update, context: ClaimContext, pending: PendingInput) -> None:
    """The new store name or signature."""
    _ = context.tr.gettext
    services = context.services
    actor = context.require_actor()
    name = pending.field.removeprefix(FIELD)
    if name not in STORE_TEXTS or not can(context, Permission.MANAGE_STORE):
        await services.storage.pending.clear(actor.id)
        await deny(update, context, Permission.MANAGE_STORE)
        return
    message = update.effective_message
    text = message.text if message is not None else None
    if text is None:
        await _ask(update, context, name, _("I can only read text here."))
        return
    try:
        await services.store.set_text(name, text, actor)
    except FieldError as error:
        await _ask(update, context, name, _(error.msgid) % error.params)
        return
    await services.storage.pending.clear(actor.id)
    await send(update, _("Saved. New drafts use it; drafts already written keep their text."))
    await _screen(update, context, replace=False)


async def _screen(update: Update, context: ClaimContext, *, replace: bool) -> None:
    services = context.services
    text, rows = settings_screen(
        context.tr,
        required=await services.store.review_required(),
        store=services.store.profile,
        leads_chat=services.settings.leads_chat,
    )
    await show(update, text, rows, replace_pressed=replace)
