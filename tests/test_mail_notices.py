"""Who is told what when a mail arrives (issue 15): through the real Application on the
offline Bot API and a real SQLite file; the mails really processed by the mail intake, their
notices written as outbox rows in the mail's transaction and delivered from there (issue 16)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from bot.domain.claims import Claim, Outcome
from bot.domain.mail import MailboxTrouble, MailKind, MailText
from bot.domain.people import Role
from bot.handlers.mail_notices import announce_mail, announce_mailbox_trouble
from bot.services import queue
from bot.services.mail import MailOutcome, MailResult
from bot.services.mail_notices import MailNotice, NoticeKind, Team, decide
from bot.storage import User
from bot.transport import ApiCall, OfflineBotApi
from tests.helpers import (
    ADMIN,
    AGENT,
    LEAD,
    LEAD2,
    Chat,
    alerts,
    person,
    stored_claim,
    team,
    texts,
)

MAIL = Path(__file__).parent / "data" / "mail"
ORDER = "113-5550123-4567890"  # the order of en_amazon_com_qp.eml (a US claim)
ADMIN2 = 43  # a second admin, who reads Chinese
REFUSED = "Your role does not allow that. Ask your team's admin if you need it."


async def languages(chat: Chat) -> None:
    """The team; one lead reads German (claimbot's UI has no German: English), the other
    Chinese, in the Berlin and Shanghai time zones."""
    await team(chat)
    users = chat.services.storage.users
    now = chat.services.clock()
    await users.set_ui_language(LEAD, "de", now)
    await users.set_time_zone(LEAD, "Europe/Berlin", now)
    await users.set_ui_language(LEAD2, "zh_Hans", now)
    await users.set_time_zone(LEAD2, "Asia/Shanghai", now)


async def process(chat: Chat, name: str) -> MailResult:
    return await chat.services.mail.process((MAIL / name).read_bytes(), "eml")


async def announce(chat: Chat, result: MailResult) -> list[ApiCall]:
    """Deliver the mail's notices (the outbox's worker may have taken some already) and
    return the messages sent for them."""
    await announce_mail(chat.app.bot, chat.services, result)
    outbox = chat.services.storage.outbox
    for _ in range(200):
        rows = [await outbox.get(row_id) for row_id in result.notices]
        if all(r is not None and (r.sent_at or r.failed_at) for r in rows):
            break
        await asyncio.sleep(0.01)
    sent = {(r.chat_id, r.text) for r in rows if r is not None and r.sent_at is not None}
    return [
        c
        for c in chat.api.calls
        if c.method == "sendMessage" and (int(c.params["chat_id"]), c.params["text"]) in sent
    ]


def to(calls: list[ApiCall], chat_id: int) -> list[ApiCall]:
    return [c for c in calls if c.method == "sendMessage" and int(c.params["chat_id"]) == chat_id]


def buttons(call: ApiCall) -> list[tuple[str, str]]:
    markup = call.params.get("reply_markup") or {"inline_keyboard": []}
    return [(b["text"], b["callback_data"]) for row in markup["inline_keyboard"] for b in row]


def receivers(calls: list[ApiCall]) -> set[int]:
    return {int(c.params["chat_id"]) for c in calls if c.method == "sendMessage"}


# --- A claim notice ---------------------------------------------------------------------------
async def test_a_mailed_claim_nobody_has_goes_to_every_lead_and_admin_in_their_language(
    bot: Any,
) -> None:
    async with bot() as chat:
        await languages(chat)
        result = await process(chat, "en_amazon_com_qp.eml")
        assert result.outcome is MailOutcome.OPENED
        calls = await announce(chat, result)
        assert receivers(calls) == {ADMIN, LEAD, LEAD2}  # not the agent
        claim = await stored_claim(chat)
        services = chat.services
        for lead, zone in ((LEAD, "Europe/Berlin"), (LEAD2, "Asia/Shanghai")):
            tr = services.translator_for(await person(chat, lead))
            deadline = tr.datetime(claim.respond_by)
            assert zone in deadline
            ((call),) = to(calls, lead)
            assert deadline in call.params["text"]
            assert ORDER in call.params["text"]
            assert "parse_mode" not in call.params
            # The queue's own buttons, served by the queue's handlers.
            assert buttons(call) == [
                (tr.gettext("Take #%(number)s") % {"number": 1}, "w:t:1"),
                (tr.gettext("Assign #%(number)s to…") % {"number": 1}, "w:a:1"),
            ]
        (german,) = texts(calls, LEAD)  # no German UI: the English source
        assert german.startswith(
            "📬 New claim from Amazon's mail: #1, order 113-5550123-4567890, Item not received,"
            " United States, respond by "
        )
        (chinese,) = texts(calls, LEAD2)
        assert chinese.startswith("📬 亚马逊邮件带来新的索赔：#1")
        assert "未收到商品" in chinese  # the reason, in Chinese


async def test_take_it_on_the_announcement_gives_the_claim(bot: Any) -> None:
    async with bot() as chat:
        await languages(chat)
        await announce(chat, await process(chat, "en_amazon_com_qp.eml"))
        calls = await chat.press("Take #1", LEAD)
        claim = await stored_claim(chat)
        assert claim.agent_id == LEAD
        edited = [c.params["text"] for c in calls if c.method == "editMessageText"]
        assert any(ORDER in t and "Plan" in t for t in edited)  # the card, in its place
        # The other lead's announcement is out of date: pressing it says who was quicker.
        message = chat.last_keyboard(LEAD2)
        calls = await chat.press_data("w:t:1", message, LEAD2)
        assert alerts(calls) == ["Lead 50 已先接下索赔 #1。"]


async def test_assign_to_on_the_announcement_gives_it_to_an_agent(bot: Any) -> None:
    async with bot() as chat:
        await languages(chat)
        await announce(chat, await process(chat, "en_amazon_com_qp.eml"))
        await chat.press("Assign #1 to…", ADMIN)
        calls = await chat.press("Anna", ADMIN)
        assert "Claim #1 is now Anna's." in texts(calls, ADMIN)
        assert (await stored_claim(chat)).agent_id == AGENT
        note, card = texts(calls, AGENT)
        assert note.endswith("gave you claim #1.")
        assert card.startswith(f"Claim #1 · order {ORDER}")


async def test_a_claim_given_in_turn_comes_to_its_agent_as_the_card(bot: Any) -> None:
    async with bot() as chat:
        await languages(chat)
        await chat.services.store.set_round_robin(True, await person(chat, ADMIN))
        result = await process(chat, "en_amazon_com_qp.eml")
        assert (await stored_claim(chat)).agent_id == AGENT
        calls = await announce(chat, result)
        assert receivers(calls) == {AGENT, LEAD, LEAD2}  # the leads, not the admin
        note, card = texts(calls, AGENT)
        assert note == "📬 A new claim from Amazon's mail is yours, given to you in turn: #1."
        assert card.startswith(f"Claim #1 · order {ORDER}")
        assert "Plan" in card
        assert chat.labels(AGENT)  # the card's own buttons
        (line,) = texts(calls, LEAD)
        assert line.endswith("United States, given to Anna in turn.")
        (line,) = texts(calls, LEAD2)
        assert "Anna" in line
        assert "#1" in line
        # The card's buttons work as on any card.
        calls = await chat.press(chat.labels(AGENT)[0], AGENT)
        assert alerts(calls) != ["That button is not valid any more."]


async def test_a_crash_after_the_mails_commit_loses_no_announcement(bot: Any) -> None:
    """The notices are written with the mail: the process dying before it sends them (the
    worker stopped, the mailbox reader never reaching `announce_mail`) loses none; after the
    restart the worker delivers each exactly once, and the mail read again adds nothing."""
    api = OfflineBotApi()
    async with bot(api=api) as chat:
        await languages(chat)
        await chat.services.outbox.stop()  # nothing is sent from here on: the "crash"
        before = len(api.calls)
        result = await process(chat, "en_amazon_com_qp.eml")
        assert result.outcome is MailOutcome.OPENED
        assert len(result.notices) == 3  # ADMIN, LEAD, LEAD2
        assert texts(api.calls[before:]) == []
        rows = await chat.services.storage.outbox.all()
        assert {r.kind for r in rows} == {"mail_new_unassigned"}
        assert all(r.claim_id == result.claim_id and r.sent_at is None for r in rows)
    before = len(api.calls)
    async with bot(api=api) as chat:
        outbox = chat.services.storage.outbox
        for _ in range(200):  # the worker, started with the bot, sends what is left
            if all(r.sent_at is not None for r in await outbox.all()):
                break
            await asyncio.sleep(0.01)
        assert all(r.sent_at is not None for r in await outbox.all())
        again = await process(chat, "en_amazon_com_qp.eml")
        assert again.outcome is MailOutcome.SEEN
        assert again.notices == ()
        await announce(chat, again)
        calls = api.calls[before:]
        for lead in (ADMIN, LEAD, LEAD2):
            (text,) = texts(calls, lead)  # exactly once
            assert ORDER in text
        (chinese,) = texts(calls, LEAD2)
        assert chinese.startswith("📬 亚马逊邮件带来新的索赔：#1")


# --- A mail about an open claim ---------------------------------------------------------------
async def opened(chat: Chat) -> MailResult:
    result = await process(chat, "en_amazon_com_qp.eml")
    assert result.claim_id is not None
    return result


async def recorded(chat: Chat, name: str, kind: MailKind) -> MailResult:
    """A mail about the order's claim, recorded on it with its notices."""
    result = await process(chat, name)
    assert (result.outcome, result.kind) == (MailOutcome.RECORDED, kind)
    return result


