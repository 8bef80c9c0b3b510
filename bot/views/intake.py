"""The /new intake's screens: each question with its buttons, the details screen, what a
pasted notice was understood to say, and the one-line summaries a pressed question turns into.

Pure: answers and a translator in, text and (label, data) rows out. The button data is a short
prefix per question and the value (`mp:DE`); bot/handlers/intake.py checks both on arrival.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from bot.domain.claims import Fulfillment, Reason
from bot.domain.intake import OPTIONAL, IntakeAnswers, IntakeStep
from bot.domain.marketplaces import MARKETPLACES
from bot.domain.notices import Notice
from bot.i18n.translator import Translator
from bot.views.card import Rows, labelled, money, quote
from bot.views.labels import (
    FIELD_PROMPTS,
    FIELDS,
    FULFILLMENTS,
    REASONS,
    language_name,
    marketplace_name,
)

# Button data prefixes: the question a button answers.
ORDER_BUTTON: Final = "oid:"
MARKETPLACE_BUTTON: Final = "mp:"
FULFILLMENT_BUTTON: Final = "ff:"
REASON_BUTTON: Final = "rs:"
LANGUAGE_BUTTON: Final = "lang:"
DETAIL_BUTTON: Final = "dt:"
BACK_BUTTON: Final = "ib:"
STORE_BUTTON: Final = "ist:"
OPEN: Final = "open"  # DETAIL_BUTTON + OPEN opens the claim
# The question each answer button belongs to.
BUTTON_STEPS: Final = {
    STORE_BUTTON: IntakeStep.STORE,
    ORDER_BUTTON: IntakeStep.ORDER_ID,
    MARKETPLACE_BUTTON: IntakeStep.MARKETPLACE,
    FULFILLMENT_BUTTON: IntakeStep.FULFILLMENT,
    REASON_BUTTON: IntakeStep.REASON,
    LANGUAGE_BUTTON: IntakeStep.LANGUAGE,
    DETAIL_BUTTON: IntakeStep.DETAILS,
}
MAX_ECHO: Final = 40


def question(
    tr: Translator,
    answers: IntakeAnswers,
    step: IntakeStep,
    hint: str | None = None,
    stores: Mapping[int, str] | None = None,
) -> tuple[str, Rows]:
    """The question for `step` (after `hint`, when asked again) and its buttons; `stores`:
    the stores the agent may choose, by id, for the store question."""
    _ = tr.gettext
    rows: Rows = []
    if step is IntakeStep.STORE:
        text = _("Which store is the claim for? Tap it, or type its name.")
        rows = [[(name, f"{STORE_BUTTON}{sid}")] for sid, name in (stores or {}).items()]
    elif step is IntakeStep.ORDER_ID:
        text = _(
            "Which order is the claim about? Send the Amazon order id, for example"
            " 123-1234567-1234567, or paste Amazon's whole claim notification."
        )
        rows = [[(i, f"{ORDER_BUTTON}{n}")] for n, i in enumerate(answers.order_ids)]
    elif step is IntakeStep.MARKETPLACE:
        text = _("Which marketplace? Tap it, or type its code or domain (DE, amazon.co.uk).")
        buttons = [
            (f"{code} · {marketplace_name(code, tr)}", MARKETPLACE_BUTTON + code)
            for code in MARKETPLACES
        ]
        rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    elif step is IntakeStep.FULFILLMENT:
        text = _("Who shipped the order?")
        rows = [[(_(label), FULFILLMENT_BUTTON + f.value)] for f, label in FULFILLMENTS.items()]
    elif step is IntakeStep.REASON:
        text = _("What does the buyer say is wrong?")
        rows = [[(_(label), REASON_BUTTON + r.value)] for r, label in REASONS.items()]
    elif step is IntakeStep.LANGUAGE:
        market = MARKETPLACES[str(answers.marketplace)]
        text = _(
            "Which language does the buyer write in? Default for %(marketplace)s:"
            " %(language)s. Tap one, or type another language code (en, fr, ja...)."
        ) % {"marketplace": market.code, "language": language_name(market.default_language, tr)}
        rows = [[(language_name(code, tr), LANGUAGE_BUTTON + code) for code in market.languages]]
    elif step is IntakeStep.DETAILS:
        text, rows = _details(tr, answers)
    else:
        text = _(FIELD_PROMPTS[str(answers.detail)])
    if step not in (IntakeStep.STORE, IntakeStep.ORDER_ID, IntakeStep.DETAILS):
        rows.append(back_row(tr, step))
    return (f"{hint}\n\n{text}" if hint else text), rows


def reason_labels(tr: Translator) -> dict[str, Reason]:
    """The reason buttons' labels as the agent reads them, for a reason typed as its label."""
    return {tr.gettext(label): reason for reason, label in REASONS.items()}


