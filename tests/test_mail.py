"""Mail intake, first part (issue 15): reading Amazon's notification mails (samples written for
these tests under tests/data/mail) and what each one is. `claimbot mail --eml` is in
tests/test_mail_cli.py."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from bot.domain.mail import (
    MAX_MAIL_BYTES,
    MailKind,
    classify,
    from_amazon,
    html_to_text,
    mail_answers,
    mail_notice,
    read_mail,
)

MAILS = Path(__file__).parent / "data" / "mail"


def read(name: str) -> bytes:
    return (MAILS / name).read_bytes()


# --- Reading --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "sender", "order_id", "marketplace", "sent"),
    [
        (
            "en_amazon_com_qp.eml",
            "atoz-guarantee-no-reply@amazon.com",
            "113-5550123-4567890",
            "US",
            datetime(2026, 11, 3, 17, 15, tzinfo=UTC),
        ),
        (
            "de_amazon_de_html_base64.eml",
            "seller-notification@amazon.de",
            "306-7654321-1234567",
            "DE",
            datetime(2026, 11, 4, 9, 2, tzinfo=UTC),
        ),
        (
            "ja_amazon_co_jp_base64.eml",
            "seller-notification@amazon.co.jp",
            "250-7654321-1234567",
            "JP",
            datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
        ),
    ],
)
def test_each_sample_notice_reads_and_is_a_claim_notice(
    name: str, sender: str, order_id: str, marketplace: str, sent: datetime
) -> None:
    mail = read_mail(read(name))
    assert mail.sender == sender
    assert mail.date == sent
    assert mail.message_id is not None
    assert not mail.broken
    assert classify(mail) is MailKind.CLAIM_NOTICE
    notice = mail_notice(mail)
    assert (notice.order_id, notice.marketplace) == (order_id, marketplace)
    assert notice.filed_on is not None
    assert notice.respond_by is not None


def test_quoted_printable_and_base64_bodies_are_decoded() -> None:
    english = read_mail(read("en_amazon_com_qp.eml"))
    assert b"=E2=80=93" in read("en_amazon_com_qp.eml")  # the en dash, quoted-printable
    assert 'select "Respond to Amazon" – include' in english.text
    japanese = read_mail(read("ja_amazon_co_jp_base64.eml"))
    assert "注文番号：250-7654321-1234567" in japanese.text
    assert "保証の申請について" in japanese.subject


def test_an_html_only_latin_1_mail_reads_as_lines_of_text() -> None:
    german = read_mail(read("de_amazon_de_html_base64.eml"))
    assert b'charset="iso-8859-1"' in read("de_amazon_de_html_base64.eml")
    lines = [line for line in german.text.splitlines() if line]
    assert lines[0] == "Sehr geehrte Verkäuferin, sehr geehrter Verkäufer,"
    assert "Bestellnummer: 306-7654321-1234567" in lines
    assert "Antragsbetrag: 39,90 €" in lines
    assert "Mit freundlichen Grüßen" in lines
    assert "<" not in german.text
    assert "margin" not in german.text  # the <style> is not text
    notice = mail_notice(german)
    assert (notice.filed_on, notice.respond_by) == (date(2026, 11, 4), date(2026, 11, 7))


def test_html_to_text_breaks_lines_and_unescapes() -> None:
    html = "<div>A &amp; B<br>C</div><p>D&nbsp;&euro;</p><table><tr><td>x</td><td>y</td></tr>"
    assert html_to_text(html).splitlines() == ["A & B", "C", "", "D €", "", "x y"]
    assert html_to_text("<p>half a tag <b").startswith("half a tag")


def test_a_forwarded_notice_is_read_from_inside_and_counts_as_amazons() -> None:
    mail = read_mail(read("forwarded_rfc822.eml"))
    assert mail.sender == "mei@example-store.test"
    assert mail.inner_sender == "seller-notification@amazon.co.uk"
    assert mail.message_id == "<fwd-1@example-store.test>"
    assert mail.date == datetime(2026, 11, 5, 8, 0, tzinfo=UTC)  # Amazon's, not the forward's
    assert "Order ID: 204-1112223-3334445" in mail.text
    assert "Forwarding" not in mail.text
    assert classify(mail) is MailKind.CLAIM_NOTICE
    notice = mail_notice(mail)
    assert (notice.order_id, notice.marketplace) == ("204-1112223-3334445", "UK")


def test_a_notice_from_elsewhere_is_not_amazons_whatever_its_display_name() -> None:
    mail = read_mail(read("not_amazon.eml"))
    assert mail.sender == "support@amaz0n-claims.test"
    assert classify(mail) is MailKind.NOT_AMAZON


@pytest.mark.parametrize(
    ("address", "amazon"),
    [
        ("atoz-guarantee-no-reply@amazon.com", True),
        ("seller-notification@amazon.de", True),
        ("x@amazon.co.jp", True),
        ("x@amazon.com.br", True),
        ("x@marketplace.amazon.co.uk", True),
        ("X@AMAZON.FR", True),
        ("x@amazon.com.evil.test", False),
        ("x@notamazon.com", False),
        ("x@amazon-claims.com", False),
        ("amazon.com", False),
        ("", False),
        (None, False),
    ],
)
def test_amazon_is_known_by_the_domain_of_the_address(address: str | None, amazon: bool) -> None:
    assert from_amazon(address) is amazon


def test_an_amazon_mail_that_is_no_claim_notice_is_not_understood() -> None:
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = "seller-notification@amazon.com"
    message["Subject"] = "Your monthly statement"
    message["Message-ID"] = "<statement@amazon.com>"
    message.set_content("Your statement for October is ready in Seller Central.\n")
    assert classify(read_mail(message.as_bytes())) is MailKind.NOT_UNDERSTOOD


def test_a_broken_mime_mail_does_not_raise_and_is_flagged() -> None:
    mail = read_mail(read("broken_mime.eml"))
    assert mail.broken
    assert mail.date is None
    assert mail.message_id == "<broken-1@amazon.com>"
    assert classify(mail) is MailKind.NOT_UNDERSTOOD


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\xff\xfe\x00 not a mail",
        b"Content-Type: multipart/mixed\n\n--x",
        b"From: =?utf-8?q?=FF?= <@@@>\nDate: 99 Foo 99999\n\n<html><body><p>&#xFFFFFFFF;",
    ],
)
def test_garbage_does_not_raise(raw: bytes) -> None:
    mail = read_mail(raw)
    assert classify(mail) in (MailKind.NOT_AMAZON, MailKind.NOT_UNDERSTOOD)


def test_of_a_huge_mail_only_the_headers_are_read() -> None:
    head = b"From: seller-notification@amazon.com\nMessage-ID: <big@amazon.com>\n\n"
    mail = read_mail(head + b"Order ID: 113-1234567-1234567\n" * (MAX_MAIL_BYTES // 20))
    assert mail.broken
    assert (mail.sender, mail.message_id, mail.text) == (
        "seller-notification@amazon.com",
        "<big@amazon.com>",
        "",
    )
    assert classify(mail) is MailKind.NOT_UNDERSTOOD
    stranger = read_mail(b"From: x@example.test\n\n" + b"x" * MAX_MAIL_BYTES)
    assert classify(stranger) is MailKind.NOT_AMAZON


def test_the_mail_date_dates_a_notice_without_years_and_starts_the_clock() -> None:
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = "seller-notification@amazon.com"
    message["Subject"] = "A-to-z Guarantee claim for order 113-4440001-2223334"
    message["Date"] = "Mon, 28 Dec 2026 16:00:00 +0000"
    message["Message-ID"] = "<yearless@amazon.com>"
    message.set_content(
        "A buyer has filed an A-to-z Guarantee claim.\nOrder ID: 113-4440001-2223334\n"
        "Claim reason: Item not received\nRespond by: January 2\n"
        "Seller Central: sellercentral.amazon.com\n"
    )
    mail = read_mail(message.as_bytes())
    assert classify(mail) is MailKind.CLAIM_NOTICE
    assert mail_notice(mail).respond_by == date(2027, 1, 2)
    facts, deadline = mail_answers(mail, datetime(2027, 1, 5, tzinfo=UTC)).to_claim()
    assert facts.buyer_language == "en"
    assert deadline is not None
    assert deadline.date() == date(2027, 1, 3)  # the end of Jan 2 in Los Angeles, in UTC
