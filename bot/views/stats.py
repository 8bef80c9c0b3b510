"""/stats as the lead reads it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TypeVar

from babel.numbers import format_decimal, format_percent

from bot.domain.claims import Fulfillment, Outcome, Reason
from bot.domain.stats import Report
from bot.i18n.translator import Translator
from bot.views import labels
from bot.views.buttons import StatsButton
from bot.views.card import Rows
from bot.views.chart import PALETTE, SWATCH
from bot.views.labels import marketplace_name

K = TypeVar("K", str, int)


def _percent(tr: Translator, value: Decimal | None) -> str:
    return "—" if value is None else format_percent(value, "#,##0.0%", locale=tr.locale)


def _counts(counter: Mapping[K, int], names: Mapping[K, str]) -> str:
    ranked = sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))
    return " · ".join(f"{names.get(key, str(key))} {count}" for key, count in ranked)


def outcome_names(tr: Translator) -> dict[str, str]:
    _ = tr.gettext
    return {o.value: _(labels.OUTCOMES[o]) for o in Outcome} | {"open": _("Open")}


def chart_caption(tr: Translator, first: date, last: date) -> str:
    """The chart's words: which weeks, and which colour is which outcome."""
    names = outcome_names(tr)
    return "\n".join(
        [
            tr.gettext("Claims per week by outcome, weeks from %(first)s to %(last)s.")
            % {"first": tr.date(first), "last": tr.date(last)},
            " ".join(f"{SWATCH[key]} {names[key]}" for key in PALETTE),
        ]
    )


def stats_text(
    tr: Translator,
    report: Report,
    agents: Mapping[int, str],
    *,
    store: int | None = None,
    store_name: str | None = None,
) -> tuple[str, Rows]:
    """The report's text and its buttons (the export and chart of the same period and
    `store`, None for every store the person works for; `store_name` heads the text)."""
    _ = tr.gettext
    period = report.period
    lines = [_("Store: %(store)s") % {"store": store_name}] if store_name else []
    lines += [
        _("Claims noticed from %(start)s to %(end)s (%(days)s days): %(total)s")
        % {
            "start": tr.date(period.start),
            "end": tr.date(period.end),
            "days": period.days,
            "total": report.total,
        }
    ]
    rows: Rows = [
        [
            (
                "⇩ " + _("Export as CSV"),
                StatsButton(period.start, period.end, "csv", store).data(),
            ),
            (
                "📈 " + _("Chart by week"),
                StatsButton(period.start, period.end, "chart", store).data(),
            ),
        ]
    ]
    if report.total == 0:
        return "\n".join(lines), rows
    lines.extend(
        [
            _("Outcomes: %(list)s") % {"list": _counts(report.by_outcome, outcome_names(tr))},
            _("Withdrawal rate: %(rate)s · ODR-safe rate (withdrawn or denied): %(safe)s")
            % {
                "rate": _percent(tr, report.withdrawal_rate),
                "safe": _percent(tr, report.odr_safe_rate),
            },
            _("Deadlines missed: %(count)s") % {"count": report.missed},
        ]
    )
    if report.median_contact_hours is not None:
        hours = format_decimal(round(report.median_contact_hours, 1), locale=tr.locale)
        lines.append(
            _("Median time from the notice to the first message to the buyer: %(hours)s h")
            % {"hours": hours}
        )
    if report.odr_estimate is not None:
        lines.append(
            _("Counted in the ODR: %(count)s claims, about %(rate)s of the orders")
            % {"count": report.counted_in_odr, "rate": _percent(tr, report.odr_estimate)}
        )
    else:
        lines.append(
            _("Counted in the ODR: %(count)s claims (set the store's orders to see the rate)")
            % {"count": report.counted_in_odr}
        )
    reasons = {r.value: _(labels.REASONS[r]) for r in Reason}
    fulfillments = {f.value: _(labels.FULFILLMENTS[f]) for f in Fulfillment}
    markets = {
        code: tr.bracketed(marketplace_name(code, tr), code) for code in report.by_marketplace
    }
    lines.extend(
        [
            "",
            _("By reason: %(list)s") % {"list": _counts(report.by_reason, reasons)},
            _("By fulfilment: %(list)s") % {"list": _counts(report.by_fulfillment, fulfillments)},
            _("By marketplace: %(list)s") % {"list": _counts(report.by_marketplace, markets)},
            _("By agent: %(list)s") % {"list": _counts(report.by_agent, agents)},
        ]
    )
    if report.top_products:
        lines.append(
            _("Products with the most claims: %(list)s")
            % {"list": " · ".join(f"{name} {n}" for name, n in report.top_products)}
        )
    if report.top_carriers:
        lines.append(
            _("Carriers: %(list)s")
            % {"list": " · ".join(f"{name} {n}" for name, n in report.top_carriers)}
        )
    return "\n".join(lines), rows