async def taken_by_agent(chat: Chat) -> Claim:
    services = chat.services
    return await queue.take(services.storage, 1, await person(chat, AGENT), services.clock())


async def test_the_buyers_message_goes_to_the_agent_with_the_open_button(bot: Any) -> None:
    async with bot() as chat:
        await languages(chat)
        await opened(chat)
        await taken_by_agent(chat)
        result = await recorded(chat, "en_buyer_message_qp.eml", MailKind.BUYER_MESSAGE)
        calls = await announce(chat, result)
        assert receivers(calls) == {AGENT}
        (call,) = to(calls, AGENT)
        text = call.params["text"]
        said = (await stored_claim(chat)).facts.extra["buyer_reply"]
        assert text.startswith(f"💬 The buyer wrote on claim #1 (order {ORDER}): {said[:20]}")
        assert len(text) < 300 + 60
        assert buttons(call) == [("Open claim #1", "l:o:1")]
        calls = await chat.press("Open claim #1", AGENT)
        assert any(t.startswith(f"Claim #1 · order {ORDER}") for t in texts(calls, AGENT))


async def test_an_information_request_on_an_unassigned_claim_goes_to_the_leads(
    bot: Any, clock: Any
) -> None:
    async with bot() as chat:
        await languages(chat)
        await opened(chat)
        clock.now = datetime(2026, 11, 3, 20, 0, tzinfo=UTC)  # the request is read at 20:00
        result = await recorded(chat, "en_info_request.eml", MailKind.INFO_REQUEST)
        calls = await announce(chat, result)
        assert receivers(calls) == {LEAD, LEAD2}
        (text,) = texts(calls, LEAD)
        assert text.startswith(
            f"❓ Amazon asks for more information on claim #1 (order {ORDER}): answer by "
        )
        # 48 hours from the request's recording (Tue 3 Nov 2026, 20:00 UTC = 21:00 in Berlin).
        assert "Nov 5, 2026, 9:00\u202fPM (Europe/Berlin)" in text
        (text,) = texts(calls, LEAD2)
        assert text.startswith("❓ ")
        assert "（Asia/Shanghai）" in text
        # The lead may open the card of a claim nobody has.
        calls = await chat.press("Open claim #1", LEAD)
        assert any(t.startswith(f"Claim #1 · order {ORDER}") for t in texts(calls, LEAD))


