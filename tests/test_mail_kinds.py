"""Mail intake (issue 15), what each mail does: a request for more information starts the
48-hour clock, Amazon's decision (or an appeal's) is proposed on the card, a buyer's message
is recorded as the buyer's reply, each on the order's claim and in the transaction that
records the mail; French and Italian notices open claims. Sample mails in tests/data/mail."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.domain.claims import Claim, ClaimChange, Outcome, Reason, StepId
from bot.domain.deadlines import BUYER_ANSWER_WINDOW, INFORMATION_REQUEST_WINDOW
from bot.domain.journey import Deadline, claim_deadlines
from bot.domain.mail import MailKind, classify, read_mail
from bot.domain.mail_kinds import Said, buyer_text, decision_of, what_it_says
from bot.i18n import BOT_DOMAIN, Catalogs, Translator
from bot.services.mail import MailIntake, MailOutcome
from bot.storage import MailboxSpot
from bot.views import card as views
from tests.helpers import ADMIN, US_NOTICE, Chat, alerts, texts

MAILS = Path(__file__).parent / "data" / "mail"
NOTICES = Path(__file__).parent / "data" / "notices"
US_ORDER = "113-5550123-4567890"  # en_amazon_com_qp.eml opens it
DE_ORDER = "306-7654321-1234567"  # de_amazon_de_html_base64.eml
JP_ORDER = "250-7654321-1234567"  # ja_amazon_co_jp_base64.eml
NOTICE_OF = {
    US_ORDER: "en_amazon_com_qp.eml",
    DE_ORDER: "de_amazon_de_html_base64.eml",
    JP_ORDER: "ja_amazon_co_jp_base64.eml",
}
SPOT = MailboxSpot("imap://support@example-store.test/INBOX", 7, 41)


@pytest.fixture(autouse=True)
def _mails_came_in_late(clock: Any) -> None:
    """The mails are read after they were sent (a Date later than that counts as then)."""
    clock.advance(days=30)


def read(name: str) -> bytes:
    return (MAILS / name).read_bytes()


def intake_of(chat: Chat) -> MailIntake:
    services = chat.services
    return MailIntake(services.storage, services.renderer, services.store, services.clock)


async def open_from_notice(chat: Chat, order_id: str) -> Claim:
    opened = await intake_of(chat).process(read(NOTICE_OF[order_id]), "eml")
    assert opened.outcome is MailOutcome.OPENED
    return await claim_of(chat, order_id)


async def claim_of(chat: Chat, order_id: str) -> Claim:
    return (await chat.services.storage.claims.for_order(order_id))[0]


async def events(chat: Chat, claim_id: int) -> list[tuple[str, Any, str]]:
    rows = await chat.services.storage.db.fetchall(
        "SELECT kind, actor_id, payload FROM events WHERE claim_id = ? ORDER BY id", (claim_id,)
    )
    return [(row["kind"], row["actor_id"], row["payload"]) for row in rows]


async def mail_rows(chat: Chat) -> list[tuple[Any, ...]]:
    rows = await chat.services.storage.db.fetchall(
        "SELECT kind, outcome, claim_id, order_id FROM mails ORDER BY rowid"
    )
    return [tuple(row) for row in rows]


def shown(calls: list[Any]) -> list[str]:
    """The texts sent or edited in place."""
    return [c.params["text"] for c in calls if c.method in ("sendMessage", "editMessageText")]


def english() -> Translator:
    return Translator("en", Catalogs().get(BOT_DOMAIN, "en"))


# --- Reading --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("en_info_request.eml", MailKind.INFO_REQUEST),
        ("de_info_request.eml", MailKind.INFO_REQUEST),
        ("en_decision_granted.eml", MailKind.DECISION),
        ("de_decision_denied_html.eml", MailKind.DECISION),
        ("en_appeal_result.eml", MailKind.DECISION),
        ("en_buyer_message_qp.eml", MailKind.BUYER_MESSAGE),
        ("de_buyer_message.eml", MailKind.BUYER_MESSAGE),
        ("ja_buyer_message_base64.eml", MailKind.BUYER_MESSAGE),
        ("fr_amazon_fr_notice.eml", MailKind.CLAIM_NOTICE),
        ("it_amazon_it_notice.eml", MailKind.CLAIM_NOTICE),
        ("en_amazon_com_qp.eml", MailKind.CLAIM_NOTICE),
        ("de_amazon_de_html_base64.eml", MailKind.CLAIM_NOTICE),
        ("ja_amazon_co_jp_base64.eml", MailKind.CLAIM_NOTICE),
        ("forwarded_rfc822.eml", MailKind.CLAIM_NOTICE),
    ],
)
def test_each_sample_mail_is_read_as_its_kind(name: str, kind: MailKind) -> None:
    mail = read_mail(read(name))
    assert not mail.broken
    assert classify(mail) is kind


@pytest.mark.parametrize(
    ("name", "outcome", "kind"),
    [
        ("en_decision_granted.eml", Outcome.GRANTED_SELLER_FUNDED, "decision"),
        ("de_decision_denied_html.eml", Outcome.DENIED, "decision"),
        ("en_appeal_result.eml", Outcome.GRANTED_AMAZON_FUNDED, "appeal"),
    ],
)
def test_a_decision_says_its_outcome(name: str, outcome: Outcome, kind: str) -> None:
    mail = read_mail(read(name))
    decision = decision_of(mail.subject, mail.text)
    assert decision is not None
    assert (decision.outcome, decision.kind.value) == (outcome, kind)


@pytest.mark.parametrize("path", sorted(NOTICES.glob("*.txt")), ids=lambda p: p.name)
def test_no_claim_notice_reads_as_another_kind(path: Path) -> None:
    assert what_it_says("seller-notification@amazon.com", "", path.read_text()) is None
    assert what_it_says("seller-notification@amazon.com", "", US_NOTICE) is None


def test_a_buyer_quoting_a_claim_is_still_a_buyer() -> None:
    quoting = f"I got this from you:\n\n{US_NOTICE}\nWhat does it mean?"
    assert what_it_says("k2j4h5@marketplace.amazon.com", "Re: your order", quoting) is (
        Said.BUYER_MESSAGE
    )


@pytest.mark.parametrize(
    ("subject", "body", "said"),
    [
        (
            "Richiesta di ulteriori informazioni: reclamo 402-9988776-6655443",
            "Abbiamo bisogno di ulteriori informazioni. Rispondi entro 48 ore.",
            Said.INFO_REQUEST,
        ),
        (
            "Réclamation 171-5566778-1122334",
            "Nous avons besoin d'informations supplémentaires. Répondez sous 48 heures.",
            Said.INFO_REQUEST,
        ),
        (
            "Reclamación 403-1112223-3334445",
            "Necesitamos más información sobre la reclamación. Responda en 48 horas.",
            Said.INFO_REQUEST,
        ),
        (
            "A-to-zマーケットプレイス保証の申請（注文番号：250-1112223-3334445）",
            "申請について追加情報をご提供ください。48時間以内にご回答ください。",
            Said.INFO_REQUEST,
        ),
        (
            "Décision concernant la réclamation 171-5566778-1122334",
            "Nous avons pris une décision : la réclamation a été refusée, en votre faveur.",
            Said.DECISION,
        ),
        (
            "Decisione sul reclamo 402-9988776-6655443",
            "Il reclamo è stato accolto. L'importo è a carico di Amazon.",
            Said.DECISION,
        ),
        (
            "Anfrage von Amazon-Kunde Erika (Bestellung: 306-1112223-3334445)",
            "Wo bleibt mein Paket?",
            Said.BUYER_MESSAGE,
        ),
        (
            "Consulta del cliente de Amazon Lucía (Pedido: 403-1112223-3334445)",
            "¿Cuándo llega mi pedido?",
            Said.BUYER_MESSAGE,
        ),
    ],
)
def test_the_other_languages_are_read_too(subject: str, body: str, said: Said) -> None:
    assert what_it_says("seller-notification@amazon.fr", subject, body) is said


def test_the_buyers_words_come_without_amazons_frame() -> None:
    english_text = buyer_text(read_mail(read("en_buyer_message_qp.eml")).text)
    assert english_text.startswith("Hi, I still haven't received my order.")
    assert english_text.endswith("Thanks, Jane")
    assert "Begin message" not in english_text
    assert "Copyright" not in english_text
    japanese = buyer_text(read_mail(read("ja_buyer_message_base64.eml")).text)
    assert japanese.startswith("お世話になっております。")
    assert japanese.endswith("山田花子")
    # Without Amazon's frame, nothing is guessed: the whole body.
    assert buyer_text("\nJust the text.\n-- \nJane\n") == "Just the text.\n-- \nJane"


# --- French and Italian notices -------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "order_id", "expected"),
    [
        ("fr_amazon_fr_notice.eml", "171-2233445-5566778", ("FR", Reason.DEFECTIVE, "fr", "64.90")),
        (
            "it_amazon_it_notice.eml",
            "405-3344556-6677889",
            ("IT", Reason.NOT_RECEIVED, "it", "129.00"),
        ),
    ],
)
async def test_french_and_italian_notices_open_claims(
    bot: Any, name: str, order_id: str, expected: tuple[str, Reason, str, str]
) -> None:
    async with bot() as chat:
        result = await intake_of(chat).process(read(name), "eml")
        assert (result.outcome, result.order_id) == (MailOutcome.OPENED, order_id)
        facts = (await claim_of(chat, order_id)).facts
        assert (
            facts.marketplace,
            facts.reason,
            facts.buyer_language,
            facts.extra["claim_amount"],
        ) == expected
        assert facts.extra["claim_currency"] == "EUR"


# --- Information requests -------------------------------------------------------------------
async def test_an_information_request_starts_the_48_hour_clock_once(bot: Any) -> None:
    async with bot() as chat:
        claim = await open_from_notice(chat, US_ORDER)
        assert claim.info_requested_at is None
        intake = intake_of(chat)
        result = await intake.process(read("en_info_request.eml"), "imap", SPOT)
        assert (result.outcome, result.kind, result.claim_id) == (
            MailOutcome.RECORDED,
            MailKind.INFO_REQUEST,
            claim.id,
        )
        asked = datetime(2026, 11, 5, 16, 0, tzinfo=UTC)  # the mail's Date
        after = await claim_of(chat, US_ORDER)
        assert after.info_requested_at == asked
        assert (Deadline.INFORMATION, asked + INFORMATION_REQUEST_WINDOW) in claim_deadlines(after)
        kinds = await events(chat, claim.id)
        assert kinds[-1] == (
            "info_requested",
            None,
            '{"message_id": "<atoz-info-113-5550123-4567890@amazon.com>", "source": "imap"}',
        )
        assert (await mail_rows(chat))[-1] == ("info_request", "recorded", claim.id, US_ORDER)
        assert await chat.services.storage.mails.read_uids(SPOT.mailbox, 7) == {41}

        again = await intake.process(read("en_info_request.eml"), "imap", SPOT)
        assert again.outcome is MailOutcome.SEEN
        assert (await claim_of(chat, US_ORDER)).revision == after.revision
        assert len(await events(chat, claim.id)) == len(kinds)


async def test_a_german_information_request_too(bot: Any) -> None:
    async with bot() as chat:
        await open_from_notice(chat, DE_ORDER)
        result = await intake_of(chat).process(read("de_info_request.eml"), "eml")
        assert result.outcome is MailOutcome.RECORDED
        claim = await claim_of(chat, DE_ORDER)
        assert claim.info_requested_at == datetime(2026, 11, 6, 9, 30, tzinfo=UTC)


async def test_without_an_open_claim_a_mail_is_left_with_its_kind_and_order(bot: Any) -> None:
    async with bot() as chat:
        intake = intake_of(chat)
        for name in ("en_info_request.eml", "en_buyer_message_qp.eml", "en_decision_granted.eml"):
            result = await intake.process(read(name), "eml")
            assert (result.outcome, result.order_id) == (MailOutcome.LEFT, US_ORDER)
        assert await mail_rows(chat) == [
            ("info_request", "left", None, US_ORDER),
            ("buyer_message", "left", None, US_ORDER),
            ("decision", "left", None, US_ORDER),
        ]
        assert [m.kind for m in await chat.services.storage.mails.left()] == [
            "info_request",
            "buyer_message",
            "decision",
        ]


async def test_a_closed_claim_takes_no_request_and_no_buyer_message(bot: Any) -> None:
    async with bot() as chat:
        claim = await open_from_notice(chat, US_ORDER)
        await close_claim(chat, claim, Outcome.WITHDRAWN)
        intake = intake_of(chat)
        for name in ("en_info_request.eml", "en_buyer_message_qp.eml"):
            assert (await intake.process(read(name), "eml")).outcome is MailOutcome.LEFT
        closed = await claim_of(chat, US_ORDER)
        assert (closed.info_requested_at, closed.replied_at) == (None, None)


async def close_claim(chat: Chat, claim: Claim, outcome: Outcome) -> None:
    storage = chat.services.storage
    async with storage.db.transaction() as tx:
        now = chat.services.clock()
        await storage.claims.update(tx, claim, now, ClaimChange(outcome=outcome, closed_at=now))


async def test_a_failed_claim_change_records_neither_the_mail_nor_its_spot(
    bot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with bot() as chat:
        await open_from_notice(chat, US_ORDER)
        storage = chat.services.storage

        async def broken(*args: Any, **kwargs: Any) -> None:
            await args[0].execute("SELECT 1")  # inside the transaction, then it fails
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(storage.claims, "update", broken)
        with pytest.raises(sqlite3.OperationalError):
            await intake_of(chat).process(read("en_info_request.eml"), "imap", SPOT)
        assert await storage.mails.get("<atoz-info-113-5550123-4567890@amazon.com>") is None
        assert await storage.mails.read_uids(SPOT.mailbox, SPOT.uidvalidity) == set()
        monkeypatch.undo()
        # Read again later, it does its work.
        result = await intake_of(chat).process(read("en_info_request.eml"), "imap", SPOT)
        assert result.outcome is MailOutcome.RECORDED
        assert await storage.mails.read_uids(SPOT.mailbox, SPOT.uidvalidity) == {41}


async def test_a_concurrent_duplicate_rolls_the_claim_change_back(
    bot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mail's row is written by someone else first (a second reader): the primary key
    refuses ours, and the claim change of the same transaction goes with it."""
    async with bot() as chat:
        claim = await open_from_notice(chat, US_ORDER)
        storage = chat.services.storage
        intake = intake_of(chat)
        real_seen = storage.mails.seen

        async def not_yet(tx: Any, message_id: str) -> Any:
            await real_seen(tx, message_id)
            return None  # as if the other reader had not committed when we looked

        other = await intake.process(read("en_info_request.eml"), "eml")
        assert other.outcome is MailOutcome.RECORDED
        revision = (await claim_of(chat, US_ORDER)).revision
        monkeypatch.setattr(storage.mails, "seen", not_yet)
        monkeypatch.setattr(storage.mails, "get", _none_then(storage.mails.get))
        result = await intake.process(read("en_info_request.eml"), "eml")
        assert result.outcome is MailOutcome.SEEN
        assert (await claim_of(chat, US_ORDER)).revision == revision
        assert [e[0] for e in await events(chat, claim.id)].count("info_requested") == 1


