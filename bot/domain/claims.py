"""Claim facts and the closed vocabularies of `shared/domain.md`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


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
    agent_id: int
    facts: ClaimFacts
    stage: Stage
    respond_by: datetime
    created_at: datetime
    outcome: Outcome | None = None
    step: str = "contact_buyer"
    revision: int = 1
    contacted_at: datetime | None = None
    last_contact_at: datetime | None = None
    replied_at: datetime | None = None
    cause: Cause | None = None
    evidence: frozenset[Evidence] = frozenset()
    closed_at: datetime | None = None
    info_requested_at: datetime | None = None  # Amazon asked for more information

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None