async def test_a_decision_goes_to_the_claims_agent(bot: Any) -> None:
    async with bot() as chat:
        await languages(chat)
        await opened(chat)
        await taken_by_agent(chat)
        result = await recorded(chat, "en_decision_granted.eml", MailKind.DECISION)
        calls = await announce(chat, result)
        assert texts(calls) == [
            f"⚖ Amazon's decision on claim #1 (order {ORDER}) arrived: open the card to record it."
        ]
        assert receivers(calls) == {AGENT}


async def test_a_removed_agents_claim_is_told_to_the_leads(bot: Any) -> None:
    async with bot() as chat:
        await languages(chat)
        await opened(chat)
        await taken_by_agent(chat)
        await chat.services.people.remove(await person(chat, ADMIN), AGENT)
        result = await recorded(chat, "en_decision_granted.eml", MailKind.DECISION)
        calls = await announce(chat, result)
        assert receivers(calls) == {LEAD, LEAD2}


# --- Mails nobody needs to hear of, and mails left for an admin ------------------------------
async def test_a_mail_left_is_told_to_the_admins(bot: Any) -> None:
    async with bot() as chat:
        await languages(chat)
        result = await process(chat, "not_amazon.eml")
        assert result.outcome is MailOutcome.LEFT
        calls = await announce(chat, result)
        assert texts(calls) == [
            "📭 A mail was left for you (not from Amazon, from support@amaz0n-claims.test): /mails"
        ]
        assert receivers(calls) == {ADMIN}