def back_row(tr: Translator, step: IntakeStep) -> list[tuple[str, str]]:
    return [("◂ " + tr.gettext("Back"), BACK_BUTTON + step.value)]


def _details(tr: Translator, answers: IntakeAnswers) -> tuple[str, Rows]:
    _ = tr.gettext
    lines = [
        _("Order %(order_id)s · %(marketplace)s · %(fulfillment)s · %(reason)s · %(language)s")
        % {
            "order_id": answers.order_id,
            "marketplace": answers.marketplace,
            "fulfillment": _(FULFILLMENTS[answers.fulfillment or Fulfillment.FBM]),
            "reason": _(REASONS[answers.reason or Reason.OTHER]),
            "language": language_name(str(answers.language), tr),
        },
        "",
        _(
            "Anything else you know? All optional: tap to add, or open the claim now. You can"
            " add facts later from the claim card too."
        ),
    ]
    rows: Rows = []
    for name in OPTIONAL:
        value = answers.details.get(name)
        label = labelled(tr, _(FIELDS[name]), quote(value, 24)) if value else _(FIELDS[name])
        rows.append([(("✓ " if value else "+ ") + label, DETAIL_BUTTON + name)])
    rows.append(
        [
            ("◂ " + _("Back"), BACK_BUTTON + IntakeStep.DETAILS.value),
            (_("Open the claim") + " ▸", DETAIL_BUTTON + OPEN),
        ]
    )
    return "\n".join(lines), rows


def understood(tr: Translator, notice: Notice, answers: IntakeAnswers) -> list[str]:
    """What the intake took from a pasted notice, one line each."""
    _ = tr.gettext
    lines: list[str] = []
    if len(notice.order_ids) == 1:
        lines.append(order_summary(tr, notice.order_ids[0]))
    if notice.marketplace is not None and notice.marketplace in MARKETPLACES:
        lines.append(marketplace_summary(tr, notice.marketplace))
    if notice.reason is not None:
        lines.append(_("Reason: %(reason)s") % {"reason": _(REASONS[notice.reason])})
    amount = answers.details.get("claim_amount")
    if notice.amount is not None and notice.currency and amount:
        lines.append(_("Claim amount: %(amount)s") % {"amount": money(tr, amount, notice.currency)})
    if notice.filed_on is not None:
        lines.append(_("Filed on: %(date)s") % {"date": tr.date(notice.filed_on)})
    if notice.respond_by is not None:
        lines.append(_("Respond by: %(date)s") % {"date": tr.date(notice.respond_by)})
    return lines


def notice_summary(tr: Translator, lines: list[str], *, several_orders: bool) -> str:
    _ = tr.gettext
    text = [_("From the notice I understood:"), *(f"• {line}" for line in lines)]
    if several_orders:
        text.append(_("It names several orders: tap the one this claim is about."))
    text.append(
        _("I ask for the rest. Tap Back on a question to correct an answer I took from it.")
    )
    return "\n".join(text)


# --- What a pressed question turns into --------------------------------------------------------
def store_summary(tr: Translator, name: str) -> str:
    return tr.gettext("Store: %(store)s") % {"store": name}


def order_summary(tr: Translator, order_id: str) -> str:
    return tr.gettext("Order: %(order_id)s") % {"order_id": order_id}


def marketplace_summary(tr: Translator, code: str) -> str:
    return tr.gettext("Marketplace: %(marketplace)s") % {
        "marketplace": tr.bracketed(marketplace_name(code, tr), code)
    }


def fulfillment_summary(tr: Translator, fulfillment: Fulfillment) -> str:
    return tr.gettext("Shipped by: %(fulfillment)s") % {
        "fulfillment": tr.gettext(FULFILLMENTS[fulfillment])
    }


def reason_summary(tr: Translator, reason: Reason) -> str:
    return tr.gettext("Reason: %(reason)s") % {"reason": tr.gettext(REASONS[reason])}


def language_summary(tr: Translator, language: str) -> str:
    return tr.gettext("Buyer language: %(language)s") % {"language": language_name(language, tr)}


def opened(tr: Translator, number: int, order_id: str, *, dated_by_notice: bool) -> str:
    _ = tr.gettext
    if dated_by_notice:
        note = _("The deadline comes from Amazon's notice.")
    else:
        note = _(
            "The deadline counts 72 hours from when you started this claim here. If Amazon's"
            " notice is older, the real deadline is earlier."
        )
    head = _("Claim #%(number)s opened for order %(order_id)s.") % {
        "number": number,
        "order_id": order_id,
    }
    return head + "\n" + note


def echo(text: str) -> str:
    """Quote the agent's input back without flooding the chat."""
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_ECHO else flat[: MAX_ECHO - 1] + "…"
