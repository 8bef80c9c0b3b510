"""/stats [period] [store:N], /export [period] [store:N], and the buttons under /stats: the
export, the chart, and with several stores one button per store (issue 16)."""

from __future__ import annotations

from telegram import Update

from bot.domain.people import Permission, serves_store
from bot.domain.stats import Period, PeriodError, parse_period
from bot.handlers.access import deny, permitted, pressed, refuse_button
from bot.handlers.common import answer_button, send, send_file, send_image, show
from bot.handlers.context import ClaimContext
from bot.views.buttons import StatsButton, parse_stats_button
from bot.views.chart import weekly_png
from bot.views.stats import chart_caption, stats_text
from bot.views.stores import store_label, store_labels, store_rows


def _store_arg(context: ClaimContext) -> tuple[list[str], str | None]:
    """The command's words without `store:N` (issue 16), and N as typed (None: not given)."""
    words, store = [], None
    for word in context.args or []:
        if word.lower().startswith("store:"):
            store = word.partition(":")[2]
        else:
            words.append(word)
    return words, store


async def typed_store(
    update: Update, context: ClaimContext, example: str, permission: Permission | None = None
) -> tuple[bool, int | None]:
    """(ok, the store typed as `store:N`, or None for every store the person works for); not
    ok after saying that the store is unknown, or not one of theirs: refused for `permission`
    when given, else answered like a store that does not exist."""
    _words, typed = _store_arg(context)
    if typed is None:
        return True, None
    store = int(typed) if typed.isascii() and typed.isdigit() and len(typed) <= 6 else None
    mine = store is not None and serves_store(context.require_actor(), store)
    if store is None or store not in context.services.store.stores or (not mine and not permission):
        await send(
            update,
            context.tr.gettext("There is no store %(number)s. Give one as in %(example)s.")
            % {"number": typed[:12], "example": example},
        )
        return False, None
    if not mine and permission is not None:
        await deny(update, context, permission)
        return False, None
    return True, store


async def pressed_store(update: Update, context: ClaimContext, store: int | None) -> bool:
    """Whether a pressed button's store is one the person works for (None: every store of
    theirs); a forged or stale one is refused like any button that is not ours."""
    if store is None or (
        store in context.services.store.stores and serves_store(context.require_actor(), store)
    ):
        return True
    await refuse_button(update, context)
    return False


async def visible_stores(context: ClaimContext) -> dict[int, str]:
    """The stores the person works for, by name (one or more)."""
    service = context.services.store
    mine = await service.stores_of(context.require_actor())
    return store_labels(
        context.tr, {sid: profile for sid, profile in service.stores.items() if sid in mine}
    )


def store_name(context: ClaimContext, store: int | None) -> str | None:
    if store is None:
        return None
    return store_label(context.tr, store, context.services.store.stores.get(store))


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
    ok, store = await typed_store(update, context, "/stats 30 store:2", Permission.REPORTS)
    if ok:
        await _show_stats(update, context, period, store, replace_pressed=False)


async def _show_stats(
    update: Update,
    context: ClaimContext,
    period: Period,
    store: int | None,
    *,
    replace_pressed: bool,
) -> None:
    services = context.services
    report = await services.stats.report(context.require_actor(), period, store)
    people = await services.storage.users.names(set(report.by_agent))
    agents = {user_id: person.name() for user_id, person in people.items()}
    text, rows = stats_text(
        context.tr, report, agents, store=store, store_name=store_name(context, store)
    )
    rows += store_rows(
        context.tr,
        await visible_stores(context),
        store,
        lambda sid: StatsButton(period.start, period.end, "show", sid).data(),
    )
    await show(update, text, rows, replace_pressed=replace_pressed)


async def export_command(update: Update, context: ClaimContext) -> None:
    if not await permitted(update, context, Permission.REPORTS):
        return
    period = await _period(update, context)
    if period is None:
        return
    ok, store = await typed_store(update, context, "/export 30 store:2", Permission.REPORTS)
    if ok:
        await _send_export(update, context, period, store)


async def stats_button(update: Update, context: ClaimContext) -> None:
    button = await pressed(update, context, parse_stats_button, Permission.REPORTS)
    if button is None or not await pressed_store(update, context, button.store):
        return
    await answer_button(update)
    period = Period(button.start, button.end)
    if button.action == "csv":
        await _send_export(update, context, period, button.store)
    elif button.action == "chart":
        await _send_chart(update, context, period, button.store)
    else:
        await _show_stats(update, context, period, button.store, replace_pressed=True)


async def _send_export(
    update: Update, context: ClaimContext, period: Period, store: int | None = None
) -> None:
    name, data = await context.services.stats.export(context.require_actor(), period, store)
    await send_file(update, name, data)


async def _send_chart(
    update: Update, context: ClaimContext, period: Period, store: int | None
) -> None:
    weeks = await context.services.stats.weeks(context.require_actor(), period, store)
    caption = chart_caption(context.tr, weeks[0][0], weeks[-1][0])
    name = store_name(context, store)
    if name:
        caption = context.tr.gettext("Store: %(store)s") % {"store": name} + "\n" + caption
    image = weekly_png([counts for _monday, counts in weeks])
    await send_image(update, "claims-by-week.png", image, caption)
