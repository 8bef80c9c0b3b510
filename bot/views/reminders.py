"""What a deadline reminder says, to the agent and, escalated, to the team leads."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.journey import Deadline, current_step
from bot.domain.marketplaces import MARKETPLACES
from bot.domain.reminders import ReminderKind
from bot.i18n.translator import Translator
from bot.services.reminders import Reminder
from bot.views.buttons import ListButton
from bot.views.card import Rows
from bot.views.claims import time_left


def _left(tr: Translator, reminder: Reminder, now: datetime) -> str:
    # An overdue reminder sent in the very second of the deadline still says "overdue".
    deadline = reminder.deadline_at
    if reminder.kind is ReminderKind.OVERDUE:
        return time_left(tr, deadline, max(now, deadline))
    return time_left(tr, deadline, now)


def reminder_message(
    tr: Translator, reminder: Reminder, now: datetime, *, agent_name: str | None = None
) -> tuple[str, Rows]:
    """For the agent (`agent_name` None) or, escalated, for a lead (naming the agent)."""
    if reminder.deadline is Deadline.REVIEW:
        return _waiting_message(tr, reminder, now, agent_name or "")
    if reminder.deadline is not Deadline.RESPOND:
        return _other_message(tr, reminder, now, agent_name)
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
    return "\n".join(lines), _show(tr, claim.id)


def _show(tr: Translator, claim_id: int) -> Rows:
    return [[(tr.gettext("Show the claim") + " ▸", ListButton(claim_id=claim_id).data())]]


def _waiting_message(
    tr: Translator, reminder: Reminder, now: datetime, agent_name: str
) -> tuple[str, Rows]:
    """A draft waiting in review while the claim's respond-by time runs: for the leads."""
    _ = tr.gettext
    claim = reminder.claim
    since = reminder.waiting_since or now
    values = {
        "number": claim.id,
        "order_id": claim.facts.order_id,
        "agent": agent_name,
        "waited": tr.duration(max(now - since, timedelta(0))),
        "left": time_left(tr, claim.respond_by, now),
        "deadline": tr.datetime(claim.respond_by, MARKETPLACES[claim.facts.marketplace].time_zone),
    }
    lines = [
        "⏳ "
        + _(
            "Claim #%(number)s of %(agent)s (order %(order_id)s): a draft has waited %(waited)s"
            " for review."
        )
        % values,
        _("Respond to Amazon by %(deadline)s (%(left)s).") % values,
        _("Next: review it in /queue."),
    ]
    return "\n".join(lines), _show(tr, claim.id)


def _other_message(
    tr: Translator, reminder: Reminder, now: datetime, agent_name: str | None
) -> tuple[str, Rows]:
    """An information request, a buyer's message or the appeal window: the claim, the time
    left, the deadline in the reader's zone and what to do."""
    _ = tr.gettext
    claim = reminder.claim
    values = {
        "number": claim.id,
        "order_id": claim.facts.order_id,
        "agent": agent_name or "",
        "left": _left(tr, reminder, now),
        "deadline": tr.datetime(
            reminder.deadline_at, MARKETPLACES[claim.facts.marketplace].time_zone
        ),
    }
    if agent_name is None:
        values["claim"] = _("Claim #%(number)s (order %(order_id)s)") % values
    else:
        values["claim"] = _("Claim #%(number)s of %(agent)s (order %(order_id)s)") % values
    overdue = reminder.kind is ReminderKind.OVERDUE
    if reminder.deadline is Deadline.INFORMATION:
        if overdue:
            head = "🔴 " + _(
                "%(claim)s: Amazon's request for information is %(left)s: answer it now."
            )
        else:
            head = "📨 " + _("%(claim)s: %(left)s to answer Amazon's request for information.")
        when = _("Answer Amazon by %(deadline)s.")
        step = _(
            "Next: send Amazon the information it asked for (Seller Central → Performance →"
            " A-to-z Guarantee claims)."
        )
    elif reminder.deadline is Deadline.BUYER_ANSWER:
        if overdue:
            head = "🔴 " + _(
                "%(claim)s: the answer to the buyer's message is %(left)s: answer it now."
            )
        else:
            head = "💬 " + _("%(claim)s: %(left)s to answer the buyer's message.")
        when = _("Answer the buyer by %(deadline)s.")
        step = _("Next: write to the buyer, then mark the message sent on the claim.")
    else:
        head = "⚖ " + _("%(claim)s: %(left)s to appeal Amazon's decision.")
        when = _("Appeal by %(deadline)s.")
        step = _(
            "Next: if the claim was granted wrongly, appeal in Seller Central (Performance →"
            " A-to-z Guarantee claims)."
        )
    lines = [head % values, when % values, step]
    return "\n".join(lines), _show(tr, claim.id)
