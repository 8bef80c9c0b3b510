"""The typed context every handler receives, and the services it reaches through it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.drafting.renderer import Renderer
from bot.handlers.outbox import Outbox
from bot.i18n.catalogs import BOT_DOMAIN, SOURCE_LANGUAGE, Catalogs
from bot.i18n.locales import normalize_language
from bot.i18n.translator import Translator
from bot.services.history import History
from bot.services.journey import Journey
from bot.services.mail import MailIntake
from bot.services.people import People
from bot.services.reminders import Reminders
from bot.services.review import Reviews
from bot.services.stats import Stats
from bot.services.store import StoreService
from bot.services.strangers import Strangers
from bot.settings import Settings
from bot.storage import Storage, User

Channel = Literal["telegram", "console"]


@dataclass(frozen=True, slots=True)
class Services:
    """Everything a handler may use, built once by the composition root (bot/app.py)."""

    settings: Settings
    storage: Storage
    catalogs: Catalogs
    renderer: Renderer
    clock: Callable[[], datetime]
    channel: Channel
    store: StoreService
    journey: Journey
    reviews: Reviews
    people: People
    history: History
    reminders: Reminders
    stats: Stats
    strangers: Strangers  # how often people outside the team get an answer
    mail: MailIntake  # Amazon's mails: a saved one, or the mailbox's (issue 15)
    outbox: Outbox  # messages to other people, stored with their cause (issue 16)
    # Seconds between reminder sweeps; None: no sweeping job (tests call the sweep).
    reminder_interval: float | None = 60
    _translators: dict[str, Translator] = field(default_factory=dict, repr=False)

    def translator(self, language: str | None, time_zone: str | None = None) -> Translator:
        """The agent UI in `language` when the `bot` catalog has it, else English; times in
        `time_zone` when the person chose one."""
        code = normalize_language(language)
        if code is None or code not in self.catalogs.languages(BOT_DOMAIN):
            code = SOURCE_LANGUAGE
        key = f"{code}|{time_zone or ''}"
        translator = self._translators.get(key)
        if translator is None:
            translator = Translator(code, self.catalogs.get(BOT_DOMAIN, code), time_zone)
            self._translators[key] = translator
        return translator

    def translator_for(self, person: User | None) -> Translator:
        """What someone reads a message in when it is sent to them on another person's
        action (a review decision, a reminder): their language and time zone as stored."""
        if person is None:
            return self.translator(None)
        return self.translator(person.language, person.time_zone)


class BotData:
    """`application.bot_data`: holds the services; never persisted."""

    __slots__ = ("services",)

    def __init__(self) -> None:
        self.services: Services | None = None


class ClaimContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """Adds the acting user and their translator, set by the access guard for each update."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.actor: User | None = None
        self._tr: Translator | None = None

    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are not attached; build the app with build_application")
        return services

    @property
    def tr(self) -> Translator:
        if self._tr is None:
            self._tr = self.services.translator(None)
        return self._tr

    @tr.setter
    def tr(self, value: Translator) -> None:
        self._tr = value

    def require_actor(self) -> User:
        if self.actor is None:
            raise RuntimeError("handler ran without the access guard")
        return self.actor


CONTEXT_TYPES: ContextTypes[ClaimContext, dict[Any, Any], dict[Any, Any], BotData] = ContextTypes(
    context=ClaimContext, bot_data=BotData, user_data=dict, chat_data=dict
)
