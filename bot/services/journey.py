"""Taking a claim through its plan: drafts, sending, the buyer's reply, facts, the evidence
checklist and the outcome. Every change is one transaction with its audit event, applied only
if the claim is still at the revision the agent acted on, and only for a person who works on
that claim (`require_claim`), whatever the chat layer checked before. Refusals are the classes
of bot/domain/errors.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from bot.domain.claims import (
    UNSET,
    Cause,
    Claim,
    ClaimChange,
    Evidence,
    Fulfillment,
    Outcome,
    Reason,
)
from bot.domain.compliance import Finding, lint
from bot.domain.drafts import DraftKind
from bot.domain.errors import (
    AlreadySentError,
    ClaimNotFoundError,
    InvalidChoiceError,
    MissingFactError,
    NeedsApprovalError,
    NotLatestVersionError,
    RefundGuardError,
)
from bot.domain.fields import (
    DELAY_CAUSES,
    FIELDS,
    MAX_DRAFT_TEXT,
    bounded_text,
    parse_field,
)
from bot.domain.journey import (
    EVIDENCE_FACT,
    FIRST_STEP,
    TO_AMAZON,
    causes_for,
    evidence_fact_missing,
    needs_refund_guard,
    plan_of,
    step_after_reply,
    step_after_sent,
)
from bot.domain.marketplaces import BUYER_LANGUAGES
from bot.domain.people import needs_review, require_claim, works_on
from bot.drafting.facts import draft_facts
from bot.drafting.renderer import Draft, Renderer
from bot.services.store import StoreService
from bot.settings import StoreProfile
from bot.storage import DraftRecord, ReviewStatus, Storage, User, store_draft

# The errors and the limit this module raised and checked first live in the domain now; they
# stay importable from here (`ClaimNotFoundError`, `MissingFactError`, `RefundGuardError`,
# `MAX_DRAFT_TEXT`).
__all__ = [
    "MAX_DRAFT_TEXT",
    "ClaimNotFoundError",
    "Journey",
    "MissingFactError",
    "PreparedDraft",
    "RefundGuardError",
    "can_see",
]


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
    return works_on(actor, claim.agent_id)


class Journey:
    """The claim journey's operations. One per application, built by the composition root."""

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

    # --- Reading ---------------------------------------------------------------------------
    async def load(self, claim_id: int, actor: User) -> Claim:
        claim = await self.storage.claims.get(claim_id)
        if claim is None or not can_see(actor, claim):
            raise ClaimNotFoundError(claim_id)
        return claim

    def render(self, claim: Claim, kind: DraftKind, language: str, actor: User) -> Draft:
        """Render `kind` for the claim in `language` (the buyer's, or the agent's preview)."""
        contacted = claim.last_contact_at.date() if claim.last_contact_at else None
        facts = draft_facts(
            claim.facts, self.store, agent_name=actor.display_name, contacted_on=contacted
        )
        return self.renderer.render(kind.value, facts, language)

    def preview(self, prepared: PreparedDraft, language: str, actor: User) -> Draft | None:
        """The same template rendered in `language` (the agent's), so the agent knows what the
        draft says; None when the draft already is in that language or was written by hand."""
        record = prepared.record
        kind = DraftKind(record.kind)
        if record.source != "generated" or not kind.templated:
            return None
        if self.renderer.resolve_language(language) == record.language:
            return None
        return self.render(prepared.claim, kind, language, actor)

    def findings(self, claim: Claim, text: str) -> tuple[Finding, ...]:
        return tuple(lint(text, language=claim.facts.buyer_language, order_id=claim.facts.order_id))

    # --- Drafts ------------------------------------------------------------------------------
    async def prepare(
        self, claim: Claim, kind: DraftKind, actor: User, *, refund_confirmed: bool = False
    ) -> PreparedDraft:
        """Render and store the generated draft of `kind`: a new version only if the text
        changed since the last generated one. If it did not, the newest version is shown
        again, an agent's or lead's edit included: asking for the draft again does not throw
        their edit away (only changed facts, which change the text, do)."""
        require_claim(actor, claim.agent_id)
        if not kind.templated:
            raise InvalidChoiceError(kind)
        if kind is DraftKind.REFUND and needs_refund_guard(claim) and not refund_confirmed:
            raise RefundGuardError(kind)
        if kind is DraftKind.USAGE_HELP and not claim.facts.extra.get("usage_steps"):
            raise MissingFactError("usage_steps")
        draft = self.render(claim, kind, claim.facts.buyer_language, actor)
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
            self.findings(claim, draft.text),
            draft.is_fallback,
            None,
            tuple(superseded),
        )

    async def edit(self, claim: Claim, draft_id: int, text: str, actor: User) -> PreparedDraft:
        """Store the agent's own text as the next version of the draft's kind."""
        require_claim(actor, claim.agent_id)
        base = await self._draft_of(claim, draft_id)
        return await self._store_text(claim, DraftKind(base.kind), base.subject, text, actor)

    async def write_free(self, claim: Claim, text: str, actor: User) -> PreparedDraft:
        """A message no template covers, written by the agent; linted like the rest."""
        require_claim(actor, claim.agent_id)
        return await self._store_text(claim, DraftKind.FREE, "", text, actor)

    async def _store_text(
        self, claim: Claim, kind: DraftKind, subject: str, text: str, actor: User
    ) -> PreparedDraft:
        body = bounded_text(text, MAX_DRAFT_TEXT)
        now = self.clock()
        generated = await self.storage.drafts.latest_generated(claim.id, kind.value)
        language = generated.language if generated else claim.facts.buyer_language
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
        findings = self.findings(claim, record.text)
        return PreparedDraft(claim, record, findings, False, generated, tuple(superseded))

    async def mark_sent(
        self, claim: Claim, draft_id: int, actor: User
    ) -> tuple[Claim, DraftRecord]:
        """The agent sent this draft. Only the newest version of a kind can be marked sent;
        a buyer message records the contact, and a draft the step is for completes the step.
        With review on, an agent may only mark a version a team lead approved
        (`NeedsApprovalError`). A version is marked once (`AlreadySentError` for a second
        press, even a simultaneous one)."""
        require_claim(actor, claim.agent_id)
        record = await self.newest_version(claim, draft_id)
        if record.sent_at is not None:
            raise AlreadySentError(record.id)
        if needs_review(actor.role, await self.store_service.review_required()):
            review = await self.storage.reviews.latest_for_draft(record.id)
            if review is None or review.status is not ReviewStatus.APPROVED:
                raise NeedsApprovalError(record.id)
        kind = DraftKind(record.kind)
        now = self.clock()
        contact = kind not in TO_AMAZON
        step = step_after_sent(claim, kind)
        change = ClaimChange(
            last_contact_at=now if contact else UNSET,
            contacted_at=now if contact and claim.contacted_at is None else UNSET,
            step=step if step != claim.step else UNSET,
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
    async def record_reply(self, claim: Claim, text: str, actor: User) -> Claim:
        require_claim(actor, claim.agent_id)
        reply = parse_field("buyer_reply", text)
        step = step_after_reply(claim)
        extra = {**claim.facts.extra, "buyer_reply": reply}
        return await self._change(
            claim,
            actor,
            "buyer_replied",
            {"summary_length": len(reply)},
            ClaimChange(
                extra=extra,
                replied_at=self.clock(),  # the latest message: it is answered within 24 hours
                step=step,
            ),
        )

    async def choose_cause(self, claim: Claim, cause: Cause | None, actor: User) -> Claim:
        """Record what the buyer's reply showed; `None` clears it to choose again."""
        require_claim(actor, claim.agent_id)
        if cause is not None and cause not in causes_for(claim):
            raise InvalidChoiceError(cause)
        return await self._change(
            claim,
            actor,
            "cause_chosen",
            {"cause": cause.value if cause is not None else None},
            ClaimChange(cause=cause),
        )

    # --- Moving along the plan ---------------------------------------------------------------
    async def move_to(self, claim: Claim, step_id: str, actor: User) -> Claim:
        """Put the claim at `step_id`, which must be a step of its plan."""
        require_claim(actor, claim.agent_id)
        if step_id not in {step.id for step in plan_of(claim).steps}:
            raise InvalidChoiceError(step_id)
        return await self._change(
            claim,
            actor,
            "step_changed",
            {"from": claim.step, "to": step_id},
            ClaimChange(step=step_id),
        )

    # --- Facts ---------------------------------------------------------------------------------
    async def set_fact(self, claim: Claim, name: str, text: str, actor: User) -> Claim:
        """Check and store a typed fact. Raises `FieldError` for a bad answer."""
        require_claim(actor, claim.agent_id)
        value = parse_field(name, text)
        field = FIELDS[name]
        payload = {"field": name}
        if field.column:
            change = ClaimChange.column_fact(name, value)
            return await self._change(claim, actor, "fact_changed", payload, change)
        extra = {**claim.facts.extra, name: value}
        return await self._change(claim, actor, "fact_changed", payload, ClaimChange(extra=extra))

    async def set_delay_cause(self, claim: Claim, cause: str, actor: User) -> Claim:
        require_claim(actor, claim.agent_id)
        if cause not in DELAY_CAUSES:
            raise InvalidChoiceError(cause)
        extra = {**claim.facts.extra, "delay_cause": cause}
        return await self._change(
            claim, actor, "fact_changed", {"field": "delay_cause"}, ClaimChange(extra=extra)
        )

    async def change_basics(
        self,
        claim: Claim,
        actor: User,
        *,
        reason: Reason | None = None,
        fulfillment: Fulfillment | None = None,
        language: str | None = None,
    ) -> Claim:
        """Correct what intake recorded. A new reason or fulfilment can change the plan: the
        claim keeps its step when the new plan has it, else returns to the buyer contact."""
        require_claim(actor, claim.agent_id)
        change = ClaimChange()
        if language is not None:
            if language not in BUYER_LANGUAGES:
                raise InvalidChoiceError(language)
            change = replace(change, buyer_language=language)
        facts = claim.facts
        if reason is not None or fulfillment is not None:
            facts = replace(
                facts,
                reason=reason or facts.reason,
                fulfillment=fulfillment or facts.fulfillment,
            )
            moved = replace(claim, facts=facts)
            new_plan = plan_of(moved)
            step = claim.step if claim.step in {s.id for s in new_plan.steps} else FIRST_STEP
            change = replace(change, reason=facts.reason, fulfillment=facts.fulfillment, step=step)
            if claim.cause is not None and claim.cause not in causes_for(moved):
                change = replace(change, cause=None)
        payload = {key: str(value) for key, value in change.assigned().items()}
        return await self._change(claim, actor, "fact_changed", payload, change)

    async def toggle_evidence(self, claim: Claim, item: Evidence, actor: User) -> Claim:
        """Tick or untick an evidence item. Ticking one whose fact is unknown needs the fact
        first: `MissingFactError` names it."""
        require_claim(actor, claim.agent_id)
        ticked = set(claim.evidence)
        if item in ticked:
            ticked.discard(item)
        else:
            missing = evidence_fact_missing(claim, item)
            if missing is not None:
                raise MissingFactError(missing)
            ticked.add(item)
        return await self._change(
            claim,
            actor,
            "evidence_ticked" if item in ticked else "evidence_unticked",
            {"item": item.value},
            ClaimChange(evidence=frozenset(ticked)),
        )

    async def supply_evidence(self, claim: Claim, item: Evidence, text: str, actor: User) -> Claim:
        """The fact an evidence item was missing, typed by the agent: stored and ticked in one
        change. Raises `FieldError` for a bad answer."""
        require_claim(actor, claim.agent_id)
        name = EVIDENCE_FACT[item]
        value = parse_field(name, text)
        evidence = frozenset({*claim.evidence, item})
        if FIELDS[name].column:
            change = replace(ClaimChange.column_fact(name, value), evidence=evidence)
        else:
            change = ClaimChange(evidence=evidence, extra={**claim.facts.extra, name: value})
        return await self._change(
            claim, actor, "evidence_ticked", {"item": item.value, "field": name}, change
        )

    async def record_info_request(self, claim: Claim, actor: User) -> Claim:
        """Amazon asked the seller for more information: an answer is due within 48 hours."""
        require_claim(actor, claim.agent_id)
        return await self._change(
            claim, actor, "info_requested", {}, ClaimChange(info_requested_at=self.clock())
        )

    # --- The end -------------------------------------------------------------------------------
    async def close(self, claim: Claim, outcome: Outcome, actor: User) -> Claim:
        require_claim(actor, claim.agent_id)
        now = self.clock()
        return await self._change(
            claim,
            actor,
            "outcome_recorded",
            {"outcome": outcome.value, "counts_in_odr": outcome.counts_in_odr},
            ClaimChange(outcome=outcome, closed_at=now),
        )

    # --- Plumbing ------------------------------------------------------------------------------
    async def _change(
        self,
        claim: Claim,
        actor: User,
        event: str,
        payload: Mapping[str, object],
        change: ClaimChange,
    ) -> Claim:
        now = self.clock()
        async with self.storage.db.transaction() as tx:
            await self.storage.claims.update(tx, claim, now, change)
            await self.storage.events.record(
                tx, event, actor_id=actor.id, claim_id=claim.id, now=now, payload=dict(payload)
            )
        return await self._reload(claim)

    async def _reload(self, claim: Claim) -> Claim:
        fresh = await self.storage.claims.get(claim.id)
        if fresh is None:  # pragma: no cover - claims are never deleted
            raise ClaimNotFoundError(claim.id)
        return fresh
