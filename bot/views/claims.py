"""The claim summary shown at the end of intake: facts, deadline, plan, cautions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.claims import Claim
from bot.domain.compliance import Finding, Severity
from bot.domain.deadlines import Urgency, urgency
from bot.domain.drafts import DraftKind
from bot.domain.marketplaces import MARKETPLACES
from bot.domain.playbook import Plan
from bot.drafting.renderer import Draft
from bot.i18n.translator import Translator
from bot.views.labels import DRAFT_KINDS, FULFILLMENTS, REASONS, language_name, marketplace_name


def claim_summary(
    tr: Translator, claim: Claim, plan: Plan, *, current_step: str, now: datetime
) -> str:
    _ = tr.gettext
    facts = claim.facts
    market = MARKETPLACES[facts.marketplace]
    lines = [
        _("Claim #%(number)s opened for order %(order_id)s.")
        % {"number": claim.id, "order_id": facts.order_id},
        "",
        _("Marketplace: %(marketplace)s")
        % {"marketplace": f"{marketplace_name(facts.marketplace, tr)} ({facts.marketplace})"},
        _("Fulfilment: %(fulfillment)s") % {"fulfillment": _(FULFILLMENTS[facts.fulfillment])},
        _("Reason: %(reason)s") % {"reason": _(REASONS[facts.reason])},
        _("Buyer language: %(language)s") % {"language": language_name(facts.buyer_language, tr)},
        "",
        _("Respond to Amazon by %(deadline)s.")
        % {"deadline": tr.datetime(claim.respond_by, market.time_zone)},
        deadline_line(tr, claim.respond_by, now),
        "",
    ]
    index = plan.step_index(current_step)
    lines.append(
        _("Plan (step %(step)s of %(steps)s):") % {"step": index + 1, "steps": len(plan.steps)}
    )
    for number, step in enumerate(plan.steps):
        mark = "✓" if number < index else ("→" if number == index else "·")
        lines.append(f"{mark} {number + 1}. {_(step.title)}")
    if plan.warnings:
        lines.append("")
        lines.extend(f"⚠ {_(caution.text)}" for caution in plan.warnings)
    return "\n".join(lines)


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


def draft_header(
    tr: Translator, draft: Draft, *, version: int, findings: Sequence[Finding] = ()
) -> str:
    """What precedes the copyable draft body: kind, language, subject, fallback notice, and
    the compliance findings."""
    _ = tr.gettext
    lines = [
        _("Draft: %(kind)s, version %(version)s, in %(language)s.")
        % {
            "kind": _(DRAFT_KINDS[DraftKind(draft.kind)]),
            "version": version,
            "language": language_name(draft.language, tr),
        },
    ]
    if draft.is_fallback:
        lines.append(
            _(
                "There is no %(language)s translation of this message yet: it is in English."
                " Translate it before sending."
            )
            % {"language": language_name(draft.requested_language, tr)}
        )
    lines.append(_("Subject: %(subject)s") % {"subject": draft.subject})
    lines.extend(findings_lines(tr, findings))
    lines.append(_("The message for the buyer follows; copy it as it is."))
    return "\n".join(lines)


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
