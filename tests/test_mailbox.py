"""The mailbox reader (issue 15) against a real IMAP server (tests/imapserver.py): every mail
read once, flagged only after its transaction, the first read bounded, UIDVALIDITY changes,
IDLE and polling, and the troubles (server away, wrong password, TLS, missing folder) told to
the admins once and retried while the bot goes on."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

import bot.services.mailbox as mailbox_module
from bot.domain.mail import MailboxTrouble
from bot.services.mail import MailOutcome, MailResult
from bot.services.mailbox import ImapSession, MailboxError, MailboxReader
from bot.settings import MailboxSettings, Secret, Settings, SettingsError, parse_mailbox
from bot.storage import MailboxSpot
from tests.helpers import free_port, texts
from tests.imapserver import DATA, USER, ImapServer

EN = "en_amazon_com_qp.eml"  # a claim notice for 113-5550123-4567890
DE = "de_amazon_de_html_base64.eml"
JA = "ja_amazon_co_jp_base64.eml"
STRANGER = "not_amazon.eml"
BROKEN = "broken_mime.eml"


@pytest.fixture
def server() -> Iterator[ImapServer]:
    with ImapServer() as running:
        yield running


class Told:
    """What the reader told: each mail's result, each trouble."""

    def __init__(self) -> None:
        self.results: list[MailResult] = []
        self.troubles: list[tuple[MailboxTrouble, str]] = []

    async def mail(self, result: MailResult) -> None:
        self.results.append(result)

    async def trouble(self, trouble: MailboxTrouble, detail: str) -> None:
        self.troubles.append((trouble, detail))


def reader_for(chat: Any, settings: MailboxSettings, told: Told) -> MailboxReader:
    services = chat.services
    return MailboxReader(
        settings,
        services.mail,
        storage=services.storage,
        clock=services.clock,
        announce=told.mail,
        trouble=told.trouble,
    )


async def read_once(reader: MailboxReader) -> int:
    session = ImapSession(reader.settings, timeout=30)
    try:
        await session.open()
        return await reader.sync(session)
    finally:
        await session.close()


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


# --- Settings ---------------------------------------------------------------------------------
def test_the_mailbox_settings_come_from_the_url_and_the_password() -> None:
    found = parse_mailbox("imaps://orders%40shop.example@imap.example.com/Amazon%20Claims", "pw")
    assert found is not None
    assert (found.host, found.port, found.user, found.folder, found.tls) == (
        "imap.example.com",
        993,
        "orders@shop.example",
        "Amazon Claims",
        True,
    )
    assert (found.poll_seconds, found.idle, found.since_days) == (60.0, True, 14)
    assert found.address == "imaps://orders@shop.example@imap.example.com:993/Amazon Claims"
    assert "pw" not in repr(found)
    plain = parse_mailbox("imap://bot@127.0.0.1:1143", "pw", poll="5", idle="off", since="3")
    assert plain is not None
    assert (plain.port, plain.folder, plain.tls, plain.poll_seconds, plain.idle) == (
        1143,
        "INBOX",
        False,
        5.0,
        False,
    )
    assert parse_mailbox(None, "pw") is None


