"""Telling the team about Amazon's mails (issue 15): the mailbox reader calls `announce_mail`
for each mail's result and `announce_mailbox_trouble` when the mailbox cannot be read (or can
again); admins list the mails left for them with /mails.

Who gets what is decided in bot/services/mail_notices.py; this module renders each notice in
the recipient's own language and time zone and sends it. One person who cannot be reached
(blocked the bot, never started it) does not stop the others.
"""

from __future__ import annotations

import logging

from telegram import Bot, Update

from bot.domain.mail import MailboxTrouble
from bot.domain.people import Permission, allowed
from bot.handlers.access import permitted
from bot.handlers.common import send, send_by
from bot.handlers.context import ClaimContext, Services
from bot.services import mail_notices
from bot.services.mail import MailResult
from bot.services.mail_notices import MailNotice, NoticeKind
from bot.views import card as card_views
from bot.views import mail as views
from bot.views.stores import card_stores

log = logging.getLogger(__name__)


async def announce_mail(bot: Bot, services: Services, result: MailResult) -> None:
    """Tell whom the mail concerns what it did (see bot/services/mail_notices.py)."""
    console = services.channel == "console"
    notices = await mail_notices.notices_for(services.storage, result, console=console)
    if not notices:
        # Ids and kinds only: a mail's sender and subject are personal data.
        log.info("mail %s (%s): nobody to tell", result.outcome.value, result.kind.value)
        return
    for notice in notices:
        await _send_notice(bot, services, result, notice)


async def _send_notice(
    bot: Bot, services: Services, result: MailResult, notice: MailNotice
) -> None:
    tr = services.translator_for(notice.person)
    to = notice.person.id
    claim = notice.claim
    if notice.kind is NoticeKind.MAIL_LEFT or claim is None:
        sender = result.mail.sender
        await send_by(bot, to, views.mail_left_notice(tr, result.kind.value, sender))
        return
    now = services.clock()
    if notice.kind is NoticeKind.NEW_UNASSIGNED:
        can_assign = allowed(notice.person.role, Permission.SEE_TEAM)
        await send_by(bot, to, *views.new_claim_notice(tr, claim, can_assign=can_assign))
    elif notice.kind is NoticeKind.NEW_IN_TURN:
        sent = await services.journey.sent_kinds(claim)
        await send_by(bot, to, views.in_turn_note(tr, claim))
        await send_by(
            bot,
            to,
            card_views.card_text(tr, claim, now, sent, card_stores(tr, services.store.stores)),
            card_views.card_keyboard(tr, claim, now, card_stores(tr, services.store.stores)),
        )
    elif notice.kind is NoticeKind.GIVEN_IN_TURN:
        name = notice.agent.name() if notice.agent is not None else ""
        await send_by(bot, to, views.given_in_turn(tr, claim, name))
    else:
        received = result.mail.date or now
        await send_by(bot, to, *views.recorded_notice(tr, notice.kind, claim, min(received, now)))


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
