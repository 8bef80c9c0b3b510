"""The rules themselves: each rule's id, severity and message, and what a finding is."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from bot.domain.text import N_

MAX_LENGTH: Final = 2000


class Severity(StrEnum):
    BLOCK = "block"
    WARN = "warn"


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    message: str


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    message: str  # the rule's English message (a msgid)
    excerpt: str  # the offending fragment, for the agent to find it


def _rules(*rules: Rule) -> MappingProxyType[str, Rule]:
    return MappingProxyType({rule.id: rule for rule in rules})


B, W = Severity.BLOCK, Severity.WARN
RULES: Final = _rules(
    Rule(
        "hidden_character",
        B,
        N_(
            "The text contains a hidden character: invisible, changing the direction of the"
            " text, or imitating a letter or a dot (shown as [U+…] in the excerpt). A message"
            " never needs one, and it can hide a link or a word from these checks or show the"
            " buyer something other than what you see: retype that part of the text."
        ),
    ),
    Rule("email", B, N_("E-mail addresses are not allowed in messages to buyers.")),
    Rule(
        "phone",
        B,
        N_(
            "Phone numbers are not allowed (only a carrier's or manufacturer's when really needed)."
        ),
    ),
    Rule("html", B, N_("HTML is not allowed: send plain text.")),
    Rule("link", B, N_("Links are not allowed, except Amazon's own.")),
    Rule("emoji", B, N_("Emoji and pictographs are not allowed.")),
    Rule(
        "marketing",
        B,
        N_("No marketing: no coupons, promo codes, discounts on future orders or cross-selling."),
    ),
    Rule(
        "review_incentive", B, N_("Never offer anything in connection with a review or feedback.")
    ),
    Rule(
        "feedback_removal", B, N_("Never ask the buyer to remove or change feedback or a review.")
    ),
    Rule(
        "withdrawal_incentive",
        B,
        N_(
            "Never offer anything in exchange for withdrawing or closing the claim: a gift is"
            " unconditional."
        ),
    ),
    Rule(
        "rating_request",
        B,
        N_("Never ask for a positive review or a particular star rating."),
    ),
    Rule("length", B, N_("The message is longer than Amazon's 2,000 characters.")),
    Rule("placeholder", B, N_("The text still has a placeholder to fill in.")),
    Rule(
        "review_request",
        W,
        N_(
            "Asking for a (positive) review in a claim conversation looks"
            " like pressure; leave reviews to Amazon's own request."
        ),
    ),
    Rule("language", W, N_("The message does not seem to be in the buyer's language.")),
    Rule(
        "signature_script",
        W,
        N_(
            "The signature is in another script than the message, so the buyer may not be able"
            " to read it. An admin can set a signature for this language in /settings."
        ),
    ),
    Rule("order_id", W, N_("The message does not mention the order id.")),
    Rule(
        "coupling",
        B,
        N_(
            "A gift and the request to withdraw the claim are in one message: it reads as a"
            " conditional offer. The gift goes with the apology; the withdrawal request is its"
            " own message, once the buyer confirms the problem is solved."
        ),
    ),
    Rule(
        "refund_coupling",
        W,
        N_(
            "A refund and the request to withdraw the claim are in one message: make sure the"
            " refund cannot read as conditional on the withdrawal, or send them as two messages."
        ),
    ),
)
