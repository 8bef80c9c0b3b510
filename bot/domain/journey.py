"""Where a claim stands in its plan and what the agent can do next: the rules of the journey.

Pure functions over a `Claim`: the chat layer asks them which steps, drafts and choices to offer,
and the service layer asks them where a claim goes after an action. Nothing here reads a clock;
`now` is always passed in.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from bot.domain.claims import Cause, Claim, Evidence, Fulfillment, Outcome, Stage, StepId
from bot.domain.deadlines import (
    APPEAL_WINDOW,
    BUYER_ANSWER_WINDOW,
    INFORMATION_REQUEST_WINDOW,
)
from bot.domain.drafts import DraftKind
from bot.domain.errors import JourneyError as JourneyError  # noqa: PLC0414 - its old home
from bot.domain.fields import DELAY_CAUSES, FIELDS, delay_next_choices
from bot.domain.marketplaces import MARKETPLACES
from bot.domain.playbook import NO_REFUND_FIRST, Caution, Plan, Step, plan_for

# The step a new claim starts at: its cause is known from intake, the buyer contact is next.
FIRST_STEP: Final = StepId.CONTACT_BUYER
FOLLOW_UP_AFTER: Final = BUYER_ANSWER_WINDOW

STAGE_OF_STEP: Final = MappingProxyType(
    {
        StepId.FIND_CAUSE: Stage.NEW,
        StepId.CONTACT_BUYER: Stage.CONTACTING_BUYER,
        StepId.AWAIT_REPLY: Stage.AWAITING_REPLY,
        StepId.CHECK_RETURN: Stage.HANDLING,
        StepId.HANDLE_PRODUCT: Stage.HANDLING,
        StepId.EXPLAIN_DELIVERY: Stage.HANDLING,
        StepId.REFUND_RETURN: Stage.HANDLING,
        StepId.ACCEPT_RETURN: Stage.HANDLING,
        StepId.REQUEST_WITHDRAWAL: Stage.AWAITING_WITHDRAWAL,
        StepId.RESPOND_TO_AMAZON: Stage.AWAITING_AMAZON,
        StepId.AMAZON_FULFILLED: Stage.AWAITING_AMAZON,
        StepId.RECORD_OUTCOME: Stage.AWAITING_AMAZON,
    }
)
# Steps that wait for the buyer: the buyer's reply moves the claim past them.
BEFORE_REPLY: Final = frozenset({StepId.CONTACT_BUYER, StepId.AWAIT_REPLY})

# What to prepare once the buyer's reply shows the cause (`shared/domain.md`, step 3 and 4).
DRAFTS_FOR_CAUSE: Final = MappingProxyType(
    {
        Cause.USAGE: (DraftKind.USAGE_HELP,),
        Cause.DEFECTIVE: (DraftKind.REPLACEMENT, DraftKind.REFUND),
        Cause.DELIVERY: (DraftKind.DELIVERY_DELAY,),
        Cause.OTHER: (DraftKind.FREE,),
    }
)

# Messages that go to the buyer (marking one sent records contact); the statement goes to Amazon.
TO_AMAZON: Final = frozenset({DraftKind.AMAZON_STATEMENT})


def plan_of(claim: Claim) -> Plan:
    return plan_for(claim.facts.reason, claim.facts.fulfillment)


def current_step(claim: Claim) -> Step:
    plan = plan_of(claim)
    return plan.steps[step_index(claim)]


def step_index(claim: Claim) -> int:
    """The position of the claim's step in its plan. A step the plan does not have (the facts
    changed the plan) maps to the buyer contact, which every plan has."""
    plan = plan_of(claim)
    try:
        return plan.step_index(claim.step)
    except KeyError:
        return plan.step_index(FIRST_STEP)


def stage_of(step_id: str, outcome: Outcome | None) -> Stage:
    """The stage stored with a claim, for queries: derived from its step (stored text, so any
    string; an unknown one counts as handling) and its outcome."""
    if outcome is not None:
        return Stage.CLOSED
    try:
        step = StepId(step_id)
    except ValueError:  # a step no plan has
        return Stage.HANDLING
    return STAGE_OF_STEP.get(step, Stage.HANDLING)


def next_step(claim: Claim) -> StepId | None:
    plan = plan_of(claim)
    index = step_index(claim)
    return plan.steps[index + 1].id if index + 1 < len(plan.steps) else None


def previous_step(claim: Claim) -> StepId | None:
    """One step back. Step 1 (find the cause) is the intake itself: facts are changed with
    the facts editor, so going back stops at step 2."""
    index = step_index(claim)
    return plan_of(claim).steps[index - 1].id if index > 1 else None


def skips_contact(claim: Claim, step_id: StepId) -> bool:
    """Whether putting the claim at `step_id` moves it past the buyer contact while no message
    to the buyer is recorded. Amazon rules against a seller who acts before talking to the
    buyer, so the contact is done by sending a message (or the buyer's reply moves past it),
    never by a press of "Next step"."""
    if claim.contacted_at is not None:
        return False
    plan = plan_of(claim)
    try:
        contact = plan.step_index(StepId.CONTACT_BUYER)
        target = plan.step_index(step_id)
    except KeyError:
        return False
    return step_index(claim) <= contact < target


def step_done(claim: Claim, number: int) -> bool:
    """Whether the card ticks step `number` (0-based) of the claim's plan: a step before the
    current one, except a buyer contact no message to the buyer records (the buyer's reply
    can move a claim past it before the seller has written)."""
    plan = plan_of(claim)
    if number >= step_index(claim):
        return False
    return not (plan.steps[number].id is StepId.CONTACT_BUYER and claim.contacted_at is None)


def awaits_reply(claim: Claim) -> bool:
    """Whether a message to the buyer is recorded and no reply has come since: whatever the
    step, the buyer's answer (the item arrived, the steps did not help) can be recorded."""
    if claim.is_closed or claim.last_contact_at is None:
        return False
    # A message sent the same moment as the reply answers it (as `claim_deadlines` counts).
    return claim.replied_at is None or claim.replied_at <= claim.last_contact_at


def cause_applies(claim: Claim) -> bool:
    """Whether the cause found in the buyer's reply still fits the claim: only a plan that
    acts on the reply (the product step) uses one, and only one of the causes it offers."""
    if claim.cause is None:
        return False
    steps = {step.id for step in plan_of(claim).steps}
    return StepId.HANDLE_PRODUCT in steps and claim.cause in causes_for(claim)


def delay_cause_applies(claim: Claim) -> bool:
    """Whether the claim's plan explains a delay (a late or lost parcel the seller shipped)."""
    return StepId.EXPLAIN_DELIVERY in {step.id for step in plan_of(claim).steps}


def delay_fact_missing(claim: Claim) -> str | None:
    """The delay fact the delay message still needs, on a claim whose plan explains a delay:
    its cause ("delay_cause"), then what happens now ("delay_next", also when the choice no
    longer fits the cause, such as "on its way" after "lost"). None when both are known or the
    plan explains no delay. The message states them, so they are never guessed."""
    if not delay_cause_applies(claim):
        return None
    extra = claim.facts.extra
    cause = extra.get("delay_cause")
    if cause not in DELAY_CAUSES:
        return "delay_cause"
    if extra.get("delay_next") not in delay_next_choices(cause):
        return "delay_next"
    return None


def cautions(claim: Claim, sent: frozenset[DraftKind]) -> tuple[Caution, ...]:
    """The plan's warnings that still apply, given the kinds of draft marked as sent: "do not
    refund yet" is over once a refund went out or the claim has its outcome."""
    refunded = DraftKind.REFUND in sent or claim.outcome is not None
    return tuple(
        caution
        for caution in plan_of(claim).warnings
        if not (caution is NO_REFUND_FIRST and refunded)
    )


def causes_for(claim: Claim) -> tuple[Cause, ...]:
    """The causes an agent may pick from the buyer's reply. A delivery problem is the seller's
    to explain only when the seller shipped the order."""
    if claim.facts.fulfillment is Fulfillment.FBA:
        return (Cause.USAGE, Cause.DEFECTIVE, Cause.OTHER)
    return (Cause.USAGE, Cause.DEFECTIVE, Cause.DELIVERY, Cause.OTHER)


def needs_cause(claim: Claim) -> bool:
    """Whether the current step waits for the agent to say what the buyer's reply showed."""
    return current_step(claim).id is StepId.HANDLE_PRODUCT and claim.cause is None


def step_drafts(claim: Claim) -> tuple[DraftKind, ...]:
    """The drafts the current step is for (the product step: those that fit the cause)."""
    step = current_step(claim)
    if step.id is StepId.HANDLE_PRODUCT:
        return DRAFTS_FOR_CAUSE[claim.cause] if claim.cause is not None else ()
    if step.id is StepId.REQUEST_WITHDRAWAL and not is_solved(claim):
        return ()  # asked for only once the buyer confirms the problem is solved
    return step.drafts


SOLVED_FACT: Final = "solved_on"  # the extra fact: when the buyer confirmed it is solved


def is_solved(claim: Claim) -> bool:
    """Whether the buyer confirmed the item arrived or the problem is solved (recorded on the
    card): the only moment a request to withdraw the claim is true."""
    return bool(claim.facts.extra.get(SOLVED_FACT))


def follow_up_due(claim: Claim) -> datetime | None:
    """When a follow-up becomes due: 24 hours after the latest message to the buyer, while no
    reply is recorded. `None` when there is nothing to follow up."""
    if claim.replied_at is not None or claim.last_contact_at is None or claim.is_closed:
        return None
    return claim.last_contact_at + FOLLOW_UP_AFTER


def follow_up_ready(claim: Claim, now: datetime) -> bool:
    due = follow_up_due(claim)
    return due is not None and now >= due


def offered_drafts(claim: Claim, now: datetime) -> tuple[DraftKind, ...]:
    """`step_drafts`, with the follow-up only once it is due."""
    step = current_step(claim)
    if step.id is StepId.AWAIT_REPLY:
        return (DraftKind.FOLLOW_UP,) if follow_up_ready(claim, now) else ()
    return step_drafts(claim)


def needs_refund_guard(claim: Claim) -> bool:
    """A refund with no recorded buyer contact: the panic refund that loses the claim."""
    return claim.contacted_at is None and claim.replied_at is None


def step_after_sent(claim: Claim, kind: DraftKind) -> StepId:
    """Where the claim goes once a draft of `kind` is sent. A draft the current step offers
    completes the step; anything else (a draft from the full list) leaves it."""
    plan = plan_of(claim)
    step = current_step(claim)
    if kind not in (step_drafts(claim) or step.drafts):
        return step.id
    if step.id is StepId.AWAIT_REPLY or kind is DraftKind.FOLLOW_UP:
        return step.id  # a follow-up keeps waiting for the reply
    index = plan.step_index(step.id)
    following = plan.steps[index + 1 :]
    return following[0].id if following else step.id


def step_after_reply(claim: Claim) -> StepId:
    """The buyer answered: from waiting (or still contacting) on to acting on the answer.
    (Every plan ends with a step after the reply; the claim's own step is the formal fallback.)"""
    plan = plan_of(claim)
    for step in plan.steps[step_index(claim) :]:
        if step.id in BEFORE_REPLY:
            continue
        return step.id
    return claim.step


def appeal_until(claim: Claim) -> datetime | None:
    """A granted, seller-funded claim can be appealed for 30 days after it closed."""
    if claim.outcome is Outcome.GRANTED_SELLER_FUNDED and claim.closed_at is not None:
        return claim.closed_at + APPEAL_WINDOW
    return None


class Deadline(StrEnum):
    RESPOND = "respond_by"  # the answer to Amazon's claim notice (72 h)
    INFORMATION = "information"  # Amazon asked for more information (48 h)
    BUYER_ANSWER = "buyer_answer"  # the buyer wrote and waits for an answer (24 h)
    APPEAL = "appeal"  # a granted, seller-funded claim can be appealed (30 days)
    # A submitted draft waiting for a lead while the respond-by time runs: reminded to the
    # leads (bot/domain/reminders.py), not a deadline of its own on the card.
    REVIEW = "review"


def claim_deadlines(claim: Claim) -> list[tuple[Deadline, datetime]]:
    """Every deadline the claim has now, the soonest first."""
    found: list[tuple[Deadline, datetime]] = []
    if not claim.is_closed:
        found.append((Deadline.RESPOND, claim.respond_by))
        if claim.info_requested_at is not None:
            found.append(
                (Deadline.INFORMATION, claim.info_requested_at + INFORMATION_REQUEST_WINDOW)
            )
        if claim.replied_at is not None and (
            claim.last_contact_at is None or claim.last_contact_at < claim.replied_at
        ):
            found.append((Deadline.BUYER_ANSWER, claim.replied_at + BUYER_ANSWER_WINDOW))
    appeal = appeal_until(claim)
    if appeal is not None:
        found.append((Deadline.APPEAL, appeal))
    return sorted(found, key=lambda item: item[1])


# Which typed fact each evidence item stands for.
EVIDENCE_FACT: Final = MappingProxyType(
    {
        Evidence.CARRIER: "carrier",
        Evidence.TRACKING: "tracking_number",
        Evidence.DELIVERY: "delivery_date",
        Evidence.CONTACT: "contact_summary",
    }
)


def fact_value(claim: Claim, name: str) -> str | None:
    """The current value of a typed fact (a claim column or an extra fact), or None."""
    facts = claim.facts
    if FIELDS[name].column:
        value = getattr(facts, name)
        return str(value) if value else None
    return facts.extra.get(name) or None


def evidence_fact_missing(claim: Claim, item: Evidence) -> str | None:
    """The fact to ask for before `item` can be ticked, or None when it is known (or the item
    needs none). The contact with the buyer needs no typed summary once a message to the buyer
    is recorded: the statement lists what was sent (the agent may still add to it)."""
    if item is Evidence.CONTACT and claim.contacted_at is not None:
        return None
    name = EVIDENCE_FACT.get(item)
    return None if name is None or fact_value(claim, name) else name


def claim_currency(claim: Claim) -> str | None:
    """The currency of the claim amount: as the notice said, else the marketplace's."""
    extra = claim.facts.extra
    if extra.get("claim_currency"):
        return extra["claim_currency"]
    market = MARKETPLACES.get(claim.facts.marketplace)
    return market.currency if market else None
