"""The fixtures of the chat harness: the real Application on the offline Bot API, a real SQLite
file in tmp_path, real catalogs and templates. Only the Telegram network is replaced. The
harness itself (`Chat`, `Clock`, the people, `texts`...) lives in tests/helpers.py."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_application, running
from bot.handlers.context import Channel
from bot.settings import Settings, StoreProfile
from bot.transport import OfflineBotApi, UpdateFactory
from tests.helpers import ADMIN, Chat, Clock


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # python-telegram-bot 22.x warns about int durations unless this opt-in is set.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture(params=[0o022, 0o000], ids=["umask022", "umask000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """The process's umask during the test (restored after): what claimbot creates must come
    out the same under the usual 022 and under 000."""
    value: int = request.param
    previous = os.umask(value)
    try:
        yield value
    finally:
        os.umask(previous)


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
