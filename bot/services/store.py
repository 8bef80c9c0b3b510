"""The store's profile and switches as an admin set them in /settings, on top of claimbot.toml.

This service is the one owner of the options table. Before it, the journey and the reviews
each read and wrote their own keys there, with the permission check and the audit event copied
in each; now every store setting is read, checked, written and audited here, and the others
ask this service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Final

from bot.domain.errors import InvalidChoiceError
from bot.domain.fields import STORE_TEXTS, parse_store_text
from bot.domain.marketplaces import BUYER_LANGUAGES
from bot.domain.people import Permission, allowed, require
from bot.settings import StoreProfile
from bot.storage import Storage, User

REVIEW_REQUIRED: Final = "review.required"  # "on" / "off"; absent: the configuration's
# "on": a mail-opened claim goes to the next active agent in turn; else (and absent) it
# waits in the unassigned queue (issue 15).
ROUND_ROBIN: Final = "queue.round_robin"
# The lead on duty (issue 16): a user id; review cards go to that lead alone, privately.
# Absent: the leads' group when one is configured, else every lead.
ON_DUTY: Final = "review.on_duty"
# A signature for one buyer language: "store.signature.ja"; absent: the configuration's.
SIGNATURE_PREFIX: Final = STORE_TEXTS["signature"].option + "."


class StoreService:
    """One per application, built by the composition root and loaded in `post_init`."""

    def __init__(
        self,
        storage: Storage,
        configured: StoreProfile,
        clock: Callable[[], datetime],
        *,
        review_default: bool = True,
    ) -> None:
        self.storage = storage
        self.configured = configured
        self.profile = configured  # with the admin's changes applied (load)
        self.clock = clock
        self.review_default = review_default

    async def load(self) -> None:
        """The store profile drafts are signed with: claimbot.toml, then what an admin
        changed in /settings on top. Called at start and after every change (one process
        owns the database, so this copy cannot go stale)."""
        base = self.configured
        name = await self.storage.options.get(STORE_TEXTS["name"].option)
        signature = await self.storage.options.get(STORE_TEXTS["signature"].option)
        per_language = await self.storage.options.starting_with(SIGNATURE_PREFIX)
        self.profile = replace(
            base,
            name=base.name if name is None else name,
            signature=base.signature if signature is None else signature,
            signatures={
                **base.signatures,
                **{k: v for k, v in per_language.items() if k in BUYER_LANGUAGES},
            },
        )

    async def set_text(
        self, name: str, text: str, actor: User, *, language: str | None = None
    ) -> None:
        """Change the store name or signature, or with `language` the signature of drafts in
        that buyer language (RESET goes back to the configuration; a language without a
        signature of its own is signed with the default one). Raises `FieldError` for a text
        that cannot go into messages to buyers, `InvalidChoiceError` for a language that is
        not a buyer language."""
        require(actor, Permission.MANAGE_STORE)
        option = STORE_TEXTS[name].option
        if language is not None:
            if name != "signature" or language not in BUYER_LANGUAGES:
                raise InvalidChoiceError(language)
            option = SIGNATURE_PREFIX + language
        value = parse_store_text(name, text)
        now = self.clock()
        async with self.storage.db.transaction() as tx:
            if value is None:
                await self.storage.options.delete(tx, option)
            else:
                await self.storage.options.set(tx, option, value, actor.id, now)
            await self.storage.events.record(
                tx,
                "setting_changed",
                actor_id=actor.id,
                now=now,
                payload={"key": option, "reset": value is None},
            )
        await self.load()

    async def review_required(self) -> bool:
        """The store's `review.required`: an admin's choice in /settings, else the config."""
        value = await self.storage.options.get(REVIEW_REQUIRED)
        return self.review_default if value is None else value == "on"

    async def set_review_required(self, value: bool, actor: User) -> None:
        await self._switch(REVIEW_REQUIRED, value, actor)

    async def on_duty(self) -> User | None:
        """The lead on duty, while they are still an active lead or admin; else None."""
        value = await self.storage.options.get(ON_DUTY)
        person = await self.storage.users.get(int(value)) if value else None
        return person if person is not None and _may_be_on_duty(person) else None

    async def set_on_duty(self, user_id: int | None, actor: User) -> None:
        """Put a lead (or admin) on duty, or nobody with None. Raises `InvalidChoiceError` for
        someone who is not an active lead or admin."""
        require(actor, Permission.MANAGE_STORE)
        if user_id is not None:
            person = await self.storage.users.get(user_id)
            if person is None or not _may_be_on_duty(person):
                raise InvalidChoiceError(str(user_id))
        now = self.clock()
        async with self.storage.db.transaction() as tx:
            if user_id is None:
                await self.storage.options.delete(tx, ON_DUTY)
            else:
                await self.storage.options.set(tx, ON_DUTY, str(user_id), actor.id, now)
            await self.storage.events.record(
                tx,
                "setting_changed",
                actor_id=actor.id,
                now=now,
                payload={"key": ON_DUTY, "value": user_id},
            )

    async def round_robin(self) -> bool:
        """Whether mail-opened claims go to the active agents in turn (else: the queue)."""
        return await self.storage.options.get(ROUND_ROBIN) == "on"

    async def set_round_robin(self, value: bool, actor: User) -> None:
        await self._switch(ROUND_ROBIN, value, actor)

    async def _switch(self, option: str, value: bool, actor: User) -> None:
        require(actor, Permission.MANAGE_STORE)
        now = self.clock()
        async with self.storage.db.transaction() as tx:
            await self.storage.options.set(tx, option, "on" if value else "off", actor.id, now)
            await self.storage.events.record(
                tx,
                "setting_changed",
                actor_id=actor.id,
                now=now,
                payload={"key": option, "value": value},
            )


def _may_be_on_duty(person: User) -> bool:
    return person.active and person.origin == "telegram" and allowed(person.role, Permission.REVIEW)
