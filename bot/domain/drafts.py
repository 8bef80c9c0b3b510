"""The kinds of message claimbot drafts (`shared/design.md`, "Draft kinds")."""

from __future__ import annotations

from collections.abc import Mapping
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


# The buyer messages that offer a solution: once one is sent, the statement to Amazon may say
# that a solution was offered (and, for these two, what was done).
SOLUTION_KINDS = frozenset(
    {
        DraftKind.USAGE_HELP,
        DraftKind.REPLACEMENT,
        DraftKind.REFUND,
        DraftKind.DELIVERY_DELAY,
        DraftKind.GIFT_OFFER,
    }
)
SENT_KINDS_FACT = "sent_kinds"  # the claim's extra fact: the kinds marked sent, comma-separated


def sent_kinds(extra: Mapping[str, str]) -> frozenset[str]:
    """The kinds of message marked sent on a claim, from its extra facts."""
    return frozenset(k for k in extra.get(SENT_KINDS_FACT, "").split(",") if k)


# The kinds that offer the goodwill gift: they need to know what it is (never a "[GIFT]" gap).
GIFT_KINDS = frozenset({DraftKind.DELIVERY_DELAY, DraftKind.GIFT_OFFER})
