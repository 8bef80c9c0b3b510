"""The composition root: `build_application(settings, request=None)`.

Nothing is built at import time. Storage is opened in `post_init` (the persistence opens it
earlier if python-telegram-bot asks for conversations first) and closed in `post_shutdown`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.request import BaseRequest, HTTPXRequest

from bot import handlers
from bot.domain.people import Role
from bot.door import valid_update
from bot.drafting.renderer import Renderer
from bot.handlers.context import CONTEXT_TYPES, BotData, Channel, ClaimContext, Services
from bot.handlers.mail_notices import MailAnnouncements
from bot.handlers.mailbox import start_mailbox, stop_mailbox
from bot.handlers.menu import commands_for, set_personal_menu
from bot.handlers.outbox import Outbox
from bot.handlers.reminders import JOB_NAME, reminder_job, reminder_notices
from bot.handlers.review import CARD_KIND, CardDelivery, LeadCards
from bot.handlers.review_notices import AgentNotices
from bot.i18n.catalogs import BOT_DOMAIN, Catalogs
from bot.i18n.translator import Translator
from bot.processor import DEFAULT_CONCURRENCY, ChatOrderedProcessor, Observer
from bot.services.history import History
from bot.services.journey import Journey
from bot.services.mail import MailIntake
from bot.services.people import People
from bot.services.reminders import Reminder, Reminders
from bot.services.review import Reviews
from bot.services.stats import Stats
from bot.services.store import StoreService
from bot.services.strangers import Strangers
from bot.settings import Settings
from bot.storage import Outgoing, Storage, User
from bot.storage.database import Database
from bot.storage.persistence import SQLitePersistence
from bot.transport import OFFLINE_TOKEN
from bot.updates import TolerantBot

log = logging.getLogger(__name__)


# What python-telegram-bot's callbacks (post_init, post_shutdown) are typed to receive.
BaseApplication = Application[Any, ClaimContext, dict[Any, Any], dict[Any, Any], BotData, Any]


class ClaimApplication(BaseApplication):
    """python-telegram-bot's Application, with the one door every update comes through
    (polling, webhook, console, tests): its text is made valid Unicode first (bot/door.py)."""

    mailbox: asyncio.Task[None] | None = None  # the mailbox reader, when one is configured

    async def process_update(self, update: object) -> None:
        await super().process_update(valid_update(update, self.bot))


# The user id of the console's local admin (created on first console start, console only).
CONSOLE_ADMIN_ID = 1


def utc_now() -> datetime:
    return datetime.now(UTC)


def build_application(
    settings: Settings,
    request: BaseRequest | None = None,
    *,
    channel: Channel = "telegram",
    clock: Callable[[], datetime] = utc_now,
    catalogs: Catalogs | None = None,
    persistence_interval: float = 5,
    reminder_interval: float | None = 60,
    concurrency: int = DEFAULT_CONCURRENCY,
    observer: Observer | None = None,
) -> ClaimApplication:
    """Wire the bot. `request` replaces the network (console, tests); `clock` the time.
    Updates of different chats run concurrently (up to `concurrency`), each chat in order;
    `observer` sees each update's processing time (the benchmark)."""
    catalogs = catalogs or Catalogs()
    catalogs.preload()
    db = Database(settings.db_path)
    storage = Storage(db)
    renderer = Renderer(catalogs)
    store = StoreService(storage, settings.store, clock, review_default=settings.review_required)
    journey = Journey(storage, renderer, store, clock)

    def translator_for(person: User | None) -> Translator:
        """Each notice in its recipient's language (`services` is bound below)."""
        return services.translator_for(person)

    def translator(language: str | None) -> Translator:
        """A chat's language, for a review card (`services` is bound below)."""
        return services.translator(language)

    def reminder_messages(reminder: Reminder, now: datetime) -> list[Outgoing]:
        return reminder_notices(services.translator, services.translator_for, reminder, now)

    reviews = Reviews(
        storage,
        journey,
        store,
        clock,
        leads_chat=settings.leads_chat,
        notices=AgentNotices(translator_for),
        cards=LeadCards(journey, translator, clock),
    )

    async def lead_chats(leaving_out: int | None) -> list[tuple[int, str | None]]:
        return await reviews.lead_chats(exclude=leaving_out)

    services = Services(
        settings=settings,
        storage=storage,
        catalogs=catalogs,
        renderer=renderer,
        clock=clock,
        channel=channel,
        store=store,
        journey=journey,
        reviews=reviews,
        people=People(storage, clock, settings.admins),
        history=History(storage, journey),
        reminders=Reminders(storage, clock, lead_chats, reminder_messages),
        stats=Stats(storage, clock, settings.orders_60d),
        strangers=Strangers(clock),
        mail=MailIntake(
            storage,
            renderer,
            store,
            clock,
            notices=MailAnnouncements(storage, store, translator_for, console=channel == "console"),
        ),
        outbox=Outbox(storage, clock),
        reminder_interval=reminder_interval,
    )
    services.outbox.register(CARD_KIND, CardDelivery(services))
    builder = (
        ApplicationBuilder()
        .application_class(ClaimApplication)
        .bot(_bot(settings, request, channel))
        .context_types(CONTEXT_TYPES)
        .persistence(SQLitePersistence(db, update_interval=persistence_interval))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    processor = ChatOrderedProcessor(concurrency, observer=observer)
    builder = builder.concurrent_updates(processor)
    application = builder.build()
    if not isinstance(application, ClaimApplication):  # pragma: no cover - the builder's class
        raise TypeError(f"built {type(application).__name__}, not ClaimApplication")
    # Each update's conversation state and answers are written before the chat's next update.
    processor.after = application.update_persistence
    application.bot_data.services = services
    handlers.register(application)
    return application


def _bot(settings: Settings, request: BaseRequest | None, channel: Channel) -> TolerantBot:
    """The bot (the one object that talks to the Bot API): one that skips an update
    python-telegram-bot cannot read instead of stopping on it (`bot.updates`). Without
    `request`, python-telegram-bot's own HTTP clients, as ApplicationBuilder makes them."""
    api = settings.api_base_url
    urls = {"base_url": f"{api}/bot", "base_file_url": f"{api}/file/bot"} if api else {}
    calls: BaseRequest | None = request
    polls: BaseRequest | None = request
    if request is None and settings.read_timeout is not None:
        # CLAIMBOT_READ_TIMEOUT: the library's own clients with another read timeout (for
        # getUpdates python-telegram-bot adds the long-polling time to it).
        calls = HTTPXRequest(read_timeout=settings.read_timeout)
        polls = HTTPXRequest(connection_pool_size=1, read_timeout=settings.read_timeout)
    return TolerantBot(
        token=settings.token.reveal() if settings.token is not None else OFFLINE_TOKEN,
        request=calls,
        get_updates_request=polls,
        # Telegram's flood limits; the offline transport has none.
        rate_limiter=AIORateLimiter(max_retries=3)
        if channel == "telegram" and request is None
        else None,
        **urls,
    )


def services_of(application: BaseApplication) -> Services:
    services = application.bot_data.services
    if services is None:
        raise RuntimeError("application was not built by build_application")
    return services


async def _post_init(application: BaseApplication) -> None:
    services = services_of(application)
    await services.storage.db.open()
    await services.store.load()
    now = services.clock()
    for admin_id in sorted(services.settings.admins):
        await services.storage.users.bootstrap_admin(admin_id, now)
    if services.channel == "console":
        await services.storage.users.bootstrap_admin(CONSOLE_ADMIN_ID, now, origin="console")
    await _set_commands(application, services)
    _schedule_reminders(application, services)
    # What was not sent before the last stop goes out now; then whatever falls due.
    services.outbox.start(application.bot)
    if isinstance(application, ClaimApplication):
        application.mailbox = start_mailbox(application.bot, services)
    log.info(
        "claimbot ready on %s: %d admin(s) from settings, database %s",
        services.channel,
        len(services.settings.admins),
        services.settings.db_path,
    )


def _schedule_reminders(application: BaseApplication, services: Services) -> None:
    """One repeating sweep, first right at start: reminders that fell due while the bot was
    down go out now, once. No job per claim is kept, so there is nothing to rebuild: the
    database is the truth. misfire_grace_time=None: a late sweep still runs."""
    if services.reminder_interval is None or application.job_queue is None:
        return
    application.job_queue.run_repeating(
        reminder_job,
        interval=services.reminder_interval,
        first=0,
        name=JOB_NAME,
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )


async def _set_commands(application: BaseApplication, services: Services) -> None:
    """The command menu Telegram clients show: an agent's commands for everyone, in every
    agent UI language; then each lead's and admin's own, in their language."""
    for language in services.catalogs.languages(BOT_DOMAIN):
        tr = services.translator(language)
        code = language.split("_", 1)[0]  # Telegram wants ISO 639-1: zh_Hans -> zh
        await application.bot.set_my_commands(
            commands_for(tr, Role.AGENT), language_code=None if language == "en" else code
        )
    if services.channel != "telegram":
        return
    for role in (Role.LEAD, Role.ADMIN):
        for person in await services.storage.users.with_role(role):
            await set_personal_menu(application.bot, person, services.translator_for(person))


async def _post_shutdown(application: BaseApplication) -> None:
    if isinstance(application, ClaimApplication):
        await stop_mailbox(application.mailbox)  # before the database closes under it
        application.mailbox = None
    services = services_of(application)
    await services.outbox.stop()  # after the mailbox (it writes rows), before the database
    await services.storage.db.close()


@asynccontextmanager
async def running(application: ClaimApplication) -> AsyncIterator[ClaimApplication]:
    """Run the application without an updater (console, tests): what `run_polling` does around
    polling, in the same order, so persistence loads, flushes and storage closes the same way."""
    try:
        await application.initialize()
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        yield application
    finally:
        if application.running:
            await application.stop()
        await application.shutdown()  # a no-op if initialize() never finished
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
