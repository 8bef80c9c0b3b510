"""/settings as the admin reads it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from babel.lists import format_list

from bot.domain.compliance import in_other_script
from bot.domain.marketplaces import MARKETPLACES
from bot.i18n.translator import Translator
from bot.settings import StoreProfile
from bot.storage import User
from bot.views.buttons import SettingButton
from bot.views.card import Rows, labelled
from bot.views.labels import language_name


def settings_screen(
    tr: Translator,
    *,
    required: bool,
    store: StoreProfile,
    round_robin: bool = False,
    leads_chat: int | None,
    languages: tuple[str, ...] = (),
    on_duty: str | None = None,
    store_id: int = 1,
    store_count: int = 1,
) -> tuple[str, Rows]:
    """The store settings; `languages`: those drafts are written in, whose signatures are
    checked for their script. With several stores (issue 16), the store part is the one of
    `store_id`."""
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
            _("Claims from Amazon's mail go to"),
            _("the next active agent in turn")
            if round_robin
            else _("the unassigned queue (/claims)"),
        ),
        labelled(
            tr,
            _("Review cards go to"),
            _("the leads' group %(chat)s") % {"chat": leads_chat}
            if leads_chat is not None
            else _("the lead on duty, %(name)s, privately") % {"name": on_duty}
            if on_duty is not None
            else _("each team lead, privately"),
        ),
        *(
            ["", _("Store %(number)s of %(count)s") % {"number": store_id, "count": store_count}]
            if store_count > 1
            else []
        ),
        labelled(tr, _("Store name"), store.name or "—"),
        labelled(tr, _("Signature"), store.signature or "—"),
    ]
    lines.extend(
        labelled(
            tr,
            _("Signature in %(language)s") % {"language": language_name(code, tr)},
            signature,
        )
        for code, signature in sorted(store.signatures.items())
    )
    if warning := signature_script_warning(tr, store, languages):
        lines.append(f"⚠ {warning}")
    lines.extend(
        labelled(tr, _("Gift in %(marketplace)s") % {"marketplace": code}, gift.description)
        for code, gift in sorted(store.gifts.items())
    )
    lines.append(labelled(tr, _("Marketplaces"), " ".join(store.marketplaces) or "—"))
    lines.append(
        labelled(tr, _("Amazon mails its notices to"), ", ".join(store.mail_addresses) or "—")
    )
    lines.extend(
        [
            "",
            _(
                "Changes here take effect at once. The leads' group is set in claimbot.toml"
                " (see the README)."
            ),
        ]
    )

    def button(label: str, action: str, value: str | None = None) -> tuple[str, str]:
        return label, SettingButton(action, value, store_id).data()

    rows: Rows = [
        [
            (
                _("Turn review off") if required else _("Turn review on"),
                SettingButton("review", "off" if required else "on").data(),
            )
        ],
        [
            (
                _("Queue mailed claims") if round_robin else _("Give mailed claims in turn"),
                SettingButton("rr", "off" if round_robin else "on").data(),
            )
        ],
        [
            button(_("Change the store name"), "name"),
            button(_("Change the signature"), "sign"),
        ],
        [button(_("Signature per language"), "langs"), button(_("Gifts"), "gifts")],
        [button(_("Marketplaces"), "mkts"), button(_("Mail addresses"), "mail")],
        [(_("Add a store"), SettingButton("add").data())],
    ]
    if store_count > 1:
        rows[-1].append((_("Other stores"), SettingButton("stores").data()))
    if leads_chat is None:  # with a group, cards go there: nobody needs to be on duty
        rows.insert(1, [(_("Lead on duty"), SettingButton("duty").data())])
    return "\n".join(lines), rows


def on_duty_screen(
    tr: Translator, candidates: Sequence[User], current: User | None
) -> tuple[str, Rows]:
    """Who is on duty: review cards go to that lead alone (one message per review instead
    of one per lead); nobody: to every lead."""
    _ = tr.gettext
    text = _(
        "Review cards go to the lead on duty alone, privately; with nobody on duty, to every"
        " team lead. Who is on duty?"
    )
    rows: Rows = [
        [
            (
                person.name() + (" ✓" if current is not None and person.id == current.id else ""),
                SettingButton("dutyset", str(person.id)).data(),
            )
        ]
        for person in candidates
    ]
    rows.append(
        [
            (
                _("Nobody: every lead") + (" ✓" if current is None else ""),
                SettingButton("dutyset", "0").data(),
            ),
        ]
    )
    rows.append([("◂ " + _("Back"), SettingButton("show").data())])
    return text, rows


def stores_screen(tr: Translator, names: Mapping[int, str]) -> tuple[str, Rows]:
    """Which store's settings to see (issue 16)."""
    rows: Rows = [
        [(name, SettingButton("store", None, store_id).data())] for store_id, name in names.items()
    ]
    return tr.gettext("Which store?"), rows


def gifts_screen(tr: Translator, *, store: StoreProfile, store_id: int) -> tuple[str, Rows]:
    """Which marketplace's gift to change: the store's marketplaces, else all; ✓ marks those
    with a gift."""
    _ = tr.gettext
    text = _(
        "The goodwill gift offered for seller-shipped delays, written in the marketplace's"
        " buyer language. Which marketplace?"
    )
    codes = store.marketplaces or tuple(MARKETPLACES)
    buttons = [
        (code + (" ✓" if code in store.gifts else ""), SettingButton("gift", code, store_id).data())
        for code in codes
    ]
    rows: Rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    rows.append([("◂ " + _("Back"), SettingButton("store", None, store_id).data())])
    return text, rows


def signature_script_warning(
    tr: Translator, store: StoreProfile, languages: tuple[str, ...]
) -> str | None:
    """Which of `languages` would end their drafts with a signature in another script (a
    German one under Japanese messages, say), as a caution; None when none would."""
    mismatched = [
        code for code in languages if in_other_script(store.signature_for(code) or "", code)
    ]
    if not mismatched:
        return None
    names = format_list([language_name(code, tr) for code in mismatched], locale=tr.locale)
    return tr.gettext(
        "Messages in %(languages)s end with a signature in another script, which buyers may"
        " not be able to read. Set one in their script under Signature per language."
    ) % {"languages": names}


def signature_languages_screen(
    tr: Translator, *, store: StoreProfile, languages: tuple[str, ...], store_id: int = 1
) -> tuple[str, Rows]:
    """Which buyer language's signature to change; ✓ marks those that have their own."""
    _ = tr.gettext
    text = _(
        "Messages to buyers end with the signature of the language they are written in, or"
        " with the default signature when that language has none. Which language?"
    )
    buttons = [
        (
            language_name(code, tr) + (" ✓" if code in store.signatures else ""),
            SettingButton("slang", code, store_id).data(),
        )
        for code in languages
    ]
    rows: Rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append([("◂ " + _("Back"), SettingButton("store", None, store_id).data())])
    return text, rows
