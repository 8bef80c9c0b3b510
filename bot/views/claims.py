"""Lines shared by the claim card and the command line (the deadline and the lint findings),
and by /new and /history (an order whose open claim a colleague handles)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.compliance import Finding, Severity
from bot.domain.deadlines import Urgency, urgency
from bot.i18n.translator import Translator


def colleague_has_open_claim(tr: Translator, order_id: str) -> str:
    """All that someone who may not see the order's open claim learns about it, from /new and
    from /history alike: that it exists (a second claim cannot be opened), not whose it is nor
    what it says."""
    return tr.gettext(
        "Order %(order_id)s already has an open claim, handled by a colleague. A team lead"
        " can hand it to you."
    ) % {"order_id": order_id}


def deadline_line(tr: Translator, deadline: datetime, now: datetime) -> str:
    _ = tr.gettext
    level = urgency(deadline, now)
    if level is Urgency.OVERDUE:
        return _("Overdue by %(time)s: respond to Amazon now.") % {
            "time": tr.duration(now - deadline)
        }
    left = {"time": tr.duration(deadline - now)}
    if level is Urgency.URGENT:
        return _("Only %(time)s left: respond to Amazon now.") % left
    if level is Urgency.SOON:
        return _("%(time)s left: less than a day.") % left
    return _("%(time)s left.") % left


def time_left(tr: Translator, deadline: datetime, now: datetime) -> str:
    """ "5 hours left" or "overdue by 2 hours", for lists and short lines."""
    _ = tr.gettext
    if deadline <= now:
        return _("overdue by %(time)s") % {"time": tr.duration(now - deadline)}
    return _("%(time)s left") % {"time": tr.duration(deadline - now)}


def findings_lines(tr: Translator, findings: Sequence[Finding]) -> list[str]:
    """The messaging-rule check, in the agent's language: blocks first, then cautions."""
    _ = tr.gettext
    if not findings:
        return [_("Messaging rules: nothing to fix.")]
    lines = [_("Messaging rules:")]
    for finding in sorted(findings, key=lambda f: f.severity is not Severity.BLOCK):
        mark = "⛔" if finding.severity is Severity.BLOCK else "⚠"
        detail = f" (“{finding.excerpt}”)" if finding.excerpt else ""
        lines.append(f"{mark} {_(finding.message)}{detail}")
    return lines
