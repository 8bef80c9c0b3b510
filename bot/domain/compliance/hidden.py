"""What the rules read: a text as its reader sees it, and the characters that make the two differ.

A zero-width space inside "evil-shop.com", a full-width dot in "evil-shop．com", or a
right-to-left override that makes "moc.pohs-live" display as "evil-shop.com" hid a link from
every rule while the buyer would read it (issue 17). `reading(text)` is the one place where a
text is normalised for the rules:

- NFKC: full-width and other compatibility forms become their plain letters, digits and signs
  ("ｃｏｍ" -> "com", "．" -> ".", "ｸｰﾎﾟﾝ" -> "クーポン", a non-breaking space -> a space); the
  phrase lists are normalised the same way (`patterns.phrase_hits`); Cyrillic and Greek
  letters drawn like Latin ones are read as those;
- every default-ignorable code point is removed: zero-width spaces and joiners, the soft hyphen,
  direction marks, embeddings, overrides and isolates, variation selectors, fillers, tags;
- a run under a direction override (U+202E, U+202D, up to U+202C, U+2069 or the end of the
  line) displays reversed: each line that has one is read a second time, as displayed, after
  the text (the written order matters too: it is what a copy or a search finds).

`Reading.hidden` is the first character that has no business in a message, shown where it
stands with its code point ("evil-shop[U+200B].com"), or None. That is every invisible or
direction-changing character, and a look-alike among plain Latin letters, except where the
writing system needs it:

- ZWNJ and ZWJ between two Arabic-script characters shape the letters (Persian and Arabic
  typography); ZWJ, variation selectors and tags next to a pictograph build an emoji, which is
  the emoji rule's finding;
- direction marks (LRM, RLM, ALM) in a line with Arabic letters order numbers and Latin words
  in right-to-left text (Babel writes an RLM, U+200F, before an Arabic amount), unless they sit
  between two Latin letters or digits, inside a word or a domain;
- a variation selector after a symbol or a CJK ideograph selects its glyph;
- full-width letters and digits in Japanese text are ordinary: a compatibility letter, or a
  Cyrillic or Greek letter drawn like a Latin one (read as that letter), is a look-alike only
  next to a plain Latin letter ("ｅvil", "Ｆilter", "shоp" with a Cyrillic "о"), a full-width
  or small dot or at-sign only next to a plain letter or digit ("evil-shop．com"), and a
  mathematical letter or digit ("𝐜𝐨𝐮𝐩𝐨𝐧") always. Superscripts ("nº", "2ᵉ") and the Greek
  "μ" of "5 μm" are no look-alikes.

An ASCII text has none of this and is returned as it is: the fast path of every lint.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

# Default_Ignorable_Code_Point (Unicode's DerivedCoreProperties.txt): displayed as nothing.
_INVISIBLE_BMP: Final = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
)
INVISIBLE: Final = re.compile(
    f"[{_INVISIBLE_BMP}\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
_JOINERS: Final = "\u200c\u200d"
_MARKS: Final = "\u200e\u200f\u061c"
_OVERRIDES: Final = "\u202d\u202e"
_OVERRIDE_END: Final = re.compile("[\u202c\u2069\n]")
_ARABIC: Final = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]")
_ARABIC_LETTER: Final = re.compile("[\u0620-\u064a\u066e-\u06d3\u06fa-\u06fc\ufb50-\ufdff]")
_CJK: Final = re.compile("[\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
_KEYCAP: Final = "\u20e3"
_CONTEXT: Final = 20  # characters shown either side of a hidden one


def _compatibility_letters() -> str:
    """Every character NFKC turns into one plain Latin letter, superscripts and subscripts
    aside: full-width, circled, squared, mathematical and letterlike forms, Roman numerals."""
    found = []
    for first, last in ((0x80, 0x3000), (0xFF00, 0xFFF0), (0x1D400, 0x1D800), (0x1F100, 0x1F200)):
        for code in range(first, last):
            char = chr(code)
            plain = unicodedata.normalize("NFKC", char)
            if (
                plain != char
                and len(plain) == 1
                and plain.isascii()
                and plain.isalpha()
                and not unicodedata.decomposition(char).startswith(("<super>", "<sub>"))
            ):
                found.append(char)
    return "".join(found)


# Cyrillic and Greek letters drawn like Latin ones ("evil-shоp.com" with a Cyrillic "о"). None
# of the twelve languages is written with them: the rules read them as the letters they imitate.
_CONFUSABLE: Final = str.maketrans(
    "аеһіјорсухѕԁԛԝӏАВЕКМНОРСТХУІЈЅԚԜΑΒΕΖΗΙΚΜΝΟΡΤΥΧοινρυα",
    "aehijopcyxsdqwlABEKMHOPCTXYIJSQWABEZHIKMNOPTYXoivpua",
)
_LETTERS: Final = frozenset(_compatibility_letters()) | {chr(code) for code in _CONFUSABLE}
_SEPARATORS: Final = "\u2024\ufe52\ufe6b\uff0e\uff20"  # NFKC "." and "@": ․ ﹒ ﹫ ． ＠
_MATHEMATICAL: Final = re.compile("[\U0001d400-\U0001d7ff]")


# A fast first pass: where one of them may stand. Their characters in the Basic Multilingual
# Plane make one bitmap class; one beyond it would turn the class into a list of ranges tested
# one by one (7 us a text instead of 1), so any character beyond it is a candidate.
_LETTERS_BMP: Final = "".join(sorted(char for char in _LETTERS if ord(char) < 0x10000))
_SUSPECT: Final = re.compile(f"[{_INVISIBLE_BMP}{_SEPARATORS}{_LETTERS_BMP}\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class Reading:
    text: str  # what the rules read
    hidden: str | None  # the first hidden or look-alike character in its context, or None


def reading(text: str) -> Reading:
    """`text` as the rules read it, and its first hidden character (module docstring)."""
    if text.isascii():
        return Reading(text, None)
    if not _SUSPECT.search(text):
        return Reading(_nfkc(text), None)
    suspects = (match.start() for match in _SUSPECT.finditer(text))
    hidden = next((index for index in suspects if _out_of_place(text, index)), None)
    lines = [text, *(_displayed(text) if any(c in text for c in _OVERRIDES) else ())]
    shown = "\n".join(_nfkc(INVISIBLE.sub("", line)).translate(_CONFUSABLE) for line in lines)
    return Reading(shown, None if hidden is None else _excerpt(text, hidden))


def visible(text: str) -> str:
    """`text` with each invisible character written as its code point: "[U+200B]"."""
    return INVISIBLE.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


def _nfkc(text: str) -> str:
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def _excerpt(text: str, index: int) -> str:
    """The hidden character at `index` and the words around it, on its line."""
    start = max(text.rfind("\n", 0, index) + 1, index - _CONTEXT)
    end = text.find("\n", index)
    end = min(len(text) if end < 0 else end, index + 1 + _CONTEXT)
    # Whole words: back to the start of the first one, on to the end of the last one.
    while start > 0 and not text[start - 1].isspace() and index - start < 2 * _CONTEXT:
        start -= 1
    while end < len(text) and not text[end].isspace() and end - index < 2 * _CONTEXT:
        end += 1
    return visible(f"{text[start:index]}[U+{ord(text[index]):04X}]{text[index + 1 : end]}")


def _displayed(text: str) -> list[str]:
    """Each line with a direction override as it displays: every overridden run reversed."""
    lines = []
    for line in text.split("\n"):
        if not any(c in line for c in _OVERRIDES):
            continue
        parts, position = [], 0
        for index, char in enumerate(line):
            if char in _OVERRIDES and index >= position:
                end = _OVERRIDE_END.search(line, index + 1)
                stop = end.start() if end else len(line)
                parts += [line[position:index], line[index + 1 : stop][::-1]]
                position = stop
        lines.append("".join([*parts, line[position:]]))
    return lines


def _neighbours(text: str, index: int) -> tuple[str, str]:
    """The visible characters before and after `index` (a space at either end)."""
    before, after = index - 1, index + 1
    while before >= 0 and INVISIBLE.match(text, before):
        before -= 1
    while after < len(text) and INVISIBLE.match(text, after):
        after += 1
    return (
        text[before] if before >= 0 else " ",
        text[after] if after < len(text) else " ",
    )


def _is_plain(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _is_symbol(char: str) -> bool:
    return unicodedata.category(char).startswith("S")


def _out_of_place(text: str, index: int) -> bool:  # noqa: PLR0911 - a case per kind
    """Whether the character at `index` hides or imitates something where it stands."""
    char = text[index]
    if _MATHEMATICAL.match(char):
        return True
    if char not in _LETTERS and char not in _SEPARATORS and not INVISIBLE.match(char):
        return False  # an emoji, a CJK ideograph beyond the BMP...: another rule's business
    before, after = _neighbours(text, index)
    if char in _LETTERS:
        return (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha())
    if char in _SEPARATORS:
        return _is_plain(before) or _is_plain(after)
    if char in _JOINERS and _ARABIC.match(before) and _ARABIC.match(after):
        return False
    if char == "\u200d" and (_is_symbol(before) or _is_symbol(after)):
        return False
    if char in _MARKS:
        start, end = text.rfind("\n", 0, index) + 1, text.find("\n", index)
        line = text[start : len(text) if end < 0 else end]
        return not _ARABIC_LETTER.search(line) or (_is_plain(before) and _is_plain(after))
    if "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef":
        return not (_is_symbol(before) or _CJK.match(before) or after == _KEYCAP)
    if "\U000e0020" <= char <= "\U000e007f":
        return not _is_symbol(before)
    return True
