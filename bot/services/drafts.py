"""The drafts of a claim: rendering (and previewing in the agent's language), preparing a
kind, the agent's own versions, and marking a version sent. `Journey` (bot/services/journey.py)
builds on this with the claim's other changes. Every change is one transaction with its audit
event, only for a person who works on the claim (`require_claim`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.claims import UNSET, Claim, ClaimChange, Evidence
from bot.domain.compliance import Finding, Severity, lint, signature_findings
from bot.domain.contact import ContactEntry, contact_log, statement_language
from bot.domain.drafts import GIFT_KINDS, SENT_KINDS_FACT, DraftKind, sent_kinds
from bot.domain.errors import (
    AlreadySentError,
    ClaimNotFoundError,
    InvalidChoiceError,
    MissingFactError,
    NeedsApprovalError,
    NotLatestVersionError,
    NotSolvedError,
    RefundGuardError,
    SendBlockedError,
)
from bot.domain.fields import MAX_DRAFT_TEXT, bounded_text
from bot.domain.journey import (
    TO_AMAZON,
    delay_fact_missing,
    is_solved,
    needs_refund_guard,
    step_after_sent,
)
from bot.domain.marketplaces import MARKETPLACES
from bot.domain.people import needs_review, require_claim, works_on
from bot.drafting.facts import draft_facts
from bot.drafting.renderer import Draft, Renderer
from bot.services.store import StoreService
from bot.settings import StoreProfile
from bot.storage import DraftRecord, ReviewStatus, Storage, User, store_draft


@dataclass(frozen=True, slots=True)
class PreparedDraft:
    claim: Claim
    record: DraftRecord
    findings: tuple[Finding, ...]
    is_fallback: bool  # no catalog for the buyer's language: the text is English
    generated: DraftRecord | None  # for an edited version, the generated text it replaced
    superseded: tuple[int, ...] = ()  # reviews of older versions this version replaced


def can_see(actor: User, claim: Claim) -> bool:
    """Agents work on their own claims; team leads and admins see the team's."""
    return works_on(actor, claim)


