"""Where templates and catalogs live: inside the package in a wheel, beside it in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """`templates` or `locales`: `bot/_resources/NAME` in a wheel, `<checkout>/NAME` otherwise."""
    for candidate in (_PACKAGE / "_resources" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"claimbot resource folder {name!r} not found beside {_PACKAGE}")


def templates_dir() -> Path:
    return resource_dir("templates") / "messages"


def locales_dir() -> Path:
    return resource_dir("locales")
