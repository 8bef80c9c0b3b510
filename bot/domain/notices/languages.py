"""Which language a notice is in, from its most frequent words and its script."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Final

from bot.domain.notices.text import fold

# Common words of each language; a word in two lists counts for neither.
_LANGUAGE_WORDS: Final = {
    "en": "the and your you order claim seller buyer please respond amount has have this with "
    "item guarantee dear regards reason date filed within customer thank by our we",
    "de": "der die das und sie ihre ihr bitte nicht für bestellung antrag käufer verkäufer betrag "
    "mit den zum bis wurde grüßen sehr geehrte artikel garantieantrag eingereicht freundlichen",
    "fr": "le les vous votre une pour des est réclamation commande acheteur vendeur montant avant "
    "bonjour veuillez cordialement du au ci article déposé déposée garantie",
    "es": "el los las usted su para del por reclamación pedido comprador vendedor importe "
    "estimado atentamente antes fecha ha artículo garantía desde",
    "it": "il che per della gli sono ti reclamo ordine acquirente venditore importo gentile entro "
    "cordiali saluti dalla alla data tramite articolo garanzia",
    "nl": "het een van uw niet voor bestelling koper verkoper bedrag geachte beste alstublieft "
    "reageer reageren vóór wij deze artikel garantie ingediend",
    "sv": "och att för din inte har det beställning köpare säljare belopp hej vänliga hälsningar "
    "anspråk senast svara ditt på garanti",
    "pl": "nie się jest na oraz zamówienie zamówienia kupujący sprzedawca kwota roszczenie "
    "prosimy pozdrawiamy dla do gwarancji odpowiedzi",
    "tr": "ve bir bu için sipariş siparişi alıcı satıcı tutar talep talebi lütfen sayın garanti "
    "tarihi kadar ile",
    "pt_BR": "os não você seu sua uma pelo pedido comprador vendedor valor reclamação prezado "
    "atenciosamente até em garantia",
}


def _unique_words(lists: Mapping[str, str]) -> dict[str, str]:
    sets = {language: {fold(w) for w in words.split()} for language, words in lists.items()}
    counts = Counter(word for words in sets.values() for word in words)
    return {w: language for language, words in sets.items() for w in words if counts[w] == 1}


_WORD_LANGUAGE: Final = _unique_words(_LANGUAGE_WORDS)
LETTER: Final = re.compile(r"[^\W\d_]+")
_KANA: Final = re.compile("[\u3040-\u30ff]")
_HAN: Final = re.compile("[\u4e00-\u9fff]")
_ARABIC: Final = re.compile("[\u0620-\u064a]")
_LATIN: Final = re.compile("[a-z\u00c0-\u024f]")


def language_of(low: str) -> str | None:
    """By script for Japanese and Arabic, else by the language with the most common words."""
    latin = len(_LATIN.findall(low))
    kana = len(_KANA.findall(low))
    if kana >= 2 and 2 * (kana + len(_HAN.findall(low))) >= latin:  # kanji alone: Chinese
        return "ja"
    arabic = len(_ARABIC.findall(low))
    if arabic >= 10 and 2 * arabic >= latin:
        return "ar"
    scores: dict[str, int] = {}
    for word in set(LETTER.findall(low)):
        language = _WORD_LANGUAGE.get(word)
        if language is not None:
            scores[language] = scores.get(language, 0) + 1
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]
