"""The claim card's text: the claim's basics, deadlines and facts, the plan with the current
step marked, the step's hint and the plan's warnings; for a closed claim, its outcome."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from bot.domain.claims import Claim, Outcome, fulfillment_unconfirmed
from bot.domain.deadlines import Urgency, urgency
from bot.domain.drafts import DraftKind
from bot.domain.fields import DELAY_CAUSES
from bot.domain.journey import (
    Deadline,
    appeal_until,
    cause_applies,
    cautions,
    claim_currency,
    claim_deadlines,
    delay_cause_applies,
    fact_value,
    plan_of,
    stage_of,
    step_done,
    step_index,
)
from bot.domain.mail_kinds import DECISION_KIND_FACT, DecisionKind, mailed_decision
from bot.domain.marketplaces import MARKETPLACES
from bot.domain.stores import store_unconfirmed
from bot.i18n.translator import Translator
from bot.views import labels
from bot.views.card.base import labelled, money, quote
from bot.views.card.steps import step_hint
from bot.views.claims import deadline_line, time_left
from bot.views.labels import language_name, marketplace_name


def card_text(
    tr: Translator,
    claim: Claim,
    now: datetime,
    sent: frozenset[DraftKind] = frozenset(),
    stores: Mapping[int, str] | None = None,
) -> str:
    """The card; `sent` are the kinds of the claim's drafts marked as sent; `stores`: the
    team's stores by id when it has several (the card then names the claim's)."""
    _ = tr.gettext
    facts = claim.facts
    market = MARKETPLACES[facts.marketplace]
    lines = [
        _("Claim #%(number)s · order %(order_id)s")
        % {"number": claim.id, "order_id": facts.order_id},
        " · ".join(
            [
                f"{marketplace_name(facts.marketplace, tr)} ({facts.marketplace})",
                _(labels.FULFILLMENTS[facts.fulfillment]),
                _(labels.REASONS[facts.reason]),
                language_name(facts.buyer_language, tr),
            ]
        ),
        _("Stage: %(stage)s") % {"stage": _(labels.STAGES[stage_of(claim.step, claim.outcome)])},
    ]
    if stores is not None:
        name = stores.get(claim.store_id) or str(claim.store_id)
        lines.insert(2, _("Store: %(store)s") % {"store": name})
    if claim.outcome is not None:
        lines.extend(["", *outcome_lines(tr, claim), *decision_lines(tr, claim)])
        return "\n".join(lines)
    lines.append(
        _("Respond to Amazon by %(deadline)s.")
        % {"deadline": tr.datetime(claim.respond_by, market.time_zone)}
    )
    lines.append(deadline_line(tr, claim.respond_by, now))
    if urgency(claim.respond_by, now) is Urgency.OVERDUE:
        lines.append(overdue_line(tr))
    lines.extend(other_deadlines(tr, claim, now))
    lines.extend(decision_lines(tr, claim))
    facts_block = fact_lines(tr, claim)
    if facts_block:
        lines.extend(["", *facts_block])
    plan = plan_of(claim)
    index = step_index(claim)
    lines.extend(
        [
            "",
            _("Plan (step %(step)s of %(steps)s):") % {"step": index + 1, "steps": len(plan.steps)},
        ]
    )
    for number, step in enumerate(plan.steps):
        mark = "✓" if step_done(claim, number) else ("→" if number == index else "·")
        lines.append(f"{mark} {number + 1}. {_(step.title)}")
    hint = step_hint(tr, claim, now)
    if hint:
        lines.extend(["", hint])
    warnings = [_(caution.text) for caution in cautions(claim, sent)]
    if stores is not None and store_unconfirmed(claim) and claim.outcome is None:
        warnings.insert(
            0,
            _(
                "Store not confirmed: the address Amazon's mail was sent to belongs to none of"
                " your stores. Choose the store below; its drafts are signed with that"
                " store's name."
            ),
        )
    if fulfillment_unconfirmed(claim) and claim.outcome is None:
        warnings.insert(
            0,
            _(
                "Amazon's mail does not say who shipped this order: check it before you follow"
                " the plan."
            ),
        )
    if warnings:
        lines.append("")
        lines.extend(f"⚠ {text}" for text in warnings)
    return "\n".join(lines)


def overdue_line(tr: Translator) -> str:
    """What to do once Amazon's response time has passed: answer at once, with what there is."""
    return "🔴 " + tr.gettext(
        "Amazon may now decide without your side: respond at once with what you have. Prepare"
        " the statement to Amazon (button below) and paste it under the claim in Seller Central"
        " (Performance → A-to-z Guarantee claims → “Respond to Amazon”); missing evidence can"
        " follow. If Amazon has already decided, record the outcome: a claim granted against"
        " you can be appealed within 30 days."
    )


