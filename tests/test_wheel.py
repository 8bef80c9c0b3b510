"""The built wheel carries the templates and catalogs and works without the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RENDER = """
import bot
from bot.drafting import Renderer
from bot.i18n import Catalogs
print(bot.__file__)
print(Renderer(Catalogs()).render("inquiry", {"order_id": "303-1234567-7654321"}, "de").subject)
"""


def test_wheel_carries_templates_and_catalogs_and_renders_from_them(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(tmp_path / "dist")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("claimbot-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    assert "bot/_resources/templates/messages/inquiry.j2" in names
    assert "bot/_resources/locales/de/LC_MESSAGES/messages.po" in names
    assert "bot/_resources/locales/zh_Hans/LC_MESSAGES/bot.po" in names
    assert not [n for n in names if n.endswith(".mo")]
    assert not [n for n in names if n.startswith("tests/")]

    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    run = subprocess.run(
        [sys.executable, "-c", RENDER],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    location, subject = run.stdout.splitlines()
    assert Path(location).is_relative_to(tmp_path / "site")
    assert subject == "Ihre Bestellung 303-1234567-7654321: Es tut uns leid – wir helfen Ihnen gern"
