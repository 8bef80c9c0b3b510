"""The store's profile and switches as an admin set them in /settings, on top of claimbot.toml.

This service is the one owner of the options table. Before it, the journey and the reviews
each read and wrote their own keys there, with the permission check and the audit event copied
in each; now every store setting is read, checked, written and audited here, and the others
ask this service.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import Final

from bot.domain.errors import InvalidChoiceError
from bot.domain.fields import STORE_TEXTS, FieldError, parse_store_text
from bot.domain.marketplaces import BUYER_LANGUAGES, MARKETPLACES
from bot.domain.people import Permission, Person, allowed, require
from bot.domain.stores import (
    DEFAULT_STORE,
    parse_gift,
    parse_mail_addresses,
    parse_marketplaces,
    store_for_recipients,
)
from bot.domain.text import N_
from bot.settings import Gift, StoreProfile
from bot.storage import Storage, StoreRecord, User

REVIEW_REQUIRED: Final = "review.required"  # "on" / "off"; absent: the configuration's
# "on": a mail-opened claim goes to the next active agent in turn; else (and absent) it
# waits in the unassigned queue (issue 15).
ROUND_ROBIN: Final = "queue.round_robin"
# The lead on duty (issue 16): a user id; review cards go to that lead alone, privately.
# Absent: the leads' group when one is configured, else every lead.
ON_DUTY: Final = "review.on_duty"
# A signature for one buyer language: "store.signature.ja" (the audit trail's key for it).
SIGNATURE_PREFIX: Final = STORE_TEXTS["signature"].option + "."


class StoreService:
    """One per application, built by the composition root and loaded in `post_init`. Owns
    the stores (issue 16): store 1 is claimbot.toml's profile with an admin's changes on
    top; the others are what an admin set in /settings."""

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
        # Every store's profile by id, with the admin's changes applied (load).
        self.stores: dict[int, StoreProfile] = {DEFAULT_STORE: configured}
        self._records: dict[int, StoreRecord] = {DEFAULT_STORE: StoreRecord(DEFAULT_STORE)}
        self.clock = clock
        self.review_default = review_default

    @property
    def profile(self) -> StoreProfile:
        """Store 1's profile: the one store of a team with a single store."""
        return self.stores.get(DEFAULT_STORE, self.configured)

    def profile_of(self, store_id: int) -> StoreProfile:
        """The profile drafts of a claim of this store are signed with."""
        return self.stores.get(store_id) or self.profile

    @property
    def several(self) -> bool:
        return len(self.stores) > 1

    def store_for_recipients(self, recipients: Iterable[str]) -> tuple[int, bool]:
        """The store a mail to `recipients` is about, and whether that is certain."""
        return store_for_recipients(
            recipients, {sid: p.mail_addresses for sid, p in self.stores.items()}
        )

    async def stores_of(self, person: Person) -> frozenset[int]:
        """The stores a person works for (issue 16): those an admin gave them, else all."""
        known = frozenset(self.stores)
        limited = person.stores & known
        return limited or known

    async def load(self) -> None:
        """The stores drafts are signed with: claimbot.toml for store 1, then what an admin
        changed in /settings on top. Called at start and after every change (one process
        owns the database, so this copy cannot go stale)."""
        records = await self.storage.stores.all() or [StoreRecord(DEFAULT_STORE)]
        self._records = {record.id: record for record in records}
        self.stores = {record.id: self._profile(record) for record in records}

    def _profile(self, record: StoreRecord) -> StoreProfile:
        base = self.configured if record.id == DEFAULT_STORE else StoreProfile()
        return replace(
            base,
            name=base.name if record.name is None else record.name,
            signature=base.signature if record.signature is None else record.signature,
            signatures={
                **base.signatures,
                **{k: v for k, v in record.signatures.items() if k in BUYER_LANGUAGES},
            },
            gifts={**base.gifts, **record.gifts},
            marketplaces=record.marketplaces,
            mail_addresses=record.mail_addresses,
        )

    def _record(self, store_id: int) -> StoreRecord:
        record = self._records.get(store_id)
        if record is None:
            raise InvalidChoiceError(str(store_id))
        return record

    async def set_text(
        self,
        name: str,
        text: str,
        actor: User,
        *,
        language: str | None = None,
        store: int = DEFAULT_STORE,
    ) -> None:
        """Change the store name or signature, or with `language` the signature of drafts in
        that buyer language (RESET goes back to the configuration for store 1, and clears it
        for another store; a language without a signature of its own is signed with the
        default one). Raises `FieldError` for a text that cannot go into messages to buyers,
        `InvalidChoiceError` for a language that is not a buyer language or a store that
        does not exist. Another store's name cannot be reset: it is how agents tell the
        stores apart."""
        require(actor, Permission.MANAGE_STORE)
        record = self._record(store)
        key = STORE_TEXTS[name].option
        if language is not None:
            if name != "signature" or language not in BUYER_LANGUAGES:
                raise InvalidChoiceError(language)
            key = SIGNATURE_PREFIX + language
        value = parse_store_text(name, text)
        if value is None and name == "name" and store != DEFAULT_STORE:
            raise FieldError(N_("A store needs a name: agents choose stores by it."))
        if language is not None:
            signatures = {k: v for k, v in record.signatures.items() if k != language}
            if value is not None:
                signatures[language] = value
            changed = replace(record, signatures=signatures)
        elif name == "name":
            changed = replace(record, name=value)
        else:
            changed = replace(record, signature=value)
        await self._save(changed, actor, {"key": key, "reset": value is None})

    async def add_store(self, text: str, actor: User) -> int:
        """A new store named `text` (checked like a name buyers read); its id."""
        require(actor, Permission.MANAGE_STORE)
        name = parse_store_text("name", text)
        if name is None:
            raise FieldError(N_("A store needs a name: agents choose stores by it."))
        now = self.clock()
        async with self.storage.db.transaction() as tx:
            store_id = await self.storage.stores.add(tx, name, now)
            await self.storage.events.record(
                tx, "store_added", actor_id=actor.id, now=now, payload={"store": store_id}
            )
        await self.load()
        return store_id

    async def set_marketplaces(self, store: int, text: str, actor: User) -> None:
        """The store's marketplaces, typed as codes ("DE FR IT"; "-" for none)."""
        require(actor, Permission.MANAGE_STORE)
        record = self._record(store)
        codes = parse_marketplaces(text)
        changed = replace(record, marketplaces=codes)
        await self._save(changed, actor, {"key": "store.marketplaces", "value": list(codes)})

    async def set_mail_addresses(self, store: int, text: str, actor: User) -> None:
        """The addresses Amazon mails the store's notices to ("-" for none). An address
        belongs to one store: a mail to it cannot be about two."""
        require(actor, Permission.MANAGE_STORE)
        record = self._record(store)
        addresses = parse_mail_addresses(text)
        for other_id, other in self.stores.items():
            taken = set(addresses) & set(other.mail_addresses)
            if other_id != store and taken:
                raise FieldError(
                    N_("%(address)s already belongs to the store %(store)s."),
                    address=min(taken),
                    store=other.name or f"#{other_id}",
                )
        changed = replace(record, mail_addresses=addresses)
        await self._save(changed, actor, {"key": "store.mail_addresses", "reset": not addresses})

    async def set_gift(self, store: int, marketplace: str, text: str, actor: User) -> None:
        """The goodwill gift for the store's claims in `marketplace`, in its buyer language
        ("-": back to claimbot.toml's for store 1, none for another store)."""
        require(actor, Permission.MANAGE_STORE)
        if marketplace not in MARKETPLACES:
            raise InvalidChoiceError(marketplace)
        record = self._record(store)
        gifts = {k: v for k, v in record.gifts.items() if k != marketplace}
        value = parse_gift(text)
        if value is not None:
            gifts[marketplace] = Gift(*value)
        changed = replace(record, gifts=gifts)
        key = "store.gift." + marketplace
        await self._save(changed, actor, {"key": key, "reset": value is None})

    async def _save(self, record: StoreRecord, actor: User, payload: dict[str, object]) -> None:
        now = self.clock()
        if record.id != DEFAULT_STORE:
            payload = {**payload, "store": record.id}
        async with self.storage.db.transaction() as tx:
            await self.storage.stores.update(tx, record)
            await self.storage.events.record(
                tx, "setting_changed", actor_id=actor.id, now=now, payload=payload
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
