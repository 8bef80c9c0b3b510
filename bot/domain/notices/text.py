"""How a notice is read as text: normalised (format characters, spaces, digits, case), searched
for keywords as whole words, and the window of text before a match that says what it is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from typing import Final

LIMIT: Final = 20_000
SHORT: Final = 60
_LOOK_BACK: Final = 80
MAX_MATCHES: Final = 500  # dates or amounts weighed per notice; a real one has a handful

# Zero-width and bidi controls (RTL pastes are full of them), soft hyphen, BOM.
FORMAT_CHARS: Final = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_SPACES: Final = re.compile(r"[^\S\n]+")
_LINE_ENDS: Final = re.compile(r" ?\n ?")
# Between the words of a phrase: a few characters of the same sentence and paragraph.
_GAP: Final = r"(?:[^\n.!?。]|\n(?!\n)){0,40}?"
# Arabic-Indic digits and separators, for amounts and dates only (order ids stay ASCII-only).
_ARABIC_DIGITS: Final = {
    **{0x0660 + i: str(i) for i in range(10)},
    **{0x06F0 + i: str(i) for i in range(10)},
    0x066B: ".",
    0x066C: ",",
}
_FOLD: Final = str.maketrans({"ı": "i"})  # Turkish: "KASIM" and "Kasım" read alike


def normalise(text: str) -> tuple[str, str]:
    """The text in two views of equal length: NFKC ("２０２６" -> "2026", "：" -> ":") with plain
    spaces and ASCII digits, and the same in lower case (for keywords)."""
    norm = unicodedata.normalize("NFKC", text).translate(_ARABIC_DIGITS)
    norm = _SPACES.sub(" ", norm.replace("\r\n", "\n").replace("\r", "\n"))
    norm = _LINE_ENDS.sub("\n", norm)[: 2 * LIMIT]  # NFKC may lengthen: "ﷺ" is 18 letters
    low = norm.lower()
    if len(low) != len(norm):  # "İ" lowers to two characters: keep one so offsets agree
        low = "".join(char.lower()[0] for char in norm)
    return norm, low.translate(_FOLD)


def fold(word: str) -> str:
    return word.lower().translate(_FOLD)


def _is_latin(char: str) -> bool:
    return char.isalpha() and (char.isascii() or "LATIN" in unicodedata.name(char, ""))


_WORD_CHAR: Final = re.compile(r"\w")


def _keyword(word: str) -> str:
    """A keyword as a pattern: " … " allows a few words in between, and a space may be a line
    break (notices are wrapped)."""
    parts = [re.escape(fold(part)).replace(r"\ ", "[ \n]") for part in word.split(" … ")]
    return _GAP.join(parts)


def phrase_list(table: str) -> tuple[str, ...]:
    """The phrases of a table of lines "xx: phrase | phrase" (xx, the language, is for readers)."""
    return tuple(
        phrase.strip()
        for line in table.strip().splitlines()
        for phrase in line.partition(":")[2].split("|")
        if phrase.strip()
    )


def alternation(words: Iterable[str]) -> str:
    return "|".join(_keyword(w) for w in sorted(set(words), key=len, reverse=True))


def keyword_hits(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The keywords of `pattern` in `text` that are words there: a Latin keyword must start a
    word (and a short one end it), so "roto" is not found in "protocol". Checked here rather
    than by look-behinds in the pattern, which would make the search several times slower."""
    pos = 0
    while pos <= len(text) and (match := pattern.search(text, pos)) is not None:
        start, end = match.span()
        pos = start + 1
        first, last = text[start], text[end - 1]
        if _is_latin(first) and start > 0 and _WORD_CHAR.match(text, start - 1):
            continue
        if end - start <= 5 and _is_latin(last) and _WORD_CHAR.match(text, end):
            continue
        pos = max(end, pos)
        yield match


def last_kind(pattern: re.Pattern[str], kinds: Mapping[str, str], window: str) -> str | None:
    """The kind of the keyword nearest the end of `window`."""
    last: str | None = None
    for match in keyword_hits(pattern, window):
        last = match[0]
    return kinds.get(last.replace("\n", " ")) if last is not None else None


def window_before(low: str, start: int, floor: int) -> str:
    """The text before position `start` that may label what stands there: its line (back to
    `floor`, the end of the previous date or amount), or, when the value stands alone on its line
    as in a Seller Central copy, the nearest non-blank line above it."""
    line_start = low.rfind("\n", 0, start) + 1
    lo = max(line_start, floor, start - _LOOK_BACK)
    window = low[lo:start]
    if lo != line_start or not _alone(window):
        return window
    end = line_start - 1
    for _ in range(3):  # skip up to two blank lines
        if end <= floor or end < 0:
            return window
        above_start = low.rfind("\n", 0, end) + 1
        above = low[max(above_start, floor, end - _LOOK_BACK) : end]
        if above.strip():
            return above + " " + window
        end = above_start - 1
    return window


# Nothing but a weekday before the value on its line: its label is the line above.
_ALONE: Final = re.compile(r"[\W\d_]{0,12}(?:(?P<word>[^\W\d_]{1,13})[\W\d_]{0,12})?")
_WEEKDAYS: Final = frozenset(
    fold(w)
    for w in phrase_list(
        """
        en: monday | tuesday | wednesday | thursday | friday | saturday | sunday
        en: mon | tue | tues | wed | thu | thur | thurs | fri | sat | sun
        de: montag | dienstag | mittwoch | donnerstag | freitag | samstag | sonntag
        de: mo | di | mi | do | fr | sa | so
        fr: lundi | mardi | mercredi | jeudi | vendredi | samedi | dimanche
        es: lunes | martes | miércoles | jueves | viernes | sábado | domingo
        it: lunedì | martedì | mercoledì | giovedì | venerdì | sabato | domenica
        nl: maandag | dinsdag | woensdag | donderdag | vrijdag | zaterdag | zondag
        sv: måndag | tisdag | onsdag | torsdag | fredag | lördag | söndag
        pl: poniedziałek | wtorek | środa | czwartek | piątek | sobota | niedziela
        tr: pazartesi | salı | çarşamba | perşembe | cuma | cumartesi | pazar
        """
    )
)


def _alone(window: str) -> bool:
    match = _ALONE.fullmatch(window)
    return match is not None and (match["word"] is None or match["word"] in _WEEKDAYS)