@pytest.mark.parametrize(
    ("url", "password", "extra", "message"),
    [
        ("pop3://bot@host/INBOX", "pw", {}, "must start with imaps://"),
        ("imaps://host/INBOX", "pw", {}, "needs a user and a host"),
        ("imaps://bot:secret@host/INBOX", "pw", {}, "must not hold the password"),
        ("imaps://bot@host/INBOX", None, {}, "CLAIMBOT_IMAP_PASSWORD is required"),
        ("imaps://bot@host:99999/INBOX", "pw", {}, "port must be a number"),
        ("imaps://bot@host/INBOX", "pw", {"poll": "0"}, "CLAIMBOT_IMAP_POLL must be"),
        ("imaps://bot@host/INBOX", "pw", {"poll": "often"}, "CLAIMBOT_IMAP_POLL must be"),
        ("imaps://bot@host/INBOX", "pw", {"idle": "maybe"}, "CLAIMBOT_IMAP_IDLE must be"),
    ],
)
def test_a_wrong_mailbox_setting_is_refused_with_its_name(
    url: str, password: str | None, extra: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        parse_mailbox(url, password, **extra)


def test_the_password_is_never_read_from_the_config_file() -> None:
    toml = {"mailbox": {"url": "imaps://bot@host/INBOX", "password": "in-the-file"}}
    with pytest.raises(SettingsError, match="CLAIMBOT_IMAP_PASSWORD is required"):
        Settings.from_values({}, toml)
    loaded = Settings.from_values({"CLAIMBOT_IMAP_PASSWORD": "pw"}, toml)
    assert loaded.mailbox is not None
    assert loaded.mailbox.password.reveal() == "pw"


# --- Reading ----------------------------------------------------------------------------------
async def test_each_mail_is_read_once_and_flagged_only_when_claimbot_acted_on_it(
    bot: Any, server: ImapServer, settings: Settings
) -> None:
    server.deliver(EN, STRANGER, DE, BROKEN)
    told = Told()
    async with bot() as chat:
        reader = reader_for(chat, server.settings(), told)
        assert await read_once(reader) == 4
        assert [r.outcome for r in told.results] == [
            MailOutcome.OPENED,
            MailOutcome.LEFT,
            MailOutcome.OPENED,
            MailOutcome.LEFT,
        ]
        assert await read_once(reader) == 0  # nothing new: nothing read again
        assert len(told.results) == 4
    flags = server.flags()
    uids = sorted(flags)
    # The two notices are \Seen; the stranger's mail and the broken one stay unread, in place.
    assert [("\\Seen" in flags[uid]) for uid in uids] == [True, False, True, False]
    db = settings.db_path
    assert rows(db, "SELECT COUNT(*) FROM claims") == [(2,)]
    assert rows(db, "SELECT uid, flagged_at IS NOT NULL FROM mailbox_uids ORDER BY uid") == [
        (uid, 1) for uid in uids
    ]
    assert rows(db, "SELECT DISTINCT source FROM mails") == [(server.settings().address,)]


async def test_the_same_notice_twice_in_the_mailbox_opens_one_claim(
    bot: Any, server: ImapServer, settings: Settings
) -> None:
    server.deliver(EN, EN)  # two copies: two UIDs, one Message-ID
    told = Told()
    async with bot() as chat:
        await read_once(reader_for(chat, server.settings(), told))
    assert [r.outcome for r in told.results] == [MailOutcome.OPENED, MailOutcome.SEEN]
    assert rows(settings.db_path, "SELECT COUNT(*) FROM claims") == [(1,)]
    assert rows(settings.db_path, "SELECT COUNT(*) FROM mailbox_uids") == [(2,)]
    assert all("\\Seen" in flags for flags in server.flags().values())


async def test_a_notice_pasted_in_the_chat_and_then_mailed_makes_one_claim(
    bot: Any, server: ImapServer, settings: Settings
) -> None:
    notice = (DATA / EN).read_bytes()
    told = Told()
    async with bot() as chat:
        await chat.services.mail.process(notice, "eml")  # read by hand first
        server.deliver(EN)
        await read_once(reader_for(chat, server.settings(), told))
    assert [r.outcome for r in told.results] == [MailOutcome.SEEN]
    assert rows(settings.db_path, "SELECT COUNT(*) FROM claims") == [(1,)]


async def test_a_mail_recorded_but_not_flagged_is_flagged_at_the_next_read_and_not_redone(
    bot: Any, server: ImapServer, settings: Settings
) -> None:
    """The bot stopped after the mail's transaction and before the flag: the next read sets
    the flag and does nothing else."""
    server.deliver(EN)
    validity = server.uidvalidity()
    uid = max(server.flags())
    told = Told()
    async with bot() as chat:
        address = server.settings().address
        spot = MailboxSpot(address, validity, uid)
        first = await chat.services.mail.process((DATA / EN).read_bytes(), address, spot)
        assert first.outcome is MailOutcome.OPENED
        assert "\\Seen" not in server.flags()[uid]
        assert await read_once(reader_for(chat, server.settings(), told)) == 0
    assert told.results == []
    assert "\\Seen" in server.flags()[uid]
    assert rows(settings.db_path, "SELECT flagged_at IS NOT NULL FROM mailbox_uids") == [(1,)]
    assert rows(settings.db_path, "SELECT COUNT(*) FROM claims") == [(1,)]


async def test_a_rebuilt_mailbox_new_uidvalidity_opens_nothing_twice(
    bot: Any, server: ImapServer, settings: Settings
) -> None:
    server.deliver(EN, STRANGER)
    told = Told()
    async with bot() as chat:
        reader = reader_for(chat, server.settings(), told)
        await read_once(reader)
        before = server.uidvalidity()
        server.restart()  # every UID is new
        assert server.uidvalidity() != before
        server.deliver(EN, STRANGER, JA)
        assert await read_once(reader) == 3
    assert [r.outcome for r in told.results] == [
        MailOutcome.OPENED,
        MailOutcome.LEFT,
        MailOutcome.SEEN,
        MailOutcome.SEEN,
        MailOutcome.OPENED,
    ]
    assert rows(settings.db_path, "SELECT COUNT(*) FROM claims") == [(2,)]
    assert rows(settings.db_path, "SELECT COUNT(DISTINCT uidvalidity) FROM mailbox_uids") == [(2,)]


async def test_the_first_read_does_not_go_through_the_mailbox_history(
    bot: Any, server: ImapServer, settings: Settings
) -> None:
    server.deliver(EN, date="01-Jan-2025 10:00:00 +0000")  # long before the bot
    server.deliver(DE)
    told = Told()
    async with bot() as chat:
        reader = reader_for(chat, server.settings(), told)
        assert await read_once(reader) == 1
        server.deliver(JA)
        assert await read_once(reader) == 1  # then every mail after the last one read
    assert [r.mail.sender for r in told.results] == [
        "seller-notification@amazon.de",
        "seller-notification@amazon.co.jp",
    ]


async def test_a_ten_megabyte_mail_is_left_for_an_admin_and_the_next_is_read(
    bot: Any, server: ImapServer, settings: Settings
) -> None:
    huge = EmailMessage()
    huge["From"] = "atoz-guarantee-no-reply@amazon.com"
    huge["Subject"] = "A-to-z Guarantee claim for order 113-5550123-4567899"
    huge["Message-ID"] = "<huge@amazon.com>"
    huge.set_content("Order ID: 113-5550123-4567899\n" + "x" * 76 * 140_000)
    raw = huge.as_bytes()
    assert len(raw) > 10 * 1024 * 1024
    server.deliver(raw, EN)
    told = Told()
    async with bot() as chat:
        await read_once(reader_for(chat, server.settings(), told))
    assert [(r.outcome, r.mail.broken) for r in told.results] == [
        (MailOutcome.LEFT, True),
        (MailOutcome.OPENED, False),
    ]
    assert rows(settings.db_path, "SELECT subject FROM mails WHERE outcome = 'left'") == [
        ("A-to-z Guarantee claim for order 113-5550123-4567899",)
    ]


# --- Running: IDLE, polling, troubles -----------------------------------------------------------
async def wait_for(condition: Any, seconds: float = 20) -> bool:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        await asyncio.sleep(0.05)
    return False


@pytest.mark.parametrize("idle", [True, False], ids=["idle", "polling"])
async def test_a_new_mail_is_read_while_the_bot_runs(
    bot: Any, server: ImapServer, idle: bool
) -> None:
    """With IDLE the server's word wakes the reader (the poll interval is 5 minutes here);
    without it the reader looks every second."""
    told = Told()
    async with bot() as chat:
        poll = 300.0 if idle else 1.0
        reader = reader_for(chat, server.settings(idle=idle, poll_seconds=poll), told)
        task = asyncio.create_task(reader.run())
        try:
            assert await wait_for(lambda: reader.figures.passes >= 1)
            server.deliver(EN)
            assert await wait_for(lambda: len(told.results) == 1)
            server.deliver(STRANGER)
            assert await wait_for(lambda: len(told.results) == 2)
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
    assert [r.outcome for r in told.results] == [MailOutcome.OPENED, MailOutcome.LEFT]
    assert told.troubles == []


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mailbox_module, "FIRST_PAUSE", 0.2)
    monkeypatch.setattr(mailbox_module, "LONGEST_PAUSE", 0.4)


