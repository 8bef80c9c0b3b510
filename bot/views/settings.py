"""/settings as the admin reads it."""

from __future__ import annotations

from bot.i18n.translator import Translator
from bot.settings import StoreProfile
from bot.views.buttons import SettingButton
from bot.views.card import Rows, labelled


def settings_screen(
    tr: Translator, *, required: bool, store: StoreProfile, leads_chat: int | None
) -> tuple[str, Rows]:
    _ = tr.gettext
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
            _("the leads' group %(chat)s") % {"chat": leads_chat}
            if leads_chat is not None
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
                "Changes here take effect at once. Gifts and the leads' group are set in"
                " claimbot.toml (see the README)."
            ),
        ]
    )
    rows: Rows = [
        [
            (
                _("Turn review off") if required else _("Turn review on"),
                SettingButton("review", "off" if required else "on").data(),
            )
        ],
        [
            (_("Change the store name"), SettingButton("name").data()),
            (_("Change the signature"), SettingButton("sign").data()),
        ],
    ]
    return "\n".join(lines), rows