def _none_then(real: Any) -> Any:
    """The first read finds nothing (the other reader's row is not there yet), later ones do."""
    calls = {"n": 0}

    async def get(message_id: str) -> Any:
        calls["n"] += 1
        return None if calls["n"] == 1 else await real(message_id)

    return get


# --- Buyer messages -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("order_id", "name", "start", "sent"),
    [
        (
            US_ORDER,
            "en_buyer_message_qp.eml",
            "Hi, I still haven't received my order.",
            datetime(2026, 11, 6, 15, 12, tzinfo=UTC),
        ),
        (
            DE_ORDER,
            "de_buyer_message.eml",
            "Guten Tag,",
            datetime(2026, 11, 7, 18, 3, tzinfo=UTC),
        ),
        (
            JP_ORDER,
            "ja_buyer_message_base64.eml",
            "お世話になっております。",
            datetime(2026, 11, 3, 12, 40, tzinfo=UTC),
        ),
    ],
)
async def test_a_buyers_message_is_the_buyers_reply(
    bot: Any, order_id: str, name: str, start: str, sent: datetime
) -> None:
    async with bot() as chat:
        claim = await open_from_notice(chat, order_id)
        result = await intake_of(chat).process(read(name), "eml")
        assert (result.outcome, result.kind) == (MailOutcome.RECORDED, MailKind.BUYER_MESSAGE)
        after = await claim_of(chat, order_id)
        reply = after.facts.extra["buyer_reply"]
        assert reply.startswith(start)
        assert "Amazon" not in reply
        assert after.replied_at == sent
        assert after.step is not claim.step
        assert after.step not in (StepId.CONTACT_BUYER, StepId.AWAIT_REPLY)
        assert (Deadline.BUYER_ANSWER, sent + BUYER_ANSWER_WINDOW) in claim_deadlines(after)
        kind, actor, payload = (await events(chat, claim.id))[-1]
        assert (kind, actor) == ("buyer_replied", None)
        assert f'"summary_length": {len(reply)}' in payload
        assert '"source": "mail"' in payload
        text = views.card_text(english(), after, chat.services.clock())
        assert start in text


