"""/stats, the weekly chart's numbers and /export: the team's claims over a period."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from bot.domain.claims import Claim
from bot.domain.people import NotAllowedError, Permission, require, serves_store
from bot.domain.stats import Period, Report, build_report, by_week, period_bounds
from bot.services.spreadsheet import csv_bytes, safe_cell
from bot.storage import Storage, User, iso

EXPORT_COLUMNS = (
    "claim_id",
    "order_id",
    "marketplace",
    "fulfillment",
    "reason",
    "buyer_language",
    "product",
    "carrier",
    "tracking_number",
    "agent_id",
    "agent_name",
    "step",
    "cause",
    "outcome",
    "counts_in_odr",
    "notified_at",
    "respond_by",
    "contacted_at",
    "replied_at",
    "closed_at",
    "created_at",
)


class Stats:
    def __init__(
        self, storage: Storage, clock: Callable[[], datetime], orders_60d: int | None
    ) -> None:
        self.storage = storage
        self.clock = clock
        self.orders_60d = orders_60d

    async def report(self, actor: User, period: Period, store: int | None = None) -> Report:
        """The report of `store`, or of every store the person works for (issue 16)."""
        return await self.compute(period, _scope(actor, store))

    async def compute(self, period: Period, stores: frozenset[int] = frozenset()) -> Report:
        """The report, without a person (the command line and the benchmark); of `stores`
        only when given. The ODR estimate needs the team's orders: every store only."""
        start, end = period_bounds(period)
        stats = self.storage.stats
        return build_report(
            period,
            await stats.day_counts(period.start, period.end, stores),
            open_overdue=await stats.open_overdue(start, end, self.clock(), stores),
            orders_60d=None if stores else self.orders_60d,
        )

    async def weeks(
        self, actor: User, period: Period, store: int | None = None
    ) -> list[tuple[date, dict[str, int]]]:
        """Claims per week by outcome, every week of the period (the chart's bars), of
        `store` or of every store the person works for."""
        stores = _scope(actor, store)
        return by_week(period, await self.storage.stats.weeks(period.start, period.end, stores))

    async def export(
        self, actor: User, period: Period, store: int | None = None
    ) -> tuple[str, bytes]:
        """The export of `store`, or of every store the person works for (issue 16): a
        person limited to stores never exports another store's claims."""
        return await self.export_csv(period, _scope(actor, store))

    async def export_csv(
        self, period: Period, stores: frozenset[int] = frozenset()
    ) -> tuple[str, bytes]:
        """(file name, CSV) of every claim noticed in the period (of `stores` only, when
        given), with its facts, outcome and times (UTC, ISO 8601). UTF-8 with a byte-order
        mark for spreadsheets."""
        claims = await self.storage.stats.claims(*period_bounds(period), stores)
        people = await self.storage.users.names(
            {c.agent_id for c in claims if c.agent_id is not None}
        )
        rows = (
            export_row(claim, _name(people.get(claim.agent_id)) if claim.agent_id else "")
            for claim in claims
        )
        name = f"claims-{period.start.isoformat()}-{period.end.isoformat()}.csv"
        return name, csv_bytes(EXPORT_COLUMNS, rows)


def _scope(actor: User, store: int | None) -> frozenset[int]:
    """The stores a report of `actor` covers: `store`, refused when not one of theirs, or
    (None) every store they work for; empty means every store (issue 16)."""
    require(actor, Permission.REPORTS)
    if store is None:
        return actor.stores
    if not serves_store(actor, store):
        raise NotAllowedError(Permission.REPORTS)
    return frozenset({store})


def _name(person: User | None) -> str:
    return person.name() if person is not None else ""


def export_row(claim: Claim, agent_name: str) -> list[object]:
    facts = claim.facts

    def when(moment: datetime | None) -> str:
        return iso(moment) if moment is not None else ""

    return [
        claim.id,
        facts.order_id,
        facts.marketplace,
        facts.fulfillment.value,
        facts.reason.value,
        facts.buyer_language,
        safe_cell(facts.product or ""),
        safe_cell(facts.carrier or ""),
        safe_cell(facts.tracking_number or ""),
        claim.agent_id if claim.agent_id is not None else "",  # "": unassigned
        safe_cell(agent_name),
        claim.step,
        claim.cause.value if claim.cause else "",
        claim.outcome.value if claim.outcome else "",
        "" if claim.outcome is None else int(claim.outcome.counts_in_odr),
        when(facts.notified_at),
        when(claim.respond_by),
        when(claim.contacted_at),
        when(claim.replied_at),
        when(claim.closed_at),
        when(claim.created_at),
    ]
