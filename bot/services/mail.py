"""The mail intake (issue 15): what one mail from Amazon does.

This first part reads saved mails (`claimbot mail --eml FILE`); fetching them over IMAP comes
next, through the same `MailIntake.process`. Every mail is recorded once, by its Message-ID:
a claim notice opens a claim (in the transaction that records the mail), or finds the order's
open claim; a request for information, Amazon's decision or a buyer's message is recorded on
the order's claim (bot/services/mail_effects.py), in the same transaction; any other mail, and
one of those without a claim to record it on, is left and listed for an admin, never lost.

Whom a mail concerns is told in that same transaction (issue 16): `MailNotices`, given by the
composition root, reads the team before it and renders the notices inside it from the claim as
the transaction leaves it; they are written as outbox rows (`MailResult.notices`) and sent by
the outbox, so a crash between the mail's commit and the sending loses no announcement.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from bot.domain.claims import FULFILLMENT_UNCONFIRMED, Claim
from bot.domain.mail import MailKind, MailText, amazon_sender, classify, mail_answers, read_mail
from bot.domain.mail_kinds import order_of
from bot.domain.stores import STORE_UNCONFIRMED
from bot.drafting.renderer import Renderer
from bot.services.claims import ClaimAlreadyOpenError, open_claim
from bot.services.mail_effects import FOLLOW_UPS, effect_of, target_claim
from bot.services.store import ROUND_ROBIN, StoreService
from bot.storage import MailboxSpot, MailRecord, Outgoing, StaleClaimError, Storage
from bot.storage.database import Connection

if TYPE_CHECKING:
    from bot.services.mail_notices import Team


class MailOutcome(StrEnum):
    OPENED = "opened"  # a claim notice opened a claim
    ALREADY_OPEN = "already_open"  # the order has an open claim: nothing new
    RECORDED = "recorded"  # recorded on the order's open claim (request, decision, message)
    LEFT = "left"  # not from Amazon, or not understood: left for an admin
    SEEN = "seen"  # this very mail was processed before


@dataclass(frozen=True, slots=True)
class MailResult:
    outcome: MailOutcome
    kind: MailKind
    mail: MailText
    order_id: str | None = None
    claim_id: int | None = None
    seen_at: datetime | None = None  # for SEEN: when it was first processed
    notices: tuple[int, ...] = ()  # outbox rows written with the mail, to deliver now


class MailNotices(Protocol):
    """Who is told what of a mail, as outbox rows written in the mail's transaction."""

    async def team(self) -> Team:
        """The people notices can go to, read before the transaction (inside it the one
        connection is the transaction's)."""
        ...

    def rows(
        self, result: MailResult, claim: Claim | None, team: Team, now: datetime
    ) -> Sequence[Outgoing]:
        """The notices of `result`, `claim` as the transaction leaves it: no reads."""
        ...


def mail_key(mail: MailText, raw: bytes) -> str:
    """The Message-ID, or for a mail without one a digest of its bytes (the same file read
    twice is still one mail)."""
    return mail.message_id or "sha256:" + hashlib.sha256(raw).hexdigest()


