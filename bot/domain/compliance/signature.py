"""The signature under a draft must be in the draft's script: a German sign-off under a Japanese
message, or a Japanese one under a German message, is one the buyer may not read.

The rule counts the signature's letters by script. Latin for en de fr es it nl pl pt_BR sv tr,
kana and kanji for ja, Han for zh_Hans, Arabic for ar; a language not listed is not checked.
The signature is in another script when it has more letters in other scripts than in the
draft's own. Two refinements:
- Under a Japanese, Chinese or Arabic draft, Latin letters that only spell a name do not count:
  at most four words, none of them a lowercase sentence word ("regards", "freundlichen"; the
  connectors of names such as "de", "von", "and" excepted) nor a sign-off word ("Cordialement",
  "Ihr", "Your"). "Acme Home" signs a Japanese message; "Mit freundlichen Grüßen, Ihr Acme-Team"
  and "Best regards, Acme Customer Service" do not sign a Japanese or Arabic one.
- Under a Chinese draft, a signature with kana is Japanese: its kanji count as Japanese too.
Han characters count as native under a Japanese draft, so a Chinese signature under a Japanese
message is not told apart.
"""

from __future__ import annotations

import re
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from bot.domain.compliance.rules import RULES, Finding


class Script(StrEnum):
    LATIN = "latin"
    KANA = "kana"
    HAN = "han"
    ARABIC = "arabic"
    OTHER = "other"


_LATIN_LANGUAGES: Final = ("en", "de", "fr", "es", "it", "nl", "pl", "pt", "pt_BR", "sv", "tr")
# The scripts a draft in each language is written in.
SCRIPTS: Final = MappingProxyType(
    {
        **{code: frozenset({Script.LATIN}) for code in _LATIN_LANGUAGES},
        "ja": frozenset({Script.KANA, Script.HAN}),
        "zh": frozenset({Script.HAN}),
        "zh_Hans": frozenset({Script.HAN}),
        "ar": frozenset({Script.ARABIC}),
    }
)
_EXCERPT: Final = 60
_NAME_WORDS: Final = 4  # a Latin name under a CJK or Arabic draft has at most this many words
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# Lowercase words that join the words of a name ("Maison de Provence", "Smith and Sons").
_CONNECTORS: Final = frozenset(
    "and of the for by de du des la le les von van der den di da del y e et und en och i".split()
)
# Words of a sign-off, capitalised or not: a Latin text, not a name.
_SIGN_OFF: Final = frozenset(
    "regards greetings sincerely thanks cordialement salutations grüße grüßen gruß saluti"
    " cordiali saludos atentamente groeten hälsningar pozdrawiam pozdrowienia saygılarımızla"
    " saygılar atenciosamente danke merci gracias grazie tack obrigado obrigada bedankt"
    " dziękujemy teşekkürler ihr ihre your votre vostro vostra uw ditt wasz sizin seu sua".split()
)


def script_of(char: str) -> Script | None:
    """The script of a letter; None for anything else (digits, spaces, punctuation)."""
    if not char.isalpha():
        return None
    code = ord(char)
    if code < 0x250 or 0x1E00 <= code <= 0x1EFF or 0xFF21 <= code <= 0xFF5A:
        return Script.LATIN
    if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
        return Script.KANA
    if (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or (0x3005 <= code <= 0x3007)
    ):
        return Script.HAN
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return Script.ARABIC
    return Script.OTHER


def _is_name(latin_words: list[str]) -> bool:
    """Latin words that spell a name (a brand, a store), not a sentence."""
    if len(latin_words) > _NAME_WORDS:
        return False
    for word in latin_words:
        folded = word.lower()
        if folded in _SIGN_OFF:
            return False
        if word == folded and len(word) > 1 and folded not in _CONNECTORS:
            return False
    return True


def in_other_script(signature: str, language: str) -> bool:
    """Whether `signature` is written mainly in another script than drafts in `language`."""
    native = SCRIPTS.get(language)
    if native is None:
        return False
    counts = dict.fromkeys(Script, 0)
    for char in signature:
        if (script := script_of(char)) is not None:
            counts[script] += 1
    if Script.LATIN not in native:
        words = [w for w in _WORD.findall(signature) if script_of(w[0]) is Script.LATIN]
        if _is_name(words):
            counts[Script.LATIN] = 0
    if native == {Script.HAN} and counts[Script.KANA] >= 2:  # a Japanese signature
        counts[Script.KANA] += counts[Script.HAN]
        counts[Script.HAN] = 0
    own = sum(n for script, n in counts.items() if script in native)
    return sum(counts.values()) - own > own


def signature_findings(
    signature: str | None, language: str, text: str | None = None
) -> list[Finding]:
    """The `signature_script` finding for a draft in `language` signed with `signature` (the store's
    for that language). With `text`, only when the signature is in it: an agent who replaced
    it in their own version has nothing to fix."""
    if not signature or not in_other_script(signature, language):
        return []
    if text is not None and " ".join(signature.split()) not in " ".join(text.split()):
        return []
    rule = RULES["signature_script"]
    first = signature.strip().splitlines()[0]
    excerpt = first if len(first) <= _EXCERPT else first[: _EXCERPT - 1] + "…"
    return [Finding(rule.id, rule.severity, rule.message, excerpt)]
