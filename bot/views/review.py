"""Review screens: the card a team lead decides on, the queue, and what the agent is told.

Plain text like every screen (no Telegram formatting, so nothing needs escaping); the draft is
shown between rules so a lead sees exactly what the buyer would read.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from datetime import datetime
from typing import Final

from bot.domain.deadlines import urgency
from bot.domain.drafts import DraftKind
from bot.domain.journey import TO_AMAZON, current_step, plan_of, step_index
from bot.domain.marketplaces import MARKETPLACES
from bot.i18n.translator import Translator
from bot.services.review import ReviewItem
from bot.storage import DraftRecord, ReviewStatus
from bot.views import labels
from bot.views.buttons import ClaimButton, ReviewButton, queue_data
from bot.views.card import NEW_MESSAGE, URGENCY_MARK, Rows, pager, quote
from bot.views.claims import deadline_line, findings_lines, time_left
from bot.views.labels import language_name, marketplace_name

RULE: Final = "────────────"
MAX_DIFF_LINES: Final = 30
MAX_DIFF_LINE: Final = 160
QUEUE_PAGE: Final = 10


def _kind(tr: Translator, record: DraftRecord) -> str:
    return tr.gettext(labels.DRAFT_KINDS[DraftKind(record.kind)])


def draft_title(tr: Translator, item: ReviewItem) -> str:
    _ = tr.gettext
    return _("Review #%(review)s · claim #%(number)s · %(kind)s, version %(version)s") % {
        "review": item.review.id,
        "number": item.claim.id,
        "kind": _kind(tr, item.draft),
        "version": item.draft.version,
    }


def review_card(
    tr: Translator, item: ReviewItem, now: datetime, preview: tuple[str, str] | None
) -> tuple[str, Rows]:
    """Everything a lead needs to decide, and the decision buttons while it is pending."""
    _ = tr.gettext
    claim, draft, review = item.claim, item.draft, item.review
    facts = claim.facts
    plan = plan_of(claim)
    lines = [
        "📝 " + draft_title(tr, item),
        _("Order %(order_id)s") % {"order_id": facts.order_id},
        " · ".join(
            [
                tr.bracketed(marketplace_name(facts.marketplace, tr), facts.marketplace),
                _(labels.FULFILLMENTS[facts.fulfillment]),
                _(labels.REASONS[facts.reason]),
            ]
        ),
        _("Respond to Amazon by %(deadline)s.")
        % {"deadline": tr.datetime(claim.respond_by, MARKETPLACES[facts.marketplace].time_zone)},
        deadline_line(tr, claim.respond_by, now),
        _("Plan step %(step)s of %(steps)s: %(title)s")
        % {
            "step": step_index(claim) + 1,
            "steps": len(plan.steps),
            "title": _(current_step(claim).title),
        },
        _("Submitted by %(name)s.") % {"name": item.person(review.submitted_by)},
        "",
        _("%(kind)s, version %(version)s, in %(language)s.")
        % {
            "kind": _kind(tr, draft),
            "version": draft.version,
            "language": language_name(draft.language, tr),
        },
    ]
    if draft.source == "edited":
        lines.append(
            _("Edited by the agent.")
            if draft.author_id in (None, claim.agent_id)
            else _("Written or edited by %(name)s.") % {"name": item.person(draft.author_id)}
        )
    lines.extend(findings_lines(tr, item.findings))
    if item.generated is not None and item.generated.id != draft.id:
        lines.extend(["", *diff_lines(tr, item.generated, draft)])
    lines.extend(["", RULE, draft.text, RULE])
    if preview is not None:
        language, text = preview
        lines.extend(
            [
                "",
                _("What it says, in %(language)s (for you, not for sending):")
                % {"language": language_name(language, tr)},
                text,
            ]
        )
    status = decision_line(tr, item)
    if status is not None:
        lines.extend(["", status])
        return "\n".join(lines), []
    if item.blocked:
        lines.extend(
            [
                "",
                "⛔ "
                + _(
                    "It breaks a messaging rule and cannot be approved as it is: edit it or"
                    " return it."
                ),
            ]
        )
    return "\n".join(lines), decision_rows(tr, item)


def decision_rows(tr: Translator, item: ReviewItem) -> Rows:
    _ = tr.gettext
    review_id = item.review.id
    first: list[tuple[str, str]] = []
    if not item.blocked:
        first.append(("✓ " + _("Approve"), ReviewButton(review_id, "ok").data()))
    first.append(("✎ " + _("Edit"), ReviewButton(review_id, "edit").data()))
    first.append(("↩ " + _("Return"), ReviewButton(review_id, "ret").data()))
    return [first]


def diff_lines(tr: Translator, generated: DraftRecord, edited: DraftRecord) -> list[str]:
    """The lines the edit removed (−) and added (+), against the generated text."""
    _ = tr.gettext
    changes = [
        line
        for line in difflib.unified_diff(
            generated.body.splitlines(), edited.body.splitlines(), lineterm="", n=0
        )
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]
    lines = [_("Changes from the generated version %(version)s:") % {"version": generated.version}]
    if not changes:
        lines.append(_("(no change to the text)"))
        return lines
    for line in changes[:MAX_DIFF_LINES]:
        mark = "−" if line.startswith("-") else "+"
        text = line[1:]
        if len(text) > MAX_DIFF_LINE:
            text = text[: MAX_DIFF_LINE - 1] + "…"
        lines.append(f"{mark} {text}")
    if len(changes) > MAX_DIFF_LINES:
        lines.append(
            _("… and more changed lines: %(count)s.") % {"count": len(changes) - MAX_DIFF_LINES}
        )
    return lines


def decision_line(tr: Translator, item: ReviewItem) -> str | None:
    """Who decided what, or None while the review is pending."""
    _ = tr.gettext
    review = item.review
    name = {"name": item.person(review.decided_by)}
    if review.status is ReviewStatus.APPROVED:
        return "✓ " + _("Approved by %(name)s.") % name
    if review.status is ReviewStatus.RETURNED:
        return "↩ " + _("Returned by %(name)s: “%(comment)s”") % {
            **name,
            "comment": quote(review.comment or ""),
        }
    if review.status is ReviewStatus.EDITED:
        return "✎ " + _("Corrected by %(name)s; the corrected version waits for approval.") % name
    if review.status is ReviewStatus.SUPERSEDED:
        return _("Replaced by a newer version, or sent without review.")
    return None


def decided_copy(tr: Translator, item: ReviewItem) -> str:
    """The short text other copies of a decided review card are replaced with."""
    return draft_title(tr, item) + "\n" + (decision_line(tr, item) or "")


def submitted_note(tr: Translator, item: ReviewItem, reviewers: int) -> str:
    _ = tr.gettext
    if reviewers == 0:
        return _(
            "Review #%(review)s is waiting, but there is no team lead to review it yet. Ask your"
            " admin to add one; leads see it in /queue."
        ) % {"review": item.review.id}
    return _(
        "Submitted for review (#%(review)s). I will tell you here when a team lead has decided;"
        " do not send it to the buyer before."
    ) % {"review": item.review.id}


def approved_notice(tr: Translator, item: ReviewItem) -> tuple[str, str, Rows]:
    """For the agent: who approved, then the final text alone (to copy), with the buttons."""
    _ = tr.gettext
    claim, draft = item.claim, item.draft
    head = [
        "✓ "
        + _("%(name)s approved %(kind)s, version %(version)s, for claim #%(number)s.")
        % {
            "name": item.person(item.review.decided_by),
            "kind": _kind(tr, draft),
            "version": draft.version,
            "number": claim.id,
        }
    ]
    if draft.subject:
        head.append(_("Subject: %(subject)s") % {"subject": draft.subject})
    head.append(
        _("Send the text below to the buyer as it is, then press Mark as sent.")
        if DraftKind(draft.kind) not in TO_AMAZON
        else _("Send the text below to Amazon as it is, then press Mark as sent.")
    )
    rows: Rows = [
        [
            (
                "✓ " + _("Mark as sent"),
                ClaimButton(claim.id, claim.revision, "sent", str(draft.id)).data(),
            )
        ],
        [
            (
                "◂ " + _("Back to the claim"),
                ClaimButton(claim.id, claim.revision, "card", NEW_MESSAGE).data(),
            )
        ],
    ]
    return "\n".join(head), draft.body, rows


def returned_notice(tr: Translator, item: ReviewItem) -> tuple[str, Rows]:
    _ = tr.gettext
    claim, draft = item.claim, item.draft
    text = "↩ " + _(
        "%(name)s returned %(kind)s, version %(version)s, for claim #%(number)s:\n“%(comment)s”\n"
        "Edit it and submit it again."
    ) % {
        "name": item.person(item.review.decided_by),
        "kind": _kind(tr, draft),
        "version": draft.version,
        "number": claim.id,
        "comment": item.review.comment or "",
    }
    rows: Rows = [
        [("✎ " + _("Edit"), ClaimButton(claim.id, claim.revision, "edit", str(draft.id)).data())],
        [
            (
                "◂ " + _("Back to the claim"),
                ClaimButton(claim.id, claim.revision, "card", NEW_MESSAGE).data(),
            )
        ],
    ]
    return text, rows


def corrected_notice(tr: Translator, old: ReviewItem, new: ReviewItem) -> str:
    _ = tr.gettext
    return "✎ " + _(
        "%(name)s is correcting %(kind)s for claim #%(number)s; version %(version)s waits for"
        " approval."
    ) % {
        "name": old.person(old.review.decided_by),
        "kind": _kind(tr, new.draft),
        "number": new.claim.id,
        "version": new.draft.version,
    }


def queue_list(
    tr: Translator, items: Sequence[ReviewItem], *, total: int, offset: int, now: datetime
) -> tuple[str, Rows]:
    _ = tr.gettext
    if total == 0:
        return _("No draft is waiting for review."), []
    lines = [
        _("Drafts waiting for review, most urgent first (%(first)s–%(last)s of %(total)s):")
        % {"first": offset + 1, "last": offset + len(items), "total": total}
    ]
    rows: Rows = []
    for item in items:
        claim = item.claim
        left = time_left(tr, claim.respond_by, now)
        mark = URGENCY_MARK[urgency(claim.respond_by, now).value]
        lines.append(
            f"{mark} #{claim.id} · {claim.facts.order_id} · {_kind(tr, item.draft)}"
            f" v{item.draft.version} · {item.person(item.review.submitted_by)} · {left}"
        )
        rows.append(
            [
                (
                    f"#{claim.id} · {_kind(tr, item.draft)} · {left}",
                    ReviewButton(item.review.id, "open").data(),
                )
            ]
        )
    rows.extend(
        pager(tr, offset=offset, shown=len(items), total=total, size=QUEUE_PAGE, page=queue_data)
    )
    return "\n".join(lines), rows
