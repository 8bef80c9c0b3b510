"""Telling the team about Amazon's mails (issue 15): each mail's notices are rendered in the
mail's transaction (`MailAnnouncements`, given to the mail intake by the composition root) as
outbox rows, in each recipient's own language and time zone, and the mailbox reader delivers
them (`announce_mail`) through the outbox (issue 16): a crash between the mail's commit and the
sending loses none, and one person who cannot be reached (blocked the bot, never started it)
does not stop the others. `announce_mailbox_trouble` tells the admins when the mailbox cannot
be read (or can again); admins list the mails left for them with /mails.

Who gets what is decided in bot/services/mail_notices.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from telegram import Bot, Update

from bot.domain.claims import Claim
from bot.domain.drafts import DraftKind
from bot.domain.mail import MailboxTrouble
from bot.domain.people import Permission, allowed
from bot.handlers.access import permitted
from bot.handlers.common import send, send_by
from bot.handlers.context import ClaimContext, Services
from bot.handlers.outbox import outgoing
from bot.i18n.translator import Translator
from bot.services import mail_notices
from bot.services.mail import MailResult
from bot.services.mail_notices import MailNotice, NoticeKind, Team
from bot.services.store import StoreService
from bot.storage import Outgoing, Storage, User
from bot.views import card as card_views
from bot.views import mail as views
from bot.views.stores import card_stores

log = logging.getLogger(__name__)


class MailAnnouncements:
    """`MailNotices` for the chat: `decide`'s notices, each rendered for its recipient."""

    def __init__(
        self,
        storage: Storage,
        store: StoreService,
        translator_for: Callable[[User | None], Translator],
        *,
        console: bool = False,
    ) -> None:
        self.storage = storage
        self.store = store
        self.translator_for = translator_for
        self.console = console

    async def team(self) -> Team:
        return await mail_notices.read_team(self.storage, console=self.console)

    def rows(
        self, result: MailResult, claim: Claim | None, team: Team, now: datetime
    ) -> list[Outgoing]:
        notices = mail_notices.decide(result, claim, team.agent_of(claim), team)
        return [row for notice in notices for row in self._rows(result, notice, now)]

    def _rows(self, result: MailResult, notice: MailNotice, now: datetime) -> list[Outgoing]:
        tr = self.translator_for(notice.person)
        to = notice.person.id
        claim = notice.claim
        kind = "mail_" + notice.kind.value
        if notice.kind is NoticeKind.MAIL_LEFT or claim is None:
            sender = result.mail.sender
            return outgoing(to, views.mail_left_notice(tr, result.kind.value, sender), kind)
        if notice.kind is NoticeKind.NEW_UNASSIGNED:
            can_assign = allowed(notice.person.role, Permission.SEE_TEAM)
            text, buttons = views.new_claim_notice(tr, claim, can_assign=can_assign)
            return outgoing(to, text, kind, buttons)
        if notice.kind is NoticeKind.NEW_IN_TURN:
            stores = card_stores(tr, self.store.stores)
            sent: frozenset[DraftKind] = frozenset()  # a claim just opened: nothing sent yet
            return [
                *outgoing(to, views.in_turn_note(tr, claim), kind),
                *outgoing(
                    to,
                    card_views.card_text(tr, claim, now, sent, stores),
                    kind,
                    card_views.card_keyboard(tr, claim, now, stores),
                ),
            ]
        if notice.kind is NoticeKind.GIVEN_IN_TURN:
            name = notice.agent.name() if notice.agent is not None else ""
            return outgoing(to, views.given_in_turn(tr, claim, name), kind)
        received = result.mail.date or now
        text, buttons = views.recorded_notice(tr, notice.kind, claim, min(received, now))
        return outgoing(to, text, kind, buttons)


async def announce_mail(bot: Bot, services: Services, result: MailResult) -> None:
    """Deliver the notices written with the mail (see bot/services/mail_notices.py); what
    cannot go now is left to the outbox's worker."""
    if not result.notices:
        # Ids and kinds only: a mail's sender and subject are personal data.
        log.info("mail %s (%s): nobody to tell", result.outcome.value, result.kind.value)
        return
    await services.outbox.deliver(bot, result.notices)


async def announce_mailbox_trouble(
    bot: Bot, services: Services, trouble: MailboxTrouble, detail: str
) -> None:
    """Tell every admin why the mailbox cannot be read, or that it can again. `detail`: the
    mailbox's host:port/folder (never a password)."""
    for admin in await mail_notices.admins(services.storage, console=services.channel == "console"):
        tr = services.translator_for(admin)
        await send_by(bot, admin.id, views.trouble_text(tr, trouble, detail))


async def mails_command(update: Update, context: ClaimContext) -> None:
    """/mails: the mails left for an admin (not from Amazon, not understood, or about no open
    claim), newest first."""
    if not await permitted(update, context, Permission.READ_MAILS):
        return
    left = await context.services.storage.mails.left()
    await send(update, views.mails_screen(context.tr, left))
