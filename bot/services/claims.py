"""Opening a claim: the end of intake."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.claims import Claim, ClaimFacts
from bot.domain.compliance import Finding, lint, signature_findings
from bot.domain.deadlines import respond_by
from bot.domain.intake import IntakeAnswers
from bot.domain.playbook import STAGE_AFTER_INTAKE, Plan, plan_for
from bot.domain.stores import DEFAULT_STORE
from bot.drafting.facts import draft_facts
from bot.drafting.renderer import Draft, Renderer
from bot.settings import StoreProfile
from bot.storage import DraftRecord, Storage, User, store_draft
from bot.storage.database import Connection


class ClaimAlreadyOpenError(Exception):
    """The order already has an open claim: Amazon runs one A-to-Z claim per order at a time,
    so a second one is a double entry (two agents, or the same press twice across a restart)."""

    def __init__(self, claim_id: int, agent_id: int | None) -> None:
        super().__init__(claim_id)
        self.claim_id = claim_id
        self.agent_id = agent_id


async def already_open(storage: Storage, order_id: str) -> ClaimAlreadyOpenError | None:
    """The open claim the order has, as the error opening a second one would raise: asked
    as soon as the intake knows the order, so nobody answers every question for nothing.
    (Opening checks again in its own transaction.)"""
    for claim in await storage.claims.for_order(order_id):
        if claim.closed_at is None:
            return ClaimAlreadyOpenError(claim.id, claim.agent_id)
    return None


@dataclass(frozen=True, slots=True)
class OpenedClaim:
    claim: Claim
    plan: Plan
    draft: Draft
    draft_record: DraftRecord
    findings: tuple[Finding, ...]


async def open_claim(
    storage: Storage,
    renderer: Renderer,
    store: StoreProfile,
    *,
    actor: User | None,
    facts: ClaimFacts,
    now: datetime,
    deadline: datetime | None = None,
    intake: IntakeAnswers | None = None,
    also: Callable[[Connection, int], Awaitable[None]] | None = None,
    store_id: int = DEFAULT_STORE,
) -> OpenedClaim:
    """Store the claim with its first draft and their audit events, all or nothing. The
    deadline is 72 hours after the notice unless the notice gave an earlier one. An order
    with an open claim gets no second one (ClaimAlreadyOpenError). The actor's `intake` that
    these facts come from is marked opened in the same transaction: an intake is over exactly
    when its claim exists, whenever the bot stops. `also(tx, claim_id)` writes what else
    belongs with the claim in the same transaction (the mail that opened it). Without an
    actor (the mail intake) the claim opens unassigned, for the queue (issue 15). `store` is
    the profile of the store `store_id` the claim belongs to (issue 16): its drafts are
    signed with it."""
    actor_id = actor.id if actor is not None else None
    plan = plan_for(facts.reason, facts.fulfillment)
    kind = plan.first_draft
    # Render before writing: a template problem must not leave a claim without its draft.
    draft = renderer.render(
        kind.value,
        draft_facts(
            facts,
            store,
            language=renderer.resolve_language(facts.buyer_language),
            agent_name=actor.display_name if actor is not None else None,
        ),
        facts.buyer_language,
    )
    async with storage.db.transaction() as tx:
        # Checked in the transaction that writes: no second claim can slip in between.
        existing = await storage.claims.open_for_order(tx, facts.order_id)
        if existing is not None:
            raise ClaimAlreadyOpenError(*existing)
        claim = await storage.claims.insert(
            tx,
            facts,
            agent_id=actor_id,
            stage=STAGE_AFTER_INTAKE,
            respond_by=deadline if deadline is not None else respond_by(facts.notified_at),
            now=now,
            store_id=store_id,
        )
        await storage.events.record(
            tx,
            "claim_opened",
            actor_id=actor_id,
            claim_id=claim.id,
            now=now,
            payload={
                "marketplace": facts.marketplace,
                "fulfillment": facts.fulfillment.value,
                "reason": facts.reason.value,
                **({"store": store_id} if store_id != DEFAULT_STORE else {}),
            },
        )
        record = await store_draft(
            storage,
            tx,
            claim_id=claim.id,
            kind=draft.kind,
            language=draft.language,
            subject=draft.subject,
            body=draft.body,
            source="generated",
            actor_id=actor_id,
            now=now,
        )
        if intake is not None and actor is not None:
            await storage.intakes.put(tx, actor.id, intake.opened(claim.id), now)
        if also is not None:
            await also(tx, claim.id)
    findings = [
        *lint(draft.text, language=facts.buyer_language, order_id=facts.order_id),
        *signature_findings(store.signature_for(draft.language), draft.language, draft.text),
    ]
    return OpenedClaim(claim, plan, draft, record, tuple(findings))
