"""Claim facts and the closed vocabularies of `shared/domain.md`."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import Enum, StrEnum
from typing import Final


class Reason(StrEnum):
    """Why the buyer filed the A-to-Z claim."""

    NOT_RECEIVED = "not_received"
    LATE_DELIVERY = "late_delivery"
    NOT_AS_DESCRIBED = "not_as_described"
    DEFECTIVE = "defective"
    RETURN_NOT_REFUNDED = "return_not_refunded"
    RETURN_REFUSED = "return_refused"
    OTHER = "other"

    @property
    def is_delivery_problem(self) -> bool:
        return self in (Reason.NOT_RECEIVED, Reason.LATE_DELIVERY)

    @property
    def is_product_problem(self) -> bool:
        return self in (Reason.NOT_AS_DESCRIBED, Reason.DEFECTIVE)

    @property
    def is_return_problem(self) -> bool:
        return self in (Reason.RETURN_NOT_REFUNDED, Reason.RETURN_REFUSED)


class Fulfillment(StrEnum):
    """Who shipped the order: the seller (FBM) or Amazon (FBA)."""

    FBM = "fbm"
    FBA = "fba"


class Stage(StrEnum):
    """Where a claim stands in find cause -> plan -> handle -> close."""

    NEW = "new"
    CONTACTING_BUYER = "contacting_buyer"
    AWAITING_REPLY = "awaiting_reply"
    HANDLING = "handling"
    AWAITING_WITHDRAWAL = "awaiting_withdrawal"
    AWAITING_AMAZON = "awaiting_amazon"
    CLOSED = "closed"


class Outcome(StrEnum):
    """How Amazon or the buyer ended the claim."""

    WITHDRAWN = "withdrawn"
    DENIED = "denied"
    GRANTED_SELLER_FUNDED = "granted_seller_funded"
    GRANTED_AMAZON_FUNDED = "granted_amazon_funded"
    CLOSED_BY_REFUND = "closed_by_refund"

    @property
    def counts_in_odr(self) -> bool:
        """Whether this ending counts against the seller's Order Defect Rate."""
        return self in (Outcome.GRANTED_SELLER_FUNDED, Outcome.CLOSED_BY_REFUND)


class Cause(StrEnum):
    """What the buyer's reply shows the problem really is (`shared/domain.md`, step 3)."""

    USAGE = "usage"  # the buyer does not know how to use it
    DEFECTIVE = "defective"  # the item really is defective
    DELIVERY = "delivery"  # late, lost or stuck on the way (seller-shipped)
    OTHER = "other"


class Evidence(StrEnum):
    """What the statement to Amazon should carry; the agent ticks each off."""

    CARRIER = "carrier"
    TRACKING = "tracking"
    DELIVERY = "delivery"  # the carrier's delivery confirmation
    CONTACT = "contact"  # the communication with the buyer so far
    # Documents (photos, the carrier's proof) sent to the buyer's message thread: only then
    # does the statement say so. No fact to type: the agent ticks it.
    DOCUMENTS = "documents"


class StepId(StrEnum):
    """Every step any plan has. The values are stored (`claims.step`, audit events) and carried
    in button data: never rename one."""

    FIND_CAUSE = "find_cause"
    CONTACT_BUYER = "contact_buyer"
    AWAIT_REPLY = "await_reply"
    HANDLE_PRODUCT = "handle_product"
    EXPLAIN_DELIVERY = "explain_delivery"
    CHECK_RETURN = "check_return"
    REFUND_RETURN = "refund_return"
    ACCEPT_RETURN = "accept_return"
    REQUEST_WITHDRAWAL = "request_withdrawal"
    RESPOND_TO_AMAZON = "respond_to_amazon"
    AMAZON_FULFILLED = "amazon_fulfilled"
    RECORD_OUTCOME = "record_outcome"


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    """What an agent knows about a claim at intake. Optional facts are `None` when unknown."""

    order_id: str
    marketplace: str
    fulfillment: Fulfillment
    reason: Reason
    buyer_language: str
    notified_at: datetime
    buyer_name: str | None = None
    product: str | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Claim:
    """A stored claim: its facts plus the bookkeeping storage adds."""

    id: int
    agent_id: int | None  # None: unassigned, waiting in the queue (issue 15)
    facts: ClaimFacts
    stage: Stage
    respond_by: datetime
    created_at: datetime
    outcome: Outcome | None = None
    step: StepId = StepId.CONTACT_BUYER
    revision: int = 1
    contacted_at: datetime | None = None
    last_contact_at: datetime | None = None
    replied_at: datetime | None = None
    cause: Cause | None = None
    evidence: frozenset[Evidence] = frozenset()
    closed_at: datetime | None = None
    info_requested_at: datetime | None = None  # Amazon asked for more information
    store_id: int = 1  # the store the claim belongs to (issue 16)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Unset(Enum):
    """The type of `UNSET`. An enum of one member, so `value is UNSET` narrows the type."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimChange:
    """What one update of a claim changes, by name and type. A field left `UNSET` keeps its
    value; `None`, where a field allows it, clears it (a cause chosen again, say). The stage is
    not here: it follows from the step and the outcome, and storage derives it."""

    # The facts (`ClaimFacts`); `extra` replaces the extra facts as a whole.
    marketplace: str | Unset = UNSET
    fulfillment: Fulfillment | Unset = UNSET
    reason: Reason | Unset = UNSET
    buyer_language: str | Unset = UNSET
    notified_at: datetime | Unset = UNSET
    buyer_name: str | Unset | None = UNSET
    product: str | Unset | None = UNSET
    carrier: str | Unset | None = UNSET
    tracking_number: str | Unset | None = UNSET
    extra: dict[str, str] | Unset = UNSET
    # Where the claim stands.
    respond_by: datetime | Unset = UNSET
    step: StepId | Unset = UNSET
    contacted_at: datetime | Unset | None = UNSET
    last_contact_at: datetime | Unset | None = UNSET
    replied_at: datetime | Unset | None = UNSET
    info_requested_at: datetime | Unset | None = UNSET
    cause: Cause | Unset | None = UNSET
    evidence: frozenset[Evidence] | Unset = UNSET
    outcome: Outcome | Unset | None = UNSET
    closed_at: datetime | Unset | None = UNSET
    store_id: int | Unset = UNSET  # the store it belongs to (issue 16)

    @classmethod
    def column_fact(cls, name: str, value: str) -> ClaimChange:
        """A typed fact that has its own field (`bot.domain.fields.Field.column`), by the
        field's name; the other facts go into `extra`."""
        match name:
            case "buyer_name":
                return cls(buyer_name=value)
            case "product":
                return cls(product=value)
            case "carrier":
                return cls(carrier=value)
            case "tracking_number":
                return cls(tracking_number=value)
        raise ValueError(f"not a fact with its own field: {name}")

    def assigned(self) -> dict[str, object]:
        """The fields this change sets, by name, in the order they are declared."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return {name: value for name, value in values.items() if value is not UNSET}


# The claim's extra fact set when who shipped is a guess (Amazon's claim mail does not say):
# the card cautions until the agent confirms FBA or FBM, even the same value (issue 15).
FULFILLMENT_UNCONFIRMED = "fulfillment_unconfirmed"


def fulfillment_unconfirmed(claim: Claim) -> bool:
    return bool(claim.facts.extra.get(FULFILLMENT_UNCONFIRMED))
