"""/lang: the language claimbot speaks with the agent (the buyer's language is per claim)."""

from __future__ import annotations

from functools import cache
from typing import Final
from zoneinfo import available_timezones

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.domain.marketplaces import MARKETPLACES
from bot.handlers.common import answer_button, close_keyboard, send
from bot.handlers.context import ClaimContext
from bot.i18n.catalogs import BOT_DOMAIN
from bot.views.labels import native_language_name

BUTTON: Final = "ui:"
FOLLOW_TELEGRAM: Final = "auto"


async def lang_command(update: Update, context: ClaimContext) -> None:
    _ = context.tr.gettext
    languages = context.services.catalogs.languages(BOT_DOMAIN)
    rows = [
        [InlineKeyboardButton(native_language_name(code), callback_data=BUTTON + code)]
        for code in languages
    ]
    rows.append(
        [
            InlineKeyboardButton(
                _("Follow my Telegram app's language"), callback_data=BUTTON + FOLLOW_TELEGRAM
            )
        ]
    )
    await send(
        update,
        _(
            "Which language should I use with you? Messages to buyers stay in each buyer's"
            " language."
        ),
        InlineKeyboardMarkup(rows),
    )


async def lang_button(update: Update, context: ClaimContext) -> None:
    services = context.services
    query = update.callback_query
    data = query.data if query is not None and isinstance(query.data, str) else ""
    choice = data.removeprefix(BUTTON)
    languages = services.catalogs.languages(BOT_DOMAIN)
    if choice != FOLLOW_TELEGRAM and choice not in languages:
        await answer_button(
            update, context.tr.gettext("That button is not valid any more."), alert=True
        )
        return
    actor = context.require_actor()
    stored = None if choice == FOLLOW_TELEGRAM else choice
    await services.storage.users.set_ui_language(actor.id, stored, services.clock())
    person = update.effective_user
    context.tr = services.translator(
        stored or (person.language_code if person else None), context.require_actor().time_zone
    )
    await answer_button(update)
    await close_keyboard(
        update,
        context.tr.gettext("From now on I speak %(language)s with you.")
        % {"language": native_language_name(context.tr.language)},
    )


# --- /tz: the time zone times are shown in ---------------------------------------------------
TZ_BUTTON: Final = "tz:"
FOLLOW_MARKETPLACE: Final = "auto"
# The marketplaces' zones, and where support teams often work from rather than where the buyers
# are: many sellers' agents work in China (Asia/Shanghai).
AGENT_ZONES: Final = frozenset({"UTC", "Asia/Shanghai"})
ZONES: Final = tuple(sorted({m.time_zone for m in MARKETPLACES.values()} | AGENT_ZONES))


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


async def tz_command(update: Update, context: ClaimContext) -> None:
    _ = context.tr.gettext
    typed = " ".join(context.args or []).strip()
    if typed:
        zone = next((z for z in _known_zones() if z.casefold() == typed.casefold()), None)
        if zone is None:
            await send(
                update,
                _("I do not know the time zone “%(zone)s”. Write it like Europe/Berlin.")
                % {"zone": typed[:60]},
            )
            return
        await _set_zone(update, context, zone)
        return
    rows = [
        [InlineKeyboardButton(zone, callback_data=TZ_BUTTON + zone) for zone in ZONES[i : i + 2]]
        for i in range(0, len(ZONES), 2)
    ]
    rows.append(
        [
            InlineKeyboardButton(
                _("Each claim's marketplace"), callback_data=TZ_BUTTON + FOLLOW_MARKETPLACE
            )
        ]
    )
    await send(
        update,
        _zone_text(context, context.require_actor().time_zone)
        + "\n"
        + _("Tap a time zone, or send /tz and its name (/tz Europe/Madrid)."),
        InlineKeyboardMarkup(rows),
    )


async def tz_button(update: Update, context: ClaimContext) -> None:
    query = update.callback_query
    data = query.data if query is not None and isinstance(query.data, str) else ""
    choice = data.removeprefix(TZ_BUTTON)
    if choice != FOLLOW_MARKETPLACE and choice not in _known_zones():
        await answer_button(
            update, context.tr.gettext("That button is not valid any more."), alert=True
        )
        return
    await answer_button(update)
    await _set_zone(update, context, None if choice == FOLLOW_MARKETPLACE else choice)


async def _set_zone(update: Update, context: ClaimContext, zone: str | None) -> None:
    services = context.services
    actor = context.require_actor()
    await services.storage.users.set_time_zone(actor.id, zone, services.clock())
    text = _zone_text(context, zone)
    if update.callback_query is not None:
        await close_keyboard(update, text)
    else:
        await send(update, text)


def _zone_text(context: ClaimContext, zone: str | None) -> str:
    _ = context.tr.gettext
    if zone:
        return _("Times are shown in %(zone)s.") % {"zone": zone}
    return _("Times are shown in each claim's marketplace's time zone.")
