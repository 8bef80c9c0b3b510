"""The mailbox reader (issue 15): Amazon's notification mails, read from the seller's IMAP
mailbox, each processed exactly once.

The client is aioimaplib: asyncio like the rest of the bot (no thread per mailbox), and it
speaks IMAP IDLE, which the standard `imaplib` of Python 3.11 does not.

One pass (`MailboxReader.sync`):
1. SELECT the folder; its UIDVALIDITY names this generation of UIDs.
2. Flag what an earlier run recorded but did not flag (it stopped in between).
3. UID SEARCH for the mails after the last one recorded (the first time: the last
   `since_days` days, not the mailbox's whole history); each is fetched (at most
   MAX_MAIL_BYTES + 1 bytes: a bigger mail is read for its headers only) and given to
   `MailIntake.process` with its (mailbox, UIDVALIDITY, UID), which is stored in the
   transaction of what the mail caused.
4. Only after that transaction committed is the mail flagged on the server: \\Seen (and the
   keyword $Claimbot where the server keeps keywords) when claimbot did something with it;
   a mail left for an admin is left unread, where it was.

A crash before the commit: the mail is fetched again and processed as new. After it: its UID
is known, nothing is done twice, the flag is set at the next pass. A new UIDVALIDITY (the
folder was rebuilt) makes every mail new by UID, and the Message-ID still finds each one.

Troubles (the server away, a refused password, a failed TLS handshake, a missing folder)
are logged on one line, told to the admins once per kind of trouble, and retried with a
growing pause (5 s doubling to 15 min); the chats are served all along.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

import aioimaplib

from bot.domain.mail import MAX_MAIL_BYTES, MailboxTrouble
from bot.services.mail import MailIntake, MailOutcome, MailResult
from bot.settings import MailboxSettings
from bot.storage import MailboxSpot, Storage

log = logging.getLogger(__name__)

FIRST_PAUSE: Final = 5.0
LONGEST_PAUSE: Final = 15 * 60.0
IDLE_RENEW: Final = 25 * 60.0  # RFC 2177: renew IDLE before the server's 30-minute timeout
COMMAND_TIMEOUT: Final = 60.0  # a 10 MB mail over a slow line still arrives within it
KEYWORD: Final = "$Claimbot"
_UIDVALIDITY: Final = re.compile(rb"\[UIDVALIDITY (\d+)\]")
_PERMANENT: Final = re.compile(rb"\[PERMANENTFLAGS \(([^)]*)\)\]")
_EXISTS: Final = re.compile(rb"\d+ EXISTS\b")
_MONTHS: Final = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()

# Delivers a processed mail's notices: they were written to the outbox with the mail (issue 16),
# so the reader only hurries them; the outbox's worker sends whatever it does not.
MailAnnouncer = Callable[[MailResult], Awaitable[None]]
TroubleAnnouncer = Callable[[MailboxTrouble, str], Awaitable[None]]


class MailboxError(Exception):
    """The mailbox could not be read; `trouble` says why in the admins' words."""

    def __init__(self, trouble: MailboxTrouble, reason: str) -> None:
        super().__init__(reason)
        self.trouble = trouble
        self.reason = reason


@dataclass
class ReaderFigures:
    """How far the reader got since it started: passes made, troubles met (the tests wait on
    them)."""

    passes: int = 0
    troubles: int = 0


