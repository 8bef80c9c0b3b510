"""The command menu Telegram clients show: the commands of everyone's role by default, and a
menu of their own for each lead and admin (whose roles carry more commands)."""

from __future__ import annotations

import logging
from typing import Any, Final

from telegram import BotCommand, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.domain.people import Permission, Role, allowed
from bot.domain.text import N_
from bot.i18n.translator import Translator
from bot.storage import User

log = logging.getLogger(__name__)

# (command, description msgid, the permission it needs or None for everyone)
COMMANDS: Final = (
    ("new", N_("Open a claim"), None),
    ("claims", N_("Your open claims, most urgent first"), None),
    ("due", N_("Claims by time left (leads: the whole team)"), None),
    ("history", N_("A claim's history: /history ORDER_ID"), None),
    ("queue", N_("Drafts waiting for your review"), Permission.REVIEW),
    ("stats", N_("The team's numbers: /stats, /stats 30"), Permission.REPORTS),
    ("export", N_("The team's claims as CSV"), Permission.REPORTS),
    ("users", N_("The team: people and roles"), Permission.MANAGE_PEOPLE),
    ("settings", N_("Review on or off, and the store profile"), Permission.MANAGE_STORE),
    ("mails", N_("Mails left for an admin"), Permission.READ_MAILS),
    ("lang", N_("The language I use with you"), None),
    ("tz", N_("The time zone I show times in"), None),
    ("help", N_("All commands"), None),
    ("cancel", N_("Stop what you are doing"), None),
)


def commands_for(tr: Translator, role: Role) -> list[BotCommand]:
    return [
        BotCommand(name, tr.gettext(text))
        for name, text, permission in COMMANDS
        if permission is None or allowed(role, permission)
    ]


async def set_personal_menu(bot: ExtBot[Any], person: User, tr: Translator) -> None:
    """A lead's or admin's own menu; agents and removed people get the default one back."""
    scope = BotCommandScopeChat(person.id)
    try:
        if person.active and person.role is not Role.AGENT:
            await bot.set_my_commands(commands_for(tr, person.role), scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)
    except TelegramError as error:  # e.g. the person never opened a chat with the bot
        log.warning("could not set the menu of user %s: %s", person.id, type(error).__name__)
