"""The screens a card's buttons open: the outcome and its confirmation, the refund-first
guard, every draft kind, the facts and the basics (reason, shipper, language), the delay
cause, the evidence checklist, and the prompt for a typed answer."""

from __future__ import annotations

from bot.domain.claims import Claim, Evidence, Outcome
from bot.domain.contact import statement_language, statement_languages
from bot.domain.drafts import DraftKind
from bot.domain.fields import EDITABLE, delay_next_choices
from bot.domain.journey import EVIDENCE_FACT, fact_value
from bot.domain.marketplaces import BUYER_LANGUAGES, MARKETPLACES
from bot.i18n.translator import Translator
from bot.views import labels
from bot.views.card.base import CHECK, Rows, labelled, quote
from bot.views.card.base import button_data as _b
from bot.views.card.text import odr_line
from bot.views.labels import language_name
from bot.views.prompts import never_mind


# --- Outcome -----------------------------------------------------------------------------------
def outcome_menu(tr: Translator, claim: Claim) -> tuple[str, Rows]:
    _ = tr.gettext
    text = _("How did the claim end? The claim closes when you confirm.")
    rows: Rows = [[(_(labels.OUTCOMES[o]), _b(claim, "out", o.value))] for o in Outcome]
    rows.append([("◂ " + _("Back to the claim"), _b(claim, "card"))])
    return text, rows


def outcome_confirm(tr: Translator, claim: Claim, outcome: Outcome) -> tuple[str, Rows]:
    _ = tr.gettext
    lines = [
        _("Record “%(outcome)s” and close claim #%(number)s?")
        % {"outcome": _(labels.OUTCOMES[outcome]), "number": claim.id},
        odr_line(tr, outcome),
    ]
    if outcome is Outcome.CLOSED_BY_REFUND and claim.contacted_at is None:
        lines.append(
            _(
                "No message to the buyer is recorded: a refund before talking to the buyer still"
                " counts in your ODR. If you have not refunded yet, write to the buyer first."
            )
        )
    rows: Rows = [
        [
            ("✓ " + _("Confirm"), _b(claim, "close", outcome.value)),
            ("◂ " + _("Back"), _b(claim, "out")),
        ]
    ]
    return "\n".join(lines), rows


# --- Refund-first guard ------------------------------------------------------------------------
def refund_guard(tr: Translator, claim: Claim) -> tuple[str, Rows]:
    _ = tr.gettext
    text = "\n\n".join(
        [
            "⛔ " + _("No message to the buyer is recorded for this claim yet."),
            _(
                "A refund before talking to the buyer makes Amazon rule against you, the claim"
                " still counts in your Order Defect Rate, and the money and the goods are both"
                " gone. Most claims end without a refund once the buyer has been asked what is"
                " wrong."
            ),
            _("Write to the buyer first. Draft the refund anyway only if you are sure."),
        ]
    )
    rows: Rows = [
        [("✉ " + _("Write to the buyer first"), _b(claim, "draft", DraftKind.INQUIRY.value))],
        [(_("I understand: draft the refund anyway"), _b(claim, "refund"))],
        [("◂ " + _("Back to the claim"), _b(claim, "card"))],
    ]
    return text, rows


# --- Menus -------------------------------------------------------------------------------------
def all_drafts_menu(tr: Translator, claim: Claim) -> tuple[str, Rows]:
    _ = tr.gettext
    rows: Rows = [
        [(_(labels.DRAFT_KINDS[kind]), _b(claim, "draft", kind.value))]
        for kind in DraftKind
        if kind.templated
    ]
    rows.append([("✍ " + _("Write your own message"), _b(claim, "free"))])
    rows.append([("◂ " + _("Back to the claim"), _b(claim, "card"))])
    return _("Every kind of message for this claim:"), rows


def facts_menu(tr: Translator, claim: Claim) -> tuple[str, Rows]:
    _ = tr.gettext
    rows: Rows = []
    for name in EDITABLE:
        value = fact_value(claim, name)
        shown = quote(value, 24) if value else "—"
        rows.append([(labelled(tr, _(labels.FIELDS[name]), shown), _b(claim, "fact", name))])
    rows.append(
        [
            (_("Reason"), _b(claim, "basic", "reason")),
            (_("Shipped by"), _b(claim, "basic", "ship")),
            (_("Buyer language"), _b(claim, "basic", "lang")),
        ]
    )
    rows.append([("◂ " + _("Back to the claim"), _b(claim, "card"))])
    return _("Tap a fact to set or correct it."), rows