async def test_a_mail_seen_or_already_open_is_told_to_nobody(
    bot: Any, caplog: pytest.LogCaptureFixture
) -> None:
    async with bot() as chat:
        await languages(chat)
        await process(chat, "en_amazon_com_qp.eml")
        written = len(await chat.services.storage.outbox.all())
        seen = await process(chat, "en_amazon_com_qp.eml")
        assert seen.outcome is MailOutcome.SEEN
        assert len(await chat.services.storage.outbox.all()) == written  # nothing more
        already = MailResult(MailOutcome.ALREADY_OPEN, seen.kind, seen.mail, ORDER, 1)
        with caplog.at_level(logging.INFO, logger="bot.handlers.mail_notices"):
            assert await announce(chat, seen) == []
            assert await announce(chat, already) == []
        logged = " ".join(r.getMessage() for r in caplog.records)
        assert "nobody to tell" in logged
        assert ORDER not in logged
        assert "amazon.com" not in logged


async def test_one_unreachable_lead_does_not_stop_the_others(bot: Any) -> None:
    class Blocked(OfflineBotApi):
        def answer(
            self,
            method: str,
            params: dict[str, Any],
            files: dict[str, tuple[str, bytes]] | None = None,
        ) -> tuple[int, dict[str, Any]]:
            if method == "sendMessage" and int(params["chat_id"]) == LEAD:
                return 403, {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user",
                }
            return super().answer(method, params, files)

    async with bot(api=Blocked()) as chat:
        await languages(chat)
        calls = await announce(chat, await process(chat, "en_amazon_com_qp.eml"))
        assert receivers(calls) == {ADMIN, LEAD2}