async def test_a_long_buyers_message_is_cut_to_the_fields_limit(bot: Any) -> None:
    async with bot() as chat:
        await open_from_notice(chat, US_ORDER)
        raw = read("en_buyer_message_qp.eml").replace(
            b"Thanks, Jane", b"Thanks, Jane. " + b"More words here. " * 200
        )
        assert (await intake_of(chat).process(raw, "eml")).outcome is MailOutcome.RECORDED
        reply = (await claim_of(chat, US_ORDER)).facts.extra["buyer_reply"]
        assert len(reply) == 1500
        assert reply.endswith("…")


# --- Decisions ------------------------------------------------------------------------------
async def test_a_decision_is_proposed_on_the_card_and_closes_nothing(bot: Any) -> None:
    async with bot() as chat:
        claim = await open_from_notice(chat, US_ORDER)
        result = await intake_of(chat).process(read("en_decision_granted.eml"), "eml")
        assert (result.outcome, result.claim_id) == (MailOutcome.RECORDED, claim.id)
        after = await claim_of(chat, US_ORDER)
        assert not after.is_closed
        assert {k: v for k, v in after.facts.extra.items() if k.startswith("amazon_")} == {
            "amazon_decision": "granted_seller_funded",
            "amazon_decision_at": "2026-11-12",  # its own day (-0800)
            "amazon_decision_kind": "decision",
        }
        kind, actor, payload = (await events(chat, claim.id))[-1]
        assert (kind, actor) == ("decision_mailed", None)
        assert '"outcome": "granted_seller_funded"' in payload
        tr = english()
        text = views.card_text(tr, after, chat.services.clock())
        assert "Amazon's decision (by mail): Granted, paid by you" in text
        labels = [
            label
            for row in views.card_keyboard(tr, after, chat.services.clock())
            for label, _ in row
        ]
        assert "⚖ Record Amazon's decision: Granted, paid by you" in labels


