"""Language codes as claimbot spells them (`de`, `pt_BR`, `zh_Hans`) from what clients send."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

# Telegram sends IETF tags such as `de`, `en-GB`, `pt-br`, `zh-hans`; marketplaces use `pt_BR`.
_SPECIAL: Final = MappingProxyType(
    {
        "zh": "zh_Hans",
        "zh_hans": "zh_Hans",
        "zh_cn": "zh_Hans",
        "zh_sg": "zh_Hans",
        "zh_hans_cn": "zh_Hans",
        "pt": "pt_BR",
        "pt_br": "pt_BR",
        "pt_pt": "pt_PT",
        "zh_hant": "zh_Hant",
        "zh_tw": "zh_Hant",
        "zh_hk": "zh_Hant",
        "zh_hant_tw": "zh_Hant",
    }
)


def normalize_language(tag: str | None) -> str | None:
    """Map a client language tag to claimbot's spelling; `None` when it is not a language tag."""
    if not tag:
        return None
    key = tag.strip().replace("-", "_").lower()
    if (
        not key
        or len(key) > 20
        or not all(part.isalnum() and part.isascii() for part in key.split("_"))
    ):
        return None
    if key in _SPECIAL:
        return _SPECIAL[key]
    primary = key.split("_", 1)[0]
    # A language is two or three letters (ISO 639-1/-2); anything else is not a language tag.
    if not (2 <= len(primary) <= 3 and primary.isalpha()):
        return None
    return primary
