"""What a deadline reminder says, to the agent and, escalated, to the team leads."""

from __future__ import annotations

from datetime import datetime

from bot.domain.journey import current_step
from bot.domain.marketplaces import MARKETPLACES
from bot.domain.reminders import ReminderKind
from bot.i18n.translator import Translator
from bot.services.reminders import Reminder
from bot.views.buttons import ListButton
from bot.views.card import Rows
from bot.views.claims import time_left


def _left(tr: Translator, reminder: Reminder, now: datetime) -> str:
    # An overdue reminder sent in the very second of the deadline still says "overdue".
    deadline = reminder.claim.respond_by
    if reminder.kind is ReminderKind.OVERDUE:
        return time_left(tr, deadline, max(now, deadline))
    return time_left(tr, deadline, now)


def reminder_message(
    tr: Translator, reminder: Reminder, now: datetime, *, agent_name: str | None = None
) -> tuple[str, Rows]:
    """For the agent (`agent_name` None) or, escalated, for a lead (naming the agent)."""
    _ = tr.gettext
    claim = reminder.claim
    facts = claim.facts
    values = {
        "number": claim.id,
        "order_id": facts.order_id,
        "left": _left(tr, reminder, now),
        "agent": agent_name or "",
        "deadline": tr.datetime(claim.respond_by, MARKETPLACES[facts.marketplace].time_zone),
        "step": _(current_step(claim).title),
    }
    overdue = reminder.kind is ReminderKind.OVERDUE
    if agent_name is None and overdue:
        head = "🔴 " + _(
            "Claim #%(number)s (order %(order_id)s) is %(left)s: respond to Amazon now."
        )
    elif agent_name is None:
        head = "⏰ " + _("Claim #%(number)s (order %(order_id)s): %(left)s to respond to Amazon.")
    elif overdue:
        head = "🔴 " + _(
            "Claim #%(number)s of %(agent)s (order %(order_id)s) is %(left)s: respond to"
            " Amazon now."
        )
    else:
        head = "⚠ " + _(
            "Claim #%(number)s of %(agent)s (order %(order_id)s): %(left)s to respond to Amazon."
        )
    lines = [
        head % values,
        _("Respond to Amazon by %(deadline)s.") % values,
        _("Next: %(step)s") % values,
    ]
    rows: Rows = [[(_("Show the claim") + " ▸", ListButton(claim_id=claim.id).data())]]
    return "\n".join(lines), rows