async def test_a_german_html_denial_is_proposed(bot: Any) -> None:
    async with bot() as chat:
        await open_from_notice(chat, DE_ORDER)
        result = await intake_of(chat).process(read("de_decision_denied_html.eml"), "eml")
        assert result.outcome is MailOutcome.RECORDED
        after = await claim_of(chat, DE_ORDER)
        assert after.facts.extra["amazon_decision"] == "denied"


async def test_an_appeal_result_is_noted_on_the_closed_claim(bot: Any) -> None:
    async with bot() as chat:
        claim = await open_from_notice(chat, US_ORDER)
        await close_claim(chat, claim, Outcome.GRANTED_SELLER_FUNDED)
        result = await intake_of(chat).process(read("en_appeal_result.eml"), "eml")
        assert (result.outcome, result.claim_id) == (MailOutcome.RECORDED, claim.id)
        after = await claim_of(chat, US_ORDER)
        assert after.outcome is Outcome.GRANTED_SELLER_FUNDED  # the agent decides
        assert after.facts.extra["amazon_decision_kind"] == "appeal"
        tr = english()
        text = views.card_text(tr, after, chat.services.clock())
        assert "Amazon's decision on the appeal (by mail): Granted, paid by Amazon" in text
        assert views.card_keyboard(tr, after, chat.services.clock()) == [
            [("History", f"c:{claim.id}:{after.revision}:hist")]
        ]


