"""The kinds of message claimbot drafts (`shared/design.md`, "Draft kinds")."""

from __future__ import annotations

from enum import StrEnum


class DraftKind(StrEnum):
    INQUIRY = "inquiry"
    USAGE_HELP = "usage_help"
    REPLACEMENT = "replacement"
    REFUND = "refund"
    DELIVERY_DELAY = "delivery_delay"
    GIFT_OFFER = "gift_offer"
    WITHDRAWAL_REQUEST = "withdrawal_request"
    AMAZON_STATEMENT = "amazon_statement"
    FOLLOW_UP = "follow_up"
    # Written by the agent for a cause no template covers; linted like the others.
    FREE = "free"

    @property
    def templated(self) -> bool:
        return self is not DraftKind.FREE


# The kinds that offer the goodwill gift: they need to know what it is (never a "[GIFT]" gap).
GIFT_KINDS = frozenset({DraftKind.DELIVERY_DELAY, DraftKind.GIFT_OFFER})
