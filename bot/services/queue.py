"""The unassigned queue (issue 15): claims nobody has yet, until an agent takes one or a lead
assigns it. Both are one compare-and-set in one transaction: of two people at once, exactly
one gets the claim; the other is told who has it."""

from __future__ import annotations

from datetime import datetime

from bot.domain.claims import Claim
from bot.domain.errors import ClaimNotFoundError
from bot.domain.people import (
    NotAllowedError,
    Permission,
    Role,
    allowed,
    require,
    serves_store,
)
from bot.storage import Storage, User


class AlreadyTakenError(Exception):
    """Someone has the claim already (or it closed): `owner` has it, None if it closed."""

    def __init__(self, claim_id: int, owner: User | None) -> None:
        super().__init__(claim_id)
        self.claim_id = claim_id
        self.owner = owner


async def take(storage: Storage, claim_id: int, actor: User, now: datetime) -> Claim:
    """The actor takes an unassigned claim: it is theirs from now on."""
    require(actor, Permission.WORK_CLAIMS)
    await _require_store(storage, claim_id, actor)
    return await _give(storage, claim_id, actor, actor=actor, now=now, kind="claim_taken")


async def assign(
    storage: Storage, claim_id: int, to_id: int, actor: User, now: datetime
) -> tuple[Claim, User]:
    """A lead gives an unassigned claim to an active agent of the team who works for the
    claim's store; the lead must work for it too (issue 16)."""
    require(actor, Permission.SEE_TEAM)
    store_id = await _require_store(storage, claim_id, actor)
    person = await storage.users.get(to_id)
    if (
        person is None
        or not person.active
        or person.role is not Role.AGENT
        or not serves_store(person, store_id)
    ):
        raise NotAllowedError(Permission.WORK_CLAIMS)
    return await _give(
        storage, claim_id, person, actor=actor, now=now, kind="claim_assigned"
    ), person


async def assignable(storage: Storage, store_id: int) -> list[User]:
    """Whom a lead may assign a claim of `store_id` to: the team's active agents who work for
    that store (issue 16)."""
    return [
        person
        for person in await storage.users.all(active=True)
        if person.role is Role.AGENT
        and allowed(person.role, Permission.WORK_CLAIMS)
        and serves_store(person, store_id)
    ]


async def _require_store(storage: Storage, claim_id: int, actor: User) -> int:
    """The claim's store, when the actor works for it; a claim of another store is as
    unknown to them as a claim that does not exist."""
    claim = await storage.claims.get(claim_id)
    if claim is None or not serves_store(actor, claim.store_id):
        raise ClaimNotFoundError(claim_id)
    return claim.store_id


async def _give(
    storage: Storage, claim_id: int, person: User, *, actor: User, now: datetime, kind: str
) -> Claim:
    async with storage.db.transaction() as tx:
        won = await storage.claims.take(tx, claim_id, person.id, now)
        if won:
            await storage.events.record(
                tx, kind, actor_id=actor.id, claim_id=claim_id, now=now, payload={"to": person.id}
            )
    claim = await storage.claims.get(claim_id)
    if claim is None:
        raise ClaimNotFoundError(claim_id)
    if not won:
        owner = await storage.users.get(claim.agent_id) if claim.agent_id is not None else None
        raise AlreadyTakenError(claim_id, owner)
    return claim
