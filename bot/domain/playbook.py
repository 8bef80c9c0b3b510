"""The process of `shared/domain.md` as data: find the cause -> plan -> handle -> close.

Every (reason, fulfilment) pair has a `Plan`: ordered steps, the warnings an agent must see, and
the draft kinds that apply. Texts are English msgids marked with `N_`; the chat layer translates.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from bot.domain.claims import Fulfillment, Reason, Stage, StepId
from bot.domain.drafts import DraftKind
from bot.domain.text import N_


@dataclass(frozen=True, slots=True)
class Step:
    id: StepId
    title: str
    drafts: tuple[DraftKind, ...] = ()


@dataclass(frozen=True, slots=True)
class Caution:
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Plan:
    reason: Reason
    fulfillment: Fulfillment
    steps: tuple[Step, ...]
    warnings: tuple[Caution, ...]

    @property
    def draft_kinds(self) -> tuple[DraftKind, ...]:
        """Every draft kind the plan uses, in the order the steps need them."""
        kinds: list[DraftKind] = []
        for step in self.steps:
            kinds.extend(k for k in step.drafts if k not in kinds)
        return tuple(kinds)

    def step_index(self, step_id: str) -> int:
        """Where `step_id` (a stored claim's step: any text) is in the plan; `KeyError` when
        the plan has no such step."""
        for index, step in enumerate(self.steps):
            if step.id == step_id:
                return index
        raise KeyError(step_id)

    @property
    def first_draft(self) -> DraftKind:
        """The first message to prepare once the cause is known: always the buyer contact."""
        return self.steps[self.step_index(CONTACT_BUYER.id)].drafts[0]


# --- Steps -------------------------------------------------------------------------------------
FIND_CAUSE: Final = Step(
    StepId.FIND_CAUSE,
    N_(
        "Find the cause: a product problem, a delivery problem or something else, and who shipped"
        " the order."
    ),
)
CONTACT_BUYER: Final = Step(
    StepId.CONTACT_BUYER,
    N_("Contact the buyer: apologise for the trouble and ask what the main problem is."),
    (DraftKind.INQUIRY,),
)
AWAIT_REPLY: Final = Step(
    StepId.AWAIT_REPLY,
    N_("Wait for the buyer's reply and answer within 24 hours; follow up if none comes."),
    (DraftKind.FOLLOW_UP,),
)
HANDLE_PRODUCT: Final = Step(
    StepId.HANDLE_PRODUCT,
    N_(
        "Act on the reply: guide the buyer if it is a usage question; if the item is really"
        " defective, send a replacement or refund."
    ),
    (DraftKind.USAGE_HELP, DraftKind.REPLACEMENT, DraftKind.REFUND),
)
EXPLAIN_DELIVERY: Final = Step(
    StepId.EXPLAIN_DELIVERY,
    N_(
        "Apologise, explain the cause of the delay and offer a small gift as unconditional"
        " goodwill."
    ),
    (DraftKind.DELIVERY_DELAY,),
)
CHECK_RETURN: Final = Step(
    StepId.CHECK_RETURN,
    N_("Check the return tracking: has the returned item reached you, and in what state?"),
)
REFUND_RETURN: Final = Step(
    StepId.REFUND_RETURN,
    N_("Refund as soon as the return has arrived, and tell the buyer."),
    (DraftKind.REFUND,),
)
ACCEPT_RETURN: Final = Step(
    StepId.ACCEPT_RETURN,
    N_("Accept the return your policy allows, then replace the item or refund it."),
    (DraftKind.REPLACEMENT, DraftKind.REFUND),
)
REQUEST_WITHDRAWAL: Final = Step(
    StepId.REQUEST_WITHDRAWAL,
    N_("Once the buyer confirms the problem is solved, politely ask them to withdraw the claim."),
    (DraftKind.WITHDRAWAL_REQUEST,),
)
RESPOND_TO_AMAZON: Final = Step(
    StepId.RESPOND_TO_AMAZON,
    N_(
        "Respond to Amazon with your side: what happened, carrier and tracking, your contact with"
        " the buyer, and what you propose."
    ),
    (DraftKind.AMAZON_STATEMENT,),
)
AMAZON_FULFILLED: Final = Step(
    StepId.AMAZON_FULFILLED,
    N_(
        "Tell Amazon that it stored, shipped and delivered this order: the claim is Amazon's to"
        " cover."
    ),
    (DraftKind.AMAZON_STATEMENT,),
)
RECORD_OUTCOME: Final = Step(
    StepId.RECORD_OUTCOME,
    N_("Record the outcome when the buyer or Amazon closes the claim."),
)

# --- Warnings ----------------------------------------------------------------------------------
NO_REFUND_FIRST: Final = Caution(
    "no_refund_first",
    N_(
        "Do not refund yet. A refund before talking to the buyer makes Amazon rule against you,"
        " the claim still counts in your ODR, and the money and the goods are both gone."
    ),
)
GIFT_IS_GOODWILL: Final = Caution(
    "gift_is_goodwill",
    N_(
        "The gift is unconditional goodwill: it goes with the apology, never with the request to"
        " withdraw the claim, which is its own message once the buyer confirms the problem is"
        " solved."
    ),
)
AMAZON_PAYS: Final = Caution(
    "amazon_pays",
    N_(
        "Amazon fulfilled this order: do not refund it yourself. Say so in the statement to"
        " Amazon; Amazon normally closes such claims at its own cost."
    ),
)
REFUND_AFTER_RETURN: Final = Caution(
    "refund_after_return",
    N_(
        "Refund only once the return has arrived or the carrier confirms it, and after writing to"
        " the buyer. A claim closed by a refund alone still counts in your ODR: ask for the"
        " withdrawal too."
    ),
)


def _plan(reason: Reason, fulfillment: Fulfillment) -> Plan:
    steps: tuple[Step, ...]
    if fulfillment is Fulfillment.FBA and (reason.is_delivery_problem or reason.is_return_problem):
        # Amazon stored, shipped, delivered (and takes back) FBA orders.
        steps = (FIND_CAUSE, CONTACT_BUYER, AMAZON_FULFILLED, RECORD_OUTCOME)
        return Plan(reason, fulfillment, steps, (AMAZON_PAYS,))
    if reason.is_delivery_problem:
        steps = (
            FIND_CAUSE,
            CONTACT_BUYER,
            EXPLAIN_DELIVERY,
            REQUEST_WITHDRAWAL,
            RESPOND_TO_AMAZON,
            RECORD_OUTCOME,
        )
        return Plan(reason, fulfillment, steps, (NO_REFUND_FIRST, GIFT_IS_GOODWILL))
    if reason is Reason.RETURN_NOT_REFUNDED:
        steps = (
            FIND_CAUSE,
            CHECK_RETURN,
            CONTACT_BUYER,
            REFUND_RETURN,
            REQUEST_WITHDRAWAL,
            RESPOND_TO_AMAZON,
            RECORD_OUTCOME,
        )
        return Plan(reason, fulfillment, steps, (REFUND_AFTER_RETURN,))
    if reason is Reason.RETURN_REFUSED:
        steps = (
            FIND_CAUSE,
            CONTACT_BUYER,
            AWAIT_REPLY,
            ACCEPT_RETURN,
            REQUEST_WITHDRAWAL,
            RESPOND_TO_AMAZON,
            RECORD_OUTCOME,
        )
        return Plan(reason, fulfillment, steps, (NO_REFUND_FIRST,))
    # Product problems and anything else: talk first, then act on what the buyer says.
    steps = (
        FIND_CAUSE,
        CONTACT_BUYER,
        AWAIT_REPLY,
        HANDLE_PRODUCT,
        REQUEST_WITHDRAWAL,
        RESPOND_TO_AMAZON,
        RECORD_OUTCOME,
    )
    return Plan(reason, fulfillment, steps, (NO_REFUND_FIRST,))


PLAYBOOK: Final = MappingProxyType({(r, f): _plan(r, f) for r in Reason for f in Fulfillment})


def plan_for(reason: Reason, fulfillment: Fulfillment) -> Plan:
    return PLAYBOOK[(reason, fulfillment)]


# Where a freshly opened claim stands once intake is done: the cause is known, the buyer
# contact is being prepared.
STAGE_AFTER_INTAKE: Final = Stage.CONTACTING_BUYER

# Every step by id, and its title (an N_ msgid): for the audit trail, which names past steps.
STEP_TITLES: Final = MappingProxyType(
    {
        step.id: step.title
        for step in (
            FIND_CAUSE,
            CONTACT_BUYER,
            AWAIT_REPLY,
            HANDLE_PRODUCT,
            EXPLAIN_DELIVERY,
            CHECK_RETURN,
            REFUND_RETURN,
            ACCEPT_RETURN,
            REQUEST_WITHDRAWAL,
            RESPOND_TO_AMAZON,
            AMAZON_FULFILLED,
            RECORD_OUTCOME,
        )
    }
)