def basics_menu(tr: Translator, claim: Claim, which: str) -> tuple[str, Rows] | None:
    _ = tr.gettext
    facts = claim.facts
    rows: Rows
    if which == "reason":
        text = _("What does the buyer say is wrong?")
        rows = [
            [(_(label), _b(claim, "reason", reason.value))]
            for reason, label in labels.REASONS.items()
            if reason is not facts.reason
        ]
    elif which == "ship":
        text = _("Who shipped the order?")
        rows = [
            [(_(label), _b(claim, "ship", f.value))]
            for f, label in labels.FULFILLMENTS.items()
            if f is not facts.fulfillment
        ]
    elif which == "lang":
        text = _("Which language does the buyer write in?")
        market = MARKETPLACES[facts.marketplace]
        # The marketplace's languages first, then every other language claimbot writes.
        codes = [*market.languages, *(c for c in BUYER_LANGUAGES if c not in market.languages)]
        buttons = [
            (language_name(c, tr), _b(claim, "lang", c)) for c in codes if c != facts.buyer_language
        ]
        rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    else:
        return None
    rows.append([("◂ " + _("Back"), _b(claim, "facts"))])
    return text, rows


def _chosen(label: str, chosen: bool) -> str:
    """A choice's label, marked when it is the one already recorded."""
    return f"✓ {label}" if chosen else label


def delay_menu(tr: Translator, claim: Claim) -> tuple[str, Rows]:
    _ = tr.gettext
    current = claim.facts.extra.get("delay_cause")
    rows: Rows = [
        [(_chosen(_(label), code == current), _b(claim, "delay", code))]
        for code, label in labels.DELAY_CAUSES.items()
    ]
    rows.append([("◂ " + _("Back to the claim"), _b(claim, "card"))])
    return _("What held up the delivery? The message explains it to the buyer."), rows


def delay_next_menu(tr: Translator, claim: Claim) -> tuple[str, Rows]:
    """What happens now with the late parcel: only the choices its cause allows (a lost
    parcel is neither on its way nor delivered)."""
    _ = tr.gettext
    extra = claim.facts.extra
    current = extra.get("delay_next")
    rows: Rows = [
        [(_chosen(_(labels.DELAY_NEXT[code]), code == current), _b(claim, "dnext", code))]
        for code in delay_next_choices(extra.get("delay_cause"))
    ]
    rows.append([("◂ " + _("Back to the claim"), _b(claim, "card"))])
    text = _(
        "What happens now with the parcel? The message tells the buyer, so choose what is"
        " true: the tracking, a new parcel, or a refund."
    )
    return text, rows


def statement_language_menu(tr: Translator, claim: Claim) -> tuple[str, Rows]:
    _ = tr.gettext
    current = statement_language(claim)
    rows: Rows = [
        [(_chosen(language_name(code, tr), code == current), _b(claim, "stlang", code))]
        for code in statement_languages(claim)
    ]
    rows.append([("◂ " + _("Back to the claim"), _b(claim, "card"))])
    text = _(
        "Which language should the statement to Amazon be in? Amazon reads the marketplace's"
        " language and English; the statement is prepared again in the one you tap."
    )
    return text, rows


def evidence_menu(tr: Translator, claim: Claim) -> tuple[str, Rows]:
    _ = tr.gettext
    rows: Rows = []
    for item in Evidence:
        fact = EVIDENCE_FACT.get(item)
        value = fact_value(claim, fact) if fact is not None else None
        name = _(labels.EVIDENCE[item])
        shown = labelled(tr, name, quote(value, 24)) if value else name
        label = f"{CHECK[item in claim.evidence]} {shown}"
        rows.append([(label, _b(claim, "evid", item.value))])
    rows.append(
        [
            (
                "✉ " + _(labels.DRAFT_KINDS[DraftKind.AMAZON_STATEMENT]),
                _b(claim, "draft", "amazon_statement"),
            )
        ]
    )
    rows.append([("◂ " + _("Back to the claim"), _b(claim, "card"))])
    text = _(
        "Evidence for the statement to Amazon. Tick each item once you have it; I ask for"
        " what is missing. Documents go to the buyer's message thread, not into the statement."
    )
    return text, rows


def input_prompt(
    tr: Translator, claim: Claim, field: str, hint: str | None = None
) -> tuple[str, Rows]:
    _ = tr.gettext
    prompt = labels.FIELD_PROMPTS.get(field)
    text = _(prompt) if prompt else _("Send the text.")
    text = _("Claim #%(number)s: %(prompt)s") % {"number": claim.id, "prompt": text}
    if hint:
        text = f"{hint}\n\n{text}"
    return text, [never_mind(tr, _b(claim, "stop"))]
