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


# One summed daily count: (dimension, value, display name, claims, closed after the deadline).
Count = tuple[str, str, str | None, int, int]
CONTACT_BUCKET_MINUTES = 10


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
    period: Period, counts: list[Count], *, open_overdue: int, orders_60d: int | None
) -> Report:
    """The report from the period's summed daily counts (see bot/storage/rollup.py) and the
    number of open claims of the period past their deadline."""
    per: dict[str, Counter[str]] = {}
    names: dict[tuple[str, str], str] = {}
    late = 0
    for dim, key, name, count, closed_late in counts:
        per.setdefault(dim, Counter())[key] = count
        if name:
            names[dim, key] = name
        late += closed_late if dim == "all" else 0
    by_outcome = per.get("outcome", Counter())
    total = per.get("all", Counter())[""]
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
        by_reason=per.get("reason", Counter()),
        by_fulfillment=per.get("fulfillment", Counter()),
        by_marketplace=per.get("marketplace", Counter()),
        by_agent=Counter({int(k): n for k, n in per.get("agent", Counter()).items()}),
        by_outcome=by_outcome,
        closed=closed,
        missed=late + open_overdue,
        withdrawal_rate=_rate(by_outcome[Outcome.WITHDRAWN.value], closed),
        odr_safe_rate=_rate(safe, closed),
        counted_in_odr=counted,
        odr_estimate=estimate,
        median_contact_hours=median_hours(per.get("contact", Counter())),
        top_products=_top(per.get("product", Counter()), names, "product"),
        top_carriers=_top(per.get("carrier", Counter()), names, "carrier"),
    )


def median_hours(buckets: Counter[str]) -> float | None:
    """The median of first-contact times kept in 10-minute buckets (each counted at its
    start): exact to the bucket."""
    total = sum(buckets.values())
    if total == 0:
        return None
    wanted = {(total - 1) // 2, total // 2}
    found: list[int] = []
    seen = 0
    for bucket in sorted(buckets, key=int):
        count = buckets[bucket]
        found.extend(int(bucket) for position in wanted if seen <= position < seen + count)
        seen += count
    minutes = sum(found) / len(found) * CONTACT_BUCKET_MINUTES
    return minutes / 60


def _top(
    counter: Counter[str], names: dict[tuple[str, str], str], dim: str
) -> list[tuple[str, int]]:
    """The five largest, each shown with a spelling people typed (the key is casefolded)."""
    shown = {key: names.get((dim, key), key) for key in counter}
    ranked = sorted(counter.items(), key=lambda item: (-item[1], shown[item[0]]))
    return [(shown[key], count) for key, count in ranked[:5]]


def _rate(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def mondays(period: Period) -> list[date]:
    """The Monday of every week the period touches."""
    first = period.start - timedelta(days=period.start.weekday())
    return [first + timedelta(weeks=n) for n in range((period.end - first).days // 7 + 1)]


def by_week(
    period: Period, counts: list[tuple[str, str, int]]
) -> list[tuple[date, dict[str, int]]]:
    """(Monday, outcome -> claims) for every week of the period, empty weeks included, from
    (Monday as ISO text, outcome, claims) rows."""
    weeks: dict[date, dict[str, int]] = {monday: {} for monday in mondays(period)}
    for monday, outcome, count in counts:
        weeks.setdefault(date.fromisoformat(monday), {})[outcome] = count
    return sorted(weeks.items())


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    """[start, end) in UTC for queries on notice times."""
    start = datetime.combine(period.start, time(0), UTC)
    end = datetime.combine(period.end + timedelta(days=1), time(0), UTC)
    return start, end
