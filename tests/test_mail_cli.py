"""`claimbot mail --eml FILE` (issue 15, first part) on a real database: a claim opened once,
a mail read twice, another mail of the same notice, the same notice pasted in the chat first,
and the mails left for an admin."""

from __future__ import annotations

import asyncio
import sqlite3
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.domain.mail import MailKind, read_mail
from bot.services.mail import MailIntake, MailOutcome
from tests.helpers import seed_people, texts

MAILS = Path(__file__).parent / "data" / "mail"
SAMPLE = Path(__file__).parent.parent / "samples" / "claim-notice-en.eml"


def read(name: str) -> bytes:
    return (MAILS / name).read_bytes()


# --- claimbot mail --eml ----------------------------------------------------------------------
@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "claimbot.sqlite3"
    seed_people(db)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLAIMBOT_DB", str(db))
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return db


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_a_claim_notice_opens_one_claim_and_the_same_mail_again_nothing(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mail", "--eml", str(SAMPLE)]) == 0
    assert capsys.readouterr().out == "Claim #1 opened for order 113-5550123-4567890.\n"
    assert rows(database, "SELECT order_id, marketplace, fulfillment, reason FROM claims") == [
        ("113-5550123-4567890", "US", "fbm", "not_received")
    ]
    assert rows(database, "SELECT agent_id, buyer_language, respond_by FROM claims") == [
        (None, "en", "2026-11-07T07:59:59+00:00")  # unassigned; Nov 6's end in Los Angeles
    ]
    assert rows(database, "SELECT kind, claim_id, outcome, source FROM mails") == [
        ("claim_notice", 1, "opened", "eml")
    ]
    assert rows(database, "SELECT count(*) FROM drafts") == [(1,)]
    assert rows(database, "SELECT kind, actor_id FROM events WHERE claim_id = 1 ORDER BY id") == [
        ("claim_opened", None),
        ("draft_generated", None),
        ("claim_from_mail", None),
    ]

    assert main(["mail", "--eml", str(SAMPLE)]) == 0
    assert capsys.readouterr().out.startswith("Already processed on ")
    assert rows(database, "SELECT count(*) FROM claims") == [(1,)]
    assert rows(database, "SELECT count(*) FROM mails") == [(1,)]


def test_the_same_notice_from_another_mail_finds_the_open_claim(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mail", "--eml", str(MAILS / "forwarded_rfc822.eml")]) == 0
    capsys.readouterr()
    # Amazon's own mail, the one the team member forwarded: another Message-ID, same order.
    inner = read_mail(read("forwarded_rfc822.eml"))
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = "seller-notification@amazon.co.uk"
    message["Subject"] = inner.subject
    message["Message-ID"] = "<atoz-204-1112223-3334445@amazon.co.uk>"
    message.set_content(inner.text)
    direct = tmp_path / "direct.eml"
    direct.write_bytes(message.as_bytes())
    assert main(["mail", "--eml", str(direct)]) == 0
    assert capsys.readouterr().out == (
        "Order 204-1112223-3334445 already has an open claim, #1: nothing new.\n"
    )
    assert rows(database, "SELECT count(*) FROM claims") == [(1,)]
    assert rows(database, "SELECT outcome, claim_id FROM mails ORDER BY outcome") == [
        ("already_open", 1),
        ("opened", 1),
    ]


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("not_amazon.eml", "Not from Amazon: left for an admin.\n"),
        ("broken_mime.eml", "Not understood: left for an admin.\n"),
    ],
)
def test_other_mails_are_left_for_an_admin_and_recorded(
    database: Path, capsys: pytest.CaptureFixture[str], name: str, line: str
) -> None:
    assert main(["mail", "--eml", str(MAILS / name)]) == 1
    assert capsys.readouterr().out == line
    assert rows(database, "SELECT outcome, claim_id FROM mails") == [("left", None)]
    assert rows(database, "SELECT count(*) FROM claims") == [(0,)]
    assert main(["mail", "--eml", str(MAILS / name)]) == 0
    assert capsys.readouterr().out.startswith("Already processed on ")


