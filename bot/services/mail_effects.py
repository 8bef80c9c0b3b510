"""What a mail other than a claim notice does to the order's claim (issue 15), computed from
the claim as it is: bot/services/mail.py applies it in the transaction that records the mail.

- a request for more information starts the 48-hour clock on the order's open claim;
- a buyer's message is recorded as the buyer's reply, as `Journey.record_reply` records one
  typed by an agent (the 24-hour clock starts);
- Amazon's decision (or an appeal's) is noted on the order's latest claim, open or closed, as
  a proposal: the agent confirms the outcome on the card; the mail never closes a claim.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.claims import Claim, ClaimChange
from bot.domain.fields import FIELDS, FieldError, parse_field
from bot.domain.journey import step_after_reply
from bot.domain.mail import MailKind, MailText
from bot.domain.mail_kinds import (
    DECISION_AT_FACT,
    DECISION_FACT,
    DECISION_KIND_FACT,
    buyer_text,
    decision_of,
)

# The kinds that act on a claim already there, and the claims each may act on.
FOLLOW_UPS = frozenset({MailKind.INFO_REQUEST, MailKind.DECISION, MailKind.BUYER_MESSAGE})


@dataclass(frozen=True, slots=True)
class MailEffect:
    event: str
    payload: dict[str, object]
    change: ClaimChange
    closed_too: bool = False  # a decision is noted on a closed claim too


def target_claim(kind: MailKind, claims: Sequence[Claim]) -> Claim | None:
    """Of the order's claims (newest first), the one the mail is about: the open one, or for
    a decision the latest (an appeal's result concerns a closed claim)."""
    if kind is MailKind.DECISION:
        return claims[0] if claims else None
    return next((claim for claim in claims if not claim.is_closed), None)


def mail_moment(mail: MailText, received: datetime) -> datetime:
    """When the mail says it was sent (its Date), else when it came in; never later than that
    (a sender's clock ahead of ours must not push a deadline out)."""
    return min(mail.date, received) if mail.date is not None else received


def effect_of(
    kind: MailKind,
    mail: MailText,
    claim: Claim,
    *,
    received: datetime,
    key: str,
    source: str,
) -> MailEffect | None:
    """The change the mail makes to `claim`; None when it has nothing to record (a decision
    whose outcome cannot be read)."""
    when = mail_moment(mail, received)
    if kind is MailKind.INFO_REQUEST:
        return MailEffect(
            "info_requested",
            {"message_id": key, "source": source},
            ClaimChange(info_requested_at=when),
        )
    if kind is MailKind.BUYER_MESSAGE:
        reply = buyer_reply(mail)
        extra = dict(claim.facts.extra)
        if reply:
            extra["buyer_reply"] = reply
        return MailEffect(
            "buyer_replied",
            {"summary_length": len(reply), "source": "mail", "message_id": key},
            ClaimChange(extra=extra, replied_at=when, step=step_after_reply(claim)),
        )
    decision = decision_of(mail.subject, mail.text)
    if kind is not MailKind.DECISION or decision is None:
        return None
    extra = {
        **claim.facts.extra,
        DECISION_FACT: decision.outcome.value,
        DECISION_AT_FACT: when.date().isoformat(),
        DECISION_KIND_FACT: decision.kind.value,
    }
    return MailEffect(
        "decision_mailed",
        {
            "message_id": key,
            "source": source,
            "outcome": decision.outcome.value,
            "kind": decision.kind.value,
        },
        ClaimChange(extra=extra),
        closed_too=True,
    )


def buyer_reply(mail: MailText) -> str:
    """The buyer's words as the `buyer_reply` fact stores them, cut to its limit; "" for a
    message without text (an attachment only): its time is still recorded."""
    limit = FIELDS["buyer_reply"].limit
    text = buyer_text(mail.text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    try:
        return parse_field("buyer_reply", text)
    except FieldError:
        return ""
