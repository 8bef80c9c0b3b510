"""Reading Amazon's notification e-mails (issue 15, mail intake): pure, no I/O.

`read_mail` turns the raw bytes of one mail into its sender, subject, date, Message-ID and
readable text, whatever the MIME shape (quoted-printable, base64, HTML only, any charset, a
forwarded mail attached as message/rfc822). It never raises: what cannot be read is left out
and `broken` says so. `classify` says what the mail is: a claim notice from Amazon, a request
for more information, Amazon's decision, a buyer's message relayed by Amazon (read in
bot/domain/mail_kinds.py), a mail not from Amazon, or an Amazon mail claimbot does not
understand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from enum import StrEnum
from html import unescape
from html.parser import HTMLParser
from typing import Final

from bot.domain.claims import Fulfillment
from bot.domain.intake import IntakeAnswers
from bot.domain.mail_kinds import order_of, what_it_says
from bot.domain.marketplaces import MARKETPLACES
from bot.domain.notices import Notice, looks_like_notice, parse_notice

MAX_MAIL_BYTES: Final = 10 * 1024 * 1024
HEADER_BYTES: Final = 64 * 1024  # what is read of a mail over MAX_MAIL_BYTES
MAX_DEPTH: Final = 5  # forwarded mails inside forwarded mails
# amazon.com, amazon.de, amazon.co.jp, amazon.com.br, and their subdomains
# (marketplace.amazon.de, sellercentral.amazon.co.uk).
_AMAZON: Final = re.compile(r"(?:^|\.)amazon\.(?:[a-z]{2,3}|com?\.[a-z]{2})\Z")


class MailKind(StrEnum):
    CLAIM_NOTICE = "claim_notice"
    INFO_REQUEST = "info_request"  # Amazon asks the seller for more information (48 h)
    DECISION = "decision"  # Amazon's decision on a claim, or on an appeal
    BUYER_MESSAGE = "buyer_message"  # a buyer's message relayed by Amazon
    NOT_AMAZON = "not_amazon"
    NOT_UNDERSTOOD = "not_understood"


class MailboxTrouble(StrEnum):
    """Why the mailbox could not be read (the admins are told), or that it can again."""

    UNREACHABLE = "unreachable"  # no connection: the server is down, the name does not resolve
    LOGIN = "login"  # the server refused the user name or password
    TLS = "tls"  # the secure connection failed (certificate, protocol)
    MAILBOX = "mailbox"  # the folder does not exist or cannot be selected
    RECOVERED = "recovered"  # read again after a trouble


@dataclass(frozen=True, slots=True)
class MailText:
    """What could be read of one mail. `sender` is the address alone (the display name is
    anyone's to write); `inner_sender` that of a mail forwarded as an attachment, whose
    `text` and `date` are the ones read. `broken`: something could not be read (too big, bad MIME,
    undecodable part); what is here is what could."""

    sender: str | None
    subject: str
    date: datetime | None
    message_id: str | None
    text: str
    inner_sender: str | None = None
    broken: bool = False
    # Who it was sent to (To, Cc, Delivered-To; of a forwarded mail, the inner one's too),
    # lower-case: the store it is about (issue 16).
    recipients: tuple[str, ...] = ()


def read_mail(raw: bytes) -> MailText:
    """Read one mail; never raises. Of a mail over MAX_MAIL_BYTES only the headers are read
    (who sent it, what it is about): no text, and `broken`."""
    huge = len(raw) > MAX_MAIL_BYTES
    try:
        parser = BytesParser(policy=policy.default)
        if huge:
            message = parser.parsebytes(raw[:HEADER_BYTES], headersonly=True)
        else:
            message = parser.parsebytes(raw)
    except Exception:  # a mail is outside data: whatever breaks, flag it
        return MailText(None, "", None, None, "", broken=True)
    if huge:
        return MailText(
            sender=_sender(message)[0],
            subject=_header(message, "subject")[0],
            date=_date(message),
            message_id=_header(message, "message-id")[0].strip() or None,
            text="",
            broken=True,
            recipients=_recipients(message),
        )
    broken = bool(message.defects)
    sender, broken_sender = _sender(message)
    subject, broken_subject = _header(message, "subject")
    message_id, broken_id = _header(message, "message-id")
    when = _date(message)
    text, inner, broken_body = _body(message, 0)
    inner_sender = None
    recipients = _recipients(message)
    if inner is not None:
        inner_sender, _ = _sender(inner)
        recipients = tuple(dict.fromkeys((*recipients, *_recipients(inner))))
        when = _date(inner) or when  # when Amazon sent it, not when it was forwarded
    return MailText(
        sender=sender,
        subject=subject,
        date=when,
        message_id=message_id.strip() or None,
        text=text,
        inner_sender=inner_sender,
        broken=broken or broken_sender or broken_subject or broken_id or broken_body,
        recipients=recipients,
    )


def _header(message: Message, name: str) -> tuple[str, bool]:
    try:
        value = message.get(name)
        return ("" if value is None else str(value)), False
    except Exception:  # a malformed header reads as nothing
        return "", True


def _sender(message: Message) -> tuple[str | None, bool]:
    """The From address, lower-case, or None."""
    try:
        value = message.get("from")
        if value is None:
            return None, False
        addresses: tuple[Address, ...] = getattr(value, "addresses", ())
        address = addresses[0].addr_spec if addresses else parseaddr(str(value))[1]
        return (address.strip().lower() or None), False
    except Exception:
        return None, True


def _recipients(message: Message) -> tuple[str, ...]:
    """The addresses the mail was sent to, lower-case, each once; a malformed header adds
    none."""
    found: list[str] = []
    for name in ("to", "cc", "delivered-to"):
        try:
            for value in message.get_all(name) or ():
                addresses: tuple[Address, ...] = getattr(value, "addresses", ())
                if addresses:
                    found.extend(a.addr_spec for a in addresses)
                else:
                    found.extend(addr for _name, addr in getaddresses([str(value)]))
        except Exception:  # noqa: S112 - outside data: an unreadable header names nobody
            continue
    return tuple(dict.fromkeys(a.strip().lower() for a in found if "@" in a))


def _date(message: Message) -> datetime | None:
    """The Date header as an aware datetime (a date without a zone counts as UTC)."""
    try:
        value = message.get("date")
        if value is None:
            return None
        moment = getattr(value, "datetime", None) or parsedate_to_datetime(str(value))
    except Exception:
        return None
    if not isinstance(moment, datetime):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _body(message: Message, depth: int) -> tuple[str, Message | None, bool]:
    """(readable text, the forwarded mail it came from, broken). A message/rfc822 part is
    read from inside: a forwarded notice is the notice."""
    broken = False
    plain: str | None = None
    html: str | None = None
    try:
        parts = list(message.walk())
    except Exception:
        return "", None, True
    for part in parts:
        try:
            kind = part.get_content_type()
            if kind == "message/rfc822" and depth < MAX_DEPTH:
                payload = part.get_payload()
                inner = payload[0] if isinstance(payload, list) and payload else None
                if isinstance(inner, Message):
                    text, deeper, inner_broken = _body(inner, depth + 1)
                    if text.strip():
                        return text, deeper or inner, broken or inner_broken
            if part.is_multipart() or part.get_content_disposition() == "attachment":
                continue
            if kind == "text/plain" and plain is None:
                plain = _text_of(part)
            elif kind == "text/html" and html is None:
                html = html_to_text(_text_of(part))
        except Exception:  # one unreadable part; the others may still read
            broken = True
    return (plain if plain and plain.strip() else html or plain or ""), None, broken


def _text_of(part: Message) -> str:
    """A text part decoded from its transfer encoding and charset; an unknown charset or
    bad bytes become replacement characters."""
    if isinstance(part, EmailMessage):
        try:
            content = part.get_content()
            if isinstance(content, str):
                return content
        except (LookupError, UnicodeError, ValueError, AssertionError):
            pass
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


# --- HTML to text ---------------------------------------------------------------------------
_BREAKS: Final = frozenset({"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "table"})
_SKIP: Final = frozenset({"script", "style", "head", "title"})


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BREAKS:
            self.chunks.append("\n")
        elif tag in ("td", "th"):
            self.chunks.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BREAKS and tag != "br":
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.chunks.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """The text of an HTML mail: tags gone, a line break at each <br>, <p>, <div>, <tr> (and
    the like), entities unescaped, blank runs collapsed."""
    parser = _TextOfHtml()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # HTMLParser is lenient; this is a last resort
        return unescape(re.sub(r"<[^>]{0,2000}>", " ", html))
    lines = (line.strip() for line in "".join(parser.chunks).split("\n"))
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- What the mail is -----------------------------------------------------------------------
def from_amazon(address: str | None) -> bool:
    """Whether an address is Amazon's by its domain (amazon.<tld>, amazon.co.<cc>,
    amazon.com.<cc>, or a subdomain such as marketplace.amazon.de); never the display name."""
    if not address or address.count("@") != 1:
        return False
    domain = address.rsplit("@", 1)[1].strip().rstrip(".").lower()
    return _AMAZON.search(domain) is not None


def amazon_sender(mail: MailText) -> str | None:
    """The Amazon address the notice comes from: the sender, or the sender of the mail a team
    member forwarded as an attachment."""
    if from_amazon(mail.sender):
        return mail.sender
    if from_amazon(mail.inner_sender):
        return mail.inner_sender
    return None


def classify(mail: MailText) -> MailKind:
    sender = amazon_sender(mail)
    if sender is None:
        return MailKind.NOT_AMAZON
    said = what_it_says(sender, mail.subject, mail.text)  # bot/domain/mail_kinds.py
    if said is not None:
        # About one order, or nothing claimbot can act on.
        if order_of(mail.subject, mail.text) is None:
            return MailKind.NOT_UNDERSTOOD
        return MailKind(said.value)
    text = _notice_text(mail)
    if not looks_like_notice(text):
        return MailKind.NOT_UNDERSTOOD
    notice = parse_notice(text)
    if notice.order_id is None or notice.reason is None or notice.marketplace not in MARKETPLACES:
        return MailKind.NOT_UNDERSTOOD
    return MailKind.CLAIM_NOTICE


def _notice_text(mail: MailText) -> str:
    """The subject, the sender (its domain names the marketplace) and the body."""
    return f"From: {amazon_sender(mail) or ''}\nSubject: {mail.subject}\n\n{mail.text}"


def mail_notice(mail: MailText) -> Notice:
    """The notice the mail carries; a date without a year is in the year of the mail's."""
    reference = mail.date.date() if mail.date is not None else None
    return parse_notice(_notice_text(mail), reference)


def mail_answers(mail: MailText, received: datetime) -> IntakeAnswers:
    """The intake answers a claim notice mail makes, ready to open: the notice's facts, its
    clock started at the mail's own Date (else when it was received), the buyer language of
    the marketplace. The notice does not say who shipped: FBM until the agent corrects it on
    the card (the plan that contacts the buyer first, safe either way). Only for a mail that
    `classify` calls a claim notice."""
    notice = mail_notice(mail)
    started = mail.date if mail.date is not None else received
    answers = IntakeAnswers(started_at=started).with_notice(notice)
    market = MARKETPLACES[str(answers.marketplace)]
    return answers.but(fulfillment=Fulfillment.FBM, language=market.default_language)