class ImapSession:
    """One connection to the mailbox, logged in, the folder selected. Every failure becomes
    a `MailboxError`; nothing here knows about claims."""

    def __init__(self, settings: MailboxSettings, timeout: float = COMMAND_TIMEOUT) -> None:
        self.settings = settings
        self.timeout = timeout
        self.client: Any = None
        self.uidvalidity = 0
        self.keywords = False  # the server keeps keywords such as $Claimbot
        self.idle = False  # the server offers IDLE
        self.lost = asyncio.Event()
        # The server said "n EXISTS" after the last search: a mail came in while the reader
        # was busy (fetching, flagging). It is not said again in IDLE: read again first.
        self.news = False

    async def open(self) -> None:
        s = self.settings
        context = ssl.create_default_context() if s.tls else None
        try:
            self.client = (
                aioimaplib.IMAP4_SSL(
                    host=s.host, port=s.port, timeout=self.timeout, ssl_context=context
                )
                if s.tls
                else aioimaplib.IMAP4(host=s.host, port=s.port, timeout=self.timeout)
            )
            self.client.protocol.conn_lost_cb = self._lost
            await self.client.wait_hello_from_server()
        except ssl.SSLError as error:
            raise MailboxError(MailboxTrouble.TLS, _reason(error)) from error
        except (OSError, TimeoutError, aioimaplib.AioImapException) as error:
            raise MailboxError(MailboxTrouble.UNREACHABLE, _reason(error)) from error
        login = await self._call(self.client.login(s.user, s.password.reveal()))
        if login.result != "OK":
            raise MailboxError(MailboxTrouble.LOGIN, _said(login.lines))
        self.idle = "IDLE" in self.client.protocol.capabilities
        selected = await self._call(self.client.select(_quoted(s.folder)))
        if selected.result != "OK":
            raise MailboxError(MailboxTrouble.MAILBOX, _said(selected.lines))
        said = b"\n".join(line for line in selected.lines if isinstance(line, bytes))
        found = _UIDVALIDITY.search(said)
        if found is None:
            raise MailboxError(MailboxTrouble.MAILBOX, "the server gave no UIDVALIDITY")
        self.uidvalidity = int(found.group(1))
        permanent = _PERMANENT.search(said)
        self.keywords = permanent is not None and b"\\*" in permanent.group(1)

    def _lost(self, _error: Exception | None) -> None:
        self.lost.set()

    async def _call(self, command: Awaitable[Any]) -> Any:
        """One command; a dropped connection or a silent server is UNREACHABLE."""
        try:
            answer = await asyncio.wait_for(command, self.timeout)
        except ssl.SSLError as error:
            raise MailboxError(MailboxTrouble.TLS, _reason(error)) from error
        except (OSError, TimeoutError, aioimaplib.AioImapException) as error:
            raise MailboxError(MailboxTrouble.UNREACHABLE, _reason(error)) from error
        lines = getattr(answer, "lines", ())
        if any(isinstance(line, bytes) and _EXISTS.match(line) for line in lines):
            self.news = True
        return answer

    async def new_uids(self, after: int, since: datetime | None) -> list[int]:
        """The UIDs above `after` (the first time: of the mails since `since`), ascending."""
        criteria = f"UID {after + 1}:*" if since is None else f"SINCE {_imap_date(since)}"
        await self._call(self.client.noop())  # let the server tell of new mail first
        self.news = False  # what the search finds is read now
        found = await self._call(self.client.uid_search(criteria, charset=None))
        if found.result != "OK":
            raise MailboxError(MailboxTrouble.MAILBOX, _said(found.lines))
        uids = {
            int(word)
            for line in found.lines[:-1]
            if isinstance(line, bytes)
            for word in line.split()
            if word.isdigit()
        }
        # "UID n:*" always names the last mail, even one below n.
        return sorted(uid for uid in uids if uid > after)

    async def fetch(self, uid: int) -> bytes | None:
        """The mail's bytes, at most MAX_MAIL_BYTES + 1 of them; None when it is gone."""
        part = f"(BODY.PEEK[]<0.{MAX_MAIL_BYTES + 1}>)"
        answer = await self._call(self.client.uid("fetch", str(uid), part))
        if answer.result != "OK":
            raise MailboxError(MailboxTrouble.UNREACHABLE, _said(answer.lines))
        for line in answer.lines:
            if isinstance(line, bytearray):
                return bytes(line)
        return None

    async def flag(self, uids: list[int]) -> None:
        flags = f"(\\Seen {KEYWORD})" if self.keywords else "(\\Seen)"
        uid_set = ",".join(str(uid) for uid in uids)
        answer = await self._call(self.client.uid("store", uid_set, "+FLAGS.SILENT", flags))
        if answer.result != "OK":
            raise MailboxError(MailboxTrouble.MAILBOX, _said(answer.lines))

    async def wait_for_news(self, seconds: float) -> None:
        """Until the server says something changed (IDLE) or `seconds` passed; at once when
        it already said so since the last search."""
        if self.news:
            self.news = False
            return
        if not (self.idle and self.settings.idle):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.lost.wait(), seconds)
            return
        wait = min(seconds, IDLE_RENEW)
        try:
            idle = await self.client.idle_start(timeout=wait)
        except (OSError, TimeoutError, aioimaplib.AioImapException) as error:
            raise MailboxError(MailboxTrouble.UNREACHABLE, _reason(error)) from error
        push = asyncio.ensure_future(self.client.wait_server_push(timeout=wait + 5))
        lost = asyncio.ensure_future(self.lost.wait())
        done, pending = await asyncio.wait({push, lost}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        if push in done:
            push.exception()  # a timeout is an answer too: read again
        if self.lost.is_set():
            raise MailboxError(MailboxTrouble.UNREACHABLE, "the server closed the connection")
        self.client.idle_done()
        await self._call(idle)

    async def close(self) -> None:
        if self.client is None:
            return
        with contextlib.suppress(Exception):
            if self.client.has_pending_idle():
                self.client.idle_done()  # a server in IDLE answers nothing else
            await asyncio.wait_for(self.client.logout(), 2)
        with contextlib.suppress(Exception):
            transport = self.client.protocol.transport
            if transport is not None:
                transport.close()
        self.client = None


class MailboxReader:
    """Reads the mailbox for as long as the bot runs (`run`), or once (`sync`)."""

    def __init__(
        self,
        settings: MailboxSettings,
        intake: MailIntake,
        *,
        storage: Storage,
        clock: Callable[[], datetime],
        announce: MailAnnouncer,
        trouble: TroubleAnnouncer,
    ) -> None:
        self.settings = settings
        self.intake = intake
        self.storage = storage
        self.clock = clock
        self.announce = announce
        self.tell_trouble = trouble
        self.figures = ReaderFigures()
        self.current: MailboxTrouble | None = None  # the trouble the admins were told of

    async def run(self) -> None:
        pause = FIRST_PAUSE
        while True:
            session = ImapSession(self.settings)
            try:
                await session.open()
                await self._recovered()
                pause = FIRST_PAUSE
                while True:
                    await self.sync(session)
                    await session.wait_for_news(self.settings.poll_seconds)
                    if session.lost.is_set():
                        raise MailboxError(MailboxTrouble.UNREACHABLE, "the server closed")
            except MailboxError as error:
                await self._trouble(error, pause)
            except Exception:  # a fault of claimbot's (the database, a bug): log, retry later
                self.figures.troubles += 1
                address = self.settings.address
                log.exception("mailbox %s: reading failed; trying again in %g s", address, pause)
            finally:
                await session.close()
            await asyncio.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)

    async def sync(self, session: ImapSession) -> int:
        """One pass: flag what is pending, then read every new mail. Returns how many mails
        were processed."""
        address = self.settings.address
        validity = session.uidvalidity
        await self._flag_pending(session)
        last = await self.storage.mails.last_uid(address, validity)
        # Nothing read at this UIDVALIDITY yet (a new mailbox, or a rebuilt folder): the last
        # `since_days` days, not the folder's whole history.
        since = self.clock() - timedelta(days=self.settings.since_days) if last == 0 else None
        # Every UID above the last one recorded is new: UIDs only grow within a UIDVALIDITY.
        uids = await session.new_uids(last, since)
        processed = 0
        for uid in uids:
            raw = await session.fetch(uid)
            if raw is None:  # deleted since the search
                continue
            spot = MailboxSpot(address, validity, uid)
            try:
                result = await self.intake.process(raw, address, spot)
            except Exception:  # a mail claimbot fails on must not stop the mailbox for good
                log.exception("mail UID %s could not be processed: left for an admin", uid)
                result = await self.intake.leave(raw, address, spot)
            processed += 1
            log.info("mail UID %s: %s (%s)", uid, result.outcome.value, result.kind.value)
            await self._announce(result)
            await self._flag(session, [(uid, result.outcome.value)])
        self.figures.passes += 1
        return processed

    async def _flag_pending(self, session: ImapSession) -> None:
        pending = await self.storage.mails.to_flag(self.settings.address, session.uidvalidity)
        if pending:
            await self._flag(session, pending)

    async def _flag(self, session: ImapSession, mails: list[tuple[int, str]]) -> None:
        """\\Seen for what claimbot acted on; nothing for a mail left for an admin (it stays
        unread in the mailbox). Either way it is marked done, after the server said OK."""
        handled = [uid for uid, outcome in mails if outcome != MailOutcome.LEFT.value]
        if handled:
            await session.flag(handled)
        await self.storage.mails.flagged(
            self.settings.address, session.uidvalidity, [uid for uid, _ in mails], self.clock()
        )

    async def _announce(self, result: MailResult) -> None:
        try:
            await self.announce(result)
        except Exception:  # a notice that fails must not stop the mailbox
            log.exception("could not announce a mail's result")

    async def _trouble(self, error: MailboxError, pause: float) -> None:
        self.figures.troubles += 1
        log.warning(
            "mailbox %s: %s (%s); trying again in %g s",
            self.settings.address,
            error.trouble.value,
            error.reason,
            pause,
        )
        if self.current is error.trouble:
            return
        self.current = error.trouble
        try:
            await self.tell_trouble(error.trouble, self.settings.address)
        except Exception:
            log.exception("could not tell the admins of the mailbox trouble")

    async def _recovered(self) -> None:
        if self.current is None:
            return
        self.current = None
        log.warning("mailbox %s: read again", self.settings.address)
        try:
            await self.tell_trouble(MailboxTrouble.RECOVERED, self.settings.address)
        except Exception:
            log.exception("could not tell the admins the mailbox is read again")


def _reason(error: BaseException) -> str:
    """The exception's type and message, short; never a mail's content (none is in them)."""
    text = str(error).strip()
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__


def _said(lines: list[Any]) -> str:
    """What the server said to a refused command, its last line, short."""
    for line in reversed(lines):
        if isinstance(line, bytes) and line.strip():
            return line.decode("ascii", errors="replace")[:200]
    return "refused"


def _quoted(folder: str) -> str:
    """A folder name as an IMAP quoted string (a name with spaces stays one argument)."""
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _imap_date(moment: datetime) -> str:
    return f"{moment.day}-{_MONTHS[moment.month - 1]}-{moment.year}"
