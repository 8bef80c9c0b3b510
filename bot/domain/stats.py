"""The team's picture over a period: what the numbers of /stats mean, computed from counts.

Pure: the storage layer hands over grouped counts, this module turns them into rates. The
definitions, for the README and for whoever reads a report:
- a claim belongs to the period of its notice date (when Amazon notified);
- withdrawal rate: withdrawn / closed claims; ODR-safe rate: (withdrawn + denied) / closed;
- a deadline is missed when the claim was still open after its respond-by time, or closed
  after it;
- the ODR contribution estimate: claims whose outcome counts in the ODR / the store's orders
  in the period (the configured 60-day order count, scaled to the period's length).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from bot.domain.claims import Outcome

DEFAULT_DAYS = 60
MAX_DAYS = 3 * 366


@dataclass(frozen=True, slots=True)
class Period:
    start: date  # first day, inclusive
    end: date  # last day, inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class PeriodError(ValueError):
    """The text is not a period /stats can use."""


def parse_period(text: str, today: date) -> Period:
    """ "" (the last 60 days), "30" (the last 30 days), or "2026-09-01 2026-10-31"."""
    words = text.split()
    if not words:
        return Period(today - timedelta(days=DEFAULT_DAYS - 1), today)
    if len(words) == 1 and words[0].isascii() and words[0].isdigit():
        days = int(words[0])
        if not 1 <= days <= MAX_DAYS:
            raise PeriodError(words[0])
        return Period(today - timedelta(days=days - 1), today)
    if len(words) == 2:
        try:
            start, end = (date.fromisoformat(word) for word in words)
        except ValueError:
            raise PeriodError(text) from None
        if start > end or (end - start).days >= MAX_DAYS:
            raise PeriodError(text)
        return Period(start, end)
    raise PeriodError(text)


@dataclass(frozen=True, slots=True)
class Cell:
    """One group of claims with the same reason, fulfilment, marketplace and outcome."""

    reason: str
    fulfillment: str
    marketplace: str
    outcome: str | None
    count: int
    missed: int
    contacted: int = 0


@dataclass(frozen=True, slots=True)
class Report:
    period: Period
    total: int
    by_reason: Counter[str]
    by_fulfillment: Counter[str]
    by_marketplace: Counter[str]
    by_agent: Counter[int]
    by_outcome: Counter[str]  # "open" for claims without an outcome yet
    closed: int
    missed: int
    withdrawal_rate: Decimal | None
    odr_safe_rate: Decimal | None
    counted_in_odr: int
    odr_estimate: Decimal | None
    median_contact_hours: float | None
    top_products: list[tuple[str, int]] = field(default_factory=list)
    top_carriers: list[tuple[str, int]] = field(default_factory=list)


def build_report(
    period: Period,
    cells: list[Cell],
    *,
    by_agent: dict[int, int],
    median_contact_hours: float | None,
    top_products: list[tuple[str, int]],
    top_carriers: list[tuple[str, int]],
    orders_60d: int | None,
) -> Report:
    by_reason: Counter[str] = Counter()
    by_fulfillment: Counter[str] = Counter()
    by_marketplace: Counter[str] = Counter()
    by_outcome: Counter[str] = Counter()
    missed = 0
    for cell in cells:
        by_reason[cell.reason] += cell.count
        by_fulfillment[cell.fulfillment] += cell.count
        by_marketplace[cell.marketplace] += cell.count
        by_outcome[cell.outcome or "open"] += cell.count
        missed += cell.missed
    total = sum(by_outcome.values())
    closed = total - by_outcome["open"]
    counted = sum(n for o, n in by_outcome.items() if o != "open" and Outcome(o).counts_in_odr)
    safe = by_outcome[Outcome.WITHDRAWN.value] + by_outcome[Outcome.DENIED.value]
    estimate = None
    if orders_60d:
        orders = Decimal(orders_60d) * period.days / DEFAULT_DAYS
        estimate = Decimal(counted) / orders if orders else None
    return Report(
        period=period,
        total=total,
        by_reason=by_reason,
        by_fulfillment=by_fulfillment,
        by_marketplace=by_marketplace,
        by_agent=Counter(by_agent),
        by_outcome=by_outcome,
        closed=closed,
        missed=missed,
        withdrawal_rate=_rate(by_outcome[Outcome.WITHDRAWN.value], closed),
        odr_safe_rate=_rate(safe, closed),
        counted_in_odr=counted,
        odr_estimate=estimate,
        median_contact_hours=median_contact_hours,
        top_products=top_products,
        top_carriers=top_carriers,
    )


def _rate(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    """[start, end) in UTC for queries on notice times."""
    start = datetime.combine(period.start, time(0), UTC)
    end = datetime.combine(period.end + timedelta(days=1), time(0), UTC)
    return start, end