def test_a_missing_file_or_database_is_an_error(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mail", "--eml", str(tmp_path / "nothing.eml")]) == 2
    assert capsys.readouterr().err.startswith("claimbot: cannot read ")
    database.unlink()
    assert main(["mail", "--eml", str(SAMPLE)]) == 2
    assert "no database" in capsys.readouterr().err


async def test_a_notice_pasted_in_the_chat_and_then_mailed_makes_one_claim(
    bot: Any, settings: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    mail = read_mail(SAMPLE.read_bytes())
    async with bot() as chat:
        await chat.send("/new")
        calls = await chat.send(f"Subject: {mail.subject}\n\n{mail.text}")
        assert "• Order: 113-5550123-4567890" in texts(calls)[0]
        await chat.press("Seller-shipped (FBM)")
        await chat.press("English")
        await chat.press("Open the claim ▸")
    monkeypatch.setenv("CLAIMBOT_DB", str(settings.db_path))
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert await asyncio.to_thread(main, ["mail", "--eml", str(SAMPLE)]) == 0
    assert capsys.readouterr().out == (
        "Order 113-5550123-4567890 already has an open claim, #1: nothing new.\n"
    )
    assert rows(settings.db_path, "SELECT count(*) FROM claims") == [(1,)]


def test_a_huge_mail_is_left_for_an_admin(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = tmp_path / "huge.eml"
    huge.write_bytes(read("en_amazon_com_qp.eml") + b"x" * (11 * 1024 * 1024))
    assert main(["mail", "--eml", str(huge)]) == 1
    assert capsys.readouterr().out == "Not understood: left for an admin.\n"
    assert rows(database, "SELECT message_id, outcome FROM mails") == [
        ("<atoz-113-5550123-4567890.1@amazon.com>", "left")
    ]


async def test_the_same_mail_twice_at_once_opens_one_claim(bot: Any, clock: Any) -> None:
    """Two readers of the same mail at the same moment (a retry while the first still runs):
    one opens the claim, the other finds it processed."""
    async with bot() as chat:
        services = chat.services
        await services.store.load()
        intake = MailIntake(services.storage, services.renderer, services.store, clock)
        raw = SAMPLE.read_bytes()
        first, second = await asyncio.gather(intake.process(raw, "eml"), intake.process(raw, "eml"))
        assert sorted([first.outcome, second.outcome]) == [MailOutcome.OPENED, MailOutcome.SEEN]
        assert first.claim_id == second.claim_id == 1
        assert len(await services.storage.claims.for_order("113-5550123-4567890")) == 1
        assert [m.outcome for m in await services.storage.mails.left()] == []
        assert await services.storage.mails.get("<atoz-113-5550123-4567890.1@amazon.com>")


async def test_a_mail_without_a_message_id_is_known_by_its_bytes(bot: Any, clock: Any) -> None:
    async with bot() as chat:
        services = chat.services
        intake = MailIntake(services.storage, services.renderer, services.store, clock)
        raw = b"From: someone@example.test\nSubject: hello\n\nHello there.\n"
        left = await intake.process(raw, "eml")
        assert (left.outcome, left.kind) == (MailOutcome.LEFT, MailKind.NOT_AMAZON)
        again = await intake.process(raw, "eml")
        assert again.outcome is MailOutcome.SEEN
        assert [m.message_id[:7] for m in await services.storage.mails.left()] == ["sha256:"]


def test_a_mailed_claim_opens_unassigned_even_without_an_admin(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nobody is given the claim: it waits in the queue for an agent or a lead (issue 15)."""
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE users SET active = 0 WHERE role = 'admin'")
    assert main(["mail", "--eml", str(SAMPLE)]) == 0
    assert capsys.readouterr().out.startswith("Claim #1 opened")
    assert rows(database, "SELECT agent_id FROM claims") == [(None,)]
    assert rows(database, "SELECT count(*) FROM mails") == [(1,)]
