"""Taking a claim through its plan: the buyer's reply, the cause, facts, the evidence
checklist and the outcome. Every change is one transaction with its audit event, applied only
if the claim is still at the revision the agent acted on, and only for a person who works on
that claim (`require_claim`), whatever the chat layer checked before. Refusals are the classes
of bot/domain/errors.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from bot.domain.claims import (
    FULFILLMENT_UNCONFIRMED,
    Cause,
    Claim,
    ClaimChange,
    Evidence,
    Fulfillment,
    Outcome,
    Reason,
    StepId,
)
from bot.domain.contact import STATEMENT_LANGUAGE_FACT, statement_languages
from bot.domain.errors import (
    ClaimNotFoundError,
    ContactFirstError,
    InvalidChoiceError,
    MissingFactError,
    RefundGuardError,
)
from bot.domain.fields import (
    DELAY_CAUSES,
    FIELDS,
    MAX_DRAFT_TEXT,
    delay_next_choices,
    parse_field,
)
from bot.domain.journey import (
    EVIDENCE_FACT,
    FIRST_STEP,
    SOLVED_FACT,
    cause_applies,
    causes_for,
    delay_cause_applies,
    evidence_fact_missing,
    is_solved,
    plan_of,
    skips_contact,
    step_after_reply,
)
from bot.domain.marketplaces import BUYER_LANGUAGES
from bot.domain.people import require_claim
from bot.domain.stores import STORE_UNCONFIRMED
from bot.services.drafts import Drafting, PreparedDraft, can_see
from bot.storage import User

# The errors and the limit this module raised and checked first live in the domain now; they
# stay importable from here, as do the draft types (bot/services/drafts.py).
__all__ = [
    "MAX_DRAFT_TEXT",
    "ClaimNotFoundError",
    "Journey",
    "MissingFactError",
    "PreparedDraft",
    "RefundGuardError",
    "can_see",
]


class Journey(Drafting):
    """The claim journey's operations. One per application, built by the composition root."""

    # --- The buyer's reply, the cause, the step, facts, evidence, the outcome ------------------
    async def record_reply(self, claim: Claim, text: str, actor: User) -> Claim:
        require_claim(actor, claim)
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
        require_claim(actor, claim)
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
    async def move_to(self, claim: Claim, step_id: StepId, actor: User) -> Claim:
        """Put the claim at `step_id`, which must be a step of its plan. Moving past the buyer
        contact while no message to the buyer is recorded is refused (`ContactFirstError`)."""
        require_claim(actor, claim)
        if step_id not in {step.id for step in plan_of(claim).steps}:
            raise InvalidChoiceError(step_id)
        if skips_contact(claim, step_id):
            raise ContactFirstError(step_id)
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
        require_claim(actor, claim)
        value = parse_field(name, text, today=self.clock().date())
        field = FIELDS[name]
        payload = {"field": name}
        if field.column:
            change = ClaimChange.column_fact(name, value)
            return await self._change(claim, actor, "fact_changed", payload, change)
        extra = {**claim.facts.extra, name: value}
        return await self._change(claim, actor, "fact_changed", payload, ClaimChange(extra=extra))

    async def set_delay_cause(self, claim: Claim, cause: str, actor: User) -> Claim:
        """What held up the parcel. A "what happens now" that no longer fits the cause (on
        its way, after "lost") is cleared, to be chosen again."""
        require_claim(actor, claim)
        if cause not in DELAY_CAUSES:
            raise InvalidChoiceError(cause)
        extra = {**claim.facts.extra, "delay_cause": cause}
        if extra.get("delay_next") not in (None, *delay_next_choices(cause)):
            del extra["delay_next"]
        return await self._change(
            claim, actor, "fact_changed", {"field": "delay_cause"}, ClaimChange(extra=extra)
        )

    async def set_delay_next(self, claim: Claim, following: str, actor: User) -> Claim:
        """What happens now with the late parcel, one of the choices its cause allows."""
        require_claim(actor, claim)
        if following not in delay_next_choices(claim.facts.extra.get("delay_cause")):
            raise InvalidChoiceError(following)
        extra = {**claim.facts.extra, "delay_next": following}
        return await self._change(
            claim, actor, "fact_changed", {"field": "delay_next"}, ClaimChange(extra=extra)
        )

    async def set_statement_language(self, claim: Claim, language: str, actor: User) -> Claim:
        """The language the statement to Amazon is written in, among the marketplace's, the
        buyer's and English."""
        require_claim(actor, claim)
        if language not in statement_languages(claim):
            raise InvalidChoiceError(language)
        extra = {**claim.facts.extra, STATEMENT_LANGUAGE_FACT: language}
        payload = {"field": STATEMENT_LANGUAGE_FACT}
        return await self._change(claim, actor, "fact_changed", payload, ClaimChange(extra=extra))

    async def change_store(self, claim: Claim, actor: User, store_id: int) -> Claim:
        """The store the claim belongs to, confirmed or corrected (issue 16): its drafts are
        signed with that store's profile from now on. `InvalidChoiceError` for a store that
        does not exist or that the person does not work for."""
        require_claim(actor, claim)
        if store_id not in await self.store_service.stores_of(actor):
            raise InvalidChoiceError(str(store_id))
        extra = {k: v for k, v in claim.facts.extra.items() if k != STORE_UNCONFIRMED}
        change = ClaimChange(store_id=store_id, extra=extra)
        payload = {"store_id": str(store_id)}
        return await self._change(claim, actor, "fact_changed", payload, change)

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
        claim keeps its step when the new plan has it, else returns to the buyer contact; a
        cause found or a delay cause the new plan has no use for is cleared."""
        require_claim(actor, claim)
        change = ClaimChange()
        if language is not None:
            if language not in BUYER_LANGUAGES:
                raise InvalidChoiceError(language)
            change = replace(change, buyer_language=language)
        facts = claim.facts
        dropped = set[str]()  # extra facts the correction makes obsolete
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
            if claim.cause is not None and not cause_applies(moved):
                change = replace(change, cause=None)
            delay_facts = {"delay_cause", "delay_next"}
            if delay_facts & set(facts.extra) and not delay_cause_applies(moved):
                dropped |= delay_facts
            if fulfillment is not None:  # confirmed, even when the value stays the same
                dropped.add(FULFILLMENT_UNCONFIRMED)
            if dropped & set(facts.extra):
                extra = {k: v for k, v in facts.extra.items() if k not in dropped}
                change = replace(change, extra=extra)
        payload = {key: str(value) for key, value in change.assigned().items() if key != "extra"}
        if {"delay_cause", "delay_next"} & dropped & set(claim.facts.extra):
            payload["delay_cause"] = ""  # the facts themselves stay out of the audit trail
        return await self._change(claim, actor, "fact_changed", payload, change)

    async def toggle_evidence(self, claim: Claim, item: Evidence, actor: User) -> Claim:
        """Tick or untick an evidence item. Ticking one whose fact is unknown needs the fact
        first: `MissingFactError` names it."""
        require_claim(actor, claim)
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
        require_claim(actor, claim)
        name = EVIDENCE_FACT.get(item)
        if name is None:  # an item that needs no fact is ticked, never typed
            raise InvalidChoiceError(item)
        value = parse_field(name, text, today=self.clock().date())
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
        require_claim(actor, claim)
        return await self._change(
            claim, actor, "info_requested", {}, ClaimChange(info_requested_at=self.clock())
        )

    async def record_solved(self, claim: Claim, actor: User) -> Claim:
        """The buyer confirmed the item arrived or the problem is solved: from now on, and only
        now, the request to withdraw the claim may be prepared."""
        require_claim(actor, claim)
        if is_solved(claim):
            return claim
        today = self.clock().date().isoformat()
        extra = {**claim.facts.extra, SOLVED_FACT: today}
        return await self._change(claim, actor, "problem_solved", {}, ClaimChange(extra=extra))

    # --- The end -------------------------------------------------------------------------------
    async def close(self, claim: Claim, outcome: Outcome, actor: User) -> Claim:
        require_claim(actor, claim)
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
