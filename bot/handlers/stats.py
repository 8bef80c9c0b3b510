"""/stats [period], /export [period], and the export and chart buttons under /stats."""

from __future__ import annotations

from telegram import Update

from bot.domain.people import Permission, serves_store
from bot.domain.stats import Period, PeriodError, parse_period
from bot.handlers.access import deny, permitted, pressed
from bot.handlers.common import answer_button, markup, send, send_file, send_image
from bot.handlers.context import ClaimContext
from bot.views.buttons import parse_stats_button
from bot.views.chart import weekly_png
from bot.views.stats import chart_caption, stats_text


def _store_arg(context: ClaimContext) -> tuple[list[str], str | None]:
    """The command's words without `store:N` (issue 16), and N as typed (None: not given)."""
    words, store = [], None
    for word in context.args or []:
        if word.lower().startswith("store:"):
            store = word.partition(":")[2]
        else:
            words.append(word)
    return words, store


async def _store(update: Update, context: ClaimContext) -> tuple[bool, int | None]:
    """(ok, the store asked for or None for every store the person works for); not ok after
    saying that the store is unknown, or not one of theirs."""
    _words, typed = _store_arg(context)
    if typed is None:
        return True, None
    store = int(typed) if typed.isascii() and typed.isdigit() and len(typed) <= 6 else None
    if store is None or store not in context.services.store.stores:
        await send(
            update,
            context.tr.gettext("There is no store %(number)s. Give one as in %(example)s.")
            % {"number": typed[:12], "example": "/export 30 store:2"},
        )
        return False, None
    if not serves_store(context.require_actor(), store):
        await deny(update, context, Permission.REPORTS)
        return False, None
    return True, store


async def _period(update: Update, context: ClaimContext) -> Period | None:
    today = context.services.clock().date()
    words, _store_typed = _store_arg(context)
    try:
        return parse_period(" ".join(words), today)
    except PeriodError:
        await send(
            update,
            context.tr.gettext(
                "Give no period (the last 60 days), a number of days (/stats 30), or two dates"
                " (/stats 2026-09-01 2026-10-31)."
            ),
        )
        return None


async def stats_command(update: Update, context: ClaimContext) -> None:
    if not await permitted(update, context, Permission.REPORTS):
        return
    period = await _period(update, context)
    if period is None:
        return
    services = context.services
    report = await services.stats.report(context.require_actor(), period)
    people = await services.storage.users.names(set(report.by_agent))
    agents = {user_id: person.name() for user_id, person in people.items()}
    text, rows = stats_text(context.tr, report, agents)
    await send(update, text, markup(rows))


async def export_command(update: Update, context: ClaimContext) -> None:
    if not await permitted(update, context, Permission.REPORTS):
        return
    period = await _period(update, context)
    if period is None:
        return
    ok, store = await _store(update, context)
    if ok:
        await _send_export(update, context, period, store)


async def stats_button(update: Update, context: ClaimContext) -> None:
    button = await pressed(update, context, parse_stats_button, Permission.REPORTS)
    if button is None:
        return
    await answer_button(update)
    period = Period(button.start, button.end)
    if button.action == "csv":
        await _send_export(update, context, period)
    else:
        await _send_chart(update, context, period)


async def _send_export(
    update: Update, context: ClaimContext, period: Period, store: int | None = None
) -> None:
    name, data = await context.services.stats.export(context.require_actor(), period, store)
    await send_file(update, name, data)


async def _send_chart(update: Update, context: ClaimContext, period: Period) -> None:
    weeks = await context.services.stats.weeks(context.require_actor(), period)
    caption = chart_caption(context.tr, weeks[0][0], weeks[-1][0])
    image = weekly_png([counts for _monday, counts in weeks])
    await send_image(update, "claims-by-week.png", image, caption)