class Drafting:
    """Reading a claim and its drafts' operations; the base of `Journey`."""

    def __init__(
        self,
        storage: Storage,
        renderer: Renderer,
        store: StoreService,
        clock: Callable[[], datetime],
    ) -> None:
        self.storage = storage
        self.renderer = renderer
        self.store_service = store
        self.clock = clock

    @property
    def store(self) -> StoreProfile:
        """The store profile drafts are signed with, as the store service has it now."""
        return self.store_service.profile

    def store_of(self, claim: Claim) -> StoreProfile:
        """The profile of the claim's store (issue 16): its name, signatures and gifts."""
        return self.store_service.profile_of(claim.store_id)

    # --- Reading ---------------------------------------------------------------------------
    async def load(self, claim_id: int, actor: User) -> Claim:
        claim = await self.storage.claims.get(claim_id)
        if claim is None or not can_see(actor, claim):
            raise ClaimNotFoundError(claim_id)
        return claim

    async def sent_kinds(self, claim: Claim) -> frozenset[DraftKind]:
        """The kinds of the claim's drafts marked as sent (what the card's cautions depend on)."""
        drafts = await self.storage.drafts.for_claim(claim.id)
        sent = {d.kind for d in drafts if d.sent_at is not None}
        return frozenset(kind for kind in DraftKind if kind.value in sent)

    def render(
        self,
        claim: Claim,
        kind: DraftKind,
        language: str,
        actor: User,
        contact: tuple[ContactEntry, ...] = (),
    ) -> Draft:
        """Render `kind` for the claim in `language` (the buyer's, or the agent's preview);
        `contact`: the recorded contact with the buyer, which the statement reports."""
        contacted = claim.last_contact_at.date() if claim.last_contact_at else None
        facts = draft_facts(
            claim.facts,
            self.store_of(claim),
            language=self.renderer.resolve_language(language),
            agent_name=actor.display_name,
            contacted_on=contacted,
            replied=claim.replied_at is not None,
            cause=claim.cause,
            documents_sent=Evidence.DOCUMENTS in claim.evidence,
            contact=contact,
        )
        return self.renderer.render(kind.value, facts, language)

    async def contact(self, claim: Claim, kind: DraftKind) -> tuple[ContactEntry, ...]:
        """The recorded contact with the buyer, for the kind that reports it (the statement)."""
        if kind is not DraftKind.AMAZON_STATEMENT:
            return ()
        market = MARKETPLACES.get(claim.facts.marketplace)
        events = await self.storage.events.for_claim(claim.id)
        return contact_log(
            ((e.kind, e.payload, e.created_at) for e in events),
            market.time_zone if market else None,
        )

    @staticmethod
    def language_of(claim: Claim, kind: DraftKind) -> str:
        """The language a kind is written in: the statement's as chosen for Amazon, every
        other the buyer's."""
        if kind is DraftKind.AMAZON_STATEMENT:
            return statement_language(claim)
        return claim.facts.buyer_language

    async def preview(self, prepared: PreparedDraft, language: str, actor: User) -> Draft | None:
        """The same template rendered in `language` (the agent's), so the agent knows what the
        draft says; None when the draft already is in that language or was written by hand."""
        record = prepared.record
        kind = DraftKind(record.kind)
        if record.source != "generated" or not kind.templated:
            return None
        if self.renderer.resolve_language(language) == record.language:
            return None
        claim = prepared.claim
        return self.render(claim, kind, language, actor, await self.contact(claim, kind))

    def findings(
        self, claim: Claim, text: str, kind: str | None = None, language: str | None = None
    ) -> tuple[Finding, ...]:
        """The messaging-rule findings of a draft's text, and whether the store's signature for
        its language, when the text carries it, is in that language's script. A buyer message
        is checked against the buyer's language; the statement against the `language` it is
        written in, and without the buyer-message coupling rule."""
        to_amazon = kind == DraftKind.AMAZON_STATEMENT.value
        written = language if to_amazon and language else claim.facts.buyer_language
        signed = self.renderer.resolve_language(written)
        return (
            *lint(text, language=written, order_id=claim.facts.order_id, to_buyer=not to_amazon),
            *signature_findings(self.store_of(claim).signature_for(signed), signed, text),
        )

    # --- Drafts ------------------------------------------------------------------------------
    async def prepare(
        self, claim: Claim, kind: DraftKind, actor: User, *, refund_confirmed: bool = False
    ) -> PreparedDraft:
        """Render and store the generated draft of `kind`: a new version only if the text
        changed since the last generated one. If it did not, the newest version is shown
        again, an agent's or lead's edit included: asking for the draft again does not throw
        their edit away (only changed facts, which change the text, do)."""
        require_claim(actor, claim)
        if not kind.templated:
            raise InvalidChoiceError(kind)
        if kind is DraftKind.REFUND and needs_refund_guard(claim) and not refund_confirmed:
            raise RefundGuardError(kind)
        if kind is DraftKind.USAGE_HELP and not claim.facts.extra.get("usage_steps"):
            raise MissingFactError("usage_steps")
        if kind is DraftKind.WITHDRAWAL_REQUEST and not is_solved(claim):
            raise NotSolvedError(kind)
        if kind in GIFT_KINDS and (missing := delay_fact_missing(claim)) is not None:
            # The delay message states the cause and what happens now: asked, never guessed.
            raise MissingFactError(missing)
        if kind in GIFT_KINDS and not self._gift_known(claim):
            # Never a draft with a "[GIFT]" gap that cannot be sent: the gift is asked first.
            raise MissingFactError("gift")
        draft = self.render(
            claim, kind, self.language_of(claim, kind), actor, await self.contact(claim, kind)
        )
        now = self.clock()
        generated = await self.storage.drafts.latest_generated(claim.id, kind.value)
        latest = await self.storage.drafts.latest(claim.id, kind.value)
        superseded: list[int] = []
        if (
            generated is not None
            and latest is not None
            and (generated.subject, generated.body) == (draft.subject, draft.body)
        ):
            record = latest
        else:
            note: dict[str, object] = {}
            if refund_confirmed and kind is DraftKind.REFUND and needs_refund_guard(claim):
                note["refund_before_contact_confirmed"] = True
            async with self.storage.db.transaction() as tx:
                record = await store_draft(
                    self.storage,
                    tx,
                    claim_id=claim.id,
                    kind=kind.value,
                    language=draft.language,
                    subject=draft.subject,
                    body=draft.body,
                    source="generated",
                    actor_id=actor.id,
                    now=now,
                    note=note,
                )
                superseded = await self.storage.reviews.supersede_kind(
                    tx, claim.id, kind.value, now
                )
        return PreparedDraft(
            claim,
            record,
            self.findings(claim, draft.text, kind.value, draft.language),
            draft.is_fallback,
            None,
            tuple(superseded),
        )

    async def edit(self, claim: Claim, draft_id: int, text: str, actor: User) -> PreparedDraft:
        """Store the agent's own text as the next version of the draft's kind."""
        require_claim(actor, claim)
        base = await self._draft_of(claim, draft_id)
        return await self._store_text(claim, DraftKind(base.kind), base.subject, text, actor)

    async def write_free(self, claim: Claim, text: str, actor: User) -> PreparedDraft:
        """A message no template covers, written by the agent; linted like the rest."""
        require_claim(actor, claim)
        return await self._store_text(claim, DraftKind.FREE, "", text, actor)

    async def _store_text(
        self, claim: Claim, kind: DraftKind, subject: str, text: str, actor: User
    ) -> PreparedDraft:
        body = bounded_text(text, MAX_DRAFT_TEXT)
        now = self.clock()
        generated = await self.storage.drafts.latest_generated(claim.id, kind.value)
        language = generated.language if generated else self.language_of(claim, kind)
        async with self.storage.db.transaction() as tx:
            record = await store_draft(
                self.storage,
                tx,
                claim_id=claim.id,
                kind=kind.value,
                language=language,
                subject=subject,
                body=body,
                source="edited",
                actor_id=actor.id,
                now=now,
            )
            superseded = await self.storage.reviews.supersede_kind(tx, claim.id, kind.value, now)
        findings = self.findings(claim, record.text, record.kind, record.language)
        return PreparedDraft(claim, record, findings, False, generated, tuple(superseded))

    def _gift_known(self, claim: Claim) -> bool:
        """A gift typed on the claim, or the store's for its marketplace."""
        gifts = self.store_of(claim).gifts
        return bool(claim.facts.extra.get("gift")) or claim.facts.marketplace in gifts

    async def mark_sent(
        self, claim: Claim, draft_id: int, actor: User
    ) -> tuple[Claim, DraftRecord]:
        """The agent sent this draft. Only the newest version of a kind can be marked sent;
        a buyer message records the contact, and a draft the step is for completes the step.
        With review on, an agent may only mark a version a team lead approved
        (`NeedsApprovalError`). A version is marked once (`AlreadySentError` for a second
        press, even a simultaneous one). A version that breaks a blocking messaging rule is
        never marked, by anyone (`SendBlockedError`): the seller's messaging is at stake."""
        require_claim(actor, claim)
        record = await self.newest_version(claim, draft_id)
        if record.sent_at is not None:
            raise AlreadySentError(record.id)
        findings = self.findings(claim, record.text, record.kind, record.language)
        blocking = [f for f in findings if f.severity is Severity.BLOCK]
        if blocking:
            raise SendBlockedError(record.id, blocking)
        if needs_review(actor.role, await self.store_service.review_required()):
            review = await self.storage.reviews.latest_for_draft(record.id)
            if review is None or review.status is not ReviewStatus.APPROVED:
                raise NeedsApprovalError(record.id)
        kind = DraftKind(record.kind)
        now = self.clock()
        contact = kind not in TO_AMAZON
        step = step_after_sent(claim, kind)
        sent = sent_kinds(claim.facts.extra)
        change = ClaimChange(
            last_contact_at=now if contact else UNSET,
            contacted_at=now if contact and claim.contacted_at is None else UNSET,
            step=step if step != claim.step else UNSET,
            # What was sent is a fact of the claim: the statement to Amazon states only that.
            extra=UNSET
            if kind.value in sent
            else {**claim.facts.extra, SENT_KINDS_FACT: ",".join(sorted({*sent, kind.value}))},
        )
        async with self.storage.db.transaction() as tx:
            # Compare-and-set: of two presses at once (or one replayed after a restart), one
            # marks it; the other rolls back, claim changes included.
            if not await self.storage.drafts.mark_sent(tx, record.id, now):
                raise AlreadySentError(record.id)
            await self.storage.claims.update(tx, claim, now, change)
            # Sent while review was off: its open review (if any) has nothing left to decide.
            await self.storage.reviews.supersede_kind(tx, claim.id, record.kind, now)
            await self.storage.events.record(
                tx,
                "draft_sent",
                actor_id=actor.id,
                claim_id=claim.id,
                draft_id=record.id,
                now=now,
                payload={"kind": record.kind, "version": record.version, "step": step},
            )
        return await self._reload(claim), record

    async def newest_version(self, claim: Claim, draft_id: int) -> DraftRecord:
        """The draft, if it is the claim's newest version of its kind: only that one may be
        edited or marked sent. Raises `NotLatestVersionError` for an older version."""
        record = await self._draft_of(claim, draft_id)
        latest = await self.storage.drafts.latest(claim.id, record.kind)
        if latest is None or latest.id != record.id:
            raise NotLatestVersionError(record.id)
        return record

    async def _draft_of(self, claim: Claim, draft_id: int) -> DraftRecord:
        """The claim's draft `draft_id`; a draft of another claim is as invalid as none."""
        record = await self.storage.drafts.get(draft_id)
        if record is None or record.claim_id != claim.id:
            raise InvalidChoiceError(draft_id)
        return record

    # --- The buyer's reply and its cause -----------------------------------------------------

    async def _reload(self, claim: Claim) -> Claim:
        fresh = await self.storage.claims.get(claim.id)
        if fresh is None:  # pragma: no cover - claims are never deleted
            raise ClaimNotFoundError(claim.id)
        return fresh
