"""Smoke test: the real `python -m bot run` against a fake Bot API on 127.0.0.1.

Start, answer an admin and refuse a stranger over real HTTP, stop cleanly on SIGINT, and never
print the token."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

TOKEN = "123456:SMOKE-secret-token-value"
ADMIN = 4242
STRANGER = 999


def _update(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "Smoke"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Smoke", "language_code": "en"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


class FakeBotApi:
    """Just enough of the Bot API for python-telegram-bot's long polling."""

    def __init__(self) -> None:
        self.pending = [_update(1, ADMIN, "/start"), _update(2, STRANGER, "/start")]
        self.sent: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {"id": 777000, "is_bot": True, "first_name": "claimbot", "username": "cb_bot"}
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            with self.lock:
                ready = [u for u in self.pending if u["update_id"] >= offset]
            if not ready:
                time.sleep(0.2)
            return ready
        if method == "sendMessage":
            message = {
                "message_id": 100 + len(self.sent),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": params["text"],
            }
            with self.lock:
                self.sent.append(message)
            return message
        return True  # deleteWebhook, setMyCommands, close...

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(body or "{}")
                else:
                    params = {}
                    for key, values in parse_qs(body).items():
                        try:
                            params[key] = json.loads(values[0])
                        except ValueError:
                            params[key] = values[0]
                fake.paths.append(self.path)
                method = self.path.rsplit("/", 1)[-1]
                payload = json.dumps({"ok": True, "result": fake._answer(method, params)})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload.encode())))
                self.end_headers()
                self.wfile.write(payload.encode())

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler

    def texts_to(self, chat_id: int) -> list[str]:
        with self.lock:
            return [m["text"] for m in self.sent if m["chat"]["id"] == chat_id]


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    fake = FakeBotApi()
    fake.thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()


def test_run_answers_over_http_and_stops_cleanly_on_sigint(
    fake_api: FakeBotApi, tmp_path: Path
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
