"""What the team reads about Amazon's mails (issue 15): the notices a mail causes, the
mailbox's troubles, and /mails (the mails left for an admin). Plain text: a mail's subject and
sender are anyone's to write, so they are never parsed as HTML or Markdown."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Final

from bot.domain.claims import Claim
from bot.domain.deadlines import INFORMATION_REQUEST_WINDOW
from bot.domain.mail import MailboxTrouble, MailKind
from bot.domain.marketplaces import MARKETPLACES
from bot.domain.text import valid_text
from bot.i18n.translator import Translator
from bot.services.mail_notices import NoticeKind
from bot.storage import MailRecord
from bot.views import labels
from bot.views.buttons import ListButton, UnassignedButton
from bot.views.card import Rows, labelled, quote
from bot.views.labels import marketplace_name

MAX_SUBJECT: Final = 80
MAX_BUYER_TEXT: Final = 300
MAX_LISTED: Final = 20  # /mails shows the newest this many
# Bidirectional overrides and isolates: they would turn the rest of the line around.
_BIDI: Final = re.compile("[\u202a-\u202e\u2066-\u2069]")


def plain(text: str | None, limit: int) -> str:
    """Outside text on one line: valid Unicode, no control or direction characters, blank
    runs collapsed, cut to `limit` characters."""
    clean = _BIDI.sub("", valid_text(text or ""))
    clean = "".join(" " if unicodedata.category(c) == "Cc" else c for c in clean)
    return quote(clean, limit)


def _deadline(tr: Translator, claim: Claim, moment: datetime) -> str:
    return tr.datetime(moment, MARKETPLACES[claim.facts.marketplace].time_zone)


def _values(tr: Translator, claim: Claim) -> dict[str, object]:
    facts = claim.facts
    return {
        "number": claim.id,
        "order_id": facts.order_id,
        "reason": tr.gettext(labels.REASONS[facts.reason]),
        "marketplace": marketplace_name(facts.marketplace, tr),
        "deadline": _deadline(tr, claim, claim.respond_by),
    }


def new_claim_notice(tr: Translator, claim: Claim, *, can_assign: bool) -> tuple[str, Rows]:
    """To the leads and admins: a claim nobody has yet, with the queue's own buttons."""
    _ = tr.gettext
    text = "📬 " + (
        _(
            "New claim from Amazon's mail: #%(number)s, order %(order_id)s, %(reason)s,"
            " %(marketplace)s, respond by %(deadline)s."
        )
        % _values(tr, claim)
    )
    row = [(_("Take #%(number)s") % {"number": claim.id}, UnassignedButton(take=claim.id).data())]
    if can_assign:
        row.append(
            (
                _("Assign #%(number)s to…") % {"number": claim.id},
                UnassignedButton(assign=claim.id).data(),
            )
        )
    return text, [row]


def in_turn_note(tr: Translator, claim: Claim) -> str:
    """To the agent round-robin gave the claim to, before its card."""
    return "📬 " + tr.gettext(
        "A new claim from Amazon's mail is yours, given to you in turn: #%(number)s."
    ) % {"number": claim.id}


def given_in_turn(tr: Translator, claim: Claim, name: str) -> str:
    """To the leads: whom round-robin gave the new claim to."""
    values = {**_values(tr, claim), "name": name}
    return "📬 " + (
        tr.gettext(
            "New claim from Amazon's mail: #%(number)s, order %(order_id)s, %(reason)s,"
            " %(marketplace)s, given to %(name)s in turn."
        )
        % values
    )


