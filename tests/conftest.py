"""The chat harness: the real Application on the offline Bot API, a real SQLite file in
tmp_path, real catalogs and templates. Only the Telegram network is replaced."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.app import ClaimApplication, build_application, running, services_of
from bot.handlers.context import Channel, Services
from bot.settings import Settings, StoreProfile
from bot.transport import ApiCall, OfflineBotApi, UpdateFactory

ADMIN = 42
# A sticker message's payload: media where the bot expects text.
STICKER = {
    "file_id": "x",
    "file_unique_id": "y",
    "width": 1,
    "height": 1,
    "is_animated": False,
    "is_video": False,
    "type": "regular",
}
START = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # python-telegram-bot 22.x warns about int durations unless this opt-in is set.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Chat:
    """One running bot: send messages and press buttons as any user, read what it answered."""

    app: ClaimApplication
    api: OfflineBotApi
    factory: UpdateFactory
    errors: list[BaseException] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)  # Telegram first names; else "Agent"

    @property
    def services(self) -> Services:
        return services_of(self.app)

    def user(self, user_id: int, language_code: str | None = "en") -> dict[str, Any]:
        return self.factory.user(user_id, language_code, self.names.get(user_id, "Agent"))

    async def feed(self, data: dict[str, Any]) -> list[ApiCall]:
        before = len(self.api.calls)
        await self.app.process_update(Update.de_json(data, self.app.bot))
        return self.api.calls[before:]

    async def send(
        self, text: str, user_id: int = ADMIN, language_code: str | None = "en"
    ) -> list[ApiCall]:
        return await self.feed(self.factory.message(self.user(user_id, language_code), text))

    async def press(
        self, label: str, user_id: int = ADMIN, language_code: str | None = "en"
    ) -> list[ApiCall]:
        """Press the button labelled `label` on the newest keyboard in the user's chat that
        has one (a draft's buttons come after the card's, and both stay usable)."""
        for message in self.keyboards(user_id):
            for row in message["reply_markup"]["inline_keyboard"]:
                for button in row:
                    if button["text"] == label:
                        return await self.press_data(
                            button["callback_data"], message, user_id, language_code
                        )
        message = self.last_keyboard(user_id)
        labels = [b["text"] for r in message["reply_markup"]["inline_keyboard"] for b in r]
        raise AssertionError(f"no button {label!r} on any keyboard; the last has: {labels}")

    def keyboards(self, chat_id: int = ADMIN) -> list[dict[str, Any]]:
        """Every message in the chat that still has a keyboard, newest first."""
        found: list[dict[str, Any]] = []
        seen: set[int] = set()
        for call in reversed(self.api.calls):
            if call.method == "sendMessage" and call.result["chat"]["id"] == chat_id:
                message_id = call.result["message_id"]
                current = self.api.message(chat_id, message_id)
                if message_id not in seen and current and current.get("reply_markup"):
                    seen.add(message_id)
                    found.append(current)
        return found

    def labels(self, chat_id: int = ADMIN) -> list[str]:
        """The button labels of the newest keyboard."""
        message = self.last_keyboard(chat_id)
        return [b["text"] for r in message["reply_markup"]["inline_keyboard"] for b in r]

    async def press_data(
        self,
        data: str,
        message: dict[str, Any] | None = None,
        user_id: int = ADMIN,
        language_code: str | None = "en",
    ) -> list[ApiCall]:
        message = message if message is not None else self.last_keyboard(user_id)
        return await self.feed(
            self.factory.callback(self.user(user_id, language_code), message, data)
        )

    def last_keyboard(self, chat_id: int = ADMIN) -> dict[str, Any]:
        for call in reversed(self.api.calls):
            if call.method == "sendMessage" and call.result["chat"]["id"] == chat_id:
                current = self.api.message(chat_id, call.result["message_id"])
                if current and current.get("reply_markup"):
                    return current
        raise AssertionError(f"no keyboard in chat {chat_id}")


def texts(calls: list[ApiCall], chat_id: int | None = None) -> list[str]:
    """The texts of the messages sent (not edits), optionally to one chat."""
    return [
        c.params["text"]
        for c in calls
        if c.method == "sendMessage" and (chat_id is None or int(c.params["chat_id"]) == chat_id)
    ]


def button_data(message: dict[str, Any], fragment: str) -> str:
    """The data of the one button on `message` whose data contains `fragment`."""
    (data,) = [
        b["callback_data"]
        for row in message["reply_markup"]["inline_keyboard"]
        for b in row
        if fragment in b["callback_data"]
    ]
    return str(data)


def alerts(calls: list[ApiCall]) -> list[str]:
    return [c.params.get("text", "") for c in calls if c.method == "answerCallbackQuery"]


BotFactory = Callable[..., Any]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        db_path=tmp_path / "claimbot.sqlite3",
        admins=frozenset({ADMIN}),
        store=StoreProfile(name="Acme Home", signature=None),
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def bot(settings: Settings, clock: Clock) -> Callable[..., Any]:
    """`async with bot() as chat:` starts the real Application; leaving the block shuts it
    down like a process exit (persistence flushed, database closed). Enter again to restart
    on the same database. Any exception raised in a handler fails the test unless the test
    takes it from `chat.errors` itself."""

    @asynccontextmanager
    async def start(
        *,
        channel: Channel = "telegram",
        expect_errors: bool = False,
        settings_: Settings | None = None,
        api: OfflineBotApi | None = None,
        reminder_interval: float | None = None,
    ) -> AsyncIterator[Chat]:
        # Pass the previous chat's `api` to restart on the same "Telegram" (old messages stay).
        # The reminder job is off unless asked for: tests call the sweep with their clock.
        api = api if api is not None else OfflineBotApi()
        app = build_application(
            settings_ or settings,
            api,
            channel=channel,
            clock=clock,
            reminder_interval=reminder_interval,
        )
        chat = Chat(app, api, UpdateFactory())

        async def record(update: object, context: Any) -> None:
            chat.errors.append(context.error)

        app.add_error_handler(record)
        async with running(app):
            yield chat
        if not expect_errors:
            assert chat.errors == [], f"handlers raised: {chat.errors!r}"

    return start
