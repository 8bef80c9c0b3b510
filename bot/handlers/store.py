"""/settings: the store settings an admin sees and changes in the chat."""

from __future__ import annotations

from telegram import Update

from bot.domain.people import Permission
from bot.handlers.access import can, deny, refuse_button
from bot.handlers.common import answer_button, show
from bot.handlers.context import ClaimContext
from bot.views.buttons import SettingButton, parse_setting_button
from bot.views.card import Rows, labelled


async def settings_command(update: Update, context: ClaimContext) -> None:
    if not can(context, Permission.MANAGE_STORE):
        await deny(update, context, Permission.MANAGE_STORE)
        return
    await _screen(update, context, replace=False)


async def setting_button(update: Update, context: ClaimContext) -> None:
    query = update.callback_query
    button = parse_setting_button(query.data if query else None)
    if button is None or (button.action == "review" and button.value is None):
        await refuse_button(update, context)
        return
    if not can(context, Permission.MANAGE_STORE):
        await deny(update, context, Permission.MANAGE_STORE)
        return
    _ = context.tr.gettext
    if button.action == "review":
        await context.services.reviews.set_required(button.value == "on", context.require_actor())
        await answer_button(update, _("Saved."))
    else:
        await answer_button(update)
    await _screen(update, context, replace=True)


async def _screen(update: Update, context: ClaimContext, *, replace: bool) -> None:
    _ = context.tr.gettext
    tr = context.tr
    services = context.services
    required = await services.reviews.required()
    store = services.settings.store
    group = services.settings.leads_chat
    lines = [
        _("Store settings"),
        "",
        labelled(
            tr,
            _("Review of agents' drafts by a team lead"),
            _("on") if required else _("off"),
        ),
        labelled(
            tr,
            _("Review cards go to"),
            _("the leads' group %(chat)s") % {"chat": group}
            if group is not None
            else _("each team lead, privately"),
        ),
        labelled(tr, _("Store name"), store.name or "—"),
        labelled(tr, _("Signature"), store.signature or "—"),
    ]
    lines.extend(
        labelled(tr, _("Gift in %(marketplace)s") % {"marketplace": code}, gift.description)
        for code, gift in sorted(store.gifts.items())
    )
    lines.extend(
        [
            "",
            _(
                "The store name, signature, gifts and the leads' group are set in claimbot.toml"
                " (see the README); the review switch here takes effect at once."
            ),
        ]
    )
    rows: Rows = [
        [
            (
                _("Turn review off") if required else _("Turn review on"),
                SettingButton("review", "off" if required else "on").data(),
            )
        ]
    ]
    await show(update, "\n".join(lines), rows, replace_pressed=replace)