def test_who_gets_what_without_telegram() -> None:
    """The decision alone: plain values in, plain values out."""

    def user(user_id: int, role: Role, active: bool = True) -> User:
        return User(user_id, role, "telegram", None, None, active)

    lead, admin, agent = user(LEAD, Role.LEAD), user(ADMIN, Role.ADMIN), user(AGENT, Role.AGENT)
    nobody = Team(leads=[], admins=[admin])
    both = Team(leads=[lead], admins=[admin])
    text = MailText("x@amazon.com", "", None, None, "")

    def result(outcome: MailOutcome, kind: MailKind = MailKind.CLAIM_NOTICE) -> MailResult:
        return MailResult(outcome, kind, text, ORDER, 1)

    open_claim = _claim(agent_id=None)
    assert decide(result(MailOutcome.OPENED), open_claim, None, both) == [
        MailNotice(lead, NoticeKind.NEW_UNASSIGNED, open_claim),
        MailNotice(admin, NoticeKind.NEW_UNASSIGNED, open_claim),
    ]
    mine = _claim(agent_id=AGENT)
    assert decide(result(MailOutcome.OPENED), mine, agent, both) == [
        MailNotice(agent, NoticeKind.NEW_IN_TURN, mine),
        MailNotice(lead, NoticeKind.GIVEN_IN_TURN, mine, agent),
    ]
    buyer = result(MailOutcome.RECORDED, MailKind.BUYER_MESSAGE)
    assert decide(buyer, mine, agent, both) == [MailNotice(agent, NoticeKind.BUYER_MESSAGE, mine)]
    # Nobody has it and the team has no lead: the admins hear of it.
    assert decide(buyer, open_claim, None, nobody) == [
        MailNotice(admin, NoticeKind.BUYER_MESSAGE, open_claim)
    ]
    left = MailResult(MailOutcome.LEFT, MailKind.NOT_AMAZON, text)
    assert decide(left, None, None, both) == [MailNotice(admin, NoticeKind.MAIL_LEFT)]
    for quiet in (MailOutcome.SEEN, MailOutcome.ALREADY_OPEN):
        assert decide(result(quiet), open_claim, None, both) == []
    closed = _claim(agent_id=AGENT, closed=True)
    assert decide(buyer, closed, agent, both) == []


def _claim(*, agent_id: int | None, closed: bool = False) -> Any:
    """A stand-in with the two fields `decide` reads."""

    class Stub:
        def __init__(self) -> None:
            self.agent_id = agent_id
            self.closed_at = object() if closed else None

    return Stub()


# --- The mailbox's troubles -------------------------------------------------------------------
@pytest.mark.parametrize("trouble", list(MailboxTrouble))
async def test_mailbox_troubles_reach_the_admins_only(bot: Any, trouble: MailboxTrouble) -> None:
    password = "hunter2-S3cret"  # what the reader has and must never pass on
    async with bot() as chat:
        await languages(chat)
        admin = await person(chat, ADMIN)
        await chat.services.people.add(admin, ADMIN2, Role.ADMIN, "Wang")
        await chat.services.storage.users.set_ui_language(ADMIN2, "zh_Hans", chat.services.clock())
        before = len(chat.api.calls)
        detail = "imap.example.test:993/INBOX"
        await announce_mailbox_trouble(chat.app.bot, chat.services, trouble, detail)
        calls = chat.api.calls[before:]
        assert receivers(calls) == {ADMIN, ADMIN2}
        assert all(detail in t for t in texts(calls))
        assert not any(password in str(c.params) for c in chat.api.calls)
        (english,) = texts(calls, ADMIN)
        (chinese,) = texts(calls, ADMIN2)
        assert english != chinese
        expected = {
            MailboxTrouble.UNREACHABLE: "chats are not affected",
            MailboxTrouble.LOGIN: "CLAIMBOT_IMAP_PASSWORD",
            MailboxTrouble.TLS: "secure connection",
            MailboxTrouble.MAILBOX: "folder",
            MailboxTrouble.RECOVERED: "again",
        }
        assert expected[trouble] in english


