"""What the card adds for the step a claim is at: one table, `STEP_SCREENS`, keyed by `StepId`.

Each step may have a hint (what to do right now, beyond the step's title), buttons above its
drafts (what the step waits for: the cause, the evidence) and buttons below them. A new step
gets its screen here, in one place, instead of a branch in the text and another in the
keyboard.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Final

from bot.domain.claims import Claim, Evidence, StepId
from bot.domain.contact import statement_language
from bot.domain.journey import (
    causes_for,
    current_step,
    follow_up_due,
    follow_up_ready,
    is_solved,
    needs_cause,
)
from bot.domain.marketplaces import MARKETPLACES
from bot.i18n.translator import Translator
from bot.views import labels
from bot.views.card.base import Rows, labelled
from bot.views.card.base import button_data as _b
from bot.views.labels import language_name

Hint = Callable[[Translator, Claim, datetime], str | None]
Buttons = Callable[[Translator, Claim], Rows]


def _no_hint(_tr: Translator, _claim: Claim, _now: datetime) -> str | None:
    return None


def _no_buttons(_tr: Translator, _claim: Claim) -> Rows:
    return []


@dataclass(frozen=True, slots=True)
class StepScreen:
    hint: Hint = _no_hint
    above: Buttons = _no_buttons  # above the step's drafts
    below: Buttons = _no_buttons  # below them


# --- Hints -------------------------------------------------------------------------------------
def _contact_hint(tr: Translator, _claim: Claim, _now: datetime) -> str | None:
    return tr.gettext(
        "Next: prepare the first message, send it to the buyer in Amazon's message"
        " centre, then tap “Mark as sent” under it."
    )


def _await_hint(tr: Translator, claim: Claim, now: datetime) -> str | None:
    _ = tr.gettext
    due = follow_up_due(claim)
    if due is not None and not follow_up_ready(claim, now):
        return _(
            "When the buyer answers, tap “Buyer replied”. No answer by %(time)s? Then"
            " I offer a follow-up."
        ) % {"time": tr.datetime(due, MARKETPLACES[claim.facts.marketplace].time_zone)}
    if due is not None:
        return _(
            "24 hours without an answer: send the follow-up, or tap “Buyer replied” if"
            " the buyer has answered."
        )
    return _("When the buyer answers, tap “Buyer replied”.")


def _cause_hint(tr: Translator, claim: Claim, _now: datetime) -> str | None:
    if needs_cause(claim):
        return tr.gettext("What did the buyer's reply show? Pick the cause.")
    return None


def _check_return_hint(tr: Translator, _claim: Claim, _now: datetime) -> str | None:
    return tr.gettext("No message at this step: check the return, then tap “Next step”.")


def _evidence_hint(tr: Translator, claim: Claim, _now: datetime) -> str | None:
    ticked = len(claim.evidence)
    return tr.gettext(
        "Gather the evidence (%(ticked)s of %(total)s ticked), then prepare the statement"
        " and paste it into “Respond to Amazon”."
    ) % {"ticked": ticked, "total": len(Evidence)}


def _withdrawal_hint(tr: Translator, claim: Claim, _now: datetime) -> str | None:
    if is_solved(claim):
        return None
    return tr.gettext(
        "Ask for the withdrawal only once the buyer confirms the item arrived or the problem is"
        " solved: tap “Buyer confirms it is solved” when they do."
    )


def _outcome_hint(tr: Translator, _claim: Claim, _now: datetime) -> str | None:
    return tr.gettext("When Amazon or the buyer closes the claim, record the outcome.")


# --- Buttons -----------------------------------------------------------------------------------
def _pick_cause(tr: Translator, claim: Claim) -> Rows:
    if not needs_cause(claim):
        return []
    return [
        [(tr.gettext(labels.CAUSES[cause]), _b(claim, "cause", cause.value))]
        for cause in causes_for(claim)
    ]


def _change_cause(tr: Translator, claim: Claim) -> Rows:
    if claim.cause is None:
        return []
    return [[(tr.gettext("Change the cause"), _b(claim, "cause"))]]


def _buyer_replied(tr: Translator, claim: Claim) -> Rows:
    return [[("💬 " + tr.gettext("Buyer replied"), _b(claim, "reply"))]]


def _delay_facts(tr: Translator, claim: Claim) -> Rows:
    """The two facts the delay message states, each with its answer once chosen."""
    _ = tr.gettext
    extra = claim.facts.extra
    cause = labels.DELAY_CAUSES.get(extra.get("delay_cause", ""))
    following = labels.DELAY_NEXT.get(extra.get("delay_next", ""))
    return [
        [
            (
                labelled(tr, _("Cause of the delay"), _(cause))
                if cause
                else _("Cause of the delay"),
                _b(claim, "delay"),
            )
        ],
        [
            (
                labelled(tr, _("What happens now"), _(following))
                if following
                else _("What happens now"),
                _b(claim, "dnext"),
            )
        ],
    ]


def _evidence_checklist(tr: Translator, claim: Claim) -> Rows:
    label = tr.gettext("Evidence checklist (%(ticked)s/%(total)s)") % {
        "ticked": len(claim.evidence),
        "total": len(Evidence),
    }
    return [[(label, _b(claim, "evid"))]]


def _statement_rows(tr: Translator, claim: Claim) -> Rows:
    """The evidence checklist, and the language the statement is written in (the agent's
    choice among the marketplace's, the buyer's and English)."""
    written = language_name(statement_language(claim), tr)
    label = labelled(tr, tr.gettext("Statement language"), written)
    return [*_evidence_checklist(tr, claim), [("🌐 " + label, _b(claim, "stlang"))]]


def _confirm_solved(tr: Translator, claim: Claim) -> Rows:
    if is_solved(claim):
        return []
    return [[("✅ " + tr.gettext("Buyer confirms it is solved"), _b(claim, "solved"))]]


def _record_outcome(tr: Translator, claim: Claim) -> Rows:
    return [[("🏁 " + tr.gettext("Record the outcome"), _b(claim, "out"))]]


# --- The table ---------------------------------------------------------------------------------
_STATEMENT: Final = StepScreen(_evidence_hint, above=_statement_rows)
_SCREENS: Final = {
    StepId.CONTACT_BUYER: StepScreen(_contact_hint, below=_buyer_replied),
    StepId.AWAIT_REPLY: StepScreen(_await_hint, below=_buyer_replied),
    StepId.HANDLE_PRODUCT: StepScreen(_cause_hint, above=_pick_cause, below=_change_cause),
    # (A "Buyer replied" path after a message to the buyer is added by the keyboard itself.)
    StepId.EXPLAIN_DELIVERY: StepScreen(below=_delay_facts),
    StepId.REQUEST_WITHDRAWAL: StepScreen(_withdrawal_hint, above=_confirm_solved),
    StepId.CHECK_RETURN: StepScreen(_check_return_hint),
    StepId.RESPOND_TO_AMAZON: _STATEMENT,
    StepId.AMAZON_FULFILLED: _STATEMENT,
    StepId.RECORD_OUTCOME: StepScreen(_outcome_hint, below=_record_outcome),
}
# Every step has a screen; the ones not above show only their title and drafts.
STEP_SCREENS: Final = MappingProxyType({step: _SCREENS.get(step, StepScreen()) for step in StepId})


def step_screen(claim: Claim) -> StepScreen:
    return STEP_SCREENS[current_step(claim).id]


def step_hint(tr: Translator, claim: Claim, now: datetime) -> str | None:
    """What to do right now, beyond the step's title."""
    return step_screen(claim).hint(tr, claim, now)