async def test_the_decision_button_closes_with_that_outcome_and_forgeries_are_refused(
    bot: Any,
) -> None:
    async with bot() as chat:
        claim = await open_from_notice(chat, US_ORDER)
        storage = chat.services.storage
        async with storage.db.transaction() as tx:
            await storage.claims.take(tx, claim.id, ADMIN, chat.services.clock())
        await intake_of(chat).process(read("en_decision_granted.eml"), "eml")
        await chat.send("/claims")
        calls = await chat.press_data(f"l:o:{claim.id}")
        assert "Amazon's decision (by mail): Granted, paid by you" in texts(calls)[-1]
        current = await claim_of(chat, US_ORDER)

        forged = await chat.press_data(f"c:{claim.id}:{current.revision}:out:granted_by_me")
        assert alerts(forged) == ["That button is not valid any more."]
        stale = await chat.press_data(f"c:{claim.id}:{current.revision - 1}:out:denied")
        assert alerts(stale) == ["This claim has changed since. Here is its current card."]
        assert not (await claim_of(chat, US_ORDER)).is_closed

        calls = await chat.press("⚖ Record Amazon's decision: Granted, paid by you")
        assert "Record “Granted, paid by you” and close claim #1?" in shown(calls)[-1]
        calls = await chat.press("✓ Confirm")
        closed = await claim_of(chat, US_ORDER)
        assert closed.outcome is Outcome.GRANTED_SELLER_FUNDED
        assert closed.closed_at is not None
        assert "Closed: Granted, paid by you." in shown(calls)[-1]
        assert (await events(chat, claim.id))[-1][:2] == ("outcome_recorded", ADMIN)
