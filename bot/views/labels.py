"""Names of closed vocabularies as the agent reads them (English msgids, translated on use)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from babel import Locale

from bot.domain.claims import Fulfillment, Reason
from bot.domain.drafts import DraftKind
from bot.domain.text import N_
from bot.i18n.translator import Translator
from bot.storage.repositories import Role

ROLES: Final = MappingProxyType(
    {
        Role.ADMIN: N_("admin"),
        Role.LEAD: N_("team lead"),
        Role.AGENT: N_("agent"),
    }
)

REASONS: Final = MappingProxyType(
    {
        Reason.NOT_RECEIVED: N_("Item not received"),
        Reason.LATE_DELIVERY: N_("Delivered late"),
        Reason.NOT_AS_DESCRIBED: N_("Not as described"),
        Reason.DEFECTIVE: N_("Damaged or defective"),
        Reason.RETURN_NOT_REFUNDED: N_("Returned, not refunded"),
        Reason.RETURN_REFUSED: N_("Return refused"),
        Reason.OTHER: N_("Other"),
    }
)

FULFILLMENTS: Final = MappingProxyType(
    {
        Fulfillment.FBM: N_("Seller-shipped (FBM)"),
        Fulfillment.FBA: N_("Fulfilled by Amazon (FBA)"),
    }
)

DRAFT_KINDS: Final = MappingProxyType(
    {
        DraftKind.INQUIRY: N_("First contact: apology and question"),
        DraftKind.USAGE_HELP: N_("Usage help"),
        DraftKind.REPLACEMENT: N_("Replacement offer"),
        DraftKind.REFUND: N_("Refund offer"),
        DraftKind.DELIVERY_DELAY: N_("Delivery delay: apology, gift and withdrawal request"),
        DraftKind.GIFT_OFFER: N_("Goodwill gift"),
        DraftKind.WITHDRAWAL_REQUEST: N_("Request to withdraw the claim"),
        DraftKind.AMAZON_STATEMENT: N_("Statement to Amazon"),
        DraftKind.FOLLOW_UP: N_("Follow-up"),
    }
)


def language_name(code: str, tr: Translator) -> str:
    """`de` -> "German" / "德语", in the agent's language, from CLDR."""
    try:
        name = Locale.parse(code).get_display_name(tr.locale)
    except (ValueError, LookupError):
        return code
    return name or code


def marketplace_name(code: str, tr: Translator) -> str:
    """`DE` -> "Germany"; Amazon's `UK` is the ISO territory `GB`."""
    territory = "GB" if code == "UK" else code
    name: str | None = tr.locale.territories.get(territory)
    return name or code
