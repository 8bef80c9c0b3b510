"""The claim card's buttons: what the current step waits for, its drafts, the step's own
buttons (from the table in bot/views/card/steps.py), moving along the plan, and the menus."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.domain.claims import Claim, fulfillment_unconfirmed
from bot.domain.deadlines import Urgency, urgency
from bot.domain.drafts import DraftKind
from bot.domain.journey import (
    BEFORE_REPLY,
    awaits_reply,
    current_step,
    next_step,
    offered_drafts,
    previous_step,
)
from bot.domain.mail_kinds import mailed_decision
from bot.domain.stores import store_unconfirmed
from bot.i18n.translator import Translator
from bot.views import labels
from bot.views.card.base import Rows
from bot.views.card.base import button_data as _b
from bot.views.card.steps import step_screen


def card_keyboard(
    tr: Translator, claim: Claim, now: datetime, stores: Mapping[int, str] | None = None
) -> Rows:
    """`stores`: the team's stores by id when it has several."""
    _ = tr.gettext
    if claim.outcome is not None:
        return [[(_("History"), _b(claim, "hist"))]]
    screen = step_screen(claim)
    rows: Rows = []
    if stores is not None and store_unconfirmed(claim):
        # The store is a guess (a mail to an address no store lists): every store, to confirm.
        names = [(name, _b(claim, "store", str(sid))) for sid, name in stores.items()]
        rows.extend(names[i : i + 2] for i in range(0, len(names), 2))
    if fulfillment_unconfirmed(claim):
        # Who shipped is a guess (a mail-opened claim): both choices, the current one too.
        rows.append(
            [(_(label), _b(claim, "ship", f.value)) for f, label in labels.FULFILLMENTS.items()]
        )
    rows.extend(screen.above(tr, claim))
    offered = offered_drafts(claim, now)
    if urgency(claim.respond_by, now) is Urgency.OVERDUE and DraftKind.AMAZON_STATEMENT not in (
        offered
    ):
        # Overdue: the statement to Amazon comes first, whatever step the claim is at.
        offered = (DraftKind.AMAZON_STATEMENT, *offered)
    for kind in offered:
        if kind is DraftKind.FREE:
            rows.append([("✍ " + _("Write your own message"), _b(claim, "free"))])
        else:
            rows.append([("✉ " + _(labels.DRAFT_KINDS[kind]), _b(claim, "draft", kind.value))])
    rows.extend(screen.below(tr, claim))
    if awaits_reply(claim) and current_step(claim).id not in BEFORE_REPLY:
        # A message went out (usage help, a delay explanation...): the buyer may answer it.
        rows.append([("💬 " + _("Buyer replied"), _b(claim, "reply"))])
    moves: list[tuple[str, str]] = []
    if previous_step(claim) is not None:
        moves.append(("◂ " + _("Back"), _b(claim, "back")))
    if next_step(claim) is not None:
        moves.append((_("Next step") + " ▸", _b(claim, "next")))
    if moves:
        rows.append(moves)
    decision = mailed_decision(claim)
    if decision is not None:
        # Amazon's decision came by mail: its outcome, to confirm like any other (issue 15).
        label = _("Record Amazon's decision: %(outcome)s") % {
            "outcome": _(labels.OUTCOMES[decision])
        }
        rows.append([("⚖ " + label, _b(claim, "out", decision.value))])
    rows.append(
        [
            (_("Facts"), _b(claim, "facts")),
            (_("All drafts"), _b(claim, "all")),
            (_("Outcome"), _b(claim, "out")),
        ]
    )
    rows.append(
        [
            (_("History"), _b(claim, "hist")),
            ("📨 " + _("Amazon asked for information"), _b(claim, "info")),
        ]
    )
    return rows
