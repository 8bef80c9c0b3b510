"""Settings: environment over .env over claimbot.toml over defaults; the token stays secret."""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

import pytest

from bot.cli import RedactSecrets, main
from bot.settings import (
    DEFAULT_DB,
    Gift,
    Secret,
    Settings,
    SettingsError,
    parse_admins,
    read_dotenv,
)

TOKEN = "123456:AAE-secret-token-value"


def test_defaults_need_nothing(tmp_path: Path) -> None:
    settings = Settings.load({}, cwd=tmp_path)
    assert settings.token is None
    assert settings.db_path == DEFAULT_DB
    assert settings.admins == frozenset()
    assert settings.api_base_url is None
    assert settings.store.name is None
    assert settings.log_level is None


def test_environment_beats_dotenv_beats_toml(tmp_path: Path) -> None:
    (tmp_path / "claimbot.toml").write_text(
        '[store]\nname = "From TOML"\nsignature = "TOML care"\n'
        '[access]\nadmins = [1, 2]\n[storage]\ndb = "toml.sqlite3"\n',
        encoding="utf-8",
    )
    (tmp_path / ".env").write_text(
        "# comment\nexport CLAIMBOT_STORE_NAME='From dotenv'\nCLAIMBOT_ADMINS=3,4 # inline\n",
        encoding="utf-8",
    )
    settings = Settings.load({"CLAIMBOT_ADMINS": "5"}, cwd=tmp_path)
    assert settings.admins == frozenset({5})
    assert settings.store.name == "From dotenv"
    assert settings.store.signature == "TOML care"
    assert settings.db_path == Path("toml.sqlite3")


def test_config_path_from_environment(tmp_path: Path) -> None:
    config = tmp_path / "elsewhere.toml"
    config.write_text('[telegram]\napi_base_url = "http://127.0.0.1:8081/"\n', encoding="utf-8")
    settings = Settings.load({"CLAIMBOT_CONFIG": str(config)}, cwd=tmp_path)
    assert settings.api_base_url == "http://127.0.0.1:8081"
    with pytest.raises(SettingsError, match="no such file"):
        Settings.load({"CLAIMBOT_CONFIG": str(tmp_path / "missing.toml")}, cwd=tmp_path)


def test_signature_may_span_lines() -> None:
    settings = Settings.from_values({"CLAIMBOT_STORE_SIGNATURE": r"Anna\nAcme Home"}, {})
    assert settings.store.signature == "Anna\nAcme Home"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", frozenset()), ("1", {1}), ("1, 2;3 4", {1, 2, 3, 4}), (" 7 ,7", {7})],
)
def test_admin_lists(text: str, expected: set[int]) -> None:
    assert parse_admins(text) == frozenset(expected)