def other_deadlines(tr: Translator, claim: Claim, now: datetime) -> list[str]:
    """The deadlines besides Amazon's respond-by: an information request, a buyer's message."""
    _ = tr.gettext
    zone = MARKETPLACES[claim.facts.marketplace].time_zone
    lines = []
    for kind, due in claim_deadlines(claim):
        values = {"deadline": tr.datetime(due, zone), "left": time_left(tr, due, now)}
        if kind is Deadline.INFORMATION:
            lines.append(
                "📨 "
                + _("Amazon asked for information: answer by %(deadline)s (%(left)s).") % values
            )
        elif kind is Deadline.BUYER_ANSWER:
            lines.append("💬 " + _("The buyer wrote: answer by %(deadline)s (%(left)s).") % values)
    return lines


def decision_lines(tr: Translator, claim: Claim) -> list[str]:
    """Amazon's decision as its mail proposed it (bot/services/mail_effects.py): the agent
    confirms it with the card's button, the mail alone closes nothing."""
    _ = tr.gettext
    decision = mailed_decision(claim)
    if decision is None:
        return []
    values = {"outcome": _(labels.OUTCOMES[decision])}
    if claim.facts.extra.get(DECISION_KIND_FACT) == DecisionKind.APPEAL:
        return ["⚖ " + _("Amazon's decision on the appeal (by mail): %(outcome)s") % values]
    return ["⚖ " + _("Amazon's decision (by mail): %(outcome)s") % values]


def fact_lines(tr: Translator, claim: Claim) -> list[str]:
    """The facts known beyond the basics, one per line."""
    _ = tr.gettext
    lines: list[str] = []
    extra = claim.facts.extra
    if extra.get("claim_amount"):
        lines.append(
            _("Claim amount: %(amount)s")
            % {"amount": money(tr, extra["claim_amount"], claim_currency(claim))}
        )
    for name in ("buyer_name", "product", "carrier", "tracking_number", "delivery_date"):
        value = fact_value(claim, name)
        if value:
            if name == "delivery_date":
                value = tr.date(date.fromisoformat(value))
            lines.append(labelled(tr, _(labels.FIELDS[name]), quote(value, 80)))
    if extra.get("delay_cause") in DELAY_CAUSES and delay_cause_applies(claim):
        lines.append(
            _("Cause of the delay: %(cause)s")
            % {"cause": _(labels.DELAY_CAUSES[extra["delay_cause"]])}
        )
    if extra.get("delay_next") in labels.DELAY_NEXT and delay_cause_applies(claim):
        lines.append(labelled(tr, _("What happens now"), _(labels.DELAY_NEXT[extra["delay_next"]])))
    for name in ("buyer_said", "buyer_reply"):
        if extra.get(name):
            lines.append(labelled(tr, _(labels.FIELDS[name]), f"“{quote(extra[name])}”"))
    if claim.cause is not None and cause_applies(claim):
        lines.append(_("Cause found: %(cause)s") % {"cause": _(labels.CAUSES[claim.cause])})
    if claim.contacted_at is None:
        lines.append(_("No message to the buyer is recorded yet."))
    return lines


def odr_line(tr: Translator, outcome: Outcome) -> str:
    _ = tr.gettext
    if outcome.counts_in_odr:
        return _("ODR: this claim counts against your Order Defect Rate.")
    return _("ODR: this claim does not count against your Order Defect Rate.")


def outcome_lines(tr: Translator, claim: Claim) -> list[str]:
    _ = tr.gettext
    if claim.outcome is None:
        return []
    lines = [
        _("Closed: %(outcome)s.") % {"outcome": _(labels.OUTCOMES[claim.outcome])},
        odr_line(tr, claim.outcome),
    ]
    until = appeal_until(claim)
    if until is not None:
        lines.append(
            _("You can appeal until %(date)s.")
            % {"date": tr.datetime(until, MARKETPLACES[claim.facts.marketplace].time_zone)}
        )
    return lines
