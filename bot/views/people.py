"""/users screens: the team, one person, adding, removing and handing claims on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.domain.people import Role
from bot.i18n.translator import Translator
from bot.storage import User
from bot.views import labels
from bot.views.buttons import PeopleButton
from bot.views.card import Rows, labelled
from bot.views.prompts import never_mind


def _role(tr: Translator, role: Role) -> str:
    return tr.gettext(labels.ROLES[role])


def team_screen(
    tr: Translator, active: Sequence[User], removed: Sequence[tuple[User, int]]
) -> tuple[str, Rows]:
    _ = tr.gettext
    lines = [
        _("People in your team: %(count)s. Tap one to change their role or remove them.")
        % {"count": len(active)}
    ]
    rows: Rows = []
    for person in active:
        lines.append(f"• {person.name()} · {_role(tr, person.role)} · {person.id}")
        rows.append(
            [(f"{person.name()} · {_role(tr, person.role)}", PeopleButton("p", person.id).data())]
        )
    if removed:
        lines.extend(["", _("Removed, with open claims to hand on:")])
        for person, count in removed:
            lines.append(
                "• "
                + _("%(name)s · open claims: %(count)s") % {"name": person.name(), "count": count}
            )
            rows.append([("⚠ " + person.name(), PeopleButton("p", person.id).data())])
    rows.append([("+ " + _("Add a person"), PeopleButton("add").data())])
    return "\n".join(lines), rows


def _their_stores(tr: Translator, person: User, stores: Mapping[int, str]) -> str:
    listed = [name for store_id, name in stores.items() if store_id in person.stores]
    return ", ".join(listed) if listed else tr.gettext("all")


def person_screen(
    tr: Translator,
    person: User,
    open_claims: int,
    actor: User,
    stores: Mapping[int, str] | None = None,
) -> tuple[str, Rows]:
    """One person; `stores` (id: name) only when the team has several stores."""
    _ = tr.gettext
    lines = [
        person.name(),
        labelled(tr, _("User id"), str(person.id)),
        labelled(tr, _("Role"), _role(tr, person.role)),
        _("Open claims: %(count)s") % {"count": open_claims},
    ]
    if stores:
        lines.insert(3, labelled(tr, _("Stores"), _their_stores(tr, person, stores)))
    if not person.active:
        lines.append(_("Removed: this person can no longer use the bot. Their history is kept."))
    rows: Rows = []
    if person.active:
        rows.append(
            [
                (
                    _("Make %(role)s") % {"role": _role(tr, role)},
                    PeopleButton("role", person.id, role.value).data(),
                )
                for role in Role
                if role is not person.role
            ]
        )
    else:
        rows.append(
            [
                (
                    _("Add again as %(role)s") % {"role": _role(tr, person.role)},
                    PeopleButton("add", person.id, person.role.value).data(),
                )
            ]
        )
    if stores and person.active:
        rows.append([(_("Stores"), PeopleButton("stores", person.id).data())])
    if open_claims:
        rows.append([(_("Hand their open claims to…"), PeopleButton("move", person.id).data())])
    if person.active and person.id != actor.id:
        rows.append([("✕ " + _("Remove"), PeopleButton("rm", person.id).data())])
    rows.append([("◂ " + _("The team"), PeopleButton("list").data())])
    return "\n".join(lines), rows


def stores_screen(tr: Translator, person: User, stores: Mapping[int, str]) -> tuple[str, Rows]:
    """Which stores the person works for: tap a store to tick or untick it. Nobody ticked
    for only some stores sees (and is given) the claims of every store."""
    _ = tr.gettext
    text = _(
        "The stores %(name)s works for. They see, and are given, only these stores' claims."
        " Tap a store to tick or untick it."
    ) % {"name": person.name()}
    ticked = person.stores & frozenset(stores) or frozenset(stores)
    rows: Rows = [
        [
            (
                ("☑ " if store_id in ticked else "☐ ") + name,
                PeopleButton("store", person.id, str(store_id)).data(),
            )
        ]
        for store_id, name in stores.items()
    ]
    rows.append([("◂ " + _("Back"), PeopleButton("p", person.id).data())])
    return text, rows


def remove_confirm(tr: Translator, person: User, open_claims: int) -> tuple[str, Rows]:
    _ = tr.gettext
    text = _(
        "Remove %(name)s? They can no longer use the bot. Their claims and history are kept;"
        " their open claims (%(count)s) stay theirs until you hand them on."
    ) % {"name": person.name(), "count": open_claims}
    return text, [
        [
            ("✕ " + _("Yes, remove"), PeopleButton("rmok", person.id).data()),
            ("◂ " + _("Back"), PeopleButton("p", person.id).data()),
        ]
    ]


def add_menu(tr: Translator) -> tuple[str, Rows]:
    _ = tr.gettext
    return _("Add a person as:"), [
        [
            (_role(tr, role), PeopleButton("add", None, role.value).data())
            for role in reversed(Role)
        ],
        [("◂ " + _("The team"), PeopleButton("list").data())],
    ]


def add_prompt(tr: Translator, role: Role, hint: str | None = None) -> tuple[str, Rows]:
    _ = tr.gettext
    text = _(
        "Send the Telegram user id of the person to add as %(role)s, or forward me a message"
        " they wrote. (If they write to me first, I tell them their id.)"
    ) % {"role": _role(tr, role)}
    if hint:
        text = f"{hint}\n\n{text}"
    return text, [never_mind(tr, PeopleButton("list").data())]


def add_confirm(
    tr: Translator, role: Role, user_id: int, name: str | None, hint: str | None = None
) -> tuple[str, Rows]:
    """Who the id or the forwarded message names, for the admin to check before adding."""
    _ = tr.gettext
    if name:
        text = _("Add %(name)s (id %(user_id)s) as %(role)s?") % {
            "name": name,
            "user_id": user_id,
            "role": _role(tr, role),
        }
    else:
        text = _(
            "Add the person with user id %(user_id)s as %(role)s? I do not know their name"
            " yet: I learn it when they first write to me."
        ) % {"user_id": user_id, "role": _role(tr, role)}
    if hint:
        text = f"{hint}\n\n{text}"
    return text, [
        [("✓ " + _("Yes, add"), PeopleButton("addok", user_id, role.value).data())],
        never_mind(tr, PeopleButton("list").data()),
    ]


def targets_menu(
    tr: Translator, person: User, count: int, targets: Sequence[User]
) -> tuple[str, Rows]:
    _ = tr.gettext
    if not targets:
        return _("There is nobody else in the team to take them."), [
            [("◂ " + _("Back"), PeopleButton("p", person.id).data())]
        ]
    text = _("Hand the open claims of %(name)s (%(count)s) to:") % {
        "count": count,
        "name": person.name(),
    }
    rows: Rows = [
        [
            (
                f"{target.name()} · {_role(tr, target.role)}",
                PeopleButton("to", person.id, str(target.id)).data(),
            )
        ]
        for target in targets
    ]
    rows.append([("◂ " + _("Back"), PeopleButton("p", person.id).data())])
    return text, rows
