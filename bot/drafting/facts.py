"""From a claim and the store profile to the facts a template reads."""

from __future__ import annotations

from bot.domain.claims import ClaimFacts
from bot.settings import StoreProfile


def draft_facts(
    facts: ClaimFacts, store: StoreProfile, *, agent_name: str | None = None
) -> dict[str, object]:
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
        **store_facts(store, facts.marketplace),
    }
    return values


def store_facts(store: StoreProfile, marketplace: str) -> dict[str, object]:
    """What the store profile contributes: the sign-off and the gift for the marketplace."""
    gift = store.gifts.get(marketplace)
    return {
        "store_name": store.name,
        "signature": store.signature,
        "gift": gift.description if gift else None,
        "gift_value": gift.value if gift else None,
    }
