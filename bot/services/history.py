"""A claim's audit trail: finding the claim by order id, reading its events, exporting them."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.domain.claims import Claim
from bot.domain.orders import OrderIdError, parse_order_id
from bot.domain.people import Permission, require
from bot.services.journey import Journey, can_see
from bot.services.spreadsheet import csv_bytes, safe_cell
from bot.storage import EventRecord, Storage, User, iso


@dataclass(frozen=True, slots=True)
class Trail:
    claim: Claim
    events: list[EventRecord]
    people: dict[int, User]
    versions: dict[int, tuple[str, int]]  # draft id -> (kind, version)


@dataclass(frozen=True, slots=True)
class Found:
    """The claims about an order that a person may see, newest first; and whether the order
    has an open claim they may not see (a colleague's). /new tells them that much, since it
    refuses a second claim for the order; /history says the same, and no more: not whose it
    is, not what it says, nothing about a colleague's closed claims."""

    order_id: str
    claims: list[Claim]
    colleague_open: bool


class History:
    def __init__(self, storage: Storage, journey: Journey) -> None:
        self.storage = storage
        self.journey = journey

    async def find(self, actor: User, text: str) -> Found:
        """What `actor` may learn about the order's claims. Raises `OrderIdError` for text that
        is not an order id."""
        order_id = parse_order_id(text)
        claims = await self.storage.claims.for_order(order_id)
        return Found(
            order_id,
            [c for c in claims if can_see(actor, c)],
            any(c.closed_at is None and not can_see(actor, c) for c in claims),
        )

    async def trail(self, actor: User, claim_id: int) -> Trail:
        claim = await self.journey.load(claim_id, actor)
        events = await self.storage.events.for_claim(claim.id)
        people = await self.storage.users.names(
            {e.actor_id for e in events if e.actor_id is not None}
            | ({claim.agent_id} if claim.agent_id is not None else set())
        )
        versions = {
            d.id: (d.kind, d.version) for d in await self.storage.drafts.for_claim(claim.id)
        }
        return Trail(claim, events, people, versions)

    async def export_csv(self, actor: User, claim_id: int) -> tuple[str, bytes]:
        """(file name, CSV bytes) of the claim's whole trail; leads and admins only."""
        require(actor, Permission.EXPORT)
        trail = await self.trail(actor, claim_id)
        return csv_name(trail.claim), trail_csv(trail)


def csv_name(claim: Claim) -> str:
    return f"claim-{claim.id}-{claim.facts.order_id}-history.csv"


TRAIL_COLUMNS = (
    "event_id",
    "time_utc",
    "claim_id",
    "order_id",
    "actor_id",
    "actor_name",
    "actor_role",
    "event",
    "draft_kind",
    "draft_version",
    "details",
)


def trail_csv(trail: Trail) -> bytes:
    rows = []
    for event in trail.events:
        person = trail.people.get(event.actor_id) if event.actor_id is not None else None
        kind, version = trail.versions.get(event.draft_id, ("", 0)) if event.draft_id else ("", 0)
        rows.append(
            [
                event.id,
                iso(event.created_at),
                trail.claim.id,
                trail.claim.facts.order_id,
                event.actor_id if event.actor_id is not None else "",
                safe_cell(person.name() if person else ""),
                person.role.value if person else "",
                event.kind,
                kind,
                version or "",
                safe_cell(json.dumps(event.payload, ensure_ascii=False, sort_keys=True)),
            ]
        )
    return csv_bytes(TRAIL_COLUMNS, rows)


__all__ = ["Found", "History", "OrderIdError", "Trail", "trail_csv"]