def recorded_notice(
    tr: Translator, kind: NoticeKind, claim: Claim, received: datetime
) -> tuple[str, Rows]:
    """Amazon's request for information, its decision, or the buyer's message on a claim;
    `received`: when the mail came (the 48 hours of a request run from Amazon's asking)."""
    _ = tr.gettext
    values: dict[str, object] = {"number": claim.id, "order_id": claim.facts.order_id}
    if kind is NoticeKind.INFO_REQUEST:
        asked = claim.info_requested_at or received
        values["deadline"] = _deadline(tr, claim, asked + INFORMATION_REQUEST_WINDOW)
        text = "❓ " + _(
            "Amazon asks for more information on claim #%(number)s (order %(order_id)s):"
            " answer by %(deadline)s."
        )
    elif kind is NoticeKind.DECISION:
        text = "⚖ " + _(
            "Amazon's decision on claim #%(number)s (order %(order_id)s) arrived: open the"
            " card to record it."
        )
    else:
        said = claim.facts.extra.get("buyer_reply")
        if said:
            values["text"] = plain(said, MAX_BUYER_TEXT)
            text = "💬 " + _("The buyer wrote on claim #%(number)s (order %(order_id)s): %(text)s")
        else:
            text = "💬 " + _(
                "The buyer wrote on claim #%(number)s (order %(order_id)s): read the message in"
                " Seller Central."
            )
    button = (_("Open claim #%(number)s") % {"number": claim.id}, ListButton(claim_id=claim.id))
    return text % values, [[(button[0], button[1].data())]]


def mail_left_notice(tr: Translator, kind: str, sender: str | None) -> str:
    """To the admins: a mail claimbot did not act on waits under /mails."""
    _ = tr.gettext
    return "📭 " + _("A mail was left for you (%(kind)s, from %(sender)s): /mails") % {
        "kind": kind_label(tr, kind),
        "sender": plain(sender, MAX_SUBJECT) if sender else _("unknown sender"),
    }


def kind_label(tr: Translator, kind: str) -> str:
    try:
        return tr.gettext(labels.MAIL_KINDS[MailKind(kind)])
    except ValueError:  # a kind a newer claimbot recorded
        return kind


TROUBLES: Final = {
    MailboxTrouble.UNREACHABLE: "⚠ ",
    MailboxTrouble.LOGIN: "⚠ ",
    MailboxTrouble.TLS: "⚠ ",
    MailboxTrouble.MAILBOX: "⚠ ",
    MailboxTrouble.RECOVERED: "✓ ",
}


def trouble_text(tr: Translator, trouble: MailboxTrouble, detail: str) -> str:
    """To the admins: why the mailbox cannot be read (or that it can again). `detail` is the
    mailbox's host:port/folder as the reader names it, never a password."""
    _ = tr.gettext
    texts = {
        MailboxTrouble.UNREACHABLE: _(
            "claimbot cannot reach the mailbox %(where)s; it tries again (chats are not affected)."
        ),
        MailboxTrouble.LOGIN: _(
            "The mail server refused the user name or password for %(where)s: check"
            " CLAIMBOT_IMAP_PASSWORD."
        ),
        MailboxTrouble.TLS: _(
            "The secure connection to %(where)s failed: check the server name, the port and"
            " the server's certificate."
        ),
        MailboxTrouble.MAILBOX: _(
            "The folder of %(where)s does not exist on the mail server or cannot be opened:"
            " check the folder's name."
        ),
        MailboxTrouble.RECOVERED: _("claimbot reads the mailbox %(where)s again."),
    }
    return TROUBLES[trouble] + texts[trouble] % {"where": plain(detail, 200)}


def mails_screen(tr: Translator, left: Sequence[MailRecord]) -> str:
    """/mails: the mails left for an admin, newest first, at most MAX_LISTED of them."""
    _ = tr.gettext
    if not left:
        return _("No mail is waiting.")
    newest = sorted(left, key=lambda mail: mail.received_at, reverse=True)[:MAX_LISTED]
    lines = [
        _("Mails left for an admin, newest first (%(shown)s of %(total)s):")
        % {"shown": len(newest), "total": len(left)}
    ]
    for mail in newest:
        lines.extend(
            [
                "",
                f"• {tr.datetime(mail.received_at)} · {kind_label(tr, mail.kind)}",
                labelled(tr, _("From"), plain(mail.sender, MAX_SUBJECT) or _("unknown sender")),
                labelled(tr, _("Subject"), plain(mail.subject, MAX_SUBJECT) or "—"),
            ]
        )
        if mail.order_id:
            lines.append(labelled(tr, _("Order"), mail.order_id))
    return "\n".join(lines)
