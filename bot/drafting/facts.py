"""From a claim and the store profile to the facts a template reads."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from bot.domain.claims import Cause, ClaimFacts
from bot.domain.contact import ContactEntry
from bot.domain.drafts import SOLUTION_KINDS, DraftKind, sent_kinds
from bot.settings import StoreProfile

# Extra facts agents type during the journey that templates read under the same name.
_EXTRA_FACTS = (
    "usage_steps",
    "delay_cause",
    "delay_next",
    "delivery_date",
    "contact_summary",
    "concession",
    "proposal",
    "gift",  # typed on the claim: stands in for the store's gift for the marketplace
)


def draft_facts(
    facts: ClaimFacts,
    store: StoreProfile,
    *,
    language: str | None = None,
    agent_name: str | None = None,
    contacted_on: date | None = None,
    cause: Cause | None = None,
    replied: bool = False,
    documents_sent: bool = False,
    contact: Iterable[ContactEntry] = (),
) -> dict[str, object]:
    """Everything a template may read about a claim: its facts, the extra facts typed during
    the journey (the claim amount stands in for the refund amount), and the store profile
    signed for `language`, the language the draft is written in (default: the buyer's)."""
    extra = facts.extra
    values: dict[str, object] = {
        "order_id": facts.order_id,
        "marketplace": facts.marketplace,
        "buyer_name": facts.buyer_name,
        "product": facts.product,
        "reason": facts.reason.value,
        "fulfillment": facts.fulfillment.value,
        "carrier": facts.carrier,
        "tracking_number": facts.tracking_number,
        "agent_name": agent_name,
        **store_facts(store, facts.marketplace, language or facts.buyer_language),
    }
    values.update({key: extra[key] for key in _EXTRA_FACTS if extra.get(key)})
    if extra.get("gift"):
        values["gift_value"] = None  # the store's value belongs to the store's gift
    amount = extra.get("refund_amount") or extra.get("claim_amount")
    if amount:
        values["refund_amount"] = amount
    if extra.get("claim_currency"):
        values["currency"] = extra["claim_currency"]
    if contacted_on is not None:
        values["contacted_on"] = contacted_on.isoformat()
    # Only a recorded buyer reply is thanked for: a draft never says "thank you for your
    # reply" to a buyer who has not replied.
    values["replied"] = replied
    if cause is not None:
        values["cause"] = cause.value  # what the buyer's reply showed, for the statement
    # Likewise the statement says documents were sent only when the agent ticked it.
    values["documents_sent"] = documents_sent
    # ... and that a solution was offered, or a replacement or refund made, only when such a
    # message was marked sent.
    sent = sent_kinds(extra)
    values["solution_offered"] = any(kind.value in sent for kind in SOLUTION_KINDS)
    values["replacement_sent"] = DraftKind.REPLACEMENT.value in sent
    values["refund_sent"] = DraftKind.REFUND.value in sent
    # The contact with the buyer as recorded (messages marked sent, replies), for the statement.
    values["contact_log"] = [entry.as_fact() for entry in contact]
    return values


def store_facts(store: StoreProfile, marketplace: str, language: str) -> dict[str, object]:
    """What the store profile contributes: the sign-off for the language the draft is written
    in, and the gift for the marketplace."""
    gift = store.gifts.get(marketplace)
    return {
        "store_name": store.name,
        "signature": store.signature_for(language),
        "gift": gift.description if gift else None,
        "gift_value": gift.value if gift else None,
    }
