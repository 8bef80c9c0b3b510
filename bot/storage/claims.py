"""Claim rows <-> `Claim`: the claims table, its compare-and-set update, and the reads of
the lists (an agent's open claims, an order's claims)."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from bot.domain.claims import (
    UNSET,
    Cause,
    Claim,
    ClaimChange,
    ClaimFacts,
    Evidence,
    Fulfillment,
    Outcome,
    Reason,
    Stage,
    StepId,
)
from bot.domain.journey import stage_of
from bot.storage.database import Connection, Database, Row
from bot.storage.rows import iso, maybe_time, parse_iso, stores_params, to_json


class StaleClaimError(RuntimeError):
    """The claim changed (or closed) since the revision the caller acted on."""


class ClaimRepository:
    """Claims are written only inside a service's transaction, each update a compare-and-set
    on the revision the caller read, so two people acting at once cannot both win."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def insert(
        self,
        tx: Connection,
        facts: ClaimFacts,
        *,
        agent_id: int | None,  # None: unassigned (issue 15)
        stage: Stage,
        respond_by: datetime,
        now: datetime,
        store_id: int = 1,
    ) -> Claim:
        cursor = await tx.execute(
            "INSERT INTO claims (order_id, marketplace, fulfillment, reason, buyer_language,"
            " buyer_name, product, carrier, tracking_number, extra_facts, stage, agent_id,"
            " notified_at, respond_by, created_at, updated_at, store_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                facts.order_id,
                facts.marketplace,
                facts.fulfillment.value,
                facts.reason.value,
                facts.buyer_language,
                facts.buyer_name,
                facts.product,
                facts.carrier,
                facts.tracking_number,
                to_json(facts.extra),
                stage.value,
                agent_id,
                iso(facts.notified_at),
                iso(respond_by),
                iso(now),
                iso(now),
                store_id,
            ),
        )
        claim_id = cursor.lastrowid
        if claim_id is None:  # pragma: no cover - sqlite always reports it for an INSERT
            raise RuntimeError("claim insert returned no row id")
        return Claim(claim_id, agent_id, facts, stage, respond_by, now, store_id=store_id)

    async def get(self, claim_id: int) -> Claim | None:
        row = await self.db.fetchone("SELECT * FROM claims WHERE id = ?", (claim_id,))
        return claim_from_row(row) if row is not None else None

    async def read(self, tx: Connection, claim_id: int) -> Claim | None:
        """The claim as the caller's transaction sees it (what it wrote included)."""
        async with tx.execute("SELECT * FROM claims WHERE id = ?", (claim_id,)) as cursor:
            row = await cursor.fetchone()
        return claim_from_row(row) if row is not None else None

    async def open_for_agent(self, agent_id: int) -> list[Claim]:
        rows = await self.db.fetchall(
            "SELECT * FROM claims WHERE agent_id = ? AND closed_at IS NULL ORDER BY respond_by",
            (agent_id,),
        )
        return [claim_from_row(row) for row in rows]

    async def update(
        self,
        tx: Connection,
        claim: Claim,
        now: datetime,
        change: ClaimChange,
        *,
        closed_too: bool = False,
    ) -> None:
        """Apply `change` if the claim is still at `claim.revision` (and open, unless
        `closed_too`: Amazon's decision on an appeal is noted on a closed claim), and move it
        to the next revision; raise `StaleClaimError` if someone changed it first. An empty
        change still moves the revision: the caller's claim is then stale, as after any other
        write."""
        columns = _columns(claim, change)
        names = sorted(columns)
        assignments = "".join(f"{column} = ?, " for column in names)
        cursor = await tx.execute(
            f"UPDATE claims SET {assignments}revision = revision + 1, updated_at = ?"  # noqa: S608
            " WHERE id = ? AND revision = ? AND (closed_at IS NULL OR ?)",
            (
                *(columns[column] for column in names),
                iso(now),
                claim.id,
                claim.revision,
                closed_too,
            ),
        )
        if cursor.rowcount != 1:
            raise StaleClaimError(claim.id)

    async def open_count_for_agent(
        self, agent_id: int | None, *, stores: frozenset[int] = frozenset()
    ) -> int:
        """Open claims of one agent, or of the whole team for `None`; of `stores` only, when
        given (issue 16)."""
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM claims WHERE (? IS NULL OR agent_id = ?) AND closed_at IS NULL"
            " AND (? OR store_id IN (SELECT value FROM json_each(?)))",
            (agent_id, agent_id, *stores_params(stores)),
        )
        return int(row[0]) if row is not None else 0

    async def open_page_for_agent(
        self,
        agent_id: int | None,
        *,
        offset: int,
        limit: int,
        stores: frozenset[int] = frozenset(),
    ) -> list[Claim]:
        """Open claims of one agent (or the team, for `None`), most urgent first."""
        rows = await self.db.fetchall(
            "SELECT * FROM claims WHERE (? IS NULL OR agent_id = ?) AND closed_at IS NULL"
            " AND (? OR store_id IN (SELECT value FROM json_each(?)))"
            " ORDER BY respond_by, id LIMIT ? OFFSET ?",
            (agent_id, agent_id, *stores_params(stores), limit, offset),
        )
        return [claim_from_row(row) for row in rows]

    async def open_for_order(self, tx: Connection, order_id: str) -> tuple[int, int | None] | None:
        """The order's open claim, as (claim id, agent id or None), read inside `tx`."""
        async with tx.execute(
            "SELECT id, agent_id FROM claims WHERE order_id = ? AND closed_at IS NULL"
            " ORDER BY id LIMIT 1",
            (order_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return (int(row[0]), row[1]) if row is not None else None

    async def for_order(self, order_id: str) -> list[Claim]:
        """Every claim about an order (one may be reopened), newest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM claims WHERE order_id = ? ORDER BY id DESC", (order_id,)
        )
        return [claim_from_row(row) for row in rows]

    async def reassign(
        self, tx: Connection, from_agent: int, to_agent: int, now: datetime
    ) -> list[int]:
        """Hand every open claim of one agent to another; the ids of the claims moved."""
        async with tx.execute(
            "SELECT id FROM claims WHERE agent_id = ? AND closed_at IS NULL ORDER BY id",
            (from_agent,),
        ) as cursor:
            ids = [int(row[0]) for row in await cursor.fetchall()]
        await tx.execute(
            "UPDATE claims SET agent_id = ?, revision = revision + 1, updated_at = ?"
            " WHERE agent_id = ? AND closed_at IS NULL",
            (to_agent, iso(now), from_agent),
        )
        return ids

    async def unassigned_count(self, *, stores: frozenset[int] = frozenset()) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM claims WHERE agent_id IS NULL AND closed_at IS NULL"
            " AND (? OR store_id IN (SELECT value FROM json_each(?)))",
            stores_params(stores),
        )
        return int(row[0]) if row is not None else 0

    async def unassigned_page(
        self, *, offset: int, limit: int, stores: frozenset[int] = frozenset()
    ) -> list[Claim]:
        """Open claims nobody has yet (issue 15), most urgent first; of `stores` only, when
        given (issue 16)."""
        rows = await self.db.fetchall(
            "SELECT * FROM claims WHERE agent_id IS NULL AND closed_at IS NULL"
            " AND (? OR store_id IN (SELECT value FROM json_each(?)))"
            " ORDER BY respond_by, id LIMIT ? OFFSET ?",
            (*stores_params(stores), limit, offset),
        )
        return [claim_from_row(row) for row in rows]

    async def take(self, tx: Connection, claim_id: int, agent_id: int, now: datetime) -> bool:
        """Give an unassigned open claim to `agent_id`, compare-and-set: False when someone
        has it already (or it closed), so of two takers at once exactly one wins."""
        cursor = await tx.execute(
            "UPDATE claims SET agent_id = ?, revision = revision + 1, updated_at = ?"
            " WHERE id = ? AND agent_id IS NULL AND closed_at IS NULL",
            (agent_id, iso(now), claim_id),
        )
        return cursor.rowcount == 1

    async def next_in_turn(self, tx: Connection, store_id: int) -> int | None:
        """Round-robin (issue 15): the active agent after the one the last claim given in turn
        went to (by user id, wrapping round), read inside `tx`; None without active agents.
        Agents who do not work for the claim's store are skipped (issue 16)."""
        async with tx.execute(
            "SELECT json_extract(payload, '$.to') FROM events WHERE kind = 'claim_in_turn'"
            " ORDER BY id DESC LIMIT 1"
        ) as cursor:
            row = await cursor.fetchone()
        last = int(row[0]) if row is not None and row[0] is not None else 0
        async with tx.execute(
            "SELECT id FROM users WHERE role = 'agent' AND active = 1"
            " AND (NOT EXISTS (SELECT 1 FROM user_stores WHERE user_id = users.id)"
            " OR EXISTS (SELECT 1 FROM user_stores WHERE user_id = users.id AND store_id = ?))"
            " ORDER BY id > ? DESC, id LIMIT 1",
            (store_id, last),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row is not None else None

    async def count(self) -> int:
        row = await self.db.fetchone("SELECT COUNT(*) FROM claims")
        return int(row[0]) if row is not None else 0


def claim_from_row(row: Row) -> Claim:
    facts = ClaimFacts(
        order_id=row["order_id"],
        marketplace=row["marketplace"],
        fulfillment=Fulfillment(row["fulfillment"]),
        reason=Reason(row["reason"]),
        buyer_language=row["buyer_language"],
        notified_at=parse_iso(row["notified_at"]),
        buyer_name=row["buyer_name"],
        product=row["product"],
        carrier=row["carrier"],
        tracking_number=row["tracking_number"],
        extra=json.loads(row["extra_facts"]),
    )
    return Claim(
        id=row["id"],
        agent_id=row["agent_id"],
        facts=facts,
        stage=Stage(row["stage"]),
        respond_by=parse_iso(row["respond_by"]),
        created_at=parse_iso(row["created_at"]),
        outcome=Outcome(row["outcome"]) if row["outcome"] is not None else None,
        step=StepId(row["step"]),
        revision=row["revision"],
        contacted_at=maybe_time(row["contacted_at"]),
        last_contact_at=maybe_time(row["last_contact_at"]),
        replied_at=maybe_time(row["replied_at"]),
        cause=Cause(row["cause"]) if row["cause"] is not None else None,
        evidence=frozenset(Evidence(item) for item in json.loads(row["evidence"])),
        closed_at=maybe_time(row["closed_at"]),
        info_requested_at=maybe_time(row["info_requested_at"]),
        store_id=row["store_id"],
    )


# A `ClaimChange` field is named like its claims column, but for this one.
_COLUMN_OF: Final = MappingProxyType({"extra": "extra_facts"})


def _columns(claim: Claim, change: ClaimChange) -> dict[str, object]:
    """Where a change meets the claims table: the value to store in each column it sets, and
    the stage when the step or the outcome changes (derived from them; stored for queries)."""
    columns = {
        _COLUMN_OF.get(name, name): _column_value(value)
        for name, value in change.assigned().items()
    }
    if change.step is not UNSET or change.outcome is not UNSET:
        step = claim.step if change.step is UNSET else change.step
        outcome = claim.outcome if change.outcome is UNSET else change.outcome
        columns["stage"] = _column_value(stage_of(step, outcome))
    return columns


def _column_value(value: object) -> object:
    """Domain values as SQLite stores them."""
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, dict):
        return to_json(value)
    if isinstance(value, (frozenset, set)):
        return json.dumps(sorted(str(item) for item in value))
    return value
