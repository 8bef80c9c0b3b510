"""Running in production: webhook mode with its secret token, a graceful stop on SIGTERM with
an update in flight, and the online backup command. The real `claimbot run` runs against the
fake Bot API on 127.0.0.1."""

from __future__ import annotations

import json
import signal
import sqlite3
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.settings import Settings, SettingsError
from bot.transport import UpdateFactory
from tests.fakeapi import Bot, FakeTelegram, Fault
from tests.helpers import ADMIN, free_port, listening, seed_people

SECRET = "s3cret-Token_42"


def post(url: str, update: dict[str, Any], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(  # noqa: S310 - a local http URL of the test
        url, data=json.dumps(update).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_webhook_mode_checks_the_secret_token_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/claimbot/hook"
    with FakeTelegram() as fake:
        bot = Bot(fake, tmp_path)
        bot.env.update(
            CLAIMBOT_WEBHOOK_URL=url,
            CLAIMBOT_WEBHOOK_LISTEN="127.0.0.1",
            CLAIMBOT_WEBHOOK_PORT=str(port),
            CLAIMBOT_WEBHOOK_SECRET=SECRET,
            CLAIMBOT_LOG_LEVEL="DEBUG",
        )
        seed_people(bot.db)
        try:
            bot.start(ready="setWebhook")
            (registered,) = [r for r in fake.requests if r.method == "setWebhook"]
            assert registered.params["url"] == url
            assert registered.params["secret_token"] == SECRET
            assert not any(r.method == "getUpdates" for r in fake.requests)

            assert listening(port), "the webhook server did not open its port"
            factory = UpdateFactory()
            hello = factory.message(factory.user(ADMIN), "/help")
            # Without the secret, or with a wrong one: refused, nothing handled.
            assert post(url, hello, None) == 403
            assert post(url, hello, "guess") == 403
            assert post(url, hello, SECRET) == 200
            assert fake.wait(lambda: fake.texts_to(ADMIN) != [], 10)
            assert len(fake.texts_to(ADMIN)) == 1

            assert bot.process is not None
            bot.process.send_signal(signal.SIGTERM)
            assert bot.reap() == 0
        finally:
            bot.close()
    log = (tmp_path / "bot.log").read_text()
    assert SECRET not in log, "the webhook secret reached the log"
    assert "Application.stop() complete" in log


def test_sigterm_lets_the_update_in_flight_finish_and_saves_it(tmp_path: Path) -> None:
    """SIGTERM while an update waits on Telegram: the process takes no new update, finishes
    that one (its answer goes out), writes the conversation and exits 0."""
    in_flight = threading.Event()

    def slow_question(method: str, params: dict[str, Any]) -> Fault | None:
        if method == "sendMessage" and str(params.get("text", "")).startswith("Which order"):
            in_flight.set()
            return Fault.delay(1.5)
        return None

    with FakeTelegram() as fake:
        bot = Bot(fake, tmp_path)
        seed_people(bot.db)
        try:
            bot.start()
            fake.faults = slow_question
            factory = UpdateFactory()
            fake.push(factory.message(factory.user(ADMIN), "/new"))
            assert in_flight.wait(10), "the update never reached Telegram"
            assert bot.process is not None
            bot.process.send_signal(signal.SIGTERM)
            assert bot.reap() == 0
        finally:
            bot.close()
        assert any(t.startswith("Which order") for t in fake.texts_to(ADMIN))
    with sqlite3.connect(bot.db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        intakes = conn.execute("SELECT user_id, answers FROM intakes").fetchall()
    assert [(user, json.loads(answers)["step"]) for user, answers in intakes] == [
        (ADMIN, "order_id")
    ], "the intake was not saved at the stop"


def test_backup_copies_the_database_consistently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "claimbot.sqlite3"
    seed_people(db)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLAIMBOT_DB", str(db))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    # A reader holding the database open (as the bot does) does not stop the backup.
    with sqlite3.connect(db) as holder:
        holder.execute("BEGIN")
        holder.execute("SELECT COUNT(*) FROM users").fetchone()
        assert main(["backup", str(tmp_path / "copy.sqlite3")]) == 0
        holder.execute("COMMIT")
    assert "Backed up" in capsys.readouterr().err
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy, sqlite3.connect(db) as original:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        query = "SELECT id, role, active FROM users ORDER BY id"
        assert copy.execute(query).fetchall() == original.execute(query).fetchall()
        assert len(copy.execute(query).fetchall()) == 5
    assert not (tmp_path / "copy.sqlite3.partial").exists()
    # No database: a clear message, no empty copy.
    monkeypatch.setenv("CLAIMBOT_DB", str(tmp_path / "missing.sqlite3"))
    assert main(["backup", str(tmp_path / "other.sqlite3")]) == 2
    assert "no database" in capsys.readouterr().err
    assert not (tmp_path / "other.sqlite3").exists()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CLAIMBOT_WEBHOOK_URL": "bot.example.com/hook"}, "must start with https://"),
        ({"CLAIMBOT_WEBHOOK_SECRET": "has spaces"}, "1 to 256 characters"),
        ({"CLAIMBOT_WEBHOOK_SECRET": "x" * 257}, "1 to 256 characters"),
        ({"CLAIMBOT_WEBHOOK_PORT": "70000"}, "port number"),
        ({"CLAIMBOT_WEBHOOK_PORT": "http"}, "port number"),
    ],
)
def test_webhook_settings_are_checked(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_values(env, {})


def test_webhook_settings_from_toml_and_defaults() -> None:
    settings = Settings.from_values(
        {}, {"webhook": {"url": "https://bot.example.com/claimbot", "port": 9000}}
    )
    assert settings.webhook_url == "https://bot.example.com/claimbot"
    assert settings.webhook_port == 9000
    assert settings.webhook_listen == "127.0.0.1"
    assert settings.webhook_secret is None
    assert Settings.from_values({}, {}).webhook_url is None


def test_the_deploy_examples_name_real_settings_and_commands() -> None:
    """The example environment file and units only use settings and commands that exist."""
    root = Path(__file__).resolve().parents[1]
    env = (root / "deploy" / "claimbot.env.example").read_text()
    names = {
        line.lstrip("#").split("=", 1)[0].strip()
        for line in env.splitlines()
        if "=" in line and line.lstrip("#").split("=", 1)[0].strip().isupper()
    }
    settings_source = (root / "bot" / "settings.py").read_text()
    assert names >= {"TELEGRAM_BOT_TOKEN", "CLAIMBOT_DB", "CLAIMBOT_WEBHOOK_URL"}
    for name in names:
        assert f'"{name}"' in settings_source, f"{name} is not a setting"
    unit = (root / "deploy" / "claimbot.service").read_text()
    assert "ExecStart=/opt/claimbot/.venv/bin/claimbot run" in unit
    assert "KillSignal=SIGTERM" in unit
    backup = (root / "deploy" / "claimbot-backup.service").read_text()
    assert "claimbot backup " in backup
    with pytest.raises(SystemExit) as done:
        main(["backup", "--help"])
    assert done.value.code == 0
