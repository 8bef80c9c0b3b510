"""The mailbox reader's place in the running bot (issue 15): started with the application
when a mailbox is configured, stopped before the database closes; each mail's notices
(written to the outbox with the mail) are delivered, and each trouble told, through
bot/handlers/mail_notices.py."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Bot

from bot.domain.mail import MailboxTrouble
from bot.handlers.context import Services
from bot.handlers.mail_notices import announce_mail, announce_mailbox_trouble
from bot.services.mail import MailResult
from bot.services.mailbox import MailboxReader

log = logging.getLogger(__name__)


def start_mailbox(bot: Bot, services: Services) -> asyncio.Task[None] | None:
    """The reader as a task of the running loop; None when no mailbox is configured."""
    settings = services.settings.mailbox
    if settings is None:
        return None

    async def tell_mail(result: MailResult) -> None:
        await announce_mail(bot, services, result)

    async def tell_trouble(trouble: MailboxTrouble, detail: str) -> None:
        await announce_mailbox_trouble(bot, services, trouble, detail)

    reader = MailboxReader(
        settings,
        services.mail,
        storage=services.storage,
        clock=services.clock,
        announce=tell_mail,
        trouble=tell_trouble,
    )
    log.info("reading the mailbox %s", settings.address)
    return asyncio.create_task(reader.run(), name="mailbox")


async def stop_mailbox(task: asyncio.Task[None] | None) -> None:
    """Cancel the reader and wait for it: a mail half-processed is rolled back and read
    again at the next start."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
