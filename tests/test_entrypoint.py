"""Smoke test: the real `python -m bot run` against the fake Bot API (tests/fakeapi.py).

Start, answer an admin and refuse a stranger over real HTTP, stop cleanly on SIGINT, and never
print the token."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.transport import UpdateFactory
from tests.fakeapi import FakeTelegram

TOKEN = "123456:SMOKE-secret-token-value"
ADMIN = 4242
STRANGER = 999


@pytest.fixture
def fake_api() -> Iterator[FakeTelegram]:
    """The fake Bot API with the admin's and a stranger's /start waiting."""
    factory = UpdateFactory()
    with FakeTelegram(TOKEN) as fake:
        for user_id in (ADMIN, STRANGER):
            fake.push(factory.message(factory.user(user_id, "en", "Smoke"), "/start"))
        yield fake


def test_run_answers_over_http_and_stops_cleanly_on_sigint(
    fake_api: FakeTelegram, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "CLAIMBOT_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        CLAIMBOT_API_BASE_URL=fake_api.url,
        CLAIMBOT_ADMINS=str(ADMIN),
        CLAIMBOT_DB=str(tmp_path / "smoke.sqlite3"),
        CLAIMBOT_LOG_LEVEL="DEBUG",  # the most talkative level must still hide the token
        PTB_TIMEDELTA="1",
    )
    # Output goes to files, not pipes: at DEBUG the bot writes more than a pipe holds, and a
    # pipe nobody reads until the end would block its logging (and so the bot) when full.
    out_path, err_path = tmp_path / "stdout.log", tmp_path / "stderr.log"
    with out_path.open("w") as out_file, err_path.open("w") as err_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=env,
            stdout=out_file,
            stderr=err_file,
            text=True,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not (
                fake_api.texts_to(ADMIN) and fake_api.texts_to(STRANGER)
            ):
                assert process.poll() is None, err_path.read_text()
                time.sleep(0.1)
            process.send_signal(signal.SIGINT)
            process.wait(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    out, err = out_path.read_text(), err_path.read_text()
    assert process.returncode == 0, err
    (welcome,) = fake_api.texts_to(ADMIN)
    assert welcome.startswith("Welcome to claimbot. You are signed in as admin.")
    assert fake_api.texts_to(STRANGER) == [
        "Sorry, this bot is only for the members of a seller's support team. Ask your team's"
        f" admin to add you; they will need your user id: {STRANGER}."
    ]
    assert all(path.startswith(f"/bot{TOKEN}/") for path in fake_api.paths)
    assert "getUpdates" in {path.rsplit("/", 1)[-1] for path in fake_api.paths}
    assert TOKEN not in out + err
    assert "Traceback" not in err
    with sqlite3.connect(tmp_path / "smoke.sqlite3") as conn:
        rows = conn.execute("SELECT id, role FROM users ORDER BY id").fetchall()
    conn.close()
    assert rows == [(ADMIN, "admin")]