class MailIntake:
    def __init__(
        self,
        storage: Storage,
        renderer: Renderer,
        store: StoreService,
        clock: Callable[[], datetime],
        *,
        notices: MailNotices | None = None,
    ) -> None:
        self.storage = storage
        self.renderer = renderer
        self.store = store
        self.clock = clock
        self.notices = notices

    async def process(self, raw: bytes, source: str, spot: MailboxSpot | None = None) -> MailResult:
        """Read one mail and do what it says, once. A claim notice opens an unassigned claim:
        it waits in the queue (/claims -> Unassigned) until an agent takes it or a lead
        assigns it (issue 15). `spot`: where in a mailbox it was read, recorded in the same
        transaction as what the mail caused."""
        mail = read_mail(raw)
        key = mail_key(mail, raw)
        kind = classify(mail)
        now = self.clock()
        earlier = await self.storage.mails.get(key)
        if earlier is not None:
            if spot is not None:
                async with self.storage.db.transaction() as tx:
                    await self.storage.mails.record_spot(tx, spot, key, now)
            return _seen(earlier, kind, mail)
        team = await self._team()
        record = _left_record(mail, key, source, kind, now)
        if kind in FOLLOW_UPS:
            return await self._follow_up(mail, kind, record, spot, team)
        answers = mail_answers(mail, now) if kind is MailKind.CLAIM_NOTICE else None
        if answers is None or not answers.ready():  # (a notice classify takes is ready)
            kind = MailKind.NOT_UNDERSTOOD if answers is not None else kind
            record = replace(record, kind=kind.value)
            left = MailResult(MailOutcome.LEFT, kind, mail)
            return await self._record(record, left, spot, team)
        facts, deadline = answers.to_claim()
        # The notice does not say who shipped: FBM until the agent confirms it on the card.
        facts = replace(facts, extra={**facts.extra, FULFILLMENT_UNCONFIRMED: "1"})
        # The store whose address the notice was sent to; with several stores and none
        # listing it, store 1 until the agent confirms one on the card (issue 16).
        store_id, store_sure = self.store.store_for_recipients(mail.recipients)
        if not store_sure:
            facts = replace(facts, extra={**facts.extra, STORE_UNCONFIRMED: "1"})
        in_turn = await self.storage.options.get(ROUND_ROBIN) == "on"
        notices: list[int] = []

        async def record_mail(tx: Connection, claim_id: int) -> None:
            opened_record = replace(
                record,
                claim_id=claim_id,
                outcome=MailOutcome.OPENED.value,
                order_id=facts.order_id,
            )
            await self._write(tx, opened_record, spot)
            await self.storage.events.record(
                tx,
                "claim_from_mail",
                actor_id=None,  # nobody did it: the mail came in
                claim_id=claim_id,
                now=now,
                payload={"message_id": key, "sender": record.sender, "source": source},
            )
            agent_id = await self.storage.claims.next_in_turn(tx, store_id) if in_turn else None
            if agent_id is not None:  # else it waits in the unassigned queue
                await self.storage.claims.take(tx, claim_id, agent_id, now)
                await self.storage.events.record(
                    tx,
                    "claim_in_turn",
                    actor_id=None,
                    claim_id=claim_id,
                    now=now,
                    payload={"to": agent_id},
                )
            opened = MailResult(MailOutcome.OPENED, kind, mail, facts.order_id, claim_id)
            notices.extend(await self._notices(tx, opened, team, now))

        try:
            opened = await open_claim(
                self.storage,
                self.renderer,
                self.store.profile_of(store_id),  # as it is now: /settings may change it
                actor=None,  # nobody has it yet: the unassigned queue
                facts=facts,
                now=now,
                deadline=deadline,
                also=record_mail,
                store_id=store_id,
            )
        except ClaimAlreadyOpenError as already:
            found = replace(
                record,
                claim_id=already.claim_id,
                outcome=MailOutcome.ALREADY_OPEN.value,
                order_id=facts.order_id,
            )
            result = MailResult(
                MailOutcome.ALREADY_OPEN, kind, mail, facts.order_id, already.claim_id
            )
            return await self._record(found, result, spot, team)
        except sqlite3.IntegrityError:  # the same mail, processed meanwhile
            return await self._seen_now(key, kind, mail, spot)
        claim_id = opened.claim.id
        return MailResult(
            MailOutcome.OPENED, kind, mail, facts.order_id, claim_id, notices=tuple(notices)
        )

    async def leave(self, raw: bytes, source: str, spot: MailboxSpot | None = None) -> MailResult:
        """Record a mail that could not be processed (claimbot failed on it) as left for an
        admin, not understood, so the mailbox reader does not fail on it again and again; the
        admin finds it under /mails. Only headers are used: they were readable."""
        mail = read_mail(raw)
        key = mail_key(mail, raw)
        record = _left_record(mail, key, source, MailKind.NOT_UNDERSTOOD, self.clock())
        left = MailResult(MailOutcome.LEFT, MailKind.NOT_UNDERSTOOD, mail)
        return await self._record(record, left, spot, await self._team())

    async def _follow_up(
        self,
        mail: MailText,
        kind: MailKind,
        record: MailRecord,
        spot: MailboxSpot | None,
        team: Team | None,
    ) -> MailResult:
        """A request for information, a decision or a buyer's message: recorded on the order's
        claim (bot/services/mail_effects.py) in the transaction that records the mail and its
        mailbox spot, so a mail is never half done. Without a claim to record it on, it is left
        for an admin with its kind and order ("buyer message, no open claim")."""
        order_id = order_of(mail.subject, mail.text)
        record = replace(record, order_id=order_id)
        left = MailResult(MailOutcome.LEFT, kind, mail, order_id)
        for _attempt in range(3):  # an agent may change the claim meanwhile: read it again
            claim = target_claim(kind, await self.storage.claims.for_order(order_id or ""))
            effect = None
            if claim is not None:
                key, source = record.message_id, record.source
                effect = effect_of(
                    kind, mail, claim, received=record.received_at, key=key, source=source
                )
            if claim is None or effect is None:
                return await self._record(record, left, spot, team)
            done = replace(record, claim_id=claim.id, outcome=MailOutcome.RECORDED.value)
            result = MailResult(MailOutcome.RECORDED, kind, mail, order_id, claim.id)
            notices: tuple[int, ...] = ()
            try:
                async with self.storage.db.transaction() as tx:
                    earlier = await self.storage.mails.seen(tx, record.message_id)
                    if earlier is None:
                        await self.storage.claims.update(
                            tx,
                            claim,
                            record.received_at,
                            effect.change,
                            closed_too=effect.closed_too,
                        )
                        await self.storage.events.record(
                            tx,
                            effect.event,
                            actor_id=None,  # nobody did it: the mail came in
                            claim_id=claim.id,
                            now=record.received_at,
                            payload=effect.payload,
                        )
                        # Last: a duplicate refused here takes the claim change back with it.
                        await self._write(tx, done, spot)
                        notices = await self._notices(tx, result, team, record.received_at)
                    elif spot is not None:
                        await self.storage.mails.record_spot(
                            tx, spot, record.message_id, record.received_at
                        )
            except StaleClaimError:
                continue
            except sqlite3.IntegrityError:  # the same mail, processed meanwhile
                return await self._seen_now(record.message_id, kind, mail, spot)
            if earlier is not None:
                return _seen(earlier, kind, mail)
            return replace(result, notices=notices)
        raise StaleClaimError(order_id)  # pragma: no cover - three changes in a row

    async def _write(self, tx: Connection, record: MailRecord, spot: MailboxSpot | None) -> None:
        """The mail's record and, for a mailbox message, its UID: in the caller's transaction."""
        await self.storage.mails.record(tx, record)
        if spot is not None:
            await self.storage.mails.record_spot(tx, spot, record.message_id, record.received_at)

    async def _team(self) -> Team | None:
        """Whom notices can go to, read before a mail's transaction (None: no notices)."""
        return await self.notices.team() if self.notices is not None else None

    async def _notices(
        self, tx: Connection, result: MailResult, team: Team | None, now: datetime
    ) -> tuple[int, ...]:
        """Write the result's notices as outbox rows, in the mail's transaction `tx`."""
        if self.notices is None or team is None:
            return ()
        claim_id = result.claim_id
        claim = await self.storage.claims.read(tx, claim_id) if claim_id is not None else None
        rows = self.notices.rows(result, claim, team, now)
        return tuple(await self.storage.outbox.add(tx, rows, now=now, claim_id=claim_id))

    async def _record(
        self,
        record: MailRecord,
        result: MailResult,
        spot: MailboxSpot | None,
        team: Team | None,
    ) -> MailResult:
        notices: tuple[int, ...] = ()
        async with self.storage.db.transaction() as tx:
            earlier = await self.storage.mails.seen(tx, record.message_id)
            if earlier is None:
                await self._write(tx, record, spot)
                notices = await self._notices(tx, result, team, record.received_at)
            elif spot is not None:
                await self.storage.mails.record_spot(
                    tx, spot, record.message_id, record.received_at
                )
        if earlier is not None:
            return _seen(earlier, result.kind, result.mail)
        return replace(result, notices=notices)

    async def _seen_now(
        self, key: str, kind: MailKind, mail: MailText, spot: MailboxSpot | None
    ) -> MailResult:
        if spot is not None:
            async with self.storage.db.transaction() as tx:
                await self.storage.mails.record_spot(tx, spot, key, self.clock())
        earlier = await self.storage.mails.get(key)
        if earlier is None:  # pragma: no cover - the conflict was this very row
            raise RuntimeError(key)
        return _seen(earlier, kind, mail)


def _left_record(
    mail: MailText, key: str, source: str, kind: MailKind, now: datetime
) -> MailRecord:
    """The mail's record as it starts: left for an admin until something else is done with
    it (the sender: the Amazon address it comes from, else its From)."""
    return MailRecord(
        message_id=key,
        received_at=now,
        source=source,
        sender=amazon_sender(mail) or mail.sender,
        subject=mail.subject[:500],
        kind=kind.value,
        claim_id=None,
        outcome=MailOutcome.LEFT.value,
    )


def _seen(earlier: MailRecord, kind: MailKind, mail: MailText) -> MailResult:
    return MailResult(
        MailOutcome.SEEN, kind, mail, None, earlier.claim_id, seen_at=earlier.received_at
    )
