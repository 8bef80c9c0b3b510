"""A prepared draft as the agent receives it: a header (kind, version, findings), the text
alone to copy, what it says in the agent's language, and its buttons; and the note once a
draft is marked as sent."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from bot.domain.claims import Claim, Evidence
from bot.domain.compliance import Finding, has_block
from bot.domain.drafts import DraftKind
from bot.i18n.translator import Translator
from bot.services.journey import PreparedDraft
from bot.storage import DraftRecord
from bot.views import labels
from bot.views.card.base import NEW_MESSAGE, Rows
from bot.views.card.base import button_data as _b
from bot.views.claims import findings_lines
from bot.views.labels import language_name


def draft_messages(
    tr: Translator,
    prepared: PreparedDraft,
    *,
    preview: tuple[str, str] | None,
    submit: bool = False,
    author: str | None = None,
    note: str | None = None,
) -> tuple[str, str, str | None, Rows]:
    """Header (kind, version, findings), the copyable text, the preview in the agent's
    language (or None), and the buttons that go under the last of them. `author`: who wrote
    an edited version, when not the reader (a lead's correction); `note`: what a review said
    of this version (a lead's return with the comment)."""
    _ = tr.gettext
    record = prepared.record
    claim = prepared.claim
    kind = DraftKind(record.kind)
    lines = [
        _("Claim #%(number)s · %(kind)s, version %(version)s, in %(language)s.")
        % {
            "number": claim.id,
            "kind": _(labels.DRAFT_KINDS[kind]),
            "version": record.version,
            "language": language_name(record.language, tr),
        }
    ]
    if prepared.is_fallback:
        lines.append(
            _(
                "There is no %(language)s translation of this message yet: it is in English."
                " Translate it before sending."
            )
            % {"language": language_name(claim.facts.buyer_language, tr)}
        )
    if note:
        lines.append(note)
    source = _source_line(tr, prepared, author)
    if source:
        lines.append(source)
    if record.subject:
        lines.append(_("Subject: %(subject)s") % {"subject": record.subject})
    if kind is DraftKind.AMAZON_STATEMENT:
        missing = [item for item in Evidence if item not in claim.evidence]
        if missing:
            lines.append(
                "⚠ "
                + _("Evidence not ticked yet: %(items)s.")
                % {"items": ", ".join(_(labels.EVIDENCE[item]) for item in missing)}
            )
    lines.extend(findings_lines(tr, prepared.findings))
    lines.append(_("The message follows; copy it as it is."))
    preview_text = None
    if preview is not None:
        language, text = preview
        preview_text = (
            _("What it says, in %(language)s (for you, not for sending):")
            % {"language": language_name(language, tr)}
            + "\n\n"
            + text
        )
    edit = ("✎ " + _("Edit"), _b(claim, "edit", str(record.id)))
    if submit:
        lines.append(_("A team lead reviews it before it goes out."))
        first = [("📤 " + _("Submit for review"), _b(claim, "submit", str(record.id))), edit]
    elif has_block(prepared.findings):
        # Not sendable as it is (the service refuses it too): the way on is to edit it.
        lines.append(_("It cannot be marked as sent until it breaks no messaging rule: edit it."))
        first = [edit]
    else:
        first = [("✓ " + _("Mark as sent"), _b(claim, "sent", str(record.id))), edit]
    rows: Rows = [
        first,
        # The card comes as a new message: the draft above must stay to be copied.
        [("◂ " + _("Back to the claim"), _b(claim, "card", NEW_MESSAGE))],
    ]
    return "\n".join(lines), record.body, preview_text, rows


def _source_line(tr: Translator, prepared: PreparedDraft, author: str | None) -> str | None:
    """Who wrote an edited version: a named author (a lead's correction), else the reader,
    with how far it is from the generated text."""
    _ = tr.gettext
    record = prepared.record
    if record.source != "edited":
        return None
    if author is not None:
        return _("Written or edited by %(name)s.") % {"name": author}
    if prepared.generated is None:
        return _("Your own text.")
    changed = _changed_lines(prepared.generated.body, record.body)
    return _(
        "Your edited text. The generated version %(version)s is kept;"
        " %(count)s lines differ from it."
    ) % {"version": prepared.generated.version, "count": changed}


def _changed_lines(before: str, after: str) -> int:
    diff = difflib.ndiff(before.splitlines(), after.splitlines())
    return sum(1 for line in diff if line.startswith(("+ ", "- ")))


def send_blocked(
    tr: Translator, claim: Claim, draft_id: int, findings: Sequence[Finding]
) -> tuple[str, Rows]:
    """Why a draft cannot be marked as sent, and the way on: edit it."""
    _ = tr.gettext
    lines = [
        "⛔ " + _("This message breaks a messaging rule, so it cannot be marked as sent."),
        *findings_lines(tr, findings)[1:],
        _("Edit it (or write it again), then mark the new version as sent."),
    ]
    rows: Rows = [
        [("✎ " + _("Edit"), _b(claim, "edit", str(draft_id)))],
        [("◂ " + _("Back to the claim"), _b(claim, "card", NEW_MESSAGE))],
    ]
    return "\n".join(lines), rows


def sent_note(tr: Translator, record: DraftRecord) -> str:
    _ = tr.gettext
    return _("Marked as sent: %(kind)s, version %(version)s.") % {
        "kind": _(labels.DRAFT_KINDS[DraftKind(record.kind)]),
        "version": record.version,
    }
