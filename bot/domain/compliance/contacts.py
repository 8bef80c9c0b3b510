"""Contact details a buyer message may not carry, and the order id it must: phone numbers (not
carrier tracking numbers), links other than Amazon's, and whether the order id is mentioned.
Split from lint.py, which runs them among the other rules."""

from __future__ import annotations

import re

from bot.domain.compliance.patterns import (
    AMAZON_HOST,
    DIGIT_RUN,
    NATIONAL_PHONE,
    ORDER_ID_PATTERN,
    PHONE_SHAPE,
    TRACKING_AFTER_WORD,
    TRACKING_PATTERN,
    URL_PATTERN,
)
from bot.domain.compliance.words import LEXICON


def without_tracking(text: str, words: list[tuple[int, int]] | None) -> str:
    """`text` with carrier tracking numbers blanked out (same length), so that no phone check
    reads one as a phone number. `words`: where tracking words stand in it (None: find them)."""
    if words is None:
        folded = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        words = LEXICON.scan(folded).get("tracking", [])
    spans = [m.span() for m in TRACKING_PATTERN.finditer(text)]
    for _start, end in words:
        if match := TRACKING_AFTER_WORD.match(text, end):
            spans.append(match.span(1))
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = "#" * (end - start)
    return "".join(chars)


def _last_run(text: str) -> re.Match[str] | None:
    runs = list(DIGIT_RUN.finditer(text))
    return runs[-1] if runs else None


def find_phone(
    text: str, words: list[tuple[int, int]] | None, tracking: list[tuple[int, int]] | None
) -> str | None:
    """A phone number in `text`, which is no carrier's tracking number. `words`, `tracking`:
    where phone words and tracking words stand in it (None: find them)."""
    shaped = "+" in text or "(" in text
    if words is None:
        words = LEXICON.scan(text.lower()).get("phone", [])
    if not shaped and not words:
        return None
    text = without_tracking(text, tracking)
    if shaped and (match := PHONE_SHAPE.search(text)):
        return match.group(0)
    if not words:
        return None
    # With a phone word anywhere, a national number is a phone number wherever it stands
    # ("サポートセンター（03-1234-5678）" can be far from "お電話").
    for national in NATIONAL_PHONE.finditer(text):
        count = sum(c.isdigit() for c in national.group(0))
        if 9 <= count <= 12 and not ORDER_ID_PATTERN.fullmatch(national.group(0)):
            return national.group(0)
    for start, end in words:
        # The number follows the word ("Tel. 030 1234567") or, in Turkish or Japanese word
        # order, precedes it ("0212 123 45 67 numaralı telefondan").
        after = text[end : end + 30]
        before = text[max(0, start - 30) : start]
        for window, digits in ((after, DIGIT_RUN.search(after)), (before, _last_run(before))):
            if (
                digits
                and sum(c.isdigit() for c in digits.group(0)) >= 6
                and not ORDER_ID_PATTERN.search(
                    window[max(0, digits.start() - 1) : digits.end() + 1]
                )
            ):
                return digits.group(0)
    return None


def mentions(text: str, order_id: str) -> bool:
    """`order_id` appears in `text` as a whole id (not inside a longer digit run)."""
    start = text.find(order_id)
    while start >= 0:
        before = text[start - 1 : start]
        after = text[start + len(order_id) : start + len(order_id) + 1]
        if not before.isdigit() and not after.isdigit():
            return True
        start = text.find(order_id, start + 1)
    return False


def _has_dotted_word(text: str) -> bool:
    """A dot between two word characters ("acme.com"), the shape of a bare domain."""
    dot = text.find(".")
    while dot >= 0:
        if 0 < dot < len(text) - 1 and text[dot - 1].isalnum() and text[dot + 1].isalpha():
            return True
        dot = text.find(".", dot + 1)
    return False


def foreign_link(text: str, lowered: str | None = None) -> str | None:
    lowered = text.lower() if lowered is None else lowered
    if not ("://" in text or "www" in lowered or _has_dotted_word(text)):
        return None
    for match in URL_PATTERN.finditer(text):
        url = match.group(0).rstrip(".,;:!?")
        host = re.sub(r"^(?:https?://)?", "", url, flags=re.IGNORECASE).split("/", 1)[0]
        host = host.split(":", 1)[0].lower().removeprefix("www.")
        if not AMAZON_HOST.match(host):
            return url
    return None
