"""What breaks a messaging rule in any language: e-mail addresses, phone numbers, links, HTML,
emoji, placeholders left in a draft.
"""

from __future__ import annotations

import re

EMAIL_PATTERN = re.compile(
    r"[\w.%+-]+\s*[@＠]\s*[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}"
    r"|[\w.+-]+\s*[\[(]\s*at\s*[\])]\s*[\w-]+\s*[\[(]\s*dot\s*[\])]\s*[A-Za-z]{2,}",
    re.IGNORECASE,
)
HTML_PATTERN = re.compile(
    r"<\s*/?\s*[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?\s*>|&(?:[A-Za-z]{2,8}|#\d{2,6}|#x[0-9A-Fa-f]{2,5});"
)
_TLDS = (
    "com|net|org|info|biz|shop|store|online|site|io|co|me|ly|eu|de|fr|it|es|nl|be|se|pl|tr|jp|"
    "uk|ie|ae|sa|eg|in|au|sg|za|br|mx|ca|at|ch|cn|ru|us|tv|app|link"
)
URL_PATTERN = re.compile(
    r"\b(?:https?://|www\.)[^\s<>()\"']+"
    rf"|\b(?:[A-Za-z0-9-]+\.)+(?:{_TLDS})\b(?:/[^\s<>()\"']*)?",
    re.IGNORECASE,
)
AMAZON_HOST = re.compile(r"^(?:[\w-]+\.)*(?:amazon|amzn)\.[a-z.]{2,}$", re.IGNORECASE)
EMOJI_PATTERN = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U00002b00-\U00002bff\U0001f1e6-\U0001f1ff"
    "\u231a\u231b\u23e9-\u23f3\u23f8-\u23fa\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe"
    "\u2934\u2935\u3030\u303d\u3297\u3299\ufe0f]"
)
PLACEHOLDER_PATTERN = re.compile(
    r"\{\{|\}\}|\{%|%\}|%\([A-Za-z_]+\)[sd]|\{[a-z_]+\}"
    r"|\[(?:[A-Z][A-Z _]{2,}|name|order|buyer|product|tracking)\]"
    r"|<(?:name|order|buyer|product|tracking)[^<>]*>|\bXXX+\b|\bTODO\b|\bTBD\b|_{3,}"
)
# Cheap first passes: the full patterns above are slow on long texts and rarely needed.
PLACEHOLDER_MARKERS = ("{", "}", "[", "<", "_", "%", "xxx", "todo", "tbd")
NON_LATIN = re.compile("[\u0600-\u06ff\u3040-\u30ff\u4e00-\u9fff]")
ORDER_ID_PATTERN = re.compile(r"(?<![0-9])[0-9]{3}-[0-9]{7}-[0-9]{7}(?![0-9])")
# A phone number: international form, or an area code in brackets.
PHONE_SHAPE = re.compile(
    r"(?<![\w+])\+\s?\d{1,3}(?:[\s().-]*\d){6,13}(?!\d)"
    r"|\(\d{2,5}\)\s?\d{2,5}[\s-]?\d{2,6}"
)
# A national number: a leading 0, groups joined by '-' or a space, 9 to 12 digits in all
# ("020-1234567", "03-1234-5678", "0212 555 12 34"); checked for its digit count after.
NATIONAL_PHONE = re.compile(r"(?<![\w.-])0\d{1,4}(?:[ -]\d{2,8}){1,4}(?![\w-])")
DIGIT_RUN = re.compile(r"\+?\d[\d\s()./-]{4,}\d")
SENTENCE_END = re.compile(r"[.!?](?=\s|$)|[。！？؟\n]")  # not the dot of 59.90


def phrase_hits(*groups: str) -> frozenset[str]:
    """Lower-case phrases, given as `|`-separated strings per language."""
    return frozenset(w.strip().lower() for group in groups for w in group.split("|") if w.strip())
