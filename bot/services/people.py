"""The team: adding people, changing roles, removing people and handing their claims on.

Removing a person deactivates them: their claims, drafts and history stay, and their open
claims can be reassigned. Every change is one transaction with its audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.domain.errors import InvalidChoiceError
from bot.domain.people import MAX_USER_ID, Permission, Role, require
from bot.storage import Storage, User

MAX_NAME = 64


def on_team(person: User | None) -> bool:
    """Whether notices about claims (reminders, review decisions) may go to this person: an
    active team member. Someone removed gets nothing; their claims wait for a lead to hand
    them on."""
    return person is not None and person.active


class PeopleError(Exception):
    """A change to the team that cannot be made; `reason` says why, for the chat to explain."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class People:
    def __init__(
        self,
        storage: Storage,
        clock: Callable[[], datetime],
        configured_admins: frozenset[int],
    ) -> None:
        self.storage = storage
        self.clock = clock
        # Admins named in CLAIMBOT_ADMINS are made admins again at every start: changing them
        # in the chat would not last, so it is refused with that explanation.
        self.configured_admins = configured_admins

    async def team(self, actor: User) -> tuple[list[User], list[tuple[User, int]]]:
        """Active people, and removed people who still have open claims (with how many)."""
        require(actor, Permission.MANAGE_PEOPLE)
        active = await self.storage.users.all(active=True)
        removed = []
        for person in await self.storage.users.all(active=False):
            count = await self.storage.claims.open_count_for_agent(person.id)
            if count:
                removed.append((person, count))
        return active, removed

    async def person(self, actor: User, user_id: int) -> tuple[User, int]:
        require(actor, Permission.MANAGE_PEOPLE)
        person = await self.storage.users.get(user_id)
        if person is None or (person.origin != "telegram" and person.id != actor.id):
            raise PeopleError("missing")
        return person, await self.storage.claims.open_count_for_agent(person.id)

    async def candidate(self, actor: User, user_id: int) -> User | None:
        """Who `user_id` is, before they are added (the admin confirms first): the stored
        person when the bot knows them (someone removed earlier), else None. Raises
        `PeopleError` for anyone `add` would refuse."""
        require(actor, Permission.MANAGE_PEOPLE)
        if not 0 < user_id <= MAX_USER_ID:
            raise PeopleError("bad_id")
        existing = await self.storage.users.get(user_id)
        if existing is not None and existing.active:
            raise PeopleError("exists")
        return existing

    async def add(
        self, actor: User, user_id: int, role: Role, display_name: str | None = None
    ) -> User:
        existing = await self.candidate(actor, user_id)
        name = display_name.strip()[:MAX_NAME] if display_name and display_name.strip() else None
        now = self.clock()
        async with self.storage.db.transaction() as tx:
            await self.storage.users.put(
                tx, user_id, role=role, active=True, now=now, telegram_name=name
            )
            await self.storage.events.record(
                tx,
                "user_added",
                actor_id=actor.id,
                now=now,
                payload={"user": user_id, "role": role.value, "again": existing is not None},
            )
        return await self._get(user_id)

    async def set_role(self, actor: User, user_id: int, role: Role) -> User:
        person, _count = await self.person(actor, user_id)
        if person.role is role:
            return person
        await self._check_admin_change(actor, person)
        now = self.clock()
        async with self.storage.db.transaction() as tx:
            await self.storage.users.put(tx, user_id, role=role, active=person.active, now=now)
            await self.storage.events.record(
                tx,
                "role_changed",
                actor_id=actor.id,
                now=now,
                payload={"user": user_id, "from": person.role.value, "to": role.value},
            )
        return await self._get(user_id)

    async def toggle_store(
        self, actor: User, user_id: int, store_id: int, known: frozenset[int]
    ) -> User:
        """Give the person `store_id`, or take it from them (issue 16). A person with no
        stores listed works for every store, so every store is ticked for them; a person ticked
        for every store is stored with none again. Nobody is left without a store."""
        person, _count = await self.person(actor, user_id)
        if store_id not in known:  # a store no screen offers (forged, or an old button)
            raise InvalidChoiceError(str(store_id))
        before = (person.stores & known) or known
        after = before ^ {store_id}
        if not after:
            raise PeopleError("last_store")
        stored = frozenset() if after == known else after
        now = self.clock()
        async with self.storage.db.transaction() as tx:
            await self.storage.stores.set_of_user(tx, user_id, stored)
            await self.storage.events.record(
                tx,
                "user_stores_changed",
                actor_id=actor.id,
                now=now,
                payload={"user": user_id, "from": sorted(person.stores), "to": sorted(stored)},
            )
        return await self._get(user_id)

    async def remove(self, actor: User, user_id: int) -> User:
        person, count = await self.person(actor, user_id)
        if not person.active:
            return person
        if person.id == actor.id:
            raise PeopleError("self")
        await self._check_admin_change(actor, person)
        now = self.clock()
        async with self.storage.db.transaction() as tx:
            await self.storage.users.put(tx, user_id, role=person.role, active=False, now=now)
            # Nothing they started waits for them: no awaited answer, no unfinished /new.
            await self.storage.pending.delete(tx, user_id)
            await self.storage.intakes.delete(tx, user_id)
            await self.storage.events.record(
                tx,
                "user_removed",
                actor_id=actor.id,
                now=now,
                payload={"user": user_id, "role": person.role.value, "open_claims": count},
            )
        return await self._get(user_id)

    async def targets(self, actor: User, user_id: int) -> list[User]:
        """Who can take over a person's claims: everyone active but them."""
        require(actor, Permission.MANAGE_PEOPLE)
        return [
            person
            for person in await self.storage.users.all(active=True)
            if person.id != user_id and person.origin == "telegram"
        ]

    async def reassign(self, actor: User, from_id: int, to_id: int) -> list[int]:
        """Every open claim of `from_id` to `to_id`; the ids of the claims moved. A person
        limited to stores takes them only if every one is of their stores (else none moves)."""
        require(actor, Permission.MANAGE_PEOPLE)
        target = await self.storage.users.get(to_id)
        if target is None or not target.active or to_id == from_id:
            raise PeopleError("target")
        if target.stores:  # limited to stores (issue 16): every claim must be one of theirs
            claims = await self.storage.claims.open_for_agent(from_id)
            if any(claim.store_id not in target.stores for claim in claims):
                raise PeopleError("target_stores")
        now = self.clock()
        async with self.storage.db.transaction() as tx:
            moved = await self.storage.claims.reassign(tx, from_id, to_id, now)
            for claim_id in moved:
                await self.storage.events.record(
                    tx,
                    "claim_reassigned",
                    actor_id=actor.id,
                    claim_id=claim_id,
                    now=now,
                    payload={"from": from_id, "to": to_id},
                )
        return moved

    async def _check_admin_change(self, actor: User, person: User) -> None:
        """Admins named in the configuration stay; the last admin stays."""
        if person.role is not Role.ADMIN:
            return
        if person.id in self.configured_admins:
            raise PeopleError("configured")
        # Any admin counts here, the console's local one included: the team keeps someone who
        # can manage it.
        admins = [
            p
            for p in await self.storage.users.with_role(Role.ADMIN, console=True)
            if p.id != person.id
        ]
        if not admins:
            raise PeopleError("last_admin")

    async def _get(self, user_id: int) -> User:
        person = await self.storage.users.get(user_id)
        if person is None:  # pragma: no cover - people are never deleted
            raise PeopleError("missing")
        return person
