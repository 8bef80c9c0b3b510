"""Names of closed vocabularies as the agent reads them (English msgids, translated on use)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from babel import Locale

from bot.domain.claims import Cause, Evidence, Fulfillment, Outcome, Reason, Stage
from bot.domain.drafts import DraftKind
from bot.domain.mail import MailKind
from bot.domain.people import Role
from bot.domain.text import N_
from bot.i18n.translator import Translator

ROLES: Final = MappingProxyType(
    {
        Role.ADMIN: N_("admin"),
        Role.LEAD: N_("team lead"),
        Role.AGENT: N_("agent"),
    }
)

# The audit trail's event kinds.
EVENTS: Final = MappingProxyType(
    {
        "claim_opened": N_("Claim opened"),
        "claim_from_mail": N_("Opened from Amazon's e-mail"),
        "draft_generated": N_("Draft written"),
        "draft_edited": N_("Draft edited"),
        "draft_submitted": N_("Submitted for review"),
        "draft_approved": N_("Approved"),
        "draft_returned": N_("Returned to the agent"),
        "draft_sent": N_("Marked as sent"),
        "buyer_replied": N_("Buyer's reply recorded"),
        "cause_chosen": N_("Cause chosen"),
        "step_changed": N_("Plan step changed"),
        "fact_changed": N_("Fact changed"),
        "evidence_ticked": N_("Evidence ticked"),
        "evidence_unticked": N_("Evidence unticked"),
        "outcome_recorded": N_("Outcome recorded"),
        "claim_reassigned": N_("Claim reassigned"),
        "claim_taken": N_("Taken from the unassigned queue"),
        "claim_assigned": N_("Assigned from the unassigned queue"),
        "claim_in_turn": N_("Given to the next agent in turn"),
        "user_added": N_("Person added"),
        "role_changed": N_("Role changed"),
        "user_stores_changed": N_("Stores of a person changed"),
        "user_removed": N_("Person removed"),
        "setting_changed": N_("Setting changed"),
        "info_requested": N_("Amazon asked for information"),
        "problem_solved": N_("The buyer confirmed the problem is solved"),
    }
)

# What a mail the intake read is (issue 15), as /mails lists the ones left for an admin: a
# request, a decision or a buyer's message is only left when no open claim matches it.
MAIL_KINDS: Final = MappingProxyType(
    {
        MailKind.CLAIM_NOTICE: N_("claim notice"),
        MailKind.INFO_REQUEST: N_("information request with no open claim"),
        MailKind.DECISION: N_("decision with no claim"),
        MailKind.BUYER_MESSAGE: N_("buyer message with no open claim"),
        MailKind.NOT_AMAZON: N_("not from Amazon"),
        MailKind.NOT_UNDERSTOOD: N_("not understood"),
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
        DraftKind.DELIVERY_DELAY: N_("Delivery delay: apology, cause and gift"),
        DraftKind.GIFT_OFFER: N_("Goodwill gift"),
        DraftKind.WITHDRAWAL_REQUEST: N_("Request to withdraw the claim"),
        DraftKind.AMAZON_STATEMENT: N_("Statement to Amazon"),
        DraftKind.FOLLOW_UP: N_("Follow-up"),
        DraftKind.FREE: N_("Your own message"),
    }
)

STAGES: Final = MappingProxyType(
    {
        Stage.NEW: N_("New"),
        Stage.CONTACTING_BUYER: N_("Contacting the buyer"),
        Stage.AWAITING_REPLY: N_("Waiting for the buyer's reply"),
        Stage.HANDLING: N_("Handling the problem"),
        Stage.AWAITING_WITHDRAWAL: N_("Waiting for the withdrawal"),
        Stage.AWAITING_AMAZON: N_("Waiting for Amazon"),
        Stage.CLOSED: N_("Closed"),
    }
)

OUTCOMES: Final = MappingProxyType(
    {
        Outcome.WITHDRAWN: N_("Withdrawn by the buyer"),
        Outcome.DENIED: N_("Denied (decided for you)"),
        Outcome.GRANTED_SELLER_FUNDED: N_("Granted, paid by you"),
        Outcome.GRANTED_AMAZON_FUNDED: N_("Granted, paid by Amazon"),
        Outcome.CLOSED_BY_REFUND: N_("Closed by your refund"),
    }
)

CAUSES: Final = MappingProxyType(
    {
        Cause.USAGE: N_("Does not know how to use it"),
        Cause.DEFECTIVE: N_("Really defective"),
        Cause.DELIVERY: N_("Delivery problem"),
        Cause.OTHER: N_("Something else"),
    }
)

EVIDENCE: Final = MappingProxyType(
    {
        Evidence.CARRIER: N_("Carrier"),
        Evidence.TRACKING: N_("Tracking number"),
        Evidence.DELIVERY: N_("Delivery confirmation"),
        Evidence.CONTACT: N_("Contact with the buyer so far"),
        Evidence.DOCUMENTS: N_("Documents sent to the buyer's message thread"),
    }
)

DELAY_CAUSES: Final = MappingProxyType(
    {
        "carrier_delay": N_("Carrier delay"),
        "customs": N_("Customs"),
        "weather": N_("Weather"),
        "address_issue": N_("Address problem"),
        "lost": N_("Lost in transit"),
        "stuck": N_("Stuck in transit"),
    }
)
# What happens now with a late parcel (the delay message says it to the buyer).
DELAY_NEXT: Final = MappingProxyType(
    {
        "on_its_way": N_("Tracking shows it on its way"),
        "delivered": N_("Tracking shows it delivered"),
        "new_parcel": N_("We send a new parcel"),
        "refund": N_("We refund the order"),
    }
)

# The facts an agent types, as they read them in the facts menu.
FIELDS: Final = MappingProxyType(
    {
        "buyer_name": N_("Buyer name"),
        "product": N_("Product"),
        "carrier": N_("Carrier"),
        "tracking_number": N_("Tracking number"),
        "buyer_said": N_("What the buyer said before"),
        "buyer_reply": N_("The buyer's reply"),
        "usage_steps": N_("Usage steps"),
        "delivery_date": N_("Delivery date"),
        "contact_summary": N_("Contact with the buyer so far"),
        "concession": N_("Concessions so far"),
        "proposal": N_("Your proposal to Amazon"),
        "gift": N_("Goodwill gift"),
        "claim_amount": N_("Claim amount"),
    }
)

# What the bot asks when it needs a fact typed in.
FIELD_PROMPTS: Final = MappingProxyType(
    {
        "buyer_name": N_("Send the buyer's name as it should appear in the greeting."),
        "product": N_("Send the product name, short, as the buyer knows it."),
        "carrier": N_("Send the carrier's name (DHL, UPS, Royal Mail...)."),
        "tracking_number": N_("Send the tracking number."),
        "buyer_said": N_("Paste or summarise what the buyer wrote before the claim."),
        "buyer_reply": N_(
            "Paste the buyer's reply, or summarise it in a few words. Then you will pick the cause."
        ),
        "usage_steps": N_(
            "Send the steps that solve the buyer's problem, one per line, in the buyer's"
            " language. They go into the message as you write them."
        ),
        "delivery_date": N_(
            "Send the date the carrier confirms delivery, like 2026-11-28 or 28.11.2026."
        ),
        "contact_summary": N_(
            "Summarise your contact with the buyer so far, in the language of the statement"
            " (for example: we wrote on 2 Nov, the buyer replied on 3 Nov and accepted a"
            " replacement)."
        ),
        "concession": N_("Send what you have granted so far (a partial refund, a gift...)."),
        "proposal": N_("Send what you propose to Amazon, in the language of the statement."),
        "gift": N_(
            "Send the goodwill gift as the buyer should read it, in the buyer's language (for"
            " example: zwei Ersatzfilter). It is offered as an apology, with no condition."
        ),
        "claim_amount": N_("Send the claim amount as a number, like 49.90."),
        "free": N_(
            "Write the message to the buyer in their language and send it here. I will check it"
            " against the messaging rules and keep it as a draft."
        ),
        "edit": N_(
            "Send the corrected text of the whole message. The generated text stays stored for"
            " comparison."
        ),
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


def native_language_name(code: str) -> str:
    """A language in its own words, as a language menu shows it: "English", "中文 (简体)"."""
    try:
        locale = Locale.parse(code)
    except (ValueError, LookupError):
        return code
    name = locale.get_display_name(locale) or code
    return name[:1].upper() + name[1:]