@pytest.mark.usefixtures("quick_retries")
async def test_the_server_going_away_is_told_once_retried_and_reading_resumes(
    bot: Any, server: ImapServer, caplog: pytest.LogCaptureFixture
) -> None:
    told = Told()
    async with bot() as chat:
        reader = reader_for(chat, server.settings(poll_seconds=1.0), told)
        task = asyncio.create_task(reader.run())
        try:
            assert await wait_for(lambda: reader.figures.passes >= 1)
            server.stop()
            assert await wait_for(lambda: reader.figures.troubles >= 3)
            assert texts(await chat.send("/help"))  # the chats go on meanwhile
            server.start()  # the same port, a new (empty) mailbox
            server.deliver(EN)
            assert await wait_for(lambda: len(told.results) == 1)
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
    address = server.settings().address
    assert told.troubles == [
        (MailboxTrouble.UNREACHABLE, address),
        (MailboxTrouble.RECOVERED, address),
    ]
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.services.mailbox"]
    assert any("unreachable" in line and "trying again in" in line for line in lines)


@pytest.mark.usefixtures("quick_retries")
@pytest.mark.parametrize(
    ("change", "trouble"),
    [
        ({"password": Secret("Tr0ub4dor&3")}, MailboxTrouble.LOGIN),
        ({"folder": "Amazon"}, MailboxTrouble.MAILBOX),
        ({"tls": True}, MailboxTrouble.TLS),  # TLS spoken to a plain IMAP port
        ({"port": 0}, MailboxTrouble.UNREACHABLE),  # nobody listens there
    ],
    ids=["password", "folder", "tls", "port"],
)
async def test_each_trouble_is_named_once_and_never_shows_the_password(
    bot: Any,
    server: ImapServer,
    caplog: pytest.LogCaptureFixture,
    change: dict[str, Any],
    trouble: MailboxTrouble,
) -> None:
    if change.get("port") == 0:
        change = {"port": free_port()}
    told = Told()
    caplog.set_level("DEBUG")
    async with bot() as chat:
        settings = server.settings(**change)
        reader = reader_for(chat, settings, told)
        task = asyncio.create_task(reader.run())
        try:
            assert await wait_for(lambda: reader.figures.troubles >= 3)
            assert texts(await chat.send("/help"))  # the bot still serves the chats
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
    assert told.troubles == [(trouble, settings.address)]
    logged = caplog.text
    assert "correct horse" not in logged
    assert "Tr0ub4dor" not in logged
    assert f"mailbox {settings.address}: {trouble.value}" in logged