@pytest.mark.parametrize("text", ["abc", "-5", "0", "1.5", "١٢٣"])
def test_bad_admin_ids_are_named(text: str) -> None:
    with pytest.raises(SettingsError, match="CLAIMBOT_ADMINS"):
        parse_admins(text)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CLAIMBOT_API_BASE_URL", "ftp://x", "CLAIMBOT_API_BASE_URL"),
        ("CLAIMBOT_LOG_LEVEL", "loud", "CLAIMBOT_LOG_LEVEL"),
    ],
)
def test_bad_values_are_named(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_values({name: value}, {})


def test_broken_files_are_reported(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("this is not a setting\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"\.env, line 1"):
        read_dotenv(tmp_path / ".env")
    (tmp_path / ".env").unlink()
    (tmp_path / "bad.toml").write_text("[store\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"bad\.toml"):
        Settings.load({"CLAIMBOT_CONFIG": str(tmp_path / "bad.toml")}, cwd=tmp_path)


def test_the_token_never_shows_itself() -> None:
    settings = Settings.from_values({"TELEGRAM_BOT_TOKEN": TOKEN}, {})
    assert settings.token == Secret(TOKEN)
    assert settings.token is not None
    assert settings.token.reveal() == TOKEN
    for text in (repr(settings), str(settings), f"{settings.token}", repr(settings.token)):
        assert TOKEN not in text
        assert "secret-token" not in text


def test_log_filter_redacts_the_token() -> None:
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "POST https://api/bot%s/getMe", (TOKEN,), None
    )
    assert RedactSecrets([Secret(TOKEN)]).filter(record)
    assert record.getMessage() == "POST https://api/bot********/getMe"


def test_cli_reports_a_configuration_error_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLAIMBOT_ADMINS", "not-a-number")
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "claimbot: configuration error: CLAIMBOT_ADMINS: 'not-a-number' is not a Telegram user"
        " id (a positive number)"
    ]


def test_gifts_per_marketplace_come_from_the_toml(tmp_path: Path) -> None:
    (tmp_path / "claimbot.toml").write_text(
        '[store.gifts]\nDE = "zwei Ersatzfilter"\nfr = "deux filtres de rechange"\n',
        encoding="utf-8",
    )
    gifts = Settings.load({}, cwd=tmp_path).store.gifts
    assert gifts == {"DE": Gift("zwei Ersatzfilter"), "FR": Gift("deux filtres de rechange")}


def test_a_gift_may_carry_its_value(tmp_path: Path) -> None:
    (tmp_path / "claimbot.toml").write_text(
        '[store.gifts]\nDE = { description = "ein Gutschein", value = 5 }\n', encoding="utf-8"
    )
    assert Settings.load({}, cwd=tmp_path).store.gifts == {"DE": Gift("ein Gutschein", Decimal(5))}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('XX = "a gift"', "'XX' is not a marketplace code"),
        ('DE = ""', "must be a short text"),
        ('DE = { description = "x", value = -1 }', "value must be > 0"),
    ],
)
def test_bad_gifts_are_named(tmp_path: Path, table: str, message: str) -> None:
    (tmp_path / "claimbot.toml").write_text(f"[store.gifts]\n{table}\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=message):
        Settings.load({}, cwd=tmp_path)


def test_signatures_per_language_come_from_the_toml(tmp_path: Path) -> None:
    (tmp_path / "claimbot.toml").write_text(
        '[store]\nsignature = "Acme Kundenservice"\n\n'
        '[store.signatures]\nja = "Acme カスタマーサービス"\npt_br = """Equipe Acme\nBrasil"""\n',
        encoding="utf-8",
    )
    store = Settings.load({}, cwd=tmp_path).store
    assert store.signatures == {"ja": "Acme カスタマーサービス", "pt_BR": "Equipe Acme\nBrasil"}
    assert store.signature_for("ja") == "Acme カスタマーサービス"
    assert store.signature_for("de") == "Acme Kundenservice"  # no own one: the default


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('xx = "Acme"', "'xx' is not a buyer language"),
        ('zh_Hans = "Acme"', "'zh_Hans' is not a buyer language"),
        ('ja = ""', "must be a short text"),
        ("ja = 5", "must be a short text"),
    ],
)
def test_bad_signatures_are_named(tmp_path: Path, table: str, message: str) -> None:
    (tmp_path / "claimbot.toml").write_text(f"[store.signatures]\n{table}\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=message):
        Settings.load({}, cwd=tmp_path)


def test_the_read_timeout_reaches_the_bots_http_clients(tmp_path: Path) -> None:
    """CLAIMBOT_READ_TIMEOUT: how long a Bot API call may go unanswered (the tests against a
    fake Telegram wait past it); unset, python-telegram-bot's own 5 s."""
    from bot.app import build_application  # noqa: PLC0415 - the composition root, only here

    base = {"TELEGRAM_BOT_TOKEN": TOKEN, "CLAIMBOT_DB": str(tmp_path / "c.sqlite3")}
    for env, expected in [(base, 5.0), ({**base, "CLAIMBOT_READ_TIMEOUT": "1.5"}, 1.5)]:
        settings = Settings.from_values(env, {})
        bot = build_application(settings).bot
        assert bot.request.read_timeout == expected
        assert bot._request[0].read_timeout == expected  # getUpdates' own client
    toml = Settings.from_values({}, {"telegram": {"read_timeout": 2}})
    assert toml.read_timeout == 2.0
    for bad in ("0", "soon", "1000"):
        with pytest.raises(SettingsError, match="CLAIMBOT_READ_TIMEOUT"):
            Settings.from_values({"CLAIMBOT_READ_TIMEOUT": bad}, {})
