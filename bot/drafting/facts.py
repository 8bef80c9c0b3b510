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
        "gift": gift.description if (gift := store.gifts.get(facts.marketplace)) else None,
        "gift_value": gift.value if gift else None,
        "store_name": store.name,
        "signature": store.signature,
        "agent_name": agent_name,
    }
    return values