# --- /mails -------------------------------------------------------------------------------------
def odd_mail(number: int, subject: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"Someone {number} <someone{number}@example.test>"
    mail["To"] = "support@example-store.test"
    mail["Subject"] = subject
    mail["Message-ID"] = f"<odd-{number}@example.test>"
    mail.set_content("Hello")
    return mail.as_bytes()


async def test_mails_lists_the_mails_left_newest_first(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        await languages(chat)
        await process(chat, "en_amazon_com_qp.eml")  # opened: not listed
        await process(chat, "not_amazon.eml")
        clock.advance(hours=2)
        odd = "<b>Bold</b> & \u202eevil\u202c \x07 " + "ü" * 200 + " 🎉"
        await chat.services.mail.process(odd_mail(1, odd), "eml")
        calls = await chat.send("/mails")
        (screen,) = texts(calls, ADMIN)
        assert "parse_mode" not in to(calls, ADMIN)[0].params
        lines = screen.split("\n")
        assert lines[0] == "Mails left for an admin, newest first (2 of 2):"
        assert lines[2] == "• Nov 2, 2026, 11:30\u202fAM (UTC) · not from Amazon"
        assert lines[3] == "From: someone1@example.test"
        subject = lines[4].removeprefix("Subject: ")
        assert subject.startswith("<b>Bold</b> & evil ü")  # plain text, one line
        assert subject.endswith("…")
        assert len(subject) == 80
        assert "\u202e" not in screen
        assert "\x07" not in screen
        assert lines[6] == "• Nov 2, 2026, 9:30\u202fAM (UTC) · not from Amazon"
        assert lines[7] == "From: support@amaz0n-claims.test"
        assert lines[8] == "Subject: A-to-z Guarantee claim for order 113-9990001-2223334"
        # The admin's own time zone, in their language.
        await chat.services.storage.users.set_time_zone(ADMIN, "Asia/Tokyo", clock())
        (screen,) = texts(await chat.send("/mails"), ADMIN)
        assert "Nov 2, 2026, 8:30\u202fPM (Asia/Tokyo)" in screen


async def test_mails_shows_the_newest_twenty_with_the_count(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        for number in range(25):
            clock.advance(minutes=1)
            await chat.services.mail.process(odd_mail(number, f"Mail {number}"), "eml")
        (screen,) = texts(await chat.send("/mails"), ADMIN)
        assert screen.startswith("Mails left for an admin, newest first (20 of 25):")
        subjects = [line for line in screen.split("\n") if line.startswith("Subject: ")]
        assert subjects[0] == "Subject: Mail 24"
        assert subjects[-1] == "Subject: Mail 5"
        assert len(subjects) == 20


async def test_mails_when_none_and_for_others(bot: Any) -> None:
    async with bot() as chat:
        await team(chat)
        assert texts(await chat.send("/mails"), ADMIN) == ["No mail is waiting."]
        for someone in (AGENT, LEAD):
            assert texts(await chat.send("/mails", someone), someone) == [REFUSED]
        (help_text,) = texts(await chat.send("/help"), ADMIN)
        assert "/mails" in help_text
        (help_text,) = texts(await chat.send("/help", AGENT), AGENT)
        assert "/mails" not in help_text


async def test_an_appeals_result_on_a_closed_claim_still_reaches_its_agent(bot: Any) -> None:
    """The appeal's answer comes after the claim closed as granted: its agent must hear of it
    (any other mail about a closed claim tells nobody)."""
    async with bot() as chat:
        await languages(chat)
        await process(chat, "en_amazon_com_qp.eml")
        claim = await taken_by_agent(chat)
        agent = await person(chat, AGENT)
        await chat.services.journey.close(claim, Outcome.GRANTED_SELLER_FUNDED, agent)
        result = await process(chat, "en_appeal_result.eml")
        assert (result.outcome, result.kind) == (MailOutcome.RECORDED, MailKind.DECISION)
        calls = await announce(chat, result)
        assert receivers(calls) == {AGENT}
        # (Any other mail about a closed claim: see test_who_gets_what_without_telegram.)


async def test_in_the_console_the_local_admin_is_told(bot: Any) -> None:
    """The console has one person, its local admin (user 1): mails are announced to them."""
    async with bot(channel="console") as chat:
        opened = await announce(chat, await process(chat, "en_amazon_com_qp.eml"))
        left = await announce(chat, await process(chat, "not_amazon.eml"))
    assert 1 in receivers(opened)
    assert receivers(left) == {1, ADMIN}
    assert texts(opened)[0].startswith("📬 New claim from Amazon's mail: #1")