async def test_a_session_error_names_its_trouble(server: ImapServer) -> None:
    session = ImapSession(server.settings(password=Secret("nope")), timeout=10)
    try:
        with pytest.raises(MailboxError) as refused:
            await session.open()
    finally:
        await session.close()
    assert refused.value.trouble is MailboxTrouble.LOGIN
    assert USER not in refused.value.reason or "nope" not in refused.value.reason


async def test_a_mail_claimbot_fails_on_is_left_for_an_admin_and_reading_goes_on(
    bot: Any, server: ImapServer, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A poison mail (here: processing raises for the German notice) is recorded as left, not
    understood, so it is not fetched and failed on again; the next mail is read."""
    server.deliver(DE, EN)
    told = Told()
    async with bot() as chat:
        intake = chat.services.mail
        real = intake.process

        async def failing(raw: bytes, source: str, spot: MailboxSpot | None = None) -> Any:
            if b"amazon.de" in raw:
                raise RuntimeError("a bug")
            return await real(raw, source, spot)

        monkeypatch.setattr(intake, "process", failing)
        reader = reader_for(chat, server.settings(), told)
        assert await read_once(reader) == 2
        assert await read_once(reader) == 0  # not fetched again
    assert [(r.outcome, r.kind.value) for r in told.results] == [
        (MailOutcome.LEFT, "not_understood"),
        (MailOutcome.OPENED, "claim_notice"),
    ]
    assert rows(settings.db_path, "SELECT outcome, kind FROM mails ORDER BY outcome") == [
        ("left", "not_understood"),
        ("opened", "claim_notice"),
    ]
    assert [("\\Seen" in flags) for _uid, flags in sorted(server.flags().items())] == [False, True]


@pytest.mark.usefixtures("quick_retries")
async def test_an_unexpected_fault_does_not_stop_the_reader(
    bot: Any, server: ImapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fault of claimbot's own while reading (here: the database refuses once) is logged,
    and the reader tries again and reads the mail."""
    server.deliver(EN)
    told = Told()
    async with bot() as chat:
        mails = chat.services.storage.mails
        real = mails.last_uid
        calls = {"n": 0}

        async def flaky(mailbox: str, uidvalidity: int) -> int:
            calls["n"] += 1
            if calls["n"] == 1:
                raise sqlite3.OperationalError("database is locked")
            return int(await real(mailbox, uidvalidity))

        monkeypatch.setattr(mails, "last_uid", flaky)
        reader = reader_for(chat, server.settings(), told)
        task = asyncio.create_task(reader.run())
        try:
            assert await wait_for(lambda: len(told.results) == 1)
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
    assert reader.figures.troubles == 1
    assert told.troubles == []  # not the mailbox's fault: the admins are not told of it
